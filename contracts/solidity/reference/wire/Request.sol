// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {RiskErrors} from "../RiskErrors.sol";

/// @notice One underlying: market data and the nine risk parameters, in wire order (Wads).
struct Underlying {
    /// Price (the forward for options), USD per unit.
    int256 price;
    /// Implied volatility, annualised.
    int256 vol;
    /// Fraction of the gross notional added to IM.
    int256 oracleAddon;
    int256 scanFloor;
    int256 volMultiple;
    /// Years.
    int256 horizon;
    int256 volUp;
    int256 volDown;
    int256 tenorExponent;
    /// USD (Wad) of net delta notional before the concentration add-on.
    int256 liquidity;
    int256 concentrationRate;
    int256 shortOptionMinimum;
}

/// @notice The account-wide parameters (Wads but `gridLevels`).
struct Params {
    uint256 gridLevels;
    int256 extremeMultiple;
    int256 extremeFraction;
    int256 maxDownMove;
    int256 wUp;
    int256 wDown;
    int256 breakFactor;
    int256 mmFactor;
    int256 imRatio;
    int256 volFloor;
}

/// @notice A position. `kind`: 0 perp, 1 future, 2 call, 3 put, 4 spot.
struct Position {
    uint256 underlying;
    uint256 kind;
    /// Units (Wad), signed.
    int256 size;
    /// Cost basis per unit (Wad).
    int256 entry;
    /// Options only (Wad).
    int256 strike;
    /// Futures and options, unix seconds.
    uint256 expiry;
}

/// @notice A decoded margin request.
struct Request {
    /// Valuation time, unix seconds.
    uint256 time;
    /// Collateral after haircuts (Usd).
    int256 collateral;
    Params params;
    Underlying[] underlyings;
    /// The full n × n matrix, row-major (unit diagonal, symmetric by construction).
    int256[] correlation;
    Position[] positions;
    /// How many leading positions the answer quotes.
    uint256 quotes;
}

/// @title RequestDecoder
/// @notice Reads the packed request of `pm_risk::wire` (version 2) from calldata: big-endian,
/// fixed widths, no padding:
/// `u8 version | u64 now | i128 collateral | u8 grid_levels | 9 × i128 scalars | u8 n |
/// n × 12 × i128 | n(n−1)/2 × i128 correlations | u16 m | m × (u8 underlying | u8 kind |
/// i128 size | i128 entry | kind 1: u64 expiry; 2, 3: i128 strike, u64 expiry) | [u16 q]`.
/// Errors (as `wire::decode`): `BAD_ENCODING` (version, truncation, trailing bytes, unknown
/// kind, an explicit quote count of 0 or above m), `TOO_MANY_UNDERLYINGS` (n > 16),
/// `TOO_MANY_POSITIONS` (m > 256).
library RequestDecoder {
    uint256 internal constant VERSION = 2;
    /// Bytes before the underlyings: version, now, collateral, grid levels, 9 scalars, n.
    uint256 internal constant HEADER = 171;
    uint256 internal constant UNDERLYING_BYTES = 192;
    uint256 internal constant MAX_UNDERLYINGS = 16;
    uint256 internal constant MAX_POSITIONS = 256;

    function i128At(uint256 off) private pure returns (int256 v) {
        assembly ("memory-safe") {
            v := sar(128, calldataload(off))
        }
    }

    function uAt(uint256 off, uint256 bits) private pure returns (uint256 v) {
        assembly ("memory-safe") {
            v := shr(sub(256, bits), calldataload(off))
        }
    }

    /// @notice The request in this call's calldata.
    function decode() internal pure returns (Request memory r) {
        uint256 size = msg.data.length;
        if (size < HEADER || uAt(0, 8) != VERSION) RiskErrors.fail(RiskErrors.BAD_ENCODING);
        r.time = uAt(1, 64);
        r.collateral = i128At(9);
        Params memory p = r.params;
        p.gridLevels = uAt(25, 8);
        // The nine scalars, in wire order, are the struct's next nine words.
        assembly ("memory-safe") {
            for { let i := 0 } lt(i, 9) { i := add(i, 1) } {
                mstore(add(p, mul(add(i, 1), 32)), sar(128, calldataload(add(26, mul(i, 16)))))
            }
        }
        uint256 n = uAt(170, 8);
        if (n > MAX_UNDERLYINGS) RiskErrors.fail(RiskErrors.TOO_MANY_UNDERLYINGS);
        uint256 off = HEADER + n * UNDERLYING_BYTES;
        uint256 pairs = n * (n - (n == 0 ? 0 : 1)) / 2;
        if (size < off + pairs * 16 + 2) RiskErrors.fail(RiskErrors.BAD_ENCODING);
        r.underlyings = new Underlying[](n);
        for (uint256 k; k < n; ++k) {
            Underlying memory u = r.underlyings[k];
            assembly ("memory-safe") {
                let src := add(171, mul(k, 192))
                for { let i := 0 } lt(i, 12) { i := add(i, 1) } {
                    mstore(add(u, mul(i, 32)), sar(128, calldataload(add(src, mul(i, 16)))))
                }
            }
        }
        r.correlation = correlationAt(off, n);
        off += pairs * 16;
        uint256 m = uAt(off, 16);
        if (m > MAX_POSITIONS) RiskErrors.fail(RiskErrors.TOO_MANY_POSITIONS);
        off += 2;
        r.positions = new Position[](m);
        for (uint256 i; i < m; ++i) {
            off = positionAt(r.positions[i], off, size);
        }
        // The optional quote count: absent, or 1 ≤ q ≤ m and the last two bytes.
        if (off != size) {
            r.quotes = uAt(off, 16);
            if (off + 2 != size || r.quotes == 0 || r.quotes > m) RiskErrors.fail(RiskErrors.BAD_ENCODING);
        }
    }

    /// @notice The n × n matrix from its upper triangle at `off`, row by row.
    function correlationAt(uint256 off, uint256 n) private pure returns (int256[] memory c) {
        c = new int256[](n * n);
        assembly ("memory-safe") {
            let base := add(c, 32)
            for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                mstore(add(base, mul(add(mul(i, n), i), 32)), 1000000000000000000)
                for { let j := add(i, 1) } lt(j, n) { j := add(j, 1) } {
                    let v := sar(128, calldataload(off))
                    off := add(off, 16)
                    mstore(add(base, mul(add(mul(i, n), j), 32)), v)
                    mstore(add(base, mul(add(mul(j, n), i), 32)), v)
                }
            }
        }
    }

    /// @notice Reads one position at `off` into `p`; returns the offset after it.
    function positionAt(Position memory p, uint256 off, uint256 size) private pure returns (uint256) {
        if (off + 34 > size) RiskErrors.fail(RiskErrors.BAD_ENCODING);
        p.underlying = uAt(off, 8);
        uint256 kind = uAt(off + 1, 8);
        p.kind = kind;
        p.size = i128At(off + 2);
        p.entry = i128At(off + 18);
        off += 34;
        if (kind == 1) {
            if (off + 8 > size) RiskErrors.fail(RiskErrors.BAD_ENCODING);
            p.expiry = uAt(off, 64);
            return off + 8;
        }
        if (kind == 2 || kind == 3) {
            if (off + 24 > size) RiskErrors.fail(RiskErrors.BAD_ENCODING);
            p.strike = i128At(off);
            p.expiry = uAt(off + 16, 64);
            return off + 24;
        }
        if (kind > 4) RiskErrors.fail(RiskErrors.BAD_ENCODING);
        return off;
    }
}
