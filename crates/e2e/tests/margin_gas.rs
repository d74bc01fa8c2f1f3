//! The gas of a margin check through a market's trade, on the devnet with the real programs and
//! markets: an account holding N − 1 options (calls and puts, 4 strikes, 4 expiries, round-robin
//! over the underlyings) opens its N-th position through the options market. The trade's gas
//! covers both sides' position updates and margin checks (the taker holds that one position);
//! the view is `accountMargin` of the N-position account alone. Each is measured with the
//! programs outside and inside Arbitrum's program cache. Committed to
//! `test/results/gas.json` (a regression over 2% fails; regenerate with `UPDATE_GAS=1`).
//!
//! Needs `script/build-wasm.sh` and `forge build` first (script/test.sh runs both before this).
#![cfg(feature = "e2e")]

mod common;

use alloy_sol_types::SolCall;
use pm_e2e::deployment::IClearinghouse;

struct Row {
    trade_gas: u64,
    view_gas: u64,
}

fn measure(positions: usize, underlyings: usize, cached: bool) -> Row {
    let (mut e, alice, r) = common::options_account(positions, underlyings, cached);
    let (m, view_gas) = e.margin(alice).unwrap();
    assert!(!m.liquidatable);
    let held = e.chain.call(
        alice,
        e.clearinghouse,
        IClearinghouse::positionsCall { account: alice }.abi_encode(),
    );
    let held = IClearinghouse::positionsCall::abi_decode_returns(&held.output).unwrap();
    assert_eq!(held.instruments.len(), positions);
    Row {
        trade_gas: r.gas_used,
        view_gas,
    }
}

/// The most gas the cached `accountMargin` of a book may cost: 600,000 for 128 options on 4
/// underlyings, 200,000 for 16 (issue 12's targets).
fn budget_of(positions: usize, underlyings: usize) -> Option<u64> {
    match (positions, underlyings) {
        (128, 4) => Some(600_000),
        (16, 4) => Some(200_000),
        _ => None,
    }
}

#[test]
fn gas_of_a_margin_check_through_a_market_trade() {
    let mut rows = Vec::new();
    println!(
        "{:>10} {:>12} {:>12} {:>14} {:>14} {:>14}",
        "positions", "underlyings", "trade", "trade cached", "view", "view cached"
    );
    for (positions, underlyings) in [(1, 1), (16, 1), (16, 4), (32, 2), (32, 4), (128, 4)] {
        let cold = measure(positions, underlyings, false);
        let cached = measure(positions, underlyings, true);
        // The budgets the engine is held to (issue 12), beside the committed figures' 2%.
        if let Some(budget) = budget_of(positions, underlyings) {
            assert!(
                cached.view_gas <= budget,
                "accountMargin of {positions} options on {underlyings} underlyings, cached: {} gas, over its budget of {budget}",
                cached.view_gas
            );
        }
        println!(
            "{positions:>10} {underlyings:>12} {:>12} {:>14} {:>14} {:>14}",
            cold.trade_gas, cached.trade_gas, cold.view_gas, cached.view_gas
        );
        rows.push(serde_json::json!({
            "positions": positions,
            "underlyings": underlyings,
            "trade_gas": cold.trade_gas,
            "trade_gas_cached": cached.trade_gas,
            "account_margin_gas": cold.view_gas,
            "account_margin_gas_cached": cached.view_gas,
        }));
    }
    common::gas_results::check_gas_results(
        "gas.json",
        "an account holding N-1 options opens its N-th through OptionsMarket.accept (both sides' updates and margin checks; the taker holds one position), and accountMargin of the N-position account (an eth_call); options on 1 to 4 underlyings, 4 strikes, 4 expiries; *_cached: every program in Arbitrum's program cache (ArbWasmCache.cacheProgram), so calls pay only the cached entry cost",
        &rows,
        &["trade_gas", "trade_gas_cached", "account_margin_gas", "account_margin_gas_cached"],
    );
}
