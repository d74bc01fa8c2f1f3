//! Black-76 against a 64-bit float reference over a dense grid, the edges, and textbook values.
#![allow(clippy::arithmetic_side_effects, clippy::float_arithmetic)]

use pm_risk::black76::*;
use pm_risk::fixed::{Wad, WAD};
use pm_risk::RiskError;

fn to_f(x: Wad) -> f64 {
    x as f64 / 1e18
}
fn from_f(x: f64) -> Wad {
    (x * 1e18).round() as Wad
}
/// A price as a Wad, within the range (f64 1e9·1e18 lands a little above 1e27).
fn price_wad(p: f64) -> Wad {
    from_f(p).clamp(pm_risk::units::MIN_PRICE, pm_risk::units::MAX_PRICE)
}
fn phi(x: f64) -> f64 {
    0.5 * libm::erfc(-x / std::f64::consts::SQRT_2)
}
fn reference(kind: OptionKind, f: f64, k: f64, v: f64, t: f64) -> f64 {
    let s = v * t.sqrt();
    let d1 = (f / k).ln() / s + s / 2.0;
    let d2 = d1 - s;
    match kind {
        OptionKind::Call => f * phi(d1) - k * phi(d2),
        OptionKind::Put => k * phi(-d2) - f * phi(-d1),
    }
}

#[test]
fn price_within_bound_on_dense_grid() {
    let mut checked = 0;
    for &f in &[1e-8f64, 3.7e-5, 0.02, 1.0, 97.3, 3_000.0, 65_000.0, 2.5e6, 1e9] {
        for &m in &[0.2, 0.5, 0.8, 0.95, 1.0, 1.05, 1.25, 2.0, 5.0] {
            let k = (f * m).clamp(1e-8, 1e9);
            for &v in &[0.01, 0.05, 0.2, 0.8, 1.5, 3.0, 5.0] {
                for &secs in &[
                    1u64,
                    60,
                    3_600,
                    86_400,
                    604_800,
                    2_592_000,
                    31_536_000,
                    157_680_000,
                ] {
                    let t = secs as f64 / 31_536_000.0;
                    for kind in [OptionKind::Call, OptionKind::Put] {
                        let (fw, kw, vw) = (price_wad(f), price_wad(k), from_f(v));
                        let got_wad = price(kind, fw, kw, vw, years(secs).unwrap()).unwrap();
                        assert!(got_wad >= intrinsic(kind, fw, kw).unwrap(), "below intrinsic");
                        let got = to_f(got_wad);
                        let want = reference(kind, to_f(fw), to_f(kw), to_f(vw), t);
                        // The float reference cancels two terms of size F: its own error is ~1e-15·(F+K).
                        let bound = 1e-13 * (f + k) + 1e-16;
                        assert!(
                            (got - want).abs() <= bound,
                            "{kind:?} F={f} K={k} σ={v} T={secs}s: {got} vs {want}"
                        );
                        checked += 1;
                    }
                }
            }
        }
    }
    assert_eq!(checked, 9 * 9 * 7 * 8 * 2);
}

/// The absolute bound read relative to the price: an option worth at least `band`·(F + K) is
/// within (1e-13 + 1e-16/(F + K))/`band` of it, relatively. Measured on a denser grid than above
/// (21 strikes from 0.2 F to 5 F), the worst relative error in each band must be inside that; the
/// figures are printed for the README, and those with F + K of at least one USD are pinned.
#[test]
fn relative_error_by_price_band() {
    let bands = [1e-2, 1e-4, 1e-6, 1e-8];
    // Worst relative error per band: all prices, and F + K of at least one USD.
    let mut worst = [0f64; 4];
    let mut worst_usd = [0f64; 4];
    let mut counted = [0usize; 4];
    for &f in &[1e-8f64, 0.02, 1.0, 97.3, 3_000.0, 65_000.0, 2.5e6, 1e9] {
        for step in 0..21 {
            let m = 0.2 * 25f64.powf(step as f64 / 20.0);
            let k = (f * m).clamp(1e-8, 1e9);
            for &v in &[0.01, 0.2, 0.8, 3.0] {
                for &secs in &[60u64, 86_400, 2_592_000, 157_680_000] {
                    let t = secs as f64 / 31_536_000.0;
                    for kind in [OptionKind::Call, OptionKind::Put] {
                        let (fw, kw, vw) = (price_wad(f), price_wad(k), from_f(v));
                        let got = to_f(price(kind, fw, kw, vw, years(secs).unwrap()).unwrap());
                        let (fr, kr) = (to_f(fw), to_f(kw));
                        let want = reference(kind, fr, kr, to_f(vw), t);
                        for (b, band) in bands.iter().enumerate() {
                            if want >= band * (fr + kr) && want > 0.0 {
                                let relative = (got - want).abs() / want;
                                let bound = (1e-13 + 1e-16 / (fr + kr)) / band;
                                assert!(
                                    relative <= bound,
                                    "{kind:?} F={f} K={k} σ={v} T={secs}s: relative {relative:e} > {bound:e}"
                                );
                                worst[b] = worst[b].max(relative);
                                if fr + kr >= 1.0 {
                                    worst_usd[b] = worst_usd[b].max(relative);
                                }
                                counted[b] += 1;
                            }
                        }
                    }
                }
            }
        }
    }
    for (b, band) in bands.iter().enumerate() {
        println!(
            "price ≥ {band:e}·(F+K): {} cases, worst relative error {:.1e} ({:.1e} with F + K ≥ 1)",
            counted[b], worst[b], worst_usd[b]
        );
    }
    assert!(counted.iter().all(|&c| c > 100), "{counted:?}");
    // The README's figures (2.4e-14, 5.0e-12, 8.2e-11, 8.2e-11 with F + K ≥ 1), with room.
    for (b, pinned) in [1e-13, 1e-11, 1e-9, 1e-9].iter().enumerate() {
        assert!(
            worst_usd[b] <= *pinned,
            "band {b}: {:e} > {pinned:e}",
            worst_usd[b]
        );
    }
}

#[test]
fn greeks_match_float_reference() {
    let (f, k, v, t) = (3_000.0, 3_200.0, 0.65, 30.0 / 365.0);
    let g = greeks(OptionKind::Call, from_f(f), from_f(k), from_f(v), from_f(t)).unwrap();
    let s = v * t.sqrt();
    let d1 = (f / k).ln() / s + s / 2.0;
    let pdf = (-d1 * d1 / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt();
    assert!((to_f(g.delta) - phi(d1)).abs() < 1e-12);
    assert!((to_f(g.gamma) - pdf / (f * s)).abs() < 1e-12);
    assert!((to_f(g.vega) - f * pdf * t.sqrt()).abs() < 1e-9);
    let p = greeks(OptionKind::Put, from_f(f), from_f(k), from_f(v), from_f(t)).unwrap();
    assert_eq!(p.delta, g.delta - WAD);
    assert_eq!(p.gamma, g.gamma);
    assert_eq!(p.vega, g.vega);
}

/// Hull, Options, Futures and Other Derivatives, Example 15.6: S = 42, K = 40, r = 10%, σ = 20%,
/// T = 0.5: c = 4.76, p = 0.81. Black-76 on the forward F = S·e^(rT), discounted by e^(−rT).
#[test]
fn matches_hull_textbook_values() {
    let (r, t) = (0.10f64, 0.5f64);
    let f = 42.0 * (r * t).exp();
    let disc = (-r * t).exp();
    let c = to_f(price(OptionKind::Call, from_f(f), 40 * WAD, from_f(0.2), WAD / 2).unwrap()) * disc;
    let p = to_f(price(OptionKind::Put, from_f(f), 40 * WAD, from_f(0.2), WAD / 2).unwrap()) * disc;
    assert!((c - 4.7594).abs() < 1e-4, "call {c}");
    assert!((p - 0.8086).abs() < 1e-4, "put {p}");
}

/// Black (1976) at the money: C = F·(2N(σ√T/2) − 1); with F = 100, σ = 20%, T = 1: 7.9656.
#[test]
fn matches_at_the_money_closed_form() {
    let c = to_f(price(OptionKind::Call, 100 * WAD, 100 * WAD, WAD / 5, WAD).unwrap());
    assert!((c - 7.965_567_455_405_804).abs() < 1e-12, "{c}");
}

#[test]
fn expiry_gives_intrinsic_and_payoff_greeks() {
    let g = greeks(OptionKind::Put, 90 * WAD, 100 * WAD, WAD, 0).unwrap();
    assert_eq!(
        g,
        Greeks {
            price: 10 * WAD,
            delta: -WAD,
            gamma: 0,
            gamma_f: 0,
            vega: 0
        }
    );
    let g = greeks(OptionKind::Call, 90 * WAD, 100 * WAD, WAD, 0).unwrap();
    assert_eq!(
        g,
        Greeks {
            price: 0,
            delta: 0,
            gamma: 0,
            gamma_f: 0,
            vega: 0
        }
    );
}

#[test]
fn out_of_range_inputs_are_typed_errors() {
    use OptionKind::Call;
    assert_eq!(price(Call, 0, WAD, WAD, WAD), Err(RiskError::PriceOutOfRange));
    assert_eq!(
        price(Call, WAD, 2 * 10i128.pow(27), WAD, WAD),
        Err(RiskError::PriceOutOfRange)
    );
    assert_eq!(
        price(Call, WAD, WAD, WAD / 1000, WAD),
        Err(RiskError::VolOutOfRange)
    );
    assert_eq!(price(Call, WAD, WAD, 6 * WAD, WAD), Err(RiskError::VolOutOfRange));
    assert_eq!(
        price(Call, WAD, WAD, WAD, 6 * WAD),
        Err(RiskError::ExpiryOutOfRange)
    );
    assert_eq!(price(Call, WAD, WAD, WAD, -1), Err(RiskError::ExpiryOutOfRange));
    assert_eq!(years(5 * 31_536_000 + 1), Err(RiskError::ExpiryOutOfRange));
}
