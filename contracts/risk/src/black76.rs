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
use crate::fixed::{add, mul_div, sub, wdiv, wmul, Rounding, Wad, WAD};
use crate::math::{ln, neg, norm_cdf, norm_pdf, sqrt};
use crate::q64::{density, mul_wide, normal_tail, wad_of_q63, ONE_Q63};
use crate::units::{MAX_EXPIRY_SECONDS, MAX_PRICE, MAX_VOL, MIN_PRICE, MIN_VOL, SECONDS_PER_YEAR};
use crate::wide::div_rem_wide;

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
    /// d²V/dF², per USD of forward (0 from [`greeks_fast`], which the margin path uses: it sums
    /// Γ·F).
    pub gamma: Wad,
    /// Γ·F = φ(d1)/s: the change of delta for a 100% move of the forward (fits where Γ per USD
    /// would not).
    pub gamma_f: Wad,
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

/// Price from precomputed `ln(F/K)` and `s = σ√T` (no range checks). `s = 0` gives the
/// intrinsic value. In the 64-bit fast path ([`price_fast`]) whenever its ranges hold, else in
/// 128-bit arithmetic; never below the intrinsic value.
pub fn price_with(kind: OptionKind, forward: Wad, strike: Wad, ln_fk: Wad, s: Wad) -> Result<Wad> {
    if let (Some(tv), Some(x)) = (TotalVol::new(s), q56_of(ln_fk)) {
        if let Some(v) = price_fast(kind, forward, strike, x, &tv) {
            return Ok(v);
        }
    }
    price_wide(kind, forward, strike, ln_fk, s)
}

/// [`price_with`] in 128-bit arithmetic with 256-bit intermediates, the reference the fast path
/// is tested against.
pub fn price_wide(kind: OptionKind, forward: Wad, strike: Wad, ln_fk: Wad, s: Wad) -> Result<Wad> {
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

/// A log-moneyness `ln(F/K)` (Wad) in Q56, when |x| < 64 (every price pair the engine takes:
/// |ln(1e9 / 1e-8)| < 40); `None` otherwise.
pub fn q56_of(x: Wad) -> Option<i64> {
    let q = mul_div(x, 1 << 56, WAD, Rounding::Down).ok()?;
    let q = i64::try_from(q).ok()?;
    (q.unsigned_abs() < 1 << 62).then_some(q)
}

/// `s = σ√T` prepared for [`price_fast`], once per option and vol state: `s` and `s/2` in Q52
/// and `1/s` as a mantissa in `[2^62, 2^63)` with its shift, so that each price needs no
/// division: `|d1 − s/2|` in Q52 is `|ln(F/K)|` (Q56) times the mantissa, shifted right.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TotalVol {
    s: u64,
    half: u64,
    inverse: u64,
    shift: u32,
}

/// Where d saturates (1024 in Q52): Φ is 0 or 1 to 1e-18 far before, and d2 = d1 − s (s < 256)
/// stays on the same side.
const D_LIMIT_Q52: u64 = 1 << 62;

impl TotalVol {
    /// No value, as [`TotalVol::packed`] stores `None` (all zero: a real one has `s > 0`).
    pub const NONE: TotalVol = TotalVol {
        s: 0,
        half: 0,
        inverse: 0,
        shift: 0,
    };

    /// `v` as a plain value, [`TotalVol::NONE`] for `None` (for memory that must be valid as
    /// all-zero bytes).
    pub fn packed(v: Option<TotalVol>) -> TotalVol {
        v.unwrap_or(TotalVol::NONE)
    }

    /// The inverse of [`TotalVol::packed`].
    pub fn unpacked(self) -> Option<TotalVol> {
        (self.s != 0).then_some(self)
    }

    /// `None` unless `2^-26 <= s < 256` (every σ√T of the engine's ranges, 1.8e-7 and up).
    pub fn new(s: Wad) -> Option<Self> {
        let s56 = u64::try_from(mul_div(s, 1 << 56, WAD, Rounding::Down).ok()?).ok()?;
        if s56 < 1 << 30 {
            return None;
        }
        // q = 2^126 / s56 < 2^96; its top 63 bits are the mantissa m, and 1/s = m·2^(shift−70).
        let (q, _) = div_rem_wide(0, 1 << 126, u128::from(s56))?;
        let bits = 128u32.checked_sub(q.leading_zeros())?;
        let shift = bits.checked_sub(63)?;
        let inverse = u64::try_from(q.checked_shr(shift)?).ok()?;
        Some(TotalVol {
            s: s56 >> 4,
            half: s56 >> 5,
            inverse,
            // d in Q52 = x (Q56) · m · 2^(shift − 70) · 2^-4 = (x·m) >> (74 − shift).
            shift: 74u32.checked_sub(shift)?,
        })
    }

    /// `d1` in Q52 for `x = ln(F/K)` in Q56 (|x| < 2^62), saturated at ±1024.
    #[inline]
    pub fn d1(&self, x: i64) -> i64 {
        let (hi, lo) = mul_wide(x.unsigned_abs(), self.inverse);
        // shift is in [40, 74]; the product is below 2^125.
        let v = if self.shift >= 64 {
            hi.checked_shr(self.shift.wrapping_sub(64)).unwrap_or(0)
        } else if hi.checked_shr(self.shift).unwrap_or(0) != 0 {
            D_LIMIT_Q52
        } else {
            hi.checked_shl(64u32.wrapping_sub(self.shift)).unwrap_or(0)
                | lo.checked_shr(self.shift).unwrap_or(0)
        };
        let v = v.min(D_LIMIT_Q52) as i64;
        // |v| ≤ 2^62 and s/2 < 2^59, and below d2 = d1 − s with s < 2^60: no overflow.
        if x < 0 {
            (self.half as i64).wrapping_sub(v)
        } else {
            (self.half as i64).wrapping_add(v)
        }
    }
}

/// `Φ(d)` and `Φ(−d)` in Q63 for `d` in Q52.
#[inline]
fn cdf_pair(d: i64) -> (u64, u64) {
    let tail = normal_tail(d.unsigned_abs());
    let other = ONE_Q63.wrapping_sub(tail);
    if d < 0 {
        (tail, other)
    } else {
        (other, tail)
    }
}

/// `floor(v·p / 2^63)` for a value `v < 2^100` and a probability `p` in Q63.
#[inline]
fn times_q63(v: u128, p: u64) -> Option<u128> {
    let (high, low) = ((v >> 64) as u64, v as u64);
    if high >= 1 << 36 {
        return None;
    }
    let (h0, l0) = mul_wide(low, p);
    let (h1, l1) = mul_wide(high, p);
    // high·p < 2^99: doubled it fits; the low product shifted right adds below 2^65.
    let top = ((u128::from(h1) << 64) | u128::from(l1)) << 1;
    let bottom = ((u128::from(h0) << 64) | u128::from(l0)) >> 63;
    top.checked_add(bottom)
}

/// Black-76 price per unit (Wad) from `ln(F/K)` in Q56 and a prepared `σ√T`, in 64-bit
/// arithmetic: `None` outside its ranges (F or K ≥ 2^100 wei, either not positive). Within
/// 1e-13·(F + K) + 1e-16 of the exact price (tests/black76.rs), never below the intrinsic value.
pub fn price_fast(kind: OptionKind, forward: Wad, strike: Wad, x: i64, tv: &TotalVol) -> Option<Wad> {
    if forward <= 0 || strike <= 0 {
        return None;
    }
    let d1 = tv.d1(x);
    let d2 = d1.wrapping_sub(tv.s as i64);
    let (n1, m1) = cdf_pair(d1);
    let (n2, m2) = cdf_pair(d2);
    let (f, k) = (forward.unsigned_abs(), strike.unsigned_abs());
    let (plus, minus) = match kind {
        OptionKind::Call => (times_q63(f, n1)?, times_q63(k, n2)?),
        OptionKind::Put => (times_q63(k, m2)?, times_q63(f, m1)?),
    };
    let v = i128::try_from(plus)
        .ok()?
        .checked_sub(i128::try_from(minus).ok()?)?;
    let floor = match kind {
        OptionKind::Call => forward.checked_sub(strike)?,
        OptionKind::Put => strike.checked_sub(forward)?,
    };
    Some(v.max(floor).max(0))
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

/// Price and greeks from precomputed `ln(F/K)`, `√T` and `s = σ√T` (no range checks): in the
/// 64-bit fast path ([`greeks_fast`]) where it applies, else in 128-bit arithmetic.
pub fn greeks_with(
    kind: OptionKind,
    forward: Wad,
    strike: Wad,
    ln_fk: Wad,
    sqrt_t: Wad,
    s: Wad,
) -> Result<Greeks> {
    let fast = Fast {
        ln_fk: q56_of(ln_fk),
        total_vol: TotalVol::new(s),
    };
    if s == 0 || fast.applies() {
        if let Ok(g) = greeks_fast(kind, forward, strike, &fast, sqrt_t, s) {
            return with_gamma(g, forward);
        }
    }
    let price = price_wide(kind, forward, strike, ln_fk, s)?;
    let d1 = d1_of(ln_fk, s)?;
    with_gamma(
        greeks_of(kind, forward, sqrt_t, s, price, norm_cdf(d1)?, norm_pdf(d1)?)?,
        forward,
    )
}

/// What the fast path needs of one option and vol state: `ln(F/K)` in Q56 and `σ√T` prepared,
/// each where it fits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Fast {
    /// ln(F/K) in Q56 ([`q56_of`]).
    pub ln_fk: Option<i64>,
    /// σ√T prepared ([`TotalVol::new`]).
    pub total_vol: Option<TotalVol>,
}

impl Fast {
    /// Whether both fit.
    pub fn applies(&self) -> bool {
        self.ln_fk.is_some() && self.total_vol.is_some()
    }
}

/// [`greeks_with`] in the 64-bit fast path only (the margin engine's: every option within the
/// validated ranges fits it, `contracts/risk/README.md`), but Γ per USD (`gamma` left 0: the
/// margin engine sums Γ·F, one division fewer per option; [`greeks_with`] fills it). `s = 0`
/// gives the payoff's. Errors: `Overflow` outside the fast path's ranges; arithmetic errors.
pub fn greeks_fast(
    kind: OptionKind,
    forward: Wad,
    strike: Wad,
    fast: &Fast,
    sqrt_t: Wad,
    s: Wad,
) -> Result<Greeks> {
    if s == 0 {
        let price = intrinsic(kind, forward, strike)?;
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
            gamma_f: 0,
            vega: 0,
        });
    }
    let (Some(x), Some(tv)) = (fast.ln_fk, fast.total_vol) else {
        return Err(RiskError::Overflow);
    };
    let price = price_fast(kind, forward, strike, x, &tv).ok_or(RiskError::Overflow)?;
    let d1 = tv.d1(x);
    greeks_of(
        kind,
        forward,
        sqrt_t,
        s,
        price,
        wad_of_q63(cdf_pair(d1).0),
        wad_of_q63(density(d1)),
    )
}

/// `g` with Γ per USD, Γ·F / F (rounded down; 0 when Γ·F is, as at expiry).
/// Errors: `DivisionByZero`, `Overflow`.
fn with_gamma(g: Greeks, forward: Wad) -> Result<Greeks> {
    if g.gamma_f == 0 {
        return Ok(g);
    }
    Ok(Greeks {
        gamma: wdiv(g.gamma_f, forward, Rounding::Down)?,
        ..g
    })
}

/// The greeks from the price, N(d1) and φ(d1), but Γ per USD ([`with_gamma`]; left 0).
fn greeks_of(
    kind: OptionKind,
    forward: Wad,
    sqrt_t: Wad,
    s: Wad,
    price: Wad,
    n1: Wad,
    pdf: Wad,
) -> Result<Greeks> {
    let delta = match kind {
        OptionKind::Call => n1,
        OptionKind::Put => sub(n1, WAD)?,
    };
    // Γ·F = φ/s, rounded down (Γ = Γ·F / F, [`with_gamma`]).
    let gamma_f = wdiv(pdf, s, Rounding::Down)?;
    let vega = wmul(wmul(forward, pdf, Rounding::Down)?, sqrt_t, Rounding::Down)?;
    Ok(Greeks {
        price,
        delta,
        gamma: 0,
        gamma_f,
        vega,
    })
}

/// Price only. Errors: those of [`greeks`].
pub fn price(kind: OptionKind, forward: Wad, strike: Wad, vol: Wad, years: Wad) -> Result<Wad> {
    Ok(greeks(kind, forward, strike, vol, years)?.price)
}
