//! The engine's chores that anyone may do and a keeper does: fixing each passed expiry's
//! settlement price from its feed's round, moving the reference prices towards the live ones,
//! and moving parameter and haircut changes along their ramps (which never jump: time beyond an
//! hour between two calls is not made up, so they must be called at least hourly).

/// Rounds walked back from a feed's latest to find an expiry's settlement round.
pub const MAX_ROUNDS_BACK: u32 = 1_000;

/// Seconds between two upkeeps by default: well within the hour a ramp or a reference price
/// may move by at a time.
pub const DEFAULT_UPKEEP_EVERY: u64 = 600;

/// The settlement round of `expiry` (unix seconds), as `fixExpiryPrice` wants it: the first
/// round updated at or after the expiry. Walks back from the feed's latest round
/// (`latest`: id and `updatedAt`) while the round before is also at or after the expiry;
/// `updated_at(id)` reads a round (none: no such round, e.g. the start of a phase). None when no
/// round has come since the expiry yet, or when the round is more than [`MAX_ROUNDS_BACK`]
/// rounds back.
pub fn settlement_round(
    latest: (u128, u64),
    expiry: u64,
    mut updated_at: impl FnMut(u128) -> Option<u64>,
) -> Option<u128> {
    let (mut round, updated) = latest;
    if updated < expiry {
        return None;
    }
    for _ in 0..MAX_ROUNDS_BACK {
        let Some(before) = round.checked_sub(1) else {
            return Some(round);
        };
        match updated_at(before) {
            Some(t) if t >= expiry => round = before,
            _ => return Some(round),
        }
    }
    None
}

/// When the next upkeep is due: every `every` seconds of chain time.
#[derive(Clone, Copy, Debug)]
pub struct Schedule {
    every: u64,
    last: Option<u64>,
}

impl Schedule {
    /// Every `every` seconds (0: never).
    pub fn every(every: u64) -> Self {
        Self { every, last: None }
    }

    /// Whether an upkeep is due at `now` (the first is due at once); records it if so.
    pub fn due(&mut self, now: u64) -> bool {
        let due = self.every > 0
            && self
                .last
                .is_none_or(|last| now >= last.saturating_add(self.every));
        if due {
            self.last = Some(now);
        }
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rounds 1..=10 updated at 100, 200, …, 1,000.
    fn rounds(id: u128) -> Option<u64> {
        (1..=10).contains(&id).then(|| id as u64 * 100)
    }

    #[test]
    fn the_settlement_round_is_the_first_at_or_after_the_expiry() {
        assert_eq!(settlement_round((10, 1_000), 450, rounds), Some(5));
        assert_eq!(settlement_round((10, 1_000), 500, rounds), Some(5));
        assert_eq!(settlement_round((10, 1_000), 1_000, rounds), Some(10));
        // Every round is after the expiry: the first one there is.
        assert_eq!(settlement_round((10, 1_000), 50, rounds), Some(1));
        // No round since the expiry yet.
        assert_eq!(settlement_round((10, 1_000), 1_001, rounds), None);
    }

    #[test]
    fn a_round_too_far_back_is_not_searched_for() {
        let far = u128::from(MAX_ROUNDS_BACK) + 10;
        assert_eq!(settlement_round((far, 10_000), 0, |_| Some(5_000)), None);
        assert_eq!(settlement_round((far, 10_000), 6_000, |_| Some(5_000)), Some(far));
    }

    #[test]
    fn the_upkeep_comes_at_once_then_every_period() {
        let mut s = Schedule::every(600);
        assert!(s.due(1_000));
        assert!(!s.due(1_599));
        assert!(s.due(1_600));
        assert!(!Schedule::every(0).due(1_000));
    }
}
