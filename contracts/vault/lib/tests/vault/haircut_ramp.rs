//! A listed token's haircut ramps in over a day: raising it does not cut a holder's collateral
//! value at once.

use alloy_primitives::{Address, I256, U256};
use pm_common::ramp::MAX_STEP;
use pm_vault::errors::*;
use pm_vault::events::*;
use pm_vault::haircut_ramp::HAIRCUT_RAMP;

use crate::support::*;

const E18: i128 = 1_000_000_000_000_000_000;

/// `listed_chain` with ALICE holding 1 WETH ($3,000 at a 10% haircut: $2,700).
fn weth_holder() -> Chain {
    let chain = crate::listed_chain();
    crate::deposit_weth(&chain, 10u128.pow(18));
    chain
}

/// The risk admin sets WETH's haircut to `bps` (its other parameters unchanged).
fn set_weth_haircut(chain: &Chain, bps: u16) {
    chain
        .as_(ADMIN)
        .vault()
        .set_collateral(WETH, ETH_FEED, bps, U256::from(10u128.pow(24)), 3600)
        .unwrap();
}

/// `seconds` after NOW, feeds fresh.
fn at(chain: &Chain, seconds: u64) {
    chain.set_time(NOW + seconds);
    for feed in [USDC_FEED, ETH_FEED] {
        chain.feed_mut(feed, |f| f.updated_at = NOW + seconds);
    }
}

/// WETH's ramp advanced hourly (by BOB: anyone) from `from_hour` to `to_hour` after NOW; the
/// haircut in force after.
fn advance_hourly(chain: &Chain, from_hour: u64, to_hour: u64) -> u16 {
    let mut haircut = 0;
    for hour in from_hour + 1..=to_hour {
        at(chain, hour * MAX_STEP);
        haircut = chain.as_(BOB).vault().advance_haircut(WETH).unwrap();
    }
    haircut
}

fn value(chain: &Chain) -> I256 {
    chain.vault().collateral_value(ALICE).unwrap()
}

fn usd(v: i128) -> I256 {
    I256::try_from(v * E18).unwrap()
}

#[test]
fn a_raised_haircut_lowers_the_collateral_value_over_a_day_not_at_once() {
    let chain = weth_holder();
    assert_eq!(value(&chain), usd(2_700));
    // 10% → 50%: at once the value would halve.
    set_weth_haircut(&chain, 5_000);
    assert_eq!(value(&chain), usd(2_700));
    assert_eq!(chain.vault().haircut_ramp(WETH), (1_000, 5_000, 0, HAIRCUT_RAMP));
    // A quarter of the way (six hourly advances): 20%.
    assert_eq!(advance_hourly(&chain, 0, 6), 2_000);
    // The advance, then the collateral table it publishes.
    let logs = chain.logs();
    assert_eq!(
        logs[logs.len() - 2],
        event(&HaircutAdvanced {
            token: WETH,
            haircutBps: 2_000,
            applied: HAIRCUT_RAMP / 4,
            duration: HAIRCUT_RAMP,
        })
    );
    chain.assert_last_event(CollateralTablePublished {
        table: chain.vault().collateral_table(),
    });
    assert_eq!(value(&chain), usd(2_400));
    // Whole after a day, and the ramp is over.
    assert_eq!(advance_hourly(&chain, 6, 24), 5_000);
    assert_eq!(value(&chain), usd(1_500));
    assert_eq!(
        chain.vault().haircut_ramp(WETH),
        (1_000, 5_000, HAIRCUT_RAMP, HAIRCUT_RAMP)
    );
    assert_eq!(chain.vault().collateral_config(WETH).1, 5_000);
}

#[test]
fn a_haircut_ramp_nobody_advances_for_a_day_moves_an_hour_at_a_time() {
    let chain = weth_holder();
    set_weth_haircut(&chain, 3_400);
    // A day without keepers, then one advance: an hour's worth (100 bps of 2,400), not the day's.
    at(&chain, HAIRCUT_RAMP);
    assert_eq!(chain.as_(BOB).vault().advance_haircut(WETH).unwrap(), 1_100);
    assert_eq!(chain.vault().advance_haircut(WETH).unwrap(), 1_100);
}

#[test]
fn a_change_during_a_ramp_starts_from_where_it_is_and_the_same_target_keeps_it() {
    let chain = weth_holder();
    set_weth_haircut(&chain, 5_000);
    advance_hourly(&chain, 0, 12);
    // The same haircut again (e.g. a new deposit cap): the ramp goes on, now half way.
    set_weth_haircut(&chain, 5_000);
    assert_eq!(
        chain.vault().haircut_ramp(WETH),
        (1_000, 5_000, HAIRCUT_RAMP / 2, HAIRCUT_RAMP)
    );
    assert_eq!(chain.vault().collateral_config(WETH).1, 3_000);
    // Back to 10%: a new ramp from 30%.
    set_weth_haircut(&chain, 1_000);
    assert_eq!(chain.vault().haircut_ramp(WETH), (3_000, 1_000, 0, HAIRCUT_RAMP));
    assert_eq!(advance_hourly(&chain, 12, 24), 2_000);
    // Setting it to where it is ends the ramp.
    set_weth_haircut(&chain, 2_000);
    assert_eq!(chain.vault().haircut_ramp(WETH).3, 0);
    assert_eq!(chain.vault().collateral_config(WETH).1, 2_000);
}

#[test]
fn a_new_listing_takes_its_haircut_at_once_and_advancing_nothing_changes_nothing() {
    let chain = crate::listed_chain();
    assert_eq!(chain.vault().haircut_ramp(WETH), (0, 0, 0, 0));
    assert_eq!(chain.vault().collateral_config(WETH).1, 1_000);
    assert_eq!(chain.vault().advance_haircut(WETH).unwrap(), 1_000);
    let unlisted = Address::repeat_byte(0x99);
    assert_reverts(
        chain.vault().advance_haircut(unlisted),
        CollateralNotListed { token: unlisted },
    );
}
