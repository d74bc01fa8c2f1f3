//! Withdrawals.

use alloy_primitives::{Address, FixedBytes, U256};
use alloy_sol_types::SolCall;
use pm_common::interfaces::IERC20;
use pm_vault::errors::*;
use pm_vault::events::*;

use crate::support::*;

fn deposited_chain() -> Chain {
    let chain = crate::funded_chain();
    chain
        .as_(ALICE)
        .vault()
        .deposit(USDC, U256::from(1_000u32))
        .unwrap();
    chain
}

#[test]
fn withdraw_debits_account_and_sends_tokens() {
    let chain = deposited_chain();
    let wallet = chain.token_balance(USDC, BOB);
    chain
        .as_(ALICE)
        .vault()
        .withdraw(USDC, U256::from(400u32), BOB)
        .unwrap();
    chain.assert_last_event(Withdrawn {
        account: ALICE,
        token: USDC,
        to: BOB,
        amount: U256::from(400u32),
    });
    assert_eq!(chain.vault().balance_of(ALICE, USDC), U256::from(600u32));
    assert_eq!(chain.vault().collateral_config(USDC).4, U256::from(600u32));
    assert_eq!(chain.token_balance(USDC, BOB), wallet + U256::from(400u32));
    assert_eq!(chain.token_balance(USDC, VAULT), U256::from(600u32));
}

#[test]
fn withdraw_stays_open_while_paused() {
    let chain = deposited_chain();
    chain.as_(GUARDIAN).vault().pause().unwrap();
    chain
        .as_(ALICE)
        .vault()
        .withdraw(USDC, U256::from(1_000u32), ALICE)
        .unwrap();
    assert_eq!(chain.vault().balance_of(ALICE, USDC), U256::ZERO);
}

#[test]
fn withdraw_needs_no_price_without_requirement() {
    let chain = deposited_chain();
    chain.feed_mut(USDC_FEED, |f| f.reverts = true);
    chain
        .as_(ALICE)
        .vault()
        .withdraw(USDC, U256::from(1u8), ALICE)
        .unwrap();
}

#[test]
fn withdraw_accepts_token_that_returns_nothing() {
    let chain = deposited_chain();
    chain.set_token_kind(USDC, TokenKind::NoReturn);
    chain
        .as_(ALICE)
        .vault()
        .withdraw(USDC, U256::from(10u8), ALICE)
        .unwrap();
    assert_eq!(chain.vault().balance_of(ALICE, USDC), U256::from(990u32));
}

fn assert_withdraw_reverts<E: alloy_sol_types::SolError>(
    chain: &Chain,
    amount: u32,
    to: Address,
    expected: E,
) {
    let before = chain.storage_snapshot();
    let logs = chain.logs().len();
    assert_reverts(
        chain.as_(ALICE).vault().withdraw(USDC, U256::from(amount), to),
        expected,
    );
    assert_eq!(chain.storage_snapshot(), before);
    assert_eq!(chain.logs().len(), logs);
}

#[test]
fn withdraw_reverts_on_zero_amount_or_zero_recipient() {
    let chain = deposited_chain();
    assert_withdraw_reverts(&chain, 0, ALICE, ZeroAmount {});
    assert_withdraw_reverts(&chain, 1, Address::ZERO, ZeroAddress {});
}

#[test]
fn withdraw_reverts_above_balance() {
    let chain = deposited_chain();
    let e = InsufficientBalance {
        account: ALICE,
        token: USDC,
        balance: U256::from(1_000u32),
        amount: U256::from(1_001u32),
    };
    assert_withdraw_reverts(&chain, 1_001, ALICE, e);
}

/// A transfer that fails after the balance was debited reverts the transaction; on chain the
/// revert undoes the debit (the devnet test proves the rollback), here the error is what we see.
#[test]
fn withdraw_reverts_when_token_transfer_fails() {
    let chain = deposited_chain();
    chain.set_token_kind(USDC, TokenKind::ReturnsFalse);
    assert_reverts(
        chain.as_(ALICE).vault().withdraw(USDC, U256::from(1u8), ALICE),
        TokenCallFailed {
            token: USDC,
            selector: FixedBytes(IERC20::transferCall::SELECTOR),
        },
    );
}
