//! Bad calls get typed errors and change nothing: unauthorised markets and callers, unapproved
//! accounts, unlisted underlyings, roles, parameters the risk program rejects.
//!
//! Needs `script/build-wasm.sh` and `forge build` first (script/test.sh runs both before this).
#![cfg(feature = "e2e")]

mod common;

use alloy_sol_types::{SolCall, SolError};
use common::*;
use pm_e2e::deployment::{instrument, IClearinghouse, IVault, E18};

/// Bad inputs get typed errors and change nothing.
#[test]
fn bad_calls_get_typed_errors() {
    let mut e = engine();
    let (alice, bob, carol) = (e.chain.accounts[1], e.chain.accounts[2], e.chain.accounts[3]);
    e.open_account(alice, 100_000).unwrap();
    e.open_account(bob, 100_000).unwrap();
    let perp = instrument(0, 0, 0, 0);
    let ch = e.clearinghouse;

    // Only authorised markets update positions; only the clearinghouse settles in the vault.
    let direct = IClearinghouse::updatePositionCall {
        account: alice,
        instrument: perp,
        sizeDelta: E18,
        price: E18,
    };
    reverted_with(
        &e.send(alice, ch, direct.abi_encode()),
        IClearinghouse::MarketNotAuthorised::SELECTOR,
    );
    let settle = IVault::settleCall {
        account: alice,
        counterparty: bob,
        amount: wad(1),
    };
    reverted_with(
        &e.send(alice, e.vault, settle.abi_encode()),
        IVault::NotClearinghouse::SELECTOR,
    );
    // Carol never approved the perp market.
    let r = e
        .trade(e.perps, alice, carol, &[(perp, E18, 65_000 * E18)])
        .unwrap();
    reverted_with(&r, IClearinghouse::MarketNotApproved::SELECTOR);
    // A perp on an unlisted underlying.
    let r = e
        .trade(e.perps, alice, bob, &[(instrument(9, 0, 0, 0), E18, E18)])
        .unwrap();
    reverted_with(&r, IClearinghouse::InvalidInstrument::SELECTOR);
    assert_eq!(positions(&mut e, alice), (vec![], vec![]));

    // Roles.
    reverted_with(
        &e.send(
            alice,
            ch,
            IClearinghouse::postVolatilityCall {
                underlying: 0,
                vol: E18,
            }
            .abi_encode(),
        ),
        IClearinghouse::NotVolOracle::SELECTOR,
    );
    reverted_with(
        &e.send(
            alice,
            ch,
            IClearinghouse::setMarketCall {
                market: alice,
                authorised: true,
            }
            .abi_encode(),
        ),
        IClearinghouse::NotOwner::SELECTOR,
    );
    // A matrix that is not positive semi-definite: the risk program rejects it (code 15).
    let risk = pm_risk::defaults::risk(&[]);
    let (before, _) = e.margin(alice).unwrap();
    let r = e.send(
        e.owner,
        ch,
        IClearinghouse::setRiskParamsCall {
            gridLevels: risk.grid_levels,
            scalars: pm_risk::wire::scalars_of(&risk),
            correlations: vec![E18, -E18, E18, E18, E18, E18],
        }
        .abi_encode(),
    );
    reverted_with(&r, IClearinghouse::InvalidRiskParameters::SELECTOR);
    let err = IClearinghouse::InvalidRiskParameters::abi_decode(&r.output).unwrap();
    assert_eq!(err.code, pm_risk::RiskError::CorrelationNotPsd.code());
    assert_eq!(e.margin(alice).unwrap().0, before);
}
