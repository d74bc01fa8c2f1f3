//! Pure collateral valuation: haircut values and debt values in USD.
//!
//! Invariants kept here (tests are named after them):
//! 1. Values are in USD with 18 decimals, from a checked answer in the feed's decimals.
//! 2. A collateral value rounds down and a debt value rounds up: neither favours the account.
//! 3. Nothing here panics: overflow is `ArithmeticOverflow`.

use alloy_primitives::U256;
use pm_common::scaling::{BPS, WAD_DECIMALS};

use crate::errors::{overflow, Result};

/// `10^exp` for `exp <= 77`; `ArithmeticOverflow` beyond.
pub fn pow10(exp: u8) -> Result<U256> {
    U256::from(10u8).checked_pow(U256::from(exp)).ok_or_else(overflow)
}

/// Haircut USD value (18 decimals) of `amount` token units:
/// `floor(amount · answer · (10,000 − haircut) / (10^token_decimals · 10^oracle_decimals · 10,000) · 10^18)`,
/// computed with a single division so the only rounding is one floor (invariant 2).
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
    let (up, down) = if oracle_decimals <= WAD_DECIMALS {
        (WAD_DECIMALS.saturating_sub(oracle_decimals), 0)
    } else {
        (0, oracle_decimals.saturating_sub(WAD_DECIMALS))
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

    /// Invariant 2, against an exact reference in u128 for every decimal pair and haircut.
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
            Err(crate::errors::VaultError::ArithmeticOverflow(
                crate::errors::ArithmeticOverflow {}
            ))
        );
    }
}
