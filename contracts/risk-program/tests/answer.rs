//! The risk program's logic, natively: its answer is the margin model's report in the wire
//! format, and a bad request is an error whose revert byte is the error's pinned code. (The wasm
//! itself runs in `crates/e2e/tests/risk_program.rs`.)
#![allow(clippy::arithmetic_side_effects)]

use pm_risk::black76::{price, OptionKind};
use pm_risk::fixed::WAD;
use pm_risk::fixed::{wdiv, Rounding};
use pm_risk::wire::{self, Answer, Quote, Request};
use pm_risk::*;
use pm_risk_program::{answer, error_byte};

const NOW: u64 = 1_800_000_000;

/// A BTC call hedged with a short perp, and an ETH perp, with the given correlation.
fn request(rho: i128) -> Request {
    let risk = defaults::risk(&[]);
    let underlying = |price: i128, vol_pct: i128, params| Underlying {
        market: Market {
            price,
            vol: vol_pct * WAD / 100,
            oracle_addon: 0,
        },
        params,
    };
    Request {
        now: NOW,
        collateral: 100_000_000_000,
        grid_levels: risk.grid_levels,
        scalars: wire::scalars_of(&risk),
        underlyings: vec![
            underlying(65_000 * WAD, 55, defaults::BTC),
            underlying(3_000 * WAD, 65, defaults::ETH),
        ],
        correlation: vec![WAD, rho, rho, WAD],
        positions: vec![
            Position {
                underlying: 0,
                instrument: Instrument::Call {
                    strike: 65_000 * WAD,
                    expiry: NOW + 30 * 86_400,
                },
                size: WAD,
                entry: 0,
            },
            Position {
                underlying: 0,
                instrument: Instrument::Perp,
                size: -WAD / 2,
                entry: 0,
            },
            Position {
                underlying: 1,
                instrument: Instrument::Perp,
                size: -10 * WAD,
                entry: 0,
            },
        ],
        quotes: 0,
    }
}

#[test]
fn the_answer_is_the_margin_models_report_in_the_wire_format() {
    let req = request(85 * WAD / 100);
    let account = Account {
        collateral: req.collateral,
        positions: &req.positions,
        now: req.now,
    };
    let report = margin(&account, &req.underlyings, &req.params()).unwrap();
    let expected = Answer::of(&report, &liquidation(&report).unwrap());
    let bytes = answer(&wire::encode(&req)).unwrap();
    assert_eq!(bytes, expected.encode());
    let decoded = Answer::decode(&bytes, 0).unwrap();
    assert_eq!(decoded.underlyings.len(), 2);
    assert!(
        decoded.initial > 0 && decoded.initial < decoded.isolated_initial,
        "the hedge is credited"
    );
}

#[test]
fn a_request_that_does_not_decode_is_bad_encoding_and_reverts_with_its_code() {
    assert_eq!(answer(&[]), Err(RiskError::BadEncoding));
    let mut trailing = wire::encode(&request(0));
    trailing.push(0);
    assert_eq!(answer(&trailing), Err(RiskError::BadEncoding));
    assert_eq!(error_byte(RiskError::BadEncoding), 17);
}

#[test]
fn parameters_the_model_rejects_revert_with_their_code() {
    // A correlation above one: not a correlation matrix.
    let err = answer(&wire::encode(&request(2 * WAD))).unwrap_err();
    assert_eq!(err, RiskError::CorrelationOutOfRange);
    assert_eq!(error_byte(err), err.code());
    assert_eq!(error_byte(RiskError::CorrelationNotPsd), 15);
}

#[test]
fn quoted_positions_carry_their_mark_and_their_underlyings_price() {
    let mut req = request(85 * WAD / 100);
    req.quotes = 2;
    let bytes = answer(&wire::encode(&req)).unwrap();
    let a = Answer::decode(&bytes, 2).unwrap();
    // The 30-day at-the-money call at 55%: Black-76 at the posted vol.
    let years = wdiv(30 * 86_400, 365 * 86_400, Rounding::Down).unwrap();
    let call = price(
        OptionKind::Call,
        65_000 * WAD,
        65_000 * WAD,
        55 * WAD / 100,
        years,
    )
    .unwrap();
    assert!(
        (a.quotes[0].mark - call).abs() <= WAD / 1_000,
        "{} vs {call}",
        a.quotes[0].mark
    );
    assert!(a.quotes[0].mark > 4_000 * WAD && a.quotes[0].mark < 4_200 * WAD);
    assert_eq!(
        a.quotes[1],
        Quote {
            mark: 65_000 * WAD,
            price: 65_000 * WAD
        },
        "a perp's mark is its underlying's price"
    );
    assert_eq!(a.quotes[0].price, 65_000 * WAD);
    // The figures are those of the same request without quotes.
    let mut plain = a.clone();
    plain.quotes.clear();
    assert_eq!(
        plain.encode(),
        answer(&wire::encode(&request(85 * WAD / 100))).unwrap()
    );
}

#[test]
fn a_closed_position_quoted_with_size_zero_changes_no_figure() {
    let mut req = request(85 * WAD / 100);
    let mut closed = req.positions[1];
    closed.size = 0;
    req.positions.insert(0, closed);
    req.quotes = 1;
    let a = Answer::decode(&answer(&wire::encode(&req)).unwrap(), 1).unwrap();
    assert_eq!(a.quotes[0].mark, 65_000 * WAD);
    let mut plain = a.clone();
    plain.quotes.clear();
    assert_eq!(
        plain.encode(),
        answer(&wire::encode(&request(85 * WAD / 100))).unwrap()
    );
}

#[test]
fn an_option_with_a_bad_strike_and_a_bad_expiry_reports_the_strike_then_the_expiry() {
    let with = |strike: i128, expiry: u64| {
        let mut req = request(85 * WAD / 100);
        req.positions[0].instrument = Instrument::Call { strike, expiry };
        answer(&wire::encode(&req)).unwrap_err()
    };
    let too_far = NOW + 6 * 365 * 86_400;
    assert_eq!(with(0, too_far), RiskError::PriceOutOfRange);
    assert_eq!(with(65_000 * WAD, too_far), RiskError::ExpiryOutOfRange);
}
