//! Reference prices: anyone moves an underlying's lagged price towards its live price, at most 2%
//! an hour; withdrawals (the vault's `margin_for`, and `withdrawable`) are judged at the worse of
//! the live prices and each apart underlying at the price against the account (its reference
//! after a move in the account's favour), so a pumped feed cannot be withdrawn against (Mango).

use alloy_primitives::{I256, U256};
use pm_clearinghouse::events::ReferencePriceUpdated;
use pm_clearinghouse::reference_rule::HOUR;

use crate::support::*;

const PUMPED: i128 = 600_000 * 100_000_000;

/// ALICE ($100,000) long 1 BTC perp at 60,000; BTC's reference is 60,000 since its listing.
fn long_chain() -> Chain {
    let chain = listed_chain();
    trade(&chain, ALICE, perp(BTC), E18, 60_000 * E18);
    chain
}

fn usdc_withdrawable(chain: &Chain) -> U256 {
    chain.ch().withdrawable(ALICE, USDC).unwrap()
}

#[test]
fn listing_anchors_the_reference_at_the_live_price_then_it_moves_two_percent_an_hour() {
    let chain = listed_chain();
    assert_eq!(chain.ch().reference_price(BTC), (wad(60_000 * E18), NOW));
    assert_eq!(chain.ch().reference_price(7), (I256::ZERO, 0));
    // Anyone may update it; at the same price and time it stays.
    assert_eq!(
        chain.as_(CAROL).ch().update_reference_price(BTC).unwrap(),
        wad(60_000 * E18)
    );
    chain.assert_last_event(ReferencePriceUpdated {
        underlying: U256::from(BTC),
        price: wad(60_000 * E18),
    });
    assert_eq!(chain.ch().reference_price(BTC), (wad(60_000 * E18), NOW));
    chain.advance_to(NOW + 5 * HOUR);
    chain.set_price(BTC_FEED, PUMPED);
    // Five hours count as one: 2%.
    assert_eq!(chain.ch().update_reference_price(BTC).unwrap(), wad(61_200 * E18));
    assert_eq!(
        chain.ch().reference_price(BTC),
        (wad(61_200 * E18), NOW + 5 * HOUR)
    );
}

#[test]
fn a_pumped_feed_cannot_be_withdrawn_against() {
    let chain = long_chain();
    let before = usdc_withdrawable(&chain);
    assert!(before > U256::ZERO);
    // BTC is pumped tenfold: at the live price ALICE's equity rises by 540,000 USD.
    chain.set_price(BTC_FEED, PUMPED);
    let (equity, ..) = chain.ch().account_margin(ALICE).unwrap();
    assert!(equity > wad(600_000 * E18));
    // The vault's check and `withdrawable` judge at the reference price too: the gain does not
    // count. (At 600,000 the perp's initial margin is larger too; at 60,000 it is what it was.)
    let (e, _) = chain.ch().margin_for(ALICE, chain.collateral_of(ALICE)).unwrap();
    assert!(e < wad(110_000 * E18), "{e}");
    assert_eq!(usdc_withdrawable(&chain), before);
    // An hour later and one update: 2% of the move counts, 1,200 USD.
    chain.advance_to(NOW + HOUR);
    chain.set_price(BTC_FEED, PUMPED);
    chain.ch().update_reference_price(BTC).unwrap();
    post_vols(&chain);
    let after = usdc_withdrawable(&chain);
    assert!(
        after > before && after <= before + U256::from(1_200 * USDC_UNIT as u128),
        "{before} {after}"
    );
}

/// A pump in one underlying does not hide a fall in another: ALICE, long 1 BTC and 10 ETH, sees
/// BTC pumped 20% (+12,000 live) while ETH falls 30% (−9,000, its reference still at 3,000).
/// Judged with both at their references she would keep the 9,000 she lost; judged at the live
/// prices she would count the pump. Each underlying is taken at the price against her (BTC at
/// its reference, ETH live), so she withdraws exactly what she could with BTC never pumped.
#[test]
fn a_pump_in_one_underlying_does_not_hide_a_fall_in_another() {
    let with_eth_fallen = || {
        let chain = long_chain();
        trade(&chain, ALICE, perp(ETH), 10 * E18, at_mark(perp(ETH)));
        chain.set_price(ETH_FEED, 2_100 * 100_000_000);
        chain
    };
    let fallen = with_eth_fallen();
    let pumped = with_eth_fallen();
    pumped.set_price(BTC_FEED, 72_000 * 100_000_000);
    let (live_equity, ..) = pumped.ch().account_margin(ALICE).unwrap();
    let (fallen_equity, ..) = fallen.ch().account_margin(ALICE).unwrap();
    assert_eq!(live_equity, fallen_equity + wad(12_000 * E18));
    assert_eq!(usdc_withdrawable(&pumped), usdc_withdrawable(&fallen));
    let judged = |chain: &Chain| chain.ch().margin_for(ALICE, chain.collateral_of(ALICE)).unwrap();
    assert_eq!(judged(&pumped), judged(&fallen));
    assert_eq!(judged(&fallen).0, fallen_equity);
}

/// A short straddle struck at the pumped price: the pump took its short put from deep in the
/// money to the money, a gain of about 470,000 USD, while its delta at the live price is slightly
/// negative (the short call's N(d1) is above one half), as if the rise had cost it. Judged by the
/// delta's sign alone the gain would count; the figures with every apart underlying at its
/// reference judge it too, so ALICE can withdraw what she could before the pump.
#[test]
fn a_short_straddle_pumped_to_its_strike_cannot_withdraw_the_gain() {
    let chain = listed_chain();
    chain.set_collateral(ALICE, 1_000_000 * E18);
    let expiry = NOW + 30 * DAY;
    for id in [call(BTC, expiry, 600_000), put(BTC, expiry, 600_000)] {
        trade(&chain, ALICE, id, -E18, mark(&chain, id));
    }
    let before = usdc_withdrawable(&chain);
    chain.set_price(BTC_FEED, PUMPED);
    let (_, _, _, _, _, free_live, ..) = chain.ch().account_margin(ALICE).unwrap();
    let (equity, initial) = chain.ch().margin_for(ALICE, chain.collateral_of(ALICE)).unwrap();
    assert!(
        free_live > equity - initial + wad(400_000 * E18),
        "{free_live} {equity} {initial}"
    );
    assert_eq!(usdc_withdrawable(&chain), before);
}

/// The mirror of the pump: a short after a crash gains too, and is judged at the reference (above
/// the live price), so the crash's gain is not withdrawable either.
#[test]
fn a_crashed_feed_cannot_be_withdrawn_against_by_a_short() {
    let chain = listed_chain();
    trade(&chain, ALICE, perp(BTC), -E18, 60_000 * E18);
    let before = usdc_withdrawable(&chain);
    assert!(before > U256::ZERO);
    // BTC crashes to a tenth: at the live price ALICE's short gains 54,000 USD.
    chain.set_price(BTC_FEED, 6_000 * 100_000_000);
    let (equity, ..) = chain.ch().account_margin(ALICE).unwrap();
    let (judged, _) = chain.ch().margin_for(ALICE, chain.collateral_of(ALICE)).unwrap();
    assert_eq!(equity - judged, wad(54_000 * E18));
    assert_eq!(usdc_withdrawable(&chain), before);
}

#[test]
fn a_fall_counts_at_once() {
    let chain = long_chain();
    let before = usdc_withdrawable(&chain);
    // BTC falls 10%: the live check sees the 6,000 loss at once, whatever the reference (less
    // the initial margin the lower price frees).
    chain.set_price(BTC_FEED, 54_000 * 100_000_000);
    let after = usdc_withdrawable(&chain);
    assert!(
        after + U256::from(5_000 * USDC_UNIT as u128) <= before,
        "{before} {after}"
    );
}

#[test]
fn near_the_reference_withdrawals_are_judged_at_the_live_prices_and_the_risk_admin_re_anchors() {
    let chain = listed_chain();
    trade(&chain, ALICE, perp(BTC), E18, 60_000 * E18);
    let (equity, initial, ..) = chain.ch().account_margin(ALICE).unwrap();
    assert_eq!(
        chain.ch().margin_for(ALICE, chain.collateral_of(ALICE)).unwrap(),
        (equity, initial)
    );
    // Setting the underlying again re-anchors its reference at the live price.
    chain.set_price(BTC_FEED, 70_000 * 100_000_000);
    list(&chain, BTC, BTC_FEED, &pm_risk::defaults::BTC);
    assert_eq!(chain.ch().reference_price(BTC), (wad(70_000 * E18), NOW));
    chain.set_price(BTC_FEED, 60_000 * 100_000_000);
    list(&chain, BTC, BTC_FEED, &pm_risk::defaults::BTC);
    // 0.4% up: within the tolerance, the live figures alone.
    chain.set_price(BTC_FEED, 60_240 * 100_000_000);
    let (equity, initial, ..) = chain.ch().account_margin(ALICE).unwrap();
    assert_eq!(
        chain.ch().margin_for(ALICE, chain.collateral_of(ALICE)).unwrap(),
        (equity, initial)
    );
}

/// Mango's second step: realising a pumped gain through a trade with one's own second account.
/// A trade must also pass at the reference prices when they are apart from the live ones.
#[test]
fn a_trade_at_a_pumped_mark_must_also_pass_at_the_reference_prices() {
    let chain = listed_chain();
    // ALICE long 1 BTC perp, BOB short 1 against her (two accounts of one owner).
    trade(&chain, ALICE, perp(BTC), E18, 60_000 * E18);
    trade(&chain, BOB, perp(BTC), -E18, 60_000 * E18);
    chain.set_collateral(CAROL, 200_000 * E18);
    chain.as_(CAROL).ch().approve_market(MARKET, true);
    chain.set_price(BTC_FEED, PUMPED);
    // BOB closes his short at the pumped mark, paying ALICE's gain in cash: at the live price
    // the close is exempt (equity unchanged, health up), at the reference price it gives up
    // 540,000 USD of equity: refused.
    let err = chain
        .as_(MARKET)
        .ch()
        .update_position(BOB, perp(BTC), E18, 600_000 * E18)
        .unwrap_err();
    assert!(
        err.decode::<pm_clearinghouse::errors::InsufficientMargin>()
            .is_some(),
        "{err:?}"
    );
    // CAROL (200,000 USD) buys at the pumped mark: at the live price she paid 600,000 for what
    // is worth 600,000; at the reference price she paid 540,000 too much and is far below her
    // initial margin: refused. (The native host does not undo BOB's refused call; on-chain the
    // revert does.)
    let err = chain
        .as_(MARKET)
        .ch()
        .update_position(CAROL, perp(BTC), E18, 600_000 * E18)
        .unwrap_err();
    assert!(
        err.decode::<pm_clearinghouse::errors::InsufficientMargin>()
            .is_some(),
        "{err:?}"
    );
}

/// Near its reference a market trades as before: one more read per underlying, no second check.
#[test]
fn a_trade_near_the_reference_is_judged_at_the_live_prices_alone() {
    let chain = listed_chain();
    chain.set_price(BTC_FEED, 60_240 * 100_000_000);
    let calls = chain.calls().len();
    trade(&chain, ALICE, perp(BTC), E18, 60_240 * E18);
    let risk_calls = chain.calls()[calls..]
        .iter()
        .filter(|c| c.to == RISK_PROGRAM)
        .count();
    assert_eq!(risk_calls, 1);
}
