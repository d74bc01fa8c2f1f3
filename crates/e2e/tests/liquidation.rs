//! Liquidation on the devnet, with the real programs and markets: a keeper liquidates an account
//! a price shock left below maintenance margin, and the gas of liquidating books of 1, 16 and 128
//! positions, outside and inside Arbitrum's program cache, committed to
//! `test/results/liquidation-gas.json` (a regression over 2% fails; regenerate with
//! `UPDATE_GAS=1`).
//!
//! Needs `script/build-wasm.sh` and `forge build` first (script/test.sh runs both before this).
#![cfg(feature = "e2e")]

mod common;

use alloy_primitives::{Address, I256, U256};
use alloy_sol_types::{SolError, SolEvent};
use common::*;
use pm_e2e::deployment::{instrument, Engine, IClearinghouse, IVault, E18, E8};

/// Arbitrum's gas limit per transaction.
const BLOCK_GAS_LIMIT: u64 = 32_000_000;

/// Alice holds `positions` positions: 5 BTC perps bought from Bob and `positions − 1` options
/// against him over `underlyings` underlyings; she withdraws down to her initial margin, and BTC
/// falls by steps of 1% until she is liquidatable. Returns the engine and Alice, Bob and a keeper
/// with 100M USDC.
fn liquidatable_book(positions: usize, underlyings: usize, cached: bool) -> (Engine, Address, Address) {
    let mut e = engine();
    if cached {
        e.cache_programs().unwrap();
    }
    let (alice, bob, keeper) = (e.chain.accounts[1], e.chain.accounts[2], e.chain.accounts[3]);
    for a in [alice, bob, keeper] {
        e.open_account(a, 100_000_000).unwrap();
    }
    let perp = instrument(0, 0, 0, 0);
    let r = e
        .trade(e.perps, alice, bob, &[(perp, 5 * E18, 65_000 * E18)])
        .unwrap();
    assert!(r.status, "{r:?}");
    let legs = e.options_book(positions - 1, underlyings).unwrap();
    e.build_book(alice, bob, &legs).unwrap();
    let free = e.withdrawable_usdc(alice).unwrap();
    let r = e.withdraw(alice, free.saturating_sub(1));
    assert!(r.status, "{r:?}");
    for drop in 1..=30 {
        e.set_price(0, (65_000 - 650 * drop) * E8).unwrap();
        if e.liquidation_quote(alice).unwrap().liquidatable {
            return (e, alice, keeper);
        }
    }
    panic!("a 30% fall did not make the book liquidatable");
}

fn fund_balance(e: &mut Engine) -> U256 {
    e.insurance_fund().unwrap().balance
}

/// A keeper liquidates Alice after the shock: it takes the quoted fraction of each position, the
/// fund receives its share of the discount, Alice ends healthy and the keeper above its initial
/// margin; a second liquidation finds nothing to do.
#[test]
fn a_keeper_liquidates_an_account_below_maintenance_after_a_shock() {
    let (mut e, alice, keeper) = liquidatable_book(4, 2, true);
    let before = positions(&mut e, alice);
    let q = e.liquidation_quote(alice).unwrap();
    assert!(q.fraction > I256::ZERO && q.fraction <= wad(E18));
    assert!(q.discount > I256::ZERO && q.fundShare > I256::ZERO);
    assert_eq!(q.reward, q.discount - q.fundShare);
    let fund_before = fund_balance(&mut e);

    // Alice cannot liquidate herself.
    let r = e.liquidate(alice, alice);
    reverted_with(&r, IClearinghouse::InvalidLiquidator::SELECTOR);

    let r = e.liquidate(keeper, alice);
    assert!(r.status, "{r:?}");
    assert!(r.gas_used < BLOCK_GAS_LIMIT);
    let event = r
        .logs
        .iter()
        .find_map(|l| IClearinghouse::Liquidated::decode_log_data(&l.data).ok())
        .expect("a Liquidated event");
    assert_eq!((event.account, event.liquidator), (alice, keeper));
    assert_eq!(
        (
            event.fraction,
            event.transferValue,
            event.discount,
            event.fundShare,
            event.fundTopUp
        ),
        (q.fraction, q.transferValue, q.discount, q.fundShare, I256::ZERO)
    );
    // The fund's share, rounded up in whole USDC units (6 decimals).
    let share = U256::try_from(q.fundShare).unwrap();
    let unit = U256::from(1_000_000_000_000u64);
    assert_eq!(fund_balance(&mut e) - fund_before, share.div_ceil(unit));
    // Alice keeps the rest of each position, the keeper holds the slices.
    let (ids, sizes) = positions(&mut e, alice);
    let (theirs, _) = positions(&mut e, keeper);
    assert_eq!(ids.len(), before.0.len());
    assert_eq!(theirs.len(), before.0.len());
    for (id, size) in before.0.iter().zip(&before.1) {
        let k = ids.iter().position(|x| x == id).unwrap();
        assert!(sizes[k].abs() < size.abs());
    }
    let (a, _) = e.margin(alice).unwrap();
    assert!(!a.liquidatable);
    let (k, _) = e.margin(keeper).unwrap();
    assert!(k.equity >= k.initial);
    let r = e.liquidate(keeper, alice);
    reverted_with(&r, IClearinghouse::NotLiquidatable::SELECTOR);
}

/// An insolvent account whose collateral is WETH (10% haircut): the keeper takes the whole book,
/// then buys just enough of the WETH at half the haircut off to bring the account's value back to
/// zero. The fund pays nothing and no bad debt is recorded: only a shortfall the collateral cannot
/// pay reaches the fund (before, the fund covered the haircut value's deficit while the account
/// kept all its WETH).
#[test]
fn an_insolvent_accounts_other_collateral_pays_its_debt_before_the_fund() {
    let mut e = engine();
    let (alice, bob, keeper) = (e.chain.accounts[1], e.chain.accounts[2], e.chain.accounts[3]);
    let (weth, _) = e.list_collateral(ROOT, "WETH", 18, 3_000 * E8, 1_000).unwrap();
    let five = U256::from(5u8) * U256::from(E18 as u128);
    e.deposit_token(alice, weth, five).unwrap();
    e.approve_markets(alice).unwrap();
    for a in [bob, keeper] {
        e.open_account(a, 1_000_000).unwrap();
    }
    // Alice: long 1 BTC perp at 65,000 on $13,500 of haircut collateral; BTC falls 21.5%.
    let perp = instrument(0, 0, 0, 0);
    let r = e
        .trade(e.perps, alice, bob, &[(perp, E18, 65_000 * E18)])
        .unwrap();
    assert!(r.status, "{r:?}");
    e.set_price(0, 51_025 * E8).unwrap();
    let (m, _) = e.margin(alice).unwrap();
    assert!(m.equity < I256::ZERO, "insolvent at haircut value: {m:?}");
    let fund_before = e.insurance_fund().unwrap();

    let r = e.liquidate(keeper, alice);
    assert!(r.status, "{r:?}");
    assert_eq!(positions(&mut e, alice).0.len(), 0);
    let seized = r
        .logs
        .iter()
        .find_map(|l| IVault::CollateralSeized::decode_log_data(&l.data).ok())
        .expect("a CollateralSeized event");
    assert_eq!(
        (seized.account, seized.liquidator, seized.token),
        (alice, keeper, weth)
    );
    // The book lost 13,975 USDC: a collateral value of 13,500 − 13,975 = −475. Just enough WETH
    // is sold at 2,850 (3,000 less 5%) to bring it back to zero and a hair (1 bp of the debt
    // and a cent): (475 + 1.3975 + 0.01) · 0.95 / 0.05 = 9,051.7425 USDC, the least WETH that
    // pays it (rounded up in wei). Alice keeps the rest of her WETH and the rest of her loan.
    assert_eq!(seized.paid, U256::from(9_051_742_500u64));
    let owed = seized.paid * U256::from(1_000_000_000_000u64);
    let at = U256::from(2_850u16);
    assert!(seized.amount * at >= owed && (seized.amount - U256::from(1u8)) * at < owed);
    assert_eq!(
        e.usdc_ledger(alice).unwrap(),
        (U256::ZERO, U256::from(13_975_000_000u64) - seized.paid)
    );
    let held = |e: &mut Engine, a: Address| {
        e.view(
            e.vault,
            IVault::balanceOfCall {
                account: a,
                token: weth,
            },
        )
        .unwrap()
    };
    assert_eq!(held(&mut e, keeper), seized.amount);
    assert_eq!(held(&mut e, alice), five - seized.amount);
    // Nothing reached the fund, and Alice is back above zero, by the hair.
    let fund_after = e.insurance_fund().unwrap();
    assert_eq!(
        (fund_after.balance, fund_after.badDebt),
        (fund_before.balance, U256::ZERO)
    );
    let (m, _) = e.margin(alice).unwrap();
    assert!(m.equity > I256::ZERO && m.equity < wad(2 * E18), "{m:?}");
    assert!(!m.liquidatable);
    let (k, _) = e.margin(keeper).unwrap();
    assert!(k.equity >= k.initial);
}

/// The same account after a 40% fall: insolvent even at the oracle price, its WETH goes to the
/// keeper at the 1% fee (not half the haircut: the creditors pay it) for 14,850 of the 26,000 it
/// owes; the fund is empty, and the 11,150 left is socialised: written off against every USDC
/// balance pro rata (the loss index falls by 11,150 over all claims), recorded as bad debt, and
/// the vault can still pay every balance.
#[test]
fn a_debt_nothing_can_pay_is_socialised_pro_rata_and_recorded() {
    let mut e = engine();
    let (alice, bob, keeper) = (e.chain.accounts[1], e.chain.accounts[2], e.chain.accounts[3]);
    let (weth, _) = e.list_collateral(ROOT, "WETH", 18, 3_000 * E8, 1_000).unwrap();
    e.deposit_token(alice, weth, U256::from(5u8) * U256::from(E18 as u128))
        .unwrap();
    e.approve_markets(alice).unwrap();
    for a in [bob, keeper] {
        e.open_account(a, 1_000_000).unwrap();
    }
    let perp = instrument(0, 0, 0, 0);
    let r = e
        .trade(e.perps, alice, bob, &[(perp, E18, 65_000 * E18)])
        .unwrap();
    assert!(r.status, "{r:?}");
    e.set_price(0, 39_000 * E8).unwrap();
    assert_eq!(fund_balance(&mut e), U256::ZERO);
    let bob_before = e.usdc_ledger(bob).unwrap().0;

    let r = e.liquidate(keeper, alice);
    assert!(r.status, "{r:?}");
    let seized = r
        .logs
        .iter()
        .find_map(|l| IVault::CollateralSeized::decode_log_data(&l.data).ok())
        .expect("a CollateralSeized event");
    assert_eq!(seized.paid, U256::from(14_850_000_000u64));
    let socialised = r
        .logs
        .iter()
        .find_map(|l| IVault::DebtSocialised::decode_log_data(&l.data).ok())
        .expect("a DebtSocialised event");
    let left = U256::from(11_150_000_000u64);
    assert_eq!((socialised.account, socialised.amount), (alice, left));
    let bad = r
        .logs
        .iter()
        .find_map(|l| IClearinghouse::BadDebt::decode_log_data(&l.data).ok())
        .expect("a BadDebt event");
    assert_eq!(
        (bad.account, bad.coveredByFund, bad.socialised),
        (alice, U256::ZERO, left)
    );
    assert_eq!(e.insurance_fund().unwrap().badDebt, left);
    assert_eq!(e.usdc_ledger(alice).unwrap(), (U256::ZERO, U256::ZERO));
    // The index fell by the loss's share of every claim; Bob's balance follows it, rounded down.
    let ledger = e.view(e.vault, IVault::settlementLedgerCall {}).unwrap();
    assert!(ledger.lossIndex < U256::from(E18 as u128));
    assert_eq!(ledger.totalDebt, U256::ZERO);
    let bob_after = e.usdc_ledger(bob).unwrap().0;
    assert_eq!(bob_after, bob_before * ledger.lossIndex / U256::from(E18 as u128));
    // What the vault owes in USDC is no more than it holds.
    let mut owed = U256::ZERO;
    for a in [
        alice,
        bob,
        keeper,
        e.perps,
        e.options,
        e.clearinghouse,
        e.insurance_fund().unwrap().fund,
    ] {
        owed += e.usdc_ledger(a).unwrap().0;
    }
    assert!(owed <= e.vault_usdc_held().unwrap(), "{owed}");
}

/// A liquidation reads live prices: a stale round, or a zero or negative answer, stops it (and
/// changes nothing).
#[test]
fn a_liquidation_needs_a_valid_price() {
    let (mut e, alice, keeper) = liquidatable_book(1, 1, false);
    // A day and a second: the BTC feed's heartbeat has passed (the vols are posted again).
    e.chain.advance(DAY + 1);
    e.refresh_usdc_feed().unwrap();
    e.post_vols().unwrap();
    let r = e.liquidate(keeper, alice);
    reverted_with(&r, IClearinghouse::StalePrice::SELECTOR);
    for answer in [0, -1] {
        e.set_price(0, answer).unwrap();
        let r = e.liquidate(keeper, alice);
        reverted_with(&r, IClearinghouse::InvalidPrice::SELECTOR);
    }
    assert_eq!(positions(&mut e, keeper), (vec![], vec![]));
}

/// A liquidation needs a complete round.
#[test]
fn a_liquidation_needs_a_complete_round() {
    let (mut e, alice, keeper) = liquidatable_book(1, 1, false);
    e.make_round_incomplete(0).unwrap();
    let r = e.liquidate(keeper, alice);
    reverted_with(&r, IClearinghouse::IncompleteRound::SELECTOR);
    assert_eq!(positions(&mut e, keeper), (vec![], vec![]));
}

/// A sequencer outage during a liquidation: the margin check reads the account's collateral
/// value, which the vault gates on the L2 sequencer-uptime feed, so nothing is liquidated while
/// the sequencer is down or within the grace period after it comes back (prices from then cannot
/// be trusted); after it, the keeper goes ahead.
#[test]
fn a_sequencer_outage_stops_a_liquidation_until_its_grace_period_has_passed() {
    let (mut e, alice, keeper) = liquidatable_book(1, 1, false);
    let grace = 3_600;
    let sequencer = e.add_sequencer_feed(ROOT, grace).unwrap();
    e.chain.advance(u64::from(grace));
    e.set_feed_answer(sequencer, 1).unwrap();
    let vault_error = |r: &stylus_devnet::Receipt| -> Vec<u8> {
        reverted_with(r, IClearinghouse::VaultCallFailed::SELECTOR);
        IClearinghouse::VaultCallFailed::abi_decode(&r.output)
            .unwrap()
            .reason
            .to_vec()
    };
    let r = e.liquidate(keeper, alice);
    assert_eq!(vault_error(&r)[..4], IVault::SequencerDown::SELECTOR);
    // Back up: still refused for the grace period.
    e.set_feed_answer(sequencer, 0).unwrap();
    let r = e.liquidate(keeper, alice);
    assert_eq!(vault_error(&r)[..4], IVault::SequencerGracePeriod::SELECTOR);
    assert_eq!(positions(&mut e, keeper), (vec![], vec![]));
    e.chain.advance(u64::from(grace));
    for k in 0..2 {
        let price = e.latest_price_of(k);
        e.set_price(k, price).unwrap();
    }
    e.refresh_usdc_feed().unwrap();
    let r = e.liquidate(keeper, alice);
    assert!(r.status, "{r:?}");
}

#[test]
fn gas_of_a_liquidation() {
    let mut rows = Vec::new();
    println!(
        "{:>10} {:>12} {:>10} {:>14} {:>14}",
        "positions", "underlyings", "fraction", "liquidate", "cached"
    );
    for (n, underlyings) in [(1, 1), (16, 4), (128, 4)] {
        let mut gas = Vec::new();
        let mut fraction = I256::ZERO;
        for cached in [false, true] {
            let (mut e, alice, keeper) = liquidatable_book(n, underlyings, cached);
            fraction = e.liquidation_quote(alice).unwrap().fraction;
            // The first call of the programs in its block (see `Devnet::advance`).
            e.chain.advance(0);
            let r = e.liquidate(keeper, alice);
            assert!(r.status, "{n} positions: {r:?}");
            assert!(r.gas_used < BLOCK_GAS_LIMIT / 2, "{n} positions: {}", r.gas_used);
            assert_eq!(positions(&mut e, keeper).0.len(), n);
            gas.push(r.gas_used);
        }
        let fraction = fraction.to_string();
        println!(
            "{n:>10} {underlyings:>12} {fraction:>10} {:>14} {:>14}",
            gas[0], gas[1]
        );
        rows.push(serde_json::json!({
            "positions": n,
            "underlyings": underlyings,
            "liquidate_gas": gas[0],
            "liquidate_gas_cached": gas[1],
        }));
    }
    common::gas_results::check_gas_results(
        "liquidation-gas.json",
        "a keeper liquidates an account of N positions (5 BTC perps and N-1 options over 1 to 4 underlyings, withdrawn to its initial margin, then BTC down by 1% steps until it is below maintenance): one transaction taking the quoted slice of every position, three margin checks (the account before and after, the keeper after), the cash and the fund's share; *_cached: every program in Arbitrum's program cache",
        &rows,
        &["liquidate_gas", "liquidate_gas_cached"],
    );
}
