//! The solvency attacks of the engine's first prototype, replayed through the real markets on the
//! devnet: each one drained the vault or left an account liquidatable on the commit before the
//! trade rules (`pm_clearinghouse::rules`), and each is refused now, the whole transaction
//! reverted.
//!
//! Needs `script/build-wasm.sh` and `forge build` first (script/test.sh runs both before this).
#![cfg(feature = "e2e")]

mod common;

use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, SolError, SolValue};
use common::*;
use pm_e2e::deployment::{instrument, Engine, IClearinghouse, IVault, E18, E8, USDC};

fn balance(e: &mut Engine, account: Address) -> U256 {
    let r = e.chain.call(
        account,
        e.vault,
        IVault::balanceOfCall {
            account,
            token: e.usdc,
        }
        .abi_encode(),
    );
    IVault::balanceOfCall::abi_decode_returns(&r.output).unwrap()
}

/// Two accounts of one attacker (10,000 USDC each) trade 1 BTC perp at 65,000, then close it
/// against each other at 1,000,000. Before the rules neither close was margin-checked and one
/// account withdrew 945,000 USDC of another depositor's money.
#[test]
fn attack_an_off_market_close_between_two_accounts_of_one_owner_is_refused() {
    let mut e = engine();
    let (a, b, depositor) = (e.chain.accounts[1], e.chain.accounts[2], e.chain.accounts[3]);
    e.open_account(a, 10_000).unwrap();
    e.open_account(b, 10_000).unwrap();
    e.open_account(depositor, 1_000_000).unwrap();
    let perp = instrument(0, 0, 0, 0);
    let r = e.trade(e.perps, a, b, &[(perp, E18, 65_000 * E18)]).unwrap();
    assert!(r.status, "{r:?}");
    let before = (
        positions(&mut e, a),
        positions(&mut e, b),
        balance(&mut e, a),
        balance(&mut e, b),
    );
    let r = e.trade(e.perps, b, a, &[(perp, E18, 1_000_000 * E18)]).unwrap();
    reverted_with(&r, IClearinghouse::TradePriceOutsideBand::SELECTOR);
    let err = IClearinghouse::TradePriceOutsideBand::abi_decode(&r.output).unwrap();
    assert_eq!(err.mark, wad(65_000 * E18));
    assert_eq!(err.maxDeviation, wad(3_250 * E18), "5% of the price");
    let after = (
        positions(&mut e, a),
        positions(&mut e, b),
        balance(&mut e, a),
        balance(&mut e, b),
    );
    assert_eq!(after, before, "the reverted trade changed nothing");
    // Neither account can take more than its own, and the other depositor keeps every unit.
    assert!(!e.withdraw(a, 20_000).status);
    assert!(e.withdraw(depositor, 1_000_000).status);
    assert_eq!(balance(&mut e, depositor), U256::ZERO);
    // At the edge of the band the close passes: the 3,250 one side gains, the other loses.
    let r = e.trade(e.perps, b, a, &[(perp, E18, 68_250 * E18)]).unwrap();
    assert!(r.status, "{r:?}");
    assert_eq!(balance(&mut e, a), U256::from(13_250 * USDC));
    assert_eq!(balance(&mut e, b), U256::from(6_750 * USDC));
}

/// 10 short BTC calls hedged with 5 long perps, with collateral just above the hedged book's
/// initial margin. Selling the perps at the market price shrank a position, so before the rules
/// it passed unchecked and left the account liquidatable.
#[test]
fn attack_closing_the_hedge_leg_needs_initial_margin() {
    let mut e = engine();
    let (writer, buyer) = (e.chain.accounts[1], e.chain.accounts[2]);
    e.open_account(buyer, 10_000_000).unwrap();
    e.open_account(writer, 100_000).unwrap();
    let expiry = e.chain.timestamp() + 30 * DAY;
    let call = e.list_option(0, true, expiry, 65_000 * E8 as u128).unwrap();
    let premium = e.mark(call).unwrap();
    let perp = instrument(0, 0, 0, 0);
    let r = e
        .trade(e.options, writer, buyer, &[(call, -10 * E18, premium)])
        .unwrap();
    assert!(r.status, "{r:?}");
    let r = e
        .trade(e.perps, writer, buyer, &[(perp, 5 * E18, 65_000 * E18)])
        .unwrap();
    assert!(r.status, "{r:?}");
    let (m, _) = e.margin(writer).unwrap();
    assert!(m.equity >= m.initial, "{m:?}");
    // Withdraw down to just above initial margin.
    let spare = (m.equity - m.initial) / wad(E18);
    let spare = u64::try_from(spare).unwrap().saturating_sub(1);
    assert!(e.withdraw(writer, spare).status);
    let (m, _) = e.margin(writer).unwrap();
    assert!(
        m.equity >= m.initial && m.equity - m.initial < wad(2 * E18),
        "{m:?}"
    );
    let book = positions(&mut e, writer);
    let r = e
        .trade(e.perps, writer, buyer, &[(perp, -5 * E18, 65_000 * E18)])
        .unwrap();
    reverted_with(&r, IClearinghouse::InsufficientMargin::SELECTOR);
    let err = IClearinghouse::InsufficientMargin::abi_decode(&r.output).unwrap();
    assert!(
        err.initialMargin > m.initial * wad(3) / wad(2),
        "{} vs {m:?}",
        err.initialMargin
    );
    assert_eq!(positions(&mut e, writer), book);
    assert!(!e.margin(writer).unwrap().0.liquidatable);
}

/// Every path that lowers an account's equity (the README lists them), tried on an account at its
/// initial margin: Euler lost 197M USD in March 2023 to one path (`donateToReserves`) that lowered
/// equity with no check. Each is refused here, and the account is unchanged.
#[test]
fn attack_every_path_that_lowers_equity_is_checked() {
    alloy_sol_types::sol! {
        function setTakerFee(uint256 fee) external;
    }
    let mut e = engine();
    let (a, maker) = (e.chain.accounts[1], e.chain.accounts[2]);
    e.open_account(a, 20_000).unwrap();
    e.open_account(maker, 1_000_000).unwrap();
    let perp = instrument(0, 0, 0, 0);
    let mark = e.mark(perp).unwrap();
    let r = e.trade(e.perps, a, maker, &[(perp, E18, mark)]).unwrap();
    assert!(r.status, "{r:?}");
    let free = e.withdrawable_usdc(a).unwrap();
    let r = e.withdraw(a, free);
    assert!(r.status, "{r:?}");
    let before = (positions(&mut e, a), e.collateral_value(a).unwrap());

    // 1. A trade at a worse price than the mark (2% above it, inside the 5% band) that adds risk.
    let r = e
        .trade(e.perps, a, maker, &[(perp, E18 / 10, mark / 100 * 102)])
        .unwrap();
    reverted_with(&r, IClearinghouse::InsufficientMargin::SELECTOR);
    // 2. A withdrawal of one USDC more than `withdrawable`.
    let r = e.withdraw(a, 1);
    reverted_with(&r, IVault::InsufficientMargin::SELECTOR);
    // 3. A fee beyond the market's settle cap (10,000 USDC): the market's owner sets a 20,000 USDC
    //    taker fee, and any trade `a` accepts, even one that cuts risk at the mark, reverts.
    let r = e.send(
        e.owner,
        e.perps,
        setTakerFeeCall {
            fee: U256::from(20_000u64 * USDC),
        }
        .abi_encode(),
    );
    assert!(r.status, "{r:?}");
    let r = e.trade(e.perps, maker, a, &[(perp, E18 / 2, mark)]).unwrap();
    reverted_with(&r, IClearinghouse::SettleAboveCap::SELECTOR);
    // 4. A liquidation of an account that is not below maintenance.
    let r = e.liquidate(maker, a);
    reverted_with(&r, IClearinghouse::NotLiquidatable::SELECTOR);
    // (5. Expiry: one fixed price for every account, `expiry.rs`; 6. a price move: no action,
    //  the account becomes liquidatable, `liquidation.rs`.)
    assert_eq!((positions(&mut e, a), e.collateral_value(a).unwrap()), before);
}

/// Mango Markets, October 2022: an account's feed is pumped for a short time and it withdraws
/// against the unrealised gain. Here the vault's check also judges at each underlying's reference
/// price, which follows the live price by at most 2% an hour: the pump adds nothing to what can
/// be withdrawn, an hour of it (and an update) 2% of the move, and the tenfold gain stays in the
/// account when the price comes back.
#[test]
fn attack_a_pumped_feed_cannot_be_withdrawn_against() {
    let mut e = engine();
    let (a, maker) = (e.chain.accounts[1], e.chain.accounts[2]);
    e.open_account(a, 20_000).unwrap();
    e.open_account(maker, 10_000_000).unwrap();
    let perp = instrument(0, 0, 0, 0);
    let r = e.trade(e.perps, a, maker, &[(perp, E18, 65_000 * E18)]).unwrap();
    assert!(r.status, "{r:?}");
    let before = e.withdrawable_usdc(a).unwrap();
    // BTC pumped tenfold: 585,000 USD of unrealised gain at the live price.
    e.set_price(0, 650_000 * E8).unwrap();
    let (m, _) = e.margin(a).unwrap();
    assert!(m.equity > wad(500_000 * E18));
    assert_eq!(e.withdrawable_usdc(a).unwrap(), before);
    let r = e.withdraw(a, before + 1_000);
    reverted_with(&r, IVault::InsufficientMargin::SELECTOR);
    // An hour of the pump, and a keeper updates the reference: 2% of 65,000 counts.
    e.chain.advance(3_600);
    e.set_price(0, 650_000 * E8).unwrap();
    e.refresh_usdc_feed().unwrap();
    e.post_vols().unwrap();
    e.update_reference_price(0).unwrap();
    let after = e.withdrawable_usdc(a).unwrap();
    assert!(after > before && after <= before + 1_300, "{before} {after}");
}

/// Mango's second step: the attacker's two accounts, long and short against each other, close at
/// the pumped mark, so the short pays the long's pumped gain in cash. At the live price the short's
/// close is exempt (it only shrinks, equity unchanged); at the reference price it gives up the
/// whole pump: a trade must pass at both when they are apart, so it is refused.
#[test]
fn attack_a_pumped_gain_cannot_be_realised_through_a_second_account() {
    let mut e = engine();
    let (a, b) = (e.chain.accounts[1], e.chain.accounts[2]);
    e.open_account(a, 20_000).unwrap();
    e.open_account(b, 20_000).unwrap();
    let perp = instrument(0, 0, 0, 0);
    let r = e.trade(e.perps, a, b, &[(perp, E18, 65_000 * E18)]).unwrap();
    assert!(r.status, "{r:?}");
    e.set_price(0, 650_000 * E8).unwrap();
    let before = (positions(&mut e, a), positions(&mut e, b));
    let r = e.trade(e.perps, a, b, &[(perp, -E18, 650_000 * E18)]).unwrap();
    reverted_with(&r, IClearinghouse::InsufficientMargin::SELECTOR);
    assert_eq!((positions(&mut e, a), positions(&mut e, b)), before);
}

alloy_sol_types::sol! {
    function drain(address account, int256 amount, uint256 times) external;
}

/// A market taken over (authorised by the owner, approved by an account) calls `settle` again and
/// again in one transaction. With a cap per call (before) it took 1,000,000 USDC in 100 calls of
/// 10,000; the hourly budget lets it move its cap (10,000 USDC) at once and then only what drains
/// from the meter, the cap per hour.
#[test]
fn attack_a_market_calling_settle_again_and_again_moves_at_most_its_hourly_cap() {
    let mut e = engine();
    let (victim, owner) = (e.chain.accounts[1], e.owner);
    e.open_account(victim, 100_000).unwrap();
    let market = e
        .chain
        .deploy_artifact(
            owner,
            &pm_e2e::deployment::artifact(ROOT, "MockDrainingMarket"),
            &e.clearinghouse.abi_encode(),
        )
        .unwrap();
    let ch = e.clearinghouse;
    for call in [
        IClearinghouse::setMarketCall {
            market,
            authorised: true,
        }
        .abi_encode(),
        IClearinghouse::setSettleCapCall {
            market,
            cap: U256::from(10_000 * USDC),
        }
        .abi_encode(),
    ] {
        assert!(e.send(owner, ch, call).status);
    }
    let approve = IClearinghouse::approveMarketCall {
        market,
        approved: true,
    };
    assert!(e.send(victim, ch, approve.abi_encode()).status);
    let drain = |amount: i64, times: u64| {
        drainCall {
            account: victim,
            amount: alloy_primitives::I256::try_from(amount * USDC as i64).unwrap(),
            times: U256::from(times),
        }
        .abi_encode()
    };
    let before = balance(&mut e, victim);
    // 100 calls of 10,000: the second one is refused, and the whole transaction with it.
    let r = e.send(owner, market, drain(-10_000, 100));
    reverted_with(&r, IClearinghouse::SettleAboveCap::SELECTOR);
    let err = IClearinghouse::SettleAboveCap::abi_decode(&r.output).unwrap();
    assert_eq!((err.market, err.available), (market, U256::ZERO));
    assert_eq!(balance(&mut e, victim), before);
    // Ten calls of 1,000 fill the cap; one USDC more, even paid to the victim, is refused.
    assert!(e.send(owner, market, drain(-1_000, 10)).status);
    let r = e.send(owner, market, drain(1, 1));
    reverted_with(&r, IClearinghouse::SettleAboveCap::SELECTOR);
    assert_eq!(balance(&mut e, victim), before - U256::from(10_000 * USDC));
    // Half an hour drains half the meter: 5,000 more, not one unit beyond.
    e.chain.advance(1_800);
    let budget = e.view(ch, IClearinghouse::settleCapCall { market }).unwrap();
    assert_eq!(
        (budget.cap, budget.available),
        (U256::from(10_000 * USDC), U256::from(5_000 * USDC))
    );
    let r = e.send(owner, market, drain(-5_001, 1));
    reverted_with(&r, IClearinghouse::SettleAboveCap::SELECTOR);
    assert!(e.send(owner, market, drain(-5_000, 1)).status);
    assert_eq!(balance(&mut e, victim), before - U256::from(15_000 * USDC));
}
