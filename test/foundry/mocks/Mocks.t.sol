// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {MockERC20} from "../../../contracts/solidity/mocks/MockERC20.sol";
import {MockNoReturnERC20} from "../../../contracts/solidity/mocks/MockNoReturnERC20.sol";
import {MockFeeOnTransferERC20} from "../../../contracts/solidity/mocks/MockFeeOnTransferERC20.sol";
import {MockAggregatorV3} from "../../../contracts/solidity/mocks/MockAggregatorV3.sol";
import {MockReentrantERC20} from "../../../contracts/solidity/mocks/MockReentrantERC20.sol";

contract Echo {
    function ping(uint256 x) external pure returns (uint256) {
        return x + 1;
    }
}

contract MocksTest is Test {
    address internal constant ALICE = address(0xA11CE);
    address internal constant BOB = address(0xB0B);

    function test_erc20_transferFromMovesAndSpendsAllowance() public {
        MockERC20 t = new MockERC20("USD Coin", "USDC", 6);
        t.mint(ALICE, 100);
        vm.prank(ALICE);
        t.approve(address(this), 60);
        assertTrue(t.transferFrom(ALICE, BOB, 60));
        assertEq(t.balanceOf(BOB), 60);
        assertEq(t.allowance(ALICE, address(this)), 0);
        assertEq(t.decimals(), 6);
    }

    function test_erc20_RevertWhen_balanceOrAllowanceShort() public {
        MockERC20 t = new MockERC20("USD Coin", "USDC", 6);
        t.mint(ALICE, 10);
        vm.expectRevert(abi.encodeWithSelector(MockERC20.InsufficientAllowance.selector, address(this), 0, 5));
        assertFalse(t.transferFrom(ALICE, BOB, 5));
        vm.prank(ALICE);
        vm.expectRevert(abi.encodeWithSelector(MockERC20.InsufficientBalance.selector, ALICE, 10, 11));
        assertFalse(t.transfer(BOB, 11));
    }

    function test_noReturn_transferReturnsNoData() public {
        MockNoReturnERC20 t = new MockNoReturnERC20("Tether", "USDT", 6);
        t.mint(address(this), 10);
        (bool ok, bytes memory ret) = address(t).call(abi.encodeWithSignature("transfer(address,uint256)", BOB, 4));
        assertTrue(ok);
        assertEq(ret.length, 0);
        assertEq(t.balanceOf(BOB), 4);
    }

    function test_feeOnTransfer_receiverGetsLess() public {
        MockFeeOnTransferERC20 t = new MockFeeOnTransferERC20("Fee", "FEE", 18, 100);
        t.mint(address(this), 1000);
        assertTrue(t.transfer(BOB, 1000));
        assertEq(t.balanceOf(BOB), 990);
        assertEq(t.totalSupply(), 990);
    }

    function test_feeOnTransfer_RevertWhen_feeAbove100Percent() public {
        vm.expectRevert(abi.encodeWithSelector(MockFeeOnTransferERC20.FeeTooHigh.selector, 10_001));
        new MockFeeOnTransferERC20("Fee", "FEE", 18, 10_001);
    }

    function test_aggregator_setAnswerStartsACompleteRound() public {
        vm.warp(1_800_000_000);
        MockAggregatorV3 feed = new MockAggregatorV3(8, 3000e8);
        (uint80 id, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredIn) = feed.latestRoundData();
        assertEq(id, 1);
        assertEq(answer, 3000e8);
        assertEq(startedAt, 1_800_000_000);
        assertEq(updatedAt, 1_800_000_000);
        assertEq(answeredIn, 1);
        feed.setRound(9, -1, 5, 6, 8);
        (id, answer, startedAt, updatedAt, answeredIn) = feed.latestRoundData();
        assertEq(id, 9);
        assertEq(answer, -1);
        assertEq(answeredIn, 8);
        assertEq(feed.decimals(), 8);
    }

    function test_reentrant_transferFromCallsTheHookThenTransfers() public {
        MockReentrantERC20 t = new MockReentrantERC20("Evil", "EVIL", 18);
        Echo echo = new Echo();
        t.mint(ALICE, 10);
        vm.prank(ALICE);
        t.approve(address(this), 10);
        t.setHook(address(echo), abi.encodeCall(Echo.ping, (41)));
        assertTrue(t.transferFrom(ALICE, BOB, 10));
        assertTrue(t.reentryAttempted());
        assertTrue(t.reentrySucceeded());
        assertEq(abi.decode(t.reentryReturn(), (uint256)), 42);
        assertEq(t.balanceOf(BOB), 10);
    }
}
