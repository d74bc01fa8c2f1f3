//! Risk parameters, their bounds, the correlation matrix check, and sensible defaults.

use crate::error::{Result, RiskError};
use crate::fixed::{sub, wmul, Rounding, Wad, WAD};
use crate::math::sqrt;

/// Most underlyings in one account.
pub const MAX_UNDERLYINGS: usize = 16;
/// Most positions in one account.
pub const MAX_POSITIONS: usize = 256;
/// Fewest price levels in a scenario grid.
pub const MIN_GRID_LEVELS: u8 = 7;
/// Most price levels in a scenario grid.
pub const MAX_GRID_LEVELS: u8 = 11;
/// Largest vol-shock multiplier of the expiry term `(30 d / T)^p`.
pub const MAX_TENOR_MULTIPLIER: Wad = 4 * WAD;
/// Cholesky tolerance: pivots within ±1e-12 of zero count as zero (semi-definite).
const PSD_TOLERANCE: Wad = 1_000_000;

/// Per-underlying risk parameters (governance data).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnderlyingParams {
    /// Smallest scan range, a fraction of the price (e.g. 0.08 = 8%).
    pub scan_floor: Wad,
    /// Scan range in volatilities over the horizon: r = max(floor, k·σ·√horizon).
    pub vol_multiple: Wad,
    /// Horizon of the scan range, years (1 day = 1/365).
    pub horizon: Wad,
    /// Vol-up shock for a 30-day option, a fraction of the vol (σ_up = σ·(1 + shock·m(T))).
    pub vol_up: Wad,
    /// Vol-down shock for a 30-day option (σ_down = σ·(1 − shock·m(T)), at least 10% of σ).
    pub vol_down: Wad,
    /// Exponent p of the expiry term m(T) = min((30 d / T)^p, 4).
    pub vol_tenor_exponent: Wad,
    /// Notional (USD, as a Wad) of net delta above which the concentration add-on applies.
    pub liquidity: Wad,
    /// Concentration add-on: this fraction of the net delta notional above `liquidity`.
    pub concentration_rate: Wad,
    /// Short-option minimum (SPAN's): the underlying's loss is at least this fraction of the
    /// price per unit of net short option (options netted by strike and expiry).
    pub short_option_minimum: Wad,
}

/// Account-wide risk parameters (governance data).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RiskParams<'a> {
    /// Price levels across ±scan range, odd, 7..=11 (e.g. 7: 0, ±1/3, ±2/3, ±1).
    pub grid_levels: u8,
    /// Extreme moves: ± this multiple of the scan range.
    pub extreme_multiple: Wad,
    /// Extreme moves count at this fraction of their loss (dampening).
    pub extreme_fraction: Wad,
    /// A down move never exceeds this fraction of the price (keeps prices positive).
    pub max_down_move: Wad,
    /// Correlations, `n × n` row-major for the `n` underlyings of the account's market data.
    pub correlation: &'a [Wad],
    /// Weight of the correlation-one regime (diversification fails) in [0, 1].
    pub w_up: Wad,
    /// Weight of the correlation-broken regime (hedges fail) in [0, 1].
    pub w_down: Wad,
    /// In the broken regime, correlations of pairs that hedge each other shrink by this fraction.
    pub break_factor: Wad,
    /// Maintenance margin = requirement × this (≥ 0.1).
    pub mm_factor: Wad,
    /// Initial margin = maintenance × this (≥ 1) + add-ons.
    pub im_ratio: Wad,
    /// Smallest vol shock, in vol points (0.10 = 10 points), up and down, at every tenor (the
    /// shock down still leaves at least a tenth of the vol).
    pub vol_floor: Wad,
}

impl UnderlyingParams {
    /// Checks every bound. Errors: `InvalidParameter`.
    pub fn validate(&self) -> Result<()> {
        let ok = (WAD / 1000..=WAD / 2).contains(&self.scan_floor)
            && (0..=10 * WAD).contains(&self.vol_multiple)
            && (0..=WAD).contains(&self.horizon)
            && (0..=3 * WAD).contains(&self.vol_up)
            && (0..=WAD).contains(&self.vol_down)
            && (0..=2 * WAD).contains(&self.vol_tenor_exponent)
            && self.liquidity >= 0
            && (0..=WAD).contains(&self.concentration_rate)
            && (0..=WAD / 2).contains(&self.short_option_minimum);
        if ok {
            Ok(())
        } else {
            Err(RiskError::InvalidParameter)
        }
    }
}

impl RiskParams<'_> {
    /// Checks every scalar bound and the correlation matrix for `n` underlyings.
    /// Errors: `InvalidParameter`, `TooManyUnderlyings` and the `Correlation*` errors.
    pub fn validate(&self, n: usize) -> Result<()> {
        let ok = (MIN_GRID_LEVELS..=MAX_GRID_LEVELS).contains(&self.grid_levels)
            && self.grid_levels % 2 == 1
            && (WAD..=5 * WAD).contains(&self.extreme_multiple)
            && (0..=WAD).contains(&self.extreme_fraction)
            && (WAD / 10..=WAD * 9 / 10).contains(&self.max_down_move)
            && (0..=WAD).contains(&self.w_up)
            && (0..=WAD).contains(&self.w_down)
            && (0..=WAD).contains(&self.break_factor)
            && (WAD / 10..=10 * WAD).contains(&self.mm_factor)
            && (WAD..=10 * WAD).contains(&self.im_ratio)
            && (0..=WAD).contains(&self.vol_floor);
        if !ok {
            return Err(RiskError::InvalidParameter);
        }
        validate_correlation(self.correlation, n)
    }
}

/// Entry (i, j) of an `n × n` row-major matrix. Errors: `CorrelationSize`.
pub fn entry(m: &[Wad], n: usize, i: usize, j: usize) -> Result<Wad> {
    i.checked_mul(n)
        .and_then(|r| r.checked_add(j))
        .and_then(|k| m.get(k))
        .copied()
        .ok_or(RiskError::CorrelationSize)
}

/// Checks a correlation matrix: `n × n`, unit diagonal, symmetric, |ρ| ≤ 1, and positive
/// semi-definite by a Cholesky factorisation (pivots within 1e-12 of zero count as zero).
/// Errors: `TooManyUnderlyings`, `CorrelationSize`, `CorrelationDiagonal`,
/// `CorrelationAsymmetric`, `CorrelationOutOfRange`, `CorrelationNotPsd`.
pub fn validate_correlation(rho: &[Wad], n: usize) -> Result<()> {
    if n > MAX_UNDERLYINGS {
        return Err(RiskError::TooManyUnderlyings);
    }
    if Some(rho.len()) != n.checked_mul(n) {
        return Err(RiskError::CorrelationSize);
    }
    for i in 0..n {
        if entry(rho, n, i, i)? != WAD {
            return Err(RiskError::CorrelationDiagonal);
        }
        for j in 0..i {
            let v = entry(rho, n, i, j)?;
            if v != entry(rho, n, j, i)? {
                return Err(RiskError::CorrelationAsymmetric);
            }
            if !(-WAD..=WAD).contains(&v) {
                return Err(RiskError::CorrelationOutOfRange);
            }
        }
    }
    // Cholesky: rho = L·Lᵀ, L lower triangular.
    let mut l = [[0 as Wad; MAX_UNDERLYINGS]; MAX_UNDERLYINGS];
    for j in 0..n {
        let mut d = entry(rho, n, j, j)?;
        for k in 0..j {
            let ljk = cell(&l, j, k)?;
            d = sub(d, wmul(ljk, ljk, Rounding::Down)?)?;
        }
        if d < -PSD_TOLERANCE {
            return Err(RiskError::CorrelationNotPsd);
        }
        let ljj = if d <= PSD_TOLERANCE {
            0
        } else {
            sqrt(d, Rounding::Down)?
        };
        set(&mut l, j, j, ljj)?;
        for i in j.saturating_add(1)..n {
            let mut s = entry(rho, n, i, j)?;
            for k in 0..j {
                s = sub(s, wmul(cell(&l, i, k)?, cell(&l, j, k)?, Rounding::Down)?)?;
            }
            if ljj == 0 {
                // A zero pivot: the rest of the column must vanish too.
                if s.abs() > PSD_TOLERANCE.saturating_mul(1000) {
                    return Err(RiskError::CorrelationNotPsd);
                }
                set(&mut l, i, j, 0)?;
            } else {
                set(&mut l, i, j, crate::fixed::wdiv(s, ljj, Rounding::Down)?)?;
            }
        }
    }
    Ok(())
}

type Square = [[Wad; MAX_UNDERLYINGS]; MAX_UNDERLYINGS];

fn cell(m: &Square, i: usize, j: usize) -> Result<Wad> {
    m.get(i)
        .and_then(|r| r.get(j))
        .copied()
        .ok_or(RiskError::TooManyUnderlyings)
}

fn set(m: &mut Square, i: usize, j: usize, v: Wad) -> Result<()> {
    let c = m
        .get_mut(i)
        .and_then(|r| r.get_mut(j))
        .ok_or(RiskError::TooManyUnderlyings)?;
    *c = v;
    Ok(())
}

/// Defaults (see contracts/risk/README.md for the reasoning behind each number).
pub mod defaults {
    use super::*;

    #[allow(clippy::arithmetic_side_effects)] // constants only, evaluated at compile time
    const fn pct(p: i128) -> Wad {
        p * WAD / 100
    }

    /// Bitcoin: 8% floor, 3 daily vols, vol shocks +50% / −30% at 30 days, a short option
    /// charged at least 0.5% of the price.
    pub const BTC: UnderlyingParams = UnderlyingParams {
        scan_floor: pct(8),
        vol_multiple: 3 * WAD,
        horizon: WAD / 365,
        vol_up: pct(50),
        vol_down: pct(30),
        vol_tenor_exponent: WAD / 2,
        liquidity: 50_000_000 * WAD,
        concentration_rate: pct(5),
        short_option_minimum: WAD / 200,
    };
    /// Ether: 10% floor, otherwise as BTC with a smaller liquidity threshold.
    pub const ETH: UnderlyingParams = UnderlyingParams {
        scan_floor: pct(10),
        liquidity: 25_000_000 * WAD,
        ..BTC
    };
    /// Solana: 15% floor, bigger vol-up shock, thinner liquidity, a short option at least 1%.
    pub const SOL: UnderlyingParams = UnderlyingParams {
        scan_floor: pct(15),
        vol_up: pct(70),
        liquidity: 5_000_000 * WAD,
        short_option_minimum: pct(1),
        ..BTC
    };
    /// A synthetic equity index: 5% floor, 4 daily vols (gap risk), smaller vol shocks, a short
    /// option at least 0.25%.
    pub const INDEX: UnderlyingParams = UnderlyingParams {
        scan_floor: pct(5),
        vol_multiple: 4 * WAD,
        vol_up: pct(40),
        vol_down: pct(25),
        liquidity: 100_000_000 * WAD,
        short_option_minimum: WAD / 400,
        ..BTC
    };

    /// Account-wide defaults: 7 levels, extremes at 5× counted at 20%, both stress weights 0.5,
    /// hedges' correlations halved when broken, MM = 1.0 × requirement, IM = 1.25 × MM, vol
    /// shocks of at least 10 vol points.
    pub const fn risk(correlation: &[Wad]) -> RiskParams<'_> {
        RiskParams {
            grid_levels: 7,
            extreme_multiple: 5 * WAD,
            extreme_fraction: pct(20),
            max_down_move: pct(75),
            correlation,
            w_up: WAD / 2,
            w_down: WAD / 2,
            break_factor: WAD / 2,
            mm_factor: WAD,
            im_ratio: pct(125),
            vol_floor: pct(10),
        }
    }
}
