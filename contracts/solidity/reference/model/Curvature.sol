// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FixedPoint} from "../math/FixedPoint.sol";
import {Black76} from "../math/Black76.sol";
import {Grid} from "./ScenarioGrid.sol";
import {OptionSetups} from "./OptionSetups.sol";
import {Request, Underlying, Position} from "../wire/Request.sol";

/// @notice One underlying's options netted by strike and expiry (calls and puts together;
/// expired options of one strike share expiry 0): `count` groups in the first entries.
struct Groups {
    uint256 count;
    int256[] strikes;
    uint256[] expiries;
    int256[] nets;
}

/// @title Curvature
/// @notice Model v2's bound between grid points (as `pm_risk::margin::curvature_terms`): per
/// interval between adjacent levels, in each vol state, an upper bound on (h²/8)·PnL'' (h the
/// width in USD), PnL'' = Σ net·Γ, Γ(x) = φ(d1)/(x·s). A group long on net counts at
/// sup φ/(lo·s) (φ(0) if the interval's d1 range spans zero, else φ at the end nearer zero), a
/// short one at inf φ/(hi·s); φ widened by 1e-7 of itself and four units (covering φ's error
/// where σ√T is smallest, as the Rust), every step rounded
/// against the account. Expired groups (s = 0): a long kink at K inside the interval lifts the
/// loss by at most net·(K − lo)·(hi − K)/h, a short one adds nothing. φ is computed once per
/// group, grid point and vol state.
library Curvature {
    int256 internal constant WAD = 1e18;
    /// 1/√(2π) as a Wad, rounded up (`pm_risk::math::INV_SQRT_2PI`).
    int256 internal constant INV_SQRT_2PI = 398942280401432678;

    /// @notice Nets underlying `k`'s options of `r` into `g` (its arrays sized for every
    /// position), in position order.
    function group(Request memory r, uint256 k, Groups memory g) internal pure {
        uint256 count;
        Position[] memory ps = r.positions;
        for (uint256 i; i < ps.length; ++i) {
            Position memory p = ps[i];
            if (p.underlying != k || (p.kind != 2 && p.kind != 3)) continue;
            uint256 expiry = p.expiry <= r.time ? 0 : p.expiry;
            uint256 j;
            while (j < count && (g.strikes[j] != p.strike || g.expiries[j] != expiry)) ++j;
            if (j == count) {
                g.strikes[j] = p.strike;
                g.expiries[j] = expiry;
                g.nets[j] = p.size;
                ++count;
            } else {
                g.nets[j] += p.size;
            }
        }
        g.count = count;
    }

    /// @notice Σ max(−net, 0) over the groups: net short option units.
    function netShort(Groups memory g) internal pure returns (int256 s) {
        for (uint256 j; j < g.count; ++j) {
            if (g.nets[j] < 0) s -= g.nets[j];
        }
    }

    /// @notice What the terms need besides the groups.
    struct Context {
        uint256 k;
        Underlying u;
        Grid grid;
        uint256 time;
        int256 volFloor;
        OptionSetups.Cache cache;
        /// Per grid scenario: 1 + whether its (d1, φ) is known, d1 (X96), φ (Wad).
        uint256[] known;
        int256[] d1s;
        int256[] pdfs;
    }

    /// @notice The curvature term (Usd) of each interval in `mask`, summed over the groups.
    function terms(Context memory c, Groups memory g, uint256 mask, uint256 intervals)
        internal
        pure
        returns (int256[] memory t)
    {
        t = new int256[](intervals);
        for (uint256 q; q < g.count; ++q) {
            int256 net = g.nets[q];
            if (net == 0) continue;
            uint256 setup = OptionSetups.expiryOf(c.cache, c.k, g.expiries[q], c.u, c.time, c.volFloor);
            int256 lnFk = OptionSetups.lnFk(c.cache, c.k, g.strikes[q], c.u);
            for (uint256 i; i < c.known.length; ++i) {
                c.known[i] = 0;
            }
            for (uint256 j; j < intervals; ++j) {
                if ((mask >> j) & 1 == 0) continue;
                t[j] += term(c, j, net, g.strikes[q], setup, lnFk);
            }
        }
    }

    /// @notice One group's term on interval j (between scenarios j and j + 3).
    function term(Context memory c, uint256 j, int256 net, int256 strike, uint256 setup, int256 lnFk)
        private
        pure
        returns (int256)
    {
        uint256 state = j % 3;
        int256 s;
        assembly ("memory-safe") {
            s := mload(add(setup, mul(add(state, 1), 32)))
        }
        int256 lo = c.grid.prices[j];
        int256 hi = c.grid.prices[j + 3];
        bool long = net > 0;
        if (s == 0) {
            if (long && lo < strike && strike < hi) {
                return FixedPoint.usdUp(net, FixedPoint.mulDivUp(strike - lo, hi - strike, hi - lo));
            }
            return 0;
        }
        (int256 pdf, int256 x) = pdfAndEnd(c, j, state, setup, lnFk, long);
        return FixedPoint.usdUp(net, gammaTerm(hi - lo, x, pdf, s, long));
    }

    /// @notice The φ a group counts at on interval j and the end (lo or hi) it divides by: a
    /// long group sup φ at lo (φ(0) when d1 crosses zero), a short one inf φ at hi.
    function pdfAndEnd(Context memory c, uint256 j, uint256 state, uint256 setup, int256 lnFk, bool long)
        private
        pure
        returns (int256 pdf, int256 x)
    {
        (int256 dLo, int256 pLo) = point(c, j, state, setup, lnFk);
        (int256 dHi, int256 pHi) = point(c, j + 3, state, setup, lnFk);
        if (!long) return (FixedPoint.min(pLo, pHi), c.grid.prices[j + 3]);
        if (dLo <= 0 && dHi >= 0) return (INV_SQRT_2PI, c.grid.prices[j]);
        return (FixedPoint.max(pLo, pHi), c.grid.prices[j]);
    }

    /// @notice (d1 as a Wad truncated towards zero, φ(d1) as a Wad) at grid scenario i, once.
    function point(Context memory c, uint256 i, uint256 state, uint256 setup, int256 lnFk)
        private
        pure
        returns (int256 d, int256 pdf)
    {
        if (c.known[i] != 0) return (c.d1s[i], c.pdfs[i]);
        uint256 inverse;
        uint256 half;
        assembly ("memory-safe") {
            let p := add(setup, add(128, mul(state, 96)))
            inverse := mload(p)
            half := mload(add(p, 32))
        }
        int256 d1 = Black76.d1Of(lnFk + c.grid.lnMoves[i], inverse, half);
        uint256 a = uint256(d1 < 0 ? -d1 : d1);
        pdf = Black76.densityWad(d1, Black76.gaussX96(a));
        d = int256((a * 1e18) >> 96);
        if (d1 < 0) d = -d;
        c.known[i] = 1;
        c.d1s[i] = d;
        c.pdfs[i] = pdf;
    }

    /// @notice (h²/8)·φ/(x·s) per unit (Wad): with `up` φ widened and every step rounded up,
    /// else narrowed (at least 0) and rounded down.
    function gammaTerm(int256 h, int256 x, int256 pdf, int256 s, bool up) internal pure returns (int256 v) {
        int256 widen = pdf / 1e7 + 4;
        if (up) {
            pdf += widen;
            v = FixedPoint.wmulUp(FixedPoint.mulDivUp(h, h, x), FixedPoint.wdivUp(pdf, s));
            return (v + 7) / 8;
        }
        pdf = FixedPoint.max(pdf - widen, 0);
        v = FixedPoint.wmulDown(FixedPoint.mulDivDown(h, h, x), FixedPoint.wdivDown(pdf, s));
        return v / 8;
    }
}
