//! The whole path a protocol takes on a real chain, against `pm-node`: `pm-deploy` (the binary,
//! with its key in the environment) deploys and configures the engine from a configuration file;
//! then alloy's provider and Foundry's `cast`, with no special flags, deposit, trade through the
//! perp market, read `accountMargin`, and decode a custom error from a reverted call.
#![cfg(feature = "e2e")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use alloy_primitives::{Address, B256, I256, U256};
use alloy_provider::network::TransactionBuilder;
use alloy_provider::{Provider, ProviderBuilder};
use alloy_rpc_types_eth::TransactionRequest;
use alloy_sol_types::{SolCall, SolError, SolInterface};
use pm_clearinghouse::instrument::{id_of, Spec};
use pm_deploy::abi::{IBilateralMarket, IClearinghouse, IVault};
use pm_deploy::mocks;
use pm_deploy::rpc_chain::RpcChain;
use pm_deploy::Chain;
use pm_node::{start, NodeConfig, RunningNode};
use std::future::IntoFuture;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
const E18: i128 = 1_000_000_000_000_000_000;
const USDC: u64 = 1_000_000;

fn feed(chain: &mut RpcChain, price_e8: i64) -> Address {
    mocks::mock_feed(chain, Path::new(ROOT), 8, i128::from(price_e8)).unwrap()
}

fn send(chain: &mut RpcChain, to: Address, data: Vec<u8>) {
    chain.send(Some(to), data, U256::ZERO).unwrap();
}

fn cast(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(Path::new(ROOT).join("node_modules/.bin/cast"))
        .args(args)
        .output()
        .expect("cast: run script/setup.sh");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).trim().to_string(),
        String::from_utf8_lossy(&out.stderr).trim().to_string(),
    )
}

/// A directory of `test`'s own (the tests run at once in one process).
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pm-deploy-node-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn node(runtime: &tokio::runtime::Runtime) -> RunningNode {
    let config = NodeConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        ..Default::default()
    };
    runtime.block_on(start(config)).unwrap()
}

/// A deployment file: USDC (6 decimals) settles, at `usdc_feed`; `underlyings` listed with
/// their preset parameters and a 5% band; the program cache as `program_cache` says.
fn engine_config(
    usdc: Address,
    usdc_feed: Address,
    underlyings: &[(&str, Address, &str)],
    correlations: &[&str],
    program_cache: serde_json::Value,
) -> serde_json::Value {
    let underlyings: Vec<serde_json::Value> = underlyings
        .iter()
        .map(|(symbol, feed, vol)| {
            serde_json::json!({
                "symbol": symbol, "feed": feed, "heartbeat": 86_400, "volMaxAge": 86_400,
                "params": symbol, "futureBand": "50000000000000000",
                "optionBand": "50000000000000000", "vol": vol
            })
        })
        .collect();
    serde_json::json!({
        "settlement": {
            "token": usdc, "feed": usdc_feed, "heartbeat": 86_400,
            "depositCap": "1000000000000000000"
        },
        "settlementDecimals": 6,
        "underlyings": underlyings,
        "correlations": correlations,
        "settleCap": "10000000000",
        "programCache": program_cache
    })
}

/// Runs the `pm-deploy` binary as an operator does (the key `key` in the environment) on `url`
/// with the configuration `config` written to `dir`, the deployment written there too, and
/// `extra` flags.
fn pm_deploy(url: &str, key: &B256, dir: &Path, config: &serde_json::Value, extra: &[&str]) -> Output {
    let config_path = dir.join("config.json");
    std::fs::write(&config_path, config.to_string()).unwrap();
    Command::new(env!("CARGO_BIN_EXE_pm-deploy"))
        .args(["--rpc", url, "--config"])
        .arg(&config_path)
        .arg("--out")
        .arg(dir.join("deployment.json"))
        .args(["--root", ROOT])
        .args(extra)
        .env(
            "PM_DEPLOY_KEY",
            format!("0x{}", alloy_primitives::hex::encode(key)),
        )
        .output()
        .unwrap()
}

#[test]
fn pm_deploy_deploys_the_engine_on_the_node_and_real_clients_trade_through_it() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let node = node(&runtime);
    let url = node.url();
    let mut owner = RpcChain::connect(&url, node.accounts[0].signer()).unwrap();

    // What a real chain already has: the settlement token and Chainlink feeds (mocks here).
    let usdc = mocks::mock_token(&mut owner, Path::new(ROOT), "USD Coin", "USDC", 6).unwrap();
    let usdc_feed = feed(&mut owner, 100_000_000);
    let btc_feed = feed(&mut owner, 65_000 * 100_000_000);
    let eth_feed = feed(&mut owner, 3_000 * 100_000_000);

    let dir = scratch("deploy");
    let config = engine_config(
        usdc,
        usdc_feed,
        &[
            ("BTC", btc_feed, "550000000000000000"),
            ("ETH", eth_feed, "650000000000000000"),
        ],
        &["850000000000000000"],
        "chainOwner".into(),
    );
    let out_path = dir.join("deployment.json");
    let deploy_with = |config: &serde_json::Value, extra: &[&str]| {
        pm_deploy(&url, &node.accounts[0].key, &dir, config, extra)
    };
    let deploy = |config: &serde_json::Value| deploy_with(config, &[]);
    // A file for another chain is refused before anything is sent.
    let provider = ProviderBuilder::new().connect_http(url.parse().unwrap());
    let before = runtime
        .block_on(provider.get_block_number().into_future())
        .unwrap();
    let mut other_chain = config.clone();
    other_chain["chainId"] = 42_161.into();
    let refused = deploy(&other_chain);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("chain 42161"));
    assert_eq!(
        runtime
            .block_on(provider.get_block_number().into_future())
            .unwrap(),
        before
    );

    // The binary, as an operator runs it: the key in the environment, nothing else special.
    // First a deployment that stops part way: ETH's feed is an account without code, so its
    // setUnderlying reverts after the programs, the markets and BTC are done.
    let mut this_chain = config.clone();
    this_chain["chainId"] = 412_346.into();
    let mut broken = this_chain.clone();
    broken["underlyings"][1]["feed"] = node.accounts[7].address.to_string().into();
    let failed = deploy(&broken);
    assert!(!failed.status.success());
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(
        stderr.contains("setUnderlying ETH") && stderr.contains("--resume"),
        "{stderr}"
    );
    let journal = out_path.with_extension("journal.json");
    assert!(journal.exists() && !out_path.exists());
    let block = || {
        runtime
            .block_on(provider.get_block_number().into_future())
            .unwrap()
    };
    let stopped = block();
    // Without --resume nothing is sent: the journal would be lost.
    let again = deploy(&this_chain);
    assert!(String::from_utf8_lossy(&again.stderr).contains("--resume"));
    assert_eq!(block(), stopped);
    // With it, the feed fixed, only the steps from ETH's listing on are sent.
    let run = deploy_with(&this_chain, &["--resume"]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(!journal.exists());
    let deployment: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out_path).unwrap()).unwrap();
    assert_eq!(deployment["chainId"], 412_346);
    assert!(deployment["firstBlock"].as_u64().unwrap() > before);
    let address = |field: &str| -> Address { deployment[field].as_str().unwrap().parse().unwrap() };
    let (vault, clearinghouse, perps) = (address("vault"), address("clearinghouse"), address("perpMarket"));
    let programs = deployment["programs"].as_array().unwrap();
    assert_eq!(programs.len(), 12);
    // Every step is in the file, the ones the first run mined too; the resume sent only the
    // rest (a block each).
    let steps = deployment["steps"].as_array().unwrap().len() as u64;
    let resumed = block() - stopped;
    assert!(
        resumed > 0 && resumed < 25 && steps > resumed + 12,
        "{resumed} of {steps}"
    );

    for p in programs {
        let program: Address = p["address"].as_str().unwrap().parse().unwrap();
        let code = runtime
            .block_on(provider.get_code_at(program).into_future())
            .unwrap();
        assert!(code.starts_with(&[0xEF, 0xF0, 0x00]), "{p}: a Stylus program");
        // Each was activated here for the data fee ArbWasm asked (none was active before).
        let fee: U256 = p["dataFee"].as_str().unwrap().parse().unwrap();
        assert!(fee > U256::from(10u64.pow(13)), "{p}: a data fee paid");
    }
    // A second deployment's constructor cannot be called again: the core is initialised.
    let again = IClearinghouse::initializeCall {
        owner: node.accounts[3].address,
        vault,
        riskProgram: vault,
        viewsFacet: vault,
        accountsFacet: vault,
        tradingFacet: vault,
        settlementFacet: vault,
        liquidationFacet: vault,
        parametersFacet: vault,
        settlementDecimals: 6,
    };
    assert!(owner.call(clearinghouse, again.abi_encode(), U256::ZERO).is_err());

    // Two traders deposit through alloy and trade a perp through the market.
    let amount = U256::from(100_000 * USDC);
    let (alice, bob) = (node.accounts[1].address, node.accounts[2].address);
    for i in [1, 2] {
        let mut trader = RpcChain::connect(&url, node.accounts[i].signer()).unwrap();
        mocks::fund_and_deposit(&mut owner, &mut trader, usdc, vault, amount).unwrap();
        let approve = IClearinghouse::approveMarketCall {
            market: perps,
            approved: true,
        };
        send(&mut trader, clearinghouse, approve.abi_encode());
    }
    let btc_perp = id_of(&Spec {
        underlying: 0,
        kind: 0,
        expiry: 0,
        strike: 0,
    });
    let now = runtime
        .block_on(provider.get_block_by_number(Default::default()).into_future())
        .unwrap()
        .unwrap()
        .header
        .timestamp;
    let propose = IBilateralMarket::proposeCall {
        taker: bob,
        instruments: vec![btc_perp],
        sizes: vec![E18],
        prices: vec![65_000 * E18],
        deadline: now + 3_600,
    };
    let mut maker = RpcChain::connect(&url, node.accounts[1].signer()).unwrap();
    let id = U256::from_be_slice(&maker.call(perps, propose.abi_encode(), U256::ZERO).unwrap());
    send(&mut maker, perps, propose.abi_encode());
    let mut taker = RpcChain::connect(&url, node.accounts[2].signer()).unwrap();
    send(
        &mut taker,
        perps,
        IBilateralMarket::acceptCall { id }.abi_encode(),
    );

    // accountMargin through alloy: one BTC long is margined, the account is healthy.
    let margin_call = IClearinghouse::accountMarginCall { account: alice };
    let answer = runtime
        .block_on(
            provider
                .call(
                    TransactionRequest::default()
                        .with_to(clearinghouse)
                        .with_input(margin_call.abi_encode()),
                )
                .into_future(),
        )
        .unwrap();
    let m = IClearinghouse::accountMarginCall::abi_decode_returns(&answer).unwrap();
    assert!(m.initialMargin > I256::ZERO && m.initialMargin < I256::try_from(65_000 * E18).unwrap());
    assert!(m.equity > m.initialMargin && !m.liquidatable, "{:?}", m.equity);

    // The same through cast, with the return types spelt out as a person would.
    let rpc = url.as_str();
    let (ok, out, err) = cast(&[
        "call",
        &clearinghouse.to_string(),
        "accountMargin(address)(int256,int256,int256,int256,int256,int256,int256,bool)",
        &alice.to_string(),
        "--rpc-url",
        rpc,
    ]);
    assert!(ok, "{err}");
    let first = out.lines().next().unwrap().split_whitespace().next().unwrap();
    assert_eq!(first, m.equity.to_string());

    // Alice cannot withdraw everything while she holds the perp: a custom error, decoded by
    // alloy from the error's data and shown by cast.
    let withdraw = IVault::withdrawCall {
        token: usdc,
        amount,
        to: alice,
    };
    let error = runtime
        .block_on(
            provider
                .call(
                    TransactionRequest::default()
                        .with_from(alice)
                        .with_to(vault)
                        .with_input(withdraw.abi_encode()),
                )
                .into_future(),
        )
        .unwrap_err();
    let data = error
        .as_error_resp()
        .and_then(|p| p.as_revert_data())
        .expect("revert data");
    match IVault::IVaultErrors::abi_decode(&data).unwrap() {
        IVault::IVaultErrors::InsufficientMargin(e) => {
            assert_eq!(e.account, alice);
            assert!(e.shortfall > U256::ZERO);
        }
        other => panic!("{other:?}"),
    }
    let (ok, _, err) = cast(&[
        "call",
        &vault.to_string(),
        "withdraw(address,uint256,address)",
        &usdc.to_string(),
        &amount.to_string(),
        &alice.to_string(),
        "--from",
        &alice.to_string(),
        "--rpc-url",
        rpc,
    ]);
    assert!(!ok);
    let hex_data = format!("0x{}", alloy_primitives::hex::encode(&data));
    assert!(
        err.contains("execution reverted") && err.contains(&hex_data),
        "{err}"
    );
    let (ok, decoded, err) = cast(&[
        "decode-error",
        "--sig",
        "InsufficientMargin(address,int256,int256,uint256)",
        &hex_data,
    ]);
    assert!(ok, "{err}");
    assert!(decoded.contains(&alice.to_string()), "{decoded}");

    runtime.block_on(node.stop());
    std::fs::remove_dir_all(dir).ok();
}

alloy_sol_types::sol! {
    /// Arbitrum's CacheManager (the parts the test drives) and the chain owner's ArbOwner.
    interface ICacheManager {
        struct Entry { bytes32 code; uint64 size; uint192 bid; }
        function paused() external;
        function unpause() external;
        function getEntries() external view returns (Entry[] memory);
        error BidsArePaused();
    }
    interface IArbOwner {
        function addWasmCacheManager(address manager) external;
    }
    interface IArbWasmCache {
        function codehashIsCached(bytes32 codehash) external view returns (bool);
    }
    interface IArbWasm {
        function codehashAsmSize(bytes32 codehash) external view returns (uint32);
    }
}

/// The path to Arbitrum's program cache on Arbitrum One and Sepolia, on pm-node: Arbitrum's own
/// CacheManager (behind its proxy) is made a cache manager by the chain owner; pm-deploy bids
/// for every program through it. While the owner has paused the auction the first bid is
/// refused (`BidsArePaused`) and pm-deploy stops, naming the step; once resumed, `--resume`
/// sends only the bids, and every program is cached, each entry holding its bid.
#[test]
fn pm_deploy_bids_for_every_program_in_arbitrums_cache_manager() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let node = node(&runtime);
    let url = node.url();
    let mut owner = RpcChain::connect(&url, node.accounts[0].signer()).unwrap();
    let root = Path::new(ROOT);
    let manager = mocks::cache_manager(&mut owner, root, 64 << 20, 0).unwrap();
    let arb_owner: Address = "0x0000000000000000000000000000000000000070".parse().unwrap();
    let add = IArbOwner::addWasmCacheManagerCall { manager };
    send(&mut owner, arb_owner, add.abi_encode());
    // Its admin functions ask ArbOwnerPublic whether the caller owns the chain.
    send(&mut owner, manager, ICacheManager::pausedCall {}.abi_encode());

    let usdc = mocks::mock_token(&mut owner, root, "USD Coin", "USDC", 6).unwrap();
    let usdc_feed = feed(&mut owner, 100_000_000);
    let btc_feed = feed(&mut owner, 65_000 * 100_000_000);
    let bid = 1_000_000_000_000u64;
    let mut config = engine_config(
        usdc,
        usdc_feed,
        &[("BTC", btc_feed, "550000000000000000")],
        &[],
        serde_json::json!({ "bid": { "cacheManager": manager, "bidWei": bid.to_string() } }),
    );
    config["chainId"] = 412_346.into();
    let dir = scratch("bid");
    let out_path = dir.join("deployment.json");
    let deploy = |extra: &[&str]| pm_deploy(&url, &node.accounts[0].key, &dir, &config, extra);
    let paused = deploy(&[]);
    assert!(!paused.status.success());
    let stderr = String::from_utf8_lossy(&paused.stderr);
    let selector = alloy_primitives::hex::encode(ICacheManager::BidsArePaused::SELECTOR);
    assert!(
        stderr.contains("placeBid") && stderr.contains(&selector) && stderr.contains("--resume"),
        "{stderr}"
    );
    send(&mut owner, manager, ICacheManager::unpauseCall {}.abi_encode());
    let provider = ProviderBuilder::new().connect_http(url.parse().unwrap());
    let block = || {
        runtime
            .block_on(provider.get_block_number().into_future())
            .unwrap()
    };
    let before = block();
    let resumed = deploy(&["--resume"]);
    assert!(
        resumed.status.success(),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    // Only the 12 bids were sent (a block each): the rest was mined by the first run.
    assert_eq!(block() - before, 12);

    let deployment: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out_path).unwrap()).unwrap();
    let programs = deployment["programs"].as_array().unwrap();
    assert_eq!(programs.len(), 12);
    let entries = owner
        .call(manager, ICacheManager::getEntriesCall {}.abi_encode(), U256::ZERO)
        .unwrap();
    let entries = ICacheManager::getEntriesCall::abi_decode_returns(&entries).unwrap();
    assert_eq!(entries.len(), 12);
    let cache: Address = "0x0000000000000000000000000000000000000072".parse().unwrap();
    let arb_wasm: Address = "0x0000000000000000000000000000000000000071".parse().unwrap();
    for (p, entry) in programs.iter().zip(&entries) {
        let program: Address = p["address"].as_str().unwrap().parse().unwrap();
        let code = runtime
            .block_on(provider.get_code_at(program).into_future())
            .unwrap();
        let hash = alloy_primitives::keccak256(&code);
        // In bid order: the program's code hash, its machine-code size (4 KiB at least, as the
        // manager counts it), the bid (no decay).
        assert_eq!(entry.code, hash);
        let asm = IArbWasm::codehashAsmSizeCall { codehash: hash };
        let asm = owner.call(arb_wasm, asm.abi_encode(), U256::ZERO).unwrap();
        let asm = IArbWasm::codehashAsmSizeCall::abi_decode_returns(&asm).unwrap();
        assert_eq!(entry.size, u64::from(asm.max(4_096)));
        assert_eq!(entry.bid, alloy_primitives::aliases::U192::from(bid));
        let cached = IArbWasmCache::codehashIsCachedCall { codehash: hash };
        let answer = owner.call(cache, cached.abi_encode(), U256::ZERO).unwrap();
        assert!(
            IArbWasmCache::codehashIsCachedCall::abi_decode_returns(&answer).unwrap(),
            "{p}"
        );
    }
    // The bids are the auction's: 12 × the bid.
    let held = runtime
        .block_on(provider.get_balance(manager).into_future())
        .unwrap();
    assert_eq!(held, U256::from(12 * bid));

    runtime.block_on(node.stop());
    std::fs::remove_dir_all(dir).ok();
}
