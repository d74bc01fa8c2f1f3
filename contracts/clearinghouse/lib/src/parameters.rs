//! The account-wide risk parameters: the grid levels, the nine scalars of `pm_risk::RiskParams`
//! in wire order, and the correlation matrix of the listed underlyings, stored as the pairs above
//! its diagonal, two per word.

use alloc::vec::Vec;

use stylus_sdk::prelude::*;

use crate::errors::{ClearinghouseError, LengthMismatch, Result};
use crate::events::RiskParamsSet;
use crate::storage::Clearinghouse;
use crate::words::{halves, word_of};

/// The storage index of correlation pair (i, j), i ≠ j: j(j−1)/2 + i with i < j.
pub fn pair_index(i: usize, j: usize) -> usize {
    let (lo, hi) = if i < j { (i, j) } else { (j, i) };
    (hi.saturating_mul(hi.saturating_sub(1)) / 2).saturating_add(lo)
}

impl Clearinghouse {
    /// Sets the grid levels, the nine account-wide scalars in wire order (extreme multiple,
    /// extreme fraction, max down move, w_up, w_down, break factor, mm factor, im ratio, vol
    /// floor) and the
    /// correlations above the diagonal, row by row, of the listed underlyings (18 decimals); the
    /// risk program must accept them. Errors: `NotRiskAdmin`, `LengthMismatch`,
    /// `InvalidRiskParameters` (e.g. a matrix that is not positive semi-definite: code 15).
    pub fn set_risk_params(
        &mut self,
        grid_levels: u8,
        scalars: [i128; 9],
        correlations: Vec<i128>,
    ) -> Result<()> {
        self.only_risk_admin()?;
        let n = self.underlyings.len();
        if correlations.len() != n.saturating_mul(n.saturating_sub(1)) / 2 {
            return Err(ClearinghouseError::from(LengthMismatch {}));
        }
        self.store_scalars(grid_levels, &scalars);
        let mut values = correlations.iter();
        for i in 0..n {
            for j in i.saturating_add(1)..n {
                let v = values.next().copied().unwrap_or(0);
                self.set_correlation(pair_index(i, j), v);
            }
        }
        // Written first because the check reads storage; a failure reverts the transaction.
        self.validate_parameters()?;
        self.vm().log(RiskParamsSet {
            gridLevels: grid_levels,
            scalars,
            correlations,
        });
        Ok(())
    }

    /// Writes the grid levels and the nine account-wide scalars (wire order), unchecked: word 0
    /// the vol floor (high half) and the grid levels (low half), words 1–4 the other eight.
    pub(crate) fn store_scalars(&mut self, grid_levels: u8, scalars: &[i128; 9]) {
        let [first @ .., vol_floor] = scalars;
        if let Some(mut w) = self.params.setter(0usize) {
            w.set(word_of(*vol_floor, i128::from(grid_levels)));
        }
        for (k, pair) in first.chunks_exact(2).enumerate() {
            if let (Some(mut slot), [a, b]) = (self.params.setter(k.saturating_add(1)), pair) {
                slot.set(word_of(*a, *b));
            }
        }
    }

    /// The grid levels and the nine account-wide scalars, in wire order.
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

    fn set_correlation(&mut self, index: usize, value: i128) {
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
