//! The clearinghouse answers every function at one address: the core runs the hot path and
//! routes every other selector to the facet that exports it (a table generated from the facets'
//! interfaces). Every function of the generated `IClearinghouse` is routed, an unknown selector is
//! a typed error, initialisation happens once, in the deployment transaction, and a facet answers
//! only its own functions.
//!
//! Needs `script/build-wasm.sh` and `forge build` first (script/test.sh runs both before this).
#![cfg(feature = "e2e")]

mod common;

use alloy_primitives::{Address, Bytes, FixedBytes};
use alloy_sol_types::sol_data::{Address as SolAddress, Bytes as SolBytes};
use alloy_sol_types::{SolCall, SolError, SolType};
use common::*;
use pm_e2e::deployment::{artifact, constructor, IClearinghouse, IStylusDeployer};
use pm_e2e::programs::wasm_of;

fn program(e: &pm_e2e::deployment::Engine, name: &str) -> Address {
    e.program(name).unwrap()
}

#[test]
fn every_function_of_the_interface_answers_at_the_core() {
    let mut e = engine();
    let unknown = IClearinghouse::UnknownSelector::SELECTOR;
    for selector in IClearinghouse::IClearinghouseCalls::SELECTORS {
        // The bare selector: a function without arguments answers, the others revert on decoding;
        // none may be unknown to the core.
        let r = e.chain.call(e.owner, e.clearinghouse, selector.to_vec());
        assert!(
            r.output.get(..4) != Some(unknown.as_slice()),
            "{selector:?} is not routed: {r:?}"
        );
    }
    // The interface holds the functions of every program.
    for selector in [
        IClearinghouse::updatePositionCall::SELECTOR,
        IClearinghouse::setMarketCall::SELECTOR,
        IClearinghouse::positionsCall::SELECTOR,
        IClearinghouse::withdrawableCall::SELECTOR,
        IClearinghouse::postRiskUpdateCall::SELECTOR,
    ] {
        assert!(IClearinghouse::IClearinghouseCalls::SELECTORS.contains(&selector));
    }
}

#[test]
fn an_unknown_selector_is_a_typed_error() {
    let mut e = engine();
    let r = e
        .chain
        .call(e.owner, e.clearinghouse, vec![0xde, 0xad, 0xbe, 0xef, 0, 0]);
    reverted_with(&r, IClearinghouse::UnknownSelector::SELECTOR);
    let err = IClearinghouse::UnknownSelector::abi_decode(&r.output).unwrap();
    assert_eq!(err.selector, FixedBytes([0xde, 0xad, 0xbe, 0xef]));
    // Calldata too short for a selector is unknown too.
    let r = e.chain.call(e.owner, e.clearinghouse, vec![0x01]);
    reverted_with(&r, IClearinghouse::UnknownSelector::SELECTOR);
}

#[test]
fn initialize_runs_once_in_the_deployment_transaction() {
    let mut e = engine();
    let again = IClearinghouse::initializeCall {
        owner: e.chain.accounts[5],
        vault: e.vault,
        riskProgram: e.risk_program,
        viewsFacet: program(&e, "clearinghouse-views"),
        accountsFacet: program(&e, "clearinghouse-accounts"),
        tradingFacet: program(&e, "clearinghouse-trading"),
        settlementFacet: program(&e, "clearinghouse-settlement"),
        liquidationFacet: program(&e, "clearinghouse-liquidation"),
        parametersFacet: program(&e, "clearinghouse-parameters"),
        settlementDecimals: 6,
    };
    let r = e.send(e.chain.accounts[5], e.clearinghouse, again.abi_encode());
    reverted_with(&r, IClearinghouse::AlreadyInitialized::SELECTOR);
    let owner = e.chain.call(
        e.owner,
        e.clearinghouse,
        IClearinghouse::ownerCall {}.abi_encode(),
    );
    let owner = IClearinghouse::ownerCall::abi_decode_returns(&owner.output).unwrap();
    assert_eq!(owner, e.owner);
}

/// The admin facet called at its own address refuses `initialize`: nobody can make a shadow
/// clearinghouse of the facet's own storage.
#[test]
fn the_admin_facet_refuses_initialize_at_its_own_address() {
    let mut e = engine();
    let attacker = e.chain.accounts[5];
    let call = IClearinghouse::initializeCall {
        owner: attacker,
        vault: e.vault,
        riskProgram: e.risk_program,
        viewsFacet: program(&e, "clearinghouse-views"),
        accountsFacet: program(&e, "clearinghouse-accounts"),
        tradingFacet: program(&e, "clearinghouse-trading"),
        settlementFacet: program(&e, "clearinghouse-settlement"),
        liquidationFacet: program(&e, "clearinghouse-liquidation"),
        parametersFacet: program(&e, "clearinghouse-parameters"),
        settlementDecimals: 6,
    };
    let admin = program(&e, "clearinghouse-admin");
    let r = e.send(attacker, admin, call.abi_encode());
    reverted_with(&r, IClearinghouse::NotThroughCore::SELECTOR);
}

#[test]
fn the_constructor_accepts_only_a_call_of_initialize() {
    let mut e = engine();
    let core = wasm_of(std::path::Path::new(ROOT), "clearinghouse-core").unwrap();
    let (fresh, _, _) = e.chain.deploy_program(e.owner, &core).unwrap();
    let admin = program(&e, "clearinghouse-admin");
    let not_initialize = IClearinghouse::setRiskAdminCall { riskAdmin: e.owner }.abi_encode();
    let ctor = constructor(<(SolAddress, SolBytes)>::abi_encode_params(&(
        admin,
        Bytes::from(not_initialize),
    )));
    let r = e.send(e.owner, fresh, ctor);
    reverted_with(&r, IClearinghouse::UnknownSelector::SELECTOR);
    // A call of `initialize`, but to an "admin facet" without code: the delegatecall succeeds,
    // nothing is initialised, and the constructor reverts.
    let initialize = IClearinghouse::initializeCall {
        owner: e.owner,
        vault: e.vault,
        riskProgram: e.risk_program,
        viewsFacet: program(&e, "clearinghouse-views"),
        accountsFacet: program(&e, "clearinghouse-accounts"),
        tradingFacet: program(&e, "clearinghouse-trading"),
        settlementFacet: program(&e, "clearinghouse-settlement"),
        liquidationFacet: program(&e, "clearinghouse-liquidation"),
        parametersFacet: program(&e, "clearinghouse-parameters"),
        settlementDecimals: 6,
    }
    .abi_encode();
    let ctor = constructor(<(SolAddress, SolBytes)>::abi_encode_params(&(
        e.chain.accounts[7],
        Bytes::from(initialize),
    )));
    let r = e.send(e.owner, fresh, ctor);
    reverted_with(&r, IClearinghouse::UnknownSelector::SELECTOR);
}

#[test]
fn a_facet_answers_only_its_own_functions() {
    let mut e = engine();
    let (admin, views) = (
        program(&e, "clearinghouse-admin"),
        program(&e, "clearinghouse-views"),
    );
    let positions = IClearinghouse::positionsCall { account: e.owner }.abi_encode();
    // The views facet exports `positions`; the admin facet does not and reverts with no data.
    assert!(e.chain.call(e.owner, views, positions.clone()).status);
    let r = e.chain.call(e.owner, admin, positions);
    assert!(!r.status && r.output.is_empty(), "{r:?}");
}

/// The deployment deploys, activates and constructs each program in one transaction through the
/// deployer contract (as `cargo stylus deploy` does): a constructor that fails reverts the
/// deployment itself, so no unconstructed program is ever left for someone else to construct.
#[test]
fn the_deployer_constructs_in_the_deployment_transaction_or_deploys_nothing() {
    let mut e = engine();
    assert!(e
        .setup_gas
        .iter()
        .all(|(label, _)| !label.ends_with(" constructor")));
    let deployer = e
        .chain
        .deploy_artifact(e.owner, &artifact(ROOT, "StylusDeployer"), &[])
        .unwrap();
    let core = wasm_of(std::path::Path::new(ROOT), "clearinghouse-core").unwrap();
    let init_code = stylus_devnet::pack::pack(&core, alloy_primitives::keccak256(&core).0)
        .unwrap()
        .init_code();
    let not_initialize = IClearinghouse::setRiskAdminCall { riskAdmin: e.owner }.abi_encode();
    let call = IStylusDeployer::deployCall {
        initCode: init_code.into(),
        initData: constructor(<(SolAddress, SolBytes)>::abi_encode_params(&(
            program(&e, "clearinghouse-admin"),
            Bytes::from(not_initialize),
        )))
        .into(),
        initValue: alloy_primitives::U256::ZERO,
    };
    let r = e.send(e.owner, deployer, call.abi_encode());
    reverted_with(&r, IStylusDeployer::ProgramInitializationFailed::SELECTOR);
    let failed = IStylusDeployer::ProgramInitializationFailed::abi_decode(&r.output).unwrap();
    assert_eq!(
        &failed.reason[..4],
        IClearinghouse::UnknownSelector::SELECTOR.as_slice()
    );
    // Nothing is left at the address the deployment would have used.
    assert!(e.chain.code(failed.program).is_empty());
}
