//! The account-wide risk parameters, checked by the real risk program, and their ramps: a change
//! takes effect over the ramp duration, not at once.

use alloy_sol_types::SolEvent;
use pm_clearinghouse::errors::*;
use pm_clearinghouse::events::*;
use pm_clearinghouse::ramps::SCALARS;
use pm_risk::params::defaults;
use pm_risk::wire::{decode, scalars_of};
use pm_risk::RiskError;

use crate::support::*;

fn scalars() -> [i128; 9] {
    scalars_of(&defaults::risk(&[]))
}

/// Index of the mm factor and the im ratio among the scalars.
const MM_FACTOR: usize = 6;
const IM_RATIO: usize = 7;

/// Whether `chain` emitted `expected` at any point.
fn emitted<E: SolEvent>(chain: &Chain, expected: E) -> bool {
    chain.logs().contains(&event(&expected))
}

#[test]
fn set_risk_params_ramps_in_what_the_margin_check_sends() {
    let chain = listed_chain();
    let mut target = scalars();
    target[IM_RATIO] = 3 * E18 / 2;
    chain.as_(RISK_ADMIN).ch().set_risk_params(9, target).unwrap();
    chain.assert_last_event(RiskParamsSet {
        gridLevels: 9,
        scalars: target,
    });
    assert!(emitted(
        &chain,
        RampStarted {
            group: u256(SCALARS as u128),
            duration: RAMP,
        }
    ));
    // Nothing changes at once: the margin checks still read the parameters in force.
    let book = [(perp(BTC), E18), (perp(ETH), 10 * E18)];
    trade(&chain, ALICE, perp(BTC), E18, 60_000 * E18);
    trade(&chain, ALICE, perp(ETH), 10 * E18, 3_000 * E18);
    let request = decode(&chain.ch().risk_request(ALICE).unwrap()).unwrap();
    assert_eq!((request.grid_levels, request.scalars), (7, scalars()));
    let (applied, duration, advanced_at, ends_at) = chain.ch().ramp(SCALARS as u8).unwrap();
    assert_eq!((applied, duration, advanced_at), (0, RAMP, NOW));
    assert_eq!((ends_at[1], ends_at[2 + IM_RATIO]), (9, 3 * E18 / 2));
    // A ramp's length later, advanced hourly: whole.
    ramp_in(&chain);
    let request = decode(&chain.ch().risk_request(ALICE).unwrap()).unwrap();
    assert_eq!((request.grid_levels, request.scalars), (9, target));
    assert_eq!(
        request.correlation,
        vec![E18, BTC_ETH_CORRELATION, BTC_ETH_CORRELATION, E18]
    );
    let (applied, duration, _, _) = chain.ch().ramp(SCALARS as u8).unwrap();
    assert_eq!(applied, duration);
    assert_eq!(chain.ch().advance_ramps().unwrap(), 0);
    let model = Model {
        grid_levels: 9,
        scalars: target,
        ..Model::standard()
    };
    assert_eq!(
        chain.ch().account_margin(ALICE).unwrap(),
        model.margin(&chain, chain.collateral_of(ALICE), &book)
    );
}

#[test]
fn a_ramp_moves_linearly_and_the_grid_levels_switch_at_its_end() {
    let chain = listed_chain();
    let mut target = scalars();
    let from = target[IM_RATIO];
    target[IM_RATIO] = from + E18 / 2;
    chain.as_(RISK_ADMIN).ch().set_risk_params(9, target).unwrap();
    // Six hourly advances: a quarter of the way.
    advance_hours(&chain, 6);
    assert!(emitted(
        &chain,
        RampAdvanced {
            group: u256(SCALARS as u128),
            applied: RAMP / 4,
            duration: RAMP,
        }
    ));
    let (levels, now, _) = chain.ch().risk_params();
    assert_eq!((levels, now[IM_RATIO]), (7, from + E18 / 8));
    // Again in the same block: still under way, nothing more applied.
    assert_eq!(chain.ch().advance_ramps().unwrap(), 1);
    assert_eq!(chain.ch().risk_params().1[IM_RATIO], from + E18 / 8);
    advance_hours(&chain, 18);
    let (levels, now, _) = chain.ch().risk_params();
    assert_eq!((levels, now), (9, target));
    // Whole: nothing left to move.
    assert_eq!(chain.ch().advance_ramps().unwrap(), 0);
}

#[test]
fn a_ramp_nobody_advances_for_a_day_moves_an_hour_at_a_time_never_at_once() {
    let chain = listed_chain();
    let from = scalars()[IM_RATIO];
    let mut target = scalars();
    target[IM_RATIO] = from + 24 * E18 / 100;
    chain.as_(RISK_ADMIN).ch().set_risk_params(7, target).unwrap();
    // A day without keepers, then one advance: one hour's worth (1/24), not the day's.
    chain.advance_to(NOW + RAMP);
    chain.ch().advance_ramps().unwrap();
    assert_eq!(chain.ch().risk_params().1[IM_RATIO], from + E18 / 100);
    assert_eq!(
        chain.ch().ramp(SCALARS as u8).unwrap().0,
        pm_common::ramp::MAX_STEP
    );
}

#[test]
fn a_change_during_a_ramp_starts_from_where_the_ramp_is() {
    let chain = listed_chain();
    let from = scalars()[IM_RATIO];
    let mut first = scalars();
    first[IM_RATIO] = from + E18;
    chain.as_(RISK_ADMIN).ch().set_risk_params(7, first).unwrap();
    advance_hours(&chain, 12);
    // Back to where it started, half way through: it has moved half way, and returns from there.
    chain.as_(RISK_ADMIN).ch().set_risk_params(7, scalars()).unwrap();
    assert_eq!(chain.ch().risk_params().1[IM_RATIO], from + E18 / 2);
    assert_eq!(
        chain.ch().ramp(SCALARS as u8).unwrap(),
        (0, RAMP, NOW + RAMP / 2, chain.ch().ramp(SCALARS as u8).unwrap().3)
    );
    advance_hours(&chain, 12);
    assert_eq!(chain.ch().risk_params().1[IM_RATIO], from + E18 / 4);
}

#[test]
fn raising_maintenance_does_not_make_a_healthy_account_liquidatable_at_once() {
    let chain = listed_chain();
    // ALICE long 1 BTC perp with just over what maintenance asks now.
    trade(&chain, ALICE, perp(BTC), E18, 60_000 * E18);
    let maintenance = chain.ch().account_margin(ALICE).unwrap().2;
    chain.set_collateral(ALICE, i128::try_from(maintenance).unwrap() * 11 / 10);
    assert!(!chain.ch().account_margin(ALICE).unwrap().7);
    let mut raised = scalars();
    raised[MM_FACTOR] *= 2;
    chain.as_(RISK_ADMIN).ch().set_risk_params(7, raised).unwrap();
    // At once: still healthy. After the ramp: liquidatable, with a day's notice.
    assert!(!chain.ch().account_margin(ALICE).unwrap().7);
    ramp_in(&chain);
    assert!(chain.ch().account_margin(ALICE).unwrap().7);
}

#[test]
fn set_risk_params_reverts_for_anyone_but_the_risk_admin() {
    let chain = listed_chain();
    assert_unchanged(
        &chain,
        || chain.as_(OWNER).ch().set_risk_params(7, scalars()),
        NotRiskAdmin { caller: OWNER },
    );
}

// The risk program's checks below read what `set_risk_params` has just written: on-chain the
// error reverts the whole transaction; the TestVM host has no rollback, so these tests show the
// error only.

#[test]
fn set_risk_params_reverts_for_scalars_out_of_bounds() {
    let chain = listed_chain();
    for (grid_levels, index, value) in [(8, 0, scalars()[0]), (7, 7, E18 / 2), (13, 0, scalars()[0])] {
        let mut s = scalars();
        s[index] = value;
        assert_reverts(
            chain.as_(RISK_ADMIN).ch().set_risk_params(grid_levels, s),
            InvalidRiskParameters {
                code: RiskError::InvalidParameter.code(),
            },
        );
    }
}

#[test]
fn a_scalar_too_wide_for_its_slot_is_refused_and_changes_nothing() {
    let chain = listed_chain();
    for (index, value) in [(0, 1i128 << 64), (8, -1)] {
        let mut s = scalars();
        s[index] = value;
        assert_unchanged(
            &chain,
            || chain.as_(RISK_ADMIN).ch().set_risk_params(7, s),
            InvalidRiskParameters {
                code: RiskError::InvalidParameter.code(),
            },
        );
    }
}

#[test]
fn setting_the_parameters_in_force_starts_no_ramp() {
    let chain = listed_chain();
    chain.as_(RISK_ADMIN).ch().set_risk_params(7, scalars()).unwrap();
    assert!(!chain
        .logs()
        .iter()
        .any(|(topics, _)| topics.first() == Some(&RampStarted::SIGNATURE_HASH)));
    assert_eq!(chain.ch().ramp(SCALARS as u8).unwrap().1, 0);
    assert_eq!(chain.ch().advance_ramps().unwrap(), 0);
}

#[test]
fn ramp_reverts_for_a_group_beyond_the_scalars() {
    let chain = listed_chain();
    assert_reverts(
        chain.ch().ramp(SCALARS as u8 + 1),
        UnknownRamp { group: u256(17) },
    );
}
