//! Liquidation: anyone takes over a proportional slice of an account below maintenance margin
//! at a discount (`pm_clearinghouse::liquidation_plan`), must meet initial margin after, and the
//! insurance fund takes its share and pays what an account left without positions still owes; the
//! rest is socialised in the vault and recorded as bad debt.

use alloy_primitives::{Address, I256, U256};
use pm_clearinghouse::errors::*;
use pm_clearinghouse::events::*;
use pm_clearinghouse::liquidation_plan::{slice, FRACTION_STEP, FUND_SHARE, MAX_DISCOUNT, TARGET_BUFFER};
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
    // The fraction is whole 0.01% steps, so both books keep their two positions in one word.
    assert_eq!(fraction % FRACTION_STEP, 0);
    assert_eq!(chain.position_words(ALICE).len(), 1);
    assert_eq!(chain.position_words(BOB).len(), 1);
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
fn a_book_of_compact_and_wide_positions_is_sliced_exactly_and_the_keepers_netted_position_leaves() {
    let chain = listed_chain();
    chain.set_collateral(ALICE, 10_000 * E18);
    // A third of an ETH perp has 18 significant digits: a wide word beside the compact ones.
    trade(&chain, ALICE, perp(ETH), E18 + E18 / 3, 3_000 * E18);
    trade(&chain, ALICE, perp(BTC), E18, 60_000 * E18);
    trade(
        &chain,
        ALICE,
        future(BTC, NOW + 30 * DAY),
        E18 / 10,
        at_mark(future(BTC, NOW + 30 * DAY)),
    );
    assert_eq!(chain.position_words(ALICE).len(), 2);
    chain.set_price(BTC_FEED, 54_000 * 100_000_000);
    let book = chain.ch().positions(ALICE);
    let fraction = i(quote(&chain, ALICE).1);
    // BOB is short exactly the BTC perp slice he will take: it nets to zero and leaves his book.
    let btc_slice = slice(E18, fraction).unwrap();
    trade(&chain, BOB, perp(BTC), -btc_slice, 54_000 * E18);
    chain.as_(BOB).ch().liquidate(ALICE).unwrap();
    let (ids, sizes) = chain.ch().positions(ALICE);
    let (theirs, their_sizes) = chain.ch().positions(BOB);
    for (id, size) in book.0.iter().zip(&book.1) {
        let part = slice(*size, fraction).unwrap();
        let kept = ids.iter().position(|x| x == id).map(|k| sizes[k]);
        assert_eq!(kept, Some(size - part), "{id}");
        let taken = theirs.iter().position(|x| x == id).map(|k| their_sizes[k]);
        assert_eq!(taken, if *id == perp(BTC) { None } else { Some(part) }, "{id}");
    }
    // Every position is where the words say: ALICE's two compact ones share a word, her wide
    // one has its own; BOB's two (the slices of round sizes stay round, the third's is wide).
    assert_eq!(ids.len(), 3);
    assert_eq!(chain.position_words(ALICE).len(), 2);
    assert_eq!(theirs.len(), 2);
    assert_eq!(chain.position_words(BOB).len(), 2);
}

#[test]
fn the_liquidator_must_meet_initial_margin_after() {
    let chain = underwater_chain();
    chain.set_collateral(CAROL, 100 * E18);
    // CAROL pays the slice's value with 100 USD of collateral: far below its margin.
    let err = chain.as_(CAROL).ch().liquidate(ALICE).unwrap_err();
    let e = err.decode::<InsufficientMargin>().expect("InsufficientMargin");
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

/// ALICE after BTC crashes to 40,000: equity negative; the fund holds `fund` USDC.
fn insolvent_chain(fund: i128) -> (Chain, I256, I256) {
    let chain = underwater_chain();
    chain.set_price(BTC_FEED, 40_000 * 100_000_000);
    chain.vault(|v| {
        v.balances
            .insert((INSURANCE_FUND, USDC), U256::from(fund * USDC_UNIT))
    });
    let (equity, _, maintenance, ..) = chain.ch().account_margin(ALICE).unwrap();
    assert!(equity.is_negative());
    (chain, equity, maintenance)
}

fn fund_payments(chain: &Chain, since: usize, to: Address) -> Vec<I256> {
    chain.ledger()[since..]
        .iter()
        .filter(|s| s.account == to && s.counterparty == INSURANCE_FUND)
        .map(|s| s.amount)
        .collect()
}

#[test]
fn an_insolvent_account_is_taken_whole_paid_by_the_fund_as_far_as_it_goes_and_the_rest_socialised() {
    let (chain, equity, _) = insolvent_chain(1_000);
    let (_, fraction, rate, _, discount, fund_share, reward) = quote(&chain, ALICE);
    assert_eq!((fraction, rate), (wad(E18), wad(MAX_DISCOUNT)));
    // ALICE pays no discount; the fund's 1,000 goes to cover her, none is left for BOB's fee
    // (the quote offered it before the cover).
    assert_eq!((discount, fund_share), (I256::ZERO, I256::ZERO));
    assert!(reward > I256::ZERO);
    let ledger = chain.ledger().len();
    chain.as_(BOB).ch().liquidate(ALICE).unwrap();
    assert_eq!(chain.ch().positions(ALICE), (vec![], vec![]));
    // Her whole book gone and still negative: her other collateral is offered to BOB for her
    // debt before the fund pays anything (this fake vault holds none; the devnet's does).
    assert_eq!(chain.vault(|v| v.seizures.clone()), vec![(ALICE, BOB)]);
    assert_eq!(fund_payments(&chain, ledger, ALICE), vec![wad(1_000 * USDC_UNIT)]);
    assert_eq!(fund_payments(&chain, ledger, BOB), vec![]);
    let (_, balance, bad_debt) = chain.ch().insurance_fund().unwrap();
    assert_eq!(balance, U256::ZERO);
    // What the fund could not pay is written off in the vault, to the unit (rounded up), and
    // recorded: ALICE ends at zero, owing nothing.
    let owed = U256::try_from(-(equity + wad(1_000 * E18))).unwrap();
    assert_eq!(bad_debt, owed.div_ceil(U256::from(E12)));
    assert!(chain.logs().contains(&event(&BadDebt {
        account: ALICE,
        coveredByFund: U256::from(1_000 * USDC_UNIT as u128),
        socialised: bad_debt,
    })));
    let after = chain.collateral_of(ALICE);
    assert!(after >= I256::ZERO && after < wad(E12), "{after}");
    // Nothing is left to liquidate, and nothing is recorded twice.
    assert!(chain
        .as_(CAROL)
        .ch()
        .liquidate(ALICE)
        .unwrap_err()
        .decode::<NotLiquidatable>()
        .is_some());
    assert_eq!(chain.ch().insurance_fund().unwrap().2, bad_debt);
}

#[test]
fn a_rich_fund_covers_an_insolvent_account_then_pays_the_keeper_one_percent() {
    let (chain, equity, maintenance) = insolvent_chain(100_000);
    let ledger = chain.ledger().len();
    chain.as_(BOB).ch().liquidate(ALICE).unwrap();
    let owed = (-i(equity) + E12 - 1) / E12;
    assert_eq!(fund_payments(&chain, ledger, ALICE), vec![wad(owed)]);
    let fee = i(maintenance) / E12 / 100;
    assert_eq!(fund_payments(&chain, ledger, BOB), vec![wad(fee)]);
    assert_eq!(chain.ch().insurance_fund().unwrap().2, U256::ZERO);
    let (e, ..) = chain.ch().account_margin(ALICE).unwrap();
    assert!(e >= I256::ZERO && e < wad(E12));
}

#[test]
fn debt_left_without_positions_is_socialised_once_and_recorded() {
    let chain = listed_chain();
    // A fee through `settle` leaves CAROL, without positions, 500 USDC in debt; the fund is empty.
    chain.set_collateral(CAROL, 0);
    chain.as_(CAROL).ch().approve_market(MARKET, true);
    chain
        .as_(MARKET)
        .ch()
        .settle(CAROL, wad(-500 * USDC_UNIT))
        .unwrap();
    assert!(chain.ch().account_margin(CAROL).unwrap().7);
    // The quote tells a keeper it can act (a close-out: no slice, so all else zero).
    let zero = I256::ZERO;
    assert_eq!(quote(&chain, CAROL), (true, zero, zero, zero, zero, zero, zero));
    chain.as_(BOB).ch().liquidate(CAROL).unwrap();
    assert!(!quote(&chain, CAROL).0);
    let debt = U256::from(500 * USDC_UNIT as u128);
    assert_eq!(chain.ch().insurance_fund().unwrap().2, debt);
    assert!(chain.logs().contains(&event(&BadDebt {
        account: CAROL,
        coveredByFund: U256::ZERO,
        socialised: debt,
    })));
    assert_eq!(chain.collateral_of(CAROL), I256::ZERO);
    // Written off: nothing owed, not liquidatable, and the record stays.
    assert!(chain
        .as_(BOB)
        .ch()
        .liquidate(CAROL)
        .unwrap_err()
        .decode::<NotLiquidatable>()
        .is_some());
    assert_eq!(chain.ch().insurance_fund().unwrap().2, debt);
}

#[test]
fn expired_positions_with_a_fixed_price_are_settled_before_a_liquidation() {
    // ALICE holds 1 BTC future expiring in a week, fixed at 65,000; BTC then falls to 50,000:
    // at the live price she would be liquidatable, at the fixed price she is not, and every
    // check values the future at the fixed price.
    let chain = listed_chain();
    let expiry = NOW + 7 * DAY;
    chain.set_collateral(ALICE, 10_000 * E18);
    trade(&chain, ALICE, future(BTC, expiry), E18, 60_000 * E18);
    chain.set_time(expiry + 60);
    let round = chain.feed_mut(BTC_FEED, |f| {
        f.push_round(wad(65_000 * 100_000_000), expiry + 30);
        pm_test_host::feeds::FIRST_ROUND + 1
    });
    chain
        .ch()
        .fix_expiry_price(BTC, expiry, alloy_primitives::aliases::U80::from(round))
        .unwrap();
    chain.advance_to(expiry + 60);
    chain.set_price(BTC_FEED, 50_000 * 100_000_000);
    post_vols(&chain);
    assert!(
        !chain.ch().account_margin(ALICE).unwrap().7,
        "valued at the fixed price"
    );
    assert!(!quote(&chain, ALICE).0);
    // The liquidation settles the future at 65,000 first: nothing left to take.
    assert!(chain
        .as_(BOB)
        .ch()
        .liquidate(ALICE)
        .unwrap_err()
        .decode::<NotLiquidatable>()
        .is_some());
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

#[test]
fn the_risk_admin_sets_the_liquidation_parameters_within_their_ranges() {
    use pm_clearinghouse::liquidation_plan::Params;
    let chain = underwater_chain();
    assert_eq!(chain.ch().liquidation_params(), Params::DEFAULT);
    let (_, _, rate, ..) = quote(&chain, ALICE);
    assert_eq!(rate, wad(MAX_DISCOUNT));
    let params = Params {
        max_discount: E18 / 20,
        target_buffer: E18 / 5,
        fund_share: E18 / 2,
        min_reward: E18 / 200,
    };
    assert_unchanged(
        &chain,
        || chain.as_(ALICE).ch().set_liquidation_params(params),
        NotRiskAdmin { caller: ALICE },
    );
    let bad = Params {
        min_reward: E18 / 10,
        ..params
    };
    assert_unchanged(
        &chain,
        || chain.as_(RISK_ADMIN).ch().set_liquidation_params(bad),
        InvalidLiquidationParams {
            maxDiscount: bad.max_discount,
            targetBuffer: bad.target_buffer,
            fundShare: bad.fund_share,
            minReward: bad.min_reward,
        },
    );
    chain.as_(RISK_ADMIN).ch().set_liquidation_params(params).unwrap();
    chain.assert_last_event(LiquidationParamsSet {
        maxDiscount: params.max_discount,
        targetBuffer: params.target_buffer,
        fundShare: params.fund_share,
        minReward: params.min_reward,
    });
    assert_eq!(chain.ch().liquidation_params(), params);
    // The quote and the liquidation follow: a 5% cap, and 120% of maintenance after.
    let (_, _, rate, ..) = quote(&chain, ALICE);
    assert_eq!(rate, wad(E18 / 20));
    chain.as_(BOB).ch().liquidate(ALICE).unwrap();
    let (e, _, m, ..) = chain.ch().account_margin(ALICE).unwrap();
    assert!(i(e) / E12 * 10 >= 12 * (i(m) / E12), "{e} {m}");
}
