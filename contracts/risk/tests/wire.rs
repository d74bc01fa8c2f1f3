//! The wire format: a request and an answer survive encode → decode unchanged, and every
//! malformed input is `BadEncoding` (or the bound it breaks), never a wrong number.
#![allow(clippy::arithmetic_side_effects)]

use pm_risk::fixed::WAD;
use pm_risk::wire::{
    self, Answer, Quote, Request, UnderlyingAnswer, ACCOUNT_WORDS, QUOTE_WORDS, UNDERLYING_WORDS,
};
use pm_risk::*;

const NOW: u64 = 1_800_000_000;

/// Two underlyings and one position of every kind.
fn request() -> Request {
    let risk = defaults::risk(&[]);
    Request {
        now: NOW,
        collateral: -12_345_678,
        grid_levels: risk.grid_levels,
        scalars: wire::scalars_of(&risk),
        underlyings: vec![
            Underlying {
                market: Market {
                    price: 65_000 * WAD,
                    vol: 55 * WAD / 100,
                    oracle_addon: WAD / 100,
                },
                params: defaults::BTC,
            },
            Underlying {
                market: Market {
                    price: 3_000 * WAD,
                    vol: 65 * WAD / 100,
                    oracle_addon: 0,
                },
                params: defaults::ETH,
            },
        ],
        correlation: vec![WAD, 85 * WAD / 100, 85 * WAD / 100, WAD],
        positions: vec![
            Position {
                underlying: 0,
                instrument: Instrument::Perp,
                size: -WAD / 2,
                entry: 64_000 * WAD,
            },
            Position {
                underlying: 1,
                instrument: Instrument::Future { expiry: NOW + 86_400 },
                size: 3 * WAD,
                entry: 0,
            },
            Position {
                underlying: 0,
                instrument: Instrument::Call {
                    strike: 70_000 * WAD,
                    expiry: NOW + 30 * 86_400,
                },
                size: WAD,
                entry: 2_000 * WAD,
            },
            Position {
                underlying: 1,
                instrument: Instrument::Put {
                    strike: 2_500 * WAD,
                    expiry: NOW + 7 * 86_400,
                },
                size: -7 * WAD,
                entry: 0,
            },
            Position {
                underlying: 1,
                instrument: Instrument::Spot,
                size: 10 * WAD,
                entry: 0,
            },
        ],
        quotes: 0,
    }
}

/// The answer the margin model gives to `request()`.
fn answer() -> Answer {
    let req = request();
    let account = Account {
        collateral: 100_000_000_000,
        positions: &req.positions,
        now: req.now,
    };
    let report = margin(&account, &req.underlyings, &req.params()).unwrap();
    Answer::of(&report, &liquidation(&report).unwrap())
}

#[test]
fn a_request_round_trips() {
    let req = request();
    let bytes = wire::encode(&req);
    assert_eq!(wire::decode(&bytes).unwrap(), req);
}

#[test]
fn a_request_with_an_unknown_version_kind_or_a_wrong_length_is_bad_encoding() {
    let bytes = wire::encode(&request());
    // The version before model v2's parameters (1), and one after.
    for version in [1, wire::VERSION + 1] {
        let mut wrong_version = bytes.clone();
        wrong_version[0] = version;
        assert_eq!(wire::decode(&wrong_version), Err(RiskError::BadEncoding));
    }
    assert_eq!(
        wire::decode(&bytes[..bytes.len() - 1]),
        Err(RiskError::BadEncoding)
    );
    let mut trailing = bytes.clone();
    trailing.push(0);
    assert_eq!(wire::decode(&trailing), Err(RiskError::BadEncoding));
    assert_eq!(wire::decode(&[]), Err(RiskError::BadEncoding));
    // The last position is spot (kind 4): its kind byte is 2 + 16 + 16 bytes from the end.
    let mut unknown_kind = bytes.clone();
    let at = unknown_kind.len() - 33;
    assert_eq!(unknown_kind[at], 4);
    unknown_kind[at] = 5;
    assert_eq!(wire::decode(&unknown_kind), Err(RiskError::BadEncoding));
}

#[test]
fn a_request_beyond_the_bounds_is_refused_before_it_is_read() {
    let mut req = request();
    req.underlyings = vec![req.underlyings[0]; MAX_UNDERLYINGS + 1];
    req.correlation = vec![0; (MAX_UNDERLYINGS + 1) * (MAX_UNDERLYINGS + 1)];
    assert_eq!(
        wire::decode(&wire::encode(&req)),
        Err(RiskError::TooManyUnderlyings)
    );
    let mut req = request();
    req.positions = vec![req.positions[0]; MAX_POSITIONS + 1];
    assert_eq!(
        wire::decode(&wire::encode(&req)),
        Err(RiskError::TooManyPositions)
    );
}

#[test]
fn an_answer_round_trips() {
    let a = answer();
    assert_eq!(a.underlyings.len(), 2);
    let bytes = a.encode();
    assert_eq!(bytes.len(), 32 * (ACCOUNT_WORDS + 2 * UNDERLYING_WORDS));
    assert_eq!(Answer::decode(&bytes, 0).unwrap(), a);
}

#[test]
fn an_answer_carries_negative_and_extreme_values() {
    let a = Answer {
        equity: i128::MIN,
        free_collateral: -1,
        utilisation: i128::MAX,
        liquidatable: true,
        underlyings: vec![UnderlyingAnswer {
            delta: -WAD,
            worst_move: -WAD / 4,
            worst_vol: VolState::Down,
            ..UnderlyingAnswer::default()
        }],
        ..Answer::default()
    };
    assert_eq!(Answer::decode(&a.encode(), 0).unwrap(), a);
}

#[test]
fn an_answer_of_the_wrong_length_is_bad_encoding() {
    let bytes = answer().encode();
    for len in [
        0,
        31,
        32 * ACCOUNT_WORDS - 1,
        32 * (ACCOUNT_WORDS + 1),
        bytes.len() - 32,
    ] {
        assert_eq!(
            Answer::decode(&bytes[..len], 0),
            Err(RiskError::BadEncoding),
            "length {len}"
        );
    }
    assert_eq!(
        Answer::decode(&bytes[..32 * ACCOUNT_WORDS], 0)
            .unwrap()
            .underlyings,
        vec![]
    );
}

#[test]
fn an_answer_word_that_is_not_a_sign_extended_int128_is_bad_encoding() {
    let mut bytes = answer().encode();
    bytes[0] ^= 0x01; // the equity word's top byte
    assert_eq!(Answer::decode(&bytes, 0), Err(RiskError::BadEncoding));
}

#[test]
fn an_answer_flag_or_vol_state_out_of_range_is_bad_encoding() {
    let a = answer();
    let mut flag = a.encode();
    flag[32 * ACCOUNT_WORDS - 1] = 2; // liquidatable
    assert_eq!(Answer::decode(&flag, 0), Err(RiskError::BadEncoding));
    let mut vol = a.encode();
    vol[32 * (ACCOUNT_WORDS + 6) - 1] = 3; // the first underlying's worst vol state
    assert_eq!(Answer::decode(&vol, 0), Err(RiskError::BadEncoding));
}

#[test]
fn a_request_with_quotes_round_trips_and_ends_with_their_count() {
    let mut req = request();
    req.quotes = 2;
    let bytes = wire::encode(&req);
    assert_eq!(&bytes[bytes.len() - 2..], &[0, 2]);
    assert_eq!(bytes.len(), wire::encode(&request()).len() + 2);
    assert_eq!(wire::decode(&bytes).unwrap(), req);
}

#[test]
fn a_quote_count_of_zero_or_beyond_the_positions_is_bad_encoding() {
    let bytes = wire::encode(&request());
    let mut zero = bytes.clone();
    zero.extend_from_slice(&[0, 0]);
    assert_eq!(
        wire::decode(&zero),
        Err(RiskError::BadEncoding),
        "one encoding per request"
    );
    let mut beyond = bytes.clone();
    beyond.extend_from_slice(&(request().positions.len() as u16 + 1).to_be_bytes());
    assert_eq!(wire::decode(&beyond), Err(RiskError::BadEncoding));
}

#[test]
fn an_answer_with_quotes_round_trips_only_with_its_quote_count() {
    let mut a = answer();
    a.quotes = vec![
        Quote {
            mark: 1_234 * WAD,
            price: 65_000 * WAD,
        },
        Quote {
            mark: 0,
            price: 3_000 * WAD,
        },
    ];
    let bytes = a.encode();
    assert_eq!(
        bytes.len(),
        32 * (ACCOUNT_WORDS + 2 * UNDERLYING_WORDS + 2 * QUOTE_WORDS)
    );
    assert_eq!(Answer::decode(&bytes, 2).unwrap(), a);
    // Read with another count, the words no longer split into underlyings and quotes.
    assert_eq!(Answer::decode(&bytes, 1), Err(RiskError::BadEncoding));
    assert_eq!(Answer::decode(&bytes, 3), Err(RiskError::BadEncoding));
}
