// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FixedPoint} from "../math/FixedPoint.sol";
import {Black76} from "../math/Black76.sol";
import {Request, Underlying, Position, Params} from "../wire/Request.sol";
import {Grid, ScenarioGrid} from "./ScenarioGrid.sol";
import {OptionSetups} from "./OptionSetups.sol";
import {Revaluation} from "./Revaluation.sol";
import {Curvature, Groups} from "./Curvature.sol";
import {Aggregation} from "./Aggregation.sol";
import {Validation} from "./Validation.sol";

/// @notice The account's figures, in the answer's word order (Usd but `utilisation`, a Wad, and
/// `liquidatable`, 0 or 1).
struct Account {
    int256 equity;
    int256 initial;
    int256 maintenance;
    int256 requirement;
    int256 isolatedInitial;
    int256 isolatedMaintenance;
    int256 freeCollateral;
    int256 utilisation;
    int256 addOns;
    int256 liquidatable;
}

/// @notice One underlying's accumulators, then its figures; the last seven words are the
/// answer's, in its order.
struct Book {
    /// Per scenario: the exact Σ size × change (Wad²) until `reduce` rounds it to Usd once (an
    /// extreme's then scaled by its fraction).
    int256[] pnl;
    /// Per interval: the exact Σ size × worse-end change, then the Usd loss (rounded up).
    int256[] ends;
    /// Units held long or short (Wad).
    int256 gross;
    /// Units of short options before netting.
    int256 grossShort;
    /// Signed directional part of the loss (Usd).
    int256 directional;
    /// Non-directional part (Usd).
    int256 nonDirectional;
    /// Concentration and oracle add-ons (Usd).
    int256 addOn;
    /// Net delta (Wad units), net gamma·F (Wad), net vega (Usd): exact sums of size × the
    /// per-unit greek until `reduce` rounds each down once.
    int256 delta;
    int256 gamma;
    int256 vega;
    /// Worst loss (Usd), the worst scenario's move (Wad) and vol state, the scan range (Wad).
    int256 loss;
    int256 worstMove;
    int256 worstVol;
    int256 range;
    /// |Net delta| rounded up (Wad units), for the concentration add-on (last: `AnswerEncoder`
    /// reads the fields above by their offsets).
    int256 deltaAbsUp;
}

/// @title Margin
/// @notice The portfolio-margin model of `pm_risk::margin` (contracts/risk/README.md, "The
/// model"): scenarios per underlying, full revaluation, the bound between grid points, the
/// short-option minimum, the directional split, aggregation with correlation stress, margins,
/// add-ons, the isolated baseline and the account's figures. Rounding as the Rust: against the
/// account (losses and requirements up, equity down); a grid scenario's PnL is summed exactly
/// and rounded once.
library Margin {
    int256 internal constant WAD = 1e18;

    /// @notice What the position pass carries besides the request.
    struct Pass {
        OptionSetups.Cache cache;
        /// Scratch: the value changes of one position per scenario.
        int256[] changes;
        /// Unrealised PnL (exact Σ size × (mark − entry), Wad²) and the isolated total (Usd).
        int256 upnl;
        int256 isolated;
    }

    /// @notice The account's figures, each underlying's book and each position's mark.
    function run(Request memory r)
        internal
        pure
        returns (Account memory a, Book[] memory books, Grid[] memory grids, int256[] memory marks)
    {
        Validation.check(r);
        uint256 n = r.underlyings.length;
        uint256 m = r.positions.length;
        grids = new Grid[](n);
        books = new Book[](n);
        uint256 intervals = (r.params.gridLevels - 1) * 3;
        for (uint256 k; k < n; ++k) {
            Grid memory g = ScenarioGrid.build(r.underlyings[k], r.params);
            grids[k] = g;
            Book memory b = books[k];
            b.pnl = new int256[](g.count);
            b.ends = new int256[](intervals);
            b.range = g.range;
        }
        Pass memory pass;
        pass.cache = OptionSetups.create(m);
        pass.changes = new int256[](3 * r.params.gridLevels + 2);
        marks = new int256[](m);
        for (uint256 i; i < m; ++i) {
            marks[i] = addPosition(r, r.positions[i], grids, books, pass);
        }
        Groups memory groups;
        groups.strikes = new int256[](m);
        groups.expiries = new uint256[](m);
        groups.nets = new int256[](m);
        for (uint256 k; k < n; ++k) {
            reduce(r, k, grids[k], books[k], pass.cache, groups);
        }
        account(r, books, pass, a);
    }

    /// @notice Revalues one position and adds it to its underlying's book; returns its mark.
    function addPosition(
        Request memory r,
        Position memory p,
        Grid[] memory grids,
        Book[] memory books,
        Pass memory pass
    ) private pure returns (int256 mark) {
        Underlying memory u = r.underlyings[p.underlying];
        Grid memory g = grids[p.underlying];
        Book memory b = books[p.underlying];
        bool option = p.kind == 2 || p.kind == 3;
        if (option) {
            mark = revalueOption(r, p, u, g, b, pass);
        } else {
            mark = u.price;
            b.delta += p.size * WAD;
            Revaluation.linear(g, mark, pass.changes);
        }
        // Unrealised PnL at the mark, exact (spot collateral is valued in the collateral).
        if (p.kind != 4) pass.upnl += p.size * (mark - p.entry);
        int256 alone = -accumulate(b, g, p.size, pass.changes, r.params.extremeFraction);
        // Its value rises with the price unless it is a put.
        addEnds(b.ends, p.size, (p.size >= 0) == (p.kind != 3), pass.changes);
        if (option && p.size < 0) {
            b.grossShort -= p.size;
            alone = FixedPoint.max(alone, FixedPoint.usdUp(-p.size, somPrice(u)));
        }
        pass.isolated += alone;
        b.gross += FixedPoint.abs(p.size);
    }

    /// @notice An option's mark and greeks (added to the book) and its changes per scenario.
    function revalueOption(
        Request memory r,
        Position memory p,
        Underlying memory u,
        Grid memory g,
        Book memory b,
        Pass memory pass
    ) private pure returns (int256 mark) {
        // As pm_risk: the strike's setup first (PriceOutOfRange), then the expiry's.
        int256 lnFk = OptionSetups.lnFk(pass.cache, p.underlying, p.strike, u);
        uint256 setup = OptionSetups.expiryOf(pass.cache, p.underlying, p.expiry, u, r.time, r.params.volFloor);
        Black76.Greeks memory gr = greeksAt(p.kind == 2, u.price, p.strike, lnFk, setup);
        mark = gr.price;
        b.delta += p.size * gr.delta;
        b.gamma += p.size * gr.gammaF;
        b.vega += p.size * gr.vega;
        Revaluation.option(p.kind == 2, p.strike, g, setup, lnFk, mark, pass.changes);
    }

    /// @notice Price and greeks at the mark from the option's setup.
    function greeksAt(bool isCall, int256 f, int256 strike, int256 lnFk, uint256 setup)
        private
        pure
        returns (Black76.Greeks memory)
    {
        int256 sqrtT;
        int256 s;
        Black76.TotalVol memory tv;
        assembly ("memory-safe") {
            sqrtT := mload(setup)
            s := mload(add(setup, 32))
            mstore(tv, mload(add(setup, 128)))
            mstore(add(tv, 32), mload(add(setup, 160)))
            mstore(add(tv, 64), mload(add(setup, 192)))
        }
        return Black76.greeks(isCall, f, strike, lnFk, sqrtT, s, tv);
    }

    /// @notice Adds one position's changes to every scenario of the book, exactly (its
    /// intervals: `addEnds`). Returns the position's worst scenario PnL alone (Usd, ≤ 0; an
    /// extreme's rounded and dampened).
    function accumulate(Book memory b, Grid memory g, int256 size, int256[] memory changes, int256 extremeFraction)
        private
        pure
        returns (int256 worst)
    {
        uint256 grid = g.count - 2;
        int256[] memory pnl = b.pnl;
        int256 worstChange;
        int256 worstExtreme;
        // Unchecked: |size| ≤ 1e30 and |change| < 3e29, so a product is below 2^198 and a sum of
        // 256 of them below 2^206.
        assembly ("memory-safe") {
            let cp := add(changes, 32)
            let pp := add(pnl, 32)
            let long := sgt(size, 0)
            let short := slt(size, 0)
            for { let i := 0 } lt(i, grid) { i := add(i, 1) } {
                let c := mload(add(cp, shl(5, i)))
                let cell := add(pp, shl(5, i))
                mstore(cell, add(mload(cell), mul(size, c)))
                if or(and(long, slt(c, worstChange)), and(short, sgt(c, worstChange))) { worstChange := c }
            }
            for { let i := grid } lt(i, add(grid, 2)) { i := add(i, 1) } {
                let c := mload(add(cp, shl(5, i)))
                let cell := add(pp, shl(5, i))
                mstore(cell, add(mload(cell), mul(size, c)))
                if or(and(long, slt(c, worstExtreme)), and(short, sgt(c, worstExtreme))) { worstExtreme := c }
            }
        }
        // Its worst PnL alone, rounded down as the scenarios' are (floor is monotone: the worst
        // of the rounded PnLs is the rounded worst change).
        worst = FixedPoint.min(
            FixedPoint.usdDown(size, worstChange),
            FixedPoint.wmulDown(FixedPoint.usdDown(size, worstExtreme), extremeFraction)
        );
    }

    /// @notice Adds size × each interval's worse-end change: the lower end for a position
    /// that loses as the price falls (`fallLoses`), else the upper (its value is monotone in the
    /// price, so it loses no more inside). Unchecked as `accumulate`.
    function addEnds(int256[] memory ends, int256 size, bool fallLoses, int256[] memory changes) private pure {
        assembly ("memory-safe") {
            let cp := add(changes, 32)
            let ep := add(ends, 32)
            // The worse end's offset from the interval's lower level: 0 or 3 levels.
            let offset := mul(iszero(fallLoses), 3)
            for { let j := 0 } lt(j, mload(ends)) { j := add(j, 1) } {
                let worse := mload(add(cp, shl(5, add(j, offset))))
                let cell := add(ep, shl(5, j))
                mstore(cell, add(mload(cell), mul(size, worse)))
            }
        }
    }

    /// @notice The short-option minimum per unit (Wad USD, rounded up).
    function somPrice(Underlying memory u) private pure returns (int256) {
        return FixedPoint.wmulUp(u.shortOptionMinimum, u.price);
    }

    /// @notice The worst-scenario figures of underlying k: losses down, up and at zero move,
    /// the intervals' bound, the short-option minimum, the directional split and the add-ons.
    function reduce(
        Request memory r,
        uint256 k,
        Grid memory g,
        Book memory b,
        OptionSetups.Cache memory cache,
        Groups memory groups
    ) private pure {
        int256[3] memory sides = gridWorst(g, b, r.params.extremeFraction);
        uint256 mask;
        int256[] memory ends = b.ends;
        for (uint256 j; j < ends.length; ++j) {
            // forge-lint: disable-next-line(incorrect-shift) a bit mask: 1 shifted by j < 30
            if (ends[j] > sides[g.moves[j + 3] <= 0 ? 0 : 1]) mask |= 1 << j;
        }
        bool grouped = mask != 0;
        if (grouped) {
            Curvature.group(r, k, groups);
            intervalBounds(r, k, g, b, sides, mask, cache, groups);
        }
        split(r, k, b, sides, groups, grouped);
    }

    /// @notice Rounds the book's exact sums once (PnL down, interval losses up) and returns the
    /// worst grid and extreme losses down, up and at zero move, recording the worst scenario.
    function gridWorst(Grid memory g, Book memory b, int256 extremeFraction)
        private
        pure
        returns (int256[3] memory sides)
    {
        // The greeks' exact sums, rounded down once; |net delta| also rounded up, for the
        // concentration add-on.
        int256 d = b.delta;
        b.deltaAbsUp = ((d < 0 ? -d : d) + 1e18 - 1) / 1e18;
        b.delta = FixedPoint.wadFloor(d);
        b.gamma = FixedPoint.wadFloor(b.gamma);
        b.vega = FixedPoint.usdFloor(b.vega);
        int256[] memory pnl = b.pnl;
        uint256 grid = g.count - 2;
        for (uint256 i; i < grid; ++i) {
            pnl[i] = FixedPoint.usdFloor(pnl[i]);
        }
        // An extreme's exact sum in money, then scaled by its fraction (both rounded down).
        int256 fraction = extremeFraction;
        pnl[grid] = FixedPoint.wmulDown(FixedPoint.usdFloor(pnl[grid]), fraction);
        pnl[grid + 1] = FixedPoint.wmulDown(FixedPoint.usdFloor(pnl[grid + 1]), fraction);
        int256[] memory ends = b.ends;
        for (uint256 j; j < ends.length; ++j) {
            ends[j] = -FixedPoint.usdFloor(ends[j]);
        }
        for (uint256 i; i < g.count; ++i) {
            int256 loss = FixedPoint.max(-pnl[i], 0);
            int256 mv = g.moves[i];
            uint256 side = mv < 0 ? 0 : (mv > 0 ? 1 : 2);
            if (loss > sides[side]) sides[side] = loss;
            if (loss > b.loss) {
                b.loss = loss;
                b.worstMove = mv;
                b.worstVol = int256(i < grid ? i % 3 : 0);
            }
        }
    }

    /// @notice The short-option minimum, the directional split and the add-ons of underlying k.
    function split(
        Request memory r,
        uint256 k,
        Book memory b,
        int256[3] memory sides,
        Groups memory groups,
        bool grouped
    ) private pure {
        Underlying memory u = r.underlyings[k];
        int256 minimum;
        int256 perUnit = somPrice(u);
        if (perUnit > 0 && FixedPoint.usdUp(b.grossShort, perUnit) > b.loss) {
            if (!grouped) Curvature.group(r, k, groups);
            minimum = FixedPoint.usdUp(Curvature.netShort(groups), perUnit);
        }
        int256 nd = FixedPoint.max(FixedPoint.min(sides[0], sides[1]), sides[2]);
        int256 dir = FixedPoint.max(FixedPoint.max(sides[0], sides[1]) - nd, 0);
        if (minimum > b.loss) {
            // What the minimum adds is lost whichever way the price goes: the unmoved scenario.
            nd += minimum - b.loss;
            b.loss = minimum;
            b.worstMove = 0;
            b.worstVol = 0;
        }
        b.directional = sides[0] >= sides[1] ? dir : -dir;
        b.nonDirectional = nd;
        b.addOn = addOn(u, b);
    }

    /// @notice Bounds every interval in `mask` by min(E, chord + curvature term) and counts it as
    /// a scenario on its side (at the midpoint of its ends).
    function intervalBounds(
        Request memory r,
        uint256 k,
        Grid memory g,
        Book memory b,
        int256[3] memory sides,
        uint256 mask,
        OptionSetups.Cache memory cache,
        Groups memory groups
    ) private pure {
        uint256 intervals = b.ends.length;
        int256[] memory t;
        {
            uint256 grid = g.count - 2;
            Curvature.Context memory c = Curvature.Context({
                k: k,
                u: r.underlyings[k],
                grid: g,
                time: r.time,
                volFloor: r.params.volFloor,
                cache: cache,
                known: new uint256[](grid),
                d1s: new int256[](grid),
                pdfs: new int256[](grid)
            });
            t = Curvature.terms(c, groups, mask, intervals);
        }
        int256[] memory pnl = b.pnl;
        for (uint256 j; j < intervals; ++j) {
            if ((mask >> j) & 1 == 0) continue;
            int256 chord = FixedPoint.max(-pnl[j], -pnl[j + 3]);
            int256 bound = FixedPoint.min(b.ends[j], chord + FixedPoint.max(t[j], 0));
            uint256 side = g.moves[j + 3] <= 0 ? 0 : 1;
            if (bound > sides[side]) sides[side] = bound;
            if (bound > b.loss) {
                b.loss = bound;
                b.worstMove = (g.moves[j] + g.moves[j + 3]) / 2;
                // forge-lint: disable-next-line(unsafe-typecast) j % 3 < 3
                b.worstVol = int256(j % 3);
            }
        }
    }

    /// @notice Concentration (rate × net delta notional above liquidity) and oracle (rate ×
    /// gross notional) add-ons, Usd rounded up.
    function addOn(Underlying memory u, Book memory b) private pure returns (int256) {
        int256 netNotional = FixedPoint.usdUp(b.deltaAbsUp, u.price);
        // The liquidity threshold is a Wad of USD: to Usd rounded down (more excess).
        int256 excess = FixedPoint.max(netNotional - u.liquidity / 1e12, 0);
        int256 grossNotional = FixedPoint.usdUp(b.gross, u.price);
        return FixedPoint.wmulUp(excess, u.concentrationRate) + FixedPoint.wmulUp(grossNotional, u.oracleAddon);
    }

    /// @notice Aggregation, margins and the account's figures.
    function account(Request memory r, Book[] memory books, Pass memory pass, Account memory a) private pure {
        uint256 n = books.length;
        int256[] memory dirs = new int256[](n);
        int256 nd;
        int256 lossSum;
        int256 addOns;
        for (uint256 k; k < n; ++k) {
            Book memory b = books[k];
            dirs[k] = b.directional;
            nd += b.nonDirectional;
            lossSum += b.loss;
            addOns += b.addOn;
        }
        Params memory p = r.params;
        a.requirement = Aggregation.requirement(dirs, r.correlation, nd, lossSum, p.wUp, p.wDown, p.breakFactor);
        a.maintenance = FixedPoint.wmulUp(a.requirement, p.mmFactor);
        a.initial = FixedPoint.wmulUp(a.maintenance, p.imRatio) + addOns;
        a.addOns = addOns;
        a.isolatedMaintenance = FixedPoint.wmulUp(pass.isolated, p.mmFactor);
        a.isolatedInitial = FixedPoint.wmulUp(a.isolatedMaintenance, p.imRatio) + addOns;
        a.equity = r.collateral + FixedPoint.usdFloor(pass.upnl);
        a.freeCollateral = a.equity - a.initial;
        if (a.maintenance == 0) a.utilisation = 0;
        else if (a.equity <= 0) a.utilisation = type(int128).max;
        else a.utilisation = FixedPoint.wdivUp(a.maintenance, a.equity);
        a.liquidatable = a.equity < a.maintenance ? int256(1) : int256(0);
    }
}
