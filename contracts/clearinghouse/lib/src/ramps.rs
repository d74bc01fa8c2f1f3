//! Ramps: a change of the risk parameters takes effect over the ramp duration, not at once, so
//! raising a requirement cannot liquidate accounts that were healthy a block before (a finding
//! of public audits of perp venues); lowering one ramps the same way.
//!
//! Each parameter group ramps on its own: an underlying's parameter words (group = its index)
//! and the account-wide scalars' (group [`SCALARS`]), value by value ([`crate::param_words`]).
//! A change stores where the group starts and ends; the live words (what the parameter table
//! publishes for the margin checks, [`crate::param_table`]) move
//! towards the target whenever anyone calls `advance_ramps` (keepers do), and at the start of
//! the group's next change, each time by the time since the last advance but at most an hour's
//! worth ([`pm_common::ramp`]): a ramp nobody advances takes longer, it never jumps. The grid levels (the grid's resolution, not a
//! requirement: the coverage bound holds at any count) switch at the end.

use alloy_primitives::U256;
use pm_common::ramp::Progress;
use stylus_sdk::prelude::*;

use crate::errors::{ClearinghouseError, Result, UnknownRamp};
use crate::events::{RampAdvanced, RampStarted};
use crate::param_words::{param_values, param_words, ParamWords, PARAM_WORDS};
use crate::storage::{Clearinghouse, ORACLE_HEADER, RAMP_GROUPS, RAMP_WORDS};

/// The ramp group of the account-wide scalars (the underlyings' are their indices).
pub const SCALARS: usize = RAMP_GROUPS - 1;

/// A group's parameter words.
type Words = ParamWords;
/// The scalars group's value that switches at the end of a ramp rather than moving along it:
/// the grid levels (the grid's resolution, not a requirement).
const GRID_LEVELS: usize = 1;

/// The ramp view: (seconds applied, duration, when last advanced, the ten values it ends at);
/// whole when applied = duration; duration 0 when none was started or the last change was to the
/// values in force (the target words are then stale).
pub type RampTuple = (u64, u64, u64, [i128; 10]);

/// The `oracle` word `k` of `group`'s ramp (0 its [`Progress`], then where it started, then where
/// it ends: [`PARAM_WORDS`] words each), or `UnknownRamp`.
fn ramp_word(group: usize, k: usize) -> Result<usize> {
    if group >= RAMP_GROUPS {
        return Err(unknown_ramp(group));
    }
    Ok(ORACLE_HEADER
        .saturating_add(group.saturating_mul(RAMP_WORDS))
        .saturating_add(k))
}

/// Ramp words: its progress, then where it started, then where it ends.
const WINDOW: usize = 0;
const FROM: usize = 1;
const TARGET: usize = 1 + PARAM_WORDS;

fn unknown_ramp(group: usize) -> ClearinghouseError {
    ClearinghouseError::from(UnknownRamp {
        group: U256::from(group),
    })
}

impl Clearinghouse {
    /// The live words of `group` (what the parameter table publishes).
    fn live_words(&self, group: usize) -> Words {
        if group == SCALARS {
            return core::array::from_fn(|w| self.params.get(w).unwrap_or_default());
        }
        match self.underlyings.getter(group) {
            Some(u) => core::array::from_fn(|w| u.params.get(w).unwrap_or_default()),
            None => [U256::ZERO; PARAM_WORDS],
        }
    }

    /// Writes the live words of `group` (published by the caller, [`crate::param_table`]).
    pub(crate) fn set_live_words(&mut self, group: usize, words: &Words) {
        for (w, word) in words.iter().enumerate() {
            if group == SCALARS {
                if let Some(mut s) = self.params.setter(w) {
                    s.set(*word);
                }
            } else if let Some(mut u) = self.underlyings.setter(group) {
                if let Some(mut s) = u.params.setter(w) {
                    s.set(*word);
                }
            }
        }
    }

    /// Starts ramping `group` to `target`: brings it to where its current ramp is, checks that
    /// the risk program accepts `target` (written in place for the check), and unless
    /// `at_once` (an underlying being listed: nobody holds it) puts the words back and records
    /// the ramp. A ramp already under way to `target` goes on unchanged (e.g. a new feed for an
    /// underlying whose parameters are ramping). Errors: `InvalidRiskParameters` and the errors
    /// of a validation.
    pub(crate) fn start_ramp(&mut self, group: usize, target: &Words, at_once: bool) -> Result<()> {
        let window = ramp_word(group, WINDOW)?;
        let under_way = Progress::of(self.oracle_word(window)).0.under_way();
        let same_target = (0..PARAM_WORDS).all(|w| {
            target.get(w).copied() == Some(self.oracle_word(window.saturating_add(TARGET).saturating_add(w)))
        });
        self.advance_ramp(group);
        if under_way && same_target && !at_once {
            return Ok(());
        }
        let from = self.live_words(group);
        self.set_live_words(group, target);
        // Written first because the check reads storage; a failure reverts the transaction.
        self.validate_parameters()?;
        let now = self.vm().block_timestamp();
        let duration = self.oracle_bounds().ramp as u64;
        if at_once || from == *target {
            self.set_oracle_word(window, U256::ZERO);
            return Ok(());
        }
        for (w, (f, t)) in from.iter().zip(target).enumerate() {
            self.set_oracle_word(ramp_word(group, FROM.saturating_add(w))?, *f);
            self.set_oracle_word(ramp_word(group, TARGET.saturating_add(w))?, *t);
        }
        self.set_oracle_word(window, Progress::start(now, duration).word(0));
        self.set_live_words(group, &from);
        self.vm().log(RampStarted {
            group: U256::from(group),
            duration,
        });
        Ok(())
    }

    /// Moves `group`'s words along its ramp to now (nothing when none is under way): by the time
    /// since the last advance, at most an hour's worth. Whether a ramp was under way.
    fn advance_ramp(&mut self, group: usize) -> bool {
        let Ok(window) = ramp_word(group, WINDOW) else {
            return false;
        };
        let (progress, _) = Progress::of(self.oracle_word(window));
        if !progress.under_way() {
            return false;
        }
        let progress = progress.advance(self.vm().block_timestamp());
        let done = !progress.under_way();
        let from = param_values(&self.ramp_words(window.saturating_add(FROM)));
        let target_words = self.ramp_words(window.saturating_add(TARGET));
        let target = param_values(&target_words);
        let values = core::array::from_fn(|i| {
            let (f, t) = (
                from.get(i).copied().unwrap_or(0),
                target.get(i).copied().unwrap_or(0),
            );
            match (group == SCALARS && i == GRID_LEVELS, done) {
                (true, true) => t,
                (true, false) => f,
                (false, _) => progress.value(f, t),
            }
        });
        // Each value lies between two that fit their slots, so it fits too.
        let words = param_words(&values).unwrap_or(target_words);
        self.set_live_words(group, &words);
        self.set_oracle_word(window, progress.word(0));
        self.vm().log(RampAdvanced {
            group: U256::from(group),
            applied: progress.applied,
            duration: progress.duration,
        });
        true
    }

    /// The group's words stored from `oracle` word `first` on.
    fn ramp_words(&self, first: usize) -> Words {
        core::array::from_fn(|w| self.oracle_word(first.saturating_add(w)))
    }

    /// Moves every ramp under way along to now (anyone may call it; keepers do, at least hourly)
    /// and publishes the parameter table when it no longer holds what is stored (a ramp moved,
    /// or none was published). How many ramps were under way. Errors: `NotThroughCore`,
    /// `ParamTableUnavailable`.
    pub fn advance_ramps(&mut self) -> Result<u8> {
        self.through_core()?;
        let listed = self.underlyings.len();
        let mut moved = 0u8;
        for group in (0..listed).chain(core::iter::once(SCALARS)) {
            if self.advance_ramp(group) {
                moved = moved.saturating_add(1);
            }
        }
        self.publish_if_stale()?;
        Ok(moved)
    }

    /// The ramp of `group` (an underlying's index, or 16 for the account-wide scalars): the
    /// seconds of it applied, its duration (whole when they are equal; 0 when none was started),
    /// when it was last advanced, and the ten values it ends at, in group order (an
    /// underlying's oracle add-on and nine parameters; the vol floor, the grid levels and the
    /// other eight scalars).
    /// Errors: `UnknownRamp`.
    pub fn ramp(&self, group: u8) -> Result<RampTuple> {
        let group = usize::from(group);
        let window = ramp_word(group, WINDOW)?;
        let (progress, _) = Progress::of(self.oracle_word(window));
        let target = param_values(&self.ramp_words(window.saturating_add(TARGET)));
        Ok((progress.applied, progress.duration, progress.advanced_at, target))
    }
}
