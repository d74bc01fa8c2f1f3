/// The caller is neither the guardian nor the owner.
error NotGuardian(address caller);
/// Deposits are stopped while the vault is paused.
error VaultPaused();
/// The vault is not paused.
error VaultNotPaused();
/// An amount argument is zero.
error ZeroAmount();
/// The token is not listed as collateral.
error CollateralNotListed(address token);
/// No more collateral tokens can be listed.
error TooManyCollaterals(uint256 max);
/// A haircut must be below 100% (10,000 basis points).
error InvalidHaircut(uint256 haircutBps, uint256 maxBps);
/// A sequencer grace period must be at most `maxSeconds`.
error InvalidGracePeriod(uint256 gracePeriod, uint256 maxSeconds);
/// A token or oracle reports more decimals than the vault supports: each at most 36, and the
/// token's and the feed's together (the feed's counted as at least 18) at most 54, reported for
/// the token.
error UnsupportedDecimals(address source, uint256 decimals, uint256 maxDecimals);
/// A deposit would take the token's total deposits above its cap.
error DepositCapExceeded(address token, uint256 cap, uint256 totalAfter);
/// A deposit's transfer left the vault's token balance unchanged.
error NothingReceived(address token);
/// The account's balance of the token is below the amount.
error InsufficientBalance(address account, address token, uint256 balance, uint256 amount);
/// Only the clearinghouse may settle, sell a liquidated account's collateral or socialise its debt.
error NotClearinghouse(address caller);
/// The clearinghouse is set once and cannot change.
error ClearinghouseAlreadySet(address clearinghouse);
/// The clearinghouse's margin check reverted (e.g. on a stale underlying price: call its
/// `marginFor` to see the error) or answered data that does not decode.
error MarginCheckFailed(address clearinghouse);
/// A debt cannot be socialised while the account still holds `token`: it is sold first.
error CollateralRemaining(address account, address token);
/// A liquidated account's collateral cannot be sold to the account itself.
error SelfSeizure(address account);
/// The recorded collateral table's code is not a whole table (`collateralTable`).
error CollateralTableUnavailable(address table);
