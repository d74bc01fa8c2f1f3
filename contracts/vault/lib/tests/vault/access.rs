//! Roles and pause.

use alloy_primitives::Address;
use pm_vault::errors::*;
use pm_vault::events::*;

use crate::support::*;

#[test]
fn initialize_sets_owner_and_admin_facet_and_emits() {
    let chain = new_chain();
    let mut vault = chain.vault();
    assert_reverts(vault.through_core(), NotThroughCore {});
    vault.initialize(OWNER, ADMIN_FACET, LIQUIDATION_FACET).unwrap();
    assert_eq!(vault.owner(), OWNER);
    assert_eq!(vault.facet(pm_vault::Facet::Admin), ADMIN_FACET);
    assert_eq!(vault.facet(pm_vault::Facet::Liquidation), LIQUIDATION_FACET);
    vault.through_core().unwrap();
    chain.assert_last_event(OwnershipTransferred {
        previousOwner: Address::ZERO,
        newOwner: OWNER,
    });
}

#[test]
fn initialize_rejects_zero_owner_and_a_facet_without_code() {
    let chain = new_chain();
    let before = chain.storage_snapshot();
    assert_reverts(
        chain
            .vault()
            .initialize(Address::ZERO, ADMIN_FACET, LIQUIDATION_FACET),
        ZeroAddress {},
    );
    assert_reverts(
        chain.vault().initialize(OWNER, ADMIN_FACET, ALICE),
        NotAContract { account: ALICE },
    );
    assert_eq!(chain.storage_snapshot(), before);
}

#[test]
fn ownership_transfer_takes_two_steps() {
    let chain = crate::listed_chain();
    chain.as_(OWNER).vault().transfer_ownership(ALICE).unwrap();
    chain.assert_last_event(OwnershipTransferStarted {
        previousOwner: OWNER,
        newOwner: ALICE,
    });
    assert_eq!(chain.vault().owner(), OWNER);
    assert_eq!(chain.vault().pending_owner(), ALICE);

    chain.as_(ALICE).vault().accept_ownership().unwrap();
    chain.assert_last_event(OwnershipTransferred {
        previousOwner: OWNER,
        newOwner: ALICE,
    });
    assert_eq!(chain.vault().owner(), ALICE);
    assert_eq!(chain.vault().pending_owner(), Address::ZERO);
}

#[test]
fn transfer_ownership_reverts_when_caller_not_owner() {
    let chain = crate::listed_chain();
    let before = chain.storage_snapshot();
    assert_reverts(
        chain.as_(ALICE).vault().transfer_ownership(ALICE),
        NotOwner { caller: ALICE },
    );
    assert_eq!(chain.storage_snapshot(), before);
}

#[test]
fn accept_ownership_reverts_when_caller_not_pending() {
    let chain = crate::listed_chain();
    chain.as_(OWNER).vault().transfer_ownership(ALICE).unwrap();
    let before = chain.storage_snapshot();
    assert_reverts(
        chain.as_(BOB).vault().accept_ownership(),
        NotPendingOwner { caller: BOB },
    );
    assert_eq!(chain.storage_snapshot(), before);
}

#[test]
fn accept_ownership_reverts_when_nothing_pending() {
    let chain = crate::listed_chain();
    assert_reverts(
        chain.as_(Address::ZERO).vault().accept_ownership(),
        NotPendingOwner {
            caller: Address::ZERO,
        },
    );
}

#[test]
fn set_risk_admin_and_guardian_by_owner_only() {
    let chain = crate::listed_chain();
    chain.as_(OWNER).vault().set_risk_admin(BOB).unwrap();
    chain.assert_last_event(RiskAdminSet { riskAdmin: BOB });
    assert_eq!(chain.vault().config().0, BOB);
    chain.as_(OWNER).vault().set_guardian(BOB).unwrap();
    chain.assert_last_event(GuardianSet { guardian: BOB });
    assert_eq!(chain.vault().config().1, BOB);

    let before = chain.storage_snapshot();
    assert_reverts(
        chain.as_(ALICE).vault().set_risk_admin(ALICE),
        NotOwner { caller: ALICE },
    );
    assert_reverts(
        chain.as_(ADMIN).vault().set_guardian(ALICE),
        NotOwner { caller: ADMIN },
    );
    assert_eq!(chain.storage_snapshot(), before);
}

#[test]
fn guardian_pauses_and_owner_unpauses() {
    let chain = crate::listed_chain();
    chain.as_(GUARDIAN).vault().pause().unwrap();
    chain.assert_last_event(Paused { account: GUARDIAN });
    assert!(chain.vault().config().2);

    assert_reverts(
        chain.as_(GUARDIAN).vault().unpause(),
        NotOwner { caller: GUARDIAN },
    );
    chain.as_(OWNER).vault().unpause().unwrap();
    chain.assert_last_event(Unpaused { account: OWNER });
    assert!(!chain.vault().config().2);

    chain.as_(OWNER).vault().pause().unwrap();
    assert!(chain.vault().config().2);
}

#[test]
fn pause_reverts_when_caller_not_guardian_or_already_paused() {
    let chain = crate::listed_chain();
    let before = chain.storage_snapshot();
    assert_reverts(chain.as_(ALICE).vault().pause(), NotGuardian { caller: ALICE });
    assert_eq!(chain.storage_snapshot(), before);

    chain.as_(GUARDIAN).vault().pause().unwrap();
    let before = chain.storage_snapshot();
    assert_reverts(chain.as_(GUARDIAN).vault().pause(), VaultPaused {});
    assert_eq!(chain.storage_snapshot(), before);
}

#[test]
fn pause_reverts_for_zero_caller_when_no_guardian() {
    let chain = crate::listed_chain();
    chain.as_(OWNER).vault().set_guardian(Address::ZERO).unwrap();
    assert_reverts(
        chain.as_(Address::ZERO).vault().pause(),
        NotGuardian {
            caller: Address::ZERO,
        },
    );
}

#[test]
fn unpause_reverts_when_not_paused() {
    let chain = crate::listed_chain();
    let before = chain.storage_snapshot();
    assert_reverts(chain.as_(OWNER).vault().unpause(), VaultNotPaused {});
    assert_eq!(chain.storage_snapshot(), before);
}
