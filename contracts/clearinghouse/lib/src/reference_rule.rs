//! The reference price rule, pure: a lagged price per underlying that withdrawals and trades are
//! also judged at, so a feed pumped for a short time does not let an account withdraw a gain it has
//! not realised, nor realise it through a trade with its own second account (Mango Markets,
//! October 2022).
//!
//! Anyone may move an underlying's reference towards its live price; each update moves it by at
//! most [`REFERENCE_STEP`] of itself per hour since the last update (an hour at most counts), and
//! sets it outright when none was set. A withdrawal must leave the account at initial margin at
//! the live prices *and* at the reference prices, so of a move since the reference it can withdraw
//! against at most 2% per hour (the bounded share), while a move against the account counts at
//! once (the live check).

use pm_risk::fixed::{mul_div, Rounding, Wad, WAD};

/// The most a reference moves per hour towards the live price, a fraction of itself (2%).
pub const REFERENCE_STEP: Wad = WAD / 50;
/// Seconds over which a full step accrues.
pub const HOUR: u64 = 3_600;

/// The reference after an update `elapsed` seconds after the last: `live`, within
/// `REFERENCE_STEP · min(elapsed, 1 h) / 1 h` of `old` (`live` itself when `old` is not set);
/// `None` when a product overflows (far beyond any price).
pub fn next_reference(old: i128, live: i128, elapsed: u64) -> Option<i128> {
    if old <= 0 {
        return Some(live);
    }
    // One division: old · step · seconds / (1 · hour), so small prices still move.
    let seconds = i128::from(elapsed.min(HOUR));
    let scale = WAD.checked_mul(i128::from(HOUR))?;
    let most = mul_div(old, REFERENCE_STEP.checked_mul(seconds)?, scale, Rounding::Down).ok()?;
    Some(live.clamp(old.saturating_sub(most), old.saturating_add(most)))
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;

    const P: i128 = 65_000 * WAD;

    #[test]
    fn the_first_update_sets_the_live_price() {
        assert_eq!(next_reference(0, P, 0), Some(P));
    }

    #[test]
    fn a_reference_moves_at_most_two_percent_an_hour_towards_the_live_price() {
        // A tenfold pump: an hour moves the reference 2%, a minute 1/60 of that.
        assert_eq!(next_reference(P, 10 * P, HOUR), Some(P / 50 * 51));
        assert_eq!(next_reference(P, 10 * P, 60), Some(P + P / 50 / 60));
        // More than an hour since the last update counts as one.
        assert_eq!(next_reference(P, 10 * P, 30 * HOUR), Some(P / 50 * 51));
        // Down as up; a live price within the step is taken as it is.
        assert_eq!(next_reference(P, P / 10, HOUR), Some(P / 50 * 49));
        assert_eq!(next_reference(P, P / 100 * 101, HOUR), Some(P / 100 * 101));
        // No time, no move.
        assert_eq!(next_reference(P, 2 * P, 0), Some(P));
        // A tiny price still moves a second at a time.
        assert_eq!(
            next_reference(WAD / 1_000_000_000, WAD, 1),
            Some(WAD / 1_000_000_000 + 5_555)
        );
    }
}
