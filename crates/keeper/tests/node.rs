//! The keeper alone on `pm-node`: the engine deployed by `pm-deploy`, two traders and a keeper
//! account; the `pm-keeper` binary follows the chain with nobody else acting.
//! - A price shock: BTC falls 10% and the keeper liquidates the account it left below
//!   maintenance within a few blocks. Its figures agree with the chain's `accountMargin` to the
//!   wei.
//! - An expiry and the chores: the keeper fixes a passed expiry's settlement price from the
//!   feed's round, settles both sides, moves the reference prices to the feeds' and advances a
//!   parameter change's ramp.
#![cfg(feature = "e2e")]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use alloy_primitives::{Address, I256, U256};
use alloy_rpc_types_eth::Filter;
use alloy_sol_types::{SolCall, SolEvent};
use pm_clearinghouse::instrument::{id_of, Spec};
use pm_deploy::abi::{IBilateralMarket, IClearinghouse, IVault};
use pm_deploy::config::DeployConfig;
use pm_deploy::mocks::{self, IMockFeed};
use pm_deploy::rpc_chain::RpcChain;
use pm_deploy::{deploy_engine, Chain};
use pm_node::{start, NodeConfig};

alloy_sol_types::sol! {
    /// The options market's listing (its owner is the deployment's).
    interface IOptionsMarket {
        function listSeries(uint8 underlying, bool isCall, uint64 expiry, uint128 strike) external returns (uint128);
    }
}

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
const E18: i128 = 1_000_000_000_000_000_000;
const E8: i64 = 100_000_000;
const USDC: u64 = 1_000_000;

fn feed(chain: &mut RpcChain, price_e8: i64) -> Address {
    mocks::mock_feed(chain, Path::new(ROOT), 8, i128::from(price_e8)).unwrap()
}

fn send(chain: &mut RpcChain, to: Address, data: Vec<u8>) {
    chain.send(Some(to), data, U256::ZERO).unwrap();
}

/// The keeper's process, stopped however the test ends.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A node with the engine, USDC, WETH as collateral (a 10% haircut) and two underlyings (BTC at
/// 65,000, ETH at 3,000); Alice
/// (100,000 USDC), Bob (1,000,000) and the keeper (10,000,000) deposited and approved both
/// markets.
struct Fixture {
    runtime: tokio::runtime::Runtime,
    node: pm_node::RunningNode,
    url: String,
    owner: RpcChain,
    dir: std::path::PathBuf,
    deployment_path: std::path::PathBuf,
    vault: Address,
    clearinghouse: Address,
    perps: Address,
    options: Address,
    usdc: Address,
    weth: (Address, Address),
    btc_feed: Address,
    alice: Address,
    bob: Address,
}

impl Fixture {
    fn new(name: &str) -> Self {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let node = runtime
            .block_on(start(NodeConfig {
                listen: "127.0.0.1:0".parse().unwrap(),
                ..Default::default()
            }))
            .unwrap();
        let url = node.url();
        let mut owner = RpcChain::connect(&url, node.accounts[0].signer()).unwrap();
        let usdc = mocks::mock_token(&mut owner, Path::new(ROOT), "USD Coin", "USDC", 6).unwrap();
        let usdc_feed = feed(&mut owner, E8);
        let btc_feed = feed(&mut owner, 65_000 * E8);
        let eth_feed = feed(&mut owner, 3_000 * E8);
        let weth = mocks::mock_token(&mut owner, Path::new(ROOT), "Wrapped Ether", "WETH", 18).unwrap();
        let underlying = |symbol: &str, feed: Address, vol: &str| {
            serde_json::json!({ "symbol": symbol, "feed": feed, "heartbeat": 86_400, "volMaxAge": 86_400,
                "params": symbol, "futureBand": "50000000000000000", "optionBand": "50000000000000000", "vol": vol })
        };
        let config: DeployConfig = serde_json::from_value(serde_json::json!({
            "settlement": { "token": usdc, "feed": usdc_feed, "heartbeat": 86_400, "depositCap": "1000000000000000000" },
            "settlementDecimals": 6,
            "collateral": [{ "token": weth, "feed": eth_feed, "heartbeat": 86_400, "haircutBps": 1_000,
                "depositCap": "1000000000000000000000000" }],
            "underlyings": [underlying("BTC", btc_feed, "550000000000000000"), underlying("ETH", eth_feed, "650000000000000000")],
            "correlations": ["850000000000000000"],
            "settleCap": "10000000000"
        }))
        .unwrap();
        let deployment = deploy_engine(&mut owner, Path::new(ROOT), &config).unwrap();
        let (vault, clearinghouse, perps) =
            (deployment.vault, deployment.clearinghouse, deployment.perp_market);
        let options = deployment.options_market;
        let dir = std::env::temp_dir().join(format!("pm-keeper-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let deployment_path = dir.join("deployment.json");
        std::fs::write(&deployment_path, serde_json::to_string(&deployment).unwrap()).unwrap();
        let (alice, bob) = (node.accounts[1].address, node.accounts[2].address);
        let f = Fixture {
            runtime,
            node,
            url,
            owner,
            dir,
            deployment_path,
            vault,
            clearinghouse,
            perps,
            options,
            usdc,
            weth: (weth, eth_feed),
            btc_feed,
            alice,
            bob,
        };
        let mut f = f;
        for (i, usd) in [(1, 100_000u64), (2, 1_000_000), (3, 10_000_000)] {
            let amount = U256::from(usd * USDC);
            let mut account = f.connect(i);
            mocks::fund_and_deposit(&mut f.owner, &mut account, usdc, vault, amount).unwrap();
            for market in [perps, options] {
                let approve = IClearinghouse::approveMarketCall {
                    market,
                    approved: true,
                };
                send(&mut account, clearinghouse, approve.abi_encode());
            }
        }
        f
    }

    fn connect(&self, i: usize) -> RpcChain {
        RpcChain::connect(&self.url, self.node.accounts[i].signer()).unwrap()
    }

    /// Alice buys `size` units of `instrument` from Bob in `market` at `price` (USD, 18
    /// decimals).
    fn alice_buys(&mut self, market: Address, instrument: u128, size: i128, price: i128) {
        let (_, now) = self.owner.latest_block().unwrap();
        let propose = IBilateralMarket::proposeCall {
            taker: self.bob,
            instruments: vec![instrument],
            sizes: vec![size],
            prices: vec![price],
            deadline: now + 3_600,
        };
        let mut alice = self.connect(1);
        let id = U256::from_be_slice(&alice.call(market, propose.abi_encode(), U256::ZERO).unwrap());
        send(&mut alice, market, propose.abi_encode());
        send(
            &mut self.connect(2),
            market,
            IBilateralMarket::acceptCall { id }.abi_encode(),
        );
    }

    /// The `pm-keeper` binary, as an operator runs it, with `args` added; and its log lines.
    fn keeper(&self, args: &[&str]) -> (KillOnDrop, mpsc::Receiver<serde_json::Value>) {
        let mut keeper = KillOnDrop(
            Command::new(env!("CARGO_BIN_EXE_pm-keeper"))
                .args(["--rpc", &self.url, "--deployment"])
                .arg(&self.deployment_path)
                .args(["--interval", "100"])
                .args(args)
                .env(
                    "PM_KEEPER_KEY",
                    format!("0x{}", alloy_primitives::hex::encode(self.node.accounts[3].key)),
                )
                .stdout(Stdio::piped())
                .spawn()
                .unwrap(),
        );
        let (lines, logged) = mpsc::channel::<serde_json::Value>();
        let stdout = keeper.0.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Ok(v) = serde_json::from_str(&line) {
                    if lines.send(v).is_err() {
                        break;
                    }
                }
            }
        });
        (keeper, logged)
    }

    fn stop(self) {
        self.runtime.block_on(self.node.stop());
        std::fs::remove_dir_all(self.dir).ok();
    }
}

/// Waits up to a minute for a log line `what` accepts, keeping every line read in `seen`.
fn wait_for(
    logged: &mpsc::Receiver<serde_json::Value>,
    what: &dyn Fn(&serde_json::Value) -> bool,
    seen: &mut Vec<serde_json::Value>,
) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        if let Ok(v) = logged.recv_timeout(Duration::from_millis(200)) {
            let hit = what(&v);
            seen.push(v);
            if hit {
                return true;
            }
        }
    }
    false
}

#[test]
fn the_keeper_alone_liquidates_the_account_a_price_shock_leaves_below_maintenance() {
    let mut f = Fixture::new("shock");
    let (alice, clearinghouse, vault, usdc) = (f.alice, f.clearinghouse, f.vault, f.usdc);
    // Alice buys 5 BTC perps from Bob.
    let perp = id_of(&Spec {
        underlying: 0,
        kind: 0,
        expiry: 0,
        strike: 0,
    });
    f.alice_buys(f.perps, perp, 5 * E18, 65_000 * E18);
    let mut alice_chain = f.connect(1);
    // Alice takes out everything she may: she is left at her initial margin.
    let free = IClearinghouse::withdrawableCall {
        account: alice,
        token: usdc,
    };
    let free = IClearinghouse::withdrawableCall::abi_decode_returns(
        &alice_chain
            .call(clearinghouse, free.abi_encode(), U256::ZERO)
            .unwrap(),
    )
    .unwrap();
    let withdraw = IVault::withdrawCall {
        token: usdc,
        amount: free - U256::from(1),
        to: alice,
    };
    send(&mut alice_chain, vault, withdraw.abi_encode());

    let (keeper, logged) = f.keeper(&["--check-every", "1"]);
    let mut seen = Vec::new();
    // It holds both books and agrees with the chain before anything happens.
    let agreed = |v: &serde_json::Value| v["event"] == "cross_check" && v["agree"] == true;
    assert!(
        wait_for(&logged, &agreed, &mut seen),
        "no agreeing cross-check: {seen:?}"
    );

    // BTC falls 10%: Alice's 5 BTC lose 32,500 USD, more than her margin above maintenance.
    send(
        &mut f.owner,
        f.btc_feed,
        IMockFeed::setAnswerCall {
            answer: I256::try_from(58_500 * E8).unwrap(),
        }
        .abi_encode(),
    );
    let (shock_block, _) = f.owner.latest_block().unwrap();
    let liquidated = |v: &serde_json::Value| {
        v["event"] == "liquidated" && v["account"] == alice.to_string().to_lowercase()
    };
    let found = wait_for(&logged, &liquidated, &mut seen);
    drop(keeper);
    assert!(found, "the keeper did not liquidate Alice: {seen:?}");

    let logs = f
        .owner
        .logs(
            &Filter::new()
                .address(clearinghouse)
                .event_signature(IClearinghouse::Liquidated::SIGNATURE_HASH)
                .topic1(alice.into_word())
                .from_block(shock_block),
        )
        .unwrap();
    assert_eq!(logs.len(), 1, "one liquidation of Alice");
    let at = logs[0].block_number.unwrap();
    assert!(
        at <= shock_block + 3,
        "liquidated in block {at}, the shock was in {shock_block}"
    );
    assert!(
        seen.iter()
            .all(|v| v["event"] != "cross_check" || v["agree"] == true),
        "{seen:?}"
    );
    f.stop();
}

#[test]
fn the_keeper_fixes_a_passed_expiry_settles_it_and_does_the_chores() {
    let mut f = Fixture::new("expiry");
    let clearinghouse = f.clearinghouse;
    let (_, now) = f.owner.latest_block().unwrap();
    // The options market lists a BTC call struck at 30,000 expiring in an hour; Alice buys one
    // from Bob at about its value (deep in the money: the intrinsic 35,000).
    let expiry = now + 3_600;
    let list = IOptionsMarket::listSeriesCall {
        underlying: 0,
        isCall: true,
        expiry,
        strike: 30_000 * E8 as u128,
    };
    let listed = f.owner.call(f.options, list.abi_encode(), U256::ZERO).unwrap();
    let call = IOptionsMarket::listSeriesCall::abi_decode_returns(&listed).unwrap();
    send(&mut f.owner, f.options, list.abi_encode());
    f.alice_buys(f.options, call, E18, 35_000 * E18);
    // The risk admin raises the maintenance factor by a tenth: the change ramps in.
    let params = IClearinghouse::riskParamsCall::abi_decode_returns(
        &f.owner
            .call(
                clearinghouse,
                IClearinghouse::riskParamsCall {}.abi_encode(),
                U256::ZERO,
            )
            .unwrap(),
    )
    .unwrap();
    let mut scalars = params.scalars;
    scalars[6] += scalars[6] / 10;
    let set = IClearinghouse::setRiskParamsCall {
        gridLevels: params.gridLevels,
        scalars,
    };
    send(&mut f.owner, clearinghouse, set.abi_encode());
    // And raises WETH's haircut from 10% to 20%: it ramps in too.
    let (weth, weth_feed) = f.weth;
    let haircut = IVault::setCollateralCall {
        token: weth,
        oracle: weth_feed,
        haircutBps: 2_000,
        depositCap: U256::from(10u128.pow(24)),
        heartbeat: 86_400,
    };
    send(&mut f.owner, f.vault, haircut.abi_encode());
    let view = |f: &mut Fixture, call: Vec<u8>| f.owner.call(clearinghouse, call, U256::ZERO).unwrap();
    let reference = |f: &mut Fixture, underlying: u8| {
        IClearinghouse::referencePriceCall::abi_decode_returns(&view(
            f,
            IClearinghouse::referencePriceCall { underlying }.abi_encode(),
        ))
        .unwrap()
        .price
    };
    // The reference prices are the feeds' (set when listed): nothing to move yet.
    assert_eq!(reference(&mut f, 0), I256::try_from(65_000 * E18).unwrap());

    // The keeper keeps what it learns in a state file across the restart below.
    let state = f.dir.join("keeper-state.json");
    let state = state.to_str().unwrap().to_string();
    let (keeper, logged) = f.keeper(&["--upkeep-every", "60", "--check-every", "0", "--state", &state]);
    let mut seen = Vec::new();
    // The first upkeep: both ramps advanced, the reference prices left as they are.
    let upkept = |v: &serde_json::Value| {
        v["event"] == "round" && v["upkept"].as_array().is_some_and(|a| !a.is_empty())
    };
    assert!(wait_for(&logged, &upkept, &mut seen), "no upkeep: {seen:?}");
    let round = seen.last().unwrap().clone();
    assert_eq!(
        round["upkept"],
        serde_json::json!(["advanceRamps", format!("advanceHaircut({weth})")]),
        "{seen:?}"
    );

    // The keeper stops. The expiry passes, and BTC's feed answers 66,000 then 67,000 in two
    // rounds after it. A keeper started again fixes the expiry at the first of them, settles
    // both sides, and moves BTC's reference price. It starts from the state file: from the block
    // the first run had followed events to, knowing Alice and Bob only from the file.
    // (The file is written after the round that learnt the accounts: wait for it.)
    let start = Instant::now();
    while !std::path::Path::new(&state).exists() && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(100));
    }
    drop(keeper);
    let saved: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    let saved_block = saved["nextBlock"].as_u64().unwrap();
    let accounts = saved["accounts"].to_string().to_lowercase();
    assert!(
        accounts.contains(&f.alice.to_string().to_lowercase())
            && accounts.contains(&f.bob.to_string().to_lowercase()),
        "{saved}"
    );
    f.owner
        .rpc("evm_increaseTime", serde_json::json!([3_700]))
        .unwrap();
    for usd in [66_000, 67_000] {
        let answer = I256::try_from(usd * E8).unwrap();
        send(
            &mut f.owner,
            f.btc_feed,
            IMockFeed::setAnswerCall { answer }.abi_encode(),
        );
    }
    let (keeper, logged) = f.keeper(&["--upkeep-every", "60", "--check-every", "0", "--state", &state]);
    let restored = |v: &serde_json::Value| v["event"] == "state_restored";
    assert!(
        wait_for(&logged, &restored, &mut seen),
        "no state restored: {seen:?}"
    );
    assert_eq!(seen.last().unwrap()["fromBlock"].as_u64(), Some(saved_block));
    let deployment: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&f.deployment_path).unwrap()).unwrap();
    assert!(
        saved_block > deployment["firstBlock"].as_u64().unwrap(),
        "{saved_block}"
    );
    let settled = |who: Address| {
        move |v: &serde_json::Value| v["event"] == "settled" && v["account"] == who.to_string().to_lowercase()
    };
    let fixed = |v: &serde_json::Value| v["event"] == "expiry_price_fixed";
    let btc_reference = |v: &serde_json::Value| {
        v["event"] == "round"
            && v["upkept"]
                .as_array()
                .is_some_and(|a| a.contains(&"updateReferencePrice(0)".into()))
    };
    let mut until = |what: &dyn Fn(&serde_json::Value) -> bool| {
        seen.iter().any(what) || wait_for(&logged, what, &mut seen)
    };
    let found = until(&fixed) && until(&settled(f.alice)) && until(&settled(f.bob)) && until(&btc_reference);
    drop(keeper);
    assert!(found, "the keeper did not fix and settle the expiry: {seen:?}");
    let price = IClearinghouse::expiryPriceCall::abi_decode_returns(&view(
        &mut f,
        IClearinghouse::expiryPriceCall {
            underlying: 0,
            expiry,
        }
        .abi_encode(),
    ))
    .unwrap();
    assert_eq!(
        price,
        I256::try_from(66_000 * E18).unwrap(),
        "the first round after the expiry"
    );
    // BTC's reference price followed its feed by 2% (an hour counted of the hour and more).
    assert_eq!(reference(&mut f, 0), I256::try_from(66_300 * E18).unwrap());
    for who in [f.alice, f.bob] {
        let held = IClearinghouse::positionsCall::abi_decode_returns(&view(
            &mut f,
            IClearinghouse::positionsCall { account: who }.abi_encode(),
        ))
        .unwrap();
        assert!(held.instruments.is_empty(), "{who} still holds {held:?}");
    }
    f.stop();
}
