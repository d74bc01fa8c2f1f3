//! The error bounds stated in `src/math.rs`, proved against 64-bit floats over dense grids and
//! the edges. (Floats appear only here, in tests.)
#![allow(clippy::arithmetic_side_effects, clippy::float_arithmetic)]

use pm_risk::fixed::{Rounding, Wad, WAD};
use pm_risk::math::*;
use pm_risk::wide::{div_rem_wide, widening_mul};
use pm_risk::RiskError;

fn to_f(x: Wad) -> f64 {
    x as f64 / 1e18
}
fn from_f(x: f64) -> Wad {
    (x * 1e18).round() as Wad
}
/// e^w for a Wad w, accurate to ~3e-16 relative: e^(integer part) · e^(fraction), each exact in f64 input.
fn exp_ref(w: Wad) -> f64 {
    ((w / WAD) as f64).exp() * (((w % WAD) as f64) / 1e18).exp()
}
/// ln of a Wad, accurate to ~2 f64 ulps of the result.
fn ln_ref(w: Wad) -> f64 {
    (w as f64).ln() - 18.0 * std::f64::consts::LN_10
}
/// Two f64 ulps of `v`: the float reference's own rounding.
fn slop(v: f64) -> f64 {
    4.5e-16 * v.abs()
}

#[test]
fn exp_within_bound_on_dense_grid() {
    let mut x = -41.0;
    while x <= 46.0 {
        let w = from_f(x);
        let got = to_f(exp(w).unwrap());
        let want = exp_ref(w);
        let err = (got - want).abs();
        let bound = 1e-15 * want + 2e-18;
        assert!(
            err <= bound + slop(want),
            "exp({x}) = {got}, want {want}, err {err}"
        );
        x += 0.013_7;
    }
}

#[test]
fn exp_edges() {
    assert_eq!(exp(0).unwrap(), WAD);
    assert_eq!(exp(-43 * WAD).unwrap(), 0);
    assert!(exp(-41 * WAD).unwrap() > 0);
    assert!(exp(EXP_MAX).is_ok());
    assert_eq!(exp(EXP_MAX + 1), Err(RiskError::ExpTooLarge));
    assert_eq!(exp(i128::MIN).unwrap(), 0);
}

#[test]
fn ln_within_bound_on_dense_grid() {
    // log-spaced from 1e-18 to 1.7e20
    let mut e = -18.0f64;
    while e <= 20.2 {
        let x = 10f64.powf(e);
        let w = from_f(x).max(1);
        let got = to_f(ln(w).unwrap());
        let want = ln_ref(w);
        let err = (got - want).abs();
        // The reference subtracts 18·ln 10 ≈ 41.4: its rounding is that of a number of size |want| + 42.
        assert!(
            err <= 2e-17 + 1e-17 * want.abs() + slop(want.abs() + 42.0),
            "ln({x}) = {got}, want {want}"
        );
        e += 0.011;
    }
}

#[test]
fn ln_edges() {
    assert_eq!(ln(WAD).unwrap(), 0);
    assert_eq!(ln(0), Err(RiskError::LnOfNonPositive));
    assert_eq!(ln(-1), Err(RiskError::LnOfNonPositive));
    assert!(ln(i128::MAX).is_ok());
    assert!((to_f(ln(1).unwrap()) - (-41.446_531_673_892_82)).abs() < 1e-15);
    assert!((ln(2 * WAD).unwrap() - LN2).abs() <= 1);
}

#[test]
fn sqrt_is_floor_or_ceiling_of_exact_root() {
    for x in [
        0i128,
        1,
        2,
        3,
        4,
        WAD,
        2 * WAD,
        10i128.pow(36),
        i128::MAX,
        123_456_789_123_456_789,
    ] {
        let lo = sqrt(x, Rounding::Down).unwrap();
        let hi = sqrt(x, Rounding::Up).unwrap();
        // lo² ≤ x·1e18 < (lo+1)², and hi is lo or lo + 1.
        let n = x as f64 * 1e18;
        assert!((lo as f64) * (lo as f64) <= n * (1.0 + 1e-15));
        assert!(((lo + 1) as f64) * ((lo + 1) as f64) > n * (1.0 - 1e-15));
        assert!(hi == lo || hi == lo + 1);
    }
    assert_eq!(sqrt(4 * WAD, Rounding::Down).unwrap(), 2 * WAD);
    assert_eq!(sqrt(4 * WAD, Rounding::Up).unwrap(), 2 * WAD);
    assert_eq!(sqrt(2 * WAD, Rounding::Up).unwrap(), 1_414_213_562_373_095_049);
    assert!(sqrt(-1, Rounding::Down).is_err());
}

/// Asserts that `sqrt(x)` is ⌊√(x·1e18)⌋ rounding down and ⌈√(x·1e18)⌉ rounding up, exactly
/// (compared in 256 bits).
fn assert_exact_root(x: i128) {
    let n = widening_mul(x as u128, WAD as u128);
    let square = |y: i128| widening_mul(y as u128, y as u128);
    let down = sqrt(x, Rounding::Down).unwrap();
    let up = sqrt(x, Rounding::Up).unwrap();
    assert!(square(down) <= n && square(down + 1) > n, "floor of {x}");
    assert!(
        square(up) >= n && (up == 0 || square(up - 1) < n),
        "ceiling of {x}"
    );
}

#[test]
fn sqrt_is_the_exact_floor_and_ceiling_at_every_magnitude() {
    // Every bit length, with mantissas of several shapes.
    for e in 0..127u32 {
        for m in [1u128, 3, 5, 0x5555, 0xDEAD_BEEF, u64::MAX as u128] {
            let x = (m << e) & (i128::MAX as u128);
            assert_exact_root(x as i128);
            assert_exact_root((x >> 1) as i128);
        }
    }
    // Around exact squares: x·1e18 = y² and its neighbours.
    for y in [
        1i128,
        2,
        999,
        10i128.pow(9),
        10i128.pow(18) + 7,
        3 * 10i128.pow(26),
        10i128.pow(37),
    ] {
        let (hi, lo) = widening_mul(y as u128, y as u128);
        if let Some((x, _)) = div_rem_wide(hi, lo, WAD as u128) {
            if let Ok(x) = i128::try_from(x) {
                for d in [-1i128, 0, 1] {
                    assert_exact_root((x + d).max(0));
                }
            }
        }
    }
    for years in 1..=400i128 {
        // Tenors from a day to five years, as the setups take them.
        assert_exact_root(years * WAD / 80);
    }
    assert_exact_root(i128::MAX);
}

fn phi_ref(x: f64) -> f64 {
    0.5 * libm::erfc(-x / std::f64::consts::SQRT_2)
}

#[test]
fn norm_cdf_within_2e14_everywhere() {
    let mut x = -12.0;
    while x <= 12.0 {
        let got = to_f(norm_cdf(from_f(x)).unwrap());
        let want = phi_ref(x);
        assert!((got - want).abs() <= 2e-14, "Φ({x}) = {got}, want {want}");
        x += 0.003_1;
    }
}

#[test]
fn norm_cdf_edges_and_symmetry() {
    assert_eq!(norm_cdf(0).unwrap(), WAD / 2);
    assert_eq!(norm_cdf(100 * WAD).unwrap(), WAD);
    assert_eq!(norm_cdf(-100 * WAD).unwrap(), 0);
    assert_eq!(norm_cdf(i128::MAX).unwrap(), WAD);
    assert!(norm_cdf(i128::MIN).is_err());
    for x in [1, WAD / 3, 2 * WAD, 7 * WAD, 8 * WAD] {
        assert_eq!(norm_cdf(x).unwrap() + norm_cdf(-x).unwrap(), WAD);
    }
}

#[test]
fn norm_pdf_within_bound() {
    let mut x = -10.0;
    while x <= 10.0 {
        let got = to_f(norm_pdf(from_f(x)).unwrap());
        let want = (-x * x / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt();
        assert!((got - want).abs() <= 1e-15 * want + 3e-18 + slop(want), "φ({x})");
        x += 0.007;
    }
}
