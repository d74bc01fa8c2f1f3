//! Expiry: `fix_expiry_price` fixes one settlement price per underlying and expiry from the
//! feed's first round at or after it; `settle_expired` settles expired futures and options at that
//! price, in cash against the clearinghouse's own balance in the vault, and removes them.

use alloy_primitives::{aliases::U80, Address, I256, U256};
use pm_clearinghouse::errors::*;
use pm_clearinghouse::events::*;
use pm_test_host::feeds::FIRST_ROUND;

use crate::support::*;

/// The expiry of the tests' dated instruments: one week after `NOW`.
const EXPIRY: u64 = NOW + 7 * DAY;

fn expired_cash(account: Address, amount: i128) -> Settlement {
    Settlement {
        account,
        counterparty: CLEARINGHOUSE,
        amount: wad(amount),
    }
}

/// ALICE holds a BTC future, a perp, a 58,000 call and a 50,000 put, all expiring at `EXPIRY`
/// (the perp never does).
fn book_chain() -> Chain {
    let chain = listed_chain();
    trade(&chain, ALICE, future(BTC, EXPIRY), E18, 60_000 * E18);
    trade(&chain, ALICE, perp(BTC), E18 / 2, 60_000 * E18);
    trade(&chain, ALICE, call(BTC, EXPIRY, 58_000), 2 * E18, 3_000 * E18);
    trade(&chain, ALICE, put(BTC, EXPIRY, 50_000), -E18, 100 * E18);
    chain
}

/// A new BTC round answering `usd` (whole dollars) at `at`; returns its id. The feed's first
/// round (`FIRST_ROUND`) was updated at `NOW`.
fn btc_round(chain: &Chain, usd: i128, at: u64) -> U80 {
    chain.feed_mut(BTC_FEED, |f| {
        f.push_round(wad(usd * 100_000_000), at);
        U80::from(f.round_id)
    })
}

/// Moves to `EXPIRY + 60` with a BTC round at `EXPIRY + 30` answering `usd`, fixes it, and
/// returns the round's id.
fn fix_btc(chain: &Chain, usd: i128) -> U80 {
    chain.set_time(EXPIRY + 60);
    let round = btc_round(chain, usd, EXPIRY + 30);
    chain.ch().fix_expiry_price(BTC, EXPIRY, round).unwrap();
    round
}

#[test]
fn fix_expiry_price_takes_the_first_round_at_or_after_expiry_once() {
    let chain = book_chain();
    chain.set_time(EXPIRY + 100);
    let first = btc_round(&chain, 65_000, EXPIRY);
    let later = btc_round(&chain, 70_000, EXPIRY + 50);
    assert_eq!(chain.ch().expiry_price(BTC, EXPIRY), I256::ZERO);
    // Anyone may call it.
    assert_eq!(
        chain
            .as_(CAROL)
            .ch()
            .fix_expiry_price(BTC, EXPIRY, first)
            .unwrap(),
        wad(65_000 * E18)
    );
    chain.assert_last_event(ExpiryPriceFixed {
        underlying: U256::from(BTC),
        expiry: U256::from(EXPIRY),
        roundId: first,
        price: wad(65_000 * E18),
    });
    assert_eq!(chain.ch().expiry_price(BTC, EXPIRY), wad(65_000 * E18));
    // Once fixed, any call (even naming another round) answers the stored price, changes nothing.
    let logs = chain.logs().len();
    assert_eq!(
        chain.ch().fix_expiry_price(BTC, EXPIRY, later).unwrap(),
        wad(65_000 * E18)
    );
    assert_eq!(chain.logs().len(), logs);
    // Another expiry, or the other underlying, is not fixed.
    assert_eq!(chain.ch().expiry_price(BTC, EXPIRY + 1), I256::ZERO);
    assert_eq!(chain.ch().expiry_price(ETH, EXPIRY), I256::ZERO);
}

#[test]
fn fix_expiry_price_refuses_any_round_but_the_first_after_expiry() {
    let chain = book_chain();
    chain.set_time(EXPIRY - 1);
    let before = btc_round(&chain, 64_000, EXPIRY - 1);
    assert_unchanged(
        &chain,
        || chain.ch().fix_expiry_price(BTC, EXPIRY, before),
        ExpiryNotReached {
            expiry: U256::from(EXPIRY),
            timestamp: U256::from(EXPIRY - 1),
        },
    );
    chain.set_time(EXPIRY + 2 * u64::from(HEARTBEAT));
    let first = btc_round(&chain, 65_000, EXPIRY + 10);
    let second = btc_round(&chain, 90_000, EXPIRY + 20);
    let invalid = |round: U80, updated: u64, previous: u64| InvalidSettlementRound {
        underlying: U256::from(BTC),
        expiry: U256::from(EXPIRY),
        roundId: round,
        updatedAt: U256::from(updated),
        previousUpdatedAt: U256::from(previous),
    };
    // A round before the expiry; the second after it (a keeper choosing the better price).
    assert_unchanged(
        &chain,
        || chain.ch().fix_expiry_price(BTC, EXPIRY, before),
        invalid(before, EXPIRY - 1, NOW),
    );
    assert_unchanged(
        &chain,
        || chain.ch().fix_expiry_price(BTC, EXPIRY, second),
        invalid(second, EXPIRY + 20, EXPIRY + 10),
    );
    // A round the feed never had.
    assert_unchanged(
        &chain,
        || chain.ch().fix_expiry_price(BTC, EXPIRY, second + U80::from(1u8)),
        OracleCallFailed { oracle: BTC_FEED },
    );
    // The feed's first round has none before it to prove it first.
    assert_unchanged(
        &chain,
        || chain.ch().fix_expiry_price(BTC, NOW, U80::from(FIRST_ROUND)),
        OracleCallFailed { oracle: BTC_FEED },
    );
    // An unlisted underlying.
    assert_unchanged(
        &chain,
        || chain.ch().fix_expiry_price(7, EXPIRY, first),
        UnknownUnderlying {
            index: U256::from(7u8),
        },
    );
    assert_eq!(chain.ch().expiry_price(BTC, EXPIRY), I256::ZERO);
}

#[test]
fn fix_expiry_price_refuses_a_round_whose_previous_round_answers_zeros() {
    // A new phase's first round: the feed answers the round before it with zeros (as some
    // aggregators do for a round they never had), which proves nothing.
    let chain = book_chain();
    chain.set_time(EXPIRY + 60);
    let round = chain.feed_mut(BTC_FEED, |f| {
        f.push_round(wad(65_000 * 100_000_000), EXPIRY + 30);
        f.history.insert(f.round_id - 1, (I256::ZERO, 0, 0, 0));
        U80::from(f.round_id)
    });
    assert_unchanged(
        &chain,
        || chain.ch().fix_expiry_price(BTC, EXPIRY, round),
        InvalidSettlementRound {
            underlying: U256::from(BTC),
            expiry: U256::from(EXPIRY),
            roundId: round,
            updatedAt: U256::from(EXPIRY + 30),
            previousUpdatedAt: U256::ZERO,
        },
    );
}

#[test]
fn attack_a_replaced_aggregator_cannot_offer_a_second_settlement_price() {
    // The feed's proxy moved to a new aggregator (phase 1) before the expiry; the old one (phase
    // 0) goes on posting. Both phases then hold a round that follows one before the expiry: only
    // the phase current at the expiry may settle it, or the first caller would choose the price.
    let chain = book_chain();
    chain.set_time(EXPIRY + 60);
    let old_phase = chain.feed_mut(BTC_FEED, |f| {
        f.push_phase(wad(64_000 * 100_000_000), EXPIRY - 100);
        f.push_round(wad(65_000 * 100_000_000), EXPIRY + 10);
        // The old aggregator's round after FIRST_ROUND (at `NOW`), posted after the expiry.
        let stale = FIRST_ROUND + 1;
        f.history
            .insert(stale, (wad(90_000 * 100_000_000), EXPIRY + 5, EXPIRY + 5, stale));
        U80::from(stale)
    });
    let next_phase_round = U80::from((1u128 << 64) | 1);
    assert_unchanged(
        &chain,
        || chain.ch().fix_expiry_price(BTC, EXPIRY, old_phase),
        SettlementPhaseSuperseded {
            underlying: U256::from(BTC),
            expiry: U256::from(EXPIRY),
            roundId: old_phase,
            laterPhaseRound: next_phase_round,
            laterPhaseUpdatedAt: U256::from(EXPIRY - 100),
        },
    );
    // The current phase's first round after the expiry settles it.
    let current = U80::from((1u128 << 64) | 2);
    assert_eq!(
        chain.ch().fix_expiry_price(BTC, EXPIRY, current).unwrap(),
        wad(65_000 * E18)
    );
}

#[test]
fn fix_expiry_price_takes_the_older_phase_when_the_feed_moved_after_the_expiry() {
    // The round after the expiry is the old aggregator's; the new one opened after it (at the
    // expiry itself: the old phase was current until then). The new phase's rounds cannot be
    // proved first: its first has no round before it.
    let chain = book_chain();
    chain.set_time(EXPIRY + 60);
    let (old_phase, new_phase) = chain.feed_mut(BTC_FEED, |f| {
        f.push_round(wad(65_000 * 100_000_000), EXPIRY + 10);
        let old = U80::from(f.round_id);
        f.push_phase(wad(70_000 * 100_000_000), EXPIRY);
        (old, U80::from(f.round_id))
    });
    assert_unchanged(
        &chain,
        || chain.ch().fix_expiry_price(BTC, EXPIRY, new_phase),
        OracleCallFailed { oracle: BTC_FEED },
    );
    assert_eq!(
        chain.ch().fix_expiry_price(BTC, EXPIRY, old_phase).unwrap(),
        wad(65_000 * E18)
    );
}

#[test]
fn attack_phases_opened_out_of_order_still_give_one_settlement_price() {
    // Phase 0 posts after the expiry; phase 1 opened after the expiry; then the proxy moved to
    // phase 2, an aggregator already running before the expiry. Phase 0's successor opened
    // late, but a later phase (2) had opened before the expiry: phase 2 is the one current at
    // it, and phase 0's round is refused, whoever calls first.
    let chain = book_chain();
    chain.set_time(EXPIRY + 60);
    let old = chain.feed_mut(BTC_FEED, |f| {
        f.push_round(wad(90_000 * 100_000_000), EXPIRY + 10);
        let old = U80::from(f.round_id);
        f.push_phase(wad(70_000 * 100_000_000), EXPIRY + 20);
        f.push_phase(wad(64_000 * 100_000_000), EXPIRY - 50);
        f.push_round(wad(65_000 * 100_000_000), EXPIRY + 15);
        old
    });
    assert_unchanged(
        &chain,
        || chain.ch().fix_expiry_price(BTC, EXPIRY, old),
        SettlementPhaseSuperseded {
            underlying: U256::from(BTC),
            expiry: U256::from(EXPIRY),
            roundId: old,
            laterPhaseRound: U80::from((2u128 << 64) | 1),
            laterPhaseUpdatedAt: U256::from(EXPIRY - 50),
        },
    );
    let current = U80::from((2u128 << 64) | 2);
    assert_eq!(
        chain.ch().fix_expiry_price(BTC, EXPIRY, current).unwrap(),
        wad(65_000 * E18)
    );
}

#[test]
fn a_later_phase_that_has_not_posted_yet_does_not_stop_the_settlement() {
    // The proxy moved to a new aggregator (phase 1) that answers its first round with zeros, as
    // an aggregator does for a round it has not had: it has not opened, and phase 0's round
    // after the expiry settles it.
    let chain = book_chain();
    chain.set_time(EXPIRY + 60);
    let old = chain.feed_mut(BTC_FEED, |f| {
        f.push_round(wad(65_000 * 100_000_000), EXPIRY + 10);
        let old = U80::from(f.round_id);
        f.push_phase(I256::ZERO, 0);
        old
    });
    assert_eq!(
        chain.ch().fix_expiry_price(BTC, EXPIRY, old).unwrap(),
        wad(65_000 * E18)
    );
}

#[test]
fn fix_expiry_price_refuses_a_first_round_later_than_a_heartbeat_after_expiry() {
    let chain = book_chain();
    let late = EXPIRY + u64::from(HEARTBEAT) + 1;
    chain.set_time(late);
    let round = btc_round(&chain, 65_000, late);
    assert_unchanged(
        &chain,
        || chain.ch().fix_expiry_price(BTC, EXPIRY, round),
        InvalidSettlementRound {
            underlying: U256::from(BTC),
            expiry: U256::from(EXPIRY),
            roundId: round,
            updatedAt: U256::from(late),
            previousUpdatedAt: U256::from(NOW),
        },
    );
}

#[test]
fn fix_expiry_price_refuses_an_incomplete_or_non_positive_round() {
    let chain = book_chain();
    chain.set_time(EXPIRY + 60);
    let round = btc_round(&chain, 0, EXPIRY + 30);
    assert_unchanged(
        &chain,
        || chain.ch().fix_expiry_price(BTC, EXPIRY, round),
        InvalidPrice {
            oracle: BTC_FEED,
            answer: I256::ZERO,
        },
    );
    // Above the largest price the engine takes (10^9 USD): every check would value the
    // positions at it until they settle.
    chain.feed_mut(BTC_FEED, |f| f.answer = wad(1_000_000_001 * 100_000_000));
    assert_unchanged(
        &chain,
        || chain.ch().fix_expiry_price(BTC, EXPIRY, round),
        InvalidPrice {
            oracle: BTC_FEED,
            answer: wad(1_000_000_001 * 100_000_000),
        },
    );
    chain.feed_mut(BTC_FEED, |f| {
        f.answer = wad(65_000 * 100_000_000);
        f.answered_in_round -= 1;
    });
    assert_unchanged(
        &chain,
        || chain.ch().fix_expiry_price(BTC, EXPIRY, round),
        IncompleteRound {
            oracle: BTC_FEED,
            roundId: round,
            answeredInRound: round - U80::from(1u8),
            updatedAt: U256::from(EXPIRY + 30),
        },
    );
}

#[test]
fn fix_expiry_price_reverts_when_the_feed_reverts() {
    let chain = book_chain();
    chain.set_time(EXPIRY + 60);
    let round = btc_round(&chain, 65_000, EXPIRY + 30);
    chain.feed_mut(BTC_FEED, |f| f.reverts = true);
    assert_unchanged(
        &chain,
        || chain.ch().fix_expiry_price(BTC, EXPIRY, round),
        OracleCallFailed { oracle: BTC_FEED },
    );
}

#[test]
fn settle_expired_settles_nothing_before_expiry() {
    let chain = book_chain();
    chain.set_time(EXPIRY - 1);
    let (ledger, calls) = (chain.ledger(), chain.calls().len());
    assert_eq!(chain.as_(BOB).ch().settle_expired(ALICE).unwrap(), 0);
    assert_eq!(chain.ledger(), ledger);
    // No price read and no settlement: nothing called at all.
    assert_eq!(chain.calls().len(), calls);
    assert_eq!(chain.ch().positions(ALICE).0.len(), 4);
}

#[test]
fn settle_expired_waits_for_the_settlement_price() {
    let chain = book_chain();
    chain.advance_to(EXPIRY + 1);
    let ledger = chain.ledger();
    assert_eq!(chain.ch().settle_expired(ALICE).unwrap(), 0);
    assert_eq!(chain.ledger(), ledger);
    assert_eq!(chain.ch().positions(ALICE).0.len(), 4);
}

#[test]
fn settle_expired_settles_at_the_fixed_price_and_removes_the_positions() {
    let chain = book_chain();
    let ledger = chain.ledger().len();
    fix_btc(&chain, 65_000);
    // The feed moves on; the settlement does not.
    chain.set_price(BTC_FEED, 80_000 * 100_000_000);
    let logs = chain.logs().len();
    // Anyone may call it.
    assert_eq!(chain.as_(BOB).ch().settle_expired(ALICE).unwrap(), 3);
    let settled = |instrument, size, value| {
        event(&ExpirySettled {
            account: ALICE,
            instrument,
            size,
            value,
        })
    };
    // In storage order [future, perp, call, put]; the perp stays.
    assert_eq!(
        chain.logs_since(logs),
        vec![
            settled(future(BTC, EXPIRY), E18, 65_000 * E18),
            settled(call(BTC, EXPIRY, 58_000), 2 * E18, 7_000 * E18),
            settled(put(BTC, EXPIRY, 50_000), -E18, 0),
        ]
    );
    assert_eq!(chain.ch().positions(ALICE), (vec![perp(BTC)], vec![E18 / 2]));
    // 65,000 + 2 · 7,000 + 0, in one settlement against the clearinghouse itself.
    assert_eq!(
        chain.ledger()[ledger..],
        [expired_cash(ALICE, 79_000 * USDC_UNIT)]
    );
    // A second call finds nothing more.
    assert_eq!(chain.ch().settle_expired(ALICE).unwrap(), 0);
    assert_eq!(chain.ledger().len(), ledger + 1);
}

#[test]
fn expiry_cash_of_every_account_nets_to_zero_at_the_clearinghouse() {
    // One short and two longs of a future and a call, settled at different times while the feed
    // moves: one price for all, so the clearinghouse pays out what it collects.
    let chain = listed_chain();
    chain.set_collateral(CAROL, COLLATERAL);
    chain.as_(CAROL).ch().approve_market(MARKET, true);
    let (fut, call) = (future(BTC, EXPIRY), call(BTC, EXPIRY, 58_000));
    trade(&chain, ALICE, fut, -E18, 60_000 * E18);
    trade(&chain, BOB, fut, 6 * E18 / 10, 60_000 * E18);
    trade(&chain, CAROL, fut, 4 * E18 / 10, 60_000 * E18);
    trade(&chain, BOB, call, -3 * E18, 3_000 * E18);
    trade(&chain, ALICE, call, 3 * E18, 3_000 * E18);
    let ledger = chain.ledger().len();
    fix_btc(&chain, 65_432);
    for (account, moved_to) in [(BOB, 70_000), (ALICE, 50_000), (CAROL, 99_000)] {
        chain.set_price(BTC_FEED, moved_to * 100_000_000);
        assert!(chain.ch().settle_expired(account).unwrap() > 0);
        assert!(chain.ch().positions(account).0.is_empty());
    }
    let expired: Vec<Settlement> = chain.ledger()[ledger..].to_vec();
    assert_eq!(expired.len(), 3);
    assert!(expired.iter().all(|s| s.counterparty == CLEARINGHOUSE));
    let total: I256 = expired.iter().map(|s| s.amount).fold(I256::ZERO, |a, b| a + b);
    assert_eq!(total, I256::ZERO, "{expired:?}");
    // ALICE: −65,432 + 3 · 7,432; BOB: 0.6 · 65,432 − 3 · 7,432; CAROL: 0.4 · 65,432.
    assert_eq!(
        expired,
        vec![
            expired_cash(BOB, 39_259_200_000 - 22_296_000_000),
            expired_cash(ALICE, -65_432_000_000 + 22_296_000_000),
            expired_cash(CAROL, 26_172_800_000),
        ]
    );
}

#[test]
fn settle_expired_charges_a_short_rounded_up_and_pays_a_long_rounded_down() {
    let chain = listed_chain();
    trade(&chain, ALICE, future(BTC, EXPIRY), -E18, 60_000 * E18);
    trade(&chain, BOB, future(BTC, EXPIRY), E18, 60_000 * E18);
    let ledger = chain.ledger().len();
    // 65,000.000 000 50 USD: half a settlement-token unit above 65,000.
    chain.set_time(EXPIRY + 10);
    let round = chain.feed_mut(BTC_FEED, |f| {
        f.push_round(wad(6_500_000_000_050), EXPIRY + 5);
        U80::from(f.round_id)
    });
    chain.ch().fix_expiry_price(BTC, EXPIRY, round).unwrap();
    assert_eq!(chain.ch().settle_expired(ALICE).unwrap(), 1);
    assert_eq!(chain.ch().settle_expired(BOB).unwrap(), 1);
    assert_eq!(
        chain.ledger()[ledger..],
        [
            expired_cash(ALICE, -65_000_000_001),
            expired_cash(BOB, 65_000_000_000),
        ]
    );
}

#[test]
fn settle_expired_of_an_out_of_the_money_option_only_removes_it() {
    let chain = listed_chain();
    trade(&chain, ALICE, call(BTC, EXPIRY, 70_000), E18, 500 * E18);
    let ledger = chain.ledger().len();
    fix_btc(&chain, 60_000);
    assert_eq!(chain.ch().settle_expired(ALICE).unwrap(), 1);
    chain.assert_last_event(ExpirySettled {
        account: ALICE,
        instrument: call(BTC, EXPIRY, 70_000),
        size: E18,
        value: 0,
    });
    assert_eq!(chain.ch().positions(ALICE), (vec![], vec![]));
    assert_eq!(chain.ledger().len(), ledger, "zero cash is not settled");
}

#[test]
fn settle_expired_of_an_account_without_positions_settles_nothing() {
    let chain = listed_chain();
    assert_eq!(chain.ch().settle_expired(CAROL).unwrap(), 0);
    assert!(chain.ledger().is_empty());
}

#[test]
fn settle_expired_reverts_with_the_vaults_revert_data() {
    // The positions are removed before the vault settles: on-chain the error reverts the whole
    // transaction; here it shows the error only.
    let chain = book_chain();
    fix_btc(&chain, 65_000);
    chain.vault(|v| v.revert_with = Some(b"stop".to_vec()));
    assert_reverts(
        chain.ch().settle_expired(ALICE),
        VaultCallFailed {
            reason: b"stop".to_vec().into(),
        },
    );
}

#[test]
fn an_expired_position_margins_at_its_intrinsic_value_until_its_price_is_fixed() {
    let chain = book_chain();
    chain.advance_to(EXPIRY + 60);
    chain.set_price(BTC_FEED, 66_000 * 100_000_000);
    post_vols(&chain);
    let book = [
        (future(BTC, EXPIRY), E18),
        (perp(BTC), E18 / 2),
        (call(BTC, EXPIRY, 58_000), 2 * E18),
        (put(BTC, EXPIRY, 50_000), -E18),
    ];
    assert_eq!(
        chain.ch().account_margin(ALICE).unwrap(),
        Model::standard().margin(&chain, chain.collateral_of(ALICE), &book)
    );
}

#[test]
fn an_expired_position_whose_price_is_fixed_margins_as_the_cash_it_settles_for() {
    // Fixed at 65,000, the feed then at 80,000: the future, call and put are worth 65,000 +
    // 2 · 7,000 + 0 whatever the feed says, so a check sees that cash and the perp alone, before
    // and after `settleExpired` alike (a withdrawal cannot draw on a live price the settlement
    // will not pay).
    let chain = book_chain();
    fix_btc(&chain, 65_000);
    chain.set_price(BTC_FEED, 80_000 * 100_000_000);
    post_vols(&chain);
    let cash = I256::try_from(79_000 * E18).unwrap();
    let expected =
        Model::standard().margin(&chain, chain.collateral_of(ALICE) + cash, &[(perp(BTC), E18 / 2)]);
    let margin = chain.ch().account_margin(ALICE).unwrap();
    assert_eq!(margin, expected);
    // The vault's withdrawal check (at the worse of the live and reference prices) likewise.
    let withdrawal = chain.ch().margin_for(ALICE, chain.collateral_of(ALICE)).unwrap();
    chain.ch().settle_expired(ALICE).unwrap();
    assert_eq!(chain.ch().account_margin(ALICE).unwrap(), margin);
    assert_eq!(
        chain.ch().margin_for(ALICE, chain.collateral_of(ALICE)).unwrap(),
        withdrawal
    );
}

#[test]
fn a_short_expired_in_the_money_cannot_withdraw_on_a_falling_feed() {
    // His free collateral is judged on the 14,000 he owes, so what he can withdraw before the
    // settlement is what he can withdraw after it.
    let chain = short_fixed_in_the_money();
    let before = chain.ch().withdrawable(BOB, USDC).unwrap();
    let margin = chain.ch().account_margin(BOB).unwrap();
    assert_eq!(
        margin.0,
        chain.collateral_of(BOB) - I256::try_from(14_000 * E18).unwrap()
    );
    chain.ch().settle_expired(BOB).unwrap();
    assert_eq!(chain.ch().withdrawable(BOB, USDC).unwrap(), before);
    assert_eq!(chain.ch().account_margin(BOB).unwrap(), margin);
}

/// BOB short 2 calls at 58,000 (ALICE long), fixed at 65,000 (he owes 14,000); the feed then
/// at 50,000, where the calls would be free.
fn short_fixed_in_the_money() -> Chain {
    let chain = listed_chain();
    let call = call(BTC, EXPIRY, 58_000);
    trade(&chain, ALICE, call, 2 * E18, 3_000 * E18);
    trade(&chain, BOB, call, -2 * E18, 3_000 * E18);
    fix_btc(&chain, 65_000);
    chain.advance_to(EXPIRY + 60);
    chain.set_price(BTC_FEED, 50_000 * 100_000_000);
    post_vols(&chain);
    chain
}

#[test]
fn a_trade_waits_for_the_settlement_of_an_expired_position_whose_price_is_fixed() {
    // Judged at the live price, BOB's calls would be free and a new position could draw on the
    // 14,000 he owes: the trade is refused after its changes are written (the transaction's
    // revert undoes them) and before any check.
    let chain = short_fixed_in_the_money();
    let err = chain
        .as_(MARKET)
        .ch()
        .update_position(BOB, perp(BTC), E18 / 10, 50_000 * E18)
        .unwrap_err();
    assert_eq!(
        err.decode::<ExpiredPositionUnsettled>(),
        Some(ExpiredPositionUnsettled {
            account: BOB,
            instrument: call(BTC, EXPIRY, 58_000),
        })
    );
    // Anyone settles it; then the trade is judged on the cash.
    let chain = short_fixed_in_the_money();
    chain.as_(CAROL).ch().settle_expired(BOB).unwrap();
    trade(&chain, BOB, perp(BTC), E18 / 10, 50_000 * E18);
    assert_eq!(chain.ch().positions(BOB), (vec![perp(BTC)], vec![E18 / 10]));
}
