// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FixedPoint} from "../math/FixedPoint.sol";
import {WadMath} from "../math/WadMath.sol";

/// @title Aggregation
/// @notice Across underlyings (as `pm_risk::margin`, step 7–8): R_base = √(Dᵀρ D) + ΣN,
/// R_one = |ΣD| + ΣN, R_broken = the root with hedging pairs' correlations shrunk by the break
/// factor; R = max(R_base, R_base + w_up·(R_one − R_base), R_base + w_down·(R_broken − R_base)),
/// at most Σ L_u. Every step rounded up but the normalised d = D/M and the shrunk ρ, down.
library Aggregation {
    int256 internal constant WAD = 1e18;

    /// @notice M·√(Σ ρ'_kl d_k d_l) rounded up, d = D/M (rounded down), M = max |D|; with
    /// `broken`, ρ'_kl = ρ_kl·(1 − breakFactor) (rounded down) for hedging pairs (ρ·d_k·d_l < 0).
    function quadraticRoot(int256[] memory dirs, int256[] memory rho, int256 breakFactor, bool broken)
        internal
        pure
        returns (int256)
    {
        uint256 n = dirs.length;
        int256 m;
        for (uint256 k; k < n; ++k) {
            m = FixedPoint.max(m, FixedPoint.abs(dirs[k]));
        }
        if (m == 0) return 0;
        int256[] memory d = new int256[](n);
        for (uint256 k; k < n; ++k) {
            d[k] = FixedPoint.wdivDown(dirs[k], m);
        }
        int256 q;
        for (uint256 k; k < n; ++k) {
            int256 dk = d[k];
            for (uint256 l; l < n; ++l) {
                int256 dl = d[l];
                int256 r = rho[k * n + l];
                if (broken && k != l && r != 0 && dk != 0 && dl != 0 && ((r > 0) != ((dk > 0) == (dl > 0)))) {
                    r = FixedPoint.wmulDown(r, WAD - breakFactor);
                }
                q += FixedPoint.wmulUp(FixedPoint.wmulUp(r, dk), dl);
            }
        }
        return FixedPoint.wmulUp(m, WadMath.sqrtWad(FixedPoint.max(q, 0), true));
    }

    /// @notice The blended requirement from the directional parts, ΣN and ΣL.
    function requirement(
        int256[] memory dirs,
        int256[] memory rho,
        int256 nonDirectional,
        int256 lossSum,
        int256 wUp,
        int256 wDown,
        int256 breakFactor
    ) internal pure returns (int256 r) {
        int256 base = quadraticRoot(dirs, rho, breakFactor, false) + nonDirectional;
        int256 sum;
        for (uint256 k; k < dirs.length; ++k) {
            sum += dirs[k];
        }
        int256 one = FixedPoint.abs(sum) + nonDirectional;
        int256 broken = quadraticRoot(dirs, rho, breakFactor, true) + nonDirectional;
        r = FixedPoint.max(base, base + FixedPoint.wmulUp(wUp, one - base));
        r = FixedPoint.max(r, base + FixedPoint.wmulUp(wDown, broken - base));
        r = FixedPoint.min(r, lossSum);
    }
}
