//! Initialisation (once, by the core's constructor), the configuration view, and the facets the
//! core delegates to.

use alloy_primitives::Address;
use pm_clearinghouse::errors::*;
use pm_clearinghouse::events::*;
use pm_clearinghouse::Facet;
use pm_risk::params::defaults;
use pm_risk::wire::{decode, scalars_of};

use crate::support::*;

fn initialize(chain: &Chain, decimals: u8) -> Result<()> {
    chain.as_(OWNER).ch().initialize(
        OWNER,
        VAULT,
        RISK_PROGRAM,
        VIEWS_FACET,
        ACCOUNTS_FACET,
        TRADING_FACET,
        SETTLEMENT_FACET,
        LIQUIDATION_FACET,
        PARAMETERS_FACET,
        decimals,
    )
}

#[test]
fn initialize_sets_owner_wiring_and_decimals_and_emits_ownership_transferred() {
    let chain = bare_chain();
    initialize(&chain, 6).unwrap();
    assert_eq!(
        chain.logs()[0],
        event(&OwnershipTransferred {
            previousOwner: Address::ZERO,
            newOwner: OWNER,
        })
    );
    // The default scalars' parameter table, the clearinghouse's first creation.
    chain.assert_last_event(ParamTablePublished {
        table: CLEARINGHOUSE.create(1),
    });
    let ch = chain.ch();
    assert_eq!(ch.owner(), OWNER);
    assert_eq!(ch.pending_owner(), Address::ZERO);
    assert_eq!(
        ch.config(),
        (
            Address::ZERO,
            Address::ZERO,
            VAULT,
            RISK_PROGRAM,
            ADMIN_FACET,
            VIEWS_FACET,
            ACCOUNTS_FACET,
            TRADING_FACET,
            SETTLEMENT_FACET,
            LIQUIDATION_FACET,
            PARAMETERS_FACET,
            6
        )
    );
    assert_eq!(ch.underlying_count(), 0);
}

#[test]
fn initialize_stores_the_default_account_wide_risk_parameters() {
    let chain = bare_chain();
    initialize(&chain, 6).unwrap();
    chain.set_collateral(ALICE, 5 * E18);
    // The request of an empty book carries the stored grid levels and scalars.
    let request = decode(&chain.ch().risk_request(ALICE).unwrap()).unwrap();
    let risk = defaults::risk(&[]);
    assert_eq!(request.grid_levels, risk.grid_levels);
    assert_eq!(request.scalars, scalars_of(&risk));
    assert_eq!(request.collateral, 5_000_000);
    assert!(request.underlyings.is_empty() && request.positions.is_empty());
}

#[test]
fn initialize_accepts_eighteen_settlement_decimals() {
    let chain = bare_chain();
    initialize(&chain, 18).unwrap();
    assert_eq!(chain.ch().config().11, 18);
}

#[test]
fn initialize_runs_once_only() {
    let chain = initialized_chain();
    assert_unchanged(
        &chain,
        || {
            chain.as_(BOB).ch().initialize(
                BOB,
                VAULT,
                RISK_PROGRAM,
                VIEWS_FACET,
                ACCOUNTS_FACET,
                TRADING_FACET,
                SETTLEMENT_FACET,
                LIQUIDATION_FACET,
                PARAMETERS_FACET,
                6,
            )
        },
        AlreadyInitialized {},
    );
    assert_eq!(chain.ch().owner(), OWNER);
}

#[test]
fn initialize_reverts_for_each_program_without_code() {
    let chain = bare_chain();
    let programs = [
        VAULT,
        RISK_PROGRAM,
        VIEWS_FACET,
        ACCOUNTS_FACET,
        TRADING_FACET,
        SETTLEMENT_FACET,
        LIQUIDATION_FACET,
        PARAMETERS_FACET,
    ];
    for k in 0..programs.len() {
        let mut args = programs;
        args[k] = NOBODY;
        assert_unchanged(
            &chain,
            || {
                chain.as_(OWNER).ch().initialize(
                    OWNER, args[0], args[1], args[2], args[3], args[4], args[5], args[6], args[7], 6,
                )
            },
            NotAContract { account: NOBODY },
        );
    }
    assert_eq!(chain.ch().owner(), Address::ZERO);
}

#[test]
fn initialize_reverts_above_eighteen_settlement_decimals_with_the_decimals_as_code() {
    let chain = bare_chain();
    assert_unchanged(
        &chain,
        || initialize(&chain, 19),
        InvalidRiskParameters { code: 19 },
    );
    assert_unchanged(
        &chain,
        || initialize(&chain, u8::MAX),
        InvalidRiskParameters { code: 255 },
    );
}

#[test]
fn initialize_reverts_for_a_zero_owner() {
    let chain = bare_chain();
    assert_unchanged(
        &chain,
        || {
            chain.ch().initialize(
                Address::ZERO,
                VAULT,
                RISK_PROGRAM,
                VIEWS_FACET,
                ACCOUNTS_FACET,
                TRADING_FACET,
                SETTLEMENT_FACET,
                LIQUIDATION_FACET,
                PARAMETERS_FACET,
                6,
            )
        },
        ZeroAddress {},
    );
}

#[test]
fn config_shows_every_role_and_program_of_the_standard_setup() {
    let chain = listed_chain();
    assert_eq!(
        chain.ch().config(),
        (
            RISK_ADMIN,
            RISK_ORACLE,
            VAULT,
            RISK_PROGRAM,
            ADMIN_FACET,
            VIEWS_FACET,
            ACCOUNTS_FACET,
            TRADING_FACET,
            SETTLEMENT_FACET,
            LIQUIDATION_FACET,
            PARAMETERS_FACET,
            6
        )
    );
}

#[test]
fn initialize_refuses_to_run_at_the_admin_facets_own_address() {
    // Called at the facet's own address, the admin facet slot of its storage is empty.
    let chain = bare_chain();
    chain.ch().set_admin_facet(Address::ZERO);
    assert_unchanged(&chain, || initialize(&chain, 6), NotThroughCore {});
}

#[test]
fn the_writes_anyone_may_call_refuse_to_run_at_a_facets_own_address() {
    // A facet's own storage has no admin facet recorded: liquidating, fixing a settlement price,
    // settling expiries or moving a reference price there would act on a shadow clearinghouse.
    let chain = bare_chain();
    chain.ch().set_admin_facet(Address::ZERO);
    let caller = chain.as_(BOB);
    assert_unchanged(&chain, || caller.ch().liquidate(ALICE), NotThroughCore {});
    assert_unchanged(&chain, || caller.ch().settle_expired(ALICE), NotThroughCore {});
    assert_unchanged(
        &chain,
        || caller.ch().update_reference_price(0),
        NotThroughCore {},
    );
    assert_unchanged(
        &chain,
        || {
            caller
                .ch()
                .fix_expiry_price(0, 1, alloy_primitives::aliases::U80::from(1u8))
        },
        NotThroughCore {},
    );
}

#[test]
fn set_admin_facet_records_the_admin_program_before_initialisation() {
    // The core's constructor: the admin facet first, then `initialize` through it.
    let chain = bare_chain();
    assert_eq!(chain.ch().facet(Facet::Admin), ADMIN_FACET);
    assert_eq!(chain.ch().facet(Facet::Views), Address::ZERO);
    initialize(&chain, 6).unwrap();
    assert_eq!(chain.ch().facet(Facet::Admin), ADMIN_FACET);
    assert_eq!(chain.ch().facet(Facet::Views), VIEWS_FACET);
    assert_eq!(chain.ch().facet(Facet::Accounts), ACCOUNTS_FACET);
    assert_eq!(chain.ch().facet(Facet::Trading), TRADING_FACET);
    assert_eq!(chain.ch().facet(Facet::Settlement), SETTLEMENT_FACET);
    assert_eq!(chain.ch().facet(Facet::Liquidation), LIQUIDATION_FACET);
    // No event: the constructor's own step.
    assert_eq!(
        chain.logs().len(),
        2,
        "only initialize's OwnershipTransferred and ParamTablePublished"
    );
}

#[test]
fn delegate_runs_the_facet_by_delegatecall_and_returns_its_answer() {
    let chain = initialized_chain();
    chain.register_fn(VIEWS_FACET, |call: &Incoming<'_>| {
        let mut answer = b"views:".to_vec();
        answer.extend_from_slice(call.data);
        Ok(answer)
    });
    let out = chain
        .ch()
        .delegate(Facet::Views, &[0xde, 0xad, 0xbe, 0xef])
        .unwrap();
    assert_eq!(out, b"views:\xde\xad\xbe\xef".to_vec());
    let calls = chain.calls_to(VIEWS_FACET);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].kind, CallKind::Delegate);
    assert_eq!(calls[0].from, CLEARINGHOUSE);
    assert_eq!(calls[0].data, vec![0xde, 0xad, 0xbe, 0xef]);
}

#[test]
fn delegate_returns_the_facets_revert_data_unchanged() {
    let chain = initialized_chain();
    let reason = NotRiskAdmin { caller: BOB };
    let data = alloy_sol_types::SolError::abi_encode(&reason);
    let answer = data.clone();
    chain.register_fn(ACCOUNTS_FACET, move |_: &Incoming<'_>| Err(answer.clone()));
    assert_eq!(chain.ch().delegate(Facet::Accounts, &[1, 2, 3, 4]), Err(data));
}

#[test]
fn delegate_to_an_unset_facet_reaches_no_code_and_answers_nothing() {
    let chain = initialized_chain();
    chain.ch().set_admin_facet(Address::ZERO);
    // No admin facet: a delegatecall to the zero address runs no code.
    assert_eq!(chain.ch().delegate(Facet::Admin, &[1, 2, 3, 4]), Ok(Vec::new()));
    assert_eq!(chain.calls_to(Address::ZERO)[0].kind, CallKind::Delegate);
}
