//! The trade rules (`pm_clearinghouse::rules`): prices in a band around the engine's marks, one
//! judgement of the whole account per call, initial margin unless the changes only shrink
//! positions and lower neither equity nor maintenance health. The attacks of the solvency issue
//! replayed natively (the devnet replays them through the real markets in `pm-e2e`). A refused
//! call reverts on-chain, undoing the position writes made before its judgement (the devnet
//! tests show the state unchanged); natively those writes stay, so these tests check the error.

use alloy_primitives::I256;
use pm_clearinghouse::errors::*;
use pm_clearinghouse::events::TradeBandsSet;
use pm_clearinghouse::rules::MAX_BAND;
use pm_risk::units::MAX_PRICE;

use crate::support::*;

const BTC_PRICE: i128 = 60_000 * E18;
const EXPIRY: u64 = NOW + 30 * DAY;

fn update(chain: &Chain, account: alloy_primitives::Address, changes: &[(u128, i128, i128)]) -> Result<()> {
    let (ids, deltas, prices) = changes.iter().fold(
        (vec![], vec![], vec![]),
        |(mut i, mut d, mut p), &(id, delta, price)| {
            i.push(id);
            d.push(delta);
            p.push(price);
            (i, d, p)
        },
    );
    chain
        .as_(MARKET)
        .ch()
        .update_positions(account, ids, deltas, prices)
}

/// The engine's mark of `instrument` now (what the risk program quotes), USD per unit.
fn margin(chain: &Chain, account: alloy_primitives::Address) -> (I256, I256, I256) {
    let (equity, initial, maintenance, ..) = chain.ch().account_margin(account).unwrap();
    (equity, initial, maintenance)
}

#[test]
fn attack_closing_against_a_friend_at_an_off_market_price_is_outside_the_band() {
    // Two accounts of one attacker open 1 BTC perp against each other at the mark, then close
    // at 1,000,000: each side only shrinks, but the price is far outside the band.
    let chain = listed_chain();
    update(&chain, ALICE, &[(perp(BTC), E18, BTC_PRICE)]).unwrap();
    update(&chain, BOB, &[(perp(BTC), -E18, BTC_PRICE)]).unwrap();
    for (account, delta) in [(ALICE, -E18), (BOB, E18)] {
        assert_reverts(
            update(&chain, account, &[(perp(BTC), delta, 1_000_000 * E18)]),
            TradePriceOutsideBand {
                instrument: perp(BTC),
                price: wad(1_000_000 * E18),
                mark: wad(BTC_PRICE),
                maxDeviation: wad(3_000 * E18),
            },
        );
    }
    // The largest price the engine accepts is no better.
    assert!(update(&chain, BOB, &[(perp(BTC), E18 / 2, MAX_PRICE)])
        .unwrap_err()
        .decode::<TradePriceOutsideBand>()
        .is_some());
}

#[test]
fn a_perp_trades_anywhere_in_its_band_and_not_a_unit_beyond() {
    let chain = listed_chain();
    // 5% of 60,000 either side.
    for price in [57_000 * E18, 63_000 * E18] {
        update(&chain, ALICE, &[(perp(BTC), E18 / 10, price)]).unwrap();
    }
    for price in [57_000 * E18 - 1, 63_000 * E18 + 1] {
        assert_reverts(
            update(&chain, ALICE, &[(perp(BTC), E18 / 10, price)]),
            TradePriceOutsideBand {
                instrument: perp(BTC),
                price: wad(price),
                mark: wad(BTC_PRICE),
                maxDeviation: wad(3_000 * E18),
            },
        );
    }
}

#[test]
fn an_options_premium_trades_within_its_band_of_the_black76_mark() {
    let chain = listed_chain();
    let id = call(BTC, EXPIRY, 62_000);
    let m = mark(&chain, id);
    assert!(m > 2_000 * E18 && m < 4_000 * E18, "{m}");
    // 2% of 60,000 = 1,200 around the mark.
    update(&chain, ALICE, &[(id, E18, m + 1_200 * E18)]).unwrap();
    update(&chain, BOB, &[(id, -E18, m - 1_200 * E18)]).unwrap();
    assert_reverts(
        update(&chain, ALICE, &[(id, E18, m + 1_200 * E18 + 1)]),
        TradePriceOutsideBand {
            instrument: id,
            price: wad(m + 1_200 * E18 + 1),
            mark: wad(m),
            maxDeviation: wad(1_200 * E18),
        },
    );
}

#[test]
fn every_change_of_a_batch_is_held_to_its_band_and_the_batch_is_judged_once() {
    let chain = listed_chain();
    let risk_calls = chain.calls_to(RISK_PROGRAM).len();
    update(
        &chain,
        ALICE,
        &[(perp(BTC), E18, BTC_PRICE), (perp(ETH), -10 * E18, 3_000 * E18)],
    )
    .unwrap();
    assert_eq!(chain.calls_to(RISK_PROGRAM).len(), risk_calls + 1, "one check");
    assert_reverts(
        update(
            &chain,
            ALICE,
            &[(perp(BTC), E18, BTC_PRICE), (perp(ETH), E18, 4_000 * E18)],
        ),
        TradePriceOutsideBand {
            instrument: perp(ETH),
            price: wad(4_000 * E18),
            mark: wad(3_000 * E18),
            maxDeviation: wad(150 * E18),
        },
    );
}

#[test]
fn attack_closing_the_hedge_leg_of_a_hedged_book_needs_initial_margin() {
    // 10 short BTC calls hedged with 5 long perps, with just enough collateral for the hedged
    // book: selling the perps at the mark shrinks a position and multiplies the risk.
    let chain = listed_chain();
    let id = call(BTC, EXPIRY, 60_000);
    let m = mark(&chain, id);
    update(
        &chain,
        ALICE,
        &[(id, -10 * E18, m), (perp(BTC), 5 * E18, BTC_PRICE)],
    )
    .unwrap();
    let (equity, initial, _) = margin(&chain, ALICE);
    let spare = i128::try_from(equity - initial).unwrap();
    chain.set_collateral(ALICE, COLLATERAL - spare + E18);
    let (equity, initial, _) = margin(&chain, ALICE);
    assert!(equity >= initial && equity - initial <= wad(2 * E18));
    let err = update(&chain, ALICE, &[(perp(BTC), -5 * E18, BTC_PRICE)]).unwrap_err();
    let Some(e) = err.decode::<InsufficientMargin>() else {
        panic!("{err:?}")
    };
    assert!(e.initialMargin > initial, "the naked calls need more");
    assert!(e.equity >= wad(0) && e.equity < e.initialMargin);
}

#[test]
fn an_account_below_initial_margin_may_shrink_at_the_mark() {
    let chain = listed_chain();
    update(&chain, ALICE, &[(perp(BTC), E18, BTC_PRICE)]).unwrap();
    // Equity falls to $1,000: below the initial margin of one BTC, even below maintenance.
    chain.set_collateral(ALICE, 1_000 * E18);
    let (equity, initial, maintenance) = margin(&chain, ALICE);
    assert!(equity < maintenance && maintenance < initial);
    update(&chain, ALICE, &[(perp(BTC), -E18 / 2, BTC_PRICE)]).unwrap();
    let (equity_after, _, maintenance_after) = margin(&chain, ALICE);
    assert_eq!(
        equity_after, equity,
        "at the mark, the cash is the value given up"
    );
    assert!(maintenance_after < maintenance);
    update(&chain, ALICE, &[(perp(BTC), -E18 / 2, BTC_PRICE)]).unwrap();
    assert_eq!(chain.ch().positions(ALICE), (vec![], vec![]));
}

#[test]
fn an_account_below_initial_margin_may_not_shrink_at_a_worse_price_than_the_mark() {
    let chain = listed_chain();
    update(&chain, ALICE, &[(perp(BTC), E18, BTC_PRICE)]).unwrap();
    chain.set_collateral(ALICE, 1_000 * E18);
    // Selling at 59,900 is in the band, shrinks the position and lowers maintenance, but gives
    // up $50 of equity: it needs initial margin, which the account lacks.
    let err = update(&chain, ALICE, &[(perp(BTC), -E18 / 2, 59_900 * E18)]).unwrap_err();
    assert!(err.decode::<InsufficientMargin>().is_some(), "{err:?}");
    // At a better price than the mark it passes: equity rises.
    update(&chain, ALICE, &[(perp(BTC), -E18 / 2, 60_100 * E18)]).unwrap();
}

#[test]
fn a_batch_that_shrinks_one_position_and_grows_another_is_not_exempt() {
    let chain = listed_chain();
    update(&chain, ALICE, &[(perp(BTC), E18, BTC_PRICE)]).unwrap();
    chain.set_collateral(ALICE, 1_000 * E18);
    let err = update(
        &chain,
        ALICE,
        &[(perp(BTC), -E18 / 2, BTC_PRICE), (perp(ETH), -E18, 3_000 * E18)],
    )
    .unwrap_err();
    assert!(err.decode::<InsufficientMargin>().is_some(), "{err:?}");
}

#[test]
fn set_trade_bands_sets_both_bands_for_the_risk_admin_only() {
    let chain = listed_chain();
    chain
        .as_(RISK_ADMIN)
        .ch()
        .set_trade_bands(ETH, MAX_BAND, 1)
        .unwrap();
    chain.assert_last_event(TradeBandsSet {
        underlying: u256(1),
        futureBand: MAX_BAND,
        optionBand: 1,
    });
    assert_eq!(chain.ch().trade_bands(ETH), (MAX_BAND, 1));
    assert_eq!(chain.ch().trade_bands(BTC), (FUTURE_BAND, OPTION_BAND));
    assert_unchanged(
        &chain,
        || chain.as_(ALICE).ch().set_trade_bands(BTC, E18 / 100, E18 / 100),
        NotRiskAdmin { caller: ALICE },
    );
    assert_unchanged(
        &chain,
        || {
            chain
                .as_(RISK_ADMIN)
                .ch()
                .set_trade_bands(2, E18 / 100, E18 / 100)
        },
        UnknownUnderlying { index: u256(2) },
    );
    for (future, option, bad) in [
        (0, E18 / 100, 0),
        (E18 / 100, MAX_BAND + 1, MAX_BAND + 1),
        (-1, 1, -1),
    ] {
        assert_unchanged(
            &chain,
            || chain.as_(RISK_ADMIN).ch().set_trade_bands(BTC, future, option),
            InvalidTradeBand { band: wad(bad) },
        );
    }
}

#[test]
fn before_its_bands_are_set_an_underlying_trades_only_at_the_mark() {
    let chain = initialized_chain();
    list(&chain, BTC, BTC_FEED, &pm_risk::defaults::BTC);
    let risk = pm_risk::defaults::risk(&[]);
    chain
        .as_(RISK_ADMIN)
        .ch()
        .set_risk_params(risk.grid_levels, pm_risk::wire::scalars_of(&risk))
        .unwrap();
    post_update(&chain, &[BTC_VOL], &[]);
    chain.as_(OWNER).ch().set_market(MARKET, true).unwrap();
    chain.as_(ALICE).ch().approve_market(MARKET, true);
    chain.set_collateral(ALICE, COLLATERAL);
    assert_eq!(chain.ch().trade_bands(BTC), (0, 0));
    assert!(update(&chain, ALICE, &[(perp(BTC), E18, BTC_PRICE + 1)])
        .unwrap_err()
        .decode::<TradePriceOutsideBand>()
        .is_some());
    update(&chain, ALICE, &[(perp(BTC), E18, BTC_PRICE)]).unwrap();
}
