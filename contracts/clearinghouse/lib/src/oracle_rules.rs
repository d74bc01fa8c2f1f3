//! The risk oracle's bounds and the ramp's arithmetic, pure.
//!
//! The risk oracle posts one update at a time: every listed underlying's implied vol and the
//! correlation matrix, together (so nothing in force is older than the last update, and the vols'
//! maximum age bounds the matrix's too). Each update is bounded against the one in force:
//! - a vol moves by at most the **vol step**, relative, each way: `new ≤ old·(1 + step)` and
//!   `old ≤ new·(1 + step)` (default 50%: a vol at most ×1.5 or ÷1.5 per update);
//! - a correlation moves by at most the **correlation step**, absolute (default 0.25);
//! - updates are at least the **least gap** apart (default 300 s), so a step is a rate: a vol can
//!   still go from 50% to 250% within 20 minutes of a crash, but no single update (a fat finger,
//!   a taken-over key) can move it more than one step, and watchers see each one;
//! - an underlying whose vol was never posted (just listed) takes its first vol and its
//!   correlations unbounded.
//!
//! The matrix must also be positive semi-definite (the risk program checks it).
//!
//! Every change the risk admin makes to the risk parameters **ramps in** linearly over the ramp
//! duration (default 24 h) instead of at once ([`crate::ramps`]), by
//! [`pm_common::ramp::interpolate`]. Every bound is checked linearly (boxes), so each value on the way from one valid set
//! to another is valid too.

use pm_risk::fixed::{mul_div, Rounding, WAD};

/// Default vol step: 50% relative, each way.
pub const DEFAULT_VOL_STEP: i128 = WAD / 2;
/// Default correlation step: 0.25.
pub const DEFAULT_CORRELATION_STEP: i128 = WAD / 4;
/// Default least gap between risk updates, seconds.
pub const DEFAULT_MIN_GAP: i128 = 300;
/// Default ramp duration, seconds (one day).
pub const DEFAULT_RAMP: i128 = 86_400;
/// Largest vol step the owner may set: 1,000%.
pub const MAX_VOL_STEP: i128 = 10 * WAD;
/// Largest correlation step the owner may set: 2 (any move).
pub const MAX_CORRELATION_STEP: i128 = 2 * WAD;
/// Longest least gap the owner may set, seconds (one day).
pub const MAX_MIN_GAP: i128 = 86_400;
/// Longest ramp the owner may set, seconds (thirty days).
pub const MAX_RAMP: i128 = 30 * 86_400;

/// The risk oracle's bounds and the ramp duration in force.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    /// Largest relative move of a vol per update, 18 decimals.
    pub vol_step: i128,
    /// Largest absolute move of a correlation per update, 18 decimals.
    pub correlation_step: i128,
    /// Least time between two updates, seconds.
    pub min_gap: i128,
    /// How long a change of the risk parameters takes to ramp in, seconds.
    pub ramp: i128,
}

impl Bounds {
    /// The bounds as stored (each 0 means its default).
    pub fn from_stored(vol_step: i128, correlation_step: i128, min_gap: i128, ramp: i128) -> Self {
        let or = |v: i128, default: i128| if v == 0 { default } else { v };
        Bounds {
            vol_step: or(vol_step, DEFAULT_VOL_STEP),
            correlation_step: or(correlation_step, DEFAULT_CORRELATION_STEP),
            min_gap: or(min_gap, DEFAULT_MIN_GAP),
            ramp: or(ramp, DEFAULT_RAMP),
        }
    }

    /// Whether the owner may store these: each 0 (the default) or in (0, its maximum].
    pub fn storable(vol_step: i128, correlation_step: i128, min_gap: i128, ramp: i128) -> bool {
        (0..=MAX_VOL_STEP).contains(&vol_step)
            && (0..=MAX_CORRELATION_STEP).contains(&correlation_step)
            && (0..=MAX_MIN_GAP).contains(&min_gap)
            && (0..=MAX_RAMP).contains(&ramp)
    }
}

/// Whether a vol may move from `old` to `new` (both 18 decimals, `new` > 0) in one update:
/// within `step` relative each way, or anything when `old` is 0 (never posted).
pub fn vol_step_allowed(old: i128, new: i128, step: i128) -> bool {
    if old == 0 {
        return true;
    }
    let Some(factor) = WAD.checked_add(step) else {
        return false;
    };
    let within = |a: i128, b: i128| {
        // a ≤ b·(1 + step), over a 256-bit product; an overflow cannot be within.
        mul_div(b, factor, WAD, Rounding::Down).is_ok_and(|limit| a <= limit)
    };
    within(new, old) && within(old, new)
}

/// Whether a correlation may move from `old` to `new` in one update: by at most `step`, or
/// anything when `fresh` (one of its underlyings was never posted a vol).
pub fn correlation_step_allowed(old: i128, new: i128, step: i128, fresh: bool) -> bool {
    fresh
        || new
            .checked_sub(old)
            .is_some_and(|d| d.unsigned_abs() <= step.unsigned_abs())
}

/// Whether an update at `now` comes too soon after the one at `last` (0: none yet).
pub fn too_soon(last: u64, now: u64, min_gap: i128) -> bool {
    last != 0 && i128::from(now.saturating_sub(last)) < min_gap
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vol_moves_at_most_one_step_each_way() {
        let half = WAD / 2;
        assert!(vol_step_allowed(WAD / 2, 3 * WAD / 4, half));
        assert!(!vol_step_allowed(WAD / 2, 3 * WAD / 4 + 1, half));
        assert!(vol_step_allowed(3 * WAD / 4, WAD / 2, half));
        assert!(!vol_step_allowed(3 * WAD / 4 + 1, WAD / 2, half));
        assert!(vol_step_allowed(0, 5 * WAD, half));
    }

    #[test]
    fn a_correlation_moves_at_most_one_step_unless_fresh() {
        let step = WAD / 4;
        assert!(correlation_step_allowed(WAD / 2, 3 * WAD / 4, step, false));
        assert!(!correlation_step_allowed(WAD / 2, 3 * WAD / 4 + 1, step, false));
        assert!(correlation_step_allowed(0, -WAD / 4, step, false));
        assert!(!correlation_step_allowed(WAD, -WAD, step, false));
        assert!(correlation_step_allowed(WAD, -WAD, step, true));
    }

    #[test]
    fn updates_closer_than_the_gap_are_too_soon() {
        assert!(!too_soon(0, 10, 300));
        assert!(too_soon(1_000, 1_299, 300));
        assert!(!too_soon(1_000, 1_300, 300));
    }

    #[test]
    fn zero_bounds_are_the_defaults_and_the_owner_may_store_only_bounded_ones() {
        let b = Bounds::from_stored(0, 0, 0, 0);
        assert_eq!(
            (b.vol_step, b.correlation_step, b.min_gap, b.ramp),
            (
                DEFAULT_VOL_STEP,
                DEFAULT_CORRELATION_STEP,
                DEFAULT_MIN_GAP,
                DEFAULT_RAMP
            )
        );
        assert!(Bounds::storable(0, 0, 0, 0));
        assert!(Bounds::storable(
            MAX_VOL_STEP,
            MAX_CORRELATION_STEP,
            MAX_MIN_GAP,
            MAX_RAMP
        ));
        assert!(!Bounds::storable(-1, 0, 0, 0));
        assert!(!Bounds::storable(0, 0, 0, MAX_RAMP + 1));
        assert!(!Bounds::storable(0, MAX_CORRELATION_STEP + 1, 0, 0));
        assert!(!Bounds::storable(0, 0, MAX_MIN_GAP + 1, 0));
    }
}
