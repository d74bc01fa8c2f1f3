// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {RiskErrors} from "../RiskErrors.sol";
import {FixedPoint} from "../math/FixedPoint.sol";
import {WadMath} from "../math/WadMath.sol";
import {Underlying} from "../wire/Request.sol";

/// @title OptionSetups
/// @notice What pricing an option shares across scenarios, computed once per margin request
/// (as `pm_risk::option_setup`): per underlying and expiry, √T and σ√T in each vol state
/// (base, up, down) prepared for Black-76; per underlying and strike, ln(F/K). Both are kept in
/// an open-addressing hash table in memory (a linear scan of a 128-option book costs more than
/// the setups it saves), keyed by a tag, the underlying and the expiry or strike.
///
/// An expiry setup is 13 memory words: √T, s_base, s_up, s_down (Wads), then per vol state
/// (base, up, down) 2^160/s, s/2 and s in X96 (all 0 for an expired option, s = 0).
/// Vol shocks (model v2): σ_up = max(σ·(1 + vol_up·m), σ + floor), σ_down = max(min(σ·max(1 −
/// vol_down·m, 0.1), σ − floor), 0.1·σ), m = min((30 d/T)^p, 4); σ_up√T rounded up, the others
/// down (against the account).
library OptionSetups {
    int256 internal constant WAD = 1e18;
    uint256 internal constant SECONDS_PER_YEAR = 31536000;
    uint256 internal constant MAX_EXPIRY_SECONDS = 5 * SECONDS_PER_YEAR;
    int256 internal constant TENOR_REFERENCE_SECONDS = 30 * 86400;
    int256 internal constant MAX_TENOR_MULTIPLIER = 4e18;
    /// ln 4 as a Wad, rounded down.
    int256 internal constant LN_MAX_TENOR_MULTIPLIER = 1386294361119890618;
    uint256 internal constant EXPIRY_WORDS = 13;
    uint256 private constant EXPIRY_TAG = 1 << 250;
    uint256 private constant STRIKE_TAG = 2 << 250;

    /// @notice A hash table: `mask + 1` slots of two words (key, value) at `slots`.
    struct Cache {
        uint256 mask;
        uint256 slots;
    }

    /// @notice An empty table with room for the expiries and strikes of `positions` options.
    function create(uint256 positions) internal pure returns (Cache memory c) {
        uint256 n = 16;
        while (n < 4 * positions + 4) n <<= 1;
        c.mask = n - 1;
        uint256 bytes_ = n * 64;
        uint256 ptr;
        assembly ("memory-safe") {
            ptr := mload(0x40)
            // Fresh memory is not guaranteed zero: zero it (copying past calldata's end).
            calldatacopy(ptr, calldatasize(), bytes_)
            mstore(0x40, add(ptr, bytes_))
        }
        c.slots = ptr;
    }

    /// @notice The slot of `key`: its value's address and whether it was found (else the empty
    /// slot where it goes, its key written).
    function slotOf(Cache memory c, uint256 key) private pure returns (uint256 slot, bool found) {
        uint256 mask = c.mask;
        uint256 slots = c.slots;
        assembly ("memory-safe") {
            // Fibonacci hashing: the top bits of key·2^64/φ, then linear probing.
            let i := and(shr(192, mul(key, 0x9E3779B97F4A7C15F39CC0605CEDC835)), mask)
            for {} 1 {} {
                let p := add(slots, shl(6, i))
                let k := mload(p)
                if eq(k, key) {
                    found := 1
                    slot := add(p, 32)
                    break
                }
                if iszero(k) {
                    mstore(p, key)
                    slot := add(p, 32)
                    break
                }
                i := and(add(i, 1), mask)
            }
        }
    }

    /// @notice ln(F/K) (Wad) of underlying `k` (`u`) and `strike`, computed once.
    /// Errors: `PRICE_OUT_OF_RANGE` (strike).
    function lnFk(Cache memory c, uint256 k, int256 strike, Underlying memory u) internal pure returns (int256 x) {
        // forge-lint: disable-next-line(unsafe-typecast) a strike is positive, below 2^127
        (uint256 slot, bool found) = slotOf(c, STRIKE_TAG | (k << 128) | uint256(strike & type(int128).max));
        if (found) {
            assembly ("memory-safe") {
                x := mload(slot)
            }
            return x;
        }
        if (strike < 1e10 || strike > 1e27) RiskErrors.fail(RiskErrors.PRICE_OUT_OF_RANGE);
        x = WadMath.lnWad(FixedPoint.wdivDown(u.price, strike));
        assembly ("memory-safe") {
            mstore(slot, x)
        }
    }

    /// @notice The expiry setup (a pointer to its 13 words) of underlying `k` (`u`) expiring at
    /// `expiry`, valued at `time`, the vol shocks at least `floor`, computed once.
    /// Errors: `EXPIRY_OUT_OF_RANGE` (beyond five years).
    function expiryOf(Cache memory c, uint256 k, uint256 expiry, Underlying memory u, uint256 time, int256 floor)
        internal
        pure
        returns (uint256 setup)
    {
        (uint256 slot, bool found) = slotOf(c, EXPIRY_TAG | (k << 64) | expiry);
        if (found) {
            assembly ("memory-safe") {
                setup := mload(slot)
            }
            return setup;
        }
        setup = make(expiry, u, time, floor);
        assembly ("memory-safe") {
            mstore(slot, setup)
        }
    }

    function make(uint256 expiry, Underlying memory u, uint256 time, int256 floor)
        private
        pure
        returns (uint256 setup)
    {
        uint256 secs = expiry > time ? expiry - time : 0;
        if (secs > MAX_EXPIRY_SECONDS) RiskErrors.fail(RiskErrors.EXPIRY_OUT_OF_RANGE);
        int256[3] memory s;
        // forge-lint: disable-next-line(unsafe-typecast) seconds and the year fit 64 bits
        int256 sqrtT = WadMath.sqrtWad(FixedPoint.wdivDown(int256(secs), int256(SECONDS_PER_YEAR)), false);
        {
            (int256 up, int256 down) = shockedVols(secs, u, floor);
            s[0] = FixedPoint.wmulDown(u.vol, sqrtT);
            s[1] = FixedPoint.wmulUp(up, sqrtT);
            s[2] = FixedPoint.wmulDown(down, sqrtT);
        }
        assembly ("memory-safe") {
            setup := mload(0x40)
            mstore(0x40, add(setup, 416))
            mstore(setup, sqrtT)
        }
        for (uint256 i; i < 3; ++i) {
            uint256 v = uint256(s[i]);
            assembly ("memory-safe") {
                mstore(add(setup, mul(add(i, 1), 32)), v)
                let p := add(setup, add(128, mul(i, 96)))
                switch v
                case 0 {
                    mstore(p, 0)
                    mstore(add(p, 32), 0)
                    mstore(add(p, 64), 0)
                }
                default {
                    mstore(p, div(shl(160, 1), v))
                    mstore(add(p, 32), div(shl(95, v), 1000000000000000000))
                    mstore(add(p, 64), div(shl(96, v), 1000000000000000000))
                }
            }
        }
    }

    /// @notice σ_up and σ_down of an option `secs` seconds from expiry.
    function shockedVols(uint256 secs, Underlying memory u, int256 floor)
        private
        pure
        returns (int256 up, int256 down)
    {
        int256 tenor = MAX_TENOR_MULTIPLIER;
        if (secs != 0) {
            // forge-lint: disable-next-line(unsafe-typecast) seconds fit 64 bits
            int256 ratio = FixedPoint.wdivDown(TENOR_REFERENCE_SECONDS, int256(secs));
            int256 lg = FixedPoint.wmulDown(u.tenorExponent, WadMath.lnWad(ratio));
            if (lg < LN_MAX_TENOR_MULTIPLIER) tenor = WadMath.expWad(lg);
        }
        int256 sigma = u.vol;
        up = FixedPoint.max(FixedPoint.wmulUp(sigma, WAD + FixedPoint.wmulUp(u.volUp, tenor)), sigma + floor);
        int256 downFactor = FixedPoint.max(WAD - FixedPoint.wmulUp(u.volDown, tenor), WAD / 10);
        down = FixedPoint.max(
            FixedPoint.min(FixedPoint.wmulDown(sigma, downFactor), sigma - floor), FixedPoint.wmulDown(sigma, WAD / 10)
        );
    }
}
