// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {RiskErrors} from "../RiskErrors.sol";

/// @title WadMath
/// @notice `exp`, `ln` and `sqrt` of Wads (18 decimals), and `e^(−y)` in binary fixed point
/// with 96 fractional bits (X96) for the normal distribution.
/// @dev Written for this reference from the textbook reductions (ideas as in Solady's `expWad`
/// and `lnWad`, no code taken):
/// - `e^x = 2^k·e^r`, k = round(x/ln 2), |r| ≤ ln2/2, e^r by its [6/6] Padé approximant
///   P(r)/P(−r), whose error is below 2e-19 relative on that range (the next term of the
///   remainder, (6!)²/(12!·13!)·r^13);
/// - `ln x = ln m + n·ln 2 − ln 1e18` with x = m·2^n, m in [1/√2, √2), ln m = 2·atanh(z),
///   z = (m − 1)/(m + 1), |z| < 0.1716, summed to z^25/25 (the rest is below 1e-22);
/// - `sqrt` by Newton's iteration from a power of two above the root (seven steps are enough
///   for any 256-bit argument), then floor or ceiling.
/// Error bounds (test/foundry/reference/WadMath.t.sol against 50-digit values): exp within
/// 1e-18 relative + 1 wei, ln within 1 wei of the rounded exact value, sqrt exact.
/// The Padé form is written out in `expNegX96`, in `expWad` and in `Revaluation`'s hot loop on
/// purpose: a Yul function cannot be shared between assembly blocks, and a shared Solidity
/// function cost the benchmark 0.5% (a jump and its stack shuffling per call). For the same
/// reason `lnWad` and `sqrtWad` each find the top bit with their own binary search: one shared
/// `msb` function cost 0.3% at 128 options (measured December 2026).
library WadMath {
    uint256 internal constant ONE_X96 = 1 << 96;
    /// ln 2 in X96.
    uint256 internal constant LN2_X96 = 54916777467707473351141471128;
    /// 1/ln 2 in X96.
    uint256 internal constant INV_LN2_X96 = 114302077158074026402637675937;
    /// √2 in X96, rounded down.
    uint256 internal constant SQRT2_X96 = 112045541949572279837463876454;
    /// ln 1e18 in X96.
    uint256 internal constant LN_1E18_X96 = 3283732547111784853622338894909;
    /// The largest argument of `expWad` (e^46 ≈ 9.5e19 still fits an `int128` Wad).
    int256 internal constant EXP_MAX = 46e18;
    /// Below this `expWad` is under half a wei: 0.
    int256 internal constant EXP_MIN = -42e18;
    /// Beyond this `expNegX96` is below one X96 unit: 0.
    uint256 internal constant EXP_NEG_ZERO_X96 = 67 << 96;

    /// @notice e^(−y) in X96 for y ≥ 0 in X96 (any value): within 2e-19 relative + 1 unit.
    function expNegX96(uint256 y) internal pure returns (uint256 e) {
        if (y >= EXP_NEG_ZERO_X96) return 0;
        uint256 k;
        int256 t;
        assembly ("memory-safe") {
            // k = round(y / ln2) ≤ 97; r = y − k·ln2 in [−ln2/2, ln2/2] (X96, signed).
            k := shr(192, add(mul(y, INV_LN2_X96), shl(191, 1)))
            t := sub(mul(k, LN2_X96), y) // t = −r
        }
        return padeX96(t) >> k;
    }

    /// @notice e^x for a Wad x, rounded down. Errors: `EXP_TOO_LARGE` above 46.
    function expWad(int256 x) internal pure returns (int256 r) {
        if (x > EXP_MAX) RiskErrors.fail(RiskErrors.EXP_TOO_LARGE);
        if (x < EXP_MIN) return 0;
        int256 k;
        int256 t;
        assembly ("memory-safe") {
            // x in X96 (|x| ≤ 46·2^96), k = round(x/ln2) in [−61, 67], t = x − k·ln2.
            let xq := sdiv(shl(96, x), 1000000000000000000)
            k := sar(192, add(mul(xq, INV_LN2_X96), shl(191, 1)))
            t := sub(xq, mul(k, LN2_X96))
        }
        // e^t in X96 (< 1.42·2^96), times 1e18, then 2^k: shr(96 − k) for either sign of k.
        uint256 w = padeX96(t) * 1e18;
        assembly ("memory-safe") {
            r := shr(sub(96, k), w)
        }
    }

    /// @notice e^t in X96 for |t| ≤ ln2/2 in X96 (signed), by the [6/6] Padé approximant.
    /// (`Revaluation`'s hot loop inlines the same form.)
    function padeX96(int256 t) internal pure returns (uint256 e) {
        assembly ("memory-safe") {
            let t2 := shr(96, mul(t, t))
            // e^t = (E + O)/(E − O): E = 1 + (5/44)t² + (1/792)t⁴ + (1/665280)t⁶,
            // O = t·(1/2 + (1/66)t² + (1/15840)t⁴).
            let ev :=
                add(
                    ONE_X96,
                    shr(
                        96,
                        mul(
                            t2,
                            add(
                                9003200285711856544720903447,
                                shr(
                                    96,
                                    mul(
                                        t2,
                                        add(100035558730131739385787816, shr(96, mul(t2, 119089950869204451649747)))
                                    )
                                )
                            )
                        )
                    )
                )
            let od :=
                sar(
                    96,
                    mul(
                        t,
                        add(
                            39614081257132168796771975168,
                            shr(
                                96,
                                mul(t2, add(1200426704761580872629453793, shr(96, mul(t2, 5001777936506586969289391))))
                            )
                        )
                    )
                )
            e := div(shl(96, add(ev, od)), sub(ev, od))
        }
    }

    /// @notice Natural logarithm of a Wad, rounded to the nearest wei (half up).
    /// Errors: `LN_OF_NON_POSITIVE` for x ≤ 0.
    function lnWad(int256 x) internal pure returns (int256 r) {
        if (x <= 0) RiskErrors.fail(RiskErrors.LN_OF_NON_POSITIVE);
        assembly ("memory-safe") {
            // n = the position of x's top bit; m = x scaled to [1, 2) in X96.
            let n := 0
            let v := x
            if gt(v, 0xffffffffffffffffffffffffffffffff) {
                n := 128
                v := shr(128, v)
            }
            if gt(v, 0xffffffffffffffff) {
                n := add(n, 64)
                v := shr(64, v)
            }
            if gt(v, 0xffffffff) {
                n := add(n, 32)
                v := shr(32, v)
            }
            if gt(v, 0xffff) {
                n := add(n, 16)
                v := shr(16, v)
            }
            if gt(v, 0xff) {
                n := add(n, 8)
                v := shr(8, v)
            }
            if gt(v, 0xf) {
                n := add(n, 4)
                v := shr(4, v)
            }
            if gt(v, 0x3) {
                n := add(n, 2)
                v := shr(2, v)
            }
            if gt(v, 0x1) { n := add(n, 1) }
            let m := x
            switch lt(n, 96)
            case 1 { m := shl(sub(96, n), x) }
            default { m := shr(sub(n, 96), x) }
            // Above √2 take m/2 (the same bits read as X97) and n + 1.
            let one := ONE_X96
            if gt(m, SQRT2_X96) {
                one := shl(1, ONE_X96)
                n := add(n, 1)
            }
            // z = (m − 1)/(m + 1) in X96, signed; ln m = 2z·Σ z^(2i)/(2i + 1).
            let z := sdiv(shl(96, sub(m, one)), add(m, one))
            let z2 := shr(96, mul(z, z))
            let s := 3169126500570573503741758013
            s := add(3444702718011492938849736971, shr(96, mul(z2, s)))
            s := add(3772769643536397028263997635, shr(96, mul(z2, s)))
            s := add(4169903290224438820712839491, shr(96, mul(z2, s)))
            s := add(4660480147897902211384938255, shr(96, mul(z2, s)))
            s := add(5281877500950955839569596689, shr(96, mul(z2, s)))
            s := add(6094474039558795199503380795, shr(96, mul(z2, s)))
            s := add(7202560228569485235776722758, shr(96, mul(z2, s)))
            s := add(8803129168251593065949327815, shr(96, mul(z2, s)))
            s := add(11318308930609191084791992905, shr(96, mul(z2, s)))
            s := add(15845632502852867518708790067, shr(96, mul(z2, s)))
            s := add(26409387504754779197847983445, shr(96, mul(z2, s)))
            s := add(ONE_X96, shr(96, mul(z2, s)))
            let lnm := sar(95, mul(z, s))
            // ln x = ln m + n·ln 2 − ln 1e18 (X96), to a Wad rounded half up.
            let total := add(sub(mul(n, LN2_X96), LN_1E18_X96), lnm)
            r := sar(96, add(mul(total, 1000000000000000000), shl(95, 1)))
        }
    }

    /// @notice √x of a Wad, rounded down (`up` false) or up. x must be ≥ 0 (the callers' ranges).
    function sqrtWad(int256 x, bool up) internal pure returns (int256 r) {
        assembly ("memory-safe") {
            let n := mul(x, 1000000000000000000)
            if n {
                // A power of two above √n: 2^ceil((bits + 1)/2).
                let b := 0
                let v := n
                if gt(v, 0xffffffffffffffffffffffffffffffff) {
                    b := 128
                    v := shr(128, v)
                }
                if gt(v, 0xffffffffffffffff) {
                    b := add(b, 64)
                    v := shr(64, v)
                }
                if gt(v, 0xffffffff) {
                    b := add(b, 32)
                    v := shr(32, v)
                }
                if gt(v, 0xffff) {
                    b := add(b, 16)
                    v := shr(16, v)
                }
                if gt(v, 0xff) {
                    b := add(b, 8)
                    v := shr(8, v)
                }
                if gt(v, 0xf) {
                    b := add(b, 4)
                    v := shr(4, v)
                }
                if gt(v, 0x3) {
                    b := add(b, 2)
                    v := shr(2, v)
                }
                if gt(v, 0x1) { b := add(b, 1) }
                r := shl(shr(1, add(b, 2)), 1)
                // From at most twice the root, seven Newton steps leave it within one.
                r := shr(1, add(r, div(n, r)))
                r := shr(1, add(r, div(n, r)))
                r := shr(1, add(r, div(n, r)))
                r := shr(1, add(r, div(n, r)))
                r := shr(1, add(r, div(n, r)))
                r := shr(1, add(r, div(n, r)))
                r := shr(1, add(r, div(n, r)))
                // Newton from above stays above the floor: take the floor, then the ceiling.
                if gt(r, div(n, r)) { r := div(n, r) }
                if gt(mul(r, r), n) { r := sub(r, 1) }
                if and(up, lt(mul(r, r), n)) { r := add(r, 1) }
            }
        }
    }
}
