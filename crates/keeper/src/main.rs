//! `pm-keeper --rpc URL --deployment FILE [--dry-run] [--max-gas-price WEI] [--interval MS]
//! [--check-every N] [--upkeep-every S] [--from-block N] [--state FILE] [--keystore FILE]`: runs
//! keeper rounds until stopped, keeping what it learnt across restarts in the state file if given,
//! signing with the key in `PM_KEEPER_KEY` (hex) or an encrypted keystore file (password in
//! `PM_KEYSTORE_PASSWORD`). Logs are JSON lines on standard output.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use pm_deploy::rpc_chain::RpcChain;
use pm_deploy::signer::signer;
use pm_keeper::log::log;
use pm_keeper::state::{block_hash, KeeperState};
use pm_keeper::upkeep::MAX_UPKEEP_EVERY;
use pm_keeper::{Engine, Keeper, KeeperConfig};
use serde_json::json;

const USAGE: &str = "usage: pm-keeper --rpc URL --deployment FILE [--dry-run] [--max-gas-price WEI]
                 [--interval MS] [--check-every N] [--upkeep-every S] [--from-block N]
                 [--state FILE] [--keystore FILE]
  --state FILE: where it keeps the block it has followed events to and the accounts it knows,
               so that a restart need not read the events from the deployment on
  --upkeep-every S: seconds of chain time between reference-price and ramp upkeeps (600, at most
                   3,600; 0: never)
  key: PM_KEEPER_KEY (hex), or --keystore FILE with its password in PM_KEYSTORE_PASSWORD";

/// The longest wait between rounds after errors.
const MAX_BACKOFF: Duration = Duration::from_secs(10);
/// The longest the state file goes unwritten while only the block moves (it is written at once
/// when the accounts or collateral change).
const STATE_EVERY: Duration = Duration::from_secs(60);

struct Args {
    rpc: String,
    deployment: PathBuf,
    config: KeeperConfig,
    interval: Duration,
    /// Where to start following events (default: the deployment's first block).
    from_block: Option<u64>,
    state: Option<PathBuf>,
    keystore: Option<PathBuf>,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let (mut rpc, mut deployment, mut keystore, mut state) = (None, None, None, None);
    let mut config = KeeperConfig::default();
    let mut interval = Duration::from_millis(250);
    let mut from_block = None;
    let mut it = args.iter();
    let number = |flag: &str, v: Option<&String>| -> Result<u128, String> {
        v.ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?
            .parse::<u128>()
            .map_err(|_| format!("{flag}: not a number\n{USAGE}"))
    };
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--dry-run" => config.dry_run = true,
            "--rpc" => rpc = it.next().cloned(),
            "--deployment" => deployment = it.next().map(PathBuf::from),
            "--keystore" => keystore = it.next().map(PathBuf::from),
            "--state" => state = it.next().map(PathBuf::from),
            "--max-gas-price" => config.max_gas_price = Some(number(flag, it.next())?),
            "--interval" => interval = Duration::from_millis(number(flag, it.next())? as u64),
            "--check-every" => config.check_every = number(flag, it.next())? as u64,
            "--upkeep-every" => {
                config.upkeep_every = number(flag, it.next())? as u64;
                if config.upkeep_every > MAX_UPKEEP_EVERY {
                    return Err(format!(
                        "--upkeep-every: at most {MAX_UPKEEP_EVERY} s (ramps and reference prices do not make up more than an hour)\n{USAGE}"
                    ));
                }
            }
            "--from-block" => from_block = Some(number(flag, it.next())? as u64),
            _ => return Err(format!("unknown flag {flag}\n{USAGE}")),
        }
    }
    Ok(Args {
        rpc: rpc.ok_or_else(|| format!("--rpc is required\n{USAGE}"))?,
        deployment: deployment.ok_or_else(|| format!("--deployment is required\n{USAGE}"))?,
        config,
        interval,
        from_block,
        state,
        keystore,
    })
}

fn run(args: Args) -> Result<(), String> {
    let engine = Engine::from_deployment(&args.deployment)?;
    let chain = RpcChain::connect(&args.rpc, signer("PM_KEEPER_KEY", args.keystore.as_deref())?)?;
    let mut chain = chain;
    let saved = match &args.state {
        Some(path) => KeeperState::load(path, chain.chain_id, engine.clearinghouse)?,
        None => None,
    };
    if let Some(saved) = &saved {
        // The state must be of this chain: its last block mined here, and the same.
        let (head, _) = chain.latest_block()?;
        let last = saved.next_block.saturating_sub(1);
        let here = if last <= head {
            block_hash(&mut chain, last)?
        } else {
            None
        };
        if saved.next_block > head + 1 || (saved.block_hash.is_some() && here != saved.block_hash) {
            return Err(format!(
                "the state file's block {last} is not this chain's (at block {head}): was the chain started again? Remove the file"
            ));
        }
    }
    let from_block = args
        .from_block
        .or(saved.as_ref().map(|s| s.next_block))
        .unwrap_or(engine.first_block);
    log(
        "info",
        "start",
        json!({ "rpc": args.rpc, "chainId": chain.chain_id, "account": pm_deploy::Chain::account(&chain),
                "clearinghouse": engine.clearinghouse, "dryRun": args.config.dry_run,
                "fromBlock": from_block }),
    );
    let mut keeper = Keeper::new(chain, engine, args.config, from_block);
    if let Some(saved) = &saved {
        keeper.restore(saved);
        log(
            "info",
            "state_restored",
            json!({ "accounts": saved.accounts.len(), "fromBlock": from_block }),
        );
    }
    let mut written = (saved, Instant::now());
    let mut backoff = args.interval;
    loop {
        match keeper.round() {
            Ok(_) => {
                if let Some(path) = &args.state {
                    let mut now = keeper.state();
                    let changed = written.0.as_ref().is_none_or(|w| {
                        w.accounts != now.accounts
                            || w.collateral_feeds != now.collateral_feeds
                            || w.collateral_tokens != now.collateral_tokens
                            || (w.next_block != now.next_block && written.1.elapsed() >= STATE_EVERY)
                    });
                    if changed {
                        now.block_hash = keeper.block_hash(now.next_block.saturating_sub(1)).ok().flatten();
                        match now.save(path) {
                            Ok(()) => written = (Some(now), Instant::now()),
                            Err(e) => log("warn", "state_unwritable", json!({ "error": e })),
                        }
                    }
                }
                backoff = args.interval;
                std::thread::sleep(args.interval);
            }
            Err(e) => {
                log(
                    "error",
                    "round_failed",
                    json!({ "error": e, "retryInMs": backoff.as_millis() as u64 }),
                );
                std::thread::sleep(backoff);
                backoff = backoff.saturating_mul(2).min(MAX_BACKOFF);
            }
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse(&args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            log("error", "stopped", json!({ "error": e }));
            ExitCode::FAILURE
        }
    }
}
