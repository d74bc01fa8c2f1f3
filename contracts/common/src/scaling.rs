//! Decimal scaling between a token's or a feed's decimals and the 18 decimals of every USD figure.
//!
//! Invariants kept here (tests are named after them):
//! 1. Scaling down rounds towards zero: a price or a value is never over-stated.
//! 2. No 256-bit multiplication or division: a factor here is at most 10^18 < 2^64, applied limb
//!    by limb, so a program that scales links no general U256 arithmetic (the clearinghouse keeps
//!    ruint's division, about 15 KB of wasm, out).

use alloy_primitives::U256;

/// Basis points in 100%: haircuts are in basis points.
pub const BPS: u16 = 10_000;
/// Decimals of every USD figure and normalised price.
pub const WAD_DECIMALS: u8 = 18;
/// The most decimals a token or a feed may report.
pub const MAX_DECIMALS: u8 = 36;

/// `10^exp` for `exp ≤ 38`; `None` beyond (it would not fit 128 bits).
pub fn pow10(exp: u8) -> Option<u128> {
    let mut r = 1u128;
    for _ in 0..exp {
        r = r.checked_mul(10)?;
    }
    Some(r)
}

/// `value` (with `decimals` decimals) in 18 decimals: multiplied by 10^(18 − decimals), or
/// divided by 10^(decimals − 18) rounding down (invariant 1). `None` when `decimals` is above
/// [`MAX_DECIMALS`] or the product does not fit 256 bits.
pub fn to_wad(value: U256, decimals: u8) -> Option<U256> {
    let up = decimals <= WAD_DECIMALS;
    let exp = if up {
        WAD_DECIMALS.checked_sub(decimals)?
    } else {
        decimals
            .checked_sub(WAD_DECIMALS)
            .filter(|e| *e <= MAX_DECIMALS - WAD_DECIMALS)?
    };
    // At most 10^18 < 2^64: every step below fits 128 bits (invariant 2).
    let factor = u128::from(u64::try_from(pow10(exp)?).ok()?);
    let mut limbs = *value.as_limbs();
    let mut carry = 0u128;
    if up {
        for limb in limbs.iter_mut() {
            let cur = u128::from(*limb).checked_mul(factor)?.checked_add(carry)?;
            *limb = cur as u64;
            carry = cur >> 64;
        }
        if carry != 0 {
            return None;
        }
    } else {
        for limb in limbs.iter_mut().rev() {
            let cur = (carry << 64) | u128::from(*limb);
            *limb = cur.checked_div(factor)? as u64;
            carry = cur.checked_rem(factor)?;
        }
    }
    Some(U256::from_limbs(limbs))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::arithmetic_side_effects)]
    use super::*;

    #[test]
    fn scaling_up_multiplies_and_scaling_down_rounds_towards_zero() {
        assert_eq!(to_wad(U256::from(1u8), 8), Some(U256::from(10u64.pow(10))));
        assert_eq!(to_wad(U256::from(7u8), 18), Some(U256::from(7u8)));
        assert_eq!(to_wad(U256::from(199u8), 20), Some(U256::from(1u8)));
        assert_eq!(
            to_wad(U256::from(123_456_789_999u64), 20),
            Some(U256::from(1_234_567_899u64))
        );
        assert_eq!(to_wad(U256::MAX, 36), Some(U256::MAX / U256::from(10u64.pow(18))));
    }

    #[test]
    fn scaling_up_is_the_exact_product_or_none_against_256_bit_arithmetic() {
        let values = [
            U256::ZERO,
            U256::from(1u8),
            U256::from(u64::MAX),
            U256::MAX / U256::from(7u8),
            U256::MAX,
        ];
        for decimals in 0..=WAD_DECIMALS {
            let scale = U256::from(10u8).pow(U256::from(WAD_DECIMALS - decimals));
            for v in values {
                assert_eq!(
                    to_wad(v, decimals),
                    v.checked_mul(scale),
                    "{v} at {decimals} decimals"
                );
            }
        }
    }

    #[test]
    fn scaling_down_is_the_exact_floor_against_a_256_bit_division() {
        let values = [
            U256::ZERO,
            U256::from(1u8),
            U256::from(u64::MAX),
            U256::from(u128::MAX) * U256::from(12_345u32),
            U256::MAX,
            U256::MAX - U256::from(1u8),
        ];
        for decimals in 19..=MAX_DECIMALS {
            let scale = U256::from(10u8).pow(U256::from(decimals - WAD_DECIMALS));
            for v in values {
                assert_eq!(to_wad(v, decimals), Some(v / scale), "{v} at {decimals} decimals");
            }
        }
    }

    #[test]
    fn scaling_refuses_too_many_decimals_and_overflow() {
        assert_eq!(to_wad(U256::from(1u8), MAX_DECIMALS + 1), None);
        assert_eq!(to_wad(U256::MAX, 0), None);
        assert_eq!(pow10(38), Some(10u128.pow(38)));
        assert_eq!(pow10(39), None);
    }
}
