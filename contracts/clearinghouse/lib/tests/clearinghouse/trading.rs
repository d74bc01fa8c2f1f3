//! Trades reported by markets: positions, their cash through the vault (rounded against the
//! account), with the real risk math. The rules that judge the account after a change (bands,
//! initial margin, the exemption) are in `rules.rs`.

use alloy_primitives::{I256, U256};
use pm_clearinghouse::errors::*;
use pm_clearinghouse::events::*;
use pm_clearinghouse::instrument::{id_of, Spec, CALL, PERP};
use pm_clearinghouse::MAX_ACCOUNT_POSITIONS;
use pm_risk::units::{MAX_EXPIRY_SECONDS, MAX_PRICE, MAX_SIZE};

use crate::support::*;

const BTC_PRICE: i128 = 60_000 * E18;

fn update(chain: &Chain, instrument: u128, delta: i128, price: i128) -> Result<()> {
    chain
        .as_(MARKET)
        .ch()
        .update_position(ALICE, instrument, delta, price)
}

fn settlement(account: alloy_primitives::Address, amount: i128) -> Settlement {
    Settlement {
        account,
        counterparty: MARKET,
        amount: wad(amount),
    }
}

#[test]
fn update_position_opens_a_position_settles_its_cash_and_emits_position_updated() {
    let chain = listed_chain();
    update(&chain, perp(BTC), E18, BTC_PRICE).unwrap();
    chain.assert_last_event(PositionUpdated {
        account: ALICE,
        market: MARKET,
        instrument: perp(BTC),
        sizeDelta: E18,
        price: BTC_PRICE,
        size: E18,
    });
    assert_eq!(chain.ch().positions(ALICE), (vec![perp(BTC)], vec![E18]));
    // The buyer paid 60,000 USDC to the market.
    assert_eq!(chain.ledger(), vec![settlement(ALICE, -60_000 * USDC_UNIT)]);
    let book = [(perp(BTC), E18)];
    assert_eq!(
        chain.ch().account_margin(ALICE).unwrap(),
        Model::standard().margin(&chain, chain.collateral_of(ALICE), &book)
    );
}

#[test]
fn update_position_changes_a_held_position_in_place() {
    let chain = listed_chain();
    update(&chain, perp(BTC), E18, BTC_PRICE).unwrap();
    update(&chain, perp(ETH), -E18, 3_000 * E18).unwrap();
    update(&chain, perp(BTC), E18 / 2, 61_000 * E18).unwrap();
    chain.assert_last_event(PositionUpdated {
        account: ALICE,
        market: MARKET,
        instrument: perp(BTC),
        sizeDelta: E18 / 2,
        price: 61_000 * E18,
        size: 3 * E18 / 2,
    });
    assert_eq!(
        chain.ch().positions(ALICE),
        (vec![perp(BTC), perp(ETH)], vec![3 * E18 / 2, -E18])
    );
    assert_eq!(
        chain.ledger(),
        vec![
            settlement(ALICE, -60_000 * USDC_UNIT),
            settlement(ALICE, 3_000 * USDC_UNIT),
            settlement(ALICE, -30_500 * USDC_UNIT),
        ]
    );
}

#[test]
fn update_positions_applies_a_batch_settles_its_net_cash_once_and_checks_margin_once() {
    let chain = listed_chain();
    let logs = chain.logs().len();
    let calls = chain.calls().len();
    let expiry = NOW + 30 * DAY;
    let (btc_call, eth_future) = (call(BTC, expiry, 65_000), future(ETH, expiry));
    chain
        .as_(MARKET)
        .ch()
        .update_positions(
            ALICE,
            vec![btc_call, eth_future, btc_call],
            vec![2 * E18, -5 * E18, -E18],
            vec![1_500 * E18, 3_010 * E18, 1_600 * E18],
        )
        .unwrap();
    let updated = |instrument, delta, price, size| {
        event(&PositionUpdated {
            account: ALICE,
            market: MARKET,
            instrument,
            sizeDelta: delta,
            price,
            size,
        })
    };
    assert_eq!(
        chain.logs_since(logs),
        vec![
            updated(btc_call, 2 * E18, 1_500 * E18, 2 * E18),
            updated(eth_future, -5 * E18, 3_010 * E18, -5 * E18),
            updated(btc_call, -E18, 1_600 * E18, E18),
        ]
    );
    // −3,000 + 15,050 + 1,600 USDC, in one settlement.
    assert_eq!(chain.ledger(), vec![settlement(ALICE, 13_650 * USDC_UNIT)]);
    let new_calls = &chain.calls()[calls..];
    assert_eq!(new_calls.iter().filter(|c| c.to == RISK_PROGRAM).count(), 1);
    assert_eq!(
        chain.ch().positions(ALICE),
        (vec![btc_call, eth_future], vec![E18, -5 * E18])
    );
}

#[test]
fn the_buyer_pays_rounded_up_and_the_seller_receives_rounded_down() {
    let chain = listed_chain();
    // 1 unit at 60,000.0000005 USD: 60,000.000000 5 USDC, between two token units.
    let price = BTC_PRICE + 500_000_000_000;
    update(&chain, perp(BTC), E18, price).unwrap();
    chain
        .as_(MARKET)
        .ch()
        .update_position(BOB, perp(BTC), -E18, price)
        .unwrap();
    assert_eq!(
        chain.ledger(),
        vec![
            settlement(ALICE, -60_000_000_001),
            settlement(BOB, 60_000_000_000),
        ]
    );
    // The market keeps the rounding: it received one unit more than it paid.
    assert_eq!(chain.vault(|v| v.net_settled(MARKET)), wad(1));
}

#[test]
fn a_trade_at_price_zero_moves_no_cash() {
    let chain = listed_chain();
    update(&chain, call(BTC, NOW + 30 * DAY, 80_000), E18 / 10, 0).unwrap();
    assert!(chain.ledger().is_empty());
    assert!(chain.calls_to(VAULT).iter().all(|c| c.kind == CallKind::Static));
}

#[test]
fn update_position_reverts_for_a_caller_that_is_not_an_authorised_market() {
    let chain = listed_chain();
    for caller in [ALICE, OTHER_MARKET] {
        assert_unchanged(
            &chain,
            || {
                chain
                    .as_(caller)
                    .ch()
                    .update_position(ALICE, perp(BTC), E18, BTC_PRICE)
            },
            MarketNotAuthorised { market: caller },
        );
        assert_unchanged(
            &chain,
            || {
                chain
                    .as_(caller)
                    .ch()
                    .update_positions(ALICE, vec![perp(BTC)], vec![E18], vec![BTC_PRICE])
            },
            MarketNotAuthorised { market: caller },
        );
    }
}

#[test]
fn update_position_reverts_for_an_account_that_did_not_approve_the_market() {
    let chain = listed_chain();
    assert_unchanged(
        &chain,
        || {
            chain
                .as_(MARKET)
                .ch()
                .update_position(CAROL, perp(BTC), E18, BTC_PRICE)
        },
        MarketNotApproved {
            account: CAROL,
            market: MARKET,
        },
    );
}

#[test]
fn update_position_reverts_for_ids_that_are_not_instruments() {
    let chain = listed_chain();
    let expiry = NOW + DAY;
    let spec = |kind, expiry, strike| {
        id_of(&Spec {
            underlying: BTC,
            kind,
            expiry,
            strike,
        })
    };
    for instrument in [
        perp(2),                           // underlying not listed
        perp(64),                          // nor one that would set a word's last mark (bit 126)
        spec(PERP, expiry, 0),             // a perp with an expiry
        spec(PERP, 0, 1),                  // a perp with a strike
        future(BTC, 0),                    // a future without expiry
        spec(1, expiry, 100_000_000),      // a future with a strike
        spec(CALL, expiry, 0),             // an option without strike
        spec(CALL, expiry, (1 << 72) - 1), // a strike above the largest price
        spec(CALL, 0, 100_000_000),        // an option without expiry
        spec(4, expiry, 0),                // an unknown kind
    ] {
        assert_unchanged(
            &chain,
            || update(&chain, instrument, E18, BTC_PRICE),
            InvalidInstrument { instrument },
        );
    }
}

#[test]
fn update_position_reverts_for_an_expired_instrument_or_one_beyond_five_years() {
    let chain = listed_chain();
    for instrument in [
        future(BTC, NOW),
        future(BTC, NOW - 1),
        put(BTC, NOW, 50_000),
        future(BTC, NOW + MAX_EXPIRY_SECONDS + 1),
    ] {
        assert_unchanged(
            &chain,
            || update(&chain, instrument, E18 / 10, BTC_PRICE),
            InstrumentNotTradable {
                instrument,
                timestamp: U256::from(NOW),
            },
        );
    }
}

#[test]
fn instruments_trade_until_one_second_before_expiry_and_up_to_five_years_out() {
    let chain = listed_chain();
    update(&chain, future(BTC, NOW + 1), E18 / 10, BTC_PRICE).unwrap();
    update(&chain, future(BTC, NOW + MAX_EXPIRY_SECONDS), E18 / 10, BTC_PRICE).unwrap();
    assert_eq!(chain.ch().positions(ALICE).0.len(), 2);
}

#[test]
fn update_position_reverts_for_a_negative_price_or_one_above_the_largest() {
    let chain = listed_chain();
    for price in [-1, MAX_PRICE + 1, i128::MIN] {
        assert_unchanged(
            &chain,
            || update(&chain, perp(BTC), E18, price),
            InvalidTradePrice { price: wad(price) },
        );
    }
}

#[test]
fn update_position_reverts_for_a_zero_change() {
    let chain = listed_chain();
    assert_unchanged(
        &chain,
        || update(&chain, perp(BTC), 0, BTC_PRICE),
        InvalidSize {
            instrument: perp(BTC),
            size: I256::ZERO,
        },
    );
    update(&chain, perp(BTC), E18, BTC_PRICE).unwrap();
    assert_unchanged(
        &chain,
        || update(&chain, perp(BTC), 0, BTC_PRICE),
        InvalidSize {
            instrument: perp(BTC),
            size: wad(E18),
        },
    );
}

#[test]
fn update_position_reverts_for_a_size_beyond_the_largest() {
    let chain = listed_chain();
    update(&chain, perp(BTC), E18, BTC_PRICE).unwrap();
    for (delta, size) in [
        (MAX_SIZE, MAX_SIZE + E18),
        (-MAX_SIZE - 2 * E18, -MAX_SIZE - E18),
        // The sum overflows `int128`: the error shows it saturated.
        (i128::MAX, i128::MAX),
    ] {
        assert_unchanged(
            &chain,
            || update(&chain, perp(BTC), delta, E18),
            InvalidSize {
                instrument: perp(BTC),
                size: wad(size),
            },
        );
    }
}

#[test]
fn update_positions_reverts_for_an_empty_batch() {
    let chain = listed_chain();
    assert_unchanged(
        &chain,
        || {
            chain
                .as_(MARKET)
                .ch()
                .update_positions(ALICE, vec![], vec![], vec![])
        },
        LengthMismatch {},
    );
}

#[test]
fn update_positions_reverts_for_arrays_of_different_lengths() {
    let chain = listed_chain();
    for (instruments, deltas, prices) in [
        (vec![perp(BTC)], vec![E18, E18], vec![BTC_PRICE]),
        (vec![perp(BTC)], vec![E18], vec![]),
        (vec![perp(BTC), perp(ETH)], vec![E18], vec![BTC_PRICE]),
    ] {
        assert_unchanged(
            &chain,
            || {
                chain.as_(MARKET).ch().update_positions(
                    ALICE,
                    instruments.clone(),
                    deltas.clone(),
                    prices.clone(),
                )
            },
            LengthMismatch {},
        );
    }
}

#[test]
fn update_position_reverts_for_a_new_position_beyond_one_hundred_and_twenty_eight() {
    let chain = listed_chain();
    let futures: Vec<u128> = (1..=128).map(|k| future(BTC, NOW + k * DAY)).collect();
    chain
        .as_(MARKET)
        .ch()
        .update_positions(ALICE, futures.clone(), vec![E18 / 100; 128], vec![BTC_PRICE; 128])
        .unwrap();
    assert_eq!(chain.ch().positions(ALICE).0, futures);
    // Two to a word.
    assert_eq!(chain.position_words(ALICE).len(), 64);
    assert_eq!(MAX_ACCOUNT_POSITIONS, 128);
    assert_unchanged(
        &chain,
        || update(&chain, future(BTC, NOW + 129 * DAY), E18 / 100, BTC_PRICE),
        TooManyPositions { max: U256::from(128) },
    );
    // A held position still changes.
    update(&chain, futures[5], E18 / 100, BTC_PRICE).unwrap();
    assert_eq!(chain.ch().positions(ALICE).1[5], E18 / 50);
}

#[test]
fn positions_sharing_a_word_never_disturb_each_other() {
    let chain = listed_chain();
    let (a, b) = (perp(BTC), perp(ETH));
    trade(&chain, ALICE, a, E18, at_mark(a));
    trade(&chain, ALICE, b, E18 / 2, at_mark(b));
    assert_eq!(chain.position_words(ALICE).len(), 1);
    // A third of a unit more: b's size has 18 digits, too many for a cell, and takes a word.
    trade(&chain, ALICE, b, E18 / 3, at_mark(b));
    assert_eq!(
        chain.ch().positions(ALICE),
        (vec![a, b], vec![E18, E18 / 2 + E18 / 3])
    );
    assert_eq!(chain.position_words(ALICE).len(), 2);
    // Back to a round size: b returns to a cell beside a, and the second word is erased.
    let stored = || chain.storage_snapshot().iter().filter(|s| !s.1.is_zero()).count();
    let before = stored();
    trade(&chain, ALICE, b, -E18 / 3, at_mark(b));
    assert_eq!(chain.ch().positions(ALICE), (vec![a, b], vec![E18, E18 / 2]));
    assert_eq!(chain.position_words(ALICE).len(), 1);
    assert_eq!(stored(), before - 1);
    // Closing one leaves the other in its cell; closing both erases the word.
    trade(&chain, ALICE, a, -E18, at_mark(a));
    assert_eq!(chain.ch().positions(ALICE), (vec![b], vec![E18 / 2]));
    let snapshot = stored();
    trade(&chain, ALICE, b, -E18 / 2, at_mark(b));
    assert_eq!(chain.ch().positions(ALICE), (vec![], vec![]));
    assert!(chain.position_words(ALICE).is_empty());
    // The word is gone from storage (the list keeps no length).
    assert_eq!(stored(), snapshot - 1);
}

// The errors below come from the margin check or the vault, after the change is written and (but
// for the vault's own failure) its cash settled: on-chain they revert the whole transaction; the
// TestVM host has no rollback, so these tests show the error (with the real math's figures) only.

#[test]
fn update_position_reverts_with_the_exact_shortfall_when_equity_is_below_initial_margin() {
    let chain = listed_chain();
    let book = [(perp(BTC), 20 * E18)];
    // After paying 1.2M USD: collateral −1.1M, equity 100k.
    let collateral = wad(COLLATERAL - 1_200_000 * E18);
    let (equity, initial, ..) = Model::standard().margin(&chain, collateral, &book);
    assert_eq!(equity, wad(COLLATERAL));
    assert!(initial > equity);
    assert_reverts(
        update(&chain, perp(BTC), 20 * E18, BTC_PRICE),
        InsufficientMargin {
            account: ALICE,
            equity,
            initialMargin: initial,
            shortfall: (initial - equity).into_raw(),
        },
    );
}

#[test]
fn a_risk_adding_change_in_an_account_below_initial_margin_reverts() {
    // An increase, and a flip from long to short (not a reduction).
    for (delta, size) in [(E18 / 10, 11 * E18 / 10), (-2 * E18, -E18)] {
        let chain = listed_chain();
        update(&chain, perp(BTC), E18, BTC_PRICE).unwrap();
        chain.set_collateral(ALICE, 1_000 * E18);
        let result = update(&chain, perp(BTC), delta, BTC_PRICE);
        let (equity, initial, ..) =
            Model::standard().margin(&chain, chain.collateral_of(ALICE), &[(perp(BTC), size)]);
        assert_eq!(equity, wad(1_000 * E18));
        assert_reverts(
            result,
            InsufficientMargin {
                account: ALICE,
                equity,
                initialMargin: initial,
                shortfall: (initial - equity).into_raw(),
            },
        );
    }
}

#[test]
fn update_position_reverts_when_the_vol_is_stale() {
    let chain = listed_chain();
    let later = NOW + u64::from(VOL_MAX_AGE) + 1;
    chain.advance_to(later);
    assert_reverts(
        update(&chain, perp(ETH), E18, 3_000 * E18),
        StaleVolatility {
            underlying: U256::from(ETH),
            updatedAt: U256::from(NOW),
            maxAge: U256::from(VOL_MAX_AGE),
            timestamp: U256::from(later),
        },
    );
}

#[test]
fn update_position_reverts_when_the_underlyings_price_is_stale() {
    let chain = listed_chain();
    chain.set_time(NOW + u64::from(HEARTBEAT) + 1);
    assert_reverts(
        update(&chain, perp(BTC), E18, BTC_PRICE),
        StalePrice {
            oracle: BTC_FEED,
            updatedAt: U256::from(NOW),
            heartbeat: U256::from(HEARTBEAT),
            timestamp: U256::from(NOW + u64::from(HEARTBEAT) + 1),
        },
    );
}

#[test]
fn update_position_reverts_with_the_vaults_revert_data_when_settling_fails() {
    let chain = listed_chain();
    chain.vault(|v| v.revert_with = Some(b"vault paused".to_vec()));
    assert_reverts(
        update(&chain, perp(BTC), E18, BTC_PRICE),
        VaultCallFailed {
            reason: b"vault paused".to_vec().into(),
        },
    );
}

#[test]
fn update_position_reverts_with_the_risk_programs_code_when_it_rejects_the_book() {
    let chain = listed_chain();
    // $2bn per BTC is beyond the risk math's largest price.
    chain.set_price(BTC_FEED, 2_000_000_000 * 100_000_000);
    assert_reverts(
        update(&chain, perp(BTC), E18 / 1000, BTC_PRICE),
        RiskCheckFailed {
            code: pm_risk::RiskError::PriceOutOfRange.code(),
        },
    );
}
