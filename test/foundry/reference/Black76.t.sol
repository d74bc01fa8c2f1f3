// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {MathHarness} from "./MathHarness.sol";

/// Black-76 prices and greeks against 60-digit values (mpmath), within the bound the Rust model
/// states for its own: 1e-13·(F + K) + 1e-16 per unit (the greeks, Γ·F for gamma, within 1e-13
/// relative).
contract Black76Test is Test {
    MathHarness internal m;

    function setUp() public {
        m = new MathHarness();
    }

    function near(int256 got, int256 want, int256 tol) internal pure {
        int256 d = got > want ? got - want : want - got;
        assertLe(d, tol, "outside the bound");
    }

    function check(bool isCall, int256 f, int256 k, int256 vol, int256 yrs, int256[4] memory want) internal view {
        (int256 p, int256 delta, int256 gammaF, int256 vega) = m.black76(isCall, f, k, vol, yrs);
        near(p, want[0], (f + k) / 1e13 + 100);
        near(delta, want[1], 1e5);
        near(gammaF, want[2], want[2] / 1e13 + 10);
        near(vega, want[3], want[3] / 1e13 + 10);
        assertEq(m.price(isCall, f, k, vol, yrs), p);
    }

    function test_price_matchesKnownValues() public view {
        // 30 days: 2,592,000 s over 31,536,000, as the model's yrs.
        int256 t30 = int256(2592000) * 1e18 / 31536000;
        check(
            true,
            65000e18,
            60000e18,
            0.55e18,
            t30,
            [int256(6921593105938355061949), 721219218991576944, 2130329227320548079, 6259666017263801842481]
        );
        check(
            false,
            65000e18,
            60000e18,
            0.55e18,
            t30,
            [int256(1921593105938355061949), -278780781008423056, 2130329227320548079, 6259666017263801842481]
        );
        check(
            true,
            3000e18,
            3600e18,
            0.65e18,
            0.5e18,
            [int256(345419339858274097160), 433736283850353071, 855982988135251950, 834583413431870651373]
        );
        check(
            false,
            150e18,
            120e18,
            0.85e18,
            int256(604800) * 1e18 / 31536000,
            [int256(176315133036730229), -25319492185282171, 501820438359529416, 1227054085577750216]
        );
        check(
            true,
            20e18,
            20e18,
            0.25e18,
            333333333333333333,
            [int256(1150648251711622338), 528766206292790558, 2756764764988417148, 4594607941647361909]
        );
        // Deep in the money at the range's edges: F = 1, K = 1e9, 500% over five yrs.
        check(
            false,
            1e18,
            1e27,
            5e18,
            5e18,
            [int256(999999999999857800294798033), -93253488105505, 33156311371360, 828907784284009]
        );
    }

    function test_greeks_atExpiryAreThePayoffs() public view {
        (int256 p, int256 delta, int256 gammaF, int256 vega) = m.black76(true, 110e18, 100e18, 0.5e18, 0);
        assertEq(p, 10e18);
        assertEq(delta, 1e18);
        assertEq(gammaF, 0);
        assertEq(vega, 0);
        (p, delta,,) = m.black76(false, 110e18, 100e18, 0.5e18, 0);
        assertEq(p, 0);
        assertEq(delta, 0);
    }

    function testFuzz_price_keepsPutCallParityAndIntrinsic(uint64 fr, uint64 kr, uint32 vr, uint32 tr) public view {
        int256 f = int256(bound(fr, 1, 1e12)) * 1e14;
        int256 k = int256(bound(kr, 1, 1e12)) * 1e14;
        int256 vol = int256(bound(vr, 1e4, 5e6)) * 1e12;
        int256 yrs = int256(bound(tr, 1, 5 * 31536000)) * 1e18 / 31536000;
        int256 c = m.price(true, f, k, vol, yrs);
        int256 p = m.price(false, f, k, vol, yrs);
        assertGe(c, f > k ? f - k : int256(0));
        assertGe(p, k > f ? k - f : int256(0));
        // c − p = F − K within the bound on each.
        near(c - p, f - k, 2 * ((f + k) / 1e13 + 100));
    }
}
