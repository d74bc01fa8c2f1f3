//! A ramp, pure: a parameter change that takes effect linearly over a stated time instead of at
//! once (the clearinghouse's risk parameters, the vault's haircuts), so raising a requirement
//! gives accounts notice instead of liquidating healthy ones a block later.
//!
//! A ramp moves when someone advances it (keepers do; anyone may). Each advance applies the time
//! since the last one, but at most [`MAX_STEP`]: if nobody advances a ramp for a while, it takes
//! longer instead of jumping, so no block ever applies more than an hour's worth of a change (a
//! twenty-fourth of a one-day ramp).

use alloy_primitives::U256;

/// The most of a ramp's duration one advance applies, seconds.
pub const MAX_STEP: u64 = 3_600;

/// How far a ramp is: the seconds of its duration applied, when it was last advanced (unix
/// seconds), and its duration (0: no ramp).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Seconds of the duration applied so far.
    pub applied: u64,
    /// When it was last advanced (or started).
    pub advanced_at: u64,
    /// Its duration, seconds; 0 when no ramp is under way.
    pub duration: u64,
}

impl Progress {
    /// A ramp of `duration` seconds starting at `now`.
    pub fn start(now: u64, duration: u64) -> Self {
        Progress {
            applied: 0,
            advanced_at: now,
            duration,
        }
    }

    /// The ramp advanced at `now`: the time since the last advance applied, at most
    /// [`MAX_STEP`], never past the duration.
    pub fn advance(self, now: u64) -> Self {
        let step = now.saturating_sub(self.advanced_at).min(MAX_STEP);
        Progress {
            applied: self.applied.saturating_add(step).min(self.duration),
            advanced_at: now.max(self.advanced_at),
            duration: self.duration,
        }
    }

    /// Whether a ramp is under way (not yet whole).
    pub fn under_way(&self) -> bool {
        self.applied < self.duration
    }

    /// `from` moved along this ramp towards `to` ([`interpolate`]).
    pub fn value(&self, from: i128, to: i128) -> i128 {
        interpolate(from, to, self.applied, self.duration)
    }

    /// As one storage word: limbs (applied, advanced at, duration, `extra`).
    pub fn word(&self, extra: u64) -> U256 {
        U256::from_limbs([self.applied, self.advanced_at, self.duration, extra])
    }

    /// From a storage word ([`Progress::word`]), with its extra limb.
    pub fn of(word: U256) -> (Self, u64) {
        let [applied, advanced_at, duration, extra] = *word.as_limbs();
        (
            Progress {
                applied,
                advanced_at,
                duration,
            },
            extra,
        )
    }
}

/// The value `elapsed` seconds into a ramp of `duration` seconds from `from` to `to`: linear,
/// rounded towards `from` (a ramp never runs ahead of itself), and `to` from the end on (also
/// when `duration` is 0). Plain 128-bit arithmetic: `to` when a step would overflow, which needs
/// a span beyond 2^127 or a ramp longer than 2^63 seconds.
pub fn interpolate(from: i128, to: i128, elapsed: u64, duration: u64) -> i128 {
    if elapsed >= duration {
        return to;
    }
    let (e, d) = (i128::from(elapsed), i128::from(duration));
    // (to − from)·e/d as q·e + r·e/d with (q, r) = (to − from) divided by d: each part truncates
    // towards zero, so the sum does too (towards `from`), and |q·e| < |to − from|.
    let delta = to.checked_sub(from);
    let q = delta.and_then(|v| v.checked_div(d));
    let r = delta.and_then(|v| v.checked_rem(d));
    q.and_then(|q| q.checked_mul(e))
        .zip(r.and_then(|r| r.checked_mul(e)).and_then(|re| re.checked_div(d)))
        .and_then(|(a, b)| a.checked_add(b))
        .and_then(|moved| from.checked_add(moved))
        .unwrap_or(to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_advance_applies_the_time_since_the_last_at_most_an_hour_and_never_past_the_end() {
        let r = Progress::start(1_000, 86_400);
        assert!(r.under_way());
        let r = r.advance(1_600);
        assert_eq!((r.applied, r.advanced_at), (600, 1_600));
        // A day without an advance: one hour applied, not the day.
        let r = r.advance(1_600 + 86_400);
        assert_eq!(r.applied, 600 + MAX_STEP);
        // Twice in one block: nothing more.
        assert_eq!(r.advance(1_600 + 86_400), r);
        // Hourly advances reach the end and stop there.
        let mut r = r;
        for hour in 1..=30 {
            r = r.advance(1_600 + 86_400 + hour * MAX_STEP);
        }
        assert_eq!(r.applied, 86_400);
        assert!(!r.under_way());
        assert_eq!(r.value(0, 10_000), 10_000);
        assert_eq!(Progress::of(r.word(7)), (r, 7));
        assert!(!Progress::default().under_way());
    }

    #[test]
    fn a_ramp_is_linear_rounded_towards_its_start_and_ends_at_its_target() {
        assert_eq!(interpolate(100, 200, 0, 10), 100);
        assert_eq!(interpolate(100, 200, 5, 10), 150);
        assert_eq!(interpolate(100, 201, 5, 10), 150);
        assert_eq!(interpolate(200, 99, 5, 10), 150);
        assert_eq!(interpolate(100, 200, 10, 10), 200);
        assert_eq!(interpolate(100, 200, 11, 0), 200);
        assert_eq!(interpolate(i128::MIN, i128::MAX, 1, 2), i128::MAX);
        assert_eq!(interpolate(-(1 << 125), 1 << 125, 1, 2), 0);
        assert_eq!(interpolate(0, 7, 1, 3), 2);
        assert_eq!(interpolate(0, -7, 1, 3), -2);
        assert_eq!(
            interpolate(5, 5 + i128::from(u64::MAX), u64::MAX - 1, u64::MAX),
            i128::from(u64::MAX) + 4
        );
        assert_eq!(interpolate(-10, 10, 3, 4), 5);
        assert_eq!(interpolate(0, 10_000, 86_399, 86_400), 9_999);
    }
}
