//! Instrument ids, and the cash a trade or an expiry moves. Pure.
//!
//! An instrument id *is* the instrument (no registry, so a margin check reads nothing per
//! instrument): a `uint128` with, from the top, `underlying` (8 bits), `kind` (8 bits: 0 perp,
//! 1 future, 2 call, 3 put), `expiry` (40 bits, unix seconds; 0 for a perp) and `strike` (72 bits,
//! USD with 8 decimals; 0 for perps and futures).
//!
//! How positions are stored: [`crate::position_words`].

use pm_common::scaling::pow10;
use pm_risk::fixed::{mul_div, Rounding};
use pm_risk::units::{MAX_EXPIRY_SECONDS, MAX_PRICE, MAX_SIZE, MIN_PRICE};
use pm_risk::Instrument;

use crate::units::TokenUnits;

/// Perpetual future.
pub const PERP: u8 = 0;
/// Dated future.
pub const FUTURE: u8 = 1;
/// European call.
pub const CALL: u8 = 2;
/// European put.
pub const PUT: u8 = 3;

/// A strike's unit (1e-8 USD) in 18-decimal fixed point.
const STRIKE_UNIT: i128 = 10_000_000_000;
const MASK_40: u128 = (1 << 40) - 1;
const MASK_72: u128 = (1 << 72) - 1;

/// A decoded instrument id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spec {
    /// Index of the listed underlying.
    pub underlying: u8,
    /// [`PERP`], [`FUTURE`], [`CALL`] or [`PUT`].
    pub kind: u8,
    /// Expiry, unix seconds (0 for a perp).
    pub expiry: u64,
    /// Strike, USD with 8 decimals (0 unless an option).
    pub strike: u128,
}

/// The id of `spec`. Fields wider than their bits are cut: ids come from [`Spec::id`] only.
pub fn id_of(spec: &Spec) -> u128 {
    (u128::from(spec.underlying) << 120)
        | (u128::from(spec.kind) << 112)
        | ((u128::from(spec.expiry) & MASK_40) << 72)
        | (spec.strike & MASK_72)
}

/// Decodes an id (every bit pattern decodes; [`valid`] says whether it is an instrument).
pub fn spec_of(id: u128) -> Spec {
    Spec {
        underlying: (id >> 120) as u8,
        kind: (id >> 112) as u8,
        expiry: ((id >> 72) & MASK_40) as u64,
        strike: id & MASK_72,
    }
}

/// The strike in 18-decimal fixed point.
pub fn strike_wad(spec: &Spec) -> i128 {
    // At most 2^72 · 1e10 < 2^106: a plain product cannot overflow (a checked one was a
    // `__muloti4` call, 7 gas). A strike field wider than an id's 72 bits (never from an id)
    // counts as 2^72 − 1, above the largest price.
    (spec.strike.min(MASK_72) as i128).wrapping_mul(STRIKE_UNIT)
}

/// Whether `spec` is well formed on one of `listed` underlyings: a perp has no expiry and no
/// strike, a future an expiry and no strike, an option both, its strike within the price range.
pub fn valid(spec: &Spec, listed: usize) -> bool {
    if usize::from(spec.underlying) >= listed {
        return false;
    }
    let strike = strike_wad(spec);
    match spec.kind {
        PERP => spec.expiry == 0 && spec.strike == 0,
        FUTURE => spec.expiry != 0 && spec.strike == 0,
        CALL | PUT => spec.expiry != 0 && (MIN_PRICE..=MAX_PRICE).contains(&strike),
        _ => false,
    }
}

/// Whether an instrument can be traded at `now`: not expired, and expiring within 5 years.
pub fn tradable(spec: &Spec, now: u64) -> bool {
    spec.kind == PERP || (spec.expiry > now && spec.expiry.saturating_sub(now) <= MAX_EXPIRY_SECONDS)
}

/// The risk crate's instrument.
pub fn risk_instrument(spec: &Spec) -> Instrument {
    let strike = strike_wad(spec);
    match spec.kind {
        FUTURE => Instrument::Future { expiry: spec.expiry },
        CALL => Instrument::Call {
            strike,
            expiry: spec.expiry,
        },
        PUT => Instrument::Put {
            strike,
            expiry: spec.expiry,
        },
        _ => Instrument::Perp,
    }
}

/// Whether a size may be held: |size| ≤ the risk crate's largest size.
pub fn size_in_range(size: i128) -> bool {
    size.checked_abs().is_some_and(|a| a <= MAX_SIZE)
}

/// Whether going from `old` to `new` units only lowers risk: the position shrinks towards zero
/// without changing side.
pub fn is_reduction(old: i128, new: i128) -> bool {
    new == 0 || (new.signum() == old.signum() && new.unsigned_abs() < old.unsigned_abs())
}

/// Value per unit at expiry, USD with 18 decimals, for settlement at `price`: a future is worth
/// the price, a call `max(price − strike, 0)`, a put `max(strike − price, 0)`; a perp does not expire.
pub fn expiry_value(spec: &Spec, price: i128) -> i128 {
    let strike = strike_wad(spec);
    match spec.kind {
        FUTURE => price,
        CALL => price.saturating_sub(strike).max(0),
        PUT => strike.saturating_sub(price).max(0),
        _ => 0,
    }
}

/// The settlement-token units an account receives (> 0) or pays (< 0) when `units` (18 decimals)
/// change hands at `value` USD per unit (18 decimals): `−units · value`, in a token with
/// `decimals` (≤ 36) decimals worth one USD, rounded towards −∞: what the account pays is rounded
/// up and what it receives down, so the counterparty never loses to rounding. `None` on overflow.
pub fn cash_for(units: i128, value: i128, decimals: u8) -> Option<TokenUnits> {
    let scale = i128::try_from(pow10(36u8.checked_sub(decimals)?)?).ok()?;
    mul_div(units.checked_neg()?, value, scale, Rounding::Down)
        .ok()
        .map(TokenUnits)
}

#[cfg(test)]
mod tests {
    use super::*;

    const E18: i128 = 1_000_000_000_000_000_000;

    #[test]
    fn ids_round_trip() {
        let spec = Spec {
            underlying: 3,
            kind: CALL,
            expiry: 1_800_000_000,
            strike: 65_000 * 100_000_000,
        };
        assert_eq!(spec_of(id_of(&spec)), spec);
        assert_eq!(strike_wad(&spec), 65_000 * E18);
    }

    #[test]
    fn validity_by_kind() {
        let perp = Spec {
            underlying: 0,
            kind: PERP,
            expiry: 0,
            strike: 0,
        };
        assert!(valid(&perp, 1));
        assert!(!valid(&perp, 0), "unlisted underlying");
        assert!(!valid(&Spec { expiry: 5, ..perp }, 1), "perp with expiry");
        assert!(valid(
            &Spec {
                kind: FUTURE,
                expiry: 5,
                ..perp
            },
            1
        ));
        assert!(
            !valid(
                &Spec {
                    kind: CALL,
                    expiry: 5,
                    ..perp
                },
                1
            ),
            "call without strike"
        );
        assert!(valid(
            &Spec {
                kind: PUT,
                expiry: 5,
                strike: 1,
                ..perp
            },
            1
        ));
        assert!(!valid(&Spec { kind: 4, ..perp }, 1), "unknown kind");
    }

    #[test]
    fn reductions_shrink_without_changing_side() {
        assert!(is_reduction(10, 4));
        assert!(is_reduction(-10, 0));
        assert!(!is_reduction(10, -1), "flip");
        assert!(!is_reduction(10, 11));
        assert!(!is_reduction(0, 1));
    }

    #[test]
    fn cash_rounds_against_the_account() {
        // Buy 1 unit at 1.0000005 USD in a 6-decimal token: pays 1.000001 (rounded up).
        assert_eq!(
            cash_for(E18, E18 + 500_000_000_000, 6),
            Some(TokenUnits(-1_000_001))
        );
        // Sell it: receives 1.000000 (rounded down).
        assert_eq!(
            cash_for(-E18, E18 + 500_000_000_000, 6),
            Some(TokenUnits(1_000_000))
        );
        assert_eq!(cash_for(3 * E18, 0, 6), Some(TokenUnits(0)));
        assert_eq!(cash_for(E18, E18, 37), None);
    }

    #[test]
    fn expiry_values() {
        let call = Spec {
            underlying: 0,
            kind: CALL,
            expiry: 1,
            strike: 100 * 100_000_000,
        };
        assert_eq!(expiry_value(&call, 130 * E18), 30 * E18);
        assert_eq!(expiry_value(&call, 70 * E18), 0);
        assert_eq!(expiry_value(&Spec { kind: PUT, ..call }, 70 * E18), 30 * E18);
        assert_eq!(
            expiry_value(
                &Spec {
                    kind: FUTURE,
                    strike: 0,
                    ..call
                },
                70 * E18
            ),
            70 * E18
        );
    }
}
