//! The stateless risk program's real wasm in the devnet: every fixture's figures match the native
//! `pm-risk` to the micro-dollar, bad requests revert with a typed error, and the gas of a margin
//! computation is measured for 1 to 128 positions over 1 to 4 underlyings
//! (`test/results/risk-program-gas.json`; regenerate with `UPDATE_GAS=1`).
#![cfg(feature = "e2e")]

mod common;

use alloy_primitives::{Address, U256};
use common::reference::{book, calldata_gas, request_of};
use common::ROOT;
use pm_risk::fixed::WAD;
use pm_risk::wire::{self, Request};
use pm_risk::{liquidation, margin, Account};
use stylus_devnet::Devnet;

fn deploy(chain: &mut Devnet) -> Address {
    let wasm = pm_e2e::programs::wasm_of(std::path::Path::new(ROOT), "risk-program").unwrap();
    chain.deploy_program(chain.accounts[0], &wasm).expect("deploys").0
}

fn native_answer(req: &Request) -> Vec<u8> {
    let account = Account {
        collateral: req.collateral,
        positions: &req.positions,
        now: req.now,
    };
    let r = margin(&account, &req.underlyings, &req.params()).unwrap();
    wire::Answer::of(&r, &liquidation(&r).unwrap()).encode()
}

#[test]
fn every_fixture_matches_the_native_math_to_the_micro_dollar() {
    let mut chain = Devnet::new();
    let program = deploy(&mut chain);
    let from = chain.accounts[0];
    let dir = format!("{ROOT}/test/fixtures/portfolios");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let fixture: pm_cli::fixture::Fixture =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let req = request_of(&fixture, 0);
        let r = chain.call(from, program, wire::encode(&req));
        assert!(r.status, "{}: {r:?}", path.display());
        assert_eq!(
            r.output.as_ref(),
            native_answer(&req).as_slice(),
            "{}",
            path.display()
        );
        n += 1;
    }
    assert!(n >= 9);
}

#[test]
fn bad_requests_revert_with_the_error() {
    let mut chain = Devnet::new();
    let program = deploy(&mut chain);
    let from = chain.accounts[0];
    let r = chain.call(from, program, vec![9u8]);
    assert!(!r.status && r.halt.is_none());
    assert_eq!(r.output.as_ref(), &[pm_risk::RiskError::BadEncoding.code()]);
    // A matrix that is not positive semi-definite.
    let mut req = book(3, 3);
    let c = 9 * WAD / 10;
    req.correlation = vec![WAD, c, c, c, WAD, -c, c, -c, WAD];
    let r = chain.call(from, program, wire::encode(&req));
    assert_eq!(r.output.as_ref(), &[pm_risk::RiskError::CorrelationNotPsd.code()]);
}

#[test]
fn gas_of_a_margin_computation() {
    let mut chain = Devnet::new();
    let program = deploy(&mut chain);
    let from = chain.accounts[0];
    let mut rows = Vec::new();
    println!(
        "{:>10} {:>12} {:>14} {:>12}",
        "positions", "underlyings", "program gas", "tx gas"
    );
    for (positions, n) in [(1, 1), (16, 1), (16, 4), (32, 2), (32, 4), (128, 4)] {
        let req = book(positions, n);
        let data = wire::encode(&req);
        // Each call the first of its block: ArbOS 61 charges a repeat only the cached entry.
        chain.advance(0);
        let r = chain.send(from, program, data.clone(), U256::ZERO);
        assert!(r.status, "{r:?}");
        assert_eq!(r.output.as_ref(), native_answer(&req).as_slice());
        let program_gas = r.gas_used - 21_000 - calldata_gas(&data);
        println!("{positions:>10} {n:>12} {program_gas:>14} {:>12}", r.gas_used);
        rows.push(serde_json::json!({ "positions": positions, "underlyings": n, "program_gas": program_gas, "tx_gas": r.gas_used }));
    }
    common::gas_results::check_gas_results("risk-program-gas.json", "the stateless risk program alone, called directly: program gas = tx gas - 21,000 - calldata gas; options books (calls and puts, 4 strikes, 4 expiries)", &rows, &["program_gas"]);
}
