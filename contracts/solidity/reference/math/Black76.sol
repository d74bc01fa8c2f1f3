// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {WadMath} from "./WadMath.sol";
import {Normal} from "./Normal.sol";

/// @title Black76
/// @notice Undiscounted Black-76 prices and greeks of European options on a forward, from what
/// the margin model prepares once: x = ln(F/K) (Wad) per strike and scenario, and per expiry and
/// vol state s = σ√T prepared as `TotalVol` (1/s, s/2, s), so that a price needs no division
/// and no logarithm: d1 = x/s + s/2, d2 = d1 − s in X96.
/// call = F·Φ(d1) − K·Φ(d2), put = K·Φ(−d2) − F·Φ(−d1); delta Φ(d1) (call) or Φ(d1) − 1 (put),
/// Γ·F = φ(d1)/s, vega F·φ(d1)·√T per 1.00 of vol.
/// @dev One exponential per price: e^(−d2²/2) = e^(−d1²/2)·F/K (since d1² − d2² = 2·ln(F/K)),
/// used while e^(−d1²/2) ≥ 2^-53 so that its relative error stays below 1e-16; below that the
/// second exponential is computed. Prices are floored, never below the intrinsic value or 0.
/// Error: within 1e-14·(F + K) + 1e-18 per unit of the exact price (Hart's Φ and the Wad
/// inputs), inside the Rust model's stated 1e-13·(F + K) + 1e-16 (test/foundry/reference).
library Black76 {
    uint256 internal constant ONE_X96 = 1 << 96;
    /// Below this e^(−d1²/2) (X96), e^(−d2²/2) is computed rather than derived.
    uint256 internal constant DERIVE_MIN_X96 = 1 << 43;
    /// Beyond this |d| (12 in X96) e^(−d²/2) is below one X96 unit.
    uint256 internal constant EXP_ZERO_D_X96 = 12 << 96;

    /// @notice σ√T prepared: `inverse` = 2^160/s, `half` = s/2 and `s` in X96.
    struct TotalVol {
        uint256 inverse;
        uint256 half;
        uint256 s;
    }

    /// @notice `s` (a Wad, > 0) prepared for `price`.
    function totalVol(int256 s) internal pure returns (TotalVol memory tv) {
        // forge-lint: disable-next-line(unsafe-typecast) s = σ√T ≥ 0
        uint256 u = uint256(s);
        tv.inverse = (uint256(1) << 160) / u;
        tv.half = (u << 95) / 1e18;
        tv.s = (u << 96) / 1e18;
    }

    /// @notice d1 in X96 for x = ln(F/K) (Wad) and a prepared s.
    function d1Of(int256 x, uint256 inverse, uint256 half) internal pure returns (int256 d) {
        assembly ("memory-safe") {
            d := add(sar(64, mul(x, inverse)), half)
        }
    }

    /// @notice e^(−d²/2) in X96 (0 beyond |d| = 12).
    function gaussX96(uint256 a) internal pure returns (uint256) {
        if (a >= EXP_ZERO_D_X96) return 0;
        unchecked {
            return WadMath.expNegX96((a * a) >> 97);
        }
    }

    /// @notice Φ(d1) and Φ(d2) in X96 at forward f and strike k (Wads, > 0), and e^(−d1²/2).
    function cdfs(int256 f, int256 k, int256 d1, int256 d2) internal pure returns (uint256 n1, uint256 n2, uint256 e1) {
        unchecked {
            uint256 a1 = uint256(d1 < 0 ? -d1 : d1);
            uint256 a2 = uint256(d2 < 0 ? -d2 : d2);
            e1 = gaussX96(a1);
            uint256 t1 = Normal.tailX96(a1, e1);
            uint256 t2;
            if (a2 < Normal.TAIL_ZERO_X96) {
                uint256 e2;
                if (e1 >= DERIVE_MIN_X96) {
                    // forge-lint: disable-next-line(unsafe-typecast) F and K are positive Wads
                    e2 = (e1 * uint256(f)) / uint256(k);
                    if (e2 > ONE_X96) e2 = ONE_X96;
                } else {
                    e2 = WadMath.expNegX96((a2 * a2) >> 97);
                }
                t2 = Normal.tailX96(a2, e2);
            }
            n1 = d1 < 0 ? t1 : ONE_X96 - t1;
            n2 = d2 < 0 ? t2 : ONE_X96 - t2;
        }
    }

    /// @notice The price per unit (Wad, floored) of a call (`isCall`) or put at forward `f` and
    /// strike `k` (Wads in [1e-9, 3e11]), with x = ln(f/k) (Wad) and s prepared.
    function price(bool isCall, int256 f, int256 k, int256 x, uint256 inverse, uint256 half, uint256 s)
        internal
        pure
        returns (int256 v)
    {
        int256 d1 = d1Of(x, inverse, half);
        int256 d2;
        unchecked {
            // forge-lint: disable-next-line(unsafe-typecast) s in X96 < 2^104 (σ√T ≤ 148)
            d2 = d1 - int256(s);
        }
        (uint256 n1, uint256 n2,) = cdfs(f, k, d1, d2);
        v = valueOf(isCall, f, k, n1, n2);
    }

    /// @notice F·Φ(d1) − K·Φ(d2) (call) or K·(1 − Φ(d2)) − F·(1 − Φ(d1)) (put), floored, at
    /// least the intrinsic value and 0.
    function valueOf(bool isCall, int256 f, int256 k, uint256 n1, uint256 n2) internal pure returns (int256 v) {
        int256 floor;
        assembly ("memory-safe") {
            switch isCall
            case 1 {
                v := sar(96, sub(mul(f, n1), mul(k, n2)))
                floor := sub(f, k)
            }
            default {
                v := sar(96, sub(mul(k, sub(ONE_X96, n2)), mul(f, sub(ONE_X96, n1))))
                floor := sub(k, f)
            }
            if slt(v, floor) { v := floor }
            if slt(v, 0) { v := 0 }
        }
    }

    /// @notice Intrinsic value max(f − k, 0) (call) or max(k − f, 0) (put).
    function intrinsic(bool isCall, int256 f, int256 k) internal pure returns (int256 v) {
        unchecked {
            v = isCall ? f - k : k - f;
        }
        if (v < 0) v = 0;
    }

    /// @notice Price and greeks of one unit: price (Wad), delta (Wad), gamma as Γ·F = φ(d1)/s
    /// (the change of delta for a 100% move, Wad; it fits where Γ per USD would not), vega (USD
    /// per 1.00 of vol, Wad).
    struct Greeks {
        int256 price;
        int256 delta;
        int256 gammaF;
        int256 vega;
    }

    /// @notice Price and greeks per unit at forward f with x = ln(f/k), √T and s = σ√T (Wads),
    /// s prepared in `tv`. At expiry (s = 0) those of the payoff: delta 0 or ±1 by moneyness,
    /// Γ·F and vega 0.
    function greeks(bool isCall, int256 f, int256 k, int256 x, int256 sqrtT, int256 s, TotalVol memory tv)
        internal
        pure
        returns (Greeks memory g)
    {
        if (s == 0) {
            g.price = intrinsic(isCall, f, k);
            if (isCall && f > k) g.delta = 1e18;
            if (!isCall && f < k) g.delta = -1e18;
            return g;
        }
        int256 d1 = d1Of(x, tv.inverse, tv.half);
        uint256 n1;
        uint256 e1;
        (g.price, n1, e1) = priceAt(isCall, f, k, d1, tv.s);
        // φ(d1) as a Wad, rounded down (0 beyond |d1| = 10, as pm_risk).
        int256 pdf = densityWad(d1, e1);
        // forge-lint: disable-next-line(unsafe-typecast) n1 ≤ 2^96, times 1e18 shifted back: below 2^60
        g.delta = isCall ? int256(n1 * 1e18 >> 96) : int256(n1 * 1e18 >> 96) - 1e18;
        // Γ·F = φ/s and vega = F·φ·√T, each step rounded down (all positive).
        g.gammaF = pdf * 1e18 / s;
        // forge-lint: disable-next-line(divide-before-multiply) two roundings, as the Stylus program's wmul(wmul(F, φ), √T)
        g.vega = ((f * pdf) / 1e18) * sqrtT / 1e18;
    }

    /// @notice The price (Wad), Φ(d1) and e^(−d1²/2) (X96) at d1 (X96) and s (X96).
    function priceAt(bool isCall, int256 f, int256 k, int256 d1, uint256 s)
        private
        pure
        returns (int256 p, uint256 n1, uint256 e1)
    {
        int256 d2;
        unchecked {
            // forge-lint: disable-next-line(unsafe-typecast) s in X96 < 2^104 (σ√T ≤ 148)
            d2 = d1 - int256(s);
        }
        uint256 n2;
        (n1, n2, e1) = cdfs(f, k, d1, d2);
        p = valueOf(isCall, f, k, n1, n2);
    }

    /// @notice φ(d) as a Wad (rounded down) from e = e^(−d²/2) in X96; 0 beyond |d| = 10.
    function densityWad(int256 d, uint256 e) internal pure returns (int256) {
        uint256 a = uint256(d < 0 ? -d : d);
        if (a > Normal.DENSITY_ZERO_X96) return 0;
        return int256((e * Normal.INV_SQRT_2PI_X96 >> 96) * 1e18 >> 96);
    }
}
