//! 256-bit intermediates for 128-bit fixed point: widening multiply and 256-by-128 division.
//!
//! Each operation has two implementations with the same exact result. In wasm, where a 128-bit
//! multiply or divide is a software routine and Stylus charges every op, they are built from
//! 64-bit ops on 32-bit digits. Natively (the keeper, `pm`), where a 64×64→128 multiply and a
//! 128÷64 divide are single instructions, they use Rust's 128-bit operators: the same integers,
//! several times faster. The tests compare both ways on every divisor size.

const LOW32: u64 = 0xffff_ffff;

/// True when compiled for a Stylus program (wasm): the digit implementations are the ones used.
const WASM: bool = cfg!(target_arch = "wasm32");

/// A 64-bit factor split into 32-bit digits once, for [`Factor::mul_wide`]. In wasm its high
/// digit passes through `black_box` (one stack round trip per factor, not per product):
/// otherwise LLVM folds the digit products back into a 128-bit multiply, which wasm32 runs as a
/// `__multi3` call, three times the ops.
#[derive(Clone, Copy, Debug)]
pub struct Factor {
    hi: u64,
    lo: u64,
}

impl Factor {
    /// `b` split into digits.
    #[inline]
    pub fn new(b: u64) -> Self {
        let hi = b >> 32;
        Factor {
            hi: if WASM { core::hint::black_box(hi) } else { hi },
            lo: b & LOW32,
        }
    }

    /// `a·b` as (high, low) 64-bit halves, exact: in wasm from four 32-bit partial products
    /// ([`mul_wide_by_digits`]), natively one 128-bit product.
    #[allow(clippy::arithmetic_side_effects)] // a product of two 64-bit values fits 128 bits
    #[inline]
    pub fn mul_wide(&self, a: u64) -> (u64, u64) {
        if WASM {
            mul_wide_by_digits(a, self.hi, self.lo)
        } else {
            let b = (self.hi << 32) | self.lo;
            let p = u128::from(a) * u128::from(b);
            ((p >> 64) as u64, p as u64)
        }
    }
}

/// `a·b` for `b = b1·2^32 + b0` (32-bit digits) as (high, low) 64-bit halves, exact, from four
/// 32-bit partial products (Hacker's Delight's `mulhu` carry order).
#[allow(clippy::arithmetic_side_effects)] // bounds stated below
#[inline]
pub(crate) fn mul_wide_by_digits(a: u64, b1: u64, b0: u64) -> (u64, u64) {
    let (a1, a0) = (a >> 32, a & LOW32);
    // Each partial product of two 32-bit digits is below 2^64 − 2^33 + 2, so adding a 32-bit
    // carry never overflows.
    let p00 = a0 * b0;
    let t = a1 * b0 + (p00 >> 32);
    let w1 = (t & LOW32) + a0 * b1;
    let hi = a1 * b1 + (t >> 32) + (w1 >> 32);
    let lo = (w1 << 32) | (p00 & LOW32);
    (hi, lo)
}

/// `a·b` as (high, low) 64-bit halves, exact ([`Factor::mul_wide`]).
#[inline]
pub fn mul_wide(a: u64, b: u64) -> (u64, u64) {
    Factor::new(b).mul_wide(a)
}

/// `a * b` as (high, low) 128-bit halves: in the risk program (wasm with the `speed` feature)
/// from [`mul_wide`] products of 64-bit limbs; elsewhere from 128-bit products (in the
/// clearinghouse, which counts bytes, smaller code and a `__multi3` call each; natively one
/// instruction each).
#[inline]
pub fn widening_mul(a: u128, b: u128) -> (u128, u128) {
    if WASM && cfg!(feature = "speed") {
        widening_mul_by_limbs(a, b)
    } else {
        widening_mul_compact(a, b)
    }
}

/// [`widening_mul`] from 128-bit products of 64-bit halves.
#[allow(clippy::arithmetic_side_effects)] // each partial product and sum is bounded (comments)
pub(crate) const fn widening_mul_compact(a: u128, b: u128) -> (u128, u128) {
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

/// [`widening_mul`] from four [`mul_wide`] products of 64-bit limbs.
#[allow(clippy::arithmetic_side_effects)] // each partial product and sum is bounded (comments)
pub(crate) fn widening_mul_by_limbs(a: u128, b: u128) -> (u128, u128) {
    let (a1, a0) = ((a >> 64) as u64, a as u64);
    let (b1, b0) = ((b >> 64) as u64, b as u64);
    let join = |(h, l): (u64, u64)| (u128::from(h) << 64) | u128::from(l);
    let lo_lo = join(mul_wide(a0, b0));
    let hi_lo = join(mul_wide(a1, b0));
    let lo_hi = join(mul_wide(a0, b1));
    let hi_hi = join(mul_wide(a1, b1));
    // Middle column: at most 3 * (2^64 - 1) < 2^66, so split the carry out.
    let mid = (lo_lo >> 64) + (hi_lo & u128::from(u64::MAX)) + (lo_hi & u128::from(u64::MAX));
    let lo = (mid << 64) | (lo_lo & u128::from(u64::MAX));
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
        let top = (lo >> 64) as u64;
        if hi == 0 && top < d {
            // One digit: the quotient's high half is zero.
            let (q, r) = div_128_by_64(top, lo as u64, d);
            return Some((u128::from(q), u128::from(r)));
        }
        let (q1, r) = div_128_by_64(hi as u64, top, d);
        let (q0, r) = div_128_by_64(r, lo as u64, d);
        return Some(((u128::from(q1) << 64) | u128::from(q0), u128::from(r)));
    }
    // In the risk program (wasm with `speed`) Knuth's digits even when hi = 0: a 128-bit `/`
    // and `%` are two calls of a software routine there (about 13 gas each).
    if hi == 0 && !(WASM && cfg!(feature = "speed")) {
        return Some((lo / d, lo % d));
    }
    // The clearinghouse (wasm without `speed`) counts bytes: one quotient bit per step.
    if WASM && !cfg!(feature = "speed") {
        Some(div_by_bits(hi, lo, d))
    } else {
        Some(div_by_two_digits(hi, lo, d))
    }
}

/// The quotient and remainder of `(hi·2^128 + lo) / d` for `hi < d`, one quotient bit per step
/// (small code, 128 steps).
#[allow(clippy::arithmetic_side_effects)] // hi < d bounds every shift and subtraction
pub(crate) fn div_by_bits(hi: u128, lo: u128, d: u128) -> (u128, u128) {
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
    (quo, rem)
}

/// `(hi·2^128 + lo) / d` and the remainder for `2^64 <= d` and `hi < d`: Knuth's algorithm D
/// with 64-bit digits (two quotient digits, each estimated from the divisor's normalised top
/// digit and corrected), 64-bit divisions and products only.
#[allow(clippy::arithmetic_side_effects)] // normalisation and hi < d bound every digit (comments)
pub(crate) fn div_by_two_digits(hi: u128, lo: u128, d: u128) -> (u128, u128) {
    // Normalise: the divisor's top bit set. hi < d < 2^(128 − s), so hi << s fits 128 bits.
    let s = d.leading_zeros();
    let v = d << s;
    let v1 = (v >> 64) as u64;
    let (u_hi, u_lo) = if s == 0 {
        (hi, lo)
    } else {
        ((hi << s) | (lo >> (128 - s)), lo << s)
    };
    // The running remainder's top two digits (below v) and the dividend's two low digits.
    let mut rem = u_hi;
    let mut quotient = 0u128;
    for digit in [(u_lo >> 64) as u64, u_lo as u64] {
        let (r1, r0) = ((rem >> 64) as u64, rem as u64);
        // Estimate q̂ = floor((r1·2^64 + r0) / v1), at most 2^64 − 1; it exceeds the true digit
        // by at most 2 (v1's top bit is set).
        let mut q = if r1 >= v1 {
            u64::MAX
        } else {
            div_128_by_64(r1, r0, v1).0
        };
        // (rem·2^64 + digit) − q·v, as a 192-bit signed value: add v back while negative.
        let (p_hi, p_lo) = mul_wide_128(q, v);
        let num_lo = (rem << 64) | u128::from(digit);
        let num_hi = rem >> 64;
        let (mut diff_lo, borrow) = num_lo.overflowing_sub(p_lo);
        let mut diff_hi = num_hi.wrapping_sub(p_hi).wrapping_sub(u128::from(borrow));
        while diff_hi >> 127 == 1 {
            q -= 1;
            let (sum, carry) = diff_lo.overflowing_add(v);
            diff_lo = sum;
            diff_hi = diff_hi.wrapping_add(u128::from(carry));
        }
        rem = diff_lo;
        quotient = (quotient << 64) | u128::from(q);
    }
    (quotient, rem >> s)
}

/// `q·v` for a 64-bit `q` and a 128-bit `v`, as (high, low) 128-bit halves (high < 2^64).
#[allow(clippy::arithmetic_side_effects)] // 64 × 64 partial products fit 128 bits
fn mul_wide_128(q: u64, v: u128) -> (u128, u128) {
    let join = |(h, l): (u64, u64)| (u128::from(h) << 64) | u128::from(l);
    let low = join(mul_wide(q, v as u64));
    let high = join(mul_wide(q, (v >> 64) as u64));
    let (lo, carry) = (high << 64).overflowing_add(low);
    ((high >> 64) + u128::from(carry), lo)
}

/// `(u1·2^64 + u0) / v` and the remainder, for `u1 < v` (the quotient fits 64 bits): in wasm
/// [`div_128_by_64_by_digits`], natively one 128-bit division (an instruction on x86-64).
#[allow(clippy::arithmetic_side_effects)] // u1 < v: the quotient fits 64 bits and v > 0
#[inline]
pub(crate) fn div_128_by_64(u1: u64, u0: u64, v: u64) -> (u64, u64) {
    if WASM {
        div_128_by_64_by_digits(u1, u0, v)
    } else {
        // One division: the remainder from the quotient (below v, so it fits 64 bits).
        let n = (u128::from(u1) << 64) | u128::from(u0);
        let q = (n / u128::from(v)) as u64;
        (q, u0.wrapping_sub(q.wrapping_mul(v)))
    }
}

/// [`div_128_by_64`] with two 64-bit divisions on 32-bit digits (Hacker's Delight, `divlu`).
#[allow(clippy::arithmetic_side_effects)] // u1 < v bounds every digit; wrapping where noted
pub(crate) const fn div_128_by_64_by_digits(u1: u64, u0: u64, v: u64) -> (u64, u64) {
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
    fn both_widening_multiplies_agree() {
        let mut x: u128 = 0x0123_4567_89AB_CDEF_FEDC_BA98_7654_3210;
        for _ in 0..10_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let (a, b) = (x, x.rotate_left(61) >> (x % 128));
            assert_eq!(
                widening_mul_compact(a, b),
                widening_mul_by_limbs(a, b),
                "{a} × {b}"
            );
        }
    }

    #[test]
    fn the_digit_multiply_and_divide_equal_the_native_ones() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..100_000 {
            let (a, b) = (next() >> (next() % 64), next() >> (next() % 64));
            let p = u128::from(a) * u128::from(b);
            assert_eq!(
                mul_wide_by_digits(a, b >> 32, b & LOW32),
                ((p >> 64) as u64, p as u64)
            );
            let v = b.max(1);
            let (u1, u0) = (a % v, next());
            let n = (u128::from(u1) << 64) | u128::from(u0);
            let expected = ((n / u128::from(v)) as u64, (n % u128::from(v)) as u64);
            assert_eq!(div_128_by_64_by_digits(u1, u0, v), expected, "{u1} {u0} {v}");
            assert_eq!(div_128_by_64(u1, u0, v), expected);
        }
        // Divisors with their top bits set and dividends just below them: the first quotient
        // digit's estimate reaches 2^32 and is corrected.
        let mut hard = vec![1, 2, u64::from(u32::MAX), 1 << 32, (1 << 32) + 1, u64::MAX];
        for k in 0..64u64 {
            hard.extend([
                u64::MAX - k,
                (1 << 63) + k,
                u64::MAX - (k << 32),
                (u64::MAX >> 1) + k,
            ]);
        }
        for v in hard {
            for (u1, u0) in [
                (0, 0),
                (0, u64::MAX),
                (v - 1, u64::MAX),
                (v - 1, 0),
                (v / 2, 12345),
                (v - (v >> 32).max(1), u64::MAX >> 1),
            ] {
                let n = (u128::from(u1) << 64) | u128::from(u0);
                let expected = ((n / u128::from(v)) as u64, (n % u128::from(v)) as u64);
                assert_eq!(div_128_by_64_by_digits(u1, u0, v), expected, "{u1} {u0} {v}");
            }
        }
    }

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
        if d > u128::from(u64::MAX) {
            // Both ways of the big-divisor path agree, and with hi = 0 (the risk program's way)
            // they agree with a 128-bit division.
            assert_eq!(
                div_by_two_digits(hi, lo, d),
                div_by_bits(hi, lo, d),
                "{hi} {lo} {d}"
            );
            if hi == 0 {
                assert_eq!(div_by_two_digits(0, lo, d), (lo / d, lo % d), "{lo} {d}");
            }
        }
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
            check(0, lo, d);
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
