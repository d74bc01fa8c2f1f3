//! Black-76 prices and greeks of European options on a forward, undiscounted (zero rate: the
//! premium is paid at expiry's value; a caller with rates multiplies by its discount factor).
//!
//! call = F·N(d1) − K·N(d2), put = K·N(−d2) − F·N(−d1), d1 = (ln(F/K) + s²/2)/s, d2 = d1 − s,
//! s = σ·√T. delta = N(d1) (call) or N(d1) − 1 (put); gamma = φ(d1)/(F·s); vega = F·φ(d1)·√T
//! (per 1.00 of vol). At expiry (T = 0) the price is the intrinsic value and the greeks are those
//! of the payoff (delta 0 or ±1 by moneyness, gamma and vega 0).
//!
//! Error bound against a 64-bit float reference (tests/black76.rs): |price error| ≤
//! 1e-13·(F + K) + 1e-16 USD per unit over F, K in [1e-8, 1e9], σ in [1%, 500%], T in [1 s, 5 y];
//! prices never fall below the intrinsic value.

use crate::error::{Result, RiskError};
use crate::fixed::{add, sub, wdiv, wmul, Rounding, Wad, WAD};
use crate::math::{ln, neg, norm_cdf, norm_pdf, sqrt};
use crate::units::{MAX_EXPIRY_SECONDS, MAX_PRICE, MAX_VOL, MIN_PRICE, MIN_VOL, SECONDS_PER_YEAR};

/// Call or put.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptionKind {
    /// The right to buy at the strike.
    Call,
    /// The right to sell at the strike.
    Put,
}

/// Price and sensitivities of one option unit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Greeks {
    /// Value, USD per unit.
    pub price: Wad,
    /// dV/dF, units of the underlying per option.
    pub delta: Wad,
    /// d²V/dF², per USD of forward.
    pub gamma: Wad,
    /// dV/dσ, USD per unit per 1.00 of volatility.
    pub vega: Wad,
}

/// Time in years (Wad) from seconds. Errors: `ExpiryOutOfRange` beyond 5 years.
pub fn years(seconds: u64) -> Result<Wad> {
    if seconds > MAX_EXPIRY_SECONDS {
        return Err(RiskError::ExpiryOutOfRange);
    }
    wdiv(i128::from(seconds), i128::from(SECONDS_PER_YEAR), Rounding::Down)
}

/// Errors: `PriceOutOfRange` unless `MIN_PRICE <= p <= MAX_PRICE`.
pub fn check_price(p: Wad) -> Result<()> {
    if (MIN_PRICE..=MAX_PRICE).contains(&p) {
        Ok(())
    } else {
        Err(RiskError::PriceOutOfRange)
    }
}

/// Errors: `VolOutOfRange` unless `MIN_VOL <= v <= MAX_VOL`.
pub fn check_vol(v: Wad) -> Result<()> {
    if (MIN_VOL..=MAX_VOL).contains(&v) {
        Ok(())
    } else {
        Err(RiskError::VolOutOfRange)
    }
}

/// Intrinsic value `max(F − K, 0)` (call) or `max(K − F, 0)` (put).
pub fn intrinsic(kind: OptionKind, forward: Wad, strike: Wad) -> Result<Wad> {
    let v = match kind {
        OptionKind::Call => sub(forward, strike)?,
        OptionKind::Put => sub(strike, forward)?,
    };
    Ok(v.max(0))
}

/// Price from precomputed `ln(F/K)` and `s = σ√T` (the scenario engine's hot path; no range
/// checks). `s = 0` gives the intrinsic value.
pub fn price_with(kind: OptionKind, forward: Wad, strike: Wad, ln_fk: Wad, s: Wad) -> Result<Wad> {
    let floor = intrinsic(kind, forward, strike)?;
    if s <= 0 {
        return Ok(floor);
    }
    let d1 = d1_of(ln_fk, s)?;
    let d2 = sub(d1, s)?;
    let v = match kind {
        OptionKind::Call => sub(
            wmul(forward, norm_cdf(d1)?, Rounding::Up)?,
            wmul(strike, norm_cdf(d2)?, Rounding::Down)?,
        )?,
        OptionKind::Put => sub(
            wmul(strike, norm_cdf(neg(d2)?)?, Rounding::Up)?,
            wmul(forward, norm_cdf(neg(d1)?)?, Rounding::Down)?,
        )?,
    };
    Ok(v.max(floor))
}

/// d1 = ln(F/K)/s + s/2.
fn d1_of(ln_fk: Wad, s: Wad) -> Result<Wad> {
    add(wdiv(ln_fk, s, Rounding::Down)?, s / 2)
}

/// Price and greeks. Errors: `PriceOutOfRange` (forward or strike), `VolOutOfRange`,
/// `ExpiryOutOfRange` (years < 0 or above 5).
pub fn greeks(kind: OptionKind, forward: Wad, strike: Wad, vol: Wad, years: Wad) -> Result<Greeks> {
    check_price(forward)?;
    check_price(strike)?;
    check_vol(vol)?;
    if !(0..=5 * WAD).contains(&years) {
        return Err(RiskError::ExpiryOutOfRange);
    }
    let ln_fk = ln(wdiv(forward, strike, Rounding::Down)?)?;
    let sqrt_t = sqrt(years, Rounding::Down)?;
    let s = wmul(vol, sqrt_t, Rounding::Down)?;
    greeks_with(kind, forward, strike, ln_fk, sqrt_t, s)
}

/// Price and greeks from precomputed `ln(F/K)`, `√T` and `s = σ√T` (no range checks; the
/// scenario engine has them already).
pub fn greeks_with(
    kind: OptionKind,
    forward: Wad,
    strike: Wad,
    ln_fk: Wad,
    sqrt_t: Wad,
    s: Wad,
) -> Result<Greeks> {
    let price = price_with(kind, forward, strike, ln_fk, s)?;
    if s == 0 {
        let itm = match kind {
            OptionKind::Call => forward > strike,
            OptionKind::Put => forward < strike,
        };
        let delta = match (kind, itm) {
            (_, false) => 0,
            (OptionKind::Call, true) => WAD,
            (OptionKind::Put, true) => -WAD,
        };
        return Ok(Greeks {
            price,
            delta,
            gamma: 0,
            vega: 0,
        });
    }
    let d1 = d1_of(ln_fk, s)?;
    let n1 = norm_cdf(d1)?;
    let delta = match kind {
        OptionKind::Call => n1,
        OptionKind::Put => sub(n1, WAD)?,
    };
    let pdf = norm_pdf(d1)?;
    let gamma = wdiv(pdf, wmul(forward, s, Rounding::Up)?, Rounding::Down)?;
    let vega = wmul(wmul(forward, pdf, Rounding::Down)?, sqrt_t, Rounding::Down)?;
    Ok(Greeks {
        price,
        delta,
        gamma,
        vega,
    })
}

/// Price only. Errors: those of [`greeks`].
pub fn price(kind: OptionKind, forward: Wad, strike: Wad, vol: Wad, years: Wad) -> Result<Wad> {
    Ok(greeks(kind, forward, strike, vol, years)?.price)
}
