// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title FixedPoint
/// @notice Signed decimal fixed point: a Wad is an `int256` with 18 decimals (prices, sizes,
/// vols, fractions, years), a Usd an `int256` with 6 decimals (money). Every division names its
/// rounding: `Down` is the floor, `Up` the ceiling, whatever the signs (as `pm_risk::fixed`).
/// @dev The model's inputs are `int128` (the wire format's), so the product of two of them is
/// below 2^254 and fits `int256` exactly: no 512-bit intermediate is needed, and no product or
/// sum of the model's magnitudes (|x| < 2^128 each, at most a few hundred terms) can overflow.
/// Every function here is therefore `unchecked` assembly; the divisor is always positive.
library FixedPoint {
    int256 internal constant WAD = 1e18;
    /// WAD·WAD/USD: a size (Wad) times a per-unit value (Wad) over this is money (Usd).
    int256 internal constant WAD_SQ_PER_USD = 1e30;

    /// @notice floor(a·b / d) for d > 0.
    function mulDivDown(int256 a, int256 b, int256 d) internal pure returns (int256 q) {
        assembly ("memory-safe") {
            let p := mul(a, b)
            q := sub(sdiv(p, d), slt(smod(p, d), 0))
        }
    }

    /// @notice ceil(a·b / d) for d > 0.
    function mulDivUp(int256 a, int256 b, int256 d) internal pure returns (int256 q) {
        assembly ("memory-safe") {
            let p := mul(a, b)
            q := add(sdiv(p, d), sgt(smod(p, d), 0))
        }
    }

    /// @notice floor(a·b / 1e18).
    function wmulDown(int256 a, int256 b) internal pure returns (int256) {
        return mulDivDown(a, b, WAD);
    }

    /// @notice ceil(a·b / 1e18).
    function wmulUp(int256 a, int256 b) internal pure returns (int256) {
        return mulDivUp(a, b, WAD);
    }

    /// @notice floor(a·1e18 / b) for b > 0.
    function wdivDown(int256 a, int256 b) internal pure returns (int256) {
        return mulDivDown(a, WAD, b);
    }

    /// @notice ceil(a·1e18 / b) for b > 0.
    function wdivUp(int256 a, int256 b) internal pure returns (int256) {
        return mulDivUp(a, WAD, b);
    }

    /// @notice size × value in Usd (size and value in Wads), rounded down.
    function usdDown(int256 size, int256 value) internal pure returns (int256) {
        return mulDivDown(size, value, WAD_SQ_PER_USD);
    }

    /// @notice size × value in Usd (size and value in Wads), rounded up.
    function usdUp(int256 size, int256 value) internal pure returns (int256) {
        return mulDivUp(size, value, WAD_SQ_PER_USD);
    }

    /// @notice An exact sum of products (Wad × Wad) in Usd, rounded down once.
    function usdFloor(int256 sum) internal pure returns (int256 q) {
        assembly ("memory-safe") {
            q := sub(sdiv(sum, 1000000000000000000000000000000), slt(smod(sum, 1000000000000000000000000000000), 0))
        }
    }

    /// @notice An exact sum of products (Wad × Wad) as a Wad, rounded down once.
    function wadFloor(int256 sum) internal pure returns (int256 q) {
        assembly ("memory-safe") {
            q := sub(sdiv(sum, 1000000000000000000), slt(smod(sum, 1000000000000000000), 0))
        }
    }

    function max(int256 a, int256 b) internal pure returns (int256) {
        return a > b ? a : b;
    }

    function min(int256 a, int256 b) internal pure returns (int256) {
        return a < b ? a : b;
    }

    function abs(int256 a) internal pure returns (int256) {
        return a < 0 ? -a : a;
    }
}
