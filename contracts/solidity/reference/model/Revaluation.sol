// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Grid} from "./ScenarioGrid.sol";

/// @title Revaluation
/// @notice Full revaluation of one position over its underlying's scenarios: the value change
/// per unit (Wad) in each scenario, written to `changes`. An option is repriced with Black-76 at
/// the scenario's price and vol state, from ln(F/K) + ln(1 + move) and the expiry's prepared
/// σ√T (an expired one at its intrinsic value); anything else moves with the price.
library Revaluation {
    /// @notice changes[i] = value of a call (`isCall`) or put of `strike` in scenario i − mark.
    /// `setup` is the option's expiry setup (`OptionSetups`), `lnFk` its ln(F/K).
    /// @dev The hot loop of the model (23 prices per option on a 7-level grid), in one assembly
    /// block: the arithmetic of `Black76.price` (`WadMath.expNegX96`, `Normal.tailX96`,
    /// `Black76.valueOf`, which the tests check against known values), inlined. No step can
    /// overflow: |x| < 46 (Wad) times 2^160/s < 2^128 is below 2^195; d in X96 (|x|/s with
    /// s ≥ 1.8e-7, below 2^124) is squared only below 12 (2^100); prices below 2^98 times
    /// probabilities in X96 (≤ 2^96) are below 2^194.
    function option(
        bool isCall,
        int256 strike,
        Grid memory g,
        uint256 setup,
        int256 lnFk,
        int256 mark,
        int256[] memory changes
    ) internal pure {
        assembly ("memory-safe") {
            // e^(−y) in X96 for y ≥ 0 in X96 (WadMath.expNegX96).
            function expNeg(y) -> e {
                if lt(y, 0x43000000000000000000000000) {
                    let k := shr(192, add(mul(y, 114302077158074026402637675937), shl(191, 1)))
                    let t := sub(mul(k, 54916777467707473351141471128), y)
                    let t2 := shr(96, mul(t, t))
                    let ev :=
                        add(
                            0x1000000000000000000000000,
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
                                                add(
                                                    100035558730131739385787816,
                                                    shr(96, mul(t2, 119089950869204451649747))
                                                )
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
                                        mul(
                                            t2,
                                            add(
                                                1200426704761580872629453793,
                                                shr(96, mul(t2, 5001777936506586969289391))
                                            )
                                        )
                                    )
                                )
                            )
                        )
                    e := shr(k, div(shl(96, add(ev, od)), sub(ev, od)))
                }
            }
            // Φ(−a) in X96 for 0 ≤ a (X96) given e = e^(−a²/2) (Normal.tailX96).
            function tail(a, e) -> t {
                if lt(a, 736821911382658339619958738125) {
                    switch lt(a, 560227709747861399187319382274)
                    case 1 {
                        let p := add(55490063251982985439325613973, shr(96, mul(2793782811274865708995792344, a)))
                        p := add(504997313321183988772789751343, shr(96, mul(p, a)))
                        p := add(2686854064982610631744200026450, shr(96, mul(p, a)))
                        p := add(8879836321276928843208352153033, shr(96, mul(p, a)))
                        p := add(17526346747716136297837296789480, shr(96, mul(p, a)))
                        p := add(17446585517718866593419072006541, shr(96, mul(p, a)))
                        let q := add(139098283325591648216536793020, shr(96, mul(7002846371848264277131140168, a)))
                        q := add(1272735271903413669289948260021, shr(96, mul(q, a)))
                        q := add(6875477954081866250299004168023, shr(96, mul(q, a)))
                        q := add(23496240498236730931794024435254, shr(96, mul(q, a)))
                        q := add(50494772681144588634273116487714, shr(96, mul(q, a)))
                        q := add(62893415942062134000840181617016, shr(96, mul(q, a)))
                        q := add(34893171035437733186838144013083, shr(96, mul(q, a)))
                        t := div(mul(e, p), q)
                    }
                    default {
                        let c := add(a, 51498305634271819435803567718)
                        c := add(a, div(shl(194, 1), c))
                        c := add(a, div(mul(3, shl(192, 1)), c))
                        c := add(a, div(shl(193, 1), c))
                        c := add(a, div(shl(192, 1), c))
                        t := div(shl(96, e), shr(96, mul(c, 198595552305314927273837084509)))
                    }
                }
            }
            // Φ(d1) and Φ(d2) in X96 at forward f, strike k, one exponential when it can.
            function cdfs(d1, s, f, k) -> n1, n2 {
                let a1 := d1
                if slt(d1, 0) { a1 := sub(0, d1) }
                let e1 := 0
                if lt(a1, 0xc000000000000000000000000) { e1 := expNeg(shr(97, mul(a1, a1))) }
                n1 := tail(a1, e1)
                if iszero(slt(d1, 0)) { n1 := sub(0x1000000000000000000000000, n1) }
                let d2 := sub(d1, s)
                let a2 := d2
                if slt(d2, 0) { a2 := sub(0, d2) }
                if lt(a2, 736821911382658339619958738125) {
                    // e^(−d2²/2) = e^(−d1²/2)·F/K while e^(−d1²/2) ≥ 2^-53.
                    let e2
                    switch lt(e1, 0x80000000000)
                    case 0 {
                        e2 := div(mul(e1, f), k)
                        if gt(e2, 0x1000000000000000000000000) { e2 := 0x1000000000000000000000000 }
                    }
                    default { e2 := expNeg(shr(97, mul(a2, a2))) }
                    n2 := tail(a2, e2)
                }
                if iszero(slt(d2, 0)) { n2 := sub(0x1000000000000000000000000, n2) }
            }
            // The value of one unit at forward f, x = ln(f/k), vol state vs (1/s, s/2, s); the
            // strike at scratch 0x00, whether a call at 0x20.
            function value(f, x, vs) -> v {
                let k := mload(0x00)
                let callOption := mload(0x20)
                let s := mload(add(vs, 64))
                let floor
                switch callOption
                case 1 { floor := sub(f, k) }
                default { floor := sub(k, f) }
                if s {
                    let n1, n2 := cdfs(add(sar(64, mul(x, mload(vs))), mload(add(vs, 32))), s, f, k)
                    switch callOption
                    case 1 { v := sar(96, sub(mul(f, n1), mul(k, n2))) }
                    default {
                        v := sar(
                            96,
                            sub(
                                mul(k, sub(0x1000000000000000000000000, n2)),
                                mul(f, sub(0x1000000000000000000000000, n1))
                            )
                        )
                    }
                }
                // Never below the intrinsic value (an expired option's value), nor 0.
                if slt(v, floor) { v := floor }
                if slt(v, 0) { v := 0 }
            }
            function revalue(count, pp, lp, cp, su, lk, mk) {
                let grid := sub(count, 2)
                for { let i := 0 } lt(i, count) { i := add(i, 1) } {
                    let state := 0
                    if lt(i, grid) { state := mod(i, 3) }
                    let o := shl(5, i)
                    let v := value(mload(add(pp, o)), add(lk, mload(add(lp, o))), add(su, add(128, mul(state, 96))))
                    mstore(add(cp, o), sub(v, mk))
                }
            }
            mstore(0x00, strike)
            mstore(0x20, isCall)
            // Grid: range, levels, count, moves, lnMoves, prices.
            revalue(
                mload(add(g, 64)),
                add(mload(add(g, 160)), 32),
                add(mload(add(g, 128)), 32),
                add(changes, 32),
                setup,
                lnFk,
                mark
            )
        }
    }

    /// @notice changes[i] = price in scenario i − mark, for perps, futures and spot.
    function linear(Grid memory g, int256 mark, int256[] memory changes) internal pure {
        uint256 count = g.count;
        for (uint256 i; i < count; ++i) {
            changes[i] = g.prices[i] - mark;
        }
    }
}
