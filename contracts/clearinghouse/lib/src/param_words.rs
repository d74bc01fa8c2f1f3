//! A parameter group's ten values in three storage words, and the correlations four to a word.
//! Pure.
//!
//! A group is an underlying's oracle add-on and nine `pm_risk::UnderlyingParams` (wire order), or
//! the account-wide vol floor, grid levels and eight other scalars of `pm_risk::RiskParams`
//! (wire order), all with 18 decimals. Every bound the risk program sets on them lies in
//! [0, 10]: each value but one fits an unsigned 64-bit slot. Value [`WIDE`] (an underlying's
//! liquidity, the one parameter without an upper bound) is kept whole, as an `int128`.
//!
//! Slot `s` (64 bits) is limb `s % 4` of word `s / 4` (limb 0 the lowest bits): the wide value
//! takes slots 0–1, the nine others slots 2–10 in order, slot 11 stays 0.

use alloy_primitives::U256;

/// Storage words of one parameter group.
pub const PARAM_WORDS: usize = 3;
/// A parameter group's storage words.
pub type ParamWords = [U256; PARAM_WORDS];
/// A parameter group's ten values, 18 decimals, in wire order.
pub type ParamValues = [i128; 10];
/// The value kept whole (an underlying's liquidity).
pub const WIDE: usize = 7;
/// Correlations per storage word (each an `int64`, 18 decimals, in [−1, 1]).
pub const CORRELATIONS_PER_WORD: usize = 4;

/// The 64-bit slot of narrow value `i` (`i` ≠ [`WIDE`]).
#[inline(always)]
fn slot_of(i: usize) -> usize {
    if i < WIDE {
        i.saturating_add(2)
    } else {
        i.saturating_add(1)
    }
}

/// The three words of `values`, or `None` when a value other than the wide one is negative or
/// above `u64::MAX` (outside every bound the risk program accepts).
pub fn param_words(values: &ParamValues) -> Option<ParamWords> {
    let mut limbs = [0u64; PARAM_WORDS * 4];
    for (i, &v) in values.iter().enumerate() {
        if i == WIDE {
            let whole = v as u128; // two's complement, read back by `param_values`
            *limbs.get_mut(0)? = whole as u64;
            *limbs.get_mut(1)? = (whole >> 64) as u64;
        } else {
            *limbs.get_mut(slot_of(i))? = u64::try_from(v).ok()?;
        }
    }
    Some(core::array::from_fn(|w| {
        let at = |k: usize| {
            limbs
                .get(w.saturating_mul(4).saturating_add(k))
                .copied()
                .unwrap_or(0)
        };
        U256::from_limbs([at(0), at(1), at(2), at(3)])
    }))
}

/// The ten values of a group's words (inverse of [`param_words`]).
pub fn param_values(words: &ParamWords) -> ParamValues {
    let limb = |s: usize| {
        words
            .get(s / 4)
            .and_then(|w| w.as_limbs().get(s % 4).copied())
            .unwrap_or(0)
    };
    core::array::from_fn(|i| {
        if i == WIDE {
            (u128::from(limb(0)) | (u128::from(limb(1)) << 64)) as i128
        } else {
            i128::from(limb(slot_of(i)))
        }
    })
}

/// Correlation `quarter` (0–3, limb order) of a correlations word.
#[inline(always)]
pub fn correlation_in(word: U256, quarter: usize) -> i128 {
    i128::from(word.as_limbs().get(quarter).copied().unwrap_or(0) as i64)
}

/// `word` with correlation `quarter` set to `value` (in [−1, 1] with 18 decimals, so an
/// `int64`; the caller has checked the range).
pub fn with_correlation(word: U256, quarter: usize, value: i128) -> U256 {
    let mut limbs = *word.as_limbs();
    if let Some(l) = limbs.get_mut(quarter) {
        *l = value as i64 as u64;
    }
    U256::from_limbs(limbs)
}

#[cfg(test)]
mod tests {
    use super::*;

    const WAD: i128 = 1_000_000_000_000_000_000;

    #[test]
    fn ten_values_round_trip_through_three_words() {
        let mut values: ParamValues = core::array::from_fn(|i| i as i128 * WAD / 3 + 7);
        values[WIDE] = i128::MAX - 5;
        values[9] = i128::from(u64::MAX);
        let words = param_words(&values).unwrap();
        assert_eq!(param_values(&words), values);
        // Slot 11 stays empty.
        assert_eq!(words[2].as_limbs()[3], 0);
    }

    #[test]
    fn the_wide_value_keeps_its_sign_and_the_others_must_fit_64_bits() {
        let mut values = [WAD; 10];
        values[WIDE] = -3;
        assert_eq!(param_values(&param_words(&values).unwrap())[WIDE], -3);
        values[0] = -1;
        assert_eq!(param_words(&values), None);
        values[0] = i128::from(u64::MAX) + 1;
        assert_eq!(param_words(&values), None);
        values[0] = 10 * WAD; // the largest bound (vol multiple, mm factor, im ratio)
        assert!(param_words(&values).is_some());
    }

    #[test]
    fn correlations_are_four_signed_quarters() {
        let mut word = U256::ZERO;
        for (q, v) in [-WAD, WAD, 0, -1].into_iter().enumerate() {
            word = with_correlation(word, q, v);
        }
        assert_eq!(
            (0..4).map(|q| correlation_in(word, q)).collect::<Vec<_>>(),
            vec![-WAD, WAD, 0, -1]
        );
        assert_eq!(correlation_in(with_correlation(word, 1, WAD / 2), 1), WAD / 2);
        assert_eq!(correlation_in(word, 0), -WAD);
    }
}
