//! A price shock: an account below maintenance may no longer withdraw or add risk, but may cut it.
//!
//! Needs `script/build-wasm.sh` and `forge build` first (script/test.sh runs both before this).
#![cfg(feature = "e2e")]

mod common;

use alloy_primitives::I256;
use alloy_sol_types::SolError;
use common::*;
use pm_e2e::deployment::{instrument, IClearinghouse, IVault, E18, E8};

/// Bob is short 2 BTC perps; BTC jumps 12%: he falls below maintenance. Withdrawals and
/// risk-adding trades revert with `InsufficientMargin`; buying back passes.
#[test]
fn a_price_shock_makes_an_account_liquidatable_and_only_risk_reduction_passes() {
    let mut e = engine();
    let (alice, bob) = (e.chain.accounts[1], e.chain.accounts[2]);
    e.open_account(alice, 1_000_000).unwrap();
    e.open_account(bob, 20_000).unwrap();
    let perp = instrument(0, 0, 0, 0);
    let r = e
        .trade(e.perps, bob, alice, &[(perp, -2 * E18, 65_000 * E18)])
        .unwrap();
    assert!(r.status, "{r:?}");
    let (before, _) = e.margin(bob).unwrap();
    assert!(
        !before.liquidatable && before.free_collateral > I256::ZERO,
        "{before:?}"
    );

    e.set_price(0, 72_800 * E8).unwrap();
    let (after, _) = e.margin(bob).unwrap();
    assert!(after.liquidatable, "{after:?}");
    assert!(after.equity < after.maintenance);

    let r = e.withdraw(bob, 1_000);
    reverted_with(&r, IVault::InsufficientMargin::SELECTOR);
    let more = e
        .trade(e.perps, bob, alice, &[(perp, -E18 / 10, 72_800 * E18)])
        .unwrap();
    reverted_with(&more, IClearinghouse::InsufficientMargin::SELECTOR);
    let err = IClearinghouse::InsufficientMargin::abi_decode(&more.output).unwrap();
    assert_eq!(err.account, bob);
    assert_eq!(err.shortfall, (err.initialMargin - err.equity).into_raw());
    assert_eq!(
        e.margin(bob).unwrap().0,
        after,
        "a reverted trade changes nothing"
    );

    let less = e
        .trade(e.perps, bob, alice, &[(perp, E18, 72_800 * E18)])
        .unwrap();
    assert!(less.status, "risk-reducing trade: {less:?}");
    let (reduced, _) = e.margin(bob).unwrap();
    assert!(reduced.maintenance < after.maintenance);
}
