//! The units amounts carry across the clearinghouse's boundaries, as types, so an amount in one
//! unit cannot be passed where another is meant:
//! - [`UsdWad`]: USD with 18 decimals, the ABI's unit: collateral values from the vault, every
//!   margin figure the clearinghouse answers, and the `InsufficientMargin` error;
//! - `pm_risk::fixed::Usd`: USD with 6 decimals, the risk program's money (its request and answer);
//! - [`TokenUnits`]: settlement-token units (the token's own decimals; one token is worth one
//!   USD), the cash of a trade, a fee or an expiry that the vault's `settle` moves.
//!
//! Conversions round against the account: collateral into the risk program rounds down.

use alloy_primitives::I256;
use pm_common::scaling::{pow10, WAD_DECIMALS};
use pm_risk::fixed::{mul_div, Rounding, Usd};

use crate::errors::{overflow, Result};

/// One USD of the risk crate (6 decimals) in 18 decimals.
const USD_TO_WAD: i128 = 1_000_000_000_000;

/// USD with 18 decimals.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct UsdWad(pub I256);

impl UsdWad {
    /// The risk crate's USD (6 decimals) in 18 decimals; saturates at the `int128` range
    /// (10^20 USD and more), far beyond any account.
    pub fn from_usd(usd: Usd) -> Self {
        UsdWad(I256::try_from(usd.saturating_mul(USD_TO_WAD)).unwrap_or_default())
    }

    /// In the risk crate's USD (6 decimals), rounded down (towards −∞).
    /// Errors: `ArithmeticOverflow` outside `int128`.
    pub fn to_usd_floor(self) -> Result<Usd> {
        let value = i128::try_from(self.0).map_err(|_| overflow())?;
        value.checked_div_euclid(USD_TO_WAD).ok_or_else(overflow)
    }

    /// `self + other`. Errors: `ArithmeticOverflow`.
    pub fn checked_add(self, other: UsdWad) -> Result<UsdWad> {
        self.0.checked_add(other.0).map(UsdWad).ok_or_else(overflow)
    }
}

/// Settlement-token units: positive received by the account, negative paid.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct TokenUnits(pub i128);

impl TokenUnits {
    /// `self + other`. Errors: `ArithmeticOverflow`.
    pub fn checked_add(self, other: TokenUnits) -> Result<TokenUnits> {
        self.0.checked_add(other.0).map(TokenUnits).ok_or_else(overflow)
    }

    /// `usd` (the risk program's USD, 6 decimals) in units of a token with `decimals` (at most
    /// 36) decimals worth one USD each, rounded as asked. Errors: `ArithmeticOverflow`.
    pub fn from_usd(usd: Usd, decimals: u8, rounding: Rounding) -> Result<TokenUnits> {
        let (up, down) = if decimals >= 6 {
            (decimals.saturating_sub(6), 0)
        } else {
            (0, 6u8.saturating_sub(decimals))
        };
        let scale = |d: u8| pow10(d).and_then(|p| i128::try_from(p).ok()).ok_or_else(overflow);
        mul_div(usd, scale(up)?, scale(down)?, rounding)
            .map(TokenUnits)
            .map_err(|_| overflow())
    }

    /// The amount as the vault's `int256`.
    pub fn to_i256(self) -> Result<I256> {
        I256::try_from(self.0).map_err(|_| overflow())
    }

    /// The USD value (18 decimals) of these units of a token with `decimals` (at most 18)
    /// decimals worth one USD each: exact. Errors: `ArithmeticOverflow`.
    pub fn to_usd_wad(self, decimals: u8) -> Result<UsdWad> {
        let scale = pow10(WAD_DECIMALS.checked_sub(decimals).ok_or_else(overflow)?).ok_or_else(overflow)?;
        let scale = i128::try_from(scale).map_err(|_| overflow())?;
        let value = self.0.checked_mul(scale).ok_or_else(overflow)?;
        I256::try_from(value).map(UsdWad).map_err(|_| overflow())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usd_to_the_risk_program_rounds_down_and_back_is_exact() {
        let wad = |v: i128| UsdWad(I256::try_from(v).unwrap());
        assert_eq!(wad(1_999_999_999_999).to_usd_floor(), Ok(1));
        assert_eq!(wad(-1).to_usd_floor(), Ok(-1));
        assert_eq!(wad(-1_000_000_000_000).to_usd_floor(), Ok(-1));
        assert_eq!(UsdWad::from_usd(-7), wad(-7_000_000_000_000));
        assert!(UsdWad(I256::MAX).to_usd_floor().is_err());
    }

    #[test]
    fn token_units_in_usd_scale_by_the_decimals() {
        let six = TokenUnits(-1_500_000).to_usd_wad(6).unwrap();
        assert_eq!(
            six,
            UsdWad(I256::try_from(-1_500_000_000_000_000_000i128).unwrap())
        );
        assert_eq!(
            TokenUnits(3).to_usd_wad(18).unwrap(),
            UsdWad(I256::try_from(3).unwrap())
        );
        assert!(TokenUnits(1).to_usd_wad(19).is_err());
    }
}
