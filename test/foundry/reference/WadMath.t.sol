// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {MathHarness} from "./MathHarness.sol";

/// exp, ln and sqrt of Wads against 60-digit values (mpmath).
contract WadMathTest is Test {
    MathHarness internal m;

    function setUp() public {
        m = new MathHarness();
    }

    function assertRel(int256 got, int256 want, int256 relE18, int256 absWei) internal pure {
        int256 d = got > want ? got - want : want - got;
        int256 w = want < 0 ? -want : want;
        assertLe(d, w / 1e18 * relE18 + absWei, "outside the bound");
    }

    function test_expWad_matchesKnownValues() public view {
        assertRel(m.exp(1e18), 2718281828459045235, 1, 2);
        assertRel(m.exp(-1e18), 367879441171442321, 1, 2);
        assertRel(m.exp(0.5e18), 1648721270700128146, 1, 2);
        assertRel(m.exp(-0.0001e18), 999900004999833337, 1, 2);
        assertRel(m.exp(10.123456789e18), 24920767949009910435041, 1, 2);
        assertRel(m.exp(46e18), 94961194206024488745133649117118323101, 1, 2);
        assertRel(m.exp(-41e18), 1, 0, 1);
        assertEq(m.exp(0), 1e18);
    }

    function test_expWad_isZeroBelowMinusFortyTwo() public view {
        assertEq(m.exp(-42e18 - 1), 0);
        assertEq(m.exp(-1000e18), 0);
    }

    function test_expWad_RevertWhen_aboveFortySix() public {
        vm.expectRevert(bytes(hex"03"));
        m.exp(46e18 + 1);
    }

    function test_lnWad_matchesKnownValues() public view {
        assertRel(m.ln(2e18), 693147180559945309, 0, 1);
        assertRel(m.ln(1), -41446531673892822312, 0, 1);
        assertRel(m.ln(1e27), 20723265836946411156, 0, 1);
        assertRel(m.ln(0.5e18), -693147180559945309, 0, 1);
        assertRel(m.ln(1000000100000000000), 99999995000, 0, 1);
        assertRel(m.ln(123456789000000000000000), 11723646487185880981, 0, 1);
        assertRel(m.ln(type(int128).max), 46583160257220231984, 0, 1);
        assertEq(m.ln(1e18), 0);
    }

    function test_lnWad_RevertWhen_notPositive() public {
        vm.expectRevert(bytes(hex"02"));
        m.ln(0);
        vm.expectRevert(bytes(hex"02"));
        m.ln(-1e18);
    }

    function testFuzz_lnWad_invertsExpWad(int256 x) public view {
        x = bound(x, -40e18, 46e18);
        int256 e = m.exp(x);
        // d ln = de/e: one wei of e is 1e18/e of x, plus the roundings.
        assertRel(m.ln(e), x, 0, 2 + 1e18 / e);
    }

    function test_sqrtWad_roundsAsAsked() public view {
        assertEq(m.sqrt(2e18, false), 1414213562373095048);
        assertEq(m.sqrt(2e18, true), 1414213562373095049);
        assertEq(m.sqrt(4e18, false), 2e18);
        assertEq(m.sqrt(4e18, true), 2e18);
        assertEq(m.sqrt(0, true), 0);
        assertEq(m.sqrt(1, false), 1e9);
    }

    function testFuzz_sqrtWad_isTheFloorOrCeiling(uint128 v) public view {
        int256 x = int256(uint256(v >> 1));
        // forge-lint: disable-next-line(unsafe-typecast) x = v / 2 ≥ 0
        uint256 n = uint256(x) * 1e18;
        uint256 r = uint256(m.sqrt(x, false));
        assertLe(r * r, n);
        assertGt((r + 1) * (r + 1), n);
        uint256 c = uint256(m.sqrt(x, true));
        assertGe(c * c, n);
        assertLe(c - r, 1);
    }
}
