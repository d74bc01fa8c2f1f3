// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {IVault} from "@pm/abi/IVault.sol";
import {VaultConsumer} from "../../../contracts/solidity/examples/VaultConsumer.sol";

/// The vault is a Stylus program, which Foundry's EVM cannot run: these tests pin the exact
/// calldata the interface produces for every function and the decoding of its answers and errors.
/// The devnet runs the same calls against the real wasm.
contract VaultConsumerTest is Test {
    address internal constant VAULT = address(0xE11);
    address internal constant TOKEN = address(0x70);
    address internal constant ORACLE = address(0x71);
    address internal constant ACCOUNT = address(0xA1);
    VaultConsumer internal consumer;

    function setUp() public {
        vm.etch(VAULT, hex"fe");
        consumer = new VaultConsumer(IVault(VAULT));
    }

    function _mock(bytes memory call, bytes memory ret) internal {
        vm.mockCall(VAULT, call, ret);
        vm.expectCall(VAULT, call);
    }

    function test_snapshot_readsEveryView() public {
        address[] memory tokens = new address[](1);
        tokens[0] = TOKEN;
        _mock(abi.encodeCall(IVault.owner, ()), abi.encode(address(1)));
        _mock(abi.encodeCall(IVault.pendingOwner, ()), abi.encode(address(2)));
        _mock(
            abi.encodeCall(IVault.config, ()),
            abi.encode(address(3), address(4), true, address(5), uint32(3600), address(6), address(7))
        );
        _mock(abi.encodeCall(IVault.collateralTokens, ()), abi.encode(tokens));
        _mock(
            abi.encodeCall(IVault.collateralConfig, (TOKEN)),
            abi.encode(ORACLE, uint16(200), uint256(1e24), uint32(86400), uint256(7))
        );
        _mock(abi.encodeCall(IVault.balanceOf, (ACCOUNT, TOKEN)), abi.encode(uint256(42)));
        _mock(abi.encodeCall(IVault.collateralValue, (ACCOUNT)), abi.encode(int256(6380e18)));
        _mock(abi.encodeCall(IVault.debtOf, (ACCOUNT)), abi.encode(uint256(9)));
        _mock(abi.encodeCall(IVault.settlementLedger, ()), abi.encode(uint256(0.75e18), uint256(11)));

        VaultConsumer.Snapshot memory s = consumer.snapshot(ACCOUNT, TOKEN);
        assertEq(s.owner, address(1));
        assertEq(s.pendingOwner, address(2));
        assertEq(s.riskAdmin, address(3));
        assertEq(s.guardian, address(4));
        assertTrue(s.paused);
        assertEq(s.sequencerFeed, address(5));
        assertEq(s.gracePeriod, 3600);
        assertEq(s.clearinghouse, address(6));
        assertEq(s.settlementToken, address(7));
        assertEq(s.tokens.length, 1);
        assertEq(s.tokens[0], TOKEN);
        assertEq(s.oracle, ORACLE);
        assertEq(s.haircutBps, 200);
        assertEq(s.depositCap, 1e24);
        assertEq(s.heartbeat, 86400);
        assertEq(s.totalDeposited, 7);
        assertEq(s.balance, 42);
        assertEq(s.collateralValue, 6380e18);
        assertEq(s.debt, 9);
        assertEq(s.lossIndex, 0.75e18);
        assertEq(s.totalDebt, 11);
    }

    function test_administer_encodesRoleCalls() public {
        _mock(abi.encodeCall(IVault.setRiskAdmin, (address(3))), "");
        _mock(abi.encodeCall(IVault.setGuardian, (address(4))), "");
        _mock(abi.encodeCall(IVault.pause, ()), "");
        _mock(abi.encodeCall(IVault.unpause, ()), "");
        _mock(abi.encodeCall(IVault.transferOwnership, (address(6))), "");
        consumer.administer(address(3), address(4), address(6));
        _mock(abi.encodeCall(IVault.acceptOwnership, ()), "");
        consumer.acceptOwnership();
    }

    function test_configure_encodesRiskAdminCalls() public {
        _mock(abi.encodeCall(IVault.setCollateral, (TOKEN, ORACLE, uint16(250), 1e24, uint32(3600))), "");
        _mock(abi.encodeCall(IVault.setSequencerFeed, (address(5), uint32(3600))), "");
        consumer.configure(TOKEN, ORACLE, 250, 1e24, 3600, address(5));
    }

    function test_moveFunds_encodesAccountCalls() public {
        _mock(abi.encodeCall(IVault.deposit, (TOKEN, 100)), abi.encode(uint256(99)));
        _mock(abi.encodeCall(IVault.depositFor, (ACCOUNT, TOKEN, 100)), abi.encode(uint256(98)));
        _mock(abi.encodeCall(IVault.withdraw, (TOKEN, 50, ACCOUNT)), "");
        (uint256 credited, uint256 creditedFor) = consumer.moveFunds(TOKEN, 100, ACCOUNT, 50, ACCOUNT);
        assertEq(credited, 99);
        assertEq(creditedFor, 98);
    }

    function test_tryWithdraw_decodesInsufficientBalance() public {
        bytes memory call = abi.encodeCall(IVault.withdraw, (TOKEN, 150, address(this)));
        bytes memory err = abi.encodeWithSelector(
            IVault.InsufficientBalance.selector, address(consumer), TOKEN, uint256(100), uint256(150)
        );
        vm.mockCallRevert(VAULT, call, err);
        (bool ok, uint256 shortfall) = consumer.tryWithdraw(TOKEN, 150);
        assertFalse(ok);
        assertEq(shortfall, 50);
    }

    function test_tryWithdraw_RevertWhen_vaultRevertsWithOtherError() public {
        bytes memory call = abi.encodeCall(IVault.withdraw, (TOKEN, 1, address(this)));
        vm.mockCallRevert(VAULT, call, abi.encodeWithSelector(IVault.VaultPaused.selector));
        vm.expectRevert(IVault.VaultPaused.selector);
        consumer.tryWithdraw(TOKEN, 1);
    }

    function test_errorSelectors_matchTheirSignatures() public pure {
        assertEq(IVault.NotOwner.selector, bytes4(keccak256("NotOwner(address)")));
        assertEq(IVault.IncompleteRound.selector, bytes4(keccak256("IncompleteRound(address,uint80,uint80,uint256)")));
        assertEq(IVault.Deposited.selector, keccak256("Deposited(address,address,address,uint256)"));
    }
}
