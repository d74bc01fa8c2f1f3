//! The reference price rule, pure: a lagged price per underlying that withdrawals are also judged
//! at, so a feed pumped for a short time does not let an account withdraw a gain it has not
//! realised (Mango Markets, October 2022).
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
/// `REFERENCE_STEP · min(elapsed, 1 h) / 1 h` of `old` (`live` itself when `old` is not set).
pub fn next_reference(old: i128, live: i128, elapsed: u64) -> i128 {
    if old <= 0 {
        return live;
    }
    let hours = i128::from(elapsed.min(HOUR));
    let step = mul_div(REFERENCE_STEP, hours, i128::from(HOUR), Rounding::Down).unwrap_or(0);
    let most = mul_div(old, step, WAD, Rounding::Down).unwrap_or(0);
    live.clamp(old.saturating_sub(most), old.saturating_add(most))
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;

    const P: i128 = 65_000 * WAD;

    #[test]
    fn the_first_update_sets_the_live_price() {
        assert_eq!(next_reference(0, P, 0), P);
    }

    #[test]
    fn a_reference_moves_at_most_two_percent_an_hour_towards_the_live_price() {
        // A tenfold pump: an hour moves the reference 2%, a minute 1/60 of that.
        assert_eq!(next_reference(P, 10 * P, HOUR), P / 50 * 51);
        let per_minute = REFERENCE_STEP * 60 / HOUR as i128;
        assert_eq!(next_reference(P, 10 * P, 60), P + P / WAD * per_minute);
        // More than an hour since the last update counts as one.
        assert_eq!(next_reference(P, 10 * P, 30 * HOUR), P / 50 * 51);
        // Down as up; a live price within the step is taken as it is.
        assert_eq!(next_reference(P, P / 10, HOUR), P / 50 * 49);
        assert_eq!(next_reference(P, P / 100 * 101, HOUR), P / 100 * 101);
        // No time, no move.
        assert_eq!(next_reference(P, 2 * P, 0), P);
    }
}
