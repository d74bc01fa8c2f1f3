//! Markets: the owner authorises them, accounts approve them; a market acts for an account only
//! when both hold.

use alloy_primitives::I256;
use pm_clearinghouse::errors::*;
use pm_clearinghouse::events::*;

use crate::support::*;

#[test]
fn set_market_authorises_a_contract_and_emits_market_set() {
    let chain = initialized_chain();
    chain.as_(OWNER).ch().set_market(MARKET, true).unwrap();
    chain.assert_last_event(MarketSet {
        market: MARKET,
        authorised: true,
    });
    assert_eq!(chain.ch().market_status(MARKET, ALICE), (true, false));
}

#[test]
fn set_market_revokes_an_authorisation() {
    let chain = listed_chain();
    chain.as_(OWNER).ch().set_market(MARKET, false).unwrap();
    chain.assert_last_event(MarketSet {
        market: MARKET,
        authorised: false,
    });
    assert_eq!(chain.ch().market_status(MARKET, ALICE), (false, true));
    assert_unchanged(
        &chain,
        || chain.as_(MARKET).ch().settle(ALICE, I256::ONE),
        MarketNotAuthorised { market: MARKET },
    );
}

#[test]
fn set_market_revokes_an_address_without_code() {
    // Only an authorisation needs code: revoking never fails on it.
    let chain = initialized_chain();
    chain.as_(OWNER).ch().set_market(NOBODY, false).unwrap();
    assert_eq!(chain.ch().market_status(NOBODY, ALICE), (false, false));
}

#[test]
fn set_market_reverts_for_anyone_but_the_owner() {
    let chain = initialized_chain();
    assert_unchanged(
        &chain,
        || chain.as_(RISK_ADMIN).ch().set_market(MARKET, true),
        NotOwner { caller: RISK_ADMIN },
    );
}

#[test]
fn set_market_reverts_when_authorising_an_address_without_code() {
    let chain = initialized_chain();
    assert_unchanged(
        &chain,
        || chain.as_(OWNER).ch().set_market(NOBODY, true),
        NotAContract { account: NOBODY },
    );
}

#[test]
fn approve_market_records_the_callers_approval_and_emits_market_approved() {
    let chain = initialized_chain();
    chain.as_(ALICE).ch().approve_market(MARKET, true);
    chain.assert_last_event(MarketApproved {
        account: ALICE,
        market: MARKET,
        approved: true,
    });
    assert_eq!(chain.ch().market_status(MARKET, ALICE), (false, true));
    // The approval is the caller's own: BOB's is untouched.
    assert_eq!(chain.ch().market_status(MARKET, BOB), (false, false));
    chain.as_(ALICE).ch().approve_market(MARKET, false);
    chain.assert_last_event(MarketApproved {
        account: ALICE,
        market: MARKET,
        approved: false,
    });
    assert_eq!(chain.ch().market_status(MARKET, ALICE), (false, false));
}

#[test]
fn market_status_is_false_for_unknown_markets() {
    let chain = listed_chain();
    assert_eq!(chain.ch().market_status(OTHER_MARKET, ALICE), (false, false));
    assert_eq!(chain.ch().market_status(MARKET, CAROL), (true, false));
}

#[test]
fn a_market_cannot_act_for_an_account_that_revoked_its_approval() {
    let chain = listed_chain();
    chain.as_(ALICE).ch().approve_market(MARKET, false);
    assert_unchanged(
        &chain,
        || {
            chain
                .as_(MARKET)
                .ch()
                .update_position(ALICE, perp(BTC), E18, 60_000 * E18)
        },
        MarketNotApproved {
            account: ALICE,
            market: MARKET,
        },
    );
}
