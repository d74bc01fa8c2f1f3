//! Two `int128` values in one storage word: the first in the high half, the second in the low.

use alloy_primitives::U256;

/// The word holding `high` and `low`.
#[inline(always)]
pub fn word_of(high: i128, low: i128) -> U256 {
    let (high, low) = (high as u128, low as u128);
    U256::from_limbs([low as u64, (low >> 64) as u64, high as u64, (high >> 64) as u64])
}

/// (high, low) of a word.
#[inline(always)]
pub fn halves(word: U256) -> (i128, i128) {
    let limbs = word.as_limbs();
    let low = u128::from(limbs[0]) | (u128::from(limbs[1]) << 64);
    let high = u128::from(limbs[2]) | (u128::from(limbs[3]) << 64);
    (high as i128, low as i128)
}

/// Ten `int128` values as five words, in order, two per word (the first of each pair high).
pub fn words_of_pairs(values: &[i128; 10]) -> [U256; 5] {
    let at = |i: usize| values.get(i).copied().unwrap_or(0);
    core::array::from_fn(|w| word_of(at(w.saturating_mul(2)), at(w.saturating_mul(2).saturating_add(1))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_round_trip_signs() {
        for (a, b) in [(0, 0), (-1, 1), (i128::MIN, i128::MAX), (7, -7)] {
            assert_eq!(halves(word_of(a, b)), (a, b));
        }
    }

    #[test]
    fn ten_values_round_trip_through_five_words_in_order() {
        let values: [i128; 10] = core::array::from_fn(|i| (i as i128 - 5) * 1_000_000_000_000_000_007);
        let words = words_of_pairs(&values);
        assert_eq!(halves(words[1]), (values[2], values[3]));
        assert_eq!(halves(words[4]), (values[8], values[9]));
    }
}
