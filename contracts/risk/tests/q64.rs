//! The 64-bit hot path's functions (`pm_risk::q64`) against a float reference and against the
//! 128-bit functions they stand in for.
use pm_risk::math::norm_cdf;
use pm_risk::q64::{density, exp_neg, mul_shr, mul_wide, normal_tail, wad_of_q52, wad_of_q63, ONE_Q63};

const Q52: f64 = (1u64 << 52) as f64;
const Q56: f64 = (1u64 << 56) as f64;
const Q63: f64 = (1u64 << 63) as f64;

fn tail_ref(x: f64) -> f64 {
    0.5 * libm::erfc(x / std::f64::consts::SQRT_2)
}

#[test]
fn mul_wide_is_the_exact_product() {
    let samples = [
        0u64,
        1,
        2,
        0xffff_ffff,
        1 << 32,
        0x1234_5678_9abc_def0,
        u64::MAX - 1,
        u64::MAX,
    ];
    for &a in &samples {
        for &b in &samples {
            let (hi, lo) = mul_wide(a, b);
            let exact = u128::from(a) * u128::from(b);
            assert_eq!((u128::from(hi) << 64) | u128::from(lo), exact, "{a} × {b}");
            for k in [1u32, 44, 52, 63, 64] {
                if exact >> k <= u128::from(u64::MAX) {
                    assert_eq!(u128::from(mul_shr(a, b, k)), exact >> k);
                }
            }
        }
    }
}

/// `e^(−y)` within 2e-18 + 3e-16·e^(−y) (the float reference's own resolution near 1) over
/// [0, 45], and 0 beyond 44.
#[test]
fn exp_neg_within_bound() {
    let mut worst = 0f64;
    let mut y = 0f64;
    while y < 45.0 {
        let got = exp_neg((y * Q56) as u64) as f64 / Q63;
        let y_exact = ((y * Q56) as u64) as f64 / Q56;
        let want = (-y_exact).exp();
        worst = worst.max((got - want).abs() / (2e-18 + 3e-16 * want));
        y += 0.000_731;
    }
    assert!(worst <= 1.0, "worst error {worst} of the bound");
    assert_eq!(exp_neg(0), ONE_Q63 - 1);
    assert_eq!(exp_neg(44 << 56), 0);
    assert_eq!(exp_neg(u64::MAX), 0);
}

/// `Φ(−x)` within 3e-16 absolute of the float reference on a dense grid of [0, 10]: closer than
/// the 128-bit `norm_cdf` (the same rational form and continued fraction, bounded at 2e-14).
#[test]
fn normal_tail_within_bound() {
    let (mut worst_ref, mut worst_wide) = (0f64, 0f64);
    let mut x = 0f64;
    while x < 10.0 {
        let q = (x * Q52) as u64;
        let xe = q as f64 / Q52;
        let got = normal_tail(q) as f64 / Q63;
        worst_ref = worst_ref.max((got - tail_ref(xe)).abs());
        let wide = norm_cdf(-((xe * 1e18) as i128)).unwrap() as f64 / 1e18;
        worst_wide = worst_wide.max((got - wide).abs());
        x += 0.000_37;
    }
    assert!(worst_ref <= 3e-16, "against the float reference: {worst_ref:e}");
    assert!(worst_wide <= 2e-14, "against norm_cdf: {worst_wide:e}");
    assert_eq!(normal_tail(u64::MAX), 0);
}

/// `φ(x)` within 3e-18 + 5e-16·φ(x) of the float reference on a dense grid of [−11, 11] (the
/// relative part is the float reference's own resolution); `gamma_term` widens by more.
#[test]
fn density_within_bound() {
    let mut worst = 0f64;
    let mut x = -11f64;
    while x < 11.0 {
        let q = (x * Q52) as i64;
        let xe = q as f64 / Q52;
        let want = (-xe * xe / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt();
        let got = density(q) as f64 / Q63;
        worst = worst.max((got - want).abs() / (3e-18 + 5e-16 * want));
        x += 0.000_53;
    }
    assert!(worst <= 1.0, "worst error {worst} of the bound");
    assert_eq!(density(i64::MIN), 0);
    assert_eq!(density(i64::MAX), 0);
}

#[test]
fn conversions_to_wad_round_towards_zero() {
    assert_eq!(wad_of_q63(ONE_Q63), 1_000_000_000_000_000_000);
    assert_eq!(wad_of_q63(ONE_Q63 / 2), 500_000_000_000_000_000);
    assert_eq!(wad_of_q52(3 << 51), 1_500_000_000_000_000_000);
    assert_eq!(wad_of_q52(-(3 << 51)), -1_500_000_000_000_000_000);
    assert_eq!(wad_of_q52(1), 222);
    assert_eq!(wad_of_q52(-1), -222);
}

/// Every option within the validated ranges fits the 64-bit fast path, so `margin` never answers
/// `Overflow` for them: the corners of the ranges (prices 1e-8 and 1e9 USD against strikes at
/// the other end, vols 1% and 500%, one second and five years to expiry, the widest scan range,
/// extremes, vol shocks and floor, the deepest down move).
#[test]
fn the_fast_path_covers_the_validated_ranges() {
    use pm_risk::fixed::WAD;
    use pm_risk::units::{MAX_EXPIRY_SECONDS, MAX_PRICE, MAX_VOL, MIN_PRICE, MIN_VOL};
    use pm_risk::*;
    let now = 1_795_000_000u64;
    let widest = UnderlyingParams {
        scan_floor: WAD / 2,
        vol_multiple: 10 * WAD,
        horizon: WAD,
        vol_up: 3 * WAD,
        vol_down: WAD,
        vol_tenor_exponent: 2 * WAD,
        ..defaults::BTC
    };
    let correlation = [WAD];
    let params = RiskParams {
        extreme_multiple: 5 * WAD,
        max_down_move: WAD * 9 / 10,
        vol_floor: WAD,
        ..defaults::risk(&correlation)
    };
    for price in [MIN_PRICE, MAX_PRICE] {
        for vol in [MIN_VOL, MAX_VOL] {
            let u = [Underlying {
                market: Market {
                    price,
                    vol,
                    oracle_addon: 0,
                },
                params: widest,
            }];
            for strike in [MIN_PRICE, price, MAX_PRICE] {
                for seconds in [1, 3_600, MAX_EXPIRY_SECONDS] {
                    let expiry = now + seconds;
                    for (instrument, size) in [
                        (Instrument::Call { strike, expiry }, WAD),
                        (Instrument::Put { strike, expiry }, -WAD),
                    ] {
                        let positions = [Position {
                            underlying: 0,
                            instrument,
                            size,
                            entry: 0,
                        }];
                        let account = Account {
                            collateral: 0,
                            positions: &positions,
                            now,
                        };
                        let r = margin(&account, &u, &params);
                        assert!(r.is_ok(), "F {price} σ {vol} K {strike} T {seconds}s: {r:?}");
                    }
                }
            }
        }
    }
}
