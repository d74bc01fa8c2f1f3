// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {IClearinghouse} from "@pm/abi/IClearinghouse.sol";
import {BilateralMarket} from "../../../contracts/solidity/markets/BilateralMarket.sol";
import {PerpMarket} from "../../../contracts/solidity/markets/PerpMarket.sol";
import {OptionsMarket} from "../../../contracts/solidity/markets/OptionsMarket.sol";
import {MockClearinghouse} from "./MockClearinghouse.sol";

/// The markets' own logic: tickets, who may accept, the order and content of the clearinghouse calls,
/// fees, and that a clearinghouse revert undoes the whole trade.
contract MarketsTest is Test {
    address internal constant OWNER = address(0x0A);
    address internal constant MAKER = address(0xA1);
    address internal constant TAKER = address(0xB2);
    address internal constant OTHER = address(0xC3);
    uint128 internal constant BTC_PERP = 0;
    MockClearinghouse internal clearinghouse;
    PerpMarket internal perps;
    OptionsMarket internal options;
    uint128 internal call;

    function setUp() public {
        vm.warp(1_000_000);
        clearinghouse = new MockClearinghouse();
        perps = new PerpMarket(IClearinghouse(address(clearinghouse)), OWNER);
        options = new OptionsMarket(IClearinghouse(address(clearinghouse)), OWNER);
        vm.prank(OWNER);
        call = options.listSeries(0, true, 2_000_000, 65_000e8);
    }

    function _one(uint128 instrument, int128 size, int128 price)
        internal
        pure
        returns (uint128[] memory i, int128[] memory s, int128[] memory p)
    {
        i = new uint128[](1);
        s = new int128[](1);
        p = new int128[](1);
        (i[0], s[0], p[0]) = (instrument, size, price);
    }

    function _propose(BilateralMarket m, address taker, uint128 instrument, int128 size, int128 price)
        internal
        returns (uint256)
    {
        (uint128[] memory i, int128[] memory s, int128[] memory p) = _one(instrument, size, price);
        vm.prank(MAKER);
        return m.propose(taker, i, s, p, 1_000_100);
    }

    function test_accept_updatesMakerThenTakerOppositeAndChargesTheFee() public {
        vm.prank(OWNER);
        perps.setTakerFee(5e6);
        uint256 id = _propose(perps, TAKER, BTC_PERP, 2e18, 65_000e18);
        vm.prank(TAKER);
        perps.accept(id);
        assertEq(clearinghouse.updateCount(), 2);
        (address a0, uint128 i0, int128 s0, int128 p0) = clearinghouse.updates(0);
        (address a1,, int128 s1, int128 p1) = clearinghouse.updates(1);
        assertEq(a0, MAKER);
        assertEq(i0, BTC_PERP);
        assertEq(s0, 2e18);
        assertEq(p0, 65_000e18);
        assertEq(a1, TAKER);
        assertEq(s1, -2e18);
        assertEq(p1, 65_000e18);
        assertEq(clearinghouse.settleCount(), 1);
        assertEq(clearinghouse.settledAccounts(0), TAKER);
        assertEq(clearinghouse.settledAmounts(0), -5e6);
        assertFalse(perps.ticket(id).open);
    }

    function test_accept_multiLegTicketsUseOneBatchPerSide() public {
        uint128[] memory i = new uint128[](2);
        int128[] memory s = new int128[](2);
        int128[] memory p = new int128[](2);
        (i[0], s[0], p[0]) = (call, 1e18, 3_000e18);
        uint128 put = clearinghouse.instrumentId(0, 3, 2_000_000, 60_000e8);
        vm.prank(OWNER);
        options.listSeries(0, false, 2_000_000, 60_000e8);
        (i[1], s[1], p[1]) = (put, -1e18, 2_000e18);
        vm.prank(MAKER);
        uint256 id = options.propose(address(0), i, s, p, 1_000_100);
        vm.prank(OTHER);
        options.accept(id);
        assertEq(clearinghouse.batchCalls(), 2);
        (address a3,, int128 s3,) = clearinghouse.updates(3);
        assertEq(a3, OTHER);
        assertEq(s3, 1e18);
        assertEq(clearinghouse.settleCount(), 0, "no fee set");
    }

    function test_accept_onlyTheNamedTakerBeforeTheDeadlineOnce() public {
        uint256 id = _propose(perps, TAKER, BTC_PERP, 1e18, 1e18);
        vm.prank(OTHER);
        vm.expectRevert(abi.encodeWithSelector(BilateralMarket.NotTaker.selector, id, OTHER));
        perps.accept(id);
        vm.prank(MAKER);
        vm.expectRevert(abi.encodeWithSelector(BilateralMarket.NotTaker.selector, id, MAKER));
        perps.accept(id);
        vm.warp(1_000_101);
        vm.prank(TAKER);
        vm.expectRevert(abi.encodeWithSelector(BilateralMarket.TicketNotOpen.selector, id));
        perps.accept(id);
        vm.warp(1_000_100);
        vm.prank(TAKER);
        perps.accept(id);
        vm.prank(TAKER);
        vm.expectRevert(abi.encodeWithSelector(BilateralMarket.TicketNotOpen.selector, id));
        perps.accept(id);
    }

    function test_accept_anEngineRevertUndoesTheTrade() public {
        uint256 id = _propose(perps, TAKER, BTC_PERP, 1e18, 1e18);
        bytes memory shortfall = abi.encodeWithSelector(
            IClearinghouse.InsufficientMargin.selector, TAKER, int256(10e18), int256(25e18), uint256(15e18)
        );
        clearinghouse.setRevert(shortfall);
        vm.prank(TAKER);
        vm.expectRevert(shortfall);
        perps.accept(id);
        assertTrue(perps.ticket(id).open, "still open");
        assertEq(clearinghouse.updateCount(), 0);
    }

    function test_propose_rejectsBadTickets() public {
        (uint128[] memory i, int128[] memory s, int128[] memory p) = _one(BTC_PERP, 0, 1e18);
        vm.expectRevert(BilateralMarket.InvalidTicket.selector);
        perps.propose(TAKER, i, s, p, 1_000_100);
        (i, s, p) = _one(BTC_PERP, 1e18, -1);
        vm.expectRevert(BilateralMarket.InvalidTicket.selector);
        perps.propose(TAKER, i, s, p, 1_000_100);
        vm.expectRevert(BilateralMarket.InvalidTicket.selector);
        perps.propose(TAKER, new uint128[](0), new int128[](0), new int128[](0), 1_000_100);
        (i, s, p) = _one(call, 1e18, 1e18);
        vm.expectRevert(abi.encodeWithSelector(BilateralMarket.UnsupportedInstrument.selector, call));
        perps.propose(TAKER, i, s, p, 1_000_100);
        (i, s, p) = _one(BTC_PERP, 1e18, 1e18);
        vm.expectRevert(abi.encodeWithSelector(BilateralMarket.UnsupportedInstrument.selector, BTC_PERP));
        options.propose(TAKER, i, s, p, 1_000_100);
        assertEq(perps.ticketCount(), 0);
    }

    function test_cancel_onlyByTheMaker() public {
        uint256 id = _propose(perps, address(0), BTC_PERP, 1e18, 1e18);
        vm.prank(TAKER);
        vm.expectRevert(abi.encodeWithSelector(BilateralMarket.NotMaker.selector, id, TAKER));
        perps.cancel(id);
        vm.prank(MAKER);
        perps.cancel(id);
        vm.prank(TAKER);
        vm.expectRevert(abi.encodeWithSelector(BilateralMarket.TicketNotOpen.selector, id));
        perps.accept(id);
    }

    function test_owner_listsSeriesAndSetsFees() public {
        vm.expectRevert(abi.encodeWithSelector(BilateralMarket.NotOwner.selector, address(this)));
        options.listSeries(0, true, 2_000_000, 1e8);
        vm.expectRevert(abi.encodeWithSelector(BilateralMarket.NotOwner.selector, address(this)));
        perps.setTakerFee(1);
        vm.startPrank(OWNER);
        uint128 stale = clearinghouse.instrumentId(0, 2, 999_999, 1e8);
        vm.expectRevert(abi.encodeWithSelector(OptionsMarket.InvalidSeries.selector, stale));
        options.listSeries(0, true, 999_999, 1e8);
        vm.expectRevert(abi.encodeWithSelector(BilateralMarket.FeeTooLarge.selector, type(uint256).max));
        perps.setTakerFee(type(uint256).max);
        vm.stopPrank();
        assertTrue(options.trades(call));
        assertEq(options.settleExpired(MAKER), 3);
    }
}
