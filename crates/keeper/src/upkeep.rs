//! The engine's chores that anyone may do and a keeper does: fixing each passed expiry's
//! settlement price from its feed's round, moving the reference prices towards the live ones,
//! and moving parameter and haircut changes along their ramps (which never jump: time beyond an
//! hour between two calls is not made up, so they must be called at least hourly).

/// Seconds between two upkeeps by default: well within the hour a ramp or a reference price
/// may move by at a time.
pub const DEFAULT_UPKEEP_EVERY: u64 = 600;

/// The longest period between two upkeeps (`--upkeep-every`): ramps and reference prices do not
/// make up time beyond an hour between two calls.
pub const MAX_UPKEEP_EVERY: u64 = 3_600;

/// What a feed's rounds say of an expiry's settlement round.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Settlement {
    /// No round has been updated at or after the expiry yet.
    NotYet,
    /// The round `fixExpiryPrice` wants: the first updated at or after the expiry, and when.
    Round {
        /// Its id (phase in the bits above 64, the aggregator's round below).
        id: u128,
        /// Its `updatedAt`.
        updated_at: u64,
    },
    /// The chain cannot be shown the round, and trying again will not change that (why).
    Unprovable(String),
}

/// The settlement round of `expiry` (unix seconds), as `fixExpiryPrice` wants it: the first
/// round updated at or after the expiry, with the round before it updated earlier. A
/// Chainlink id is the phase above bit 64 and the aggregator's round below, rounds 1, 2, … of a
/// phase in order of `updatedAt`, so it is a binary search over the latest round's phase
/// (`latest`: id and `updatedAt`), at most 64 reads of `updated_at(id)` (none: no such round).
/// A round that opens its phase cannot be proved first (the round before it is in another
/// aggregator): `Unprovable`.
///
/// # Errors
/// A round cannot be read (try again later).
pub fn settlement_round(
    latest: (u128, u64),
    expiry: u64,
    mut updated_at: impl FnMut(u128) -> Result<Option<u64>, String>,
) -> Result<Settlement, String> {
    let (id, updated) = latest;
    if updated < expiry {
        return Ok(Settlement::NotYet);
    }
    let phase = id >> 64;
    let last = id & u128::from(u64::MAX);
    // The first round of 1..=last updated at or after the expiry (`last` is).
    let (mut lo, mut hi, mut found) = (1u128, last, updated);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        match updated_at((phase << 64) | mid)? {
            Some(t) if t >= expiry => {
                hi = mid;
                found = t;
            }
            Some(_) => lo = mid + 1,
            None => {
                return Ok(Settlement::Unprovable(format!(
                    "round {mid} of phase {phase} is missing"
                )))
            }
        }
    }
    if hi <= 1 {
        return Ok(Settlement::Unprovable(format!(
            "the first round at or after the expiry opens phase {phase}"
        )));
    }
    Ok(Settlement::Round {
        id: (phase << 64) | hi,
        updated_at: found,
    })
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

    /// Rounds 1..=10 of phase 1 updated at 100, 200, …, 1,000; one read counted per call.
    fn rounds(reads: &mut u32) -> impl FnMut(u128) -> Result<Option<u64>, String> + '_ {
        |id| {
            *reads += 1;
            let n = id & u128::from(u64::MAX);
            Ok((id >> 64 == 1 && (1..=10).contains(&n)).then(|| n as u64 * 100))
        }
    }

    const LATEST: (u128, u64) = ((1 << 64) | 10, 1_000);

    fn round(n: u128, updated_at: u64) -> Settlement {
        Settlement::Round {
            id: (1 << 64) | n,
            updated_at,
        }
    }

    #[test]
    fn the_settlement_round_is_the_first_at_or_after_the_expiry() {
        let mut reads = 0;
        assert_eq!(
            settlement_round(LATEST, 450, rounds(&mut reads)),
            Ok(round(5, 500))
        );
        assert!(reads <= 4, "a binary search: {reads} reads");
        assert_eq!(
            settlement_round(LATEST, 500, rounds(&mut reads)),
            Ok(round(5, 500))
        );
        assert_eq!(
            settlement_round(LATEST, 501, rounds(&mut reads)),
            Ok(round(6, 600))
        );
        assert_eq!(
            settlement_round(LATEST, 1_000, rounds(&mut reads)),
            Ok(round(10, 1_000))
        );
        assert_eq!(
            settlement_round(LATEST, 101, rounds(&mut reads)),
            Ok(round(2, 200))
        );
        // No round since the expiry yet.
        assert_eq!(
            settlement_round(LATEST, 1_001, rounds(&mut reads)),
            Ok(Settlement::NotYet)
        );
    }

    #[test]
    fn a_round_that_opens_its_phase_or_a_missing_round_cannot_be_proved() {
        let mut reads = 0;
        // Every round of the phase is after the expiry: the first opens the phase.
        assert!(matches!(
            settlement_round(LATEST, 50, rounds(&mut reads)),
            Ok(Settlement::Unprovable(_))
        ));
        // A phase whose rounds cannot be read.
        assert!(matches!(
            settlement_round((2 << 64 | 10, 1_000), 450, rounds(&mut reads)),
            Ok(Settlement::Unprovable(_))
        ));
        // A read that fails is an error, not an answer.
        assert!(settlement_round(LATEST, 450, |_| Err("timeout".into())).is_err());
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
