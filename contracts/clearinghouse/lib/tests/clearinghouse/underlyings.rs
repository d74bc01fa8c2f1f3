//! Underlyings: listing (feed, heartbeat, vol age, parameters, each checked by the real risk
//! program), changing a listed one, and the vols the oracle posts.

use alloy_primitives::{aliases::U80, Address, U256};
use pm_clearinghouse::errors::*;
use pm_clearinghouse::events::*;
use pm_common::feeds::MAX_HEARTBEAT as MAX_AGE;
use pm_risk::params::defaults;
use pm_risk::wire::params_of;
use pm_risk::RiskError;

use crate::support::*;

/// `set_underlying` by the risk admin with the standard heartbeat and vol age.
fn set(chain: &Chain, index: u8, feed: Address, params: [i128; 9]) -> Result<()> {
    chain
        .as_(RISK_ADMIN)
        .ch()
        .set_underlying(index, feed, HEARTBEAT, VOL_MAX_AGE, 0, params)
}

fn btc() -> [i128; 9] {
    params_of(&defaults::BTC)
}

#[test]
fn set_underlying_lists_the_next_index_and_emits_underlying_set() {
    let chain = initialized_chain();
    set(&chain, 0, BTC_FEED, btc()).unwrap();
    chain.assert_last_event(UnderlyingSet {
        index: U256::ZERO,
        feed: BTC_FEED,
        heartbeat: HEARTBEAT,
        volMaxAge: VOL_MAX_AGE,
    });
    assert_eq!(chain.ch().underlying_count(), 1);
    // Listed without a vol: none posted yet.
    assert_eq!(
        chain.ch().underlying(0).unwrap(),
        (BTC_FEED, HEARTBEAT, VOL_MAX_AGE, 0, 0)
    );
    set(&chain, 1, ETH_FEED, params_of(&defaults::ETH)).unwrap();
    assert_eq!(chain.ch().underlying_count(), 2);
    assert_eq!(chain.ch().underlying(1).unwrap().0, ETH_FEED);
}

#[test]
fn set_underlying_ramps_in_the_parameters_the_margin_check_sends() {
    let chain = listed_chain();
    chain
        .as_(RISK_ADMIN)
        .ch()
        .set_underlying(
            BTC,
            BTC_FEED,
            HEARTBEAT,
            VOL_MAX_AGE,
            E18 / 100,
            params_of(&defaults::SOL),
        )
        .unwrap();
    assert!(chain.logs().contains(&event(&RampStarted {
        group: U256::from(BTC),
        duration: RAMP,
    })));
    trade(&chain, ALICE, perp(BTC), E18 / 10, 60_000 * E18);
    // Nothing at once; half way after half the ramp; whole at its end.
    let request = pm_risk::wire::decode(&chain.ch().risk_request(ALICE).unwrap()).unwrap();
    assert_eq!(request.underlyings[0].params, defaults::BTC);
    assert_eq!(request.underlyings[0].market.oracle_addon, 0);
    advance_hours(&chain, 12);
    let request = pm_risk::wire::decode(&chain.ch().risk_request(ALICE).unwrap()).unwrap();
    let half = |a: i128, b: i128| a + (b - a) / 2;
    let p = request.underlyings[0].params;
    assert_eq!(
        p.scan_floor,
        half(defaults::BTC.scan_floor, defaults::SOL.scan_floor)
    );
    assert_eq!(p.vol_up, half(defaults::BTC.vol_up, defaults::SOL.vol_up));
    assert_eq!(request.underlyings[0].market.oracle_addon, E18 / 200);
    ramp_in(&chain);
    let request = pm_risk::wire::decode(&chain.ch().risk_request(ALICE).unwrap()).unwrap();
    assert_eq!(request.underlyings[0].params, defaults::SOL);
    assert_eq!(request.underlyings[0].market.oracle_addon, E18 / 100);
}

#[test]
fn set_underlying_changes_a_listed_one_and_keeps_its_vol() {
    let chain = listed_chain();
    chain
        .as_(RISK_ADMIN)
        .ch()
        .set_underlying(BTC, ETH_FEED, 60, MAX_AGE, 0, btc())
        .unwrap();
    chain.assert_last_event(UnderlyingSet {
        index: U256::ZERO,
        feed: ETH_FEED,
        heartbeat: 60,
        volMaxAge: MAX_AGE,
    });
    assert_eq!(chain.ch().underlying_count(), 2);
    assert_eq!(
        chain.ch().underlying(BTC).unwrap(),
        (ETH_FEED, 60, MAX_AGE, BTC_VOL, NOW)
    );
}

#[test]
fn set_underlying_accepts_a_heartbeat_of_one_second_and_ages_from_the_oracles_gap_to_seven_days() {
    let chain = initialized_chain();
    chain
        .as_(RISK_ADMIN)
        .ch()
        .set_underlying(0, BTC_FEED, 1, MAX_AGE, 0, btc())
        .unwrap();
    // A vol must outlive the least gap between two risk updates (300 s).
    chain
        .as_(RISK_ADMIN)
        .ch()
        .set_underlying(0, BTC_FEED, MAX_AGE, 301, 0, btc())
        .unwrap();
    assert_eq!(chain.ch().underlying(0).unwrap(), (BTC_FEED, MAX_AGE, 301, 0, 0));
}

#[test]
fn a_vol_age_within_the_oracles_gap_is_refused_both_ways() {
    let chain = initialized_chain();
    for age in [1, 300] {
        assert_unchanged(
            &chain,
            || {
                chain
                    .as_(RISK_ADMIN)
                    .ch()
                    .set_underlying(0, BTC_FEED, HEARTBEAT, age, 0, btc())
            },
            VolAgeWithinGap {
                volMaxAge: U256::from(age),
                minGap: U256::from(300),
            },
        );
    }
    // Nor may the owner widen the gap to an underlying's age (a day in the standard setup).
    let chain = listed_chain();
    assert_unchanged(
        &chain,
        || chain.as_(OWNER).ch().set_risk_oracle_bounds(0, 0, 86_400, 0),
        VolAgeWithinGap {
            volMaxAge: U256::from(VOL_MAX_AGE),
            minGap: U256::from(86_400),
        },
    );
    chain
        .as_(OWNER)
        .ch()
        .set_risk_oracle_bounds(0, 0, 86_399, 0)
        .unwrap();
}

#[test]
fn set_underlying_reverts_for_anyone_but_the_risk_admin() {
    let chain = initialized_chain();
    assert_unchanged(
        &chain,
        || {
            chain
                .as_(OWNER)
                .ch()
                .set_underlying(0, BTC_FEED, HEARTBEAT, VOL_MAX_AGE, 0, btc())
        },
        NotRiskAdmin { caller: OWNER },
    );
}

#[test]
fn set_underlying_reverts_for_an_index_beyond_the_next() {
    let chain = listed_chain();
    assert_unchanged(
        &chain,
        || set(&chain, 3, BTC_FEED, btc()),
        UnknownUnderlying { index: U256::from(3) },
    );
    assert_eq!(chain.ch().underlying_count(), 2);
}

#[test]
fn set_underlying_reverts_past_sixteen_underlyings() {
    let chain = listed_chain();
    for index in 2..16 {
        set(&chain, index, BTC_FEED, btc()).unwrap();
    }
    assert_eq!(chain.ch().underlying_count(), 16);
    assert_unchanged(
        &chain,
        || set(&chain, 16, BTC_FEED, btc()),
        TooManyUnderlyings { max: U256::from(16) },
    );
    // The last one can still change.
    set(&chain, 15, ETH_FEED, btc()).unwrap();
}

#[test]
fn set_underlying_reverts_for_a_zero_or_too_long_heartbeat_or_vol_age() {
    let chain = initialized_chain();
    let cases = [
        (0, VOL_MAX_AGE, 0),
        (MAX_AGE + 1, VOL_MAX_AGE, MAX_AGE + 1),
        (HEARTBEAT, 0, 0),
        (HEARTBEAT, MAX_AGE + 1, MAX_AGE + 1),
    ];
    for (heartbeat, vol_max_age, bad) in cases {
        assert_unchanged(
            &chain,
            || {
                chain
                    .as_(RISK_ADMIN)
                    .ch()
                    .set_underlying(0, BTC_FEED, heartbeat, vol_max_age, 0, btc())
            },
            InvalidHeartbeat {
                heartbeat: U256::from(bad),
                maxSeconds: U256::from(MAX_AGE),
            },
        );
    }
}

#[test]
fn set_underlying_reverts_for_a_feed_without_code() {
    let chain = initialized_chain();
    assert_unchanged(
        &chain,
        || set(&chain, 0, NOBODY, btc()),
        NotAContract { account: NOBODY },
    );
}

#[test]
fn set_underlying_reverts_when_the_feed_reverts() {
    let chain = initialized_chain();
    chain.feed_mut(BTC_FEED, |f| f.reverts = true);
    assert_unchanged(
        &chain,
        || set(&chain, 0, BTC_FEED, btc()),
        OracleCallFailed { oracle: BTC_FEED },
    );
}

// The price and parameter checks below read what `set_underlying` has just written: on-chain the
// error reverts the whole transaction; the TestVM host has no rollback, so these tests show the
// error only.

#[test]
fn set_underlying_reverts_when_the_feeds_price_is_stale() {
    let chain = initialized_chain();
    chain.feed_mut(BTC_FEED, |f| f.updated_at = NOW - u64::from(HEARTBEAT) - 1);
    assert_reverts(
        set(&chain, 0, BTC_FEED, btc()),
        StalePrice {
            oracle: BTC_FEED,
            updatedAt: U256::from(NOW - u64::from(HEARTBEAT) - 1),
            heartbeat: U256::from(HEARTBEAT),
            timestamp: U256::from(NOW),
        },
    );
}

#[test]
fn set_underlying_accepts_a_price_exactly_one_heartbeat_old() {
    let chain = initialized_chain();
    chain.feed_mut(BTC_FEED, |f| f.updated_at = NOW - u64::from(HEARTBEAT));
    set(&chain, 0, BTC_FEED, btc()).unwrap();
}

#[test]
fn set_underlying_reverts_when_the_feeds_price_is_not_positive() {
    let chain = initialized_chain();
    for answer in [0i128, -1] {
        chain.feed_mut(BTC_FEED, |f| f.answer = wad(answer));
        assert_reverts(
            set(&chain, 0, BTC_FEED, btc()),
            InvalidPrice {
                oracle: BTC_FEED,
                answer: wad(answer),
            },
        );
    }
}

#[test]
fn set_underlying_reverts_when_the_feeds_round_is_incomplete() {
    let chain = initialized_chain();
    chain.feed_mut(BTC_FEED, |f| f.answered_in_round = 6);
    assert_reverts(
        set(&chain, 0, BTC_FEED, btc()),
        IncompleteRound {
            oracle: BTC_FEED,
            roundId: U80::from(7),
            answeredInRound: U80::from(6),
            updatedAt: U256::from(NOW),
        },
    );
    chain.feed_mut(BTC_FEED, |f| {
        f.answered_in_round = 7;
        f.updated_at = 0;
    });
    assert_reverts(
        set(&chain, 0, BTC_FEED, btc()),
        IncompleteRound {
            oracle: BTC_FEED,
            roundId: U80::from(7),
            answeredInRound: U80::from(7),
            updatedAt: U256::ZERO,
        },
    );
}

#[test]
fn set_underlying_reverts_with_the_risk_programs_code_for_bad_parameters() {
    let chain = initialized_chain();
    let mut no_floor = btc();
    no_floor[0] = 0; // scan floor below 0.1%
    assert_reverts(
        set(&chain, 0, BTC_FEED, no_floor),
        InvalidRiskParameters {
            code: RiskError::InvalidParameter.code(),
        },
    );
    let chain = initialized_chain();
    assert_reverts(
        chain
            .as_(RISK_ADMIN)
            .ch()
            .set_underlying(0, BTC_FEED, HEARTBEAT, VOL_MAX_AGE, 2 * E18, btc()),
        InvalidRiskParameters { code: 16 },
    );
}

#[test]
fn a_parameter_too_wide_for_its_slot_is_refused_and_changes_nothing() {
    let chain = listed_chain();
    // Above 64 bits or negative: out of every bound, refused before anything is written, for a
    // listed underlying (with another feed) and for a new one.
    for (underlying, feed) in [(BTC, ETH_FEED), (2, BTC_FEED)] {
        for (index, value) in [(1, 1i128 << 64), (0, -1), (8, -(1i128 << 70))] {
            let mut p = btc();
            p[index] = value;
            assert_unchanged(
                &chain,
                || set(&chain, underlying, feed, p),
                InvalidRiskParameters {
                    code: RiskError::InvalidParameter.code(),
                },
            );
        }
    }
    assert_eq!(chain.ch().underlying_count(), 2);
}

#[test]
fn a_liquidity_beyond_64_bits_is_kept_whole() {
    let chain = listed_chain();
    let mut p = btc();
    p[6] = 10i128.pow(30) + 7; // a trillion trillion USD, 18 decimals
    set(&chain, BTC, BTC_FEED, p).unwrap();
    ramp_in(&chain);
    trade(&chain, ALICE, perp(BTC), E18 / 10, 60_000 * E18);
    let request = pm_risk::wire::decode(&chain.ch().risk_request(ALICE).unwrap()).unwrap();
    assert_eq!(request.underlyings[0].params.liquidity, 10i128.pow(30) + 7);
    assert_eq!(chain.ch().ramp(BTC).unwrap().3[7], 10i128.pow(30) + 7);
}

#[test]
fn underlying_reverts_for_an_unlisted_index() {
    let chain = listed_chain();
    assert_reverts(
        chain.ch().underlying(2),
        UnknownUnderlying { index: U256::from(2) },
    );
    assert_reverts(
        chain.ch().underlying(u8::MAX),
        UnknownUnderlying {
            index: U256::from(255),
        },
    );
}

#[test]
fn underlying_count_is_zero_before_any_listing() {
    assert_eq!(initialized_chain().ch().underlying_count(), 0);
    assert_eq!(listed_chain().ch().underlying_count(), 2);
}

#[test]
fn a_vol_posted_too_long_ago_is_stale_for_a_margin_check() {
    let chain = listed_chain();
    trade(&chain, ALICE, perp(BTC), E18, 60_000 * E18);
    let later = NOW + u64::from(VOL_MAX_AGE) + 1;
    chain.advance_to(later);
    let expected = StaleVolatility {
        underlying: U256::ZERO,
        updatedAt: U256::from(NOW),
        maxAge: U256::from(VOL_MAX_AGE),
        timestamp: U256::from(later),
    };
    assert_unchanged(&chain, || chain.ch().account_margin(ALICE), expected.clone());
    // Exactly the maximum age is still fresh.
    chain.advance_to(later - 1);
    chain.ch().account_margin(ALICE).unwrap();
    // A new post makes it fresh again.
    chain.advance_to(later);
    post_vols(&chain);
    chain.ch().account_margin(ALICE).unwrap();
}

#[test]
fn an_underlying_without_a_posted_vol_is_stale_for_a_margin_check() {
    let chain = listed_chain();
    let mut ch = chain.as_(RISK_ADMIN).ch();
    ch.set_underlying(2, BTC_FEED, HEARTBEAT, VOL_MAX_AGE, 0, btc())
        .unwrap();
    chain.set_collateral(CAROL, COLLATERAL);
    chain.as_(CAROL).ch().approve_market(MARKET, true);
    // The margin check after the trade finds no vol (the trade is written first; on-chain the
    // error reverts it).
    assert_reverts(
        chain
            .as_(MARKET)
            .ch()
            .update_position(CAROL, perp(2), E18, 60_000 * E18),
        StaleVolatility {
            underlying: U256::from(2),
            updatedAt: U256::ZERO,
            maxAge: U256::from(VOL_MAX_AGE),
            timestamp: U256::from(NOW),
        },
    );
}

#[test]
fn a_new_feed_during_a_ramp_keeps_the_ramp_and_a_new_target_starts_from_where_it_is() {
    let chain = listed_chain();
    let set = |feed, params: &pm_risk::UnderlyingParams| {
        chain
            .as_(RISK_ADMIN)
            .ch()
            .set_underlying(BTC, feed, HEARTBEAT, VOL_MAX_AGE, 0, params_of(params))
            .unwrap();
    };
    set(BTC_FEED, &defaults::SOL);
    advance_hours(&chain, 12);
    // The same parameters with another feed: the ramp goes on, half way now.
    set(ETH_FEED, &defaults::SOL);
    assert_eq!(chain.ch().ramp(BTC).unwrap().0, RAMP / 2);
    assert_eq!(chain.ch().underlying(BTC).unwrap().0, ETH_FEED);
    let half = |a: i128, b: i128| a + (b - a) / 2;
    let scan_floor = half(defaults::BTC.scan_floor, defaults::SOL.scan_floor);
    assert_eq!(chain.ch().ramp(BTC).unwrap().3[1], defaults::SOL.scan_floor);
    // Back to BTC's: a new ramp from the half-way point.
    set(ETH_FEED, &defaults::BTC);
    assert_eq!(chain.ch().ramp(BTC).unwrap().0, 0);
    advance_hours(&chain, 12);
    trade(&chain, ALICE, perp(BTC), E18 / 10, 3_000 * E18);
    let request = pm_risk::wire::decode(&chain.ch().risk_request(ALICE).unwrap()).unwrap();
    assert_eq!(
        request.underlyings[0].params.scan_floor,
        half(scan_floor, defaults::BTC.scan_floor)
    );
}
