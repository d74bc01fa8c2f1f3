//! The words of an account's position list. Pure.
//!
//! A word holds one position or two:
//! - a *wide* word ([`wide`]): one position, the signed size (units, 18 decimals) in the high
//!   128 bits and the instrument id in the low 128 bits (whose top bit is 0: a listed
//!   underlying's index is below 16);
//! - a *pair* word: bit 127 set ([`PAIR`]), a compact cell in bits 0–125 and another in bits
//!   128–253; a zero cell is empty, and a pair word is never stored with both empty.
//!
//! Either kind's bit 126 is set on an account's last word ([`LAST`]).
//!
//! A compact cell is a position of 126 bits, exactly (no rounding): from bit 0, the size's
//! magnitude as m·10^e (m 53 bits, e 5: 18-decimal units), its sign (1 bit), the strike as m·10^e
//! (m 24 bits, e 5: USD with 8 decimals), the expiry (32 bits, unix seconds), the kind (2 bits)
//! and the underlying (4 bits). It holds any size of up to 15 significant digits (1.0, 0.25,
//! 1,234.5 units) and any strike of up to 7 (2,000, 67,500, 0.0001234 USD), what lot sizes and
//! strike grids give: such books take a word per two positions. A position that does not fit
//! (a size a fraction left with 18 digits, say) takes a wide word; nothing is refused.

use alloc::vec::Vec;

use alloy_primitives::U256;

use crate::instrument::{id_of, spec_of, Spec};
use crate::words::{halves, word_of};

/// The tag of a pair word: bit 127 (the low cell's spare top bit).
pub const PAIR: u128 = 1 << 127;
/// The mark of an account's last position word ([`crate::positions`]): bit 126 of its low half,
/// which no word has otherwise (a pair word's low cell ends at bit 125; a wide word's low half is
/// an instrument id, whose top four bits are 0: a listed underlying's index is below 16).
pub const LAST: u128 = 1 << 126;
// An id's underlying takes its top 8 bits: below 16, its top four are 0, bit 126 among them.
const _: () = assert!(pm_risk::MAX_UNDERLYINGS <= 16);

const SIZE_BITS: u32 = 53;
const STRIKE_BITS: u32 = 24;
/// Bits of a decimal field: mantissa then a 5-bit exponent.
const EXP_BITS: u32 = 5;
const SIGN_AT: u32 = SIZE_BITS + EXP_BITS;
const STRIKE_AT: u32 = SIGN_AT + 1;
const EXPIRY_AT: u32 = STRIKE_AT + STRIKE_BITS + EXP_BITS;
const KIND_AT: u32 = EXPIRY_AT + 32;
const UNDERLYING_AT: u32 = KIND_AT + 2;

/// 5^-1 modulo 2^128: x·INV_5 is x/5 when 5 divides x, and above `u128::MAX / 5` otherwise
/// (division by multiplication; a `u128` division would link a kilobyte of routine).
const INV_5: u128 = 0xcccc_cccc_cccc_cccc_cccc_cccc_cccc_cccd;

/// `value` as (m << 5 | e) with value = m·10^e and e as large as it goes (at most 31); `None`
/// when m needs more than `bits` bits.
fn decimal_field(mut value: u128, bits: u32) -> Option<u128> {
    let mut exp = 0u128;
    while value & 1 == 0 && value != 0 && exp < 31 {
        let fifth = (value >> 1).wrapping_mul(INV_5);
        if fifth > u128::MAX / 5 {
            break;
        }
        value = fifth;
        exp = exp.saturating_add(1);
    }
    (value >> bits == 0).then_some((value << EXP_BITS) | exp)
}

/// 10^0 to 10^9.
const POW10_U32: [u32; 10] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
];

/// 10^`e` for `e` ≤ 19 (below 2^64): 10^(e mod 10), from a table, times 10^10 when e ≥ 10
/// (squaring in 64-bit products cost 5 gas a call; a table of all twenty, 160 bytes of data,
/// cost every facet that decodes positions 130 gas at entry, this one 40 bytes).
fn pow10_u64(e: u32) -> u64 {
    let low = u64::from(POW10_U32.get((e % 10) as usize).copied().unwrap_or(0));
    if e >= 10 {
        low.wrapping_mul(10_000_000_000)
    } else {
        low
    }
}

/// The value of a field from [`decimal_field`], exact: a stored field is one it made, so the
/// value is a size or a strike and the products cannot overflow. One 128-bit product (two when
/// the exponent is above 19) by a power of ten made in 64 bits: a 128-bit product per digit
/// cost 27 gas a field.
fn decimal_value(field: u128) -> u128 {
    let e = (field & 31) as u32;
    let low = e.min(19);
    let value = (field >> EXP_BITS).wrapping_mul(u128::from(pow10_u64(low)));
    if e > low {
        value.wrapping_mul(u128::from(pow10_u64(e.saturating_sub(low))))
    } else {
        value
    }
}

fn bits(cell: u128, at: u32, width: u32) -> u128 {
    (cell >> at) & (1u128 << width).wrapping_sub(1)
}

/// The compact cell of `size` units of instrument `id`, nonzero; 0 when the position does not
/// fit one (or `size` is 0).
pub fn cell_of(id: u128, size: i128) -> u128 {
    let spec = spec_of(id);
    if size == 0 || spec.underlying >= 16 || spec.kind >= 4 || spec.expiry >> 32 != 0 {
        return 0;
    }
    let (Some(magnitude), Some(strike)) = (
        decimal_field(size.unsigned_abs(), SIZE_BITS),
        decimal_field(spec.strike, STRIKE_BITS),
    ) else {
        return 0;
    };
    magnitude
        | (u128::from(size < 0) << SIGN_AT)
        | (strike << STRIKE_AT)
        | (u128::from(spec.expiry) << EXPIRY_AT)
        | (u128::from(spec.kind) << KIND_AT)
        | (u128::from(spec.underlying) << UNDERLYING_AT)
}

/// (instrument id, size) of a nonzero cell from [`cell_of`].
pub fn position_of_cell(cell: u128) -> (u128, i128) {
    let id = id_of(&Spec {
        underlying: bits(cell, UNDERLYING_AT, 4) as u8,
        kind: bits(cell, KIND_AT, 2) as u8,
        expiry: bits(cell, EXPIRY_AT, 32) as u64,
        strike: decimal_value(bits(cell, STRIKE_AT, STRIKE_BITS + EXP_BITS)),
    });
    let magnitude = decimal_value(bits(cell, 0, SIGN_AT)) as i128;
    let size = if bits(cell, SIGN_AT, 1) == 1 {
        magnitude.saturating_neg()
    } else {
        magnitude
    };
    (id, size)
}

/// A word as its halves, [low, high].
pub fn halves_of(word: U256) -> [u128; 2] {
    let (high, low) = halves(word);
    [low as u128, high as u128]
}

/// The word of two halves, [low, high].
pub fn word_of_halves(halves: [u128; 2]) -> U256 {
    word_of(halves[1] as i128, halves[0] as i128)
}

/// The halves, [low, high], of the wide word of `size` units of instrument `id`.
pub fn wide(id: u128, size: i128) -> [u128; 2] {
    [id, size as u128]
}

/// Appends the positions of the word of `halves` to `out`, (instrument id, size) each: a wide
/// word's, or a pair word's nonempty cells, low first.
#[inline(never)]
pub fn push_positions(halves: [u128; 2], out: &mut Vec<(u128, i128)>) {
    let [low, high] = halves;
    if low & PAIR == 0 {
        // A wide word: [`wide`]'s halves.
        out.push((low, high as i128));
        return;
    }
    for cell in [low & !PAIR, high] {
        if cell != 0 {
            out.push(position_of_cell(cell));
        }
    }
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use crate::instrument::{CALL, FUTURE, PERP, PUT};
    use pm_risk::units::MAX_SIZE;

    fn positions_of(word: U256) -> Vec<(u128, i128)> {
        let mut out = Vec::new();
        push_positions(halves_of(word), &mut out);
        out
    }

    fn pair_word(cells: [u128; 2]) -> U256 {
        word_of_halves([cells[0] | PAIR, cells[1]])
    }

    const WAD: i128 = 1_000_000_000_000_000_000;

    fn id(underlying: u8, kind: u8, expiry: u64, strike: u128) -> u128 {
        id_of(&Spec {
            underlying,
            kind,
            expiry,
            strike,
        })
    }

    #[test]
    fn round_numbers_fit_a_cell_and_come_back_exactly() {
        let cases = [
            (id(0, CALL, 1_790_000_000, 2_000 * 100_000_000), -WAD),
            (id(15, PUT, u64::from(u32::MAX), 12_345_678), 25 * WAD / 100),
            (id(3, PERP, 0, 0), 1_234_500 * WAD / 1_000),
            (id(1, FUTURE, 1, 0), -1),
            (id(2, CALL, 2, 9_999_999 * 10u128.pow(14)), (1 << 53) - 1),
            (id(2, PUT, 2, 1), -999_999_999_999_999 * 10i128.pow(16)),
        ];
        for (instrument, size) in cases {
            let cell = cell_of(instrument, size);
            assert!(cell != 0 && cell >> 126 == 0);
            assert_eq!(position_of_cell(cell), (instrument, size));
        }
    }

    #[test]
    fn powers_of_ten_up_to_nineteen() {
        for e in 0..=19u32 {
            assert_eq!(u128::from(pow10_u64(e)), 10u128.pow(e));
        }
    }

    #[test]
    fn every_exponent_a_field_can_hold_comes_back_exactly() {
        // Each exponent 0 to 31 (below 20 one product, above it two), the largest mantissas.
        for e in 0..=31u32 {
            for m in [1u128, 7, (1 << 24) - 1, (1 << 53) - 1] {
                let Some(value) = 10u128.checked_pow(e).and_then(|p| p.checked_mul(m)) else {
                    continue;
                };
                // Trailing zeros of m move into the exponent: compare values, not fields.
                let field = decimal_field(value, 53).unwrap();
                assert_eq!(decimal_value(field), value, "{m}·10^{e}");
            }
        }
        // 3·10^38 (near u128::MAX): the exponent stops at 31, the mantissa keeps 3·10^7.
        let big = 3 * 10u128.pow(38);
        assert_eq!(
            decimal_field(big, 53),
            Some(((3 * 10u128.pow(7)) << EXP_BITS) | 31)
        );
        assert_eq!(decimal_value(decimal_field(big, 53).unwrap()), big);
        assert_eq!(decimal_value(decimal_field(0, 53).unwrap()), 0);
    }

    #[test]
    fn what_does_not_fit_a_cell_is_refused_not_rounded() {
        let call = id(0, CALL, 1_790_000_000, 2_000 * 100_000_000);
        assert_eq!(cell_of(call, 0), 0);
        // 16 significant digits, and a third of a unit (18).
        assert_eq!(cell_of(call, 9_876_543_210_123_456 * 100), 0);
        assert_eq!(cell_of(call, WAD / 3), 0);
        assert_eq!(cell_of(call, 1 << 53), 0);
        // A strike of 8 significant digits; an expiry past 2106; underlying 16.
        assert_eq!(cell_of(id(0, CALL, 1, 123_456_789), WAD), 0);
        assert_eq!(cell_of(id(0, CALL, 1 << 32, 100), WAD), 0);
        assert_eq!(cell_of(id(16, PERP, 0, 0), WAD), 0);
    }

    #[test]
    fn a_word_reads_back_as_its_positions() {
        let a = (id(0, CALL, 1_790_000_000, 2_000 * 100_000_000), -WAD);
        let b = (id(1, PERP, 0, 0), WAD / 3);
        let c = (id(2, PUT, 1_790_000_000, 100_000_000), 7 * WAD);
        assert_eq!(cell_of(b.0, b.1), 0);
        // A wide word, of any size and sign: the tag is the id's top bit, always 0.
        for size in [b.1, -b.1, 1, -1, i128::MAX, -MAX_SIZE] {
            let word = word_of_halves(wide(b.0, size));
            assert_eq!(halves_of(word)[0] & PAIR, 0);
            assert_eq!(positions_of(word), vec![(b.0, size)]);
        }
        let [ca, cc] = [cell_of(a.0, a.1), cell_of(c.0, c.1)];
        assert_eq!(positions_of(pair_word([ca, 0])), vec![a]);
        assert_eq!(positions_of(pair_word([ca, cc])), vec![a, c]);
        assert_eq!(positions_of(pair_word([0, cc])), vec![c]);
        assert_eq!(halves_of(word_of_halves([ca | PAIR, cc])), [ca | PAIR, cc]);
    }
}
