//! The margin check on the exact book of Derive's published gas test, beside their figures:
//! ETH at 2,000, one expiry 14 days out, short 1.0 calls at strikes 2,000, 2,100, … (128 options
//! are two batches of 64 from 2,000 and from 8,400). `accountMargin` of the account, an eth_call,
//! with the programs outside and inside Arbitrum's program cache. Committed to
//! `test/results/derive-gas.json` (a regression over 2% fails; regenerate with `UPDATE_GAS=1`).
//!
//! Derive's figures are theirs, not re-measured here: their Standard Manager's margin check in
//! Solidity, 1.02M / 2.49M / 22.9M gas for 16 / 32 / 128 options, cold.
//!
//! Needs `script/build-wasm.sh` and `forge build` first (script/test.sh runs both before this).
#![cfg(feature = "e2e")]

mod common;

use pm_e2e::deployment::{Leg, E18, E8};

/// ETH, the second listing.
const ETH: u8 = 1;

/// Strike `i` of the book, whole USD: 2,000 + 100·i for the first 64, 8,400 + 100·(i − 64) after.
fn strike(i: usize) -> u128 {
    let (base, step) = if i < 64 { (2_000, i) } else { (8_400, i - 64) };
    (base + 100 * step as u128) * E8 as u128
}

/// `accountMargin` gas of Alice short `n` calls of Derive's book.
fn measure(n: usize, cached: bool) -> u64 {
    let mut e = common::engine();
    if cached {
        e.cache_programs().unwrap();
    }
    let (alice, bob) = (e.chain.accounts[1], e.chain.accounts[2]);
    for a in [alice, bob] {
        e.open_account(a, 100_000_000).unwrap();
    }
    e.set_price(usize::from(ETH), 2_000 * E8).unwrap();
    let expiry = e.chain.timestamp() + 14 * common::DAY;
    let legs: Vec<Leg> = (0..n)
        .map(|i| {
            let id = e.list_option(ETH, true, expiry, strike(i)).unwrap();
            (id, -E18, e.mark(id).unwrap())
        })
        .collect();
    e.build_book(alice, bob, &legs).unwrap();
    assert_eq!(e.positions(alice).unwrap().0.len(), n);
    let (m, gas) = e.margin(alice).unwrap();
    assert!(!m.liquidatable && m.maintenance > alloy_primitives::I256::ZERO);
    gas
}

#[test]
fn gas_of_derives_book_beside_their_figures() {
    let mut rows = Vec::new();
    println!(
        "{:>8} {:>12} {:>12} {:>12} {:>8}",
        "options", "ours", "ours cached", "Derive", "ratio"
    );
    for (n, theirs) in common::reference_report::DERIVE_PUBLISHED {
        let (cold, cached) = (measure(n, false), measure(n, true));
        let ratio = theirs as f64 / cached as f64;
        // The budget (issue 12): 30 times below their 128-option figure.
        if n == 128 {
            assert!(
                cached * 30 <= theirs,
                "Derive's 128-option book: {cached} gas, not 30x below {theirs}"
            );
        }
        println!("{n:>8} {cold:>12} {cached:>12} {theirs:>12} {ratio:>7.1}x");
        rows.push(serde_json::json!({
            "options": n,
            "account_margin_gas": cold,
            "account_margin_gas_cached": cached,
            "derive_published_gas": theirs,
        }));
    }
    common::gas_results::check_gas_results(
        "derive-gas.json",
        "accountMargin of Derive's published gas-test book (ETH at 2,000, one expiry 14 days out, short 1.0 calls at strikes 2,000, 2,100, ...; 128 = two batches of 64 from 2,000 and 8,400), cold and with every program in Arbitrum's program cache; derive_published_gas: their Standard Manager's figure, cold, as published (not measured here)",
        &rows,
        &["account_margin_gas", "account_margin_gas_cached"],
    );
}
