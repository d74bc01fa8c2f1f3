//! The keeper alone against a price shock, on `pm-node`: the engine deployed by `pm-deploy`, two
//! traders and a keeper account; the `pm-keeper` binary follows the chain; BTC falls 10% and the
//! keeper liquidates the account it left below maintenance within a few blocks, with nobody else
//! acting. Its figures agree with the chain's `accountMargin` to the wei.
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
use pm_deploy::mocks::{self, IMockFeed, IMockToken};
use pm_deploy::rpc_chain::RpcChain;
use pm_deploy::{deploy_engine, Chain};
use pm_node::{start, NodeConfig};

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

#[test]
fn the_keeper_alone_liquidates_the_account_a_price_shock_leaves_below_maintenance() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let node = runtime
        .block_on(start(NodeConfig {
            listen: "127.0.0.1:0".parse().unwrap(),
            ..Default::default()
        }))
        .unwrap();
    let url = node.url();
    let connect = |i: usize| RpcChain::connect(&url, node.accounts[i].signer()).unwrap();
    let mut owner = connect(0);
    let usdc = mocks::mock_token(&mut owner, Path::new(ROOT), "USD Coin", "USDC", 6).unwrap();
    let usdc_feed = feed(&mut owner, E8);
    let btc_feed = feed(&mut owner, 65_000 * E8);
    let eth_feed = feed(&mut owner, 3_000 * E8);
    let underlying = |symbol: &str, feed: Address, vol: &str| {
        serde_json::json!({ "symbol": symbol, "feed": feed, "heartbeat": 86_400, "volMaxAge": 86_400,
            "params": symbol, "futureBand": "50000000000000000", "optionBand": "50000000000000000", "vol": vol })
    };
    let config: DeployConfig = serde_json::from_value(serde_json::json!({
        "settlement": { "token": usdc, "feed": usdc_feed, "heartbeat": 86_400, "depositCap": "1000000000000000000" },
        "settlementDecimals": 6,
        "underlyings": [underlying("BTC", btc_feed, "550000000000000000"), underlying("ETH", eth_feed, "650000000000000000")],
        "correlations": ["850000000000000000"],
        "settleCap": "10000000000"
    }))
    .unwrap();
    let deployment = deploy_engine(&mut owner, Path::new(ROOT), &config).unwrap();
    let (vault, clearinghouse, perps) = (deployment.vault, deployment.clearinghouse, deployment.perp_market);
    let dir = std::env::temp_dir().join(format!("pm-keeper-node-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let deployment_path = dir.join("deployment.json");
    std::fs::write(&deployment_path, serde_json::to_string(&deployment).unwrap()).unwrap();

    // Alice, Bob and the keeper's account deposit; Alice buys 5 BTC perps from Bob.
    let (alice, bob) = (node.accounts[1].address, node.accounts[2].address);
    for (i, usd) in [(1, 100_000u64), (2, 1_000_000), (3, 10_000_000)] {
        let amount = U256::from(usd * USDC);
        let who = node.accounts[i].address;
        send(
            &mut owner,
            usdc,
            IMockToken::mintCall { to: who, amount }.abi_encode(),
        );
        let mut account = connect(i);
        send(
            &mut account,
            usdc,
            IMockToken::approveCall {
                spender: vault,
                amount,
            }
            .abi_encode(),
        );
        send(
            &mut account,
            vault,
            IVault::depositCall { token: usdc, amount }.abi_encode(),
        );
        let approve = IClearinghouse::approveMarketCall {
            market: perps,
            approved: true,
        };
        send(&mut account, clearinghouse, approve.abi_encode());
    }
    let (_, now) = owner.latest_block().unwrap();
    let propose = IBilateralMarket::proposeCall {
        taker: bob,
        instruments: vec![id_of(&Spec {
            underlying: 0,
            kind: 0,
            expiry: 0,
            strike: 0,
        })],
        sizes: vec![5 * E18],
        prices: vec![65_000 * E18],
        deadline: now + 3_600,
    };
    let mut alice_chain = connect(1);
    let id = U256::from_be_slice(&alice_chain.call(perps, propose.abi_encode(), U256::ZERO).unwrap());
    send(&mut alice_chain, perps, propose.abi_encode());
    send(
        &mut connect(2),
        perps,
        IBilateralMarket::acceptCall { id }.abi_encode(),
    );
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

    // The keeper, as an operator runs it.
    let mut keeper = KillOnDrop(
        Command::new(env!("CARGO_BIN_EXE_pm-keeper"))
            .args(["--rpc", &url, "--deployment"])
            .arg(&deployment_path)
            .args(["--interval", "100", "--check-every", "1"])
            .env(
                "PM_KEEPER_KEY",
                format!("0x{}", alloy_primitives::hex::encode(node.accounts[3].key)),
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
    let wait_for = |what: &dyn Fn(&serde_json::Value) -> bool, seen: &mut Vec<serde_json::Value>| {
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
    };
    let mut seen = Vec::new();
    // It holds both books and agrees with the chain before anything happens.
    let agreed = |v: &serde_json::Value| v["event"] == "cross_check" && v["agree"] == true;
    assert!(wait_for(&agreed, &mut seen), "no agreeing cross-check: {seen:?}");

    // BTC falls 10%: Alice's 5 BTC lose 32,500 USD, more than her margin above maintenance.
    send(
        &mut owner,
        btc_feed,
        IMockFeed::setAnswerCall {
            answer: I256::try_from(58_500 * E8).unwrap(),
        }
        .abi_encode(),
    );
    let (shock_block, _) = owner.latest_block().unwrap();
    let liquidated = |v: &serde_json::Value| {
        v["event"] == "liquidated" && v["account"] == alice.to_string().to_lowercase()
    };
    let found = wait_for(&liquidated, &mut seen);
    drop(keeper);
    assert!(found, "the keeper did not liquidate Alice: {seen:?}");

    let logs = owner
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
    runtime.block_on(node.stop());
    std::fs::remove_dir_all(dir).ok();
}
