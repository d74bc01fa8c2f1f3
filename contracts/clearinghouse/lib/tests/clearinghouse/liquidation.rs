//! Liquidation: anyone takes over a proportional slice of an account below maintenance margin
//! at a discount (`pm_clearinghouse::liquidation_plan`), must meet initial margin after, and the
//! insurance fund takes its share, covers an account left negative, and bad debt is recorded.

use alloy_primitives::{Address, I256, U256};
use pm_clearinghouse::errors::*;
use pm_clearinghouse::events::*;
use pm_clearinghouse::liquidation_plan::{slice, FUND_SHARE, MAX_DISCOUNT, TARGET_BUFFER};
use pm_clearinghouse::INSURANCE_FUND;

use crate::support::*;

/// One USD of the risk program (6 decimals) in 18 decimals.
const E12: i128 = 1_000_000_000_000;

/// ALICE ($10,000) long 1 BTC perp at 60,000 and 2 ETH perps at 3,000: liquidatable once BTC
/// falls to 54,000 (equity 4,000 against a maintenance margin of several thousand).
fn underwater_chain() -> Chain {
    let chain = listed_chain();
    chain.set_collateral(ALICE, 10_000 * E18);
    trade(&chain, ALICE, perp(BTC), E18, 60_000 * E18);
    trade(&chain, ALICE, perp(ETH), 2 * E18, 3_000 * E18);
    chain.set_price(BTC_FEED, 54_000 * 100_000_000);
    chain
}

fn quote(chain: &Chain, account: Address) -> pm_clearinghouse::LiquidationQuote {
    chain.ch().liquidation_quote(account).unwrap()
}

fn i(v: I256) -> i128 {
    i128::try_from(v).unwrap()
}

#[test]
fn an_account_at_or_above_maintenance_is_not_liquidatable() {
    let chain = listed_chain();
    trade(&chain, ALICE, perp(BTC), E18, 60_000 * E18);
    let (equity, _, maintenance, ..) = chain.ch().account_margin(ALICE).unwrap();
    assert_eq!(
        quote(&chain, ALICE),
        (
            false,
            I256::ZERO,
            I256::ZERO,
            I256::ZERO,
            I256::ZERO,
            I256::ZERO,
            I256::ZERO
        )
    );
    assert_unchanged(
        &chain,
        || chain.as_(BOB).ch().liquidate(ALICE),
        NotLiquidatable {
            account: ALICE,
            equity,
            maintenanceMargin: maintenance,
        },
    );
    // An account without positions owes no margin.
    assert_unchanged(
        &chain,
        || chain.as_(BOB).ch().liquidate(CAROL),
        NotLiquidatable {
            account: CAROL,
            equity: I256::ZERO,
            maintenanceMargin: I256::ZERO,
        },
    );
}

#[test]
fn an_account_cannot_liquidate_itself() {
    let chain = underwater_chain();
    assert_unchanged(
        &chain,
        || chain.as_(ALICE).ch().liquidate(ALICE),
        InvalidLiquidator { liquidator: ALICE },
    );
}

#[test]
fn a_liquidator_takes_the_quoted_slice_and_the_account_ends_at_the_target_health() {
    let chain = underwater_chain();
    let (equity, _, maintenance, ..) = chain.ch().account_margin(ALICE).unwrap();
    assert!(equity < maintenance);
    let (liquidatable, fraction, rate, transfer, discount, fund, reward) = quote(&chain, ALICE);
    assert!(liquidatable);
    let (fraction, rate) = (i(fraction), i(rate));
    assert!(0 < fraction && fraction < E18, "{fraction}");
    // (M − E) / M is above 10%: the rate is capped.
    assert_eq!(rate, MAX_DISCOUNT);
    assert_eq!(i(fund), i(discount) * FUND_SHARE / E18 / E12 * E12);
    let ledger = chain.ledger().len();
    let book = chain.ch().positions(ALICE);

    chain.as_(BOB).ch().liquidate(ALICE).unwrap();

    chain.assert_last_event(Liquidated {
        account: ALICE,
        liquidator: BOB,
        fraction: I256::try_from(fraction).unwrap(),
        discountRate: I256::try_from(rate).unwrap(),
        transferValue: transfer,
        discount,
        fundShare: fund,
        fundTopUp: I256::ZERO,
    });
    // Each position: the slice, rounded towards zero, moved to BOB.
    let (ids, sizes) = chain.ch().positions(ALICE);
    let (theirs, their_sizes) = chain.ch().positions(BOB);
    for (id, size) in book.0.iter().zip(&book.1) {
        let part = slice(*size, fraction).unwrap();
        let kept = ids.iter().position(|x| x == id).map(|k| sizes[k]);
        assert_eq!(kept, Some(size - part));
        let taken = theirs.iter().position(|x| x == id).map(|k| their_sizes[k]);
        assert_eq!(taken, Some(part));
    }
    // The cash: the slice's value less the liquidator's reward from BOB, the fund's share to it;
    // rounded against ALICE (6-decimal USDC).
    assert_eq!(i(reward), i(discount) - i(fund));
    let reward = i(reward);
    assert_eq!(
        chain.ledger()[ledger..],
        [
            Settlement {
                account: ALICE,
                counterparty: BOB,
                amount: wad((i(transfer) - reward).div_euclid(E12)),
            },
            Settlement {
                account: ALICE,
                counterparty: INSURANCE_FUND,
                amount: wad(-i(fund) / E12),
            },
        ]
    );
    // ALICE: at least 110% of her maintenance margin after; BOB above his initial margin.
    let (e, _, m, ..) = chain.ch().account_margin(ALICE).unwrap();
    assert!(
        i(e) / E12 * E18 >= (E18 + TARGET_BUFFER) * (i(m) / E12),
        "{e} {m}"
    );
    assert!(i(e) >= i(equity) - i(discount) - E12);
    let (e, im, ..) = chain.ch().account_margin(BOB).unwrap();
    assert!(e >= im);
    // Nothing left to liquidate.
    assert!(!quote(&chain, ALICE).0);
}

#[test]
fn the_liquidator_must_meet_initial_margin_after() {
    let chain = underwater_chain();
    chain.set_collateral(CAROL, 100 * E18);
    // CAROL pays the slice's value with 100 USD of collateral: far below its margin.
    let Err(ClearinghouseError::InsufficientMargin(e)) = chain.as_(CAROL).ch().liquidate(ALICE) else {
        panic!("expected InsufficientMargin");
    };
    assert_eq!(e.account, CAROL);
}

#[test]
fn a_liquidation_reverts_on_a_stale_or_zero_price() {
    let chain = underwater_chain();
    chain.set_time(NOW + u64::from(HEARTBEAT) + 1);
    assert_unchanged(
        &chain,
        || chain.as_(BOB).ch().liquidate(ALICE),
        StalePrice {
            oracle: BTC_FEED,
            updatedAt: U256::from(NOW),
            heartbeat: U256::from(HEARTBEAT),
            timestamp: U256::from(NOW + u64::from(HEARTBEAT) + 1),
        },
    );
    chain.feed_mut(BTC_FEED, |f| f.answer = I256::ZERO);
    chain.set_time(NOW);
    assert_unchanged(
        &chain,
        || chain.as_(BOB).ch().liquidate(ALICE),
        InvalidPrice {
            oracle: BTC_FEED,
            answer: I256::ZERO,
        },
    );
}

#[test]
fn an_insolvent_account_is_taken_whole_the_fund_pays_the_keeper_covers_what_it_can_and_records_the_rest() {
    let chain = underwater_chain();
    // BTC crashes to 40,000: ALICE's equity is negative.
    chain.set_price(BTC_FEED, 40_000 * 100_000_000);
    let (equity, _, maintenance, ..) = chain.ch().account_margin(ALICE).unwrap();
    assert!(equity.is_negative());
    chain.vault(|v| {
        v.balances
            .insert((INSURANCE_FUND, USDC), U256::from(1_000 * USDC_UNIT))
    });
    let (_, fraction, rate, _, discount, fund_share, quoted_reward) = quote(&chain, ALICE);
    assert_eq!(fraction, wad(E18));
    assert_eq!(rate, wad(MAX_DISCOUNT));
    // ALICE pays no discount, so the fund takes no share.
    assert_eq!((discount, fund_share), (I256::ZERO, I256::ZERO));
    // The fund holds 1,000 USDC.
    let ledger = chain.ledger().len();
    chain.as_(BOB).ch().liquidate(ALICE).unwrap();
    assert_eq!(chain.ch().positions(ALICE), (vec![], vec![]));
    // The fund pays BOB the reward ALICE could not, 75% of 10% of her maintenance margin...
    let full = (i(maintenance) / E12 + 9) / 10;
    let reward = (full - full / 4) as u128;
    let paid = chain.ledger()[ledger..]
        .iter()
        .find(|s| s.account == BOB && s.counterparty == INSURANCE_FUND)
        .map(|s| s.amount);
    assert_eq!(paid, Some(I256::try_from(reward).unwrap()));
    assert_eq!(quoted_reward, wad(reward as i128 * E12));
    // ...then covers ALICE with what is left of its 1,000, and the rest is bad debt.
    let covered = 1_000 * USDC_UNIT as u128 - reward;
    let (fund, balance, bad_debt) = chain.ch().insurance_fund().unwrap();
    assert_eq!((fund, balance), (INSURANCE_FUND, U256::ZERO));
    let after = chain.collateral_of(ALICE);
    assert!(after.is_negative());
    assert_eq!(bad_debt, U256::try_from(-after).unwrap() / U256::from(E12));
    assert!(chain.logs().contains(&event(&BadDebt {
        account: ALICE,
        coveredByFund: U256::from(covered),
        uncovered: bad_debt,
    })));
}

#[test]
fn a_solvent_account_pays_at_most_its_equity_and_is_never_left_in_bad_debt() {
    let chain = underwater_chain();
    // BTC at 50,200: ALICE's equity is positive but below 10% of her maintenance margin.
    chain.set_price(BTC_FEED, 50_200 * 100_000_000);
    let (equity, _, maintenance, ..) = chain.ch().account_margin(ALICE).unwrap();
    assert!(
        equity > I256::ZERO && i(equity) * 10 < i(maintenance),
        "{equity} {maintenance}"
    );
    let (_, fraction, _, _, discount, fund_share, reward) = quote(&chain, ALICE);
    assert_eq!(fraction, wad(E18));
    assert_eq!(discount, wad(i(equity) / E12 * E12));
    // The fund is empty: the keeper earns ALICE's equity.
    assert_eq!(reward, discount);
    assert_eq!(fund_share, I256::ZERO);
    chain.as_(BOB).ch().liquidate(ALICE).unwrap();
    let (e, ..) = chain.ch().account_margin(ALICE).unwrap();
    assert!(e >= I256::ZERO && e < wad(E12), "{e}");
    assert_eq!(chain.ch().insurance_fund().unwrap().2, U256::ZERO);
}
