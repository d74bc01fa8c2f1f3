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
