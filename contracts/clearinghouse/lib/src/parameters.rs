//! The account-wide risk parameters: the grid levels and the nine scalars of
//! `pm_risk::RiskParams` in wire order (the risk admin's, ramped in), and the correlation matrix
//! of the listed underlyings (the risk oracle's), stored as the pairs above its diagonal, four
//! per word ([`crate::param_words`]).

use alloc::vec::Vec;

use stylus_sdk::prelude::*;

use crate::errors::{ClearinghouseError, InvalidRiskParameters, Result};
use crate::events::RiskParamsSet;
use crate::param_table::pair_index;
use crate::param_words::{
    correlation_in, param_values, param_words, with_correlation, ParamValues, ParamWords,
    CORRELATIONS_PER_WORD,
};
use crate::ramps::SCALARS;
use crate::storage::Clearinghouse;

/// The scalars group's ten values: the vol floor, the grid levels, then the other eight
/// account-wide scalars (wire order).
fn scalar_values(grid_levels: u8, scalars: &[i128; 9]) -> ParamValues {
    let [first @ .., vol_floor] = scalars;
    core::array::from_fn(|i| match i.checked_sub(2) {
        None if i == 0 => *vol_floor,
        None => i128::from(grid_levels),
        Some(k) => first.get(k).copied().unwrap_or(0),
    })
}

/// The storage words of a group's `values` ([`param_words`]). Errors: `InvalidRiskParameters`
/// (the risk program's code for a parameter out of bounds) when one does not fit its slot.
pub(crate) fn words_or_invalid(values: &ParamValues) -> Result<ParamWords> {
    param_words(values).ok_or_else(|| {
        ClearinghouseError::from(InvalidRiskParameters {
            code: pm_risk::RiskError::InvalidParameter.code(),
        })
    })
}

/// The storage words of the grid levels and the nine account-wide scalars (wire order).
/// Errors: as [`words_or_invalid`].
pub(crate) fn scalar_words(grid_levels: u8, scalars: &[i128; 9]) -> Result<ParamWords> {
    words_or_invalid(&scalar_values(grid_levels, scalars))
}

impl Clearinghouse {
    /// Sets the grid levels and the nine account-wide scalars in wire order (extreme multiple,
    /// extreme fraction, max down move, w_up, w_down, break factor, mm factor, im ratio, vol
    /// floor; 18 decimals). The risk program must accept them; they ramp in over the ramp
    /// duration ([`crate::ramps`]). The correlations are the risk oracle's
    /// (`post_risk_update`). Errors: `NotRiskAdmin`, `InvalidRiskParameters`,
    /// `ParamTableUnavailable`.
    pub fn set_risk_params(&mut self, grid_levels: u8, scalars: [i128; 9]) -> Result<()> {
        self.only_risk_admin()?;
        self.start_ramp(SCALARS, &scalar_words(grid_levels, &scalars)?, false)?;
        self.publish_params()?;
        self.vm().log(RiskParamsSet {
            gridLevels: grid_levels,
            scalars,
        });
        Ok(())
    }

    /// The grid levels and the nine account-wide scalars in force, in wire order.
    #[inline(always)]
    pub(crate) fn scalars(&self) -> (u8, [i128; 9]) {
        let v = param_values(&core::array::from_fn(|w| self.params.get(w).unwrap_or_default()));
        let at = |i: usize| v.get(i).copied().unwrap_or(0);
        let scalars = core::array::from_fn(|k| if k == 8 { at(0) } else { at(k.saturating_add(2)) });
        // Stored from a `u8`, so the cast keeps it whole.
        (at(1) as u8, scalars)
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

    /// Writes correlation pair `index` ([`pair_index`]); `value` is in [−1, 1] (checked by the
    /// caller), 18 decimals.
    pub(crate) fn set_correlation(&mut self, index: usize, value: i128) {
        let word_index = index / CORRELATIONS_PER_WORD;
        let Some(word) = self.correlations.get(word_index) else {
            return;
        };
        let new = with_correlation(word, index % CORRELATIONS_PER_WORD, value);
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
        let word = self
            .correlations
            .get(index / CORRELATIONS_PER_WORD)
            .unwrap_or_default();
        correlation_in(word, index % CORRELATIONS_PER_WORD)
    }
}
