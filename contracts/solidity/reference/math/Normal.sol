// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {WadMath} from "./WadMath.sol";

/// @title Normal
/// @notice The standard normal distribution in binary fixed point with 96 fractional bits (X96):
/// the tail Φ(−x), the CDF Φ(d) and the density φ(d).
/// @dev Φ(−x) = e^(−x²/2)·P(x)/Q(x) for x < 10/√2 (Hart's double-precision rational form, as
/// published by West 2005, "Better approximations to cumulative normal functions": the same
/// algorithm as `pm_risk::math::norm_cdf`, coefficients in X96), else Cody's continued fraction
/// e^(−x²/2)/(x + 1/(x + 2/(x + 3/(x + 4/(x + 0.65)))))/√(2π); 0 beyond 9.3 (below 1e-20).
/// Error: 2e-15 absolute (Hart's own), test/foundry/reference/Normal.t.sol. Taking e^(−x²/2)
/// from the caller lets Black-76 share one exponential between d1 and d2 (F·φ(d1) = K·φ(d2)).
library Normal {
    uint256 internal constant ONE_X96 = 1 << 96;
    /// 10/√2 in X96: below it Hart's rational form, above it the continued fraction.
    uint256 internal constant TAIL_SPLIT_X96 = 560227709747861399187319382274;
    /// 9.3 in X96: beyond it the tail is taken as 0.
    uint256 internal constant TAIL_ZERO_X96 = 736821911382658339619958738125;
    /// 10 in X96: beyond it the density is taken as 0 (as `pm_risk`).
    uint256 internal constant DENSITY_ZERO_X96 = 10 << 96;
    /// 1/√(2π) in X96.
    uint256 internal constant INV_SQRT_2PI_X96 = 31607463825455920808620519744;
    /// √(2π) in X96.
    uint256 internal constant SQRT_2PI_X96 = 198595552305314927273837084509;
    /// 0.65 in X96, the continued fraction's last term.
    uint256 internal constant CF_LAST_X96 = 51498305634271819435803567718;

    /// @notice Φ(−x) in X96 for 0 ≤ x (X96), given e = e^(−x²/2) in X96.
    function tailX96(uint256 x, uint256 e) internal pure returns (uint256 t) {
        assembly ("memory-safe") {
            if lt(x, TAIL_ZERO_X96) {
                switch lt(x, TAIL_SPLIT_X96)
                case 1 {
                    // P and Q by Horner; Q(x) < 1e6, so every product stays below 2^210.
                    let p := 2793782811274865708995792344
                    p := add(55490063251982985439325613973, shr(96, mul(p, x)))
                    p := add(504997313321183988772789751343, shr(96, mul(p, x)))
                    p := add(2686854064982610631744200026450, shr(96, mul(p, x)))
                    p := add(8879836321276928843208352153033, shr(96, mul(p, x)))
                    p := add(17526346747716136297837296789480, shr(96, mul(p, x)))
                    p := add(17446585517718866593419072006541, shr(96, mul(p, x)))
                    let q := 7002846371848264277131140168
                    q := add(139098283325591648216536793020, shr(96, mul(q, x)))
                    q := add(1272735271903413669289948260021, shr(96, mul(q, x)))
                    q := add(6875477954081866250299004168023, shr(96, mul(q, x)))
                    q := add(23496240498236730931794024435254, shr(96, mul(q, x)))
                    q := add(50494772681144588634273116487714, shr(96, mul(q, x)))
                    q := add(62893415942062134000840181617016, shr(96, mul(q, x)))
                    q := add(34893171035437733186838144013083, shr(96, mul(q, x)))
                    t := div(mul(e, p), q)
                }
                default {
                    let c := add(x, CF_LAST_X96)
                    c := add(x, div(shl(194, 1), c))
                    c := add(x, div(mul(3, shl(192, 1)), c))
                    c := add(x, div(shl(193, 1), c))
                    c := add(x, div(shl(192, 1), c))
                    // e / (c·√(2π)): c < 10, so c·√(2π) < 26 in X96.
                    t := div(shl(96, e), shr(96, mul(c, SQRT_2PI_X96)))
                }
            }
        }
    }

    /// @notice Φ(−x) in X96 for 0 ≤ x (X96).
    function tailX96(uint256 x) internal pure returns (uint256) {
        if (x >= TAIL_ZERO_X96) return 0;
        return tailX96(x, WadMath.expNegX96((x * x) >> 97));
    }

    /// @notice Φ(d) in X96 for a signed d in X96.
    function cdfX96(int256 d) internal pure returns (uint256) {
        // forge-lint: disable-next-line(unsafe-typecast) |d| < 2^255
        if (d < 0) return tailX96(uint256(-d));
        // forge-lint: disable-next-line(unsafe-typecast) d ≥ 0
        return ONE_X96 - tailX96(uint256(d));
    }

    /// @notice φ(d) in X96 for a signed d in X96: within 2e-19 relative + 1 unit; 0 beyond 10.
    function densityX96(int256 d) internal pure returns (uint256) {
        uint256 a = uint256(d < 0 ? -d : d);
        if (a > DENSITY_ZERO_X96) return 0;
        return (WadMath.expNegX96((a * a) >> 97) * INV_SQRT_2PI_X96) >> 96;
    }
}
