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
    if d <= u64::MAX as u128 {
        // Long division by a 64-bit divisor with 64-bit digits: hi < d, so each step divides a
        // 128-bit value whose top half is below d. Done with 64-bit operations only: in wasm a
        // 128-bit `/` is a software routine ~30 gas a call, this ~1 gas.
        let d = d as u64;
        let (q1, r) = div_128_by_64(hi as u64, (lo >> 64) as u64, d);
        let (q0, r) = div_128_by_64(r, lo as u64, d);
        return Some(((u128::from(q1) << 64) | u128::from(q0), u128::from(r)));
    }
    if hi == 0 {
        return Some((lo / d, lo % d));
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

/// `(u1·2^64 + u0) / v` and the remainder, for `u1 < v` (the quotient fits 64 bits), with two
/// 64-bit divisions on 32-bit digits (Hacker's Delight, `divlu`).
#[allow(clippy::arithmetic_side_effects)] // u1 < v bounds every digit; wrapping where noted
const fn div_128_by_64(u1: u64, u0: u64, v: u64) -> (u64, u64) {
    const B: u64 = 1 << 32;
    let s = v.leading_zeros();
    let v = v << s;
    let (vn1, vn0) = (v >> 32, v & (B - 1));
    let un32 = if s == 0 { u1 } else { (u1 << s) | (u0 >> (64 - s)) };
    let un10 = u0 << s;
    let (un1, un0) = (un10 >> 32, un10 & (B - 1));

    let q1 = quotient_digit(un32, vn1, vn0, un1);
    let un21 = (un32 << 32).wrapping_add(un1).wrapping_sub(q1.wrapping_mul(v));

    let q0 = quotient_digit(un21, vn1, vn0, un0);
    let r = (un21 << 32).wrapping_add(un0).wrapping_sub(q0.wrapping_mul(v)) >> s;
    ((q1 << 32) + q0, r)
}

/// One 32-bit quotient digit of [`div_128_by_64`]: `num / vn1`, corrected (at most twice)
/// against the divisor's low digit `vn0` and the dividend's next digit.
#[allow(clippy::arithmetic_side_effects)] // rhat < 2^32 inside the loop keeps every term in u64
const fn quotient_digit(num: u64, vn1: u64, vn0: u64, next: u64) -> u64 {
    const B: u64 = 1 << 32;
    let mut q = num / vn1;
    let mut rhat = num - q * vn1;
    while q >= B || q * vn0 > (rhat << 32) + next {
        q -= 1;
        rhat += vn1;
        if rhat >= B {
            break;
        }
    }
    q
}

#[cfg(test)]
mod tests {
    #![allow(clippy::arithmetic_side_effects)]
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

    /// Checks `q·d + r == hi·2^128 + lo` and `r < d`: the definition of division, independent of
    /// how it was computed.
    fn check(hi: u128, lo: u128, d: u128) {
        let (q, r) = div_rem_wide(hi, lo, d).unwrap();
        let (qh, ql) = widening_mul(q, d);
        let (sum, carry) = ql.overflowing_add(r);
        assert_eq!((qh + carry as u128, sum), (hi, lo), "{hi} {lo} {d}");
        assert!(r < d, "{hi} {lo} {d}");
    }

    #[test]
    fn div_rem_wide_is_exact_on_every_divisor_size() {
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
            check(hi, lo, d);
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
                check(hi, lo, d);
            }
        }
    }
}
