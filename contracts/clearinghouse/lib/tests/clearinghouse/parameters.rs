//! The account-wide risk parameters and the correlation matrix, checked by the real risk
//! program.

use pm_clearinghouse::errors::*;
use pm_clearinghouse::events::*;
use pm_risk::params::defaults;
use pm_risk::wire::{decode, scalars_of};
use pm_risk::RiskError;

use crate::support::*;

fn scalars() -> [i128; 9] {
    scalars_of(&defaults::risk(&[]))
}

/// The standard setup with a third underlying (SOL parameters on the BTC feed, vol 80%).
fn three_underlyings() -> Chain {
    let chain = listed_chain();
    list(&chain, 2, BTC_FEED, &defaults::SOL);
    chain
        .as_(VOL_ORACLE)
        .ch()
        .post_volatility(2, 8 * E18 / 10)
        .unwrap();
    chain
}

#[test]
fn set_risk_params_stores_what_the_margin_check_sends_and_emits_risk_params_set() {
    let chain = listed_chain();
    let mut scalars = scalars();
    scalars[7] = 3 * E18 / 2; // im ratio 1.5
    chain
        .as_(RISK_ADMIN)
        .ch()
        .set_risk_params(9, scalars, vec![-E18 / 2])
        .unwrap();
    chain.assert_last_event(RiskParamsSet {
        gridLevels: 9,
        scalars,
        correlations: vec![-E18 / 2],
    });
    let book = [(perp(BTC), E18), (perp(ETH), 10 * E18)];
    trade(&chain, ALICE, perp(BTC), E18, 60_000 * E18);
    trade(&chain, ALICE, perp(ETH), 10 * E18, 3_000 * E18);
    let request = decode(&chain.ch().risk_request(ALICE).unwrap()).unwrap();
    assert_eq!(request.grid_levels, 9);
    assert_eq!(request.scalars, scalars);
    assert_eq!(request.correlation, vec![E18, -E18 / 2, -E18 / 2, E18]);
    let model = Model {
        grid_levels: 9,
        scalars,
        correlations: vec![-E18 / 2],
        ..Model::standard()
    };
    assert_eq!(
        chain.ch().account_margin(ALICE).unwrap(),
        model.margin(&chain, chain.collateral_of(ALICE), &book)
    );
}

#[test]
fn set_risk_params_writes_each_pair_of_three_underlyings_to_its_place() {
    let chain = three_underlyings();
    chain
        .as_(RISK_ADMIN)
        .ch()
        .set_risk_params(7, scalars(), vec![E18 / 10, E18 / 5, E18 * 3 / 10])
        .unwrap();
    trade(&chain, ALICE, perp(2), E18 / 10, 60_000 * E18);
    trade(&chain, ALICE, perp(BTC), E18 / 10, 60_000 * E18);
    trade(&chain, ALICE, perp(ETH), E18, 3_000 * E18);
    let request = decode(&chain.ch().risk_request(ALICE).unwrap()).unwrap();
    // (0,1) = 0.1, (0,2) = 0.2, (1,2) = 0.3.
    let (a, b, c) = (E18 / 10, E18 / 5, E18 * 3 / 10);
    assert_eq!(request.correlation, vec![E18, a, b, a, E18, c, b, c, E18]);
}

#[test]
fn set_risk_params_reverts_for_anyone_but_the_risk_admin() {
    let chain = listed_chain();
    assert_unchanged(
        &chain,
        || chain.as_(OWNER).ch().set_risk_params(7, scalars(), vec![0]),
        NotRiskAdmin { caller: OWNER },
    );
}

#[test]
fn set_risk_params_reverts_unless_one_correlation_per_pair_of_listed_underlyings() {
    let chain = listed_chain();
    for correlations in [vec![], vec![0, 0]] {
        assert_unchanged(
            &chain,
            || {
                chain
                    .as_(RISK_ADMIN)
                    .ch()
                    .set_risk_params(7, scalars(), correlations.clone())
            },
            LengthMismatch {},
        );
    }
    let chain = three_underlyings();
    assert_unchanged(
        &chain,
        || chain.as_(RISK_ADMIN).ch().set_risk_params(7, scalars(), vec![0]),
        LengthMismatch {},
    );
}

// The risk program's checks below read what `set_risk_params` has just written: on-chain the
// error reverts the whole transaction; the TestVM host has no rollback, so these tests show the
// error only.

#[test]
fn set_risk_params_reverts_for_a_matrix_that_is_not_positive_semi_definite() {
    let chain = three_underlyings();
    let (high, low) = (9 * E18 / 10, -9 * E18 / 10);
    assert_reverts(
        chain
            .as_(RISK_ADMIN)
            .ch()
            .set_risk_params(7, scalars(), vec![high, high, low]),
        InvalidRiskParameters {
            code: RiskError::CorrelationNotPsd.code(),
        },
    );
    assert_eq!(RiskError::CorrelationNotPsd.code(), 15);
}

#[test]
fn set_risk_params_reverts_for_a_correlation_beyond_one() {
    let chain = listed_chain();
    assert_reverts(
        chain
            .as_(RISK_ADMIN)
            .ch()
            .set_risk_params(7, scalars(), vec![E18 + 1]),
        InvalidRiskParameters {
            code: RiskError::CorrelationOutOfRange.code(),
        },
    );
}

#[test]
fn set_risk_params_reverts_for_scalars_out_of_bounds() {
    let chain = listed_chain();
    for (grid_levels, index, value) in [(8, 0, scalars()[0]), (7, 7, E18 / 2), (13, 0, scalars()[0])] {
        let mut s = scalars();
        s[index] = value;
        assert_reverts(
            chain
                .as_(RISK_ADMIN)
                .ch()
                .set_risk_params(grid_levels, s, vec![0]),
            InvalidRiskParameters {
                code: RiskError::InvalidParameter.code(),
            },
        );
    }
}

#[test]
fn set_risk_params_with_one_underlying_takes_no_correlation() {
    let chain = initialized_chain();
    list(&chain, 0, BTC_FEED, &defaults::BTC);
    chain
        .as_(RISK_ADMIN)
        .ch()
        .set_risk_params(11, scalars(), vec![])
        .unwrap();
    chain.assert_last_event(RiskParamsSet {
        gridLevels: 11,
        scalars: scalars(),
        correlations: vec![],
    });
}
