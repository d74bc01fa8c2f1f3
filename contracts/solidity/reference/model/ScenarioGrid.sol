// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FixedPoint} from "../math/FixedPoint.sol";
import {WadMath} from "../math/WadMath.sol";
import {Underlying, Params} from "../wire/Request.sol";

/// @notice One underlying's scenarios: `levels` price levels across ±range, each in three vol
/// states (scenario 3·level + state; states 0 unchanged, 1 up, 2 down), then the two extremes
/// (scenarios 3·levels and 3·levels + 1, vol unchanged).
struct Grid {
    /// Scan range, a fraction of the price (Wad).
    int256 range;
    uint256 levels;
    /// 3·levels + 2.
    uint256 count;
    /// Per scenario: the price move (Wad, a fraction), ln(1 + move) (Wad), the price after it.
    int256[] moves;
    int256[] lnMoves;
    int256[] prices;
}

/// @title ScenarioGrid
/// @notice The scenarios of an underlying (as `pm_risk::margin::build_grid`): range r =
/// max(floor, k·σ·√h) rounded up; moves r·i/m for i = −m..m rounded down, and ±r·extreme_multiple
/// rounded up; every move at least −max_down_move; the price after a move rounded down.
/// ln(1 + move) is computed once per level (the three vol states share it).
library ScenarioGrid {
    int256 internal constant WAD = 1e18;

    function build(Underlying memory u, Params memory p) internal pure returns (Grid memory g) {
        int256 volRange = FixedPoint.wmulUp(FixedPoint.wmulUp(u.volMultiple, u.vol), WadMath.sqrtWad(u.horizon, true));
        int256 range = FixedPoint.max(volRange, u.scanFloor);
        uint256 levels = p.gridLevels;
        uint256 count = 3 * levels + 2;
        g.range = range;
        g.levels = levels;
        g.count = count;
        g.moves = new int256[](count);
        g.lnMoves = new int256[](count);
        g.prices = new int256[](count);
        // forge-lint: disable-next-line(unsafe-typecast) levels ≤ 11
        int256 half = int256(levels / 2);
        for (uint256 l; l < levels; ++l) {
            // forge-lint: disable-next-line(unsafe-typecast) l < levels ≤ 11
            int256 move = FixedPoint.mulDivDown(range, int256(l) - half, half);
            push(g, 3 * l, move, 3, u.price, p.maxDownMove);
        }
        int256 extreme = FixedPoint.wmulUp(range, p.extremeMultiple);
        push(g, 3 * levels, -extreme, 1, u.price, p.maxDownMove);
        push(g, 3 * levels + 1, extreme, 1, u.price, p.maxDownMove);
    }

    /// @notice Writes scenarios i..i+copies−1 with `move` (at least −maxDown).
    function push(Grid memory g, uint256 i, int256 move, uint256 copies, int256 price, int256 maxDown) private pure {
        if (move < -maxDown) move = -maxDown;
        int256 factor = WAD + move;
        int256 lnMove = WadMath.lnWad(factor);
        int256 after_ = FixedPoint.wmulDown(price, factor);
        for (uint256 c; c < copies; ++c) {
            g.moves[i + c] = move;
            g.lnMoves[i + c] = lnMove;
            g.prices[i + c] = after_;
        }
    }
}
