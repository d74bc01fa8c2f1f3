// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IVault} from "@pm/abi/IVault.sol";

/// @title VaultConsumer
/// @notice A Solidity protocol using the vault only through `IVault`: it reads every view, forwards
/// every admin and account call, and decodes the vault's custom errors. It proves the committed
/// interface compiles and encodes every function.
contract VaultConsumer {
    IVault public immutable vault;

    /// Everything the vault's views say about one account and one token.
    struct Snapshot {
        address owner;
        address pendingOwner;
        address riskAdmin;
        address guardian;
        bool paused;
        address sequencerFeed;
        uint32 gracePeriod;
        address clearinghouse;
        address settlementToken;
        address[] tokens;
        address oracle;
        uint16 haircutBps;
        uint256 depositCap;
        uint32 heartbeat;
        uint256 totalDeposited;
        uint256 balance;
        int256 collateralValue;
        uint256 debt;
        uint256 lossIndex;
        uint256 totalDebt;
    }

    constructor(IVault vault_) {
        vault = vault_;
    }

    /// @notice Reads every view of the vault for `account` and `token`.
    function snapshot(address account, address token) external view returns (Snapshot memory s) {
        s.owner = vault.owner();
        s.pendingOwner = vault.pendingOwner();
        (s.riskAdmin, s.guardian, s.paused, s.sequencerFeed, s.gracePeriod, s.clearinghouse, s.settlementToken) =
            vault.config();
        s.tokens = vault.collateralTokens();
        (s.oracle, s.haircutBps, s.depositCap, s.heartbeat, s.totalDeposited) = vault.collateralConfig(token);
        s.balance = vault.balanceOf(account, token);
        s.collateralValue = vault.collateralValue(account);
        s.debt = vault.debtOf(account);
        (s.lossIndex, s.totalDebt) = vault.settlementLedger();
    }

    /// @notice Forwards the owner's and guardian's calls (this contract holding the role).
    function administer(address riskAdmin, address guardian, address newOwner) external {
        vault.setRiskAdmin(riskAdmin);
        vault.setGuardian(guardian);
        vault.pause();
        vault.unpause();
        vault.transferOwnership(newOwner);
    }

    /// @notice Accepts a pending ownership transfer to this contract.
    function acceptOwnership() external {
        vault.acceptOwnership();
    }

    /// @notice Forwards the risk admin's calls (this contract holding the role).
    function configure(address token, address oracle, uint16 haircutBps, uint256 cap, uint32 heartbeat, address feed)
        external
    {
        vault.setCollateral(token, oracle, haircutBps, cap, heartbeat);
        vault.setSequencerFeed(feed, 3600);
    }

    /// @notice Deposits for itself and for `account`, then withdraws `out` to `to`.
    function moveFunds(address token, uint256 amount, address account, uint256 out, address to)
        external
        returns (uint256 credited, uint256 creditedFor)
    {
        credited = vault.deposit(token, amount);
        creditedFor = vault.depositFor(account, token, amount);
        vault.withdraw(token, out, to);
    }

    /// @notice Withdraws, turning the vault's `InsufficientBalance` into a return value.
    /// @return ok whether the withdrawal went through; `shortfall` what was missing otherwise.
    function tryWithdraw(address token, uint256 amount) external returns (bool ok, uint256 shortfall) {
        try vault.withdraw(token, amount, msg.sender) {
            return (true, 0);
        } catch (bytes memory reason) {
            // forge-lint: disable-next-line(unsafe-typecast)
            if (reason.length < 4 || bytes4(reason) != IVault.InsufficientBalance.selector) {
                assembly {
                    revert(add(reason, 32), mload(reason))
                }
            }
            (,, uint256 balance, uint256 wanted) = abi.decode(_args(reason), (address, address, uint256, uint256));
            return (false, wanted - balance);
        }
    }

    function _args(bytes memory reason) private pure returns (bytes memory args) {
        args = new bytes(reason.length - 4);
        for (uint256 i = 0; i < args.length; i++) {
            args[i] = reason[i + 4];
        }
    }
}
