//! Properties of the margin model (risk-model.md), by proptest with a fixed seed. Failing cases
//! are kept in tests/properties.proptest-regressions and replayed first.
#![allow(clippy::arithmetic_side_effects)]

use pm_risk::fixed::{Wad, WAD};
use pm_risk::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, RngSeed};

const NOW: u64 = 1_795_000_000;
const PRESETS: [UnderlyingParams; 4] = [defaults::BTC, defaults::ETH, defaults::SOL, defaults::INDEX];
/// A valid 4×4 matrix (BTC, ETH, SOL, index); the first n rows and columns are valid too.
const RHO: [[Wad; 4]; 4] = [
    [WAD, 85 * WAD / 100, 75 * WAD / 100, 3 * WAD / 10],
    [85 * WAD / 100, WAD, 8 * WAD / 10, 3 * WAD / 10],
    [75 * WAD / 100, 8 * WAD / 10, WAD, WAD / 4],
    [3 * WAD / 10, 3 * WAD / 10, WAD / 4, WAD],
];

fn config() -> Config {
    Config {
        cases: 48,
        rng_seed: RngSeed::Fixed(0x5eed),
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..Config::default()
    }
}

fn rho(n: usize) -> Vec<Wad> {
    (0..n).flat_map(|i| (0..n).map(move |j| RHO[i][j])).collect()
}

fn underlyings() -> impl Strategy<Value = Vec<Underlying>> {
    prop::collection::vec(
        (
            10_000_000_000i128..=1_000_000_000_000_000_000_000_000_000,
            1i128..=500,
        ),
        1..=4,
    )
    .prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(i, (price, vol_pct))| Underlying {
                market: Market {
                    price,
                    vol: vol_pct * WAD / 100,
                    oracle_addon: 0,
                },
                params: PRESETS[i],
            })
            .collect()
    })
}

fn position(n: usize) -> impl Strategy<Value = Position> {
    (
        0..n as u8,
        0u8..5,
        -1_000_000i128..=1_000_000,
        1u64..=720,
        50i128..=200,
    )
        .prop_map(|(u, kind, size_milli, days, strike_pct)| {
            let expiry = NOW + days * 86_400;
            // The strike is a percentage of the price: filled in by `with_strikes`.
            let strike = strike_pct;
            let instrument = match kind {
                0 => Instrument::Perp,
                1 => Instrument::Future { expiry },
                2 => Instrument::Call { strike, expiry },
                3 => Instrument::Put { strike, expiry },
                _ => Instrument::Spot,
            };
            Position {
                underlying: u,
                instrument,
                size: size_milli * WAD / 1000,
                entry: 0,
            }
        })
}

/// Turns strike percentages into prices (clamped into range).
fn with_strikes(mut ps: Vec<Position>, us: &[Underlying]) -> Vec<Position> {
    for p in &mut ps {
        let price = us[p.underlying as usize].market.price;
        let fix = |pct: Wad| (price / 100 * pct).clamp(units::MIN_PRICE, units::MAX_PRICE);
        p.instrument = match p.instrument {
            Instrument::Call { strike, expiry } => Instrument::Call {
                strike: fix(strike),
                expiry,
            },
            Instrument::Put { strike, expiry } => Instrument::Put {
                strike: fix(strike),
                expiry,
            },
            other => other,
        };
    }
    ps
}

fn book() -> impl Strategy<Value = (Vec<Underlying>, Vec<Position>)> {
    underlyings()
        .prop_flat_map(|us| {
            let n = us.len();
            (Just(us), prop::collection::vec(position(n), 1..12))
        })
        .prop_map(|(us, ps)| {
            let ps = with_strikes(ps, &us);
            (us, ps)
        })
}

fn run(us: &[Underlying], ps: &[Position], params: &RiskParams<'_>) -> MarginReport {
    margin(
        &Account {
            collateral: 0,
            positions: ps,
            now: NOW,
        },
        us,
        params,
    )
    .unwrap()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn margin_is_at_most_isolated_sum((us, ps) in book()) {
        let c = rho(us.len());
        let r = run(&us, &ps, &defaults::risk(&c));
        prop_assert!(r.maintenance <= r.isolated_maintenance);
        prop_assert!(r.initial <= r.isolated_initial);
    }

    #[test]
    fn permutation_of_positions_changes_nothing((us, ps) in book()) {
        let c = rho(us.len());
        let mut rev = ps.clone();
        rev.reverse();
        prop_assert_eq!(run(&us, &ps, &defaults::risk(&c)), run(&us, &rev, &defaults::risk(&c)));
    }

    #[test]
    fn permutation_of_underlyings_changes_nothing((us, ps) in book()) {
        let n = us.len();
        let c = rho(n);
        // Reverse the underlyings; remap positions and the matrix to match.
        let rev_us: Vec<_> = us.iter().rev().copied().collect();
        let rev_ps: Vec<_> = ps.iter().map(|p| Position { underlying: (n - 1) as u8 - p.underlying, ..*p }).collect();
        let rev_c: Vec<Wad> = (0..n).flat_map(|i| (0..n).map(move |j| RHO[n - 1 - i][n - 1 - j])).collect();
        let a = run(&us, &ps, &defaults::risk(&c));
        let b = run(&rev_us, &rev_ps, &defaults::risk(&rev_c));
        prop_assert_eq!(a.requirement, b.requirement);
        prop_assert_eq!(a.initial, b.initial);
        prop_assert_eq!(a.isolated_initial, b.isolated_initial);
        for k in 0..n {
            prop_assert_eq!(a.underlyings[k], b.underlyings[n - 1 - k]);
        }
    }

    #[test]
    fn single_underlying_requirement_is_its_worst_loss((us, ps) in book()) {
        let us = &us[..1];
        // Strikes stay those drawn for other underlyings: still valid prices, just far away.
        let ps: Vec<_> = ps.into_iter().map(|p| Position { underlying: 0, ..p }).collect();
        let c = rho(1);
        let r = run(us, &ps, &defaults::risk(&c));
        prop_assert_eq!(r.requirement, r.underlyings[0].loss);
        prop_assert_eq!(r.underlyings[0].loss, r.underlyings[0].non_directional + r.underlyings[0].directional.abs());
    }

    #[test]
    fn raising_a_stress_weight_never_lowers_the_requirement((us, ps) in book(), a in 0i128..=100, b in 0i128..=100) {
        let c = rho(us.len());
        let (lo, hi) = (a.min(b) * WAD / 100, a.max(b) * WAD / 100);
        let p = |w_up, w_down| RiskParams { w_up, w_down, ..defaults::risk(&c) };
        let base = run(&us, &ps, &p(lo, lo)).requirement;
        prop_assert!(run(&us, &ps, &p(hi, lo)).requirement >= base);
        prop_assert!(run(&us, &ps, &p(lo, hi)).requirement >= base);
    }

    #[test]
    fn scaling_every_position_scales_the_requirement((us, ps) in book(), k in 2i128..=5) {
        let c = rho(us.len());
        let params = RiskParams { w_up: 0, w_down: 0, ..defaults::risk(&c) };
        let scaled: Vec<_> = ps.iter().map(|p| Position { size: p.size * k, ..*p }).collect();
        let r1 = run(&us, &ps, &params).requirement;
        let rk = run(&us, &scaled, &params).requirement;
        // Rounding: each scenario cell is within one micro-dollar per position, the root a few more.
        let tolerance = k * (ps.len() as i128 + 4) * 2;
        prop_assert!((rk - k * r1).abs() <= tolerance, "{} vs {}·{}", rk, k, r1);
    }

    #[test]
    fn an_exactly_offset_book_needs_nothing((us, ps) in book()) {
        let c = rho(us.len());
        let mut both = ps.clone();
        both.extend(ps.iter().map(|p| Position { size: -p.size, ..*p }));
        let r = run(&us, &both, &defaults::risk(&c));
        // Zero up to rounding against the account: a position and its negation each round their
        // scenario PnL down (twice for dampened extremes), at most two micro-dollars per pair.
        prop_assert!(r.requirement <= 2 * ps.len() as i128, "{}", r.requirement);
        prop_assert!(r.requirement <= run(&us, &ps, &defaults::risk(&c)).requirement);
    }

    #[test]
    fn no_input_panics(price in any::<i128>(), vol in any::<i128>(), size in any::<i128>(), strike in any::<i128>(),
                       expiry in any::<u64>(), now in any::<u64>(), w in any::<i128>(), rho01 in any::<i128>()) {
        let us = [Underlying { market: Market { price, vol, oracle_addon: 0 }, params: defaults::BTC },
                  Underlying { market: Market { price: WAD, vol: WAD, oracle_addon: 0 }, params: defaults::ETH }];
        let ps = [Position { underlying: 0, instrument: Instrument::Call { strike, expiry }, size, entry: 0 },
                  Position { underlying: 1, instrument: Instrument::Perp, size, entry: 0 }];
        let c = [WAD, rho01, rho01, WAD];
        let params = RiskParams { w_up: w, ..defaults::risk(&c) };
        let _ = margin(&Account { collateral: 0, positions: &ps, now }, &us, &params);
    }
}

/// BTC at 65,000 USD with 55% implied vol.
fn btc() -> [Underlying; 1] {
    [Underlying {
        market: Market {
            price: 65_000 * WAD,
            vol: 55 * WAD / 100,
            oracle_addon: 0,
        },
        params: defaults::BTC,
    }]
}

#[test]
fn delta_hedged_call_needs_less_than_the_call_alone() {
    let us = btc();
    let call = Position {
        underlying: 0,
        instrument: Instrument::Call {
            strike: 65_000 * WAD,
            expiry: NOW + 30 * 86_400,
        },
        size: 10 * WAD,
        entry: 0,
    };
    let hedge = Position {
        underlying: 0,
        instrument: Instrument::Perp,
        size: -52 * WAD / 10,
        entry: 0,
    };
    let c = rho(1);
    let alone = run(&us, &[call], &defaults::risk(&c)).initial;
    let hedged = run(&us, &[call, hedge], &defaults::risk(&c)).initial;
    assert!(hedged < alone, "{hedged} vs {alone}");
}

#[test]
fn with_full_up_weight_a_same_side_book_pays_the_sum_of_its_parts() {
    let us: Vec<_> = (0..4)
        .map(|i| Underlying {
            market: Market {
                price: 1_000 * WAD,
                vol: WAD / 2,
                oracle_addon: 0,
            },
            params: PRESETS[i],
        })
        .collect();
    let ps: Vec<_> = (0..4u8)
        .map(|u| Position {
            underlying: u,
            instrument: Instrument::Perp,
            size: WAD,
            entry: 0,
        })
        .collect();
    let c = rho(4);
    let r = run(
        &us,
        &ps,
        &RiskParams {
            w_up: WAD,
            w_down: 0,
            ..defaults::risk(&c)
        },
    );
    let parts: i128 = r.underlyings[..4].iter().map(|u| u.loss).sum();
    assert_eq!(r.requirement, parts);
    let trusted = run(
        &us,
        &ps,
        &RiskParams {
            w_up: 0,
            w_down: 0,
            ..defaults::risk(&c)
        },
    );
    assert!(trusted.requirement < parts);
}

#[test]
fn bad_correlation_matrices_are_typed_errors() {
    use pm_risk::params::validate_correlation;
    assert_eq!(validate_correlation(&[WAD, WAD / 2, WAD / 2, WAD], 2), Ok(()));
    assert_eq!(
        validate_correlation(&[WAD, WAD, WAD, WAD], 2),
        Ok(()),
        "rank one is semi-definite"
    );
    assert_eq!(
        validate_correlation(&[WAD, 0, 0], 2),
        Err(RiskError::CorrelationSize)
    );
    assert_eq!(
        validate_correlation(&[WAD, 0, 0, WAD - 1], 2),
        Err(RiskError::CorrelationDiagonal)
    );
    assert_eq!(
        validate_correlation(&[WAD, 1, 2, WAD], 2),
        Err(RiskError::CorrelationAsymmetric)
    );
    assert_eq!(
        validate_correlation(&[WAD, 2 * WAD, 2 * WAD, WAD], 2),
        Err(RiskError::CorrelationOutOfRange)
    );
    // ρ12 = ρ13 = 0.9, ρ23 = −0.9 is not positive semi-definite.
    let (a, b) = (9 * WAD / 10, -9 * WAD / 10);
    assert_eq!(
        validate_correlation(&[WAD, a, a, a, WAD, b, a, b, WAD], 3),
        Err(RiskError::CorrelationNotPsd)
    );
    assert_eq!(
        validate_correlation(&vec![0; 17 * 17], 17),
        Err(RiskError::TooManyUnderlyings)
    );
}

#[test]
fn liquidation_helper_restores_initial_margin() {
    let us = btc();
    let ps = [Position {
        underlying: 0,
        instrument: Instrument::Perp,
        size: WAD,
        entry: 65_000 * WAD,
    }];
    let c = rho(1);
    let params = defaults::risk(&c);
    let r = margin(
        &Account {
            collateral: 4_000_000_000,
            positions: &ps,
            now: NOW,
        },
        &us,
        &params,
    )
    .unwrap();
    let l = liquidation(&r).unwrap();
    assert!(
        l.liquidatable,
        "4,000 USD is below the ~5,614 USD maintenance margin"
    );
    assert_eq!(l.collateral_to_initial, r.initial - r.equity);
    let kept = ps[0].size
        - pm_risk::fixed::wmul(ps[0].size, l.reduction_to_initial, pm_risk::fixed::Rounding::Up).unwrap();
    let after = margin(
        &Account {
            collateral: 4_000_000_000,
            positions: &[Position { size: kept, ..ps[0] }],
            now: NOW,
        },
        &us,
        &params,
    )
    .unwrap();
    assert!(after.initial <= after.equity);
}

/// The documented extremes all at once: 256 positions of 1e12 units, prices at 1e9 and 1e-8,
/// 16 underlyings, 5-year options, vols at 1% and 500%: a number, not an overflow.
#[test]
fn extreme_ranges_work_without_overflow() {
    use pm_risk::units::{MAX_PRICE, MAX_SIZE, MAX_VOL, MIN_PRICE, MIN_VOL};
    let us: Vec<_> = (0..16)
        .map(|i| Underlying {
            market: Market {
                price: if i % 2 == 0 { MAX_PRICE } else { MIN_PRICE },
                vol: if i % 3 == 0 { MAX_VOL } else { MIN_VOL },
                oracle_addon: 0,
            },
            params: PRESETS[i % 4],
        })
        .collect();
    let ps: Vec<_> = (0..256u32)
        .map(|i| {
            let u = (i % 16) as u8;
            let price = us[u as usize].market.price;
            let expiry = NOW + pm_risk::units::MAX_EXPIRY_SECONDS;
            let instrument = match i % 4 {
                0 => Instrument::Perp,
                1 => Instrument::Call {
                    strike: price,
                    expiry,
                },
                2 => Instrument::Put {
                    strike: price,
                    expiry,
                },
                _ => Instrument::Future { expiry },
            };
            Position {
                underlying: u,
                instrument,
                size: if i % 8 < 4 { MAX_SIZE } else { -MAX_SIZE / 3 },
                entry: 0,
            }
        })
        .collect();
    let identity: Vec<Wad> = (0..16)
        .flat_map(|i| (0..16).map(move |j| if i == j { WAD } else { 0 }))
        .collect();
    let r = margin(
        &Account {
            collateral: 0,
            positions: &ps,
            now: NOW,
        },
        &us,
        &defaults::risk(&identity),
    )
    .unwrap();
    assert!(r.initial > 0 && r.initial <= r.isolated_initial);
    let mut too_many = ps.clone();
    too_many.push(ps[0]);
    assert_eq!(
        margin(
            &Account {
                collateral: 0,
                positions: &too_many,
                now: NOW
            },
            &us,
            &defaults::risk(&identity)
        ),
        Err(RiskError::TooManyPositions)
    );
    let big = Position {
        size: MAX_SIZE + 1,
        ..ps[0]
    };
    assert_eq!(
        margin(
            &Account {
                collateral: 0,
                positions: &[big],
                now: NOW
            },
            &us,
            &defaults::risk(&identity)
        ),
        Err(RiskError::SizeOutOfRange)
    );
}
