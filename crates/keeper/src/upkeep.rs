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
/// phase in order of `updatedAt`, and phases follow each other in time. So it is a binary
/// search over the latest round's phase (`latest`: id and `updatedAt`, 0 when that phase has
/// not posted yet, and the search starts in the phase before; at most 64 reads of
/// `updated_at(id)`, none: no such round), and when that phase's first round is already at or
/// after the expiry, the same over the phase before that has posted (its last round found by
/// doubling, then halving; phase 0 included), and so on. A round that opens its phase cannot be
/// proved first (the round before it is in another aggregator): `Unprovable`.
///
/// # Errors
/// A round cannot be read (try again later).
pub fn settlement_round(
    latest: (u128, u64),
    expiry: u64,
    mut updated_at: impl FnMut(u128) -> Result<Option<u64>, String>,
) -> Result<Settlement, String> {
    let (id, updated) = latest;
    let mut phase = id >> 64;
    let (mut last, mut last_updated) = (id & u128::from(u64::MAX), updated);
    if updated == 0 {
        // The latest phase has not posted yet: the round is in a phase before it.
        match earlier_posted(phase, &mut updated_at)? {
            Some((p, before, at)) if at >= expiry => (phase, last, last_updated) = (p, before, at),
            _ => return Ok(Settlement::NotYet),
        }
    } else if updated < expiry {
        return Ok(Settlement::NotYet);
    }
    loop {
        // The first round of 1..=last updated at or after the expiry (`last` is).
        let (mut lo, mut hi, mut found) = (1u128, last, last_updated);
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
        if hi > 1 {
            return Ok(Settlement::Round {
                id: (phase << 64) | hi,
                updated_at: found,
            });
        }
        // The phase opens at or after the expiry: the round may be in the phase before.
        let opens = Settlement::Unprovable(format!(
            "the first round at or after the expiry opens phase {phase}"
        ));
        match earlier_posted(phase, &mut updated_at)? {
            Some((p, before, at)) if at >= expiry => (phase, last, last_updated) = (p, before, at),
            _ => return Ok(opens),
        }
    }
}

/// The nearest phase before `phase` that has posted (one with no round 1 has not opened:
/// skipped, as `fixExpiryPrice` skips it; phase 0 included), its last round and that round's
/// `updatedAt`; `None` if none has.
///
/// # Errors
/// A round cannot be read.
fn earlier_posted(
    mut phase: u128,
    updated_at: &mut impl FnMut(u128) -> Result<Option<u64>, String>,
) -> Result<Option<(u128, u128, u64)>, String> {
    while phase > 0 {
        phase -= 1;
        if let Some((last, at)) = last_round(phase, updated_at)? {
            return Ok(Some((phase, last, at)));
        }
    }
    Ok(None)
}

/// The last round of `phase` and its `updatedAt` (`None`: the phase has no round 1): doubling
/// from round 1 until a round is missing, then halving between the last found and the first
/// missing (rounds of a phase have no gaps).
///
/// # Errors
/// A round cannot be read.
fn last_round(
    phase: u128,
    updated_at: &mut impl FnMut(u128) -> Result<Option<u64>, String>,
) -> Result<Option<(u128, u64)>, String> {
    let mut at = |n: u128| updated_at((phase << 64) | n);
    let Some(mut found_at) = at(1)? else {
        return Ok(None);
    };
    let (mut found, mut missing) = (1u128, None);
    let mut step = 1u128;
    while missing.is_none() && found + step <= u128::from(u64::MAX) {
        match at(found + step)? {
            Some(t) => {
                (found, found_at) = (found + step, t);
                step *= 2;
            }
            None => missing = Some(found + step),
        }
    }
    let mut hi = missing.unwrap_or(found + 1);
    while hi - found > 1 {
        let mid = found + (hi - found) / 2;
        match at(mid)? {
            Some(t) => (found, found_at) = (mid, t),
            None => hi = mid,
        }
    }
    Ok(Some((found, found_at)))
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

    /// Phase 1: rounds 1..=10 at 100, …, 1,000; phase 2 (a new aggregator): rounds 1..=5 at
    /// 1,100, …, 1,500.
    fn two_phases(reads: &mut u32) -> impl FnMut(u128) -> Result<Option<u64>, String> + '_ {
        |id| {
            *reads += 1;
            let (phase, n) = (id >> 64, (id & u128::from(u64::MAX)) as u64);
            Ok(match phase {
                1 => (1..=10).contains(&n).then_some(n * 100),
                2 => (1..=5).contains(&n).then_some(1_000 + n * 100),
                _ => None,
            })
        }
    }

    #[test]
    fn an_expiry_before_the_latest_phase_is_settled_in_the_phase_before() {
        let latest = ((2 << 64) | 5, 1_500);
        let mut reads = 0;
        // The expiry at 650: phase 2 opens after it; phase 1's round 7 is the settlement round.
        assert_eq!(
            settlement_round(latest, 650, two_phases(&mut reads)),
            Ok(round(7, 700))
        );
        assert!(reads <= 16, "{reads} reads");
        // At 1,000: phase 1's last round.
        assert_eq!(
            settlement_round(latest, 1_000, two_phases(&mut reads)),
            Ok(round(10, 1_000))
        );
        // At 1,050: the first round after it opens phase 2, and cannot be proved.
        assert!(matches!(
            settlement_round(latest, 1_050, two_phases(&mut reads)),
            Ok(Settlement::Unprovable(_))
        ));
        // At 1,250: phase 2's round 3, as before.
        assert_eq!(
            settlement_round(latest, 1_250, two_phases(&mut reads)),
            Ok(Settlement::Round {
                id: (2 << 64) | 3,
                updated_at: 1_300
            })
        );
        // At 50: every round of both phases is after it; phase 1's first opens it.
        assert!(matches!(
            settlement_round(latest, 50, two_phases(&mut reads)),
            Ok(Settlement::Unprovable(_))
        ));
    }

    #[test]
    fn a_phase_that_never_posted_is_skipped_down_to_phase_0() {
        // Phase 0 (a proxy's first aggregator): rounds 1..=10 at 100, …, 1,000; phase 1 never
        // posted; phase 2: rounds 1..=5 at 1,100, …, 1,500. As `fixExpiryPrice`, the keeper
        // takes phase 0, the last to open before the expiry.
        let feed = |id: u128| {
            let (phase, n) = (id >> 64, (id & u128::from(u64::MAX)) as u64);
            Ok(match phase {
                0 => (1..=10).contains(&n).then_some(n * 100),
                2 => (1..=5).contains(&n).then_some(1_000 + n * 100),
                _ => None,
            })
        };
        let latest = ((2 << 64) | 5, 1_500);
        assert_eq!(
            settlement_round(latest, 650, feed),
            Ok(Settlement::Round {
                id: 7,
                updated_at: 700
            })
        );
    }

    #[test]
    fn a_latest_phase_that_has_not_posted_leaves_the_search_to_the_phase_before() {
        // Phase 1: rounds 1..=10 at 100, …, 1,000; phase 2 is the proxy's latest but has not
        // posted (its latest round answers zeros).
        let mut reads = 0;
        assert_eq!(
            settlement_round((2 << 64, 0), 650, two_phases_but_2_empty(&mut reads)),
            Ok(round(7, 700))
        );
        // Phase 1 has nothing at or after 1,050 yet.
        assert_eq!(
            settlement_round((2 << 64, 0), 1_050, two_phases_but_2_empty(&mut reads)),
            Ok(Settlement::NotYet)
        );
    }

    fn two_phases_but_2_empty(reads: &mut u32) -> impl FnMut(u128) -> Result<Option<u64>, String> + '_ {
        |id| {
            *reads += 1;
            let n = (id & u128::from(u64::MAX)) as u64;
            Ok((id >> 64 == 1 && (1..=10).contains(&n)).then_some(n * 100))
        }
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
