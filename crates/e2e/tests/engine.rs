//! The whole engine on the devnet: the real wasm of the vault, the clearinghouse (core and both
//! facets) and the risk program, with the real Solidity markets and mocks. Portfolio margin
//! against isolated margin and against `pm margin` to the wei, a price shock, typed errors that
//! change nothing, expiry settlement, and the gas of a margin check through a market's trade
//! (`test/results/gas.json`; regenerate with `UPDATE_GAS=1`).
//!
//! Needs `script/build-wasm.sh` and `forge build` first (script/test.sh runs both before this).
#![cfg(feature = "e2e")]

use alloy_primitives::{Address, I256};
use alloy_sol_types::{SolCall, SolError};
use pm_e2e::deployment::{instrument, Engine, IClearinghouse, IVault, E18, E8};
use stylus_devnet::Receipt;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
const DAY: u64 = 86_400;

fn engine() -> Engine {
    Engine::deploy(ROOT).expect("the engine deploys (run script/build-wasm.sh and forge build)")
}

fn wad(v: i128) -> I256 {
    I256::try_from(v).unwrap()
}

fn reverted_with(r: &Receipt, selector: [u8; 4]) {
    assert!(!r.status, "expected a revert, got {r:?}");
    assert_eq!(&r.output[..4], selector.as_slice(), "revert data {:?}", r.output);
}

/// A USD amount with 6 decimals as the 18-decimal figure the ABI reports.
fn abi_of_usd6(v: i128) -> I256 {
    wad(v * 1_000_000_000_000)
}

/// Alice (100,000 USDC) buys 1 BTC call (65,000, 30 days) from Bob (1,000,000 USDC) at 3,500 on
/// the options market and sells him 0.5 BTC perp at 65,000 on the perp market.
fn hedged_book() -> (Engine, Address, Address) {
    let mut e = engine();
    let (alice, bob) = (e.chain.accounts[1], e.chain.accounts[2]);
    e.open_account(alice, 100_000).unwrap();
    e.open_account(bob, 1_000_000).unwrap();
    let expiry = e.chain.timestamp() + 30 * DAY;
    let call = e.list_option(0, true, expiry, 65_000 * E8 as u128).unwrap();
    let r = e
        .trade(e.options, alice, bob, &[(call, E18, 3_500 * E18)])
        .unwrap();
    assert!(r.status, "{r:?}");
    let perp = instrument(0, 0, 0, 0);
    let r = e
        .trade(e.perps, alice, bob, &[(perp, -E18 / 2, 65_000 * E18)])
        .unwrap();
    assert!(r.status, "{r:?}");
    (e, alice, bob)
}

/// Alice: long 1 BTC call (65,000, 30 days) bought from Bob at 3,500, and short 0.5 BTC perp sold
/// to Bob at 65,000. The engine's figures equal `pm margin` on the same book to the wei, and the
/// hedged book needs less initial margin than its positions margined alone.
#[test]
fn a_hedged_book_needs_less_than_isolated_and_matches_pm_margin_to_the_wei() {
    let (mut e, alice, _) = hedged_book();

    // Cash accounting: 100,000 − 3,500 premium + 32,500 perp proceeds.
    assert_eq!(e.collateral_value(alice).unwrap(), wad(129_000 * E18));
    let (m, _) = e.margin(alice).unwrap();
    assert!(m.initial < m.isolated_initial, "{m:?}");
    assert!(m.maintenance < m.isolated_maintenance, "{m:?}");
    assert!(!m.liquidatable);

    // The same book through `pm margin` (a portfolio file written from the chain's state).
    let fixture = serde_json::json!({
        "name": "devnet: long call, short perp",
        "now": e.chain.timestamp(),
        "collateral": "129000",
        "underlyings": [{ "symbol": "BTC", "price": "65000", "vol": "0.55", "params": "BTC" }],
        "correlation": [["1"]],
        "positions": [
            { "underlying": "BTC", "instrument": "call", "strike": "65000", "expiry_days": 30, "size": "1" },
            { "underlying": "BTC", "instrument": "perp", "size": "-0.5" }
        ]
    });
    let path = std::env::temp_dir().join(format!("pm-devnet-hedged-{}.json", std::process::id()));
    std::fs::write(&path, fixture.to_string()).unwrap();
    let report = pm_cli::margin_command(path.to_str().unwrap(), true).unwrap();
    std::fs::remove_file(&path).ok();
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    let usd = |k: &str| abi_of_usd6(pm_cli::decimal::parse(report[k].as_str().unwrap(), 6).unwrap());
    assert_eq!(m.equity, usd("equity"));
    assert_eq!(m.initial, usd("initial"));
    assert_eq!(m.maintenance, usd("maintenance"));
    assert_eq!(m.isolated_initial, usd("isolated_initial"));
    assert_eq!(m.isolated_maintenance, usd("isolated_maintenance"));
    assert_eq!(m.free_collateral, usd("free_collateral"));
    println!(
        "hedged: IM {} vs isolated {} (released {})",
        m.initial,
        m.isolated_initial,
        m.isolated_initial - m.initial
    );

    // And the packed request the clearinghouse sends decodes to the same book.
    let req = pm_risk::wire::decode(&e.risk_request(alice).unwrap()).unwrap();
    assert_eq!(req.positions.len(), 2);
    assert_eq!(req.collateral, 129_000 * 1_000_000);
}

/// Bob is short 2 BTC perps; BTC jumps 12%: he falls below maintenance. Withdrawals and
/// risk-adding trades revert with `InsufficientMargin`; buying back passes.
#[test]
fn a_price_shock_makes_an_account_liquidatable_and_only_risk_reduction_passes() {
    let mut e = engine();
    let (alice, bob) = (e.chain.accounts[1], e.chain.accounts[2]);
    e.open_account(alice, 1_000_000).unwrap();
    e.open_account(bob, 20_000).unwrap();
    let perp = instrument(0, 0, 0, 0);
    let r = e
        .trade(e.perps, bob, alice, &[(perp, -2 * E18, 65_000 * E18)])
        .unwrap();
    assert!(r.status, "{r:?}");
    let (before, _) = e.margin(bob).unwrap();
    assert!(
        !before.liquidatable && before.free_collateral > I256::ZERO,
        "{before:?}"
    );

    e.set_price(0, 72_800 * E8).unwrap();
    let (after, _) = e.margin(bob).unwrap();
    assert!(after.liquidatable, "{after:?}");
    assert!(after.equity < after.maintenance);

    let r = e.withdraw(bob, 1_000);
    reverted_with(&r, IVault::InsufficientMargin::SELECTOR);
    let more = e
        .trade(e.perps, bob, alice, &[(perp, -E18 / 10, 72_800 * E18)])
        .unwrap();
    reverted_with(&more, IClearinghouse::InsufficientMargin::SELECTOR);
    let err = IClearinghouse::InsufficientMargin::abi_decode(&more.output).unwrap();
    assert_eq!(err.account, bob);
    assert_eq!(err.shortfall, (err.initialMargin - err.equity).into_raw());
    assert_eq!(
        e.margin(bob).unwrap().0,
        after,
        "a reverted trade changes nothing"
    );

    let less = e
        .trade(e.perps, bob, alice, &[(perp, E18, 72_800 * E18)])
        .unwrap();
    assert!(less.status, "risk-reducing trade: {less:?}");
    let (reduced, _) = e.margin(bob).unwrap();
    assert!(reduced.maintenance < after.maintenance);
}

/// Bad inputs get typed errors and change nothing.
#[test]
fn bad_calls_get_typed_errors() {
    let mut e = engine();
    let (alice, bob, carol) = (e.chain.accounts[1], e.chain.accounts[2], e.chain.accounts[3]);
    e.open_account(alice, 100_000).unwrap();
    e.open_account(bob, 100_000).unwrap();
    let perp = instrument(0, 0, 0, 0);
    let ch = e.clearinghouse;

    // Only authorised markets update positions; only the clearinghouse settles in the vault.
    let direct = IClearinghouse::updatePositionCall {
        account: alice,
        instrument: perp,
        sizeDelta: E18,
        price: E18,
    };
    reverted_with(
        &e.send(alice, ch, direct.abi_encode()),
        IClearinghouse::MarketNotAuthorised::SELECTOR,
    );
    let settle = IVault::settleCall {
        account: alice,
        counterparty: bob,
        amount: wad(1),
    };
    reverted_with(
        &e.send(alice, e.vault, settle.abi_encode()),
        IVault::NotClearinghouse::SELECTOR,
    );
    // Carol never approved the perp market.
    let r = e
        .trade(e.perps, alice, carol, &[(perp, E18, 65_000 * E18)])
        .unwrap();
    reverted_with(&r, IClearinghouse::MarketNotApproved::SELECTOR);
    // A perp on an unlisted underlying.
    let r = e
        .trade(e.perps, alice, bob, &[(instrument(9, 0, 0, 0), E18, E18)])
        .unwrap();
    reverted_with(&r, IClearinghouse::InvalidInstrument::SELECTOR);
    assert_eq!(positions(&mut e, alice), (vec![], vec![]));

    // Roles.
    reverted_with(
        &e.send(
            alice,
            ch,
            IClearinghouse::postVolatilityCall {
                underlying: 0,
                vol: E18,
            }
            .abi_encode(),
        ),
        IClearinghouse::NotVolOracle::SELECTOR,
    );
    reverted_with(
        &e.send(
            alice,
            ch,
            IClearinghouse::setMarketCall {
                market: alice,
                authorised: true,
            }
            .abi_encode(),
        ),
        IClearinghouse::NotOwner::SELECTOR,
    );
    // A matrix that is not positive semi-definite: the risk program rejects it (code 15).
    let risk = pm_risk::defaults::risk(&[]);
    let (before, _) = e.margin(alice).unwrap();
    let r = e.send(
        e.owner,
        ch,
        IClearinghouse::setRiskParamsCall {
            gridLevels: risk.grid_levels,
            scalars: pm_risk::wire::scalars_of(&risk),
            correlations: vec![E18, -E18, E18, E18, E18, E18],
        }
        .abi_encode(),
    );
    reverted_with(&r, IClearinghouse::InvalidRiskParameters::SELECTOR);
    let err = IClearinghouse::InvalidRiskParameters::abi_decode(&r.output).unwrap();
    assert_eq!(err.code, pm_risk::RiskError::CorrelationNotPsd as u8);
    assert_eq!(e.margin(alice).unwrap().0, before);
}

/// The account's book through the views facet.
fn positions(e: &mut Engine, account: Address) -> (Vec<u128>, Vec<i128>) {
    let r = e.chain.call(
        account,
        e.clearinghouse,
        IClearinghouse::positionsCall { account }.abi_encode(),
    );
    assert!(r.status, "{r:?}");
    let p = IClearinghouse::positionsCall::abi_decode_returns(&r.output).unwrap();
    (p.instruments, p.sizes)
}

/// An expired call settles at the feed price: the holder is paid the intrinsic value, the writer
/// pays it, and both positions leave.
#[test]
fn expired_options_settle_at_the_feed_price() {
    let mut e = engine();
    let (alice, bob) = (e.chain.accounts[1], e.chain.accounts[2]);
    e.open_account(alice, 100_000).unwrap();
    e.open_account(bob, 100_000).unwrap();
    let expiry = e.chain.timestamp() + DAY;
    let call = e.list_option(0, true, expiry, 60_000 * E8 as u128).unwrap();
    let r = e
        .trade(e.options, alice, bob, &[(call, 2 * E18, 5_500 * E18)])
        .unwrap();
    assert!(r.status, "{r:?}");
    assert_eq!(positions(&mut e, alice), (vec![call], vec![2 * E18]));

    e.chain.advance(DAY + 1);
    e.set_price(0, 66_000 * E8).unwrap();
    e.refresh_usdc_feed().unwrap();
    e.post_vols().unwrap();
    for account in [alice, bob] {
        let r = e.send(
            account,
            e.clearinghouse,
            IClearinghouse::settleExpiredCall { account }.abi_encode(),
        );
        assert!(r.status, "{r:?}");
        assert_eq!(positions(&mut e, account), (vec![], vec![]));
    }
    // 100,000 − 11,000 premium + 2 × 6,000 intrinsic; the writer the mirror image.
    assert_eq!(e.collateral_value(alice).unwrap(), wad(101_000 * E18));
    assert_eq!(e.collateral_value(bob).unwrap(), wad(99_000 * E18));
}

/// A long perp pays its notional from the settlement balance; the settlement token can still be
/// withdrawn against the book: what the balance lacks becomes debt, counted in full, up to
/// initial margin and no further.
#[test]
fn withdrawing_beyond_the_settlement_balance_borrows_against_the_book() {
    let mut e = engine();
    let (alice, bob) = (e.chain.accounts[1], e.chain.accounts[2]);
    e.open_account(alice, 100_000).unwrap();
    e.open_account(bob, 1_000_000).unwrap();
    let perp = instrument(0, 0, 0, 0);
    let r = e
        .trade(e.perps, alice, bob, &[(perp, E18, 65_000 * E18)])
        .unwrap();
    assert!(r.status, "{r:?}");
    // 100,000 − 65,000 = 35,000 left; withdraw 50,000: 15,000 of debt.
    let r = e.withdraw(alice, 50_000);
    assert!(r.status, "{r:?}");
    let debt = e
        .chain
        .call(alice, e.vault, IVault::debtOfCall { account: alice }.abi_encode());
    let debt = IVault::debtOfCall::abi_decode_returns(&debt.output).unwrap();
    assert_eq!(debt, alloy_primitives::U256::from(15_000_000_000u64));
    assert_eq!(e.collateral_value(alice).unwrap(), wad(-15_000 * E18));
    let (m, _) = e.margin(alice).unwrap();
    assert_eq!(m.equity, wad(50_000 * E18));
    // Everything but the initial margin is free; one dollar more is refused and changes nothing.
    let free = (m.free_collateral / wad(E18)).as_i64() as u64;
    let r = e.withdraw(alice, free + 1);
    reverted_with(&r, IVault::InsufficientMargin::SELECTOR);
    assert_eq!(e.margin(alice).unwrap().0, m);
    let r = e.withdraw(alice, free);
    assert!(r.status, "{r:?}");
}

/// The views a front-end shows before acting agree with what then happens: `simulate` with the
/// figures after the trade, `withdrawable` with the largest withdrawal that passes, and
/// `riskByUnderlying` with `pm margin`'s greeks and worst scenario.
#[test]
fn views_agree_with_what_happens() {
    let (mut e, alice, bob) = hedged_book();
    let eth = instrument(1, 0, 0, 0);

    // simulate == accountMargin after the same trade.
    let legs = [(eth, -10 * E18, 3_000 * E18)];
    let sim = IClearinghouse::simulateCall {
        account: alice,
        instruments: vec![eth],
        sizeDeltas: vec![legs[0].1],
        prices: vec![legs[0].2],
    };
    let r = e.chain.call(alice, e.clearinghouse, sim.abi_encode());
    assert!(r.status, "{r:?}");
    let s = IClearinghouse::simulateCall::abi_decode_returns(&r.output).unwrap();
    assert!(e.trade(e.perps, alice, bob, &legs).unwrap().status);
    let (m, _) = e.margin(alice).unwrap();
    assert_eq!(
        (
            s.equity,
            s.initialMargin,
            s.maintenanceMargin,
            s.freeCollateral,
            s.liquidatable
        ),
        (
            m.equity,
            m.initial,
            m.maintenance,
            m.free_collateral,
            m.liquidatable
        )
    );

    // riskByUnderlying: BTC and ETH, matching the native report of the packed request.
    let r = e.chain.call(
        alice,
        e.clearinghouse,
        IClearinghouse::riskByUnderlyingCall { account: alice }.abi_encode(),
    );
    assert!(r.status, "{r:?}");
    let risk = IClearinghouse::riskByUnderlyingCall::abi_decode_returns(&r.output).unwrap();
    assert_eq!(risk.underlyings, vec![0, 1]);
    let req = pm_risk::wire::decode(&e.risk_request(alice).unwrap()).unwrap();
    let account = pm_risk::Account {
        collateral: req.collateral,
        positions: &req.positions,
        now: req.now,
    };
    let native = pm_risk::margin(&account, &req.underlyings, &req.params()).unwrap();
    for k in 0..2 {
        let u = &native.underlyings[k];
        assert_eq!(risk.deltas[k], wad(u.delta));
        assert_eq!(risk.gammas[k], wad(u.gamma));
        assert_eq!(risk.vegas[k], abi_of_usd6(u.vega));
        assert_eq!(risk.worstLosses[k], abi_of_usd6(u.loss));
        assert_eq!(risk.worstMoves[k], wad(u.worst.price_move));
        assert_eq!(risk.scanRanges[k], wad(u.scan_range));
    }
    assert!(risk.deltas[1] == wad(-10 * E18), "ETH delta is the perp's size");

    // withdrawable: exactly the free collateral in USDC units; one unit more is refused.
    let w = IClearinghouse::withdrawableCall {
        account: alice,
        token: e.usdc,
    };
    let r = e.chain.call(alice, e.clearinghouse, w.abi_encode());
    assert!(r.status, "{r:?}");
    let amount = IClearinghouse::withdrawableCall::abi_decode_returns(&r.output).unwrap();
    let free_units = (m.free_collateral / wad(1_000_000_000_000)).into_raw();
    assert_eq!(amount, free_units);
    let usdc = e.usdc;
    let withdraw = |amount| IVault::withdrawCall {
        token: usdc,
        amount,
        to: alice,
    };
    let usdc_units = alloy_primitives::U256::from(1u8);
    let r = e.send(alice, e.vault, withdraw(amount + usdc_units).abi_encode());
    reverted_with(&r, IVault::InsufficientMargin::SELECTOR);
    let r = e.send(alice, e.vault, withdraw(amount).abi_encode());
    assert!(r.status, "{r:?}");
    assert_eq!(e.margin(alice).unwrap().0.free_collateral, I256::ZERO);
}

/// A market's fee goes through `settle`: the taker pays it from its settlement balance (into debt
/// when the balance runs out) and the market's own vault balance receives it.
#[test]
fn fees_settle_through_the_engine_into_debt_if_needed() {
    alloy_sol_types::sol! {
        function setTakerFee(uint256 fee) external;
    }
    let mut e = engine();
    let (alice, bob) = (e.chain.accounts[1], e.chain.accounts[2]);
    e.open_account(alice, 100_000).unwrap();
    e.open_account(bob, 100_000).unwrap();
    let (perps, usdc, vault) = (e.perps, e.usdc, e.vault);
    let fee = alloy_primitives::U256::from(5_000_000u64); // 5 USDC
    let r = e.send(e.owner, perps, setTakerFeeCall { fee }.abi_encode());
    assert!(r.status, "{r:?}");
    let balance = |e: &mut Engine, account| {
        // From the owner: a contract (the market) cannot send a transaction (EIP-3607).
        let from = e.owner;
        let r = e.chain.call(
            from,
            vault,
            IVault::balanceOfCall { account, token: usdc }.abi_encode(),
        );
        IVault::balanceOfCall::abi_decode_returns(&r.output).unwrap()
    };
    // Bob (taker) buys 1 BTC perp at 65,000 from Alice: 100,000 − 65,000 − 5 left.
    let perp = instrument(0, 0, 0, 0);
    let r = e.trade(perps, alice, bob, &[(perp, -E18, 65_000 * E18)]).unwrap();
    assert!(r.status, "{r:?}");
    assert_eq!(
        balance(&mut e, bob),
        alloy_primitives::U256::from(34_995_000_000u64)
    );
    assert_eq!(balance(&mut e, perps), fee);
    // Bob buys 0.6 BTC more: 39,000 more than his balance holds, and the fee, become debt.
    let r = e
        .trade(perps, alice, bob, &[(perp, -6 * E18 / 10, 65_000 * E18)])
        .unwrap();
    assert!(r.status, "{r:?}");
    assert_eq!(balance(&mut e, bob), alloy_primitives::U256::ZERO);
    let debt = e
        .chain
        .call(bob, vault, IVault::debtOfCall { account: bob }.abi_encode());
    let debt = IVault::debtOfCall::abi_decode_returns(&debt.output).unwrap();
    assert_eq!(debt, alloy_primitives::U256::from(4_010_000_000u64));
    assert_eq!(balance(&mut e, perps), fee * alloy_primitives::U256::from(2u8));
    // Equity: 100,000 − 10 of fees (the perps are at their mark).
    assert_eq!(e.margin(bob).unwrap().0.equity, wad(99_990 * E18));
}
