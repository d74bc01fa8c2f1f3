//! The settle budget, pure: what an authorised market may move through `settle` (fees, funding,
//! realised PnL outside trades) is bounded per hour, not per call, so a market that is wrong or
//! taken over cannot drain the vault by calling it many times.
//!
//! Each market has a cap (settlement-token units per hour, set by the owner) and a meter of what
//! it used. The meter drains at the cap's rate (a leaky bucket: `cap · seconds / 1 h`, rounded
//! down, so against the market) and each `settle` adds its amount, in either direction; a settle
//! that would take the meter above the cap is refused. So in any hour a market moves at most twice
//! its cap (a full meter drained and filled again), and at most its cap in one burst.

use pm_risk::fixed::{mul_div, Rounding};

/// Seconds over which a full cap drains from the meter.
pub const HOUR: u64 = 3_600;

/// The meter `elapsed` seconds after it read `used`, with `cap` per hour (all ≥ 0): `used` less
/// what drained, and empty after an hour (also when a lowered cap left it above the cap).
pub fn drained(used: i128, cap: i128, elapsed: u64) -> i128 {
    if elapsed >= HOUR {
        return 0;
    }
    // cap · elapsed / HOUR over a 256-bit product, rounded down (cannot fail: HOUR ≠ 0, and the
    // quotient is at most cap).
    let drain = mul_div(cap, i128::from(elapsed), i128::from(HOUR), Rounding::Down).unwrap_or(0);
    used.saturating_sub(drain).max(0)
}

/// The meter after a settle of `amount` (≥ 0, either direction), or `None` when it would pass
/// `cap`; `used` was read `elapsed` seconds before.
pub fn spend(used: i128, cap: i128, elapsed: u64, amount: i128) -> Option<i128> {
    drained(used, cap, elapsed)
        .checked_add(amount)
        .filter(|meter| *meter <= cap)
}

/// What the market may still move now: the cap less the drained meter.
pub fn available(used: i128, cap: i128, elapsed: u64) -> i128 {
    cap.saturating_sub(drained(used, cap, elapsed)).max(0)
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;

    const CAP: i128 = 10_000_000_000; // 10,000 USDC

    #[test]
    fn a_market_moves_its_cap_at_once_and_then_what_has_drained() {
        let full = spend(0, CAP, 0, CAP).unwrap();
        assert_eq!(full, CAP);
        // Nothing more in the same second, in either direction.
        assert_eq!(spend(full, CAP, 0, 1), None);
        // Half an hour drains half the cap.
        assert_eq!(available(full, CAP, HOUR / 2), CAP / 2);
        assert_eq!(spend(full, CAP, HOUR / 2, CAP / 2), Some(CAP));
        assert_eq!(spend(full, CAP, HOUR / 2, CAP / 2 + 1), None);
        // An hour or more drains it all.
        assert_eq!(drained(full, CAP, HOUR), 0);
        assert_eq!(drained(full, CAP, 10 * HOUR), 0);
    }

    #[test]
    fn many_small_settles_add_up_to_the_cap() {
        let mut meter = 0;
        for _ in 0..100 {
            meter = spend(meter, CAP, 0, CAP / 100).unwrap();
        }
        assert_eq!(spend(meter, CAP, 0, 1), None);
    }

    #[test]
    fn the_drain_rounds_against_the_market_and_never_overflows() {
        // 3,599 units per hour drain nothing in a second.
        assert_eq!(drained(3_599, 3_599, 1), 3_599);
        assert_eq!(drained(3_600, 3_600, 1), 3_599);
        // The largest cap: no overflow.
        assert_eq!(drained(i128::MAX, i128::MAX, HOUR - 1), i128::MAX / 3_600 + 1);
        assert_eq!(spend(i128::MAX, i128::MAX, 0, 1), None);
        // A zero cap refuses any amount and allows a zero one.
        assert_eq!(spend(0, 0, HOUR, 1), None);
        assert_eq!(spend(0, 0, 0, 0), Some(0));
    }

    #[test]
    fn a_lowered_cap_leaves_nothing_available_until_the_meter_drains_below_it() {
        // A full meter of the old cap drains at the new one: 3/4 of the old cap after half an
        // hour, still above the new cap; an hour empties any meter.
        assert_eq!(available(CAP, CAP / 2, 0), 0);
        assert_eq!(drained(CAP, CAP / 2, HOUR / 2), CAP / 4 * 3);
        assert_eq!(available(CAP, CAP / 2, HOUR / 2), 0);
        assert_eq!(available(CAP, CAP / 2, HOUR), CAP / 2);
    }
}
