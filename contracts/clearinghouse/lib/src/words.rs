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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_round_trip_signs() {
        for (a, b) in [(0, 0), (-1, 1), (i128::MIN, i128::MAX), (7, -7)] {
            assert_eq!(halves(word_of(a, b)), (a, b));
        }
    }
}
