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

/// The token units worth `value` (USD, 18 decimals) at haircut `haircut_bps`: the inverse of
/// [`haircut_value`], rounded **up** when `up` (what an account gives for a value) and down
/// otherwise (what it receives for one). Errors: `ArithmeticOverflow`.
pub fn units_worth(
    value: U256,
    answer: U256,
    token_decimals: u8,
    oracle_decimals: u8,
    haircut_bps: u16,
    up: bool,
) -> Result<U256> {
    // One unit's value as a fraction: value(q) = q · per_unit / denominator.
    let (per_unit, denominator) = value_fraction(
        U256::from(1u8),
        answer,
        token_decimals,
        oracle_decimals,
        haircut_bps,
    )?;
    let numerator = value.checked_mul(denominator).ok_or_else(overflow)?;
    let floor = numerator.checked_div(per_unit).ok_or_else(overflow)?;
    let exact = numerator.checked_rem(per_unit).ok_or_else(overflow)?.is_zero();
    if up && !exact {
        floor.checked_add(U256::from(1u8)).ok_or_else(overflow)
    } else {
        Ok(floor)
    }
}

/// A token's price as a valuation reads it: the checked answer and the two decimals.
#[derive(Clone, Copy, Debug)]
pub struct Quote {
    /// The feed's answer, in its own decimals.
    pub answer: U256,
    /// The token's decimals.
    pub token_decimals: u8,
    /// The feed's decimals.
    pub oracle_decimals: u8,
}

/// What a liquidator takes of one collateral for an account's settlement-token debt: the
/// collateral priced at its oracle price less `discount_bps`, rounded against the account.
/// Returns (collateral units taken, settlement units paid): the whole debt `debt` when `balance`
/// covers its value (the least collateral that does, rounded up), otherwise the whole balance for
/// what it is worth (rounded down). Errors: `ArithmeticOverflow`.
pub fn seizure(
    debt: U256,
    balance: U256,
    collateral: Quote,
    discount_bps: u16,
    settlement: Quote,
) -> Result<(U256, U256)> {
    let owed = debt_value(
        debt,
        settlement.answer,
        settlement.token_decimals,
        settlement.oracle_decimals,
    )?;
    let all = haircut_value(
        balance,
        collateral.answer,
        collateral.token_decimals,
        collateral.oracle_decimals,
        discount_bps,
    )?;
    if all >= owed {
        let taken = units_worth(
            owed,
            collateral.answer,
            collateral.token_decimals,
            collateral.oracle_decimals,
            discount_bps,
            true,
        )?;
        return Ok((taken.min(balance), debt));
    }
    let paid = units_worth(
        all,
        settlement.answer,
        settlement.token_decimals,
        settlement.oracle_decimals,
        0,
        false,
    )?;
    Ok((balance, paid.min(debt)))
}

/// The discount (bps) a liquidator gets on a collateral of an account owing `owed` (USD, 18
/// decimals) whose collateral other than the settlement token is worth `worth` at its oracle
/// prices: `full` when all of it at that discount still pays the whole debt (the account pays the
/// discount out of its own surplus); otherwise the account's surplus as a share of its worth,
/// rounded down, but never below `floor` (the keeper's fee for converting the collateral of an
/// insolvent account), so that creditors pay at most `floor` of what is sold.
/// Errors: `ArithmeticOverflow`.
pub fn seizure_discount(owed: U256, worth: U256, full: u16, floor: u16) -> Result<u16> {
    let at_full = worth
        .checked_mul(U256::from(BPS.saturating_sub(full)))
        .ok_or_else(overflow)?
        .checked_div(U256::from(BPS))
        .ok_or_else(overflow)?;
    if at_full >= owed {
        return Ok(full);
    }
    let Some(surplus) = worth.checked_sub(owed).filter(|_| !worth.is_zero()) else {
        return Ok(floor.min(full));
    };
    let share = surplus
        .checked_mul(U256::from(BPS))
        .ok_or_else(overflow)?
        .checked_div(worth)
        .ok_or_else(overflow)?;
    let share = u16::try_from(share).unwrap_or(full);
    Ok(share.clamp(floor.min(full), full))
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

    const WETH: Quote = Quote {
        answer: U256::from_limbs([300_000_000_000, 0, 0, 0]),
        token_decimals: 18,
        oracle_decimals: 8,
    };
    const USDC: Quote = Quote {
        answer: U256::from_limbs([100_000_000, 0, 0, 0]),
        token_decimals: 6,
        oracle_decimals: 8,
    };

    #[test]
    fn units_worth_inverts_the_value_rounding_each_way() {
        for (value, haircut) in [(1u128, 0u16), (999_999_999_999, 500), (3 * 10u128.pow(21), 1_000)] {
            let v = U256::from(value);
            let up = units_worth(v, WETH.answer, 18, 8, haircut, true).unwrap();
            let down = units_worth(v, WETH.answer, 18, 8, haircut, false).unwrap();
            assert!(haircut_value(up, WETH.answer, 18, 8, haircut).unwrap() >= v);
            assert!(haircut_value(down, WETH.answer, 18, 8, haircut).unwrap() <= v);
            assert!(up - down <= U256::from(1u8));
        }
    }

    #[test]
    fn a_seizure_pays_the_whole_debt_with_the_least_collateral_when_it_covers_it() {
        // 2,700 USDC owed; 1 WETH at 3,000 with a 5% discount is worth 2,850: enough.
        let debt = U256::from(2_700_000_000u64);
        let one = U256::from(10u128.pow(18));
        let (taken, paid) = seizure(debt, one, WETH, 500, USDC).unwrap();
        assert_eq!(paid, debt);
        // 2,700 / 2,850 WETH, rounded up in wei: the account gives no less than the debt's worth.
        let exact = U256::from(2_700u64) * one / U256::from(2_850u64);
        assert!(taken == exact || taken == exact + U256::from(1u8), "{taken}");
        assert!(haircut_value(taken, WETH.answer, 18, 8, 500).unwrap() >= U256::from(2_700u64) * one);
    }

    #[test]
    fn a_seizure_takes_the_whole_balance_when_it_falls_short() {
        // 5,000 USDC owed; 1 WETH at a 5% discount pays 2,850 of it.
        let one = U256::from(10u128.pow(18));
        let (taken, paid) = seizure(U256::from(5_000_000_000u64), one, WETH, 500, USDC).unwrap();
        assert_eq!((taken, paid), (one, U256::from(2_850_000_000u64)));
        // Nothing owed, nothing taken.
        assert_eq!(
            seizure(U256::ZERO, one, WETH, 500, USDC).unwrap(),
            (U256::ZERO, U256::ZERO)
        );
    }

    #[test]
    fn the_discount_comes_from_the_accounts_surplus_and_creditors_pay_at_most_the_floor() {
        let usd = |v: u64| U256::from(v) * U256::from(10u128.pow(18));
        // Worth 3,000: at 5% off it pays 2,850.
        let d = |owed: u64| seizure_discount(usd(owed), usd(3_000), 500, 100).unwrap();
        assert_eq!(d(2_700), 500, "covered at the full discount");
        // 2,940 owed: the surplus at the oracle price is 60 of 3,000: 2%.
        assert_eq!(d(2_940), 200);
        // 2,990 owed: a surplus of 10 (0.33%) is below the keeper's 1% floor.
        assert_eq!(d(2_990), 100);
        // Insolvent at the oracle price, or worth nothing: the floor.
        assert_eq!(d(5_000), 100);
        assert_eq!(seizure_discount(usd(1), U256::ZERO, 500, 100).unwrap(), 100);
        // A floor above the full discount is the full discount.
        assert_eq!(seizure_discount(usd(5_000), usd(3_000), 50, 100).unwrap(), 50);
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
