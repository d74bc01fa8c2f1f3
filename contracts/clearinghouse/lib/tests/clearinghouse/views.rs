//! The read-only answers: margin figures (against `pm-risk` run natively on the same book),
//! the margin of a hypothetical collateral value, positions, risk by underlying, the packed risk
//! request, simulation and instrument ids.

use alloy_primitives::{Bytes, I256, U256};
use pm_clearinghouse::errors::*;
use pm_clearinghouse::instrument::{id_of, Spec};
use pm_clearinghouse::NO_ANSWER;
use pm_risk::wire::decode;
use pm_risk::{liquidation, margin, Account, RiskError};

use crate::support::*;

const BTC_PRICE: i128 = 60_000 * E18;
const EXPIRY: u64 = NOW + 30 * DAY;

/// ALICE's book: long 2 BTC calls, short 1 BTC perp, long 10 ETH puts, short 4 ETH futures.
fn book() -> Vec<(u128, i128)> {
    vec![
        (call(BTC, EXPIRY, 62_000), 2 * E18),
        (perp(BTC), -E18),
        (put(ETH, EXPIRY, 2_800), 10 * E18),
        (future(ETH, EXPIRY), -4 * E18),
    ]
}

fn book_chain() -> Chain {
    let chain = listed_chain();
    let prices = [2_400 * E18, BTC_PRICE, 90 * E18, 3_020 * E18];
    for ((instrument, size), price) in book().into_iter().zip(prices) {
        trade(&chain, ALICE, instrument, size, price);
    }
    chain
}

#[test]
fn account_margin_of_an_empty_book_is_the_collateral_without_a_risk_call() {
    let chain = listed_chain();
    let calls = chain.calls_to(RISK_PROGRAM).len();
    let c = wad(COLLATERAL);
    assert_eq!(
        chain.ch().account_margin(ALICE).unwrap(),
        (
            c,
            I256::ZERO,
            I256::ZERO,
            I256::ZERO,
            I256::ZERO,
            c,
            I256::ZERO,
            false
        )
    );
    chain.set_collateral(CAROL, -E18);
    assert!(
        chain.ch().account_margin(CAROL).unwrap().7,
        "debt alone is liquidatable"
    );
    assert_eq!(chain.calls_to(RISK_PROGRAM).len(), calls);
}

#[test]
fn account_margin_agrees_with_pm_risk_on_the_same_book() {
    let chain = book_chain();
    let figures = chain.ch().account_margin(ALICE).unwrap();
    assert_eq!(
        figures,
        Model::standard().margin(&chain, chain.collateral_of(ALICE), &book())
    );
    let (equity, initial, maintenance, isolated_initial, _, free, utilisation, liquidatable) = figures;
    assert!(initial > maintenance && maintenance > I256::ZERO);
    assert!(
        isolated_initial >= initial,
        "portfolio margin never exceeds isolated"
    );
    assert_eq!(free, equity - initial);
    assert!(utilisation > I256::ZERO && !liquidatable);
}

#[test]
fn account_margin_follows_the_feed_price() {
    let chain = book_chain();
    let before = chain.ch().account_margin(ALICE).unwrap();
    chain.set_price(BTC_FEED, 54_000 * 100_000_000);
    let after = chain.ch().account_margin(ALICE).unwrap();
    assert_ne!(after, before);
    assert_eq!(
        after,
        Model::standard().margin(&chain, chain.collateral_of(ALICE), &book())
    );
}

#[test]
fn account_margin_shows_a_liquidatable_account() {
    let chain = book_chain();
    chain.set_collateral(ALICE, -100_000 * E18);
    let figures = chain.ch().account_margin(ALICE).unwrap();
    assert_eq!(
        figures,
        Model::standard().margin(&chain, chain.collateral_of(ALICE), &book())
    );
    assert!(figures.7 && figures.0 < figures.2);
}

#[test]
fn account_margin_reverts_with_the_vaults_revert_data_or_its_undecodable_answer() {
    let chain = book_chain();
    chain.vault(|v| v.revert_with = Some(b"halt".to_vec()));
    assert_unchanged(
        &chain,
        || chain.ch().account_margin(ALICE),
        VaultCallFailed {
            reason: Bytes::from_static(b"halt"),
        },
    );
    chain.vault(|v| {
        v.revert_with = None;
        v.answer_with = Some(vec![1, 2, 3]);
    });
    assert_unchanged(
        &chain,
        || chain.ch().account_margin(ALICE),
        VaultCallFailed {
            reason: Bytes::from(vec![1, 2, 3]),
        },
    );
}

#[test]
fn account_margin_reverts_with_the_risk_programs_code() {
    let chain = book_chain();
    chain.set_price(ETH_FEED, 2_000_000_000 * 100_000_000);
    assert_unchanged(
        &chain,
        || chain.ch().account_margin(ALICE),
        RiskCheckFailed {
            code: RiskError::PriceOutOfRange.code(),
        },
    );
}

#[test]
fn account_margin_reports_no_answer_when_the_risk_program_answers_garbage_or_reverts_empty() {
    let chain = book_chain();
    chain.register_fn(RISK_PROGRAM, |_: &Incoming<'_>| Ok(vec![0; 31]));
    assert_unchanged(
        &chain,
        || chain.ch().account_margin(ALICE),
        RiskCheckFailed { code: NO_ANSWER },
    );
    chain.register_fn(RISK_PROGRAM, |_: &Incoming<'_>| Err(vec![]));
    assert_unchanged(
        &chain,
        || chain.ch().account_margin(ALICE),
        RiskCheckFailed { code: 255 },
    );
}

#[test]
fn account_margin_reverts_for_a_collateral_value_beyond_int128() {
    let chain = book_chain();
    chain.vault(|v| v.values.insert(ALICE, I256::ONE << 200));
    assert_unchanged(&chain, || chain.ch().account_margin(ALICE), ArithmeticOverflow {});
}

#[test]
fn account_margin_reverts_with_the_price_errors_of_a_held_underlying() {
    let chain = book_chain();
    chain.feed_mut(ETH_FEED, |f| f.answer = I256::MINUS_ONE);
    assert_unchanged(
        &chain,
        || chain.ch().account_margin(ALICE),
        InvalidPrice {
            oracle: ETH_FEED,
            answer: I256::MINUS_ONE,
        },
    );
}

#[test]
fn margin_for_margins_the_book_at_the_given_collateral_value_without_asking_the_vault() {
    let chain = book_chain();
    chain.vault(|v| v.revert_with = Some(vec![]));
    for value in [250_000 * E18, 1, -5_000 * E18 - 1] {
        let (equity, initial, ..) = Model::standard().margin(&chain, wad(value), &book());
        assert_eq!(
            chain.ch().margin_for(ALICE, wad(value)).unwrap(),
            (equity, initial)
        );
    }
    // An empty book owes nothing: equity is the value given.
    assert_eq!(
        chain.ch().margin_for(CAROL, wad(-7)).unwrap(),
        (wad(-7), I256::ZERO)
    );
}

#[test]
fn margin_for_reverts_with_the_errors_of_a_check() {
    let chain = book_chain();
    chain.advance_to(NOW + u64::from(VOL_MAX_AGE) + 1);
    assert_unchanged(
        &chain,
        || chain.ch().margin_for(ALICE, wad(COLLATERAL)),
        StaleVolatility {
            underlying: U256::ZERO,
            updatedAt: U256::from(NOW),
            maxAge: U256::from(VOL_MAX_AGE),
            timestamp: U256::from(NOW + u64::from(VOL_MAX_AGE) + 1),
        },
    );
}

#[test]
fn positions_lists_the_book_in_storage_order_and_a_closed_one_gives_its_place_to_the_last() {
    let chain = listed_chain();
    let (a, b, c, d) = (perp(BTC), perp(ETH), future(BTC, EXPIRY), future(ETH, EXPIRY));
    for id in [a, b, c, d] {
        trade(&chain, ALICE, id, E18 / 10, at_mark(id));
    }
    assert_eq!(chain.ch().positions(ALICE).0, vec![a, b, c, d]);
    // Two to a word: [a, b], [c, d].
    assert_eq!(chain.position_words(ALICE).len(), 2);
    trade(&chain, ALICE, a, -E18 / 10, at_mark(a));
    assert_eq!(chain.ch().positions(ALICE).0, vec![d, b, c]);
    // Closing the last one just drops it, and its word.
    trade(&chain, ALICE, c, -E18 / 10, at_mark(c));
    assert_eq!(
        chain.ch().positions(ALICE),
        (vec![d, b], vec![E18 / 10, E18 / 10])
    );
    assert_eq!(chain.position_words(ALICE).len(), 1);
    // A reopened position goes to the end.
    trade(&chain, ALICE, a, -E18 / 10, at_mark(a));
    assert_eq!(
        chain.ch().positions(ALICE),
        (vec![d, b, a], vec![E18 / 10, E18 / 10, -E18 / 10])
    );
    assert_eq!(chain.ch().positions(CAROL), (vec![], vec![]));
}

#[test]
fn risk_by_underlying_agrees_with_pm_risk_per_held_underlying_in_ascending_order() {
    let chain = listed_chain();
    // ETH first in storage: the answer is still by ascending underlying.
    trade(&chain, ALICE, put(ETH, EXPIRY, 2_800), 10 * E18, 90 * E18);
    trade(&chain, ALICE, call(BTC, EXPIRY, 62_000), 2 * E18, 2_400 * E18);
    let book = [
        (put(ETH, EXPIRY, 2_800), 10 * E18),
        (call(BTC, EXPIRY, 62_000), 2 * E18),
    ];
    let risk = chain.ch().risk_by_underlying(ALICE).unwrap();
    assert_eq!(risk.0, vec![BTC, ETH]);
    assert_eq!(
        risk,
        Model::standard().risk_by_underlying(&chain, chain.collateral_of(ALICE), &book)
    );
    // Options have gamma and vega; a long call a positive delta, a long put a negative one.
    assert!(risk.1[0] > I256::ZERO && risk.1[1] < I256::ZERO);
    assert!(risk.2.iter().chain(&risk.3).all(|v| *v > I256::ZERO));
}

#[test]
fn risk_by_underlying_of_a_single_underlying_book() {
    let chain = book_chain();
    trade(&chain, BOB, perp(ETH), -3 * E18, 3_000 * E18);
    let risk = chain.ch().risk_by_underlying(BOB).unwrap();
    assert_eq!(
        risk,
        Model::standard().risk_by_underlying(&chain, chain.collateral_of(BOB), &[(perp(ETH), -3 * E18)])
    );
    assert_eq!(risk.0, vec![ETH]);
    assert_eq!(risk.1, vec![wad(-3 * E18)]);
    assert_eq!(risk.2, vec![I256::ZERO]);
    // A short loses on the way up: the worst move is the largest rise.
    assert!(risk.5[0] > I256::ZERO);
}

#[test]
fn risk_by_underlying_of_an_empty_book_is_empty_without_a_call() {
    let chain = listed_chain();
    chain.vault(|v| v.revert_with = Some(vec![]));
    assert_eq!(
        chain.ch().risk_by_underlying(CAROL).unwrap(),
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![], vec![])
    );
}

#[test]
fn risk_by_underlying_reverts_with_the_errors_of_a_check() {
    let chain = book_chain();
    chain.vault(|v| v.revert_with = Some(b"x".to_vec()));
    assert_unchanged(
        &chain,
        || chain.ch().risk_by_underlying(ALICE),
        VaultCallFailed {
            reason: Bytes::from_static(b"x"),
        },
    );
}

#[test]
fn risk_request_decodes_to_the_request_of_the_book_and_margins_natively_to_account_margin() {
    let chain = book_chain();
    let bytes = chain.ch().risk_request(ALICE).unwrap();
    let request = decode(&bytes).unwrap();
    assert_eq!(
        request,
        Model::standard().request(&chain, chain.collateral_of(ALICE), &book())
    );
    // Replayed off-chain with pm-risk, the request gives account_margin's figures.
    let report = margin(
        &Account {
            collateral: request.collateral,
            positions: &request.positions,
            now: request.now,
        },
        &request.underlyings,
        &request.params(),
    )
    .unwrap();
    let figures = chain.ch().account_margin(ALICE).unwrap();
    assert_eq!(
        figures,
        (
            usd(report.equity),
            usd(report.initial),
            usd(report.maintenance),
            usd(report.isolated_initial),
            usd(report.isolated_maintenance),
            usd(report.free_collateral),
            wad(report.utilisation),
            liquidation(&report).unwrap().liquidatable,
        )
    );
    // And the real risk program answers it exactly as the clearinghouse's check does.
    assert!(pm_risk_program::answer(&bytes).is_ok());
}

#[test]
fn risk_request_leaves_out_underlyings_the_account_does_not_hold() {
    let chain = listed_chain();
    trade(&chain, ALICE, perp(ETH), E18, 3_000 * E18);
    let request = decode(&chain.ch().risk_request(ALICE).unwrap()).unwrap();
    assert_eq!(request.underlyings.len(), 1);
    assert_eq!(request.underlyings[0].market.price, 3_000 * E18);
    assert_eq!(request.correlation, vec![E18]);
    assert_eq!(
        request.positions[0].underlying, 0,
        "compacted to the request's index"
    );
}

#[test]
fn risk_request_rounds_the_collateral_down_to_the_micro_dollar() {
    let chain = listed_chain();
    chain.set_collateral(CAROL, 1_999_999_999_999);
    assert_eq!(
        decode(&chain.ch().risk_request(CAROL).unwrap())
            .unwrap()
            .collateral,
        1
    );
    chain.set_collateral(CAROL, -1);
    assert_eq!(
        decode(&chain.ch().risk_request(CAROL).unwrap())
            .unwrap()
            .collateral,
        -1
    );
}

#[test]
fn risk_request_reverts_with_the_vaults_or_the_feeds_errors_or_a_stale_vol() {
    let chain = book_chain();
    let later = NOW + u64::from(VOL_MAX_AGE) + 1;
    chain.advance_to(later);
    assert_unchanged(
        &chain,
        || chain.ch().risk_request(ALICE),
        StaleVolatility {
            underlying: U256::ZERO,
            updatedAt: U256::from(NOW),
            maxAge: U256::from(VOL_MAX_AGE),
            timestamp: U256::from(later),
        },
    );
    post_vols(&chain);
    chain.feed_mut(BTC_FEED, |f| f.reverts = true);
    assert_unchanged(
        &chain,
        || chain.ch().risk_request(ALICE),
        OracleCallFailed { oracle: BTC_FEED },
    );
    chain.vault(|v| v.revert_with = Some(b"v".to_vec()));
    assert_unchanged(
        &chain,
        || chain.ch().risk_request(ALICE),
        VaultCallFailed {
            reason: Bytes::from_static(b"v"),
        },
    );
}

#[test]
fn simulate_answers_the_margin_after_the_changes_and_changes_nothing() {
    let chain = book_chain();
    let (instruments, deltas, prices) = (
        vec![perp(BTC), put(ETH, EXPIRY, 2_800), call(BTC, EXPIRY, 70_000)],
        vec![E18, -10 * E18, E18 / 2],
        vec![BTC_PRICE, 95 * E18, 500 * E18],
    );
    let storage = chain.storage_snapshot();
    let (ledger, logs) = (chain.ledger(), chain.logs().len());
    let simulated = chain
        .ch()
        .simulate(ALICE, instruments.clone(), deltas.clone(), prices.clone())
        .unwrap();
    assert_eq!(chain.storage_snapshot(), storage);
    assert_eq!(chain.ledger(), ledger);
    assert_eq!(chain.logs().len(), logs);
    // The perp and the put close (the put's place goes to the last), the new call is appended;
    // the cash is −60,000 + 950 − 250 USD.
    let after = vec![
        (call(BTC, EXPIRY, 62_000), 2 * E18),
        (future(ETH, EXPIRY), -4 * E18),
        (call(BTC, EXPIRY, 70_000), E18 / 2),
    ];
    let collateral = chain.collateral_of(ALICE) - wad(59_300 * E18);
    assert_eq!(simulated, Model::standard().margin(&chain, collateral, &after));
    // Making the trades gives the simulated figures.
    chain
        .as_(MARKET)
        .ch()
        .update_positions(ALICE, instruments, deltas, prices)
        .unwrap();
    assert_eq!(chain.ch().account_margin(ALICE).unwrap(), simulated);
    assert_eq!(
        chain.ch().positions(ALICE).0,
        after.iter().map(|p| p.0).collect::<Vec<_>>()
    );
}

#[test]
fn simulate_of_no_changes_is_the_current_margin() {
    let chain = book_chain();
    assert_eq!(
        chain.ch().simulate(ALICE, vec![], vec![], vec![]).unwrap(),
        chain.ch().account_margin(ALICE).unwrap()
    );
}

#[test]
fn simulate_shows_a_shortfall_instead_of_reverting() {
    let chain = listed_chain();
    let simulated = chain
        .ch()
        .simulate(ALICE, vec![perp(BTC)], vec![20 * E18], vec![BTC_PRICE])
        .unwrap();
    assert_eq!(
        simulated,
        Model::standard().margin(
            &chain,
            wad(COLLATERAL - 1_200_000 * E18),
            &[(perp(BTC), 20 * E18)]
        )
    );
    assert!(simulated.5 < I256::ZERO, "negative free collateral");
}

#[test]
fn simulate_reverts_for_the_errors_of_each_change() {
    let chain = book_chain();
    let sim = |instrument: u128, delta: i128, price: i128| {
        chain
            .ch()
            .simulate(ALICE, vec![instrument], vec![delta], vec![price])
    };
    assert_unchanged(
        &chain,
        || chain.ch().simulate(ALICE, vec![perp(BTC)], vec![], vec![]),
        LengthMismatch {},
    );
    assert_unchanged(
        &chain,
        || sim(perp(3), E18, 1),
        InvalidInstrument { instrument: perp(3) },
    );
    assert_unchanged(
        &chain,
        || sim(future(BTC, NOW), E18, 1),
        InstrumentNotTradable {
            instrument: future(BTC, NOW),
            timestamp: U256::from(NOW),
        },
    );
    assert_unchanged(
        &chain,
        || sim(perp(BTC), E18, -1),
        InvalidTradePrice { price: wad(-1) },
    );
    assert_unchanged(
        &chain,
        || sim(perp(BTC), 0, 1),
        InvalidSize {
            instrument: perp(BTC),
            size: wad(-E18),
        },
    );
    chain.vault(|v| v.revert_with = Some(b"z".to_vec()));
    assert_unchanged(
        &chain,
        || sim(perp(BTC), E18, 1),
        VaultCallFailed {
            reason: Bytes::from_static(b"z"),
        },
    );
}

#[test]
fn instrument_id_packs_underlying_kind_expiry_and_strike_from_the_top() {
    let ch = listed_chain().ch();
    assert_eq!(ch.instrument_id(1, 0, 0, 0), 1 << 120);
    let expiry = 1_800_086_400u64;
    let strike = 6_500_000_000_000u128; // 65,000 USD with 8 decimals
    assert_eq!(
        ch.instrument_id(3, 2, expiry, strike),
        (3 << 120) | (2 << 112) | (u128::from(expiry) << 72) | strike
    );
    assert_eq!(
        ch.instrument_id(0, 3, expiry, strike),
        id_of(&Spec {
            underlying: 0,
            kind: 3,
            expiry,
            strike,
        })
    );
    // Fields wider than their bits are cut.
    assert_eq!(
        ch.instrument_id(0, 1, (1 << 40) | 5, 0),
        ch.instrument_id(0, 1, 5, 0)
    );
    assert_eq!(
        ch.instrument_id(0, 2, 5, (1 << 72) | 9),
        ch.instrument_id(0, 2, 5, 9)
    );
}

#[test]
fn an_instrument_id_from_the_view_trades_as_that_instrument() {
    let chain = listed_chain();
    let id = chain.ch().instrument_id(ETH, 3, EXPIRY, 2_800 * 100_000_000);
    assert_eq!(id, put(ETH, EXPIRY, 2_800));
    trade(&chain, ALICE, id, E18, 90 * E18);
    let request = decode(&chain.ch().risk_request(ALICE).unwrap()).unwrap();
    assert_eq!(
        request.positions[0].instrument,
        pm_risk::Instrument::Put {
            strike: 2_800 * E18,
            expiry: EXPIRY,
        }
    );
}
