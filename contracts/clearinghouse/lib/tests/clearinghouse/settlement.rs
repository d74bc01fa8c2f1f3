//! `settle`: a market moves settlement-token cash between itself and an account through the
//! vault (realised PnL, funding, fees), without a margin check, within its hourly budget.

use alloy_primitives::{I256, U256};
use pm_clearinghouse::errors::*;
use pm_clearinghouse::events::SettleCapSet;

use crate::support::*;

fn settle(chain: &Chain, account: alloy_primitives::Address, amount: i128) -> Result<()> {
    chain.as_(MARKET).ch().settle(account, wad(amount))
}

#[test]
fn settle_moves_cash_between_the_market_and_the_account_through_the_vault() {
    let chain = listed_chain();
    settle(&chain, ALICE, 250 * USDC_UNIT).unwrap();
    settle(&chain, BOB, -75 * USDC_UNIT).unwrap();
    assert_eq!(
        chain.ledger(),
        vec![
            Settlement {
                account: ALICE,
                counterparty: MARKET,
                amount: wad(250 * USDC_UNIT),
            },
            Settlement {
                account: BOB,
                counterparty: MARKET,
                amount: wad(-75 * USDC_UNIT),
            },
        ]
    );
    let settle_call = chain.calls_to(VAULT).last().unwrap().clone();
    assert_eq!(settle_call.kind, CallKind::Call);
    assert_eq!(settle_call.from, CLEARINGHOUSE);
    // The account's equity moves by the cash, in 18 decimals.
    assert_eq!(
        chain.ch().account_margin(ALICE).unwrap().0,
        wad(COLLATERAL + 250 * E18)
    );
    assert_eq!(
        chain.ch().account_margin(BOB).unwrap().0,
        wad(COLLATERAL - 75 * E18)
    );
}

#[test]
fn settle_needs_no_margin_and_emits_nothing_of_its_own() {
    let chain = listed_chain();
    trade(&chain, ALICE, perp(BTC), E18, 60_000 * E18);
    let (logs, risk_calls) = (chain.logs().len(), chain.calls_to(RISK_PROGRAM).len());
    // A fee larger than the account's equity: realised losses are already in its equity.
    settle(&chain, ALICE, -200_000 * USDC_UNIT).unwrap();
    assert_eq!(chain.logs().len(), logs);
    assert_eq!(chain.calls_to(RISK_PROGRAM).len(), risk_calls);
    assert!(chain.ch().account_margin(ALICE).unwrap().7, "now liquidatable");
}

#[test]
fn settle_of_zero_calls_nothing() {
    let chain = listed_chain();
    let calls = chain.calls().len();
    settle(&chain, ALICE, 0).unwrap();
    assert_eq!(chain.calls().len(), calls);
    assert!(chain.ledger().is_empty());
}

#[test]
fn settle_reverts_for_a_caller_that_is_not_an_authorised_market() {
    let chain = listed_chain();
    for caller in [OWNER, ALICE, OTHER_MARKET] {
        assert_unchanged(
            &chain,
            || chain.as_(caller).ch().settle(ALICE, I256::ONE),
            MarketNotAuthorised { market: caller },
        );
    }
}

#[test]
fn settle_reverts_for_an_account_that_did_not_approve_the_market() {
    let chain = listed_chain();
    chain.as_(OWNER).ch().set_market(OTHER_MARKET, true).unwrap();
    assert_unchanged(
        &chain,
        || chain.as_(OTHER_MARKET).ch().settle(ALICE, I256::ONE),
        MarketNotApproved {
            account: ALICE,
            market: OTHER_MARKET,
        },
    );
}

#[test]
fn settle_reverts_with_the_vaults_revert_data() {
    let chain = listed_chain();
    chain.vault(|v| v.revert_with = Some(b"no".to_vec()));
    assert_unchanged(
        &chain,
        || settle(&chain, ALICE, USDC_UNIT),
        VaultCallFailed {
            reason: b"no".to_vec().into(),
        },
    );
}

#[test]
fn settle_moves_at_most_the_markets_cap_per_hour_which_only_the_owner_sets() {
    let chain = listed_chain();
    let cap = SETTLE_CAP as i128;
    let refused = |amount: i128, available: u128| SettleAboveCap {
        market: MARKET,
        amount: wad(amount),
        available: U256::from(available),
    };
    // Beyond the cap in one call.
    assert_unchanged(
        &chain,
        || settle(&chain, ALICE, cap + 1),
        refused(cap + 1, SETTLE_CAP),
    );
    // Many calls in either direction add up: a market that calls again cannot pass the cap.
    settle(&chain, ALICE, -cap / 2).unwrap();
    settle(&chain, ALICE, cap / 4).unwrap();
    settle(&chain, ALICE, cap / 4).unwrap();
    assert_eq!(
        chain.ch().settle_cap(MARKET),
        (U256::from(SETTLE_CAP), U256::ZERO)
    );
    assert_unchanged(&chain, || settle(&chain, ALICE, -1), refused(-1, 0));
    // The meter drains at the cap per hour: half an hour later, half the cap.
    chain.set_time(chain.now() + 1_800);
    let half = SETTLE_CAP / 2;
    assert_eq!(
        chain.ch().settle_cap(MARKET),
        (U256::from(SETTLE_CAP), U256::from(half))
    );
    assert_unchanged(
        &chain,
        || settle(&chain, ALICE, cap / 2 + 1),
        refused(cap / 2 + 1, half),
    );
    settle(&chain, ALICE, cap / 2).unwrap();
    assert_unchanged(
        &chain,
        || chain.as_(ALICE).ch().set_settle_cap(MARKET, U256::MAX),
        NotOwner { caller: ALICE },
    );
    // Zero refuses every settlement.
    chain.set_time(chain.now() + 3_600);
    chain.as_(OWNER).ch().set_settle_cap(MARKET, U256::ZERO).unwrap();
    chain.assert_last_event(SettleCapSet {
        market: MARKET,
        cap: U256::ZERO,
    });
    assert_eq!(chain.ch().settle_cap(MARKET), (U256::ZERO, U256::ZERO));
    assert_unchanged(&chain, || settle(&chain, ALICE, 1), refused(1, 0));
}
