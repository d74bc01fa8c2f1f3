//! Deposits: standard, USDT-style and fee-on-transfer tokens, caps, pause.

use alloy_primitives::{Address, FixedBytes, U256};
use alloy_sol_types::SolCall;
use pm_common::interfaces::IERC20;
use pm_vault::errors::*;
use pm_vault::events::*;

use crate::support::*;

#[test]
fn deposit_credits_caller_and_moves_tokens() {
    let chain = crate::funded_chain();
    let credited = chain
        .as_(ALICE)
        .vault()
        .deposit(USDC, U256::from(250u32))
        .unwrap();
    assert_eq!(credited, U256::from(250u32));
    chain.assert_last_event(Deposited {
        account: ALICE,
        token: USDC,
        from: ALICE,
        amount: U256::from(250u32),
    });
    let vault = chain.vault();
    assert_eq!(vault.balance_of(ALICE, USDC), U256::from(250u32));
    assert_eq!(vault.collateral_config(USDC).4, U256::from(250u32));
    assert_eq!(chain.token_balance(USDC, VAULT), U256::from(250u32));
}

#[test]
fn deposit_for_credits_another_account_paid_by_caller() {
    let chain = crate::funded_chain();
    chain
        .as_(ALICE)
        .vault()
        .deposit_for(BOB, USDC, U256::from(7u8))
        .unwrap();
    chain.assert_last_event(Deposited {
        account: BOB,
        token: USDC,
        from: ALICE,
        amount: U256::from(7u8),
    });
    assert_eq!(chain.vault().balance_of(BOB, USDC), U256::from(7u8));
    assert_eq!(chain.vault().balance_of(ALICE, USDC), U256::ZERO);
}

#[test]
fn deposit_accepts_token_that_returns_nothing() {
    let chain = crate::listed_chain();
    chain.add_token(USDT, TokenKind::NoReturn, 6);
    chain
        .as_(ADMIN)
        .vault()
        .set_collateral(USDT, USDC_FEED, 200, U256::from(1_000u32), 3600)
        .unwrap();
    chain.mint(USDT, ALICE, 500);
    chain
        .as_(ALICE)
        .vault()
        .deposit(USDT, U256::from(500u32))
        .unwrap();
    assert_eq!(chain.vault().balance_of(ALICE, USDT), U256::from(500u32));
    assert_eq!(chain.token_balance(USDT, VAULT), U256::from(500u32));
}

#[test]
fn deposit_credits_only_what_a_fee_on_transfer_token_delivers() {
    let chain = crate::listed_chain();
    chain.add_token(FEE, TokenKind::FeeOnTransfer(100), 18); // 1% fee
    chain
        .as_(ADMIN)
        .vault()
        .set_collateral(FEE, USDC_FEED, 0, U256::from(10_000u32), 3600)
        .unwrap();
    chain.mint(FEE, ALICE, 1_000);
    let credited = chain
        .as_(ALICE)
        .vault()
        .deposit(FEE, U256::from(1_000u32))
        .unwrap();
    assert_eq!(credited, U256::from(990u32));
    chain.assert_last_event(Deposited {
        account: ALICE,
        token: FEE,
        from: ALICE,
        amount: U256::from(990u32),
    });
    assert_eq!(chain.vault().balance_of(ALICE, FEE), U256::from(990u32));
    assert_eq!(chain.vault().collateral_config(FEE).4, U256::from(990u32));
}

/// Runs `f`, checks it reverts with `expected`, and that the vault's storage and logs are unchanged.
fn assert_deposit_reverts<E: alloy_sol_types::SolError>(
    chain: &Chain,
    f: impl FnOnce(&mut pm_vault::Vault) -> core::result::Result<U256, VaultError>,
    expected: E,
) {
    let before = chain.storage_snapshot();
    let logs = chain.logs().len();
    assert_reverts(f(&mut chain.vault()), expected);
    assert_eq!(chain.storage_snapshot(), before);
    assert_eq!(chain.logs().len(), logs);
}

#[test]
fn deposit_reverts_while_paused() {
    let chain = crate::funded_chain();
    chain.as_(GUARDIAN).vault().pause().unwrap();
    chain.as_(ALICE);
    assert_deposit_reverts(&chain, |v| v.deposit(USDC, U256::from(1u8)), VaultPaused {});
    assert_deposit_reverts(
        &chain,
        |v| v.deposit_for(BOB, USDC, U256::from(1u8)),
        VaultPaused {},
    );
}

#[test]
fn deposit_reverts_on_zero_amount_zero_account_or_unlisted_token() {
    let chain = crate::funded_chain();
    chain.as_(ALICE);
    assert_deposit_reverts(&chain, |v| v.deposit(USDC, U256::ZERO), ZeroAmount {});
    assert_deposit_reverts(
        &chain,
        |v| v.deposit_for(Address::ZERO, USDC, U256::from(1u8)),
        ZeroAddress {},
    );
    let t = Address::repeat_byte(0x99);
    assert_deposit_reverts(
        &chain,
        |v| v.deposit(t, U256::from(1u8)),
        CollateralNotListed { token: t },
    );
}

#[test]
fn deposit_reverts_above_cap_and_fills_it_exactly() {
    let chain = crate::funded_chain();
    chain
        .as_(ADMIN)
        .vault()
        .set_collateral(USDC, USDC_FEED, 200, U256::from(100u32), 3600)
        .unwrap();
    chain.as_(ALICE).vault().deposit(USDC, U256::from(60u32)).unwrap();
    let e = DepositCapExceeded {
        token: USDC,
        cap: U256::from(100u32),
        totalAfter: U256::from(101u32),
    };
    assert_deposit_reverts(&chain, |v| v.deposit(USDC, U256::from(41u32)), e);
    chain.as_(ALICE).vault().deposit(USDC, U256::from(40u32)).unwrap();
    assert_eq!(chain.vault().collateral_config(USDC).4, U256::from(100u32));
}

#[test]
fn deposit_reverts_when_transfer_fails_or_returns_false() {
    let chain = crate::funded_chain();
    chain.as_(BOB); // BOB holds no USDC: transferFrom reverts
    let e = TokenCallFailed {
        token: USDC,
        selector: FixedBytes(IERC20::transferFromCall::SELECTOR),
    };
    assert_deposit_reverts(&chain, |v| v.deposit(USDC, U256::from(1u8)), e.clone());
    chain.set_token_kind(USDC, TokenKind::ReturnsFalse);
    chain.as_(ALICE);
    assert_deposit_reverts(&chain, |v| v.deposit(USDC, U256::from(1u8)), e);
}

#[test]
fn deposit_reverts_when_balance_of_fails() {
    let chain = crate::funded_chain();
    chain.set_token_kind(USDC, TokenKind::Reverts);
    chain.as_(ALICE);
    let e = TokenCallFailed {
        token: USDC,
        selector: FixedBytes(IERC20::balanceOfCall::SELECTOR),
    };
    assert_deposit_reverts(&chain, |v| v.deposit(USDC, U256::from(1u8)), e);
}

#[test]
fn deposit_reverts_when_nothing_arrives() {
    let chain = crate::listed_chain();
    chain.add_token(FEE, TokenKind::FeeOnTransfer(10_000), 18); // the whole amount is burnt
    chain
        .as_(ADMIN)
        .vault()
        .set_collateral(FEE, USDC_FEED, 0, U256::from(10_000u32), 3600)
        .unwrap();
    chain.mint(FEE, ALICE, 1_000);
    chain.as_(ALICE);
    assert_deposit_reverts(
        &chain,
        |v| v.deposit(FEE, U256::from(1_000u32)),
        NothingReceived { token: FEE },
    );
}
