//! The trade rules, pure: a trade price must lie in a band around the engine's own mark, and a
//! change set that leaves the account below initial margin passes only when it is exempt.
//!
//! Rule (judged once per call, on the whole account after all its changes):
//! 1. every change's price lies within `band · F` of its instrument's mark (F: the underlying's
//!    price; the band is the underlying's future band for perps and futures, its option band for
//!    options), so no trade moves more than that much value per unit between two accounts;
//! 2. the account meets initial margin after the changes, or
//! 3. it is **exempt**: every change shrinks a position towards zero without changing its side,
//!    and after them neither the account's equity nor its maintenance health (equity −
//!    maintenance margin) is lower than before, both within [`grace`] (the rounding of the cash
//!    and of the valuation). Closing the hedge leg of a hedged book (health falls), or closing at
//!    a price worse than the mark (equity falls), is not exempt: it needs initial margin.
//!
//! Rules 2 and 3 hold at the live prices and, when an underlying's reference price is apart from
//! its live one, at the reference prices too ([`crate::reference_rule`]): a pumped feed cannot be
//! realised through a trade.

use alloy_primitives::I256;
use pm_common::scaling::pow10;
use pm_risk::fixed::{wmul, Rounding};
use pm_risk::wire::Quote;

use crate::figures::Figures;
use crate::units::UsdWad;

/// The largest band, a fraction with 18 decimals (50%).
pub const MAX_BAND: i128 = 500_000_000_000_000_000;

/// The widest a trade price may lie from `quote.mark`: `band · quote.price`, rounded down.
/// `None` when it does not fit (it always does for a band ≤ [`MAX_BAND`] and a price in range).
pub fn band_limit(quote: &Quote, band: i128) -> Option<i128> {
    wmul(band, quote.price, Rounding::Down).ok()
}

/// Whether `price` lies within `limit` of `quote.mark`.
pub fn within_band(price: i128, quote: &Quote, limit: i128) -> bool {
    price
        .checked_sub(quote.mark)
        .and_then(i128::checked_abs)
        .is_some_and(|d| d <= limit)
}

/// The rounding an exempt change set may cost the account: per change, one settlement-token
/// unit (the cash is rounded against the account) and one unit of the risk program's USD (6
/// decimals; the valuation), plus one more of each for the collateral valuation. USD, 18 decimals.
pub fn grace(changes: usize, decimals: u8) -> UsdWad {
    // One token unit in 18 decimals: 10^(18 − decimals) (settlement tokens have at most 18).
    let token_unit = 18u8
        .checked_sub(decimals)
        .and_then(pow10)
        .and_then(|u| i128::try_from(u).ok())
        .unwrap_or(1);
    let per_change = token_unit.saturating_add(1_000_000_000_000);
    let count = i128::try_from(changes).unwrap_or(i128::MAX).saturating_add(1);
    UsdWad(I256::try_from(count.saturating_mul(per_change)).unwrap_or(I256::MAX))
}

/// Whether changes that shrink positions are exempt from initial margin: neither equity nor
/// maintenance health fell by more than `grace` from `before` to `after`.
pub fn exempt(before: &Figures, after: &Figures, grace: UsdWad) -> bool {
    let health = |f: &Figures| f.equity.0.saturating_sub(f.maintenance.0);
    after.equity.0.saturating_add(grace.0) >= before.equity.0
        && health(after).saturating_add(grace.0) >= health(before)
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects, clippy::unwrap_used)]
mod tests {
    use super::*;

    const WAD: i128 = 1_000_000_000_000_000_000;

    fn usd(v: i128) -> UsdWad {
        UsdWad(I256::try_from(v * WAD).unwrap())
    }

    fn figures(equity: i128, maintenance: i128) -> Figures {
        Figures {
            equity: usd(equity),
            maintenance: usd(maintenance),
            initial: usd(maintenance * 5 / 4),
            ..Figures::default()
        }
    }

    #[test]
    fn the_band_is_a_fraction_of_the_underlying_price_around_the_mark() {
        let quote = Quote {
            mark: 4_000 * WAD,
            price: 65_000 * WAD,
        };
        let limit = band_limit(&quote, WAD / 100).unwrap();
        assert_eq!(limit, 650 * WAD);
        assert!(within_band(4_650 * WAD, &quote, limit));
        assert!(within_band(3_350 * WAD, &quote, limit));
        assert!(!within_band(4_650 * WAD + 1, &quote, limit));
        assert!(!within_band(3_350 * WAD - 1, &quote, limit));
        assert!(!within_band(i128::MIN, &quote, limit), "no overflow");
    }

    #[test]
    fn shrinking_is_exempt_only_when_equity_and_health_do_not_fall() {
        let grace = grace(1, 6);
        // Closing a naked short: maintenance falls, equity unchanged.
        assert!(exempt(&figures(100, 120), &figures(100, 60), grace));
        // Closing a hedge leg: maintenance rises, health falls.
        assert!(!exempt(&figures(33_552, 27_000), &figures(33_552, 54_909), grace));
        // Closing at a price worse than the mark: equity falls though health rises.
        assert!(!exempt(&figures(1_000, 900), &figures(990, 100), grace));
        // A fall within the grace (rounding) is not a fall.
        let mut after = figures(100, 60);
        after.equity.0 -= grace.0;
        assert!(exempt(&figures(100, 60), &after, grace));
        after.equity.0 -= I256::ONE;
        assert!(!exempt(&figures(100, 60), &after, grace));
    }

    #[test]
    fn the_grace_is_a_token_unit_and_a_risk_unit_per_change_and_one_more() {
        // 6 decimals: 1e-6 USD each; two changes and the collateral: 3 · 2e-6 USD.
        assert_eq!(grace(2, 6).0, I256::try_from(6_000_000_000_000i128).unwrap());
        assert_eq!(grace(0, 18).0, I256::try_from(1_000_000_000_001i128).unwrap());
        assert_eq!(
            grace(0, 2).0,
            I256::try_from(10_000_000_000_000_000i128 + 1_000_000_000_000).unwrap()
        );
    }
}
