//! Helpers the end-to-end tests share: the deployed engine, a hedged book, revert checks.
// Each test binary uses some of these.
#![allow(dead_code)]

pub mod gas_results;
pub mod reference;
pub mod reference_report;

use alloy_primitives::{Address, I256};
use pm_e2e::deployment::{instrument, Engine, E18, E8};
use stylus_devnet::Receipt;

/// The repository root.
pub const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
/// Seconds in a day.
pub const DAY: u64 = 86_400;

/// The whole engine, deployed and configured (`pm_e2e::deployment`).
pub fn engine() -> Engine {
    Engine::deploy(ROOT).expect("the engine deploys (run script/build-wasm.sh and forge build)")
}

pub fn wad(v: i128) -> I256 {
    I256::try_from(v).unwrap()
}

/// Asserts `r` reverted with the custom error `selector`.
pub fn reverted_with(r: &Receipt, selector: [u8; 4]) {
    assert!(!r.status, "expected a revert, got {r:?}");
    assert_eq!(&r.output[..4], selector.as_slice(), "revert data {:?}", r.output);
}

/// A USD amount with 6 decimals as the 18-decimal figure the ABI reports.
pub fn abi_of_usd6(v: i128) -> I256 {
    wad(v * 1_000_000_000_000)
}

/// Alice (100,000 USDC) buys 1 BTC call (65,000, 30 days) from Bob (1,000,000 USDC) at 3,500 on
/// the options market and sells him 0.5 BTC perp at 65,000 on the perp market.
pub fn hedged_book() -> (Engine, Address, Address) {
    let mut e = engine();
    let (alice, bob) = (e.chain.accounts[1], e.chain.accounts[2]);
    e.open_account(alice, 100_000).unwrap();
    e.open_account(bob, 1_000_000).unwrap();
    let expiry = e.chain.timestamp() + 30 * DAY;
    let call = e.list_option(0, true, expiry, 65_000 * E8 as u128).unwrap();
    let r = e
        .trade(e.options, alice, bob, &[(call, E18, 3_500 * E18)])
        .unwrap();
    assert!(r.status, "{r:?}");
    let perp = instrument(0, 0, 0, 0);
    let r = e
        .trade(e.perps, alice, bob, &[(perp, -E18 / 2, 65_000 * E18)])
        .unwrap();
    assert!(r.status, "{r:?}");
    (e, alice, bob)
}

/// The margin gas table's account (`margin_gas.rs`): Alice, Bob and Eve open accounts with
/// 100,000,000 USDC; Alice holds the first N − 1 options of `Engine::options_book(positions,
/// underlyings)` against Bob and opens the N-th against Eve through the options market (every
/// program in Arbitrum's program cache first when `cached`). Returns the engine, Alice and the
/// receipt of the N-th trade.
pub fn options_account(positions: usize, underlyings: usize, cached: bool) -> (Engine, Address, Receipt) {
    let mut e = engine();
    if cached {
        e.cache_programs().unwrap();
    }
    let (alice, bob, eve) = (e.chain.accounts[1], e.chain.accounts[2], e.chain.accounts[3]);
    for a in [alice, bob, eve] {
        e.open_account(a, 100_000_000).unwrap();
    }
    let legs = e.options_book(positions, underlyings).unwrap();
    let (last, book) = legs.split_last().unwrap();
    e.build_book(alice, bob, book).unwrap();
    let r = e.trade(e.options, alice, eve, &[*last]).unwrap();
    assert!(r.status, "the N-th trade: {r:?}");
    (e, alice, r)
}

/// The account's book, from the views facet.
pub fn positions(e: &mut Engine, account: Address) -> (Vec<u128>, Vec<i128>) {
    e.positions(account).unwrap()
}
