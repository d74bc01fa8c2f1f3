//! The risk oracle's updates (every vol and the correlation matrix, bounded against what is in
//! force) and the owner's bounds on them.

use alloy_primitives::U256;
use pm_clearinghouse::errors::*;
use pm_clearinghouse::events::*;
use pm_clearinghouse::oracle_rules::{
    DEFAULT_CORRELATION_STEP, DEFAULT_MIN_GAP, DEFAULT_RAMP, DEFAULT_VOL_STEP,
};
use pm_risk::params::defaults;
use pm_risk::units::{MAX_VOL, MIN_VOL};
use pm_risk::wire::decode;
use pm_risk::RiskError;

use crate::support::*;

/// The least gap between updates, seconds.
const GAP: u64 = DEFAULT_MIN_GAP as u64;

/// The standard setup, a gap later (feeds fresh), with a third underlying listed (SOL's
/// parameters on the BTC feed) and no vol posted for it yet.
fn three_underlyings() -> Chain {
    let chain = listed_chain();
    chain.advance_to(NOW + GAP);
    list(&chain, 2, BTC_FEED, &defaults::SOL);
    chain
}

/// The risk oracle posts the three underlyings' vols (SOL's 80%) and `correlations`.
fn post_three(chain: &Chain, correlations: &[i128]) -> pm_clearinghouse::errors::Result<()> {
    post(chain, &[BTC_VOL, ETH_VOL, 8 * E18 / 10], correlations)
}

/// The risk oracle posts `vols` and `correlations`.
fn post(chain: &Chain, vols: &[i128], correlations: &[i128]) -> pm_clearinghouse::errors::Result<()> {
    chain
        .as_(RISK_ORACLE)
        .ch()
        .post_risk_update(vols.to_vec(), correlations.to_vec())
}

#[test]
fn an_update_stores_every_vol_stamped_now_and_the_matrix_and_emits_risk_update_posted() {
    let chain = listed_chain();
    chain.advance_to(NOW + GAP);
    post(&chain, &[6 * E18 / 10, 9 * E18 / 10], &[7 * E18 / 10]).unwrap();
    chain.assert_last_event(RiskUpdatePosted {
        vols: vec![6 * E18 / 10, 9 * E18 / 10],
        correlations: vec![7 * E18 / 10],
    });
    assert_eq!(
        chain.ch().underlying(ETH).unwrap(),
        (ETH_FEED, HEARTBEAT, VOL_MAX_AGE, 9 * E18 / 10, NOW + GAP)
    );
    assert_eq!(chain.ch().underlying(BTC).unwrap().3, 6 * E18 / 10);
    assert_eq!(chain.ch().risk_params().2, vec![7 * E18 / 10]);
    assert_eq!(
        chain.ch().risk_oracle_bounds(),
        (
            DEFAULT_VOL_STEP,
            DEFAULT_CORRELATION_STEP,
            DEFAULT_MIN_GAP,
            DEFAULT_RAMP,
            NOW + GAP
        )
    );
    trade(&chain, ALICE, perp(BTC), E18, 60_000 * E18);
    trade(&chain, ALICE, perp(ETH), E18, 3_000 * E18);
    let request = decode(&chain.ch().risk_request(ALICE).unwrap()).unwrap();
    assert_eq!(request.correlation, vec![E18, 7 * E18 / 10, 7 * E18 / 10, E18]);
}

#[test]
fn an_update_writes_each_pair_of_three_underlyings_to_its_place() {
    let chain = three_underlyings();
    // SOL was never posted: its vol and its correlations take any value, the others one step.
    let (a, b, c) = (6 * E18 / 10, E18 / 5, E18 * 3 / 10);
    post_three(&chain, &[a, b, c]).unwrap();
    trade(&chain, ALICE, perp(2), E18 / 10, 60_000 * E18);
    trade(&chain, ALICE, perp(BTC), E18 / 10, 60_000 * E18);
    trade(&chain, ALICE, perp(ETH), E18, 3_000 * E18);
    let request = decode(&chain.ch().risk_request(ALICE).unwrap()).unwrap();
    // (0,1) = 0.6, (0,2) = 0.2, (1,2) = 0.3.
    assert_eq!(request.correlation, vec![E18, a, b, a, E18, c, b, c, E18]);
    assert_eq!(chain.ch().risk_params().2, vec![a, b, c]);
}

#[test]
fn fifteen_pairs_of_six_underlyings_round_trip_through_four_words_with_their_signs() {
    let chain = listed_chain();
    chain.advance_to(NOW + GAP);
    for k in 2..6 {
        list(&chain, k, BTC_FEED, &defaults::SOL);
    }
    // rho = c c' + diag(1 - c_i^2) is positive semi-definite; (0, 1) = 0.8 x 1.0 is BTC-ETH's.
    let c = [
        8 * E18 / 10,
        E18,
        -7 * E18 / 10,
        6 * E18 / 10,
        -5 * E18 / 10,
        3 * E18 / 10,
    ];
    let mut pairs = Vec::new();
    for i in 0..6 {
        for j in i + 1..6 {
            pairs.push(c[i] * c[j] / E18);
        }
    }
    assert_eq!(pairs[0], BTC_ETH_CORRELATION);
    let sol = 8 * E18 / 10;
    post(&chain, &[BTC_VOL, ETH_VOL, sol, sol, sol, sol], &pairs).unwrap();
    assert_eq!(chain.ch().risk_params().2, pairs);
}

#[test]
fn a_correlation_too_wide_for_its_quarter_word_is_refused_before_anything_is_written() {
    let chain = three_underlyings();
    // Cut to 64 bits it would read 0.5 and pass the risk program's check: refused first.
    let wraps = (1i128 << 64) + E18 / 2;
    for bad in [wraps, -wraps] {
        assert_unchanged(
            &chain,
            || post_three(&chain, &[BTC_ETH_CORRELATION, bad, 0]),
            InvalidRiskParameters {
                code: RiskError::CorrelationOutOfRange.code(),
            },
        );
    }
}

#[test]
fn a_fresh_underlying_frees_only_its_own_pairs() {
    let chain = three_underlyings();
    // SOL's pairs take anything; BTC-ETH (0, 1) stays bounded.
    let posted = BTC_ETH_CORRELATION - DEFAULT_CORRELATION_STEP - 1;
    assert_unchanged(
        &chain,
        || post_three(&chain, &[posted, E18 / 2, E18 / 2]),
        CorrelationStepTooLarge {
            first: U256::ZERO,
            second: U256::from(1),
            inForce: BTC_ETH_CORRELATION,
            posted,
        },
    );
    post_three(&chain, &[BTC_ETH_CORRELATION, E18 / 2, E18 / 2]).unwrap();
    // Now SOL is posted: its pairs are bounded too, and the error names the pair (1, 2); the
    // pair (0, 1) before it, within its step, is not written either (nothing changes).
    chain.advance_to(NOW + 2 * GAP);
    assert_unchanged(
        &chain,
        || post_three(&chain, &[BTC_ETH_CORRELATION - E18 / 10, E18 / 2, 0]),
        CorrelationStepTooLarge {
            first: U256::from(1),
            second: U256::from(2),
            inForce: E18 / 2,
            posted: 0,
        },
    );
}

#[test]
fn an_underlying_the_oracle_has_no_data_for_stays_unposted_and_others_stay_fresh() {
    let chain = three_underlyings();
    // No ramp for a new listing: its parameters applied at once.
    assert_eq!(chain.ch().ramp(2).unwrap().1, 0);
    post(&chain, &[BTC_VOL, ETH_VOL, 0], &[BTC_ETH_CORRELATION, 0, 0]).unwrap();
    assert_eq!(chain.ch().underlying(2).unwrap().3, 0);
    assert_eq!(chain.ch().underlying(2).unwrap().4, 0);
    assert_eq!(chain.ch().underlying(BTC).unwrap().4, NOW + GAP);
    // Once posted, 0 is out of range like any vol.
    chain.advance_to(NOW + 2 * GAP);
    post_three(&chain, &[BTC_ETH_CORRELATION, 0, 0]).unwrap();
    chain.advance_to(NOW + 3 * GAP);
    assert_unchanged(
        &chain,
        || post(&chain, &[BTC_VOL, ETH_VOL, 0], &[BTC_ETH_CORRELATION, 0, 0]),
        InvalidVolatility { vol: wad(0) },
    );
}

#[test]
fn a_vol_moves_at_most_one_step_per_update_each_way() {
    let chain = listed_chain();
    chain.advance_to(NOW + GAP);
    // 55% × 1.5 = 82.5% is the most BTC may rise; 55% / 1.5 = 36.67% the most it may fall.
    let up = BTC_VOL * 3 / 2;
    assert_unchanged(
        &chain,
        || post(&chain, &[up + 1, ETH_VOL], &[BTC_ETH_CORRELATION]),
        VolatilityStepTooLarge {
            underlying: U256::from(BTC),
            inForce: BTC_VOL,
            posted: up + 1,
        },
    );
    let down = BTC_VOL * 2 / 3;
    assert_unchanged(
        &chain,
        || post(&chain, &[down - 1, ETH_VOL], &[BTC_ETH_CORRELATION]),
        VolatilityStepTooLarge {
            underlying: U256::from(BTC),
            inForce: BTC_VOL,
            posted: down - 1,
        },
    );
    post(&chain, &[up, ETH_VOL], &[BTC_ETH_CORRELATION]).unwrap();
    // A spike is a few updates: another gap, another step.
    chain.advance_to(NOW + 2 * GAP);
    post(&chain, &[up * 3 / 2, ETH_VOL], &[BTC_ETH_CORRELATION]).unwrap();
    assert_eq!(chain.ch().underlying(BTC).unwrap().3, up * 3 / 2);
}

#[test]
fn a_correlation_moves_at_most_one_step_per_update() {
    let chain = listed_chain();
    chain.advance_to(NOW + GAP);
    let step = DEFAULT_CORRELATION_STEP;
    let posted = BTC_ETH_CORRELATION - step - 1;
    assert_unchanged(
        &chain,
        || post(&chain, &[BTC_VOL, ETH_VOL], &[posted]),
        CorrelationStepTooLarge {
            first: U256::ZERO,
            second: U256::from(1),
            inForce: BTC_ETH_CORRELATION,
            posted,
        },
    );
    post(&chain, &[BTC_VOL, ETH_VOL], &[BTC_ETH_CORRELATION - step]).unwrap();
}

#[test]
fn updates_closer_than_the_least_gap_are_refused() {
    let chain = listed_chain();
    chain.advance_to(NOW + GAP - 1);
    assert_unchanged(
        &chain,
        || post(&chain, &[BTC_VOL, ETH_VOL], &[BTC_ETH_CORRELATION]),
        RiskUpdateTooSoon {
            updatedAt: U256::from(NOW),
            minGap: U256::from(GAP),
            timestamp: U256::from(NOW + GAP - 1),
        },
    );
    chain.advance_to(NOW + GAP);
    post(&chain, &[BTC_VOL, ETH_VOL], &[BTC_ETH_CORRELATION]).unwrap();
}

#[test]
fn a_first_vol_may_be_anything_from_one_to_five_hundred_percent() {
    for vol in [MIN_VOL, MAX_VOL] {
        let chain = initialized_chain();
        list(&chain, BTC, BTC_FEED, &defaults::BTC);
        post(&chain, &[vol], &[]).unwrap();
        assert_eq!(chain.ch().underlying(BTC).unwrap().3, vol);
    }
}

#[test]
fn an_update_reverts_for_a_vol_outside_one_to_five_hundred_percent() {
    let chain = listed_chain();
    chain.advance_to(NOW + GAP);
    for vol in [MIN_VOL - 1, MAX_VOL + 1, 0, -BTC_VOL] {
        assert_unchanged(
            &chain,
            || post(&chain, &[BTC_VOL, vol], &[BTC_ETH_CORRELATION]),
            InvalidVolatility { vol: wad(vol) },
        );
    }
}

#[test]
fn an_update_reverts_unless_one_vol_per_underlying_and_one_correlation_per_pair() {
    let chain = listed_chain();
    chain.advance_to(NOW + GAP);
    for (vols, correlations) in [
        (vec![BTC_VOL], vec![BTC_ETH_CORRELATION]),
        (vec![BTC_VOL, ETH_VOL, ETH_VOL], vec![BTC_ETH_CORRELATION]),
        (vec![BTC_VOL, ETH_VOL], vec![]),
        (vec![BTC_VOL, ETH_VOL], vec![0, 0]),
    ] {
        assert_unchanged(&chain, || post(&chain, &vols, &correlations), LengthMismatch {});
    }
}

#[test]
fn an_update_reverts_for_anyone_but_the_risk_oracle() {
    let chain = listed_chain();
    chain.advance_to(NOW + GAP);
    for caller in [RISK_ADMIN, OWNER, ALICE] {
        assert_unchanged(
            &chain,
            || {
                chain
                    .as_(caller)
                    .ch()
                    .post_risk_update(vec![BTC_VOL, ETH_VOL], vec![BTC_ETH_CORRELATION])
            },
            NotRiskOracle { caller },
        );
    }
}

// The risk program's check below reads what the update has just written: on-chain the error
// reverts the whole transaction; the TestVM host has no rollback, so these tests show the error
// only.

#[test]
fn an_update_reverts_for_a_matrix_that_is_not_positive_semi_definite() {
    let chain = three_underlyings();
    let (high, low) = (9 * E18 / 10, -9 * E18 / 10);
    assert_reverts(
        post(&chain, &[BTC_VOL, ETH_VOL, BTC_VOL], &[high, high, low]),
        InvalidRiskParameters {
            code: RiskError::CorrelationNotPsd.code(),
        },
    );
    assert_eq!(RiskError::CorrelationNotPsd.code(), 15);
}

#[test]
fn an_update_reverts_for_a_correlation_beyond_one_even_within_a_step() {
    let chain = listed_chain();
    chain.advance_to(NOW + GAP);
    assert_reverts(
        post(&chain, &[BTC_VOL, ETH_VOL], &[E18 + 1]),
        InvalidRiskParameters {
            code: RiskError::CorrelationOutOfRange.code(),
        },
    );
}

#[test]
fn an_update_reverts_for_a_fresh_correlation_beyond_one() {
    let chain = three_underlyings();
    assert_reverts(
        post(
            &chain,
            &[BTC_VOL, ETH_VOL, BTC_VOL],
            &[BTC_ETH_CORRELATION, E18 + 1, 0],
        ),
        InvalidRiskParameters {
            code: RiskError::CorrelationOutOfRange.code(),
        },
    );
}

#[test]
fn the_owner_sets_the_bounds_and_zero_restores_a_default() {
    let chain = listed_chain();
    chain
        .as_(OWNER)
        .ch()
        .set_risk_oracle_bounds(4 * E18, E18 / 10, 60, 3_600)
        .unwrap();
    chain.assert_last_event(OracleBoundsSet {
        volStep: 4 * E18,
        correlationStep: E18 / 10,
        minGap: 60,
        rampDuration: 3_600,
    });
    assert_eq!(
        chain.ch().risk_oracle_bounds(),
        (4 * E18, E18 / 10, 60, 3_600, NOW)
    );
    // Looser vol step, tighter correlation step, shorter gap.
    chain.advance_to(NOW + 60);
    post(&chain, &[5 * BTC_VOL, ETH_VOL], &[BTC_ETH_CORRELATION - E18 / 10]).unwrap();
    chain.advance_to(NOW + 120);
    assert_reverts(
        post(
            &chain,
            &[5 * BTC_VOL, ETH_VOL],
            &[BTC_ETH_CORRELATION - E18 / 5 - 1],
        ),
        CorrelationStepTooLarge {
            first: U256::ZERO,
            second: U256::from(1),
            inForce: BTC_ETH_CORRELATION - E18 / 10,
            posted: BTC_ETH_CORRELATION - E18 / 5 - 1,
        },
    );
    // The ramp duration applies to the next change.
    chain
        .as_(RISK_ADMIN)
        .ch()
        .set_risk_params(9, pm_risk::wire::scalars_of(&defaults::risk(&[])))
        .unwrap();
    assert_eq!(chain.ch().ramp(16).unwrap().1, 3_600);
    chain.as_(OWNER).ch().set_risk_oracle_bounds(0, 0, 0, 0).unwrap();
    assert_eq!(
        chain.ch().risk_oracle_bounds(),
        (
            DEFAULT_VOL_STEP,
            DEFAULT_CORRELATION_STEP,
            DEFAULT_MIN_GAP,
            DEFAULT_RAMP,
            NOW + 60
        )
    );
}

#[test]
fn set_risk_oracle_bounds_reverts_for_anyone_but_the_owner_and_for_bounds_out_of_range() {
    let chain = listed_chain();
    for caller in [RISK_ADMIN, RISK_ORACLE] {
        assert_unchanged(
            &chain,
            || chain.as_(caller).ch().set_risk_oracle_bounds(0, 0, 0, 0),
            NotOwner { caller },
        );
    }
    for (vol, correlation, gap, ramp) in [
        (-1, 0, 0, 0),
        (10 * E18 + 1, 0, 0, 0),
        (0, 2 * E18 + 1, 0, 0),
        (0, 0, 86_401, 0),
        (0, 0, 0, 30 * 86_400 + 1),
        (0, 0, -1, 0),
    ] {
        assert_unchanged(
            &chain,
            || {
                chain
                    .as_(OWNER)
                    .ch()
                    .set_risk_oracle_bounds(vol, correlation, gap, ramp)
            },
            InvalidOracleBounds {},
        );
    }
}
