// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {RiskErrors} from "../RiskErrors.sol";
import {FixedPoint} from "../math/FixedPoint.sol";
import {WadMath} from "../math/WadMath.sol";
import {Request, Params, Underlying, Position} from "../wire/Request.sol";

/// @title Validation
/// @notice The input checks of `pm_risk::margin::check_inputs`, in its order: the account-wide
/// parameters, the correlation matrix (|ρ| ≤ 1, then positive semi-definite by Cholesky), each
/// underlying's price, vol and parameters, each position's underlying, size and entry.
/// Errors: `INVALID_PARAMETER`, `CORRELATION_OUT_OF_RANGE`, `CORRELATION_NOT_PSD`,
/// `PRICE_OUT_OF_RANGE`, `VOL_OUT_OF_RANGE`, `UNKNOWN_UNDERLYING`, `SIZE_OUT_OF_RANGE`.
library Validation {
    int256 internal constant WAD = 1e18;
    int256 internal constant MIN_PRICE = 1e10;
    int256 internal constant MAX_PRICE = 1e27;
    int256 internal constant MIN_VOL = 1e16;
    int256 internal constant MAX_VOL = 5e18;
    int256 internal constant MAX_SIZE = 1e30;
    /// Cholesky pivots within ±1e-12 of zero count as zero (semi-definite).
    int256 internal constant PSD_TOLERANCE = 1e6;

    function within(int256 v, int256 lo, int256 hi) private pure returns (bool) {
        return v >= lo && v <= hi;
    }

    /// @notice Checks every input of `r` as `check_inputs` does.
    function check(Request memory r) internal pure {
        Params memory p = r.params;
        bool ok = p.gridLevels >= 7 && p.gridLevels <= 11 && p.gridLevels % 2 == 1
            && within(p.extremeMultiple, WAD, 5 * WAD) && within(p.extremeFraction, 0, WAD)
            && within(p.maxDownMove, WAD / 10, WAD * 9 / 10) && within(p.wUp, 0, WAD) && within(p.wDown, 0, WAD)
            && within(p.breakFactor, 0, WAD) && within(p.mmFactor, WAD / 10, 10 * WAD)
            && within(p.imRatio, WAD, 10 * WAD) && within(p.volFloor, 0, WAD);
        if (!ok) RiskErrors.fail(RiskErrors.INVALID_PARAMETER);
        uint256 n = r.underlyings.length;
        checkCorrelation(r.correlation, n);
        for (uint256 k; k < n; ++k) {
            checkUnderlying(r.underlyings[k]);
        }
        Position[] memory ps = r.positions;
        for (uint256 i; i < ps.length; ++i) {
            Position memory q = ps[i];
            if (q.underlying >= n) RiskErrors.fail(RiskErrors.UNKNOWN_UNDERLYING);
            if (!within(q.size, -MAX_SIZE, MAX_SIZE)) RiskErrors.fail(RiskErrors.SIZE_OUT_OF_RANGE);
            if (!within(q.entry, 0, MAX_PRICE)) RiskErrors.fail(RiskErrors.PRICE_OUT_OF_RANGE);
        }
    }

    function checkUnderlying(Underlying memory u) private pure {
        if (!within(u.price, MIN_PRICE, MAX_PRICE)) RiskErrors.fail(RiskErrors.PRICE_OUT_OF_RANGE);
        if (!within(u.vol, MIN_VOL, MAX_VOL)) RiskErrors.fail(RiskErrors.VOL_OUT_OF_RANGE);
        bool ok = within(u.scanFloor, WAD / 1000, WAD / 2) && within(u.volMultiple, 0, 10 * WAD)
            && within(u.horizon, 0, WAD) && within(u.volUp, 0, 3 * WAD) && within(u.volDown, 0, WAD)
            && within(u.tenorExponent, 0, 2 * WAD) && u.liquidity >= 0 && within(u.concentrationRate, 0, WAD)
            && within(u.shortOptionMinimum, 0, WAD / 2) && within(u.oracleAddon, 0, WAD);
        if (!ok) RiskErrors.fail(RiskErrors.INVALID_PARAMETER);
    }

    /// @notice |ρ| ≤ 1 everywhere, then ρ = L·Lᵀ by Cholesky with every product and quotient
    /// rounded down (as `params::validate_correlation`): a pivot below −1e-12 fails, one within
    /// ±1e-12 is zero and the rest of its column must then be within 1e-9 of zero.
    function checkCorrelation(int256[] memory rho, uint256 n) internal pure {
        for (uint256 i; i < n; ++i) {
            for (uint256 j; j < i; ++j) {
                if (!within(rho[i * n + j], -WAD, WAD)) RiskErrors.fail(RiskErrors.CORRELATION_OUT_OF_RANGE);
            }
        }
        int256[] memory l = new int256[](n * n);
        for (uint256 j; j < n; ++j) {
            int256 d = rho[j * n + j];
            for (uint256 k; k < j; ++k) {
                int256 ljk = l[j * n + k];
                d -= FixedPoint.wmulDown(ljk, ljk);
            }
            if (d < -PSD_TOLERANCE) RiskErrors.fail(RiskErrors.CORRELATION_NOT_PSD);
            int256 ljj = d <= PSD_TOLERANCE ? int256(0) : WadMath.sqrtWad(d, false);
            l[j * n + j] = ljj;
            for (uint256 i = j + 1; i < n; ++i) {
                int256 s = rho[i * n + j];
                for (uint256 k; k < j; ++k) {
                    s -= FixedPoint.wmulDown(l[i * n + k], l[j * n + k]);
                }
                if (ljj == 0) {
                    if (FixedPoint.abs(s) > PSD_TOLERANCE * 1000) RiskErrors.fail(RiskErrors.CORRELATION_NOT_PSD);
                } else {
                    l[i * n + j] = FixedPoint.wdivDown(s, ljj);
                }
            }
        }
    }
}
