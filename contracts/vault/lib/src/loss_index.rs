//! Pure arithmetic of socialised losses on the settlement token.
//!
//! Settlement-token balances are stored scaled by an index that starts at 1 (10^18) and only
//! falls: a balance is `floor(scaled · index / 10^18)`. When a liquidated account's debt is left
//! with nothing to pay it (its book and collateral gone, the insurance fund empty), the vault
//! writes the debt off and lowers the index by the same share of every settlement-token claim:
//! `index' = floor(index · (claims − loss) / claims)`, where the claims are what the vault holds
//! of the token plus every debt owed in it (the sum of all balances, at most). Every rounding is
//! against the holders: a balance rounds down, a debit takes its scaled amount rounded up, a
//! credit adds its scaled amount rounded down, and the index rounds down, so the balances never
//! sum to more than the vault can pay.

use alloy_primitives::U256;

use crate::errors::{overflow, Result};

/// The index before any loss: 1 with 18 decimals.
pub const ONE: U256 = U256::from_limbs([1_000_000_000_000_000_000, 0, 0, 0]);

/// The index as stored: zero (never set) reads as [`ONE`].
pub fn effective(stored: U256) -> U256 {
    if stored.is_zero() {
        ONE
    } else {
        stored
    }
}

/// The balance of `scaled` at `index`, rounded down. Before any loss it is `scaled` itself (any
/// amount); after one, amounts up to 2^196 (no settlement token comes near). Errors:
/// `ArithmeticOverflow`.
pub fn balance_of_scaled(scaled: U256, index: U256) -> Result<U256> {
    if index == ONE {
        return Ok(scaled);
    }
    scaled
        .checked_mul(index)
        .ok_or_else(overflow)?
        .checked_div(ONE)
        .ok_or_else(overflow)
}

/// The scaled amount of `units` at `index`, rounded up when `up` (a debit) and down otherwise
/// (a credit). Errors: `ArithmeticOverflow` (also for a zero index).
pub fn scaled_of(units: U256, index: U256, up: bool) -> Result<U256> {
    if index == ONE {
        return Ok(units);
    }
    let numerator = units.checked_mul(ONE).ok_or_else(overflow)?;
    let floor = numerator.checked_div(index).ok_or_else(overflow)?;
    let exact = numerator.checked_rem(index).ok_or_else(overflow)?.is_zero();
    if up && !exact {
        floor.checked_add(U256::from(1u8)).ok_or_else(overflow)
    } else {
        Ok(floor)
    }
}

/// The lowest the index goes: 10^-9 of [`ONE`], so that a balance keeps nine significant digits
/// of precision however many losses it has borne.
pub const FLOOR: U256 = U256::from_limbs([1_000_000_000, 0, 0, 0]);

/// Writing off up to `loss` against `claims` (both in token units) at `index`: the part written
/// off and the index after it, `floor(index · (claims − written) / claims)`. All of `loss` unless
/// that would take the index below [`FLOOR`] (a loss of nearly every claim): then the most that
/// keeps it there, and the rest stays owed. Errors: `ArithmeticOverflow`.
pub fn write_off(index: U256, loss: U256, claims: U256) -> Result<(U256, U256)> {
    if claims.is_zero() || index <= FLOOR {
        return Ok((U256::ZERO, index));
    }
    // The least the claims may keep: claims · FLOOR / index, rounded up.
    let numerator = claims.checked_mul(FLOOR).ok_or_else(overflow)?;
    let mut least = numerator.checked_div(index).ok_or_else(overflow)?;
    if !numerator.checked_rem(index).ok_or_else(overflow)?.is_zero() {
        least = least.checked_add(U256::from(1u8)).ok_or_else(overflow)?;
    }
    let written = loss.min(claims.saturating_sub(least));
    let next = index
        .checked_mul(claims.checked_sub(written).ok_or_else(overflow)?)
        .ok_or_else(overflow)?
        .checked_div(claims)
        .ok_or_else(overflow)?;
    Ok((written, next))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::arithmetic_side_effects)]
    use super::*;

    #[test]
    fn before_any_loss_scaled_amounts_are_the_balances() {
        let index = effective(U256::ZERO);
        for v in [0u64, 1, 999_999, 123_456_789_012] {
            let v = U256::from(v);
            assert_eq!(balance_of_scaled(v, index).unwrap(), v);
            assert_eq!(scaled_of(v, index, true).unwrap(), v);
            assert_eq!(scaled_of(v, index, false).unwrap(), v);
        }
    }

    #[test]
    fn a_loss_lowers_every_balance_by_its_share_rounding_against_holders() {
        // 1,000 of claims, 250 lost: every balance keeps 75%.
        let (written, index) = write_off(ONE, U256::from(250u16), U256::from(1_000u16)).unwrap();
        assert_eq!(written, U256::from(250u16));
        assert_eq!(index, ONE * U256::from(3u8) / U256::from(4u8));
        assert_eq!(
            balance_of_scaled(U256::from(400u16), index).unwrap(),
            U256::from(300u16)
        );
        // A debit of 1 unit takes ceil(1 / 0.75) = 2 scaled units; a credit of 1 adds 1.
        assert_eq!(scaled_of(U256::from(1u8), index, true).unwrap(), U256::from(2u8));
        assert_eq!(scaled_of(U256::from(1u8), index, false).unwrap(), U256::from(1u8));
        // A debit never leaves more than was there: balance(scaled − debit) ≤ balance − units.
        let scaled = U256::from(401u16);
        let units = U256::from(100u8);
        let left = scaled - scaled_of(units, index, true).unwrap();
        assert!(balance_of_scaled(left, index).unwrap() <= balance_of_scaled(scaled, index).unwrap() - units);
    }

    #[test]
    fn a_loss_of_nearly_every_claim_stops_at_the_floor_and_the_rest_stays_owed() {
        // 5,000,000 of claims, all lost: the claims keep ceil(5e6 · 1e9 / 1e18) = 1 unit.
        let claims = U256::from(5_000_000u64);
        let (written, index) = write_off(ONE, claims, claims).unwrap();
        assert_eq!(written, claims - U256::from(1u8));
        assert_eq!(index, ONE / claims);
        assert!(index >= FLOOR);
        // What stays owed cannot be written off while it would take the index below the floor.
        let one = U256::from(1u8);
        assert_eq!(write_off(FLOOR, one, one).unwrap(), (U256::ZERO, FLOOR));
        assert_eq!(
            write_off(ONE / claims, one, one).unwrap(),
            (U256::ZERO, ONE / claims)
        );
        // No claims, nothing to write off against.
        assert_eq!(
            write_off(ONE, U256::from(9u8), U256::ZERO).unwrap(),
            (U256::ZERO, ONE)
        );
    }

    #[test]
    fn many_losses_keep_the_index_at_or_above_the_floor() {
        let mut index = ONE;
        let claims = U256::from(10u128.pow(12));
        for _ in 0..100 {
            let (_, next) = write_off(index, claims / U256::from(2u8), claims).unwrap();
            assert!(next >= FLOOR && next <= index);
            index = next;
        }
        assert_eq!(index, FLOOR);
    }
}
