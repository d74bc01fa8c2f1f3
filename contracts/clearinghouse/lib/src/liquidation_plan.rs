//! The liquidation rule, pure: how much of an account below maintenance margin a liquidator
//! takes over, and at what discount.
//!
//! An account is liquidatable when its equity E is below its maintenance margin M (M > 0).
//! A liquidator takes over the same fraction f of every position (a proportional slice of the
//! book) at the engine's marks, and the account pays a discount on top:
//!
//! - **discount rate** `d = min(MAX_DISCOUNT, (M − E) / M)`: it grows with how far equity is
//!   below maintenance (Euler's reverse Dutch discount), capped; it is a function of the
//!   account's health only, never of time, so a liquidator gains from waiting only if the account
//!   gets worse, which any other keeper can pre-empt;
//! - **discount** `D = d · f · M`: paid on the maintenance margin the liquidator takes over, not on
//!   the slice's value (a hedged book's value can be near zero or negative);
//! - **fraction** `f`: the least that brings the account to the target health
//!   `E' ≥ (1 + TARGET_BUFFER) · M'` with `E' = E − D` and `M' = (1 − f) · M`:
//!   `f = ((1 + b)·M − E) / ((1 + b − d)·M)` (plus two micro-dollars in the numerator for the
//!   discount's rounding), rounded up to a whole [`FRACTION_STEP`] (0.01%), at most 1 (all of
//!   it): a slice of a size with few significant digits keeps few, so the positions on both
//!   sides still fit their compact cells (two to a storage word, [`crate::position_words`]),
//!   where 18-digit slices would take a word each;
//! - **cash**: the liquidator pays the account the slice's value `f · (E − C)` (C: collateral; a
//!   negative value is paid to the liquidator), and the account pays the discount: the share
//!   `FUND_SHARE` of it to the insurance fund, the rest to the liquidator;
//! - **never into insolvency**: the account pays at most its equity (a solvent account ends at
//!   zero or above, so a liquidation never creates bad debt). What it pays goes to the liquidator
//!   first, up to its reward `(1 − FUND_SHARE) · D`, and the rest to the fund, so the split moves
//!   smoothly as equity runs out. When the liquidator gets less than [`MIN_REWARD`] of the
//!   margin taken over (only when everything is taken and equity is nearly gone), the fund pays
//!   it the difference, after covering the account's negative equity and as far as its balance
//!   goes: keepers are paid to take over an insolvent book, but the fund pays a small fee, not the
//!   whole discount (a gap between two accounts of one owner must not be a free option on it).
//!
//! Why a proportional slice is risk-optimal: margin is positively homogeneous (scaling every
//! position by f scales each scenario loss, each underlying's requirement and the correlated
//! aggregate by f), so taking the slice lowers the account's requirement by exactly f·M, the
//! requirement of what the liquidator takes. And it is subadditive (a worst case over scenarios,
//! and a correlation norm with a positive semi-definite matrix), so no other choice S of positions
//! lowers the requirement by more than the requirement of S itself: per unit of requirement taken
//! over, which is what the discount is paid on, nothing does better. Bound: the requirement falls
//! by f·M up to the rounding of sizes (one 10^-18 unit per position).
//!
//! Every division rounds against the account: a larger fraction and discount, a smaller value
//! received.

use pm_risk::fixed::{mul_div, Rounding, Usd, Wad, WAD};

/// The step a liquidation's fraction is rounded up to: 0.01%, 18 decimals.
pub const FRACTION_STEP: Wad = 100_000_000_000_000;

/// The default largest discount rate, a fraction of the maintenance margin taken over (10%).
pub const MAX_DISCOUNT: Wad = WAD / 10;
/// The default buffer: a liquidation leaves the account at `E' ≥ (1 + b) · M'` (10%).
pub const TARGET_BUFFER: Wad = WAD / 10;
/// The default share of each discount the insurance fund takes (25%); the liquidator the rest.
pub const FUND_SHARE: Wad = WAD / 4;
/// The default least a liquidator earns, a fraction of the maintenance margin taken over (1%):
/// the fund pays what an insolvent account cannot.
pub const MIN_REWARD: Wad = WAD / 100;

/// The liquidation parameters the risk admin sets, each a fraction with 18 decimals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    /// The largest discount rate, in (0, 50%].
    pub max_discount: Wad,
    /// The buffer above maintenance a liquidation restores, in (0, 100%].
    pub target_buffer: Wad,
    /// The fund's share of a discount, in [0, 100%].
    pub fund_share: Wad,
    /// The least a liquidator earns (the fund pays the rest), in [0, max_discount].
    pub min_reward: Wad,
}

impl Params {
    /// The defaults: 10% cap, 10% buffer, 25% to the fund, 1% least reward.
    pub const DEFAULT: Params = Params {
        max_discount: MAX_DISCOUNT,
        target_buffer: TARGET_BUFFER,
        fund_share: FUND_SHARE,
        min_reward: MIN_REWARD,
    };

    /// Whether each parameter lies in its range.
    pub fn valid(&self) -> bool {
        (1..=WAD / 2).contains(&self.max_discount)
            && (1..=WAD).contains(&self.target_buffer)
            && (0..=WAD).contains(&self.fund_share)
            && (0..=self.max_discount).contains(&self.min_reward)
    }
}

/// What a liquidation transfers, in the risk program's units.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// The fraction of every position the liquidator takes over, 18 decimals, in (0, 1].
    pub fraction: Wad,
    /// The discount rate, 18 decimals, in (0, [`MAX_DISCOUNT`]].
    pub discount_rate: Wad,
    /// What the liquidator pays the account for the slice (negative: receives), USD 6 decimals.
    pub transfer_value: Usd,
    /// What the account pays on top, USD 6 decimals: `D`, or its equity (at least 0) if less.
    pub discount: Usd,
    /// The insurance fund's part of the discount, USD 6 decimals: what the account pays beyond
    /// the liquidator's reward `(1 − FUND_SHARE) · D`.
    pub fund_share: Usd,
    /// What the fund owes the liquidator when the account paid it less than [`MIN_REWARD`] of
    /// the margin taken over, USD 6 decimals (paid after covering the account, as far as the
    /// fund's balance goes).
    pub fund_top_up: Usd,
}

impl Plan {
    /// The liquidator's part of the discount.
    pub fn liquidator_reward(&self) -> Usd {
        self.discount.saturating_sub(self.fund_share)
    }

    /// The account's cash from the liquidator: the slice's value less the liquidator's reward.
    pub fn from_liquidator(&self) -> Option<Usd> {
        self.transfer_value.checked_sub(self.liquidator_reward())
    }
}

/// The plan for an account with `equity`, `maintenance` margin and `collateral` (all USD with 6
/// decimals, as the risk program answers them) under `params` (valid ones); `None` when the
/// account is not liquidatable (equity at or above maintenance, or no maintenance margin) or a
/// figure is out of range.
pub fn plan(equity: Usd, maintenance: Usd, collateral: Usd, params: &Params) -> Option<Plan> {
    let Params {
        max_discount,
        target_buffer,
        fund_share,
        min_reward,
    } = *params;
    if maintenance <= 0 || equity >= maintenance {
        return None;
    }
    let shortfall = maintenance.checked_sub(equity)?;
    let discount_rate = mul_div(shortfall, WAD, maintenance, Rounding::Up)
        .ok()?
        .min(max_discount);
    let target = mul_div(maintenance, WAD.checked_add(target_buffer)?, WAD, Rounding::Up).ok()?;
    // Two micro-dollars more than the target: room for the discount's rounding up.
    let needed = target.checked_sub(equity)?.checked_add(2)?;
    let per_unit = WAD.checked_add(target_buffer)?.checked_sub(discount_rate)?;
    let released = mul_div(maintenance, per_unit, WAD, Rounding::Down).ok()?;
    let least_fraction = mul_div(needed, WAD, released, Rounding::Up).ok()?.min(WAD);
    let fraction = least_fraction
        .checked_add(FRACTION_STEP - 1)?
        .checked_div(FRACTION_STEP)?
        .checked_mul(FRACTION_STEP)?;
    let positions_value = equity.checked_sub(collateral)?;
    let transfer_value = mul_div(positions_value, fraction, WAD, Rounding::Down).ok()?;
    let rate_taken = mul_div(discount_rate, fraction, WAD, Rounding::Up).ok()?;
    let full = mul_div(rate_taken, maintenance, WAD, Rounding::Up).ok()?;
    let reward = full.checked_sub(mul_div(full, fund_share, WAD, Rounding::Down).ok()?)?;
    let discount = full.min(equity.max(0));
    let fund_share = discount.checked_sub(reward)?.max(0);
    let least = mul_div(min_reward, fraction, WAD, Rounding::Down).ok()?;
    let least = mul_div(least, maintenance, WAD, Rounding::Down).ok()?;
    let fund_top_up = least.checked_sub(discount.checked_sub(fund_share)?)?.max(0);
    Some(Plan {
        fraction,
        discount_rate,
        transfer_value,
        discount,
        fund_share,
        fund_top_up,
    })
}

/// The part of `size` a liquidator takes at `fraction` (18 decimals), rounded towards zero.
pub fn slice(size: i128, fraction: Wad) -> Option<i128> {
    let down = mul_div(size, fraction, WAD, Rounding::Down).ok()?;
    if size < 0 && down != mul_div(size, fraction, WAD, Rounding::Up).ok()? {
        return down.checked_add(1);
    }
    Some(down)
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects, clippy::unwrap_used)]
mod tests {
    use super::*;

    const D: Params = Params::DEFAULT;

    const USD: Usd = 1_000_000;

    fn target_health_holds(p: &Plan, equity: Usd, maintenance: Usd) -> bool {
        let e_after = equity - p.discount;
        let m_after = mul_div(maintenance, WAD - p.fraction, WAD, Rounding::Up).unwrap();
        e_after * WAD >= (WAD + TARGET_BUFFER) * m_after
    }

    #[test]
    fn nothing_to_liquidate_at_or_above_maintenance_or_without_margin() {
        assert_eq!(plan(100 * USD, 100 * USD, 0, &D), None);
        assert_eq!(plan(101 * USD, 100 * USD, 0, &D), None);
        assert_eq!(plan(-5 * USD, 0, 0, &D), None);
    }

    #[test]
    fn a_slightly_unhealthy_account_gives_up_a_small_slice_at_a_small_discount() {
        // E = 95, M = 100, collateral 80 (positions worth 15): d = 5%.
        let p = plan(95 * USD, 100 * USD, 80 * USD, &D).unwrap();
        assert_eq!(p.discount_rate, WAD / 20);
        // f = (110 − 95 + 0.000002) / (100 · 1.05) = 0.1428571619..., rounded up to 0.01%.
        assert_eq!(p.fraction, 142_900_000_000_000_000);
        // D = 0.05 · f · 100 = 0.7145; a quarter to the fund (rounded down).
        assert_eq!(p.discount, 714_500);
        assert_eq!(p.fund_share, 178_625);
        assert_eq!(p.liquidator_reward(), 535_875);
        // The slice of positions worth 15: 2.1435.
        assert_eq!(p.transfer_value, 2_143_500);
        assert!(target_health_holds(&p, 95 * USD, 100 * USD));
    }

    #[test]
    fn the_discount_grows_with_the_shortfall_and_is_capped() {
        let rate = |equity: Usd| plan(equity * USD, 100 * USD, 0, &D).unwrap().discount_rate;
        assert!(rate(99) < rate(95) && rate(95) < rate(91));
        assert_eq!(rate(90), MAX_DISCOUNT);
        assert_eq!(rate(50), MAX_DISCOUNT);
        assert_eq!(rate(-50), MAX_DISCOUNT);
    }

    #[test]
    fn the_fraction_is_the_least_that_reaches_the_target_health() {
        for equity in [99, 95, 90, 70, 50, 30, 11] {
            let (e, m) = (equity * USD, 100 * USD);
            let p = plan(e, m, 0, &D).unwrap();
            assert!(p.fraction < WAD, "{equity}");
            assert!(target_health_holds(&p, e, m), "{equity}");
            // The fraction is whole steps, and a step and a unit (10^-6) less misses the target
            // (before rounding the discount): it is the least step up from the least fraction.
            assert_eq!(p.fraction % FRACTION_STEP, 0);
            let less = Plan {
                fraction: p.fraction - FRACTION_STEP - 1_000_000_000_000,
                ..p
            };
            let d = mul_div(
                mul_div(p.discount_rate, less.fraction, WAD, Rounding::Up).unwrap(),
                m,
                WAD,
                Rounding::Up,
            )
            .unwrap();
            assert!(
                !target_health_holds(&Plan { discount: d, ..less }, e, m),
                "{equity}"
            );
        }
    }

    #[test]
    fn an_account_at_or_below_the_discount_is_taken_whole() {
        // E ≤ d · M (10): f reaches 1, everything, and the discount is 10% of M.
        let p = plan(10 * USD, 100 * USD, 0, &D).unwrap();
        assert_eq!(
            (p.fraction, p.discount, p.fund_share, p.fund_top_up),
            (WAD, 10 * USD, 5 * USD / 2, 0)
        );
    }

    #[test]
    fn an_account_pays_at_most_its_equity_first_to_the_liquidator() {
        // D = 10, the reward 7.50. E = 9: the account pays 9, 7.50 to the liquidator, 1.50 to
        // the fund; E = 4: all 4 to the liquidator, nothing to the fund, no top-up (above 1%).
        let p = plan(9 * USD, 100 * USD, 0, &D).unwrap();
        assert_eq!(
            (p.fraction, p.discount, p.fund_share, p.fund_top_up),
            (WAD, 9 * USD, 3 * USD / 2, 0)
        );
        let p = plan(4 * USD, 100 * USD, 0, &D).unwrap();
        assert_eq!((p.discount, p.fund_share, p.fund_top_up), (4 * USD, 0, 0));
        assert_eq!(p.liquidator_reward(), 4 * USD);
        // E = 0.40: the fund tops the liquidator up to 1% of the margin taken over.
        let p = plan(USD * 2 / 5, 100 * USD, 0, &D).unwrap();
        assert_eq!(
            (p.discount, p.fund_share, p.fund_top_up),
            (USD * 2 / 5, 0, USD * 3 / 5)
        );
        // Insolvent: the account pays nothing; the fund owes 1% of M.
        for equity in [0, -40] {
            let p = plan(equity * USD, 100 * USD, 0, &D).unwrap();
            assert_eq!((p.discount, p.fund_share, p.fund_top_up), (0, 0, USD), "{equity}");
        }
    }

    #[test]
    fn a_book_worth_less_than_nothing_is_paid_for_by_the_account() {
        // Short options: positions worth −30, collateral 120, E = 90, M = 100.
        let p = plan(90 * USD, 100 * USD, 120 * USD, &D).unwrap();
        assert!(p.transfer_value < 0);
        assert!(p.from_liquidator().unwrap() < p.transfer_value);
    }

    #[test]
    fn parameters_have_ranges_and_change_the_plan() {
        assert!(D.valid());
        for bad in [
            Params { max_discount: 0, ..D },
            Params {
                max_discount: WAD / 2 + 1,
                ..D
            },
            Params {
                target_buffer: 0,
                ..D
            },
            Params {
                fund_share: WAD + 1,
                ..D
            },
            Params {
                min_reward: D.max_discount + 1,
                ..D
            },
        ] {
            assert!(!bad.valid(), "{bad:?}");
        }
        // A 2% cap and a 20% buffer: a smaller rate, a larger slice.
        let p = plan(95 * USD, 100 * USD, 0, &D).unwrap();
        let q = plan(
            95 * USD,
            100 * USD,
            0,
            &Params {
                max_discount: WAD / 50,
                target_buffer: WAD / 5,
                ..D
            },
        )
        .unwrap();
        assert_eq!(q.discount_rate, WAD / 50);
        assert!(q.fraction > p.fraction);
    }

    #[test]
    fn a_slice_rounds_towards_zero() {
        assert_eq!(slice(10, WAD / 3), Some(3));
        assert_eq!(slice(-10, WAD / 3), Some(-3));
        // WAD / 3 is a little under a third.
        assert_eq!(slice(-9, WAD / 3), Some(-2));
        assert_eq!(slice(9, WAD / 3), Some(2));
        assert_eq!(slice(7, WAD), Some(7));
        assert_eq!(slice(-7, WAD), Some(-7));
    }
}
