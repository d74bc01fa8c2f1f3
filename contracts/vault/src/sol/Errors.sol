/// The caller is not the owner.
error NotOwner(address caller);
/// The caller is not the pending owner named by `transferOwnership`.
error NotPendingOwner(address caller);
/// The caller is not the risk admin.
error NotRiskAdmin(address caller);
/// The caller is neither the guardian nor the owner.
error NotGuardian(address caller);
/// An address argument that must be set is zero.
error ZeroAddress();
/// An address that must hold contract code holds none.
error NotAContract(address account);
/// Deposits and risk-adding calls are stopped while the engine is paused.
error EnginePaused();
/// The engine is not paused.
error EngineNotPaused();
/// An amount argument is zero.
error ZeroAmount();
/// The token is not listed as collateral.
error CollateralNotListed(address token);
/// No more collateral tokens can be listed.
error TooManyCollaterals(uint256 max);
/// A haircut must be below 100% (10,000 basis points).
error InvalidHaircut(uint256 haircutBps, uint256 maxBps);
/// An oracle heartbeat must be positive and at most `maxSeconds`.
error InvalidHeartbeat(uint256 heartbeat, uint256 maxSeconds);
/// A sequencer grace period must be at most `maxSeconds`.
error InvalidGracePeriod(uint256 gracePeriod, uint256 maxSeconds);
/// A token or oracle reports more decimals than the engine supports.
error UnsupportedDecimals(address source, uint256 decimals, uint256 maxDecimals);
/// An oracle call reverted or returned data that does not decode.
error OracleCallFailed(address oracle);
/// An oracle answer is zero or negative.
error InvalidPrice(address oracle, int256 answer);
/// An oracle round is incomplete (never updated, or answered in an earlier round).
error IncompleteRound(address oracle, uint80 roundId, uint80 answeredInRound, uint256 updatedAt);
/// An oracle answer is older than the collateral's heartbeat.
error StalePrice(address oracle, uint256 updatedAt, uint256 heartbeat, uint256 timestamp);
/// The L2 sequencer-uptime feed reports the sequencer down (answer 1) or has no valid round.
error SequencerDown(address feed, int256 answer, uint256 startedAt);
/// The sequencer is up again but for less than the grace period: prices are not yet trusted.
error SequencerGracePeriod(address feed, uint256 upSince, uint256 gracePeriod, uint256 timestamp);
/// A deposit would take the token's total deposits above its cap.
error DepositCapExceeded(address token, uint256 cap, uint256 totalAfter);
/// A token call (`transfer`, `transferFrom`, `balanceOf`, `decimals`) reverted, returned false
/// or returned data that does not decode.
error TokenCallFailed(address token, bytes4 selector);
/// A deposit's transfer left the engine's token balance unchanged.
error NothingReceived(address token);
/// The account's balance of the token is below the amount.
error InsufficientBalance(address account, address token, uint256 balance, uint256 amount);
/// The account's equity (collateral value, minus debt, plus its positions' value) would be below
/// its initial margin; `shortfall` is the difference. USD, 18 decimals.
error InsufficientMargin(address account, int256 equity, int256 initialMargin, uint256 shortfall);
/// Only the clearinghouse may settle.
error NotClearinghouse(address caller);
/// The clearinghouse is set once and cannot change.
error ClearinghouseAlreadySet(address clearinghouse);
/// The clearinghouse's margin check reverted (e.g. on a stale underlying price: call its
/// `marginFor` to see the error) or answered data that does not decode.
error MarginCheckFailed(address clearinghouse);
/// A value does not fit the engine's 256-bit arithmetic.
error ArithmeticOverflow();
