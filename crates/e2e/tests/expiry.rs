//! Expiry: one settlement price per underlying and expiry, fixed by anyone from the feed's first
//! round after the expiry; expired options settle at it and leave both books.
//!
//! Needs `script/build-wasm.sh` and `forge build` first (script/test.sh runs both before this).
#![cfg(feature = "e2e")]

mod common;

use alloy_primitives::{aliases::U80, Address, I256};
use alloy_sol_types::{SolCall, SolError};
use common::*;
use pm_e2e::deployment::{instrument, Engine, IClearinghouse, E18, E8};

/// ALICE (100,000 USDC) buys 2 BTC calls struck at 60,000 and expiring in a day from BOB (100,000
/// USDC) at the mark: the engine, ALICE, BOB, a keeper, the expiry and the call.
fn two_calls_written() -> (Engine, Address, Address, Address, u64, u128) {
    let mut e = engine();
    let (alice, bob, keeper) = (e.chain.accounts[1], e.chain.accounts[2], e.chain.accounts[3]);
    e.open_account(alice, 100_000).unwrap();
    e.open_account(bob, 100_000).unwrap();
    let expiry = e.chain.timestamp() + DAY;
    let call = e.list_option(0, true, expiry, 60_000 * E8 as u128).unwrap();
    let premium = e.mark(call).unwrap();
    let r = e
        .trade(e.options, alice, bob, &[(call, 2 * E18, premium)])
        .unwrap();
    assert!(r.status, "{r:?}");
    (e, alice, bob, keeper, expiry, call)
}

/// The attack of issue 10: the long and the short of one call settled at different moments, at
/// the feed price of each moment, created 50,000 USDC. Now both settle at the price fixed from the
/// first round after expiry, whatever the feed does after, and the clearinghouse's own balance in
/// the vault ends where it started: the cash nets to zero.
#[test]
fn expired_options_settle_at_one_fixed_price_and_the_cash_nets_to_zero() {
    let (mut e, alice, bob, keeper, expiry, call) = two_calls_written();
    assert_eq!(positions(&mut e, alice), (vec![call], vec![2 * E18]));
    let clearinghouse_before = e.collateral_value(e.clearinghouse).unwrap();
    let (alice_before, bob_before) = (
        e.collateral_value(alice).unwrap(),
        e.collateral_value(bob).unwrap(),
    );

    // Nothing settles before the price is fixed, and it cannot be fixed before the expiry.
    let r = e.fix_expiry_price(keeper, 0, expiry).unwrap();
    reverted_with(&r, IClearinghouse::ExpiryNotReached::SELECTOR);
    e.chain.advance(DAY + 1);
    e.set_price(0, 66_000 * E8).unwrap();
    let r = e.send(
        keeper,
        e.clearinghouse,
        IClearinghouse::settleExpiredCall { account: alice }.abi_encode(),
    );
    assert!(r.status, "{r:?}");
    assert_eq!(positions(&mut e, alice), (vec![call], vec![2 * E18]));

    // A keeper fixes 66,000 from the first round after expiry.
    let r = e.fix_expiry_price(keeper, 0, expiry).unwrap();
    assert!(r.status, "{r:?}");
    assert_eq!(e.expiry_price(0, expiry).unwrap(), wad(66_000 * E18));

    // The feed moves between the two settlements; a later round cannot replace the price.
    e.refresh_usdc_feed().unwrap();
    for (account, moved_to) in [(alice, 90_000), (bob, 40_000)] {
        e.set_price(0, moved_to * E8).unwrap();
        let r = e.fix_expiry_price(keeper, 0, expiry).unwrap();
        assert!(r.status, "fixing again answers the stored price: {r:?}");
        let r = e.send(
            keeper,
            e.clearinghouse,
            IClearinghouse::settleExpiredCall { account }.abi_encode(),
        );
        assert!(r.status, "{r:?}");
        assert_eq!(positions(&mut e, account), (vec![], vec![]));
    }
    // 2 × 6,000 intrinsic to the holder, from the writer; nothing left at the clearinghouse.
    let gain = wad(12_000 * E18);
    assert_eq!(e.collateral_value(alice).unwrap(), alice_before + gain);
    assert_eq!(e.collateral_value(bob).unwrap(), bob_before - gain);
    assert_eq!(e.collateral_value(e.clearinghouse).unwrap(), clearinghouse_before);
    assert_eq!(clearinghouse_before, I256::ZERO);
}

/// The engine's own price writes respect the sequencer gate: while the vault's sequencer-uptime
/// feed reports an outage (and for its grace period after), fixing a settlement price or moving a
/// reference price is refused, and every margin check stops, even an empty account's (the vault
/// refuses every valuation); once the grace period has passed, both go through.
#[test]
fn a_sequencer_outage_stops_the_engines_own_price_writes_and_every_margin_check() {
    let mut e = engine();
    let (alice, keeper) = (e.chain.accounts[1], e.chain.accounts[3]);
    let expiry = e.chain.timestamp() + DAY;
    e.list_option(0, true, expiry, 60_000 * E8 as u128).unwrap();
    let grace = 3_600;
    let sequencer = e.add_sequencer_feed(ROOT, grace).unwrap();
    e.chain.advance(DAY + 1);
    e.set_price(0, 66_000 * E8).unwrap();
    e.refresh_usdc_feed().unwrap();
    e.set_feed_answer(sequencer, 1).unwrap();
    let reference = IClearinghouse::updateReferencePriceCall { underlying: 0 }.abi_encode();
    for expected in [
        IClearinghouse::SequencerDown::SELECTOR,
        IClearinghouse::SequencerGracePeriod::SELECTOR,
    ] {
        let r = e.fix_expiry_price(keeper, 0, expiry).unwrap();
        reverted_with(&r, expected);
        let r = e.send(keeper, e.clearinghouse, reference.clone());
        reverted_with(&r, expected);
        let r = e.chain.call(
            keeper,
            e.clearinghouse,
            IClearinghouse::accountMarginCall { account: alice }.abi_encode(),
        );
        reverted_with(&r, IClearinghouse::VaultCallFailed::SELECTOR);
        // Back up: refused for the grace period still.
        e.set_feed_answer(sequencer, 0).unwrap();
    }
    e.chain.advance(u64::from(grace));
    let r = e.fix_expiry_price(keeper, 0, expiry).unwrap();
    assert!(r.status, "{r:?}");
    let r = e.send(keeper, e.clearinghouse, reference);
    assert!(r.status, "{r:?}");
}

/// The writer of a call fixed in the money, once the feed has fallen since the fix, would see the
/// call worthless at the live price and withdraw the 12,000 USDC it owes. Every check counts the
/// expired call at the fixed price instead (the cash `settleExpired` will take), so what it can
/// withdraw before the settlement is what it can withdraw after; a trade for either side waits
/// for the settlement (`ExpiredPositionUnsettled`).
#[test]
fn a_writer_in_the_money_cannot_draw_on_a_feed_that_fell_after_the_fix() {
    let (mut e, alice, bob, keeper, expiry, call) = two_calls_written();
    assert_eq!(positions(&mut e, bob), (vec![call], vec![-2 * E18]));
    e.chain.advance(DAY + 1);
    e.set_price(0, 66_000 * E8).unwrap();
    let r = e.fix_expiry_price(keeper, 0, expiry).unwrap();
    assert!(r.status, "{r:?}");
    // The feed falls to 40,000: the call would be worthless at the live price.
    e.refresh_usdc_feed().unwrap();
    e.set_price(0, 40_000 * E8).unwrap();
    e.post_vols().unwrap();
    let (margin, _) = e.margin(bob).unwrap();
    let withdrawable = e.withdrawable_usdc(bob).unwrap();
    let perp = instrument(0, 0, 0, 0);
    let mark = e.mark(perp).unwrap();
    let r = e.trade(e.perps, bob, alice, &[(perp, E18 / 10, mark)]).unwrap();
    reverted_with(&r, IClearinghouse::ExpiredPositionUnsettled::SELECTOR);
    for account in [alice, bob] {
        assert!(e.settle_expired(keeper, account).status);
    }
    assert_eq!(e.margin(bob).unwrap().0.equity, margin.equity);
    assert_eq!(e.withdrawable_usdc(bob).unwrap(), withdrawable);
    let r = e.trade(e.perps, bob, alice, &[(perp, E18 / 10, mark)]).unwrap();
    assert!(
        r.status,
        "after the settlement the trade is judged on the cash: {r:?}"
    );
}

/// The feed's proxy moved to a new aggregator (phase 1) before the expiry, and the old one (phase
/// 0) went on posting: its round after the expiry follows one before it, as the new phase's does.
/// Only the phase current at the expiry settles it; the old phase's kinder price for the holder
/// is refused (`SettlementPhaseSuperseded`), on the real programs.
#[test]
fn a_replaced_aggregators_round_cannot_fix_the_settlement_price() {
    let (mut e, _, _, keeper, expiry, _) = two_calls_written();
    let old = e.latest_round_id(0).unwrap();
    let phase1 = |n: u128| U80::from((1u128 << 64) | n);
    e.chain.advance(DAY - 100);
    e.set_round(0, phase1(1), 64_000 * E8).unwrap();
    e.chain.advance(110);
    // The old aggregator's next round, then the new one's: the proxy's latest is phase 1's.
    let stale = old + U80::from(1u8);
    e.set_round(0, stale, 90_000 * E8).unwrap();
    e.set_round(0, phase1(2), 66_000 * E8).unwrap();
    let fix = |round: U80| IClearinghouse::fixExpiryPriceCall {
        underlying: 0,
        expiry,
        roundId: round,
    };
    let r = e.send(keeper, e.clearinghouse, fix(stale).abi_encode());
    reverted_with(&r, IClearinghouse::SettlementPhaseSuperseded::SELECTOR);
    let r = e.send(keeper, e.clearinghouse, fix(phase1(2)).abi_encode());
    assert!(r.status, "{r:?}");
    assert_eq!(e.expiry_price(0, expiry).unwrap(), wad(66_000 * E18));
}
