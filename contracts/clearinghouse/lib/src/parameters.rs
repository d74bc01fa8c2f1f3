//! The account-wide risk parameters: the grid levels and the nine scalars of
//! `pm_risk::RiskParams` in wire order (the risk admin's, ramped in), and the correlation matrix
//! of the listed underlyings (the risk oracle's), stored as the pairs above its diagonal, two
//! per word.

use alloc::vec::Vec;

use alloy_primitives::U256;
use stylus_sdk::prelude::*;

use crate::errors::Result;
use crate::events::RiskParamsSet;
use crate::ramps::SCALARS;
use crate::storage::Clearinghouse;
use crate::words::{halves, word_of, words_of_pairs};

/// The storage index of correlation pair (i, j), i ≠ j: j(j−1)/2 + i with i < j.
pub fn pair_index(i: usize, j: usize) -> usize {
    let (lo, hi) = if i < j { (i, j) } else { (j, i) };
    (hi.saturating_mul(hi.saturating_sub(1)) / 2).saturating_add(lo)
}

/// The five storage words of the grid levels and the nine account-wide scalars (wire order):
/// word 0 the vol floor (high half) and the grid levels (low half), words 1–4 the other eight.
pub(crate) fn scalar_words(grid_levels: u8, scalars: &[i128; 9]) -> [U256; 5] {
    let [first @ .., vol_floor] = scalars;
    words_of_pairs(&core::array::from_fn(|i| match i.checked_sub(2) {
        None if i == 0 => *vol_floor,
        None => i128::from(grid_levels),
        Some(k) => first.get(k).copied().unwrap_or(0),
    }))
}

impl Clearinghouse {
    /// Sets the grid levels and the nine account-wide scalars in wire order (extreme multiple,
    /// extreme fraction, max down move, w_up, w_down, break factor, mm factor, im ratio, vol
    /// floor; 18 decimals). The risk program must accept them; they ramp in over the ramp
    /// duration ([`crate::ramps`]). The correlations are the risk oracle's
    /// (`post_risk_update`). Errors: `NotRiskAdmin`, `InvalidRiskParameters`.
    pub fn set_risk_params(&mut self, grid_levels: u8, scalars: [i128; 9]) -> Result<()> {
        self.only_risk_admin()?;
        self.start_ramp(SCALARS, &scalar_words(grid_levels, &scalars), false)?;
        self.vm().log(RiskParamsSet {
            gridLevels: grid_levels,
            scalars,
        });
        Ok(())
    }

    /// The grid levels and the nine account-wide scalars in force, in wire order.
    #[inline(always)]
    pub(crate) fn scalars(&self) -> (u8, [i128; 9]) {
        let (vol_floor, levels) = halves(self.params.get(0usize).unwrap_or_default());
        // The ninth, the vol floor, is what the pairs below leave in place.
        let mut scalars = [vol_floor; 9];
        for (k, pair) in scalars.chunks_exact_mut(2).enumerate() {
            let (a, b) = halves(self.params.get(k.saturating_add(1)).unwrap_or_default());
            if let [x, y] = pair {
                *x = a;
                *y = b;
            }
        }
        // Stored from a `u8`, so the cast keeps it whole.
        (levels as u8, scalars)
    }

    /// The risk parameters in force, as the margin checks read them: the grid levels, the nine
    /// account-wide scalars (wire order) and the correlations of the listed underlyings above the
    /// diagonal, row by row (18 decimals).
    pub fn risk_params(&self) -> (u8, [i128; 9], Vec<i128>) {
        let (levels, scalars) = self.scalars();
        let n = self.underlyings.len();
        let mut correlations = Vec::new();
        for i in 0..n {
            for j in i.saturating_add(1)..n {
                correlations.push(self.correlation(i, j));
            }
        }
        (levels, scalars, correlations)
    }

    pub(crate) fn set_correlation(&mut self, index: usize, value: i128) {
        let word_index = index / 2;
        let Some(word) = self.correlations.get(word_index) else {
            return;
        };
        let (high, low) = halves(word);
        let new = if index.is_multiple_of(2) {
            word_of(value, low)
        } else {
            word_of(high, value)
        };
        if let Some(mut slot) = self.correlations.setter(word_index) {
            slot.set(new);
        }
    }

    /// Correlation of listed underlyings `i` and `j` (1 on the diagonal), 18 decimals.
    #[inline(always)]
    pub(crate) fn correlation(&self, i: usize, j: usize) -> i128 {
        if i == j {
            return pm_risk::fixed::WAD;
        }
        let index = pair_index(i, j);
        let (high, low) = halves(self.correlations.get(index / 2).unwrap_or_default());
        if index.is_multiple_of(2) {
            high
        } else {
            low
        }
    }
}
