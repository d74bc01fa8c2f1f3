//! An exact signed sum of products `size × value` (each below 2^254 in magnitude), so a
//! scenario's PnL over many positions is converted to money once, rounded once, rather than
//! once per position: two's complement in four 64-bit limbs, products from 64-bit partial
//! products ([`crate::q64::mul_wide`]), no 128-bit multiply or divide until the end.

use crate::fixed::{Usd, Wad};

/// 10^15: 10^30 (Wad × Wad → Usd) in two 64-bit steps.
const E15: u128 = 1_000_000_000_000_000;
/// 10^18 (Wad × Wad → Wad), itself below 2^64.
const E18: u128 = 1_000_000_000_000_000_000;
use crate::q64::mul_wide;
use crate::wide::div_rem_wide;

/// Σ aᵢ·bᵢ, exact while it stays within ±2^255 (128 products of 2^100-sized sizes and 2^127
/// values are far inside).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProductSum {
    limbs: [u64; 4],
}

/// `a + b + carry` and the carry out.
#[inline]
fn add_carry(a: u64, b: u64, carry: bool) -> (u64, bool) {
    let (s, c1) = a.overflowing_add(b);
    let (s, c2) = s.overflowing_add(u64::from(carry));
    (s, c1 || c2)
}

impl ProductSum {
    /// Zero.
    pub const ZERO: ProductSum = ProductSum { limbs: [0; 4] };

    /// Adds `a·b`.
    #[inline]
    pub fn add_product(&mut self, a: i128, b: i128) {
        let (ua, ub) = (a.unsigned_abs(), b.unsigned_abs());
        let (a1, a0) = ((ua >> 64) as u64, ua as u64);
        let (b1, b0) = ((ub >> 64) as u64, ub as u64);
        // |a·b| = a0b0 + (a0b1 + a1b0)·2^64 + a1b1·2^128, in four limbs.
        let (h00, l00) = mul_wide(a0, b0);
        let (h01, l01) = mul_wide(a0, b1);
        let (h10, l10) = mul_wide(a1, b0);
        let (h11, l11) = mul_wide(a1, b1);
        let m0 = l00;
        let (m1, c) = add_carry(h00, l01, false);
        let (m1, c2) = add_carry(m1, l10, false);
        let (m2, c3) = add_carry(h01, h10, c);
        let (m2, c4) = add_carry(m2, l11, c2);
        // The magnitude is below 2^256: the top limb takes the last carries without overflow.
        let m3 = h11.wrapping_add(u64::from(c3)).wrapping_add(u64::from(c4));
        let negative = (a < 0) != (b < 0);
        let l = &mut self.limbs;
        if negative {
            // Subtract: add the two's complement (invert, plus one).
            let (s0, c) = add_carry(l[0], !m0, true);
            let (s1, c) = add_carry(l[1], !m1, c);
            let (s2, c) = add_carry(l[2], !m2, c);
            let (s3, _) = add_carry(l[3], !m3, c);
            *l = [s0, s1, s2, s3];
        } else {
            let (s0, c) = add_carry(l[0], m0, false);
            let (s1, c) = add_carry(l[1], m1, c);
            let (s2, c) = add_carry(l[2], m2, c);
            let (s3, _) = add_carry(l[3], m3, c);
            *l = [s0, s1, s2, s3];
        }
    }

    /// `self + other` (exact within ±2^255, as the sums themselves).
    #[inline]
    pub fn plus(&self, other: &ProductSum) -> ProductSum {
        let (a, b) = (&self.limbs, &other.limbs);
        let (s0, c) = add_carry(a[0], b[0], false);
        let (s1, c) = add_carry(a[1], b[1], c);
        let (s2, c) = add_carry(a[2], b[2], c);
        let (s3, _) = add_carry(a[3], b[3], c);
        ProductSum {
            limbs: [s0, s1, s2, s3],
        }
    }

    /// `−self`.
    #[inline]
    pub fn negated(&self) -> ProductSum {
        // Two's complement: invert, plus one.
        let inverted = ProductSum {
            limbs: self.limbs.map(|l| !l),
        };
        inverted.plus(&ProductSum { limbs: [1, 0, 0, 0] })
    }

    /// The sum in [`Usd`] for sizes and values in Wads (÷ 10^30), rounded down; `None` when it
    /// does not fit an `i128`.
    pub fn usd_floor(&self) -> Option<Usd> {
        self.floor_div(E15, E15)
    }

    /// The sum as a [`Wad`] for two Wad factors (÷ 10^18), rounded down; `None` when it does not
    /// fit an `i128`.
    pub fn wad_floor(&self) -> Option<Wad> {
        self.floor_div(E18, 1)
    }

    /// `floor(sum / (a·b))` for `a·b` below 2^128 and `a`, `b` below 2^64 (`b` = 1: one division),
    /// `None` when it does not fit an `i128`.
    fn floor_div(&self, a: u128, b: u128) -> Option<i128> {
        let negative = self.limbs[3] >> 63 == 1;
        let l = if negative {
            self.negated().limbs
        } else {
            self.limbs
        };
        let hi = (u128::from(l[3]) << 64) | u128::from(l[2]);
        let lo = (u128::from(l[1]) << 64) | u128::from(l[0]);
        // Two divisions by a 64-bit divisor when the first quotient fits 128 bits
        // (floor(floor(n / a) / b) = floor(n / ab), exact iff both steps are), else one.
        let (q, inexact) = if b == 1 {
            let (q, r) = div_rem_wide(hi, lo, a)?;
            (q, r != 0)
        } else if hi < a {
            let (q1, r1) = div_rem_wide(hi, lo, a)?;
            let (q2, r2) = div_rem_wide(0, q1, b)?;
            (q2, r1 != 0 || r2 != 0)
        } else {
            let (q, r) = div_rem_wide(hi, lo, a.checked_mul(b)?)?;
            (q, r != 0)
        };
        let q = i128::try_from(q).ok()?;
        if negative {
            // floor(−x) = −ceil(x).
            q.checked_neg()?.checked_sub(i128::from(inexact))
        } else {
            Some(q)
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::arithmetic_side_effects, clippy::unwrap_used)]
    use super::*;
    use crate::fixed::{usd_of, wmul, Rounding, WAD, WAD_SQ_PER_USD};

    #[test]
    fn one_product_rounds_as_usd_of() {
        let samples = [
            0i128,
            1,
            -1,
            999_999_999_999,
            1_000_000_000_000_000_000,
            -1_234_567_890_123_456_789_012,
            crate::units::MAX_SIZE,
            -crate::units::MAX_SIZE,
            crate::units::MAX_PRICE * 3,
            i128::MAX >> 1,
        ];
        for &a in &samples {
            for &b in &samples {
                let mut s = ProductSum::ZERO;
                s.add_product(a, b);
                assert_eq!(
                    s.usd_floor().ok_or(()),
                    usd_of(a, b, Rounding::Down).map_err(|_| ()),
                    "{a} × {b}"
                );
            }
        }
    }

    #[test]
    fn one_product_as_a_wad_rounds_as_wmul() {
        for &(a, b) in &[
            (0i128, 5i128),
            (3, 1),
            (-3, 1),
            (WAD, -WAD / 3),
            (-(1i128 << 100), 7 << 90),
        ] {
            let mut s = ProductSum::ZERO;
            s.add_product(a, b);
            assert_eq!(
                s.wad_floor().ok_or(()),
                wmul(a, b, Rounding::Down).map_err(|_| ()),
                "{a} × {b}"
            );
        }
    }

    #[test]
    fn two_partial_sums_add_to_the_whole() {
        let terms = [
            (3i128, -7i128),
            (-(1i128 << 100), 1i128 << 90),
            (WAD, WAD),
            (-5, -WAD),
        ];
        let (mut whole, mut a, mut b) = (ProductSum::ZERO, ProductSum::ZERO, ProductSum::ZERO);
        for (i, &(x, y)) in terms.iter().enumerate() {
            whole.add_product(x, y);
            if i % 2 == 0 {
                a.add_product(x, y)
            } else {
                b.add_product(x, y)
            }
        }
        assert_eq!(a.plus(&b), whole);
        assert_eq!(whole.plus(&whole.negated()), ProductSum::ZERO);
        let mut third = ProductSum::ZERO;
        third.add_product(-1, 1);
        assert_eq!(third.negated().usd_floor(), Some(0));
        assert_eq!(third.usd_floor(), Some(-1));
        assert_eq!(b.plus(&a).usd_floor(), whole.usd_floor());
    }

    #[test]
    fn sums_cancel_exactly_and_round_once() {
        let mut s = ProductSum::ZERO;
        s.add_product(3, 1);
        s.add_product(-2, 1);
        // 1e-30 USD: floor is 0; minus it: −1e-30 floors to −1 micro-dollar.
        assert_eq!(s.usd_floor(), Some(0));
        s.add_product(-1, 2);
        assert_eq!(s.usd_floor(), Some(-1));
        let (size, value) = (crate::units::MAX_SIZE, crate::units::MAX_PRICE);
        s = ProductSum::ZERO;
        for _ in 0..128 {
            s.add_product(size, value);
            s.add_product(-size, value - 1);
        }
        assert_eq!(s.usd_floor(), Some(128 * size / WAD_SQ_PER_USD));
    }
}
