//! 256-bit intermediates for 128-bit fixed point: widening multiply and 256-by-128 division.

/// `a * b` as (high, low) 128-bit halves.
#[allow(clippy::arithmetic_side_effects)] // each partial product and sum is bounded (comments)
pub const fn widening_mul(a: u128, b: u128) -> (u128, u128) {
    const MASK: u128 = u64::MAX as u128;
    let (a_hi, a_lo) = (a >> 64, a & MASK);
    let (b_hi, b_lo) = (b >> 64, b & MASK);
    let lo_lo = a_lo * b_lo;
    let hi_lo = a_hi * b_lo;
    let lo_hi = a_lo * b_hi;
    let hi_hi = a_hi * b_hi;
    // Middle column: at most 3 * (2^64 - 1)^2 / 2^64 < 2^130, so split the carry out.
    let mid = (lo_lo >> 64) + (hi_lo & MASK) + (lo_hi & MASK);
    let lo = (mid << 64) | (lo_lo & MASK);
    let hi = hi_hi + (hi_lo >> 64) + (lo_hi >> 64) + (mid >> 64);
    (hi, lo)
}

/// `(hi·2^128 + lo) / d` and the remainder, for `hi < d` (so the quotient fits 128 bits).
/// `None` when `d == 0` or `hi >= d`.
#[allow(clippy::arithmetic_side_effects)] // hi < d bounds every shift and subtraction
pub fn div_rem_wide(hi: u128, lo: u128, d: u128) -> Option<(u128, u128)> {
    if d == 0 || hi >= d {
        return None;
    }
    if hi == 0 {
        return Some((lo / d, lo % d));
    }
    if d <= u64::MAX as u128 {
        // Two schoolbook steps with 64-bit digits; each partial dividend is below d·2^64.
        let top = (hi << 64) | (lo >> 64);
        let (q1, r1) = (top / d, top % d);
        let bottom = (r1 << 64) | (lo & u64::MAX as u128);
        let (q0, r0) = (bottom / d, bottom % d);
        return Some(((q1 << 64) | q0, r0));
    }
    // Shift-subtract, one quotient bit per step.
    let mut rem = hi;
    let mut quo = 0u128;
    let mut i = 128;
    while i > 0 {
        i -= 1;
        let carry = rem >> 127;
        rem = (rem << 1) | ((lo >> i) & 1);
        quo <<= 1;
        if carry == 1 || rem >= d {
            rem = rem.wrapping_sub(d);
            quo |= 1;
        }
    }
    Some((quo, rem))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widening_mul_matches_known_products() {
        assert_eq!(widening_mul(u128::MAX, u128::MAX), (u128::MAX - 1, 1));
        assert_eq!(widening_mul(1 << 64, 1 << 64), (1, 0));
        assert_eq!(widening_mul(12345, 67890), (0, 12345 * 67890));
    }

    #[test]
    fn div_rem_wide_inverts_widening_mul() {
        let cases = [
            (u128::MAX, u128::MAX - 7, u128::MAX),
            (10u128.pow(30), 10u128.pow(27), 10u128.pow(18)),
            (3u128 << 100, 5u128 << 90, (1u128 << 70) + 3),
            (7, 9, 5),
        ];
        for (a, b, d) in cases {
            let (hi, lo) = widening_mul(a, b);
            if let Some((q, r)) = div_rem_wide(hi, lo, d) {
                let (qh, ql) = widening_mul(q, d);
                let (sum, carry) = ql.overflowing_add(r);
                assert_eq!((qh + carry as u128, sum), (hi, lo), "{a} * {b} / {d}");
                assert!(r < d);
            } else {
                assert!(hi >= d);
            }
        }
        assert_eq!(div_rem_wide(0, 5, 0), None);
    }

    /// Shift-subtract long division: slow, obviously right; the reference for the fast one.
    fn reference(hi: u128, lo: u128, d: u128) -> (u128, u128) {
        let (mut rem, mut quo) = (hi, 0u128);
        for i in (0..128).rev() {
            let carry = rem >> 127;
            rem = (rem << 1) | ((lo >> i) & 1);
            quo <<= 1;
            if carry == 1 || rem >= d {
                rem = rem.wrapping_sub(d);
                quo |= 1;
            }
        }
        (quo, rem)
    }

    #[test]
    fn div_rem_wide_matches_shift_subtract_on_every_digit_count() {
        let mut x: u128 = 0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C834;
        let mut next = || {
            // xorshift128-style mixing: deterministic, covers all bit lengths below
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..20_000 {
            let d = next() >> (next() % 128);
            let d = if d == 0 { 1 } else { d };
            let hi = next() % d;
            let lo = next();
            assert_eq!(
                div_rem_wide(hi, lo, d),
                Some(reference(hi, lo, d)),
                "{hi} {lo} {d}"
            );
        }
        for d in [
            1u128,
            3,
            u32::MAX as u128,
            1 << 32,
            (1 << 32) + 1,
            u64::MAX as u128,
            1 << 64,
            u128::MAX,
        ] {
            for (hi, lo) in [(0, 0), (0, u128::MAX), (d - 1, u128::MAX), (d / 2, 12345)] {
                assert_eq!(
                    div_rem_wide(hi, lo, d),
                    Some(reference(hi, lo, d)),
                    "{hi} {lo} {d}"
                );
            }
        }
    }
}
