//! `margin_shared` (options repriced once for many accounts) gives `margin_in`'s report to the
//! wei, account after account, while the market data, the time and the parameters change under
//! it: a stale repricing would show as a different report.
#![allow(clippy::arithmetic_side_effects)]

use pm_risk::fixed::{Wad, WAD};
use pm_risk::*;

const NOW: u64 = 1_795_000_000;
const DAY: u64 = 86_400;
const RHO: [Wad; 4] = [WAD, 8 * WAD / 10, 8 * WAD / 10, WAD];

/// A deterministic stream of numbers (xorshift).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn underlyings(btc: i128, eth: i128, vol_pct: i128) -> [Underlying; 2] {
    let u = |price: i128, params| Underlying {
        market: Market {
            price: price * WAD,
            vol: vol_pct * WAD / 100,
            oracle_addon: 0,
        },
        params,
    };
    [u(btc, defaults::BTC), u(eth, defaults::ETH)]
}

/// Books drawn from a few listed options (4 strikes, 3 expiries, one of them already expired),
/// perps and futures on two underlyings, so that most options are held by many books, long and
/// short, and calls and puts of one strike and expiry net into one group.
fn books(count: usize, seed: u64) -> Vec<Vec<Position>> {
    let mut rng = Rng(seed);
    (0..count)
        .map(|_| {
            let n = 1 + rng.below(12) as usize;
            (0..n)
                .map(|_| {
                    let underlying = rng.below(2) as u8;
                    let base = if underlying == 0 { 60_000 } else { 3_000 };
                    let strike = base * (80 + 10 * rng.below(4) as i128) / 100 * WAD;
                    let expiry = [NOW - DAY, NOW + 7 * DAY, NOW + 60 * DAY][rng.below(3) as usize];
                    let instrument = match rng.below(6) {
                        0 | 1 => Instrument::Call { strike, expiry },
                        2 | 3 => Instrument::Put { strike, expiry },
                        4 => Instrument::Perp,
                        _ => Instrument::Future {
                            expiry: NOW + 30 * DAY,
                        },
                    };
                    let size = (1 + rng.below(50) as i128) * WAD / 10;
                    Position {
                        underlying,
                        instrument,
                        size: if rng.below(2) == 0 { size } else { -size },
                        entry: 0,
                    }
                })
                .collect()
        })
        .collect()
}

/// Margins every book both ways and checks the reports equal; returns how many options the
/// shared pass repriced.
fn round(
    shared: &mut SharedValues,
    books: &[Vec<Position>],
    underlyings: &[Underlying],
    now: u64,
    params: &RiskParams<'_>,
) -> u64 {
    let mut ws = Box::new(Workspace::new());
    let before = shared.repriced;
    for (i, positions) in books.iter().enumerate() {
        let account = Account {
            collateral: 5_000_000_000,
            positions,
            now,
        };
        let alone = margin_in(&mut ws, &account, underlyings, params);
        let together = margin_shared(&mut ws, shared, &account, underlyings, params);
        assert_eq!(together, alone, "book {i}");
    }
    shared.repriced - before
}

#[test]
fn the_shared_pricing_gives_each_account_its_own_report_as_everything_changes() {
    let books = books(400, 0x5EED);
    let params = defaults::risk(&RHO);
    let mut shared = SharedValues::new();

    let first = round(&mut shared, &books, &underlyings(60_000, 3_000, 60), NOW, &params);
    // 2 underlyings × 4 strikes × 3 expiries × call and put, at most.
    assert!((1..=48).contains(&first), "{first}");
    assert!(
        shared.reused > 10 * first,
        "most option positions read a repricing"
    );

    // The same market again: nothing repriced.
    assert_eq!(
        round(&mut shared, &books, &underlyings(60_000, 3_000, 60), NOW, &params),
        0
    );

    // Accounts that list the underlyings the other way round read the same repricings.
    let swapped: Vec<Vec<Position>> = books
        .iter()
        .map(|b| {
            b.iter()
                .map(|p| Position {
                    underlying: 1 - p.underlying,
                    ..*p
                })
                .collect()
        })
        .collect();
    let [btc, eth] = underlyings(60_000, 3_000, 60);
    assert_eq!(round(&mut shared, &swapped, &[eth, btc], NOW, &params), 0);

    // BTC moves: only BTC's options are repriced.
    let btc_moved = round(&mut shared, &books, &underlyings(57_000, 3_000, 60), NOW, &params);
    assert!(btc_moved > 0 && btc_moved < first, "{btc_moved} of {first}");

    // The vol, the time, the grid, the vol floor, the extremes and the largest fall change in
    // turn: everything is repriced, still equal.
    let moved = underlyings(57_000, 3_000, 90);
    let finer = RiskParams {
        grid_levels: 11,
        ..params
    };
    let floored = RiskParams {
        vol_floor: WAD / 4,
        ..finer
    };
    let wider = RiskParams {
        extreme_multiple: 3 * WAD,
        ..floored
    };
    let capped = RiskParams {
        max_down_move: WAD / 5,
        ..wider
    };
    for (now, params) in [
        (NOW, &params),
        (NOW + 3_600, &params),
        (NOW + 3_600, &finer),
        (NOW + 3_600, &floored),
        (NOW + 3_600, &wider),
        (NOW + 3_600, &capped),
    ] {
        assert_eq!(round(&mut shared, &books, &moved, now, params), first);
    }
    // An underlying's own parameters: a wider scan and bigger vol shocks for BTC alone.
    let mut btc_params = moved;
    btc_params[0].params.vol_multiple += WAD;
    btc_params[0].params.vol_up += WAD / 4;
    let btc_only = round(&mut shared, &books, &btc_params, NOW + 3_600, &capped);
    assert!(btc_only > 0 && btc_only < first, "{btc_only} of {first}");
}

#[test]
fn an_option_that_cannot_be_priced_fails_alike_and_spoils_nothing() {
    let params = defaults::risk(&RHO);
    let market = underlyings(60_000, 3_000, 60);
    let mut books = books(50, 7);
    // A strike far outside the priced range, in the middle of the round.
    books[25].push(Position {
        underlying: 0,
        instrument: Instrument::Call {
            strike: 1,
            expiry: NOW + 7 * DAY,
        },
        size: WAD,
        entry: 0,
    });
    let mut shared = SharedValues::new();
    let mut ws = Box::new(Workspace::new());
    for (i, positions) in books.iter().enumerate() {
        let account = Account {
            collateral: 1_000_000_000,
            positions,
            now: NOW,
        };
        let alone = margin_in(&mut ws, &account, &market, &params);
        assert_eq!(alone.is_err(), i == 25, "book {i}: {alone:?}");
        assert_eq!(
            margin_shared(&mut ws, &mut shared, &account, &market, &params),
            alone,
            "book {i}"
        );
    }
}

#[test]
fn old_underlying_states_are_dropped_past_the_cap_and_repriced_if_they_return() {
    let books = books(5, 3);
    let params = defaults::risk(&RHO);
    let mut shared = SharedValues::new();
    let first = round(&mut shared, &books, &underlyings(60_000, 3_000, 60), NOW, &params);
    assert!(first > 0);
    // Each round a new BTC price: a new state per round, ETH's kept.
    for step in 1..=pm_risk::shared::MAX_STATES as i128 {
        round(
            &mut shared,
            &books,
            &underlyings(60_000 + step, 3_000, 60),
            NOW,
            &params,
        );
    }
    // The first BTC price was dropped (the least recently used), ETH's was not.
    let again = round(&mut shared, &books, &underlyings(60_000, 3_000, 60), NOW, &params);
    assert!(again > 0 && again < first, "{again} of {first}");
}
