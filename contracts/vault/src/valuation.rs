//! Pure collateral valuation: oracle-round checks, price normalisation and haircut values.
//!
//! Invariants kept here (tests are named after them):
//! 1. A price is used only from a complete, positive round no older than the heartbeat.
//! 2. Prices are normalised to 18 decimals and values are in USD with 18 decimals.
//! 3. Every division rounds down: collateral is never over-valued.
//! 4. Nothing here panics: overflow is `ArithmeticOverflow`.

use alloy_primitives::{aliases::U80, Address, I256, U256};

use crate::errors::{
    overflow, EngineError, IncompleteRound, InvalidPrice, Result, SequencerDown, SequencerGracePeriod,
    StalePrice,
};

/// Basis points in 100%.
pub const BPS: u16 = 10_000;
/// Decimals of every USD figure and normalised price.
pub const USD_DECIMALS: u8 = 18;
/// The most decimals a token or an oracle may report.
pub const MAX_DECIMALS: u8 = 36;

/// One `latestRoundData` answer of a Chainlink `AggregatorV3` feed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Round {
    /// Round id.
    pub round_id: U80,
    /// Answer in the feed's decimals (a price feed), or a status (the sequencer feed: 0 up, 1 down).
    pub answer: I256,
    /// Unix seconds when the round started (the sequencer feed: when the status last changed).
    pub started_at: U256,
    /// Unix seconds of the last update.
    pub updated_at: U256,
    /// Round in which the answer was computed.
    pub answered_in_round: U80,
}

/// Checks a price round (invariant 1) and returns its answer as an unsigned integer.
///
/// Errors: `IncompleteRound` (never updated, or answered in an earlier round), `InvalidPrice`
/// (zero or negative), `StalePrice` (`timestamp - updatedAt > heartbeat`).
pub fn checked_answer(oracle: Address, round: &Round, heartbeat: u32, timestamp: u64) -> Result<U256> {
    if round.updated_at.is_zero() || round.answered_in_round < round.round_id {
        return Err(EngineError::IncompleteRound(IncompleteRound {
            oracle,
            roundId: round.round_id,
            answeredInRound: round.answered_in_round,
            updatedAt: round.updated_at,
        }));
    }
    if round.answer <= I256::ZERO {
        return Err(EngineError::InvalidPrice(InvalidPrice {
            oracle,
            answer: round.answer,
        }));
    }
    let now = U256::from(timestamp);
    // A round stamped in the future is as fresh as one stamped now.
    let age = now.saturating_sub(round.updated_at);
    if age > U256::from(heartbeat) {
        return Err(EngineError::StalePrice(StalePrice {
            oracle,
            updatedAt: round.updated_at,
            heartbeat: U256::from(heartbeat),
            timestamp: now,
        }));
    }
    Ok(round.answer.into_raw())
}

/// Checks a Chainlink L2 sequencer-uptime round: the sequencer must be up (answer 0) for at least
/// `grace_period` seconds.
///
/// Errors: `SequencerDown` (answer not 0, or no round yet), `SequencerGracePeriod`.
pub fn check_sequencer(feed: Address, round: &Round, grace_period: u32, timestamp: u64) -> Result<()> {
    if !round.answer.is_zero() || round.started_at.is_zero() {
        return Err(EngineError::SequencerDown(SequencerDown {
            feed,
            answer: round.answer,
            startedAt: round.started_at,
        }));
    }
    let now = U256::from(timestamp);
    if now.saturating_sub(round.started_at) < U256::from(grace_period) {
        return Err(EngineError::SequencerGracePeriod(SequencerGracePeriod {
            feed,
            upSince: round.started_at,
            gracePeriod: U256::from(grace_period),
            timestamp: now,
        }));
    }
    Ok(())
}

/// `10^exp` for `exp <= 77`; `ArithmeticOverflow` beyond.
pub fn pow10(exp: u8) -> Result<U256> {
    U256::from(10u8).checked_pow(U256::from(exp)).ok_or_else(overflow)
}

/// An oracle answer with `oracle_decimals` decimals as an 18-decimal price, rounded down.
pub fn normalised_price(answer: U256, oracle_decimals: u8) -> Result<U256> {
    if oracle_decimals <= USD_DECIMALS {
        let scale = pow10(USD_DECIMALS.saturating_sub(oracle_decimals))?;
        answer.checked_mul(scale).ok_or_else(overflow)
    } else {
        let scale = pow10(oracle_decimals.saturating_sub(USD_DECIMALS))?;
        answer.checked_div(scale).ok_or_else(overflow)
    }
}

/// Haircut USD value (18 decimals) of `amount` token units:
/// `floor(amount · answer · (10,000 − haircut) / (10^token_decimals · 10^oracle_decimals · 10,000) · 10^18)`,
/// computed with a single division so the only rounding is one floor (invariant 3).
///
/// Errors: `ArithmeticOverflow` when an intermediate exceeds 256 bits.
pub fn haircut_value(
    amount: U256,
    answer: U256,
    token_decimals: u8,
    oracle_decimals: u8,
    haircut_bps: u16,
) -> Result<U256> {
    let (numerator, denominator) =
        value_fraction(amount, answer, token_decimals, oracle_decimals, haircut_bps)?;
    numerator.checked_div(denominator).ok_or_else(overflow)
}

/// USD value (18 decimals) of a debt of `amount` token units at the oracle price, no haircut,
/// rounded **up** (a debt is never under-valued). Errors: `ArithmeticOverflow`.
pub fn debt_value(amount: U256, answer: U256, token_decimals: u8, oracle_decimals: u8) -> Result<U256> {
    let (numerator, denominator) = value_fraction(amount, answer, token_decimals, oracle_decimals, 0)?;
    let floor = numerator.checked_div(denominator).ok_or_else(overflow)?;
    let exact = numerator.checked_rem(denominator).ok_or_else(overflow)?.is_zero();
    if exact {
        Ok(floor)
    } else {
        floor.checked_add(U256::from(1u8)).ok_or_else(overflow)
    }
}

/// The value of `amount` as one fraction, so that its only rounding is the caller's division.
fn value_fraction(
    amount: U256,
    answer: U256,
    token_decimals: u8,
    oracle_decimals: u8,
    haircut_bps: u16,
) -> Result<(U256, U256)> {
    let kept_bps = U256::from(BPS.checked_sub(haircut_bps).ok_or_else(overflow)?);
    // Fold 10^18 / 10^oracle_decimals into whichever side keeps the integers exact.
    let (up, down) = if oracle_decimals <= USD_DECIMALS {
        (USD_DECIMALS.saturating_sub(oracle_decimals), 0)
    } else {
        (0, oracle_decimals.saturating_sub(USD_DECIMALS))
    };
    let numerator = amount
        .checked_mul(answer)
        .and_then(|v| v.checked_mul(kept_bps))
        .ok_or_else(overflow)?
        .checked_mul(pow10(up)?)
        .ok_or_else(overflow)?;
    let denominator = pow10(token_decimals.checked_add(down).ok_or_else(overflow)?)?
        .checked_mul(U256::from(BPS))
        .ok_or_else(overflow)?;
    Ok((numerator, denominator))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::arithmetic_side_effects)]
    use super::*;

    const ORACLE: Address = Address::repeat_byte(9);

    fn round(answer: i64, updated_at: u64) -> Round {
        Round {
            round_id: U80::from(5u8),
            answer: I256::try_from(answer).unwrap(),
            started_at: U256::from(updated_at),
            updated_at: U256::from(updated_at),
            answered_in_round: U80::from(5u8),
        }
    }

    /// Invariant 3, against an exact reference in u128 for every decimal pair and haircut.
    #[test]
    fn haircut_value_is_the_exact_floor() {
        for token_decimals in [0u8, 6, 8, 18] {
            for oracle_decimals in [0u8, 8, 18, 20] {
                for haircut in [0u16, 1, 250, 9_999] {
                    for (amount, answer) in [(1u128, 1u128), (123_456_789, 987_654_321), (10u128.pow(20), 3)]
                    {
                        let got = haircut_value(
                            U256::from(amount),
                            U256::from(answer),
                            token_decimals,
                            oracle_decimals,
                            haircut,
                        )
                        .unwrap();
                        // floor(amount·answer·kept·10^18 / (10^td·10^od·10^4)) in 256-bit.
                        let num = U256::from(amount)
                            * U256::from(answer)
                            * U256::from(10_000 - haircut)
                            * U256::from(10u8).pow(U256::from(18u8));
                        let den = U256::from(10u8).pow(U256::from(token_decimals + oracle_decimals))
                            * U256::from(10_000u16);
                        assert_eq!(
                            got,
                            num / den,
                            "td {token_decimals} od {oracle_decimals} h {haircut}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn debt_value_rounds_up_and_is_exact_when_it_can_be() {
        // 1 unit of a 6-decimal token at 0.99999999 (8 decimals): 0.99999999e12 exactly.
        assert_eq!(
            debt_value(U256::from(1u8), U256::from(99_999_999u64), 6, 8).unwrap(),
            U256::from(999_999_990_000u64)
        );
        // 1 unit of a 20-decimal token at 1.0: 10^18 / 10^20 = 0.01 -> 1.
        assert_eq!(
            debt_value(U256::from(1u8), U256::from(100_000_000u64), 20, 8).unwrap(),
            U256::from(1u8)
        );
        assert_eq!(debt_value(U256::ZERO, U256::from(5u8), 6, 8).unwrap(), U256::ZERO);
    }

    #[test]
    fn haircut_value_reports_overflow() {
        let r = haircut_value(U256::MAX, U256::from(2u8), 0, 8, 0);
        assert_eq!(
            r,
            Err(EngineError::ArithmeticOverflow(
                crate::errors::ArithmeticOverflow {}
            ))
        );
    }

    #[test]
    fn normalised_price_scales_up_and_floors_down() {
        assert_eq!(
            normalised_price(U256::from(1u8), 8).unwrap(),
            U256::from(10u64.pow(10))
        );
        assert_eq!(normalised_price(U256::from(199u8), 20).unwrap(), U256::from(1u8));
        assert_eq!(normalised_price(U256::from(7u8), 18).unwrap(), U256::from(7u8));
        assert!(normalised_price(U256::MAX, 0).is_err());
    }

    #[test]
    fn checked_answer_accepts_future_stamp_as_fresh() {
        let r = round(5, 1_000);
        assert_eq!(checked_answer(ORACLE, &r, 1, 900).unwrap(), U256::from(5u8));
    }

    #[test]
    fn check_sequencer_is_up_exactly_at_grace_end() {
        let mut r = round(0, 100);
        assert!(check_sequencer(ORACLE, &r, 50, 150).is_ok());
        assert!(check_sequencer(ORACLE, &r, 50, 149).is_err());
        r.answer = I256::ONE;
        assert!(check_sequencer(ORACLE, &r, 0, 10_000).is_err());
    }
}
