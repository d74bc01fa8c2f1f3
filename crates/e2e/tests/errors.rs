//! Bad calls get typed errors and change nothing: unauthorised markets and callers, unapproved
//! accounts, unlisted underlyings, roles, parameters the risk program rejects.
//!
//! Needs `script/build-wasm.sh` and `forge build` first (script/test.sh runs both before this).
#![cfg(feature = "e2e")]

mod common;

use alloy_sol_types::{SolCall, SolError};
use common::*;
use pm_e2e::deployment::{instrument, listings, IClearinghouse, IVault, CORRELATIONS, E18};

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
            IClearinghouse::postRiskUpdateCall {
                vols: vec![E18; 4],
                correlations: CORRELATIONS.to_vec(),
            }
            .abi_encode(),
        ),
        IClearinghouse::NotRiskOracle::SELECTOR,
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
    // A matrix that is not positive semi-definite, each correlation within its step of the one
    // in force (BTC and SOL moved to ETH = BTC = SOL, but ETH-SOL to 0.55): the risk program
    // rejects it (code 15).
    e.chain.advance(300);
    let (before, _) = e.margin(alice).unwrap();
    let vols = listings().iter().map(|l| l.vol).collect();
    let r = e.send(
        e.owner,
        ch,
        IClearinghouse::postRiskUpdateCall {
            vols,
            correlations: vec![
                E18,
                E18,
                30 * E18 / 100,
                55 * E18 / 100,
                30 * E18 / 100,
                25 * E18 / 100,
            ],
        }
        .abi_encode(),
    );
    reverted_with(&r, IClearinghouse::InvalidRiskParameters::SELECTOR);
    let err = IClearinghouse::InvalidRiskParameters::abi_decode(&r.output).unwrap();
    assert_eq!(err.code, pm_risk::RiskError::CorrelationNotPsd.code());
    assert_eq!(e.margin(alice).unwrap().0, before);
}
