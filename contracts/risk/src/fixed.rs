//! Fixed-point arithmetic on `i128`: [`Wad`] (18 decimals) and [`Usd`] (6 decimals), with a
//! 256-bit intermediate for every product and an explicit rounding direction on every division.

use crate::error::{Result, RiskError};
use crate::wide::{div_rem_wide, widening_mul};

/// A signed number with 18 decimals: prices (USD per unit), sizes (units), volatilities,
/// fractions, times in years. `1.0 == WAD`.
pub type Wad = i128;
/// A signed USD amount with 6 decimals (micro-dollars): PnL, losses, margins, equity.
pub type Usd = i128;

/// One, as a [`Wad`].
pub const WAD: Wad = 1_000_000_000_000_000_000;
/// One dollar, as a [`Usd`].
pub const USD: Usd = 1_000_000;
/// `WAD * WAD / USD`: divides a size × per-unit value product into [`Usd`].
pub const WAD_SQ_PER_USD: i128 = 1_000_000_000_000_000_000_000_000_000_000;

/// Which way a division rounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rounding {
    /// Towards negative infinity (floor).
    Down,
    /// Towards positive infinity (ceiling).
    Up,
}

/// `a * b / d` rounded as asked, with a 256-bit intermediate.
/// Errors: `DivisionByZero`, `Overflow` (result outside `i128`).
pub fn mul_div(a: i128, b: i128, d: i128, rounding: Rounding) -> Result<i128> {
    if d == 0 {
        return Err(RiskError::DivisionByZero);
    }
    let du = d.unsigned_abs();
    scaled_product(a, b, d < 0, rounding, |hi, lo| {
        div_rem_wide(hi, lo, du).map(|(q, r)| (q, r != 0))
    })
}

/// `a * b` divided by `divide` (which returns the magnitude's quotient and whether it was
/// inexact), signed and rounded as asked.
fn scaled_product(
    a: i128,
    b: i128,
    negative_divisor: bool,
    rounding: Rounding,
    divide: impl FnOnce(u128, u128) -> Option<(u128, bool)>,
) -> Result<i128> {
    let negative = (a < 0) != (b < 0) && a != 0 && b != 0;
    let negative = negative != negative_divisor;
    let (hi, lo) = widening_mul(a.unsigned_abs(), b.unsigned_abs());
    let (q, inexact) = divide(hi, lo).ok_or(RiskError::Overflow)?;
    // Round the magnitude away from zero exactly when that moves the signed result the right way.
    let away = inexact && (negative == (rounding == Rounding::Down));
    let q = if away {
        q.checked_add(1).ok_or(RiskError::Overflow)?
    } else {
        q
    };
    if negative {
        0i128.checked_sub_unsigned(q).ok_or(RiskError::Overflow)
    } else {
        i128::try_from(q).map_err(|_| RiskError::Overflow)
    }
}

/// `a * b` for two [`Wad`]s. Errors: `Overflow`.
pub fn wmul(a: Wad, b: Wad, rounding: Rounding) -> Result<Wad> {
    mul_div(a, b, WAD, rounding)
}

/// `a / b` for two [`Wad`]s. Errors: `DivisionByZero`, `Overflow`.
pub fn wdiv(a: Wad, b: Wad, rounding: Rounding) -> Result<Wad> {
    mul_div(a, WAD, b, rounding)
}

/// `size × value` in [`Usd`], from a size and a per-unit value in [`Wad`]. Errors: `Overflow`.
pub fn usd_of(size: Wad, value: Wad, rounding: Rounding) -> Result<Usd> {
    // 10^30 = 10^15 · 10^15: two divisions by a 64-bit divisor (cheap in wasm) instead of one by
    // a 100-bit divisor, whenever the first quotient fits 128 bits (every realistic product).
    // floor(floor(n / a) / b) = floor(n / ab), and it is exact iff both steps are.
    const E15: u128 = 1_000_000_000_000_000;
    scaled_product(size, value, false, rounding, |hi, lo| {
        if hi < E15 {
            let (q1, r1) = div_rem_wide(hi, lo, E15)?;
            let (q2, r2) = div_rem_wide(0, q1, E15)?;
            Some((q2, r1 != 0 || r2 != 0))
        } else {
            div_rem_wide(hi, lo, WAD_SQ_PER_USD.unsigned_abs()).map(|(q, r)| (q, r != 0))
        }
    })
}

/// Checked `a + b`. Errors: `Overflow`.
pub fn add(a: i128, b: i128) -> Result<i128> {
    a.checked_add(b).ok_or(RiskError::Overflow)
}

/// Checked `a - b`. Errors: `Overflow`.
pub fn sub(a: i128, b: i128) -> Result<i128> {
    a.checked_sub(b).ok_or(RiskError::Overflow)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mul_div_rounds_each_sign_the_asked_way() {
        use Rounding::*;
        assert_eq!(mul_div(7, 1, 2, Down), Ok(3));
        assert_eq!(mul_div(7, 1, 2, Up), Ok(4));
        assert_eq!(mul_div(-7, 1, 2, Down), Ok(-4));
        assert_eq!(mul_div(-7, 1, 2, Up), Ok(-3));
        assert_eq!(mul_div(7, -1, 2, Down), Ok(-4));
        assert_eq!(mul_div(7, 1, -2, Up), Ok(-3));
        assert_eq!(mul_div(-7, -1, -2, Down), Ok(-4));
        assert_eq!(mul_div(6, 1, 2, Up), Ok(3));
        assert_eq!(mul_div(0, -5, 3, Up), Ok(0));
    }

    #[test]
    fn usd_of_equals_one_division_by_1e30() {
        let big = 10i128.pow(30);
        for (a, b) in [
            (1i128, 1i128),
            (big, 3 * 10i128.pow(27)),
            (-big, 7 * 10i128.pow(26) + 123),
            (123_456_789_012_345_678_901, -987_654_321_098_765_432_109),
            (i128::MAX, 10i128.pow(20)),
            (-5, 10i128.pow(30) - 1),
        ] {
            for r in [Rounding::Down, Rounding::Up] {
                assert_eq!(usd_of(a, b, r), mul_div(a, b, WAD_SQ_PER_USD, r), "{a} {b} {r:?}");
            }
        }
    }

    #[test]
    fn mul_div_uses_a_wide_intermediate() {
        let big = 10i128.pow(30);
        assert_eq!(mul_div(big, big, big, Rounding::Down), Ok(big));
        assert_eq!(mul_div(i128::MAX, 2, 2, Rounding::Down), Ok(i128::MAX));
        assert_eq!(mul_div(i128::MIN, 1, 1, Rounding::Down), Ok(i128::MIN));
        assert_eq!(mul_div(i128::MAX, 2, 1, Rounding::Down), Err(RiskError::Overflow));
        assert_eq!(mul_div(1, 1, 0, Rounding::Down), Err(RiskError::DivisionByZero));
    }
}
