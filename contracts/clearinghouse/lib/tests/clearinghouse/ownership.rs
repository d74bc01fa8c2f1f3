//! Two-step ownership and the roles the owner sets (risk admin, risk oracle).

use alloy_primitives::Address;
use pm_clearinghouse::errors::*;
use pm_clearinghouse::events::*;
use pm_risk::params::defaults;
use pm_risk::wire::params_of;

use crate::support::*;

#[test]
fn transfer_ownership_names_a_pending_owner_and_keeps_the_owner() {
    let chain = initialized_chain();
    chain.as_(OWNER).ch().transfer_ownership(BOB).unwrap();
    chain.assert_last_event(OwnershipTransferStarted {
        previousOwner: OWNER,
        newOwner: BOB,
    });
    assert_eq!(chain.ch().owner(), OWNER);
    assert_eq!(chain.ch().pending_owner(), BOB);
}

#[test]
fn accept_ownership_hands_over_and_clears_the_pending_owner() {
    let chain = initialized_chain();
    chain.as_(OWNER).ch().transfer_ownership(BOB).unwrap();
    chain.as_(BOB).ch().accept_ownership().unwrap();
    chain.assert_last_event(OwnershipTransferred {
        previousOwner: OWNER,
        newOwner: BOB,
    });
    assert_eq!(chain.ch().owner(), BOB);
    assert_eq!(chain.ch().pending_owner(), Address::ZERO);
    // The new owner holds the owner's powers, the old one none.
    chain.as_(BOB).ch().set_risk_admin(CAROL).unwrap();
    assert_unchanged(
        &chain,
        || chain.as_(OWNER).ch().set_risk_admin(OWNER),
        NotOwner { caller: OWNER },
    );
}

#[test]
fn transfer_ownership_reverts_for_anyone_but_the_owner() {
    let chain = initialized_chain();
    assert_unchanged(
        &chain,
        || chain.as_(BOB).ch().transfer_ownership(BOB),
        NotOwner { caller: BOB },
    );
}

#[test]
fn accept_ownership_reverts_for_anyone_but_the_pending_owner() {
    let chain = initialized_chain();
    chain.as_(OWNER).ch().transfer_ownership(BOB).unwrap();
    for caller in [CAROL, OWNER] {
        assert_unchanged(
            &chain,
            || chain.as_(caller).ch().accept_ownership(),
            NotPendingOwner { caller },
        );
    }
}

#[test]
fn accept_ownership_reverts_with_nothing_pending_even_for_the_zero_address() {
    let chain = initialized_chain();
    assert_unchanged(
        &chain,
        || chain.as_(Address::ZERO).ch().accept_ownership(),
        NotPendingOwner {
            caller: Address::ZERO,
        },
    );
}

#[test]
fn transfer_ownership_to_zero_cancels_a_pending_transfer() {
    let chain = initialized_chain();
    chain.as_(OWNER).ch().transfer_ownership(BOB).unwrap();
    chain.as_(OWNER).ch().transfer_ownership(Address::ZERO).unwrap();
    chain.assert_last_event(OwnershipTransferStarted {
        previousOwner: OWNER,
        newOwner: Address::ZERO,
    });
    assert_eq!(chain.ch().pending_owner(), Address::ZERO);
    assert_unchanged(
        &chain,
        || chain.as_(BOB).ch().accept_ownership(),
        NotPendingOwner { caller: BOB },
    );
    assert_eq!(chain.ch().owner(), OWNER);
}

#[test]
fn set_risk_admin_sets_the_role_and_emits_risk_admin_set() {
    let chain = initialized_chain();
    chain.as_(OWNER).ch().set_risk_admin(CAROL).unwrap();
    chain.assert_last_event(RiskAdminSet { riskAdmin: CAROL });
    assert_eq!(chain.ch().config().0, CAROL);
}

#[test]
fn set_risk_oracle_sets_the_role_and_emits_risk_oracle_set() {
    let chain = initialized_chain();
    chain.as_(OWNER).ch().set_risk_oracle(CAROL).unwrap();
    chain.assert_last_event(RiskOracleSet { riskOracle: CAROL });
    assert_eq!(chain.ch().config().1, CAROL);
}

#[test]
fn set_risk_admin_and_set_risk_oracle_revert_for_anyone_but_the_owner() {
    let chain = initialized_chain();
    for caller in [RISK_ADMIN, RISK_ORACLE, BOB] {
        assert_unchanged(
            &chain,
            || chain.as_(caller).ch().set_risk_admin(caller),
            NotOwner { caller },
        );
        assert_unchanged(
            &chain,
            || chain.as_(caller).ch().set_risk_oracle(caller),
            NotOwner { caller },
        );
    }
}

#[test]
fn a_replaced_risk_admin_loses_the_role() {
    let chain = initialized_chain();
    chain.as_(OWNER).ch().set_risk_admin(CAROL).unwrap();
    assert_unchanged(
        &chain,
        || {
            chain.as_(RISK_ADMIN).ch().set_underlying(
                0,
                BTC_FEED,
                HEARTBEAT,
                VOL_MAX_AGE,
                0,
                params_of(&defaults::BTC),
            )
        },
        NotRiskAdmin { caller: RISK_ADMIN },
    );
    chain
        .as_(CAROL)
        .ch()
        .set_underlying(0, BTC_FEED, HEARTBEAT, VOL_MAX_AGE, 0, params_of(&defaults::BTC))
        .unwrap();
    assert_eq!(chain.ch().underlying_count(), 1);
}

#[test]
fn an_unset_role_is_held_by_nobody_not_even_the_zero_address() {
    let chain = initialized_chain();
    chain.as_(OWNER).ch().set_risk_admin(Address::ZERO).unwrap();
    chain.as_(OWNER).ch().set_risk_oracle(Address::ZERO).unwrap();
    for caller in [Address::ZERO, OWNER] {
        assert_unchanged(
            &chain,
            || chain.as_(caller).ch().set_risk_params(7, [0; 9]),
            NotRiskAdmin { caller },
        );
        assert_unchanged(
            &chain,
            || chain.as_(caller).ch().post_risk_update(vec![BTC_VOL], vec![]),
            NotRiskOracle { caller },
        );
    }
}
