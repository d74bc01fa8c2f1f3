//! The risk program's computation written in optimised Solidity (`contracts/solidity/reference`,
//! Foundry's artifact `RiskReference`) beside the real Stylus risk program, both in one devnet:
//! every fixture and benchmark book gives the same answer within the stated rounding
//! (`common::reference::Tolerance`), bad requests revert in both with the same one-byte code,
//! and the gas of each program on each book is recorded in
//! `test/results/solidity-reference-gas.json` (regenerate with `UPDATE_GAS=1`).
//!
//! Needs the risk program's wasm (`script/build-wasm.sh`) and `forge build` first.
#![cfg(feature = "e2e")]

mod common;

use std::collections::BTreeMap;

use alloy_primitives::U256;
use common::reference::{self, book, calldata_gas, derive_book, differences, Pair, Tolerance};
use common::reference_report::{self, Row};
use pm_risk::fixed::WAD;
use pm_risk::wire::{self, Answer, Request};
use pm_risk::{Instrument, RiskError};

/// Both programs' answers to `req`, decoded; panics unless both succeed.
fn answers(pair: &mut Pair, req: &Request, what: &str) -> (Answer, Answer) {
    let data = wire::encode(req);
    let s = pair.chain.call(pair.from, pair.stylus, data.clone());
    assert!(s.status, "{what}: the Stylus program failed: {s:?}");
    let o = pair.chain.call(pair.from, pair.solidity, data);
    assert!(o.status, "{what}: the Solidity reference failed: {o:?}");
    let q = usize::from(req.quotes);
    (
        Answer::decode(&s.output, q).unwrap(),
        Answer::decode(&o.output, q).expect("the reference's answer decodes"),
    )
}

fn assert_close(pair: &mut Pair, req: &Request, what: &str, largest: &mut BTreeMap<&'static str, i128>) {
    let (s, o) = answers(pair, req, what);
    let diffs = differences(&s, &o, Tolerance::of(req), largest);
    assert!(diffs.is_empty(), "{what}:\n{}", diffs.join("\n"));
}

#[test]
fn every_fixture_matches_the_stylus_program_within_rounding() {
    let mut pair = reference::deploy(false);
    let mut largest = BTreeMap::new();
    let all = reference::fixtures();
    assert!(all.len() >= 12);
    for (name, fixture) in &all {
        // Unquoted, then quoting every position.
        let mut req = reference::request_of(fixture, 0);
        assert_close(&mut pair, &req, name, &mut largest);
        req.quotes = req.positions.len() as u16;
        assert_close(&mut pair, &req, name, &mut largest);
    }
    println!("largest differences over the fixtures: {largest:?}");
}

#[test]
fn benchmark_books_match_the_stylus_program_within_rounding() {
    let mut pair = reference::deploy(false);
    let mut largest = BTreeMap::new();
    let books = books()
        .into_iter()
        .map(|(p, n)| (format!("book {p}/{n}"), book(p, n)))
        .chain(
            DERIVE
                .iter()
                .map(|&n| (format!("Derive's book of {n}"), derive_book(n))),
        )
        .chain(reference::edge_books());
    for (what, mut req) in books {
        assert_close(&mut pair, &req, &what, &mut largest);
        req.quotes = req.positions.len() as u16;
        assert_close(&mut pair, &req, &what, &mut largest);
    }
    println!("largest differences over the benchmark books: {largest:?}");
}

/// A request that each program must refuse, and the error.
fn bad_requests() -> Vec<(&'static str, Vec<u8>, RiskError)> {
    let good = book(4, 2);
    let bytes = wire::encode(&good);
    let with = |f: &dyn Fn(&mut Request)| {
        let mut r = good.clone();
        f(&mut r);
        wire::encode(&r)
    };
    let mut cases: Vec<(&'static str, Vec<u8>, RiskError)> = vec![
        ("empty", vec![], RiskError::BadEncoding),
        (
            "unknown version",
            [&[9u8][..], &bytes[1..]].concat(),
            RiskError::BadEncoding,
        ),
        (
            "truncated",
            bytes[..bytes.len() - 1].to_vec(),
            RiskError::BadEncoding,
        ),
        (
            "trailing byte",
            [&bytes[..], &[0u8, 1, 7][..]].concat(),
            RiskError::BadEncoding,
        ),
        (
            "an explicit quote count of 0",
            [&bytes[..], &[0u8, 0][..]].concat(),
            RiskError::BadEncoding,
        ),
        (
            "more quotes than positions",
            [&bytes[..], &[0u8, 5][..]].concat(),
            RiskError::BadEncoding,
        ),
        (
            "grid levels even",
            with(&|r| r.grid_levels = 8),
            RiskError::InvalidParameter,
        ),
        (
            "w_up above one",
            with(&|r| r.scalars[3] = WAD + 1),
            RiskError::InvalidParameter,
        ),
        (
            "a correlation above one",
            with(&|r| {
                r.correlation[1] = WAD + 1;
                r.correlation[2] = WAD + 1;
            }),
            RiskError::CorrelationOutOfRange,
        ),
        (
            "price out of range",
            with(&|r| r.underlyings[1].market.price = 0),
            RiskError::PriceOutOfRange,
        ),
        (
            "vol out of range",
            with(&|r| r.underlyings[0].market.vol = 6 * WAD),
            RiskError::VolOutOfRange,
        ),
        (
            "scan floor out of range",
            with(&|r| r.underlyings[0].params.scan_floor = WAD),
            RiskError::InvalidParameter,
        ),
        (
            "unknown underlying",
            with(&|r| r.positions[3].underlying = 2),
            RiskError::UnknownUnderlying,
        ),
        (
            "size out of range",
            with(&|r| r.positions[0].size = -(10i128.pow(30) + 1)),
            RiskError::SizeOutOfRange,
        ),
        (
            "negative entry",
            with(&|r| r.positions[2].entry = -1),
            RiskError::PriceOutOfRange,
        ),
        (
            "strike out of range",
            with(&|r| {
                r.positions[1].instrument = Instrument::Put {
                    strike: 1,
                    expiry: reference::NOW + 86_400,
                }
            }),
            RiskError::PriceOutOfRange,
        ),
        (
            "expiry beyond five years",
            with(&|r| {
                r.positions[0].instrument = Instrument::Call {
                    strike: 60_000 * WAD,
                    expiry: reference::NOW + 6 * 31_536_000,
                }
            }),
            RiskError::ExpiryOutOfRange,
        ),
    ];
    // A matrix that is not positive semi-definite.
    let mut req = book(3, 3);
    let c = 9 * WAD / 10;
    req.correlation = vec![WAD, c, c, c, WAD, -c, c, -c, WAD];
    cases.push((
        "a matrix not PSD",
        wire::encode(&req),
        RiskError::CorrelationNotPsd,
    ));
    // 17 underlyings; 257 positions.
    let mut req = book(1, 1);
    req.underlyings = vec![req.underlyings[0]; 17];
    req.correlation = (0..17 * 17)
        .map(|k| if k / 17 == k % 17 { WAD } else { 0 })
        .collect();
    cases.push((
        "17 underlyings",
        wire::encode(&req),
        RiskError::TooManyUnderlyings,
    ));
    let mut req = book(1, 1);
    req.positions = vec![req.positions[0]; 257];
    cases.push(("257 positions", wire::encode(&req), RiskError::TooManyPositions));
    // An unknown instrument kind (5): the kind byte of the first position.
    let mut unknown = wire::encode(&book(1, 1));
    let first = 171 + 192 + 2;
    unknown[first + 1] = 5;
    cases.push(("an unknown instrument", unknown, RiskError::BadEncoding));
    cases
}

#[test]
fn bad_requests_revert_in_both_with_the_same_code() {
    let mut pair = reference::deploy(false);
    for (what, data, error) in bad_requests() {
        let s = pair.chain.call(pair.from, pair.stylus, data.clone());
        let o = pair.chain.call(pair.from, pair.solidity, data);
        assert!(!s.status && !o.status, "{what}: stylus {s:?}, solidity {o:?}");
        assert_eq!(
            s.output.as_ref(),
            &[error.code()],
            "{what}: the Stylus program's error"
        );
        assert_eq!(
            o.output.as_ref(),
            &[error.code()],
            "{what}: the reference's error"
        );
    }
}

/// The benchmark's books of ours: 1, 16, 32, 64 and 128 options over 1 to 4 underlyings.
fn books() -> Vec<(usize, usize)> {
    let mut all = vec![(1, 1)];
    for positions in [16, 32, 64, 128] {
        all.extend((1..=4).map(|n| (positions, n)));
    }
    all
}
/// Derive's book sizes: theirs (16, 32, 128) and ours (1, 64) between.
const DERIVE: [usize; 5] = [1, 16, 32, 64, 128];

/// Program gas of one call, the first of its block (ArbOS 61 charges a repeat in the same block
/// only the cached entry): tx gas − 21,000 − calldata gas.
fn program_gas(pair: &mut Pair, to: alloy_primitives::Address, data: &[u8]) -> u64 {
    pair.chain.advance(0);
    let r = pair.chain.send(pair.from, to, data.to_vec(), U256::ZERO);
    assert!(r.status, "{r:?}");
    r.gas_used - 21_000 - calldata_gas(data)
}

/// The engine's whole cached `accountMargin` on Derive's book, from `derive-gas.json`.
fn derive_account_margin() -> Vec<(usize, u64)> {
    let path = format!("{}/test/results/derive-gas.json", common::ROOT);
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["options"].as_u64().unwrap() as usize,
                r["account_margin_gas_cached"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// The benchmark: both programs on every book, in one run. Writes with `UPDATE_GAS=1` (as
/// `script/bench-reference.sh` does) the results, and the plot from them; otherwise holds the
/// gas to the committed results (2%).
#[test]
fn gas_of_the_stylus_program_and_the_solidity_reference() {
    let mut cold = reference::deploy(false);
    let mut cached = reference::deploy(true);
    let requests = books()
        .into_iter()
        .map(|(p, n)| ("options", p, n, book(p, n)))
        .chain(DERIVE.iter().map(|&n| ("derive", n, 1, derive_book(n))));
    let mut rows = Vec::new();
    for (kind, positions, underlyings, req) in requests {
        let data = wire::encode(&req);
        let (stylus, solidity) = (cold.stylus, cold.solidity);
        let to = cached.stylus;
        rows.push(Row {
            book: kind.to_string(),
            positions,
            underlyings,
            stylus: program_gas(&mut cold, stylus, &data),
            stylus_cached: program_gas(&mut cached, to, &data),
            solidity: program_gas(&mut cold, solidity, &data),
        });
    }
    println!("{}", reference_report::table(&rows));
    let json: Vec<_> = rows.iter().map(Row::json).collect();
    common::gas_results::check_gas_results(
        reference_report::RESULTS,
        "one margin computation, program gas = tx gas - 21,000 - calldata gas, of the Stylus risk program (outside and inside Arbitrum's program cache) and of its Solidity reference (contracts/solidity/reference, RiskReference) on the same request; books: ours (calls and puts, 4 strikes, 4 expiries, over 1 to 4 underlyings) and Derive's gas-test book (ETH at 2,000, short calls 14 days out)",
        &json,
        &["stylus_gas", "stylus_gas_cached", "solidity_gas"],
    );
    if std::env::var_os("UPDATE_GAS").is_some() {
        reference_report::plot(&rows, &derive_account_margin()).expect("the plot is drawn");
    }
    // The headline: at 128 options the Stylus program is at least 10× cheaper.
    for r in rows.iter().filter(|r| r.positions == 128) {
        assert!(r.ratio() >= 10.0, "{r:?}");
    }
}

#[test]
fn the_edge_books_reach_the_add_ons() {
    let mut pair = reference::deploy(false);
    let (_, req) = reference::edge_books().remove(0);
    let (s, o) = answers(&mut pair, &req, "add-ons");
    assert!(s.add_ons > 0 && o.add_ons > 0, "{} {}", s.add_ons, o.add_ons);
}

/// 300 random books across the validated ranges (`reference::random_book`, a fixed seed):
/// the same answers within the tolerance, or the same error byte where a book is refused.
#[test]
fn random_books_match_the_stylus_program_within_rounding() {
    let mut pair = reference::deploy(false);
    let mut rng = reference::Rng::new(0x5eed_b00c);
    let (mut largest, mut refused) = (BTreeMap::new(), 0);
    for case in 0..300 {
        let mut req = reference::random_book(&mut rng);
        req.quotes = req.positions.len() as u16;
        let data = wire::encode(&req);
        let s = pair.chain.call(pair.from, pair.stylus, data.clone());
        let o = pair.chain.call(pair.from, pair.solidity, data);
        if !s.status {
            assert_eq!(
                (s.status, s.output.as_ref()),
                (o.status, o.output.as_ref()),
                "case {case}"
            );
            refused += 1;
            continue;
        }
        assert!(o.status, "case {case}: the reference failed: {o:?}");
        let q = req.positions.len();
        let (sa, oa) = (
            Answer::decode(&s.output, q).unwrap(),
            Answer::decode(&o.output, q).unwrap(),
        );
        let diffs = differences(&sa, &oa, Tolerance::of(&req), &mut largest);
        assert!(diffs.is_empty(), "case {case}:\n{}", diffs.join("\n"));
    }
    println!("largest differences over the random books: {largest:?}; refused by both: {refused}");
    assert!(refused < 150, "most random books are within the ranges");
}
