//! Cash outside trades: the settlement token withdrawn into debt up to initial margin, and a
//! market's fee settled through the clearinghouse, into debt when the balance runs out.
//!
//! Needs `script/build-wasm.sh` and `forge build` first (script/test.sh runs both before this).
#![cfg(feature = "e2e")]

mod common;

use alloy_sol_types::{SolCall, SolError};
use common::*;
use pm_e2e::deployment::{instrument, Engine, IVault, E18};

/// A long perp pays its notional from the settlement balance; the settlement token can still be
/// withdrawn against the book: what the balance lacks becomes debt, counted in full, up to
/// initial margin and no further.
#[test]
fn withdrawing_beyond_the_settlement_balance_borrows_against_the_book() {
    let mut e = engine();
    let (alice, bob) = (e.chain.accounts[1], e.chain.accounts[2]);
    e.open_account(alice, 100_000).unwrap();
    e.open_account(bob, 1_000_000).unwrap();
    let perp = instrument(0, 0, 0, 0);
    let r = e
        .trade(e.perps, alice, bob, &[(perp, E18, 65_000 * E18)])
        .unwrap();
    assert!(r.status, "{r:?}");
    // 100,000 − 65,000 = 35,000 left; withdraw 50,000: 15,000 of debt.
    let r = e.withdraw(alice, 50_000);
    assert!(r.status, "{r:?}");
    let debt = e
        .chain
        .call(alice, e.vault, IVault::debtOfCall { account: alice }.abi_encode());
    let debt = IVault::debtOfCall::abi_decode_returns(&debt.output).unwrap();
    assert_eq!(debt, alloy_primitives::U256::from(15_000_000_000u64));
    assert_eq!(e.collateral_value(alice).unwrap(), wad(-15_000 * E18));
    let (m, _) = e.margin(alice).unwrap();
    assert_eq!(m.equity, wad(50_000 * E18));
    // Everything but the initial margin is free; one dollar more is refused and changes nothing.
    let free = (m.free_collateral / wad(E18)).as_i64() as u64;
    let r = e.withdraw(alice, free + 1);
    reverted_with(&r, IVault::InsufficientMargin::SELECTOR);
    assert_eq!(e.margin(alice).unwrap().0, m);
    let r = e.withdraw(alice, free);
    assert!(r.status, "{r:?}");
}

/// A market's fee goes through `settle`: the taker pays it from its settlement balance (into debt
/// when the balance runs out) and the market's own vault balance receives it.
#[test]
fn fees_settle_through_the_engine_into_debt_if_needed() {
    alloy_sol_types::sol! {
        function setTakerFee(uint256 fee) external;
    }
    let mut e = engine();
    let (alice, bob) = (e.chain.accounts[1], e.chain.accounts[2]);
    e.open_account(alice, 100_000).unwrap();
    e.open_account(bob, 100_000).unwrap();
    let (perps, usdc, vault) = (e.perps, e.usdc, e.vault);
    let fee = alloy_primitives::U256::from(5_000_000u64); // 5 USDC
    let r = e.send(e.owner, perps, setTakerFeeCall { fee }.abi_encode());
    assert!(r.status, "{r:?}");
    let balance = |e: &mut Engine, account| {
        // From the owner: a contract (the market) cannot send a transaction (EIP-3607).
        let from = e.owner;
        let r = e.chain.call(
            from,
            vault,
            IVault::balanceOfCall { account, token: usdc }.abi_encode(),
        );
        IVault::balanceOfCall::abi_decode_returns(&r.output).unwrap()
    };
    // Bob (taker) buys 1 BTC perp at 65,000 from Alice: 100,000 − 65,000 − 5 left.
    let perp = instrument(0, 0, 0, 0);
    let r = e.trade(perps, alice, bob, &[(perp, -E18, 65_000 * E18)]).unwrap();
    assert!(r.status, "{r:?}");
    assert_eq!(
        balance(&mut e, bob),
        alloy_primitives::U256::from(34_995_000_000u64)
    );
    assert_eq!(balance(&mut e, perps), fee);
    // Bob buys 0.6 BTC more: 39,000 more than his balance holds, and the fee, become debt.
    let r = e
        .trade(perps, alice, bob, &[(perp, -6 * E18 / 10, 65_000 * E18)])
        .unwrap();
    assert!(r.status, "{r:?}");
    assert_eq!(balance(&mut e, bob), alloy_primitives::U256::ZERO);
    let debt = e
        .chain
        .call(bob, vault, IVault::debtOfCall { account: bob }.abi_encode());
    let debt = IVault::debtOfCall::abi_decode_returns(&debt.output).unwrap();
    assert_eq!(debt, alloy_primitives::U256::from(4_010_000_000u64));
    assert_eq!(balance(&mut e, perps), fee * alloy_primitives::U256::from(2u8));
    // Equity: 100,000 − 10 of fees (the perps are at their mark).
    assert_eq!(e.margin(bob).unwrap().0.equity, wad(99_990 * E18));
}
