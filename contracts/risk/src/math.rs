//! Transcendental functions on [`Wad`]: `exp`, `ln`, `sqrt`, the standard normal pdf and CDF.
//!
//! Error bounds against a 64-bit float reference (proved by the tests in `tests/math.rs` over dense
//! grids and the edges), where `ulp = 1e-18`:
//! - `exp(x)`, x in [-41, 46]: |err| ≤ 1e-15·exp(x) + 2 ulp; below -41.45 the result is 0 or 1 ulp.
//! - `ln(x)`, x in [1e-18, 1.7e20]: |err| ≤ 2e-17 + 1e-17·|ln x|.
//! - `sqrt(x)`: the floor (or ceiling) of the exact square root, ±1 ulp.
//! - `norm_cdf(x)`: |err| ≤ 2e-14 absolute over all x (Hart's rational approximation, as
//!   published by West, 2005); exactly 0 / 1 beyond |x| > 9.3.
//! - `norm_pdf(x)`: |err| ≤ 1e-15·pdf(x) + 2 ulp.

use crate::error::{Result, RiskError};
use crate::fixed::{add, mul_div, sub, wdiv, wmul, Rounding, Wad, WAD};
use crate::q64::{mul_hi, mul_wide};
use crate::wide::{div_128_by_64, div_rem_wide, widening_mul};

/// ln 2 with 36 decimals.
const LN2_36: i128 = 693_147_180_559_945_309_417_232_121_458_176_568;
/// ln 2 as a [`Wad`].
pub const LN2: Wad = 693_147_180_559_945_309;
/// The largest argument of [`exp`]: e^46 ≈ 9.5e19 still fits a [`Wad`].
pub const EXP_MAX: Wad = 46 * WAD;
/// Below this, `exp` is under half an ulp.
pub const EXP_MIN: Wad = -42 * WAD;
/// 1 / sqrt(2π) as a [`Wad`].
pub const INV_SQRT_2PI: Wad = 398_942_280_401_432_678;

/// 2^(j/32) for j = 0..31, as Wads (rounded to nearest).
const EXP2_32: [Wad; 32] = [
    1_000_000_000_000_000_000,
    1_021_897_148_654_116_678,
    1_044_273_782_427_413_840,
    1_067_140_400_676_823_618,
    1_090_507_732_665_257_659,
    1_114_386_742_595_892_536,
    1_138_788_634_756_691_654,
    1_163_724_858_777_577_514,
    1_189_207_115_002_721_067,
    1_215_247_359_980_468_878,
    1_241_857_812_073_484_049,
    1_269_050_957_191_733_223,
    1_296_839_554_651_009_666,
    1_325_236_643_159_741_295,
    1_354_255_546_936_892_728,
    1_383_909_881_963_831_955,
    1_414_213_562_373_095_049,
    1_445_180_806_977_046_620,
    1_476_826_145_939_499_311,
    1_509_164_427_593_422_740,
    1_542_210_825_407_940_824,
    1_575_980_845_107_886_486,
    1_610_490_331_949_254_308,
    1_645_755_478_153_964_845,
    1_681_792_830_507_429_086,
    1_718_619_298_122_477_916,
    1_756_252_160_373_299_483,
    1_794_709_075_003_107_186,
    1_834_008_086_409_342_463,
    1_874_167_634_110_299_901,
    1_915_206_561_397_147_294,
    1_957_144_124_175_400_269,
];
/// 1/i! for i = 0..8, binary fixed point with 60 fractional bits.
const INV_FACTORIAL_Q60: [i128; 9] = [
    1_152_921_504_606_846_976,
    1_152_921_504_606_846_976,
    576_460_752_303_423_488,
    192_153_584_101_141_163,
    48_038_396_025_285_291,
    9_607_679_205_057_058,
    1_601_279_867_509_510,
    228_754_266_787_073,
    28_594_283_348_384,
];
/// ln 2 with 30 decimals.
const LN2_30: i128 = 693_147_180_559_945_309_417_232_121_458;
/// 32 / ln 2 as a Wad.
const LOG2E_32: Wad = 46_166_241_308_446_829_036;

/// `e^x`. Errors: `ExpTooLarge` above [`EXP_MAX`].
pub fn exp(x: Wad) -> Result<Wad> {
    if x > EXP_MAX {
        return Err(RiskError::ExpTooLarge);
    }
    if x < EXP_MIN {
        return Ok(0);
    }
    // x = (32k + j)·ln2/32 + r with 0 <= j < 32 and |r| <= ln2/64 ≈ 0.0108; r is computed with
    // 30 decimals, then rounded to 18. e^x = 2^k · 2^(j/32) · e^r.
    let t = mul_div(x, LOG2E_32, WAD, Rounding::Down)?;
    let m = mul_div(add(t, WAD / 2)?, 1, WAD, Rounding::Down)?;
    let x30 = x.checked_mul(1_000_000_000_000).ok_or(RiskError::Overflow)?;
    let r30 = sub(x30, m.checked_mul(LN2_30).ok_or(RiskError::Overflow)? >> 5)?;
    let r = mul_div(r30, 1, 1_000_000_000_000, Rounding::Down)?;
    // e^r = Σ r^i/i!, i ≤ 8 (|r|^9/9! < 1e-23), by Horner in binary fixed point with 60 fractional
    // bits: |acc| < 2^61 and |r| < 2^54, so each product stays below 2^115 and a plain product
    // is exact (a checked one cost a `__rust_i128_mulo` call, 5 gas, each).
    let r_q = mul_div(r, 1 << 60, WAD, Rounding::Down)?;
    let mut acc: i128 = *INV_FACTORIAL_Q60.last().ok_or(RiskError::Overflow)?;
    for c in INV_FACTORIAL_Q60.iter().rev().skip(1) {
        acc = add(*c, acc.wrapping_mul(r_q) >> 60)?;
    }
    let j = m & 31;
    let k = m >> 5;
    // e^r (60 fractional bits) × 2^(j/32) (a Wad) → a Wad: the product stays below 2^122.
    let two_j = *EXP2_32.get(j as usize).ok_or(RiskError::Overflow)?;
    let acc = acc.wrapping_mul(two_j) >> 60;
    let shift = u32::try_from(k.unsigned_abs()).map_err(|_| RiskError::Overflow)?;
    if k >= 0 {
        acc.checked_mul(1i128.checked_shl(shift).ok_or(RiskError::Overflow)?)
            .ok_or(RiskError::Overflow)
    } else {
        Ok(acc.checked_shr(shift).unwrap_or(0))
    }
}

/// ln(10^18) with 36 decimals.
const LN_1E18_36: i128 = 41_446_531_673_892_822_312_323_846_184_318_555_737;
/// √2 in Q62, rounded down.
const SQRT2_Q62: u64 = 6_521_908_912_666_391_106;
/// 1/(2i + 1) in Q63 for i = 0..11: the series of atanh(z)/z in z².
const ATANH_Q63: [u64; 12] = [
    9_223_372_036_854_775_808,
    3_074_457_345_618_258_603,
    1_844_674_407_370_955_162,
    1_317_624_576_693_539_401,
    1_024_819_115_206_086_201,
    838_488_366_986_797_801,
    709_490_156_681_136_601,
    614_891_469_123_651_721,
    542_551_296_285_575_048,
    485_440_633_518_672_411,
    439_208_192_231_179_800,
    401_016_175_515_425_035,
];
const ATANH_LAST_Q63: u64 = 401_016_175_515_425_035;

/// Natural logarithm, within one Wad unit (computed with 36 decimals, rounded once to nearest;
/// `tests/math.rs` bounds it against a float reference). Errors: `LnOfNonPositive` for `x <= 0`.
///
/// In 64-bit arithmetic: `x·10^18 = m·2^n` with `m` in `[1/√2, √2)` (its top 63 bits),
/// `ln m = 2·atanh(z)`, `z = (m − 1)/(m + 1)`, `|z| < 0.1716`, summed to z²³/23 (the next term is
/// below 2e-20), then `ln x = ln m + n·ln 2 − ln 10^18` with 36 decimals, rounded once.
pub fn ln(x: Wad) -> Result<Wad> {
    if x <= 0 {
        return Err(RiskError::LnOfNonPositive);
    }
    let ux = x.unsigned_abs();
    // The top bit's position, 0..=126; v holds the top 63 bits with the top one at bit 62.
    let top = 127u32.saturating_sub(ux.leading_zeros());
    let v = if top >= 62 {
        (ux >> top.saturating_sub(62)) as u64
    } else {
        (ux << 62u32.saturating_sub(top)) as u64
    };
    // m = v/2^62 in [1, 2) with n = top; above √2 take m/2 = v/2^63 and n + 1.
    let (one, n) = if v > SQRT2_Q62 {
        (1u64 << 63, i128::from(top).saturating_add(1))
    } else {
        (1u64 << 62, i128::from(top))
    };
    let negative = v < one;
    let num = if negative {
        one.saturating_sub(v)
    } else {
        v.saturating_sub(one)
    };
    // num < den < 2^64: z = num/den in Q64.
    let den = v.saturating_add(one);
    let (z, _) = div_128_by_64(num, 0, den);
    let z2 = mul_hi(z, z);
    let mut series = ATANH_LAST_Q63;
    for c in ATANH_Q63.iter().rev().skip(1) {
        series = c.saturating_add(mul_hi(z2, series));
    }
    // atanh(z) = z·series in Q63 (< 0.18), and ln m = 2·atanh(z) with 36 decimals:
    // the whole Wads, then the next 18 decimals from the remainder.
    const TWO_WAD: u64 = 2_000_000_000_000_000_000;
    let (hi, lo) = mul_wide(mul_hi(z, series), TWO_WAD);
    let scaled = (u128::from(hi) << 64) | u128::from(lo);
    let whole = scaled >> 63;
    let (fh, fl) = mul_wide((scaled as u64) & (u64::MAX >> 1), WAD as u64);
    let fraction = ((u128::from(fh) << 64) | u128::from(fl)) >> 63;
    let ln_m = i128::try_from(whole.saturating_mul(WAD as u128).saturating_add(fraction))
        .map_err(|_| RiskError::Overflow)?;
    let ln_m = if negative { neg(ln_m)? } else { ln_m };
    // n ≤ 128: n·ln 2 with 36 decimals < 2^127.
    let total = add(sub(mul_i(n, LN2_36)?, LN_1E18_36)?, ln_m)?;
    // Round half up to a Wad: floor((total + WAD/2) / WAD), by the 64-bit divisor's digits (an
    // `i128` division is two calls of a software routine in wasm).
    mul_div(add(total, WAD / 2)?, 1, WAD, Rounding::Down)
}

/// Checked `a·b`. Errors: `Overflow`.
fn mul_i(a: i128, b: i128) -> Result<i128> {
    a.checked_mul(b).ok_or(RiskError::Overflow)
}

/// Square root of a non-negative [`Wad`], rounded as asked. Errors: `Overflow` for `x < 0`.
pub fn sqrt(x: Wad, rounding: Rounding) -> Result<Wad> {
    if x < 0 {
        return Err(RiskError::Overflow);
    }
    if x == 0 {
        return Ok(0);
    }
    // isqrt(x · 1e18) on the 256-bit product, by Newton from an overestimate within 2^-31 of
    // the root: the root of its top 63 or 64 bits (an even shift), by Newton in 64-bit words,
    // plus one, shifted back. So one or two 256-bit divisions and a last one that confirms,
    // where a start at a power of two took six or seven.
    let (hi, lo) = widening_mul(x.unsigned_abs(), WAD.unsigned_abs());
    let bits = if hi == 0 {
        128u32.saturating_sub(lo.leading_zeros())
    } else {
        256u32.saturating_sub(hi.leading_zeros())
    };
    let shift = bits.saturating_sub(63) & !1;
    let top = if shift >= 128 {
        hi >> shift.saturating_sub(128)
    } else if shift == 0 {
        lo
    } else {
        (hi << 128u32.saturating_sub(shift)) | (lo >> shift)
    };
    // x·1e18 < 2^187, so the shift is at most 124 and the start below 2^95.
    let mut y = u128::from(isqrt_u64_above(top as u64))
        .checked_shl(shift / 2)
        .unwrap_or(u128::MAX);
    loop {
        let (q, _) = div_rem_wide(hi, lo, y).ok_or(RiskError::Overflow)?;
        let next = (y >> 1).saturating_add(q >> 1).saturating_add(y & q & 1);
        if next >= y {
            break;
        }
        y = next;
    }
    if rounding == Rounding::Up {
        let (sh, sl) = widening_mul(y, y);
        if (sh, sl) < (hi, lo) {
            y = y.checked_add(1).ok_or(RiskError::Overflow)?;
        }
    }
    i128::try_from(y).map_err(|_| RiskError::Overflow)
}

/// ⌊√t⌋ + 1, above √t (2 for t = 0, which `sqrt` never asks: x·1e18 ≥ 1e18 keeps its top
/// bits nonzero): Newton in 64-bit words (wasm's own `i64.div_u`) from a power of two above the
/// root, which decreases to the floor.
fn isqrt_u64_above(t: u64) -> u64 {
    let mut y: u64 = 1 << 64u32.saturating_sub(t.leading_zeros()).div_ceil(2);
    loop {
        // y ≥ ⌊√t⌋ ≥ 1 (for t ≥ 1; t = 0 stops at once), so t/y ≤ √t < 2^32 and the sum
        // does not overflow.
        let next = y.saturating_add(t.checked_div(y).unwrap_or(0)) >> 1;
        if next >= y || next == 0 {
            return y.saturating_add(1);
        }
        y = next;
    }
}

/// Beyond this |x| the density is below half an ulp.
const PDF_ZERO: Wad = 10 * WAD;

/// Checked negation. Errors: `Overflow` for `i128::MIN`.
pub fn neg(x: i128) -> Result<i128> {
    x.checked_neg().ok_or(RiskError::Overflow)
}

/// Standard normal density φ(x) = e^(−x²/2)/√(2π).
pub fn norm_pdf(x: Wad) -> Result<Wad> {
    if x.unsigned_abs() > PDF_ZERO.unsigned_abs() {
        return Ok(0);
    }
    let half_sq = wmul(x, x, Rounding::Down)? / 2;
    wmul(exp(neg(half_sq)?)?, INV_SQRT_2PI, Rounding::Down)
}

// Hart's double-precision approximation of the normal CDF (West 2005, "Better approximations to
// cumulative normal functions"), coefficients in binary fixed point with 50 fractional bits:
// the polynomials are evaluated with 128-bit products and shifts, no divisions.
const FRAC_BITS: u32 = 50;
const A: [u128; 7] = [
    247_930_892_068_650_147,
    249_064_367_320_047_158,
    126_190_063_856_440_259,
    38_182_492_758_417_803,
    7_176_443_451_174_691,
    788_561_227_011_300,
    39_702_041_636_856,
];
const B: [u128; 8] = [
    495_861_784_137_300_293,
    893_769_196_495_414_548,
    717_573_878_448_896_901,
    333_901_660_073_887_725,
    97_706_418_303_031_715,
    18_086_656_039_932_530,
    1_976_705_495_473_988,
    99_516_432_383_215,
];
/// Where Hart's rational form hands over to the continued fraction: 10/√2.
const CDF_SPLIT: Wad = 7_071_067_811_865_470_000;
/// Beyond this |x| the tail is below half an ulp.
const CDF_ZERO: Wad = 9_300_000_000_000_000_000;
/// √(2π).
const SQRT_2PI: Wad = 2_506_628_274_631_000_000;

/// Σ c_i·x^i for non-negative binary fixed point (50 fractional bits), by Horner with 128-bit
/// products and shifts. With x < 7.1 and coefficients below 800, every product stays below 2^113.
fn horner(coefficients: &[u128], x: u128) -> Result<u128> {
    let mut acc: u128 = 0;
    for c in coefficients.iter().rev() {
        acc = acc
            .checked_mul(x)
            .map(|p| p >> FRAC_BITS)
            .and_then(|p| p.checked_add(*c))
            .ok_or(RiskError::Overflow)?;
    }
    Ok(acc)
}

/// Standard normal CDF Φ(x).
pub fn norm_cdf(x: Wad) -> Result<Wad> {
    let ax = x.checked_abs().ok_or(RiskError::Overflow)?;
    // tail = Φ(−|x|)
    let tail = if ax > CDF_ZERO {
        0
    } else {
        let e = exp(neg(wmul(ax, ax, Rounding::Down)? / 2)?)?;
        if ax < CDF_SPLIT {
            // |x| in binary fixed point, then tail = e · P(x) / Q(x).
            let (xq, _) = div_rem_wide(0, ax.unsigned_abs() << FRAC_BITS, WAD.unsigned_abs())
                .ok_or(RiskError::Overflow)?;
            let (p, q) = (horner(&A, xq)?, horner(&B, xq)?);
            let (ratio, _) = div_rem_wide(0, p << FRAC_BITS, q).ok_or(RiskError::DivisionByZero)?;
            let tail = e.unsigned_abs().checked_mul(ratio).ok_or(RiskError::Overflow)? >> FRAC_BITS;
            i128::try_from(tail).map_err(|_| RiskError::Overflow)?
        } else {
            // e / (|x| + 1/(|x| + 2/(|x| + 3/(|x| + 4/(|x| + 0.65))))) / √(2π)
            let mut cf = add(ax, 650_000_000_000_000_000)?;
            for n in [4i128, 3, 2, 1] {
                cf = add(ax, mul_div(n, WAD, cf, Rounding::Down)?)?;
            }
            wdiv(wdiv(e, cf, Rounding::Down)?, SQRT_2PI, Rounding::Down)?
        }
    };
    if x < 0 {
        Ok(tail)
    } else {
        sub(WAD, tail)
    }
}
