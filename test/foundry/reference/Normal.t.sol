// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {MathHarness} from "./MathHarness.sol";

/// Φ and φ against 60-digit values (mpmath): Φ within 2e-15 absolute (Hart's), φ within 1e-18
/// relative + 2 wei.
contract NormalTest is Test {
    MathHarness internal m;

    function setUp() public {
        m = new MathHarness();
    }

    function near(int256 got, int256 want, int256 tol) internal pure {
        int256 d = got > want ? got - want : want - got;
        assertLe(d, tol, "outside the bound");
    }

    function test_cdf_matchesKnownValues() public view {
        near(m.cdf(0), 500000000000000000, 2000);
        near(m.cdf(1e18), 841344746068542948, 2000);
        near(m.cdf(-1e18), 158655253931457051, 2000);
        near(m.cdf(-3e18), 1349898031630094, 2000);
        near(m.cdf(3e18), 998650101968369905, 2000);
        near(m.cdf(2.5e18), 993790334674223864, 2000);
        // The continued fraction beyond 10/√2, relative to the tail itself.
        near(m.cdf(-7e18), 1279812, 2);
        near(m.cdf(-7.5e18), 31908, 1);
        near(m.cdf(-8e18), 622, 1);
        assertEq(m.cdf(-9.2e18), 0);
        assertEq(m.cdf(-9.4e18), 0);
        assertEq(m.cdf(9.4e18), 1e18);
    }

    function testFuzz_cdf_isSymmetricAndMonotone(int64 raw) public view {
        int256 x = int256(raw) % 12e18;
        near(m.cdf(x) + m.cdf(-x), 1e18, 2);
        assertLe(m.cdf(x), m.cdf(x + 1e15) + 1);
    }

    function test_pdf_matchesKnownValues() public view {
        near(m.pdf(0), 398942280401432677, 2);
        near(m.pdf(1e18), 241970724519143349, 2);
        near(m.pdf(-2.5e18), 17528300493568537, 2);
        near(m.pdf(9e18), 1, 1);
        assertEq(m.pdf(10.1e18), 0);
    }
}
