//! The risk oracle: the role that posts the market's risk surface, every listed underlying's
//! implied vol and the correlation matrix, in one bounded update ([`crate::oracle_rules`]), and
//! the owner's bounds on it (and on how fast the risk admin's changes ramp in). Any protocol
//! reads what is in force through `underlying` (each vol and when it was posted),
//! `riskParams` (the matrix) and `riskOracleBounds`.

use alloc::vec::Vec;

use alloy_primitives::{I256, U256};
use pm_risk::fixed::WAD;
use pm_risk::units::{MAX_VOL, MIN_VOL};
use stylus_sdk::prelude::*;

use crate::errors::{
    ClearinghouseError, CorrelationStepTooLarge, InvalidOracleBounds, InvalidRiskParameters,
    InvalidVolatility, LengthMismatch, Result, RiskUpdateTooSoon, VolAgeWithinGap, VolatilityStepTooLarge,
};
use crate::events::{OracleBoundsSet, RiskUpdatePosted};
use crate::oracle_rules::{correlation_step_allowed, too_soon, vol_step_allowed, Bounds};
use crate::param_table::pair_index;
use crate::storage::Clearinghouse;
use crate::words::{halves, word_of};

/// The `oracle` word of the last update's time.
const UPDATED_AT: usize = 2;

/// The bounds view: (vol step, correlation step, least gap in seconds, ramp duration in seconds,
/// when the last update was posted).
pub type OracleBoundsTuple = (i128, i128, i128, i128, u64);

impl Clearinghouse {
    /// Posts the risk surface, stamped now: `vols`, the implied vol of every listed underlying
    /// in index order (18 decimals, 1% to 500%; 0 leaves an underlying never posted unposted),
    /// and `correlations`, the matrix above its diagonal row by row (18 decimals). Each vol and correlation moves by at most its step
    /// from the one in force, the update comes at least the least gap after the last, and the
    /// risk program must accept the matrix (positive semi-definite).
    ///
    /// Errors: `NotRiskOracle`, `LengthMismatch`, `RiskUpdateTooSoon`, `InvalidVolatility`,
    /// `VolatilityStepTooLarge`, `CorrelationStepTooLarge`, `InvalidRiskParameters` (e.g. a
    /// matrix that is not positive semi-definite: code 15). The pairs are checked in order, each
    /// first for |ρ| ≤ 1 (code 14, before its step), all before any is written. The update ends by
    /// publishing the parameter table ([`crate::param_table`]; `ParamTableUnavailable` when that
    /// fails).
    pub fn post_risk_update(&mut self, vols: Vec<i128>, correlations: Vec<i128>) -> Result<()> {
        self.only_risk_oracle()?;
        let n = self.underlyings.len();
        if vols.len() != n || correlations.len() != n.saturating_mul(n.saturating_sub(1)) / 2 {
            return Err(ClearinghouseError::from(LengthMismatch {}));
        }
        let bounds = self.oracle_bounds();
        let now = self.vm().block_timestamp();
        let last = self.oracle_word(UPDATED_AT).saturating_to::<u64>();
        if too_soon(last, now, bounds.min_gap) {
            return Err(ClearinghouseError::from(RiskUpdateTooSoon {
                updatedAt: U256::from(last),
                minGap: U256::try_from(bounds.min_gap).unwrap_or_default(),
                timestamp: U256::from(now),
            }));
        }
        let mut old = Vec::with_capacity(n);
        for (k, &vol) in vols.iter().enumerate() {
            let (was, _) = halves(
                self.underlyings
                    .getter(k)
                    .map(|u| u.market.get())
                    .unwrap_or_default(),
            );
            old.push(was);
            // An underlying never posted may stay so (0): the oracle has no data for it yet.
            if vol == 0 && was == 0 {
                continue;
            }
            if !(MIN_VOL..=MAX_VOL).contains(&vol) {
                return Err(ClearinghouseError::from(InvalidVolatility {
                    vol: I256::try_from(vol).unwrap_or_default(),
                }));
            }
            if !vol_step_allowed(was, vol, bounds.vol_step) {
                return Err(ClearinghouseError::from(VolatilityStepTooLarge {
                    underlying: U256::from(k),
                    inForce: was,
                    posted: vol,
                }));
            }
        }
        // Every pair checked before any is written.
        let mut values = correlations.iter();
        let mut writes = Vec::with_capacity(correlations.len());
        for i in 0..n {
            for j in i.saturating_add(1)..n {
                let new = values.next().copied().unwrap_or(0);
                // Checked here, not only by the validation below: a word holds |ρ| ≤ 1 alone.
                if !(-WAD..=WAD).contains(&new) {
                    return Err(ClearinghouseError::from(InvalidRiskParameters {
                        code: pm_risk::RiskError::CorrelationOutOfRange.code(),
                    }));
                }
                let was = self.correlation(i, j);
                let fresh = [i, j].iter().any(|k| old.get(*k).copied().unwrap_or(0) == 0);
                if !correlation_step_allowed(was, new, bounds.correlation_step, fresh) {
                    return Err(ClearinghouseError::from(CorrelationStepTooLarge {
                        first: U256::from(i),
                        second: U256::from(j),
                        inForce: was,
                        posted: new,
                    }));
                }
                writes.push((pair_index(i, j), new));
            }
        }
        for (index, value) in writes {
            self.set_correlation(index, value);
        }
        for (k, &vol) in vols.iter().enumerate() {
            if let Some(mut u) = self.underlyings.setter(k).filter(|_| vol != 0) {
                u.market.set(word_of(vol, i128::from(now)));
            }
        }
        self.set_oracle_word(UPDATED_AT, U256::from(now));
        // Written first because the check reads storage; a failure reverts the transaction.
        self.validate_parameters()?;
        self.publish_params()?;
        self.vm().log(RiskUpdatePosted { vols, correlations });
        Ok(())
    }

    /// Sets the risk oracle's bounds and the ramp duration: the vol step (relative) and the
    /// correlation step (absolute), 18 decimals, the least gap between updates and the ramp
    /// duration, seconds; 0 for a default (50%, 0.25, 300 s, one day). Errors: `NotOwner`,
    /// `InvalidOracleBounds` (beyond 1,000%, 2, one day, thirty days, or negative),
    /// `VolAgeWithinGap` (a listed underlying's vols would go stale within the gap).
    pub fn set_risk_oracle_bounds(
        &mut self,
        vol_step: i128,
        correlation_step: i128,
        min_gap: i128,
        ramp_duration: i128,
    ) -> Result<()> {
        self.ownership.only_owner::<ClearinghouseError>()?;
        if !Bounds::storable(vol_step, correlation_step, min_gap, ramp_duration) {
            return Err(ClearinghouseError::from(InvalidOracleBounds {}));
        }
        let gap = Bounds::from_stored(vol_step, correlation_step, min_gap, ramp_duration).min_gap;
        for k in 0..self.underlyings.len() {
            let age = self
                .underlyings
                .getter(k)
                .map(|u| u.vol_max_age.get().to::<u32>())
                .unwrap_or(0);
            self.check_vol_age(age, gap)?;
        }
        for (w, (a, b)) in [(vol_step, correlation_step), (min_gap, ramp_duration)]
            .into_iter()
            .enumerate()
        {
            self.set_oracle_word(w, word_of(a, b));
        }
        self.vm().log(OracleBoundsSet {
            volStep: vol_step,
            correlationStep: correlation_step,
            minGap: min_gap,
            rampDuration: ramp_duration,
        });
        Ok(())
    }

    /// Word `index` of the `oracle` array (0 beyond it).
    pub(crate) fn oracle_word(&self, index: usize) -> U256 {
        self.oracle.get(index).unwrap_or_default()
    }

    /// Writes word `index` of the `oracle` array (nothing beyond it).
    pub(crate) fn set_oracle_word(&mut self, index: usize, word: U256) {
        if let Some(mut slot) = self.oracle.setter(index) {
            slot.set(word);
        }
    }

    /// Errors: `VolAgeWithinGap` unless a vol may live `vol_max_age` seconds, longer than the
    /// least gap `min_gap` between two updates.
    pub(crate) fn check_vol_age(&self, vol_max_age: u32, min_gap: i128) -> Result<()> {
        if i128::from(vol_max_age) <= min_gap {
            return Err(ClearinghouseError::from(VolAgeWithinGap {
                volMaxAge: U256::from(vol_max_age),
                minGap: U256::try_from(min_gap).unwrap_or_default(),
            }));
        }
        Ok(())
    }

    /// The bounds in force (defaults where 0 is stored).
    pub(crate) fn oracle_bounds(&self) -> Bounds {
        let (vol_step, correlation_step) = halves(self.oracle_word(0));
        let (min_gap, ramp) = halves(self.oracle_word(1));
        Bounds::from_stored(vol_step, correlation_step, min_gap, ramp)
    }

    /// [`OracleBoundsTuple`]: the bounds in force and when the last update was posted.
    pub fn risk_oracle_bounds(&self) -> OracleBoundsTuple {
        let b = self.oracle_bounds();
        (
            b.vol_step,
            b.correlation_step,
            b.min_gap,
            b.ramp,
            self.oracle_word(UPDATED_AT).saturating_to::<u64>(),
        )
    }
}
