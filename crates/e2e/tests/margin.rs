//! Portfolio margin end to end: a hedged book's figures equal `pm margin` on the same book to the
//! wei and need less than its positions margined alone; the views a front-end shows before acting
//! (`simulate`, `withdrawable`, `riskByUnderlying`) agree with what then happens.
//!
//! Needs `script/build-wasm.sh` and `forge build` first (script/test.sh runs both before this).
#![cfg(feature = "e2e")]

mod common;

use alloy_primitives::I256;
use alloy_sol_types::{SolCall, SolError};
use common::*;
use pm_e2e::deployment::{instrument, IClearinghouse, IVault, E18};

/// Alice: long 1 BTC call (65,000, 30 days) bought from Bob at 3,500, and short 0.5 BTC perp sold
/// to Bob at 65,000. The engine's figures equal `pm margin` on the same book to the wei, and the
/// hedged book needs less initial margin than its positions margined alone.
#[test]
fn a_hedged_book_needs_less_than_isolated_and_matches_pm_margin_to_the_wei() {
    let (mut e, alice, _) = hedged_book();

    // Cash accounting: 100,000 − 3,500 premium + 32,500 perp proceeds.
    assert_eq!(e.collateral_value(alice).unwrap(), wad(129_000 * E18));
    let (m, _) = e.margin(alice).unwrap();
    assert!(m.initial < m.isolated_initial, "{m:?}");
    assert!(m.maintenance < m.isolated_maintenance, "{m:?}");
    assert!(!m.liquidatable);

    // The same book through `pm margin` (a portfolio file written from the chain's state).
    let fixture = serde_json::json!({
        "name": "devnet: long call, short perp",
        "now": e.chain.timestamp(),
        "collateral": "129000",
        "underlyings": [{ "symbol": "BTC", "price": "65000", "vol": "0.55", "params": "BTC" }],
        "correlation": [["1"]],
        "positions": [
            { "underlying": "BTC", "instrument": "call", "strike": "65000", "expiry_days": 30, "size": "1" },
            { "underlying": "BTC", "instrument": "perp", "size": "-0.5" }
        ]
    });
    let path = std::env::temp_dir().join(format!("pm-e2e-hedged-{}.json", std::process::id()));
    std::fs::write(&path, fixture.to_string()).unwrap();
    let report = pm_cli::margin_command(path.to_str().unwrap(), true).unwrap();
    std::fs::remove_file(&path).ok();
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    let usd = |k: &str| abi_of_usd6(pm_cli::decimal::parse(report[k].as_str().unwrap(), 6).unwrap());
    assert_eq!(m.equity, usd("equity"));
    assert_eq!(m.initial, usd("initial"));
    assert_eq!(m.maintenance, usd("maintenance"));
    assert_eq!(m.isolated_initial, usd("isolated_initial"));
    assert_eq!(m.isolated_maintenance, usd("isolated_maintenance"));
    assert_eq!(m.free_collateral, usd("free_collateral"));
    println!(
        "hedged: IM {} vs isolated {} (released {})",
        m.initial,
        m.isolated_initial,
        m.isolated_initial - m.initial
    );

    // And the packed request the clearinghouse sends decodes to the same book.
    let req = pm_risk::wire::decode(&e.risk_request(alice).unwrap()).unwrap();
    assert_eq!(req.positions.len(), 2);
    assert_eq!(req.collateral, 129_000 * 1_000_000);
}

/// The views a front-end shows before acting agree with what then happens: `simulate` with the
/// figures after the trade, `withdrawable` with the largest withdrawal that passes, and
/// `riskByUnderlying` with `pm margin`'s greeks and worst scenario.
#[test]
fn views_agree_with_what_happens() {
    let (mut e, alice, bob) = hedged_book();
    let eth = instrument(1, 0, 0, 0);

    // simulate == accountMargin after the same trade.
    let legs = [(eth, -10 * E18, 3_000 * E18)];
    let sim = IClearinghouse::simulateCall {
        account: alice,
        instruments: vec![eth],
        sizeDeltas: vec![legs[0].1],
        prices: vec![legs[0].2],
    };
    let r = e.chain.call(alice, e.clearinghouse, sim.abi_encode());
    assert!(r.status, "{r:?}");
    let s = IClearinghouse::simulateCall::abi_decode_returns(&r.output).unwrap();
    assert!(e.trade(e.perps, alice, bob, &legs).unwrap().status);
    let (m, _) = e.margin(alice).unwrap();
    assert_eq!(
        (
            s.equity,
            s.initialMargin,
            s.maintenanceMargin,
            s.freeCollateral,
            s.liquidatable
        ),
        (
            m.equity,
            m.initial,
            m.maintenance,
            m.free_collateral,
            m.liquidatable
        )
    );

    // riskByUnderlying: BTC and ETH, matching the native report of the packed request.
    let r = e.chain.call(
        alice,
        e.clearinghouse,
        IClearinghouse::riskByUnderlyingCall { account: alice }.abi_encode(),
    );
    assert!(r.status, "{r:?}");
    let risk = IClearinghouse::riskByUnderlyingCall::abi_decode_returns(&r.output).unwrap();
    assert_eq!(risk.underlyings, vec![0, 1]);
    let req = pm_risk::wire::decode(&e.risk_request(alice).unwrap()).unwrap();
    let account = pm_risk::Account {
        collateral: req.collateral,
        positions: &req.positions,
        now: req.now,
    };
    let native = pm_risk::margin(&account, &req.underlyings, &req.params()).unwrap();
    for k in 0..2 {
        let u = &native.underlyings[k];
        assert_eq!(risk.deltas[k], wad(u.delta));
        assert_eq!(risk.gammas[k], wad(u.gamma));
        assert_eq!(risk.vegas[k], abi_of_usd6(u.vega));
        assert_eq!(risk.worstLosses[k], abi_of_usd6(u.loss));
        assert_eq!(risk.worstMoves[k], wad(u.worst.price_move));
        assert_eq!(risk.scanRanges[k], wad(u.scan_range));
    }
    assert!(risk.deltas[1] == wad(-10 * E18), "ETH delta is the perp's size");

    // withdrawable: exactly the free collateral in USDC units; one unit more is refused.
    let w = IClearinghouse::withdrawableCall {
        account: alice,
        token: e.usdc,
    };
    let r = e.chain.call(alice, e.clearinghouse, w.abi_encode());
    assert!(r.status, "{r:?}");
    let amount = IClearinghouse::withdrawableCall::abi_decode_returns(&r.output).unwrap();
    let free_units = (m.free_collateral / wad(1_000_000_000_000)).into_raw();
    assert_eq!(amount, free_units);
    let usdc = e.usdc;
    let withdraw = |amount| IVault::withdrawCall {
        token: usdc,
        amount,
        to: alice,
    };
    let usdc_units = alloy_primitives::U256::from(1u8);
    let r = e.send(alice, e.vault, withdraw(amount + usdc_units).abi_encode());
    reverted_with(&r, IVault::InsufficientMargin::SELECTOR);
    let r = e.send(alice, e.vault, withdraw(amount).abi_encode());
    assert!(r.status, "{r:?}");
    assert_eq!(e.margin(alice).unwrap().0.free_collateral, I256::ZERO);
}
