// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {WadMath} from "../../../contracts/solidity/reference/math/WadMath.sol";
import {Normal} from "../../../contracts/solidity/reference/math/Normal.sol";
import {Black76} from "../../../contracts/solidity/reference/math/Black76.sol";

/// The reference's math libraries behind external functions, so tests can see their reverts.
contract MathHarness {
    function exp(int256 x) external pure returns (int256) {
        return WadMath.expWad(x);
    }

    function ln(int256 x) external pure returns (int256) {
        return WadMath.lnWad(x);
    }

    function sqrt(int256 x, bool up) external pure returns (int256) {
        return WadMath.sqrtWad(x, up);
    }

    /// Φ(x) for a Wad x, as a Wad (rounded down).
    function cdf(int256 x) external pure returns (int256) {
        return int256((Normal.cdfX96((x << 96) / 1e18) * 1e18) >> 96);
    }

    /// φ(x) for a Wad x, as a Wad (rounded down).
    function pdf(int256 x) external pure returns (int256) {
        return int256((Normal.densityX96((x << 96) / 1e18) * 1e18) >> 96);
    }

    /// Black-76 price and greeks for F, K, σ, T in Wads, as the margin model prepares them.
    function black76(bool isCall, int256 f, int256 k, int256 vol, int256 yrs)
        external
        pure
        returns (int256 p, int256 delta, int256 gammaF, int256 vega)
    {
        int256 x = WadMath.lnWad(f * 1e18 / k);
        int256 sqrtT = WadMath.sqrtWad(yrs, false);
        int256 s = vol * sqrtT / 1e18;
        Black76.TotalVol memory tv;
        if (s > 0) tv = Black76.totalVol(s);
        Black76.Greeks memory g = Black76.greeks(isCall, f, k, x, sqrtT, s, tv);
        return (g.price, g.delta, g.gammaF, g.vega);
    }

    /// The scenario price path alone (no greeks).
    function price(bool isCall, int256 f, int256 k, int256 vol, int256 yrs) external pure returns (int256) {
        int256 x = WadMath.lnWad(f * 1e18 / k);
        int256 s = vol * WadMath.sqrtWad(yrs, false) / 1e18;
        Black76.TotalVol memory tv = Black76.totalVol(s);
        return Black76.price(isCall, f, k, x, tv.inverse, tv.half, tv.s);
    }
}
