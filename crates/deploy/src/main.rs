//! `pm-deploy --rpc URL --config FILE [--out FILE] [--root DIR] [--keystore FILE] [--resume]`:
//! deploys and configures the engine on the chain at URL, signing with the key in
//! `PM_DEPLOY_KEY` (hex) or an encrypted keystore file (password in `PM_KEYSTORE_PASSWORD`), and
//! writes what it deployed to the deployment file (default `deployment.json`). Each mined
//! transaction is journaled beside it (`deployment.journal.json`) until the end; `--resume`
//! continues a deployment that stopped part way without sending its mined steps again.

use std::path::PathBuf;
use std::process::ExitCode;

use alloy_sol_types::SolCall;
use pm_deploy::journal::Journaled;
use pm_deploy::rpc_chain::RpcChain;
use pm_deploy::signer::signer;
use pm_deploy::{deploy_engine, DeployConfig};

const USAGE: &str =
    "usage: pm-deploy --rpc URL --config FILE [--out FILE] [--root DIR] [--keystore FILE] [--resume]
  key: PM_DEPLOY_KEY (hex), or --keystore FILE with its password in PM_KEYSTORE_PASSWORD
  root: the repository (the programs' release wasm and Foundry's out/), default .
  resume: continue the deployment journaled beside --out (the .journal.json file)";

struct Args {
    rpc: String,
    config: PathBuf,
    out: PathBuf,
    root: PathBuf,
    keystore: Option<PathBuf>,
    resume: bool,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let (mut rpc, mut config, mut keystore) = (None, None, None);
    let mut out = PathBuf::from("deployment.json");
    let mut root = PathBuf::from(".");
    let mut resume = false;
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        if flag == "--resume" {
            resume = true;
            continue;
        }
        let value = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--rpc" => rpc = Some(value.clone()),
            "--config" => config = Some(PathBuf::from(value)),
            "--out" => out = PathBuf::from(value),
            "--root" => root = PathBuf::from(value),
            "--keystore" => keystore = Some(PathBuf::from(value)),
            _ => return Err(format!("unknown flag {flag}\n{USAGE}")),
        }
    }
    Ok(Args {
        rpc: rpc.ok_or_else(|| format!("--rpc is required\n{USAGE}"))?,
        config: config.ok_or_else(|| format!("--config is required\n{USAGE}"))?,
        out,
        root,
        keystore,
        resume,
    })
}

/// The settlement token's `decimals()` must be the configuration's: the clearinghouse fixes them
/// at construction.
fn check_settlement_decimals(chain: &mut RpcChain, config: &DeployConfig) -> Result<(), String> {
    alloy_sol_types::sol! {
        function decimals() external view returns (uint8);
    }
    let token = config.settlement.token;
    let answer = pm_deploy::Chain::call(chain, token, decimalsCall {}.abi_encode(), Default::default())
        .map_err(|e| format!("settlement token {token}: decimals(): {e}"))?;
    let decimals =
        decimalsCall::abi_decode_returns(&answer).map_err(|e| format!("settlement token {token}: {e}"))?;
    if decimals != config.settlement_decimals {
        return Err(format!(
            "settlement token {token} has {decimals} decimals, the configuration says {}",
            config.settlement_decimals
        ));
    }
    Ok(())
}

fn run(args: &Args) -> Result<(), String> {
    let config = DeployConfig::read(&args.config)?;
    let signer = signer("PM_DEPLOY_KEY", args.keystore.as_deref())?;
    let mut chain = RpcChain::connect(&args.rpc, signer)?;
    if let Some(expected) = config.chain_id {
        if expected != chain.chain_id {
            return Err(format!(
                "the configuration is for chain {expected}, the endpoint is chain {}",
                chain.chain_id
            ));
        }
    }
    check_settlement_decimals(&mut chain, &config)?;
    println!(
        "pm-deploy: chain {} at {}, deploying as {}",
        chain.chain_id,
        args.rpc,
        pm_deploy::Chain::account(&chain)
    );
    let chain_id = chain.chain_id;
    let journal_path = args.out.with_extension("journal.json");
    let mut journaled = if args.resume {
        Journaled::resume(&mut chain, &journal_path, chain_id)?
    } else {
        Journaled::start(&mut chain, &journal_path, chain_id)?
    };
    if args.resume {
        println!(
            "resuming: {} transactions already mined ({})",
            journaled.len(),
            journal_path.display()
        );
    }
    let deployment = match deploy_engine(&mut journaled, &args.root, &config) {
        Ok(d) => d,
        Err(e) if journaled.is_empty() => return Err(e),
        Err(e) => {
            return Err(format!(
                "{e}\nthe {} transactions mined so far are journaled in {}: fix the cause and run again with --resume",
                journaled.len(),
                journal_path.display()
            ))
        }
    };
    if journaled.unreplayed() > 0 {
        return Err(format!(
            "the deployment ended before {} of the journal's transactions: the configuration changed since; {} is kept",
            journaled.unreplayed(),
            journal_path.display()
        ));
    }
    for s in &deployment.steps {
        println!("  {:<48} {:>12} gas", s.label, s.gas_used);
    }
    let mut file = serde_json::to_value(&deployment).map_err(|e| e.to_string())?;
    if let Some(fields) = file.as_object_mut() {
        fields.insert("chainId".into(), chain.chain_id.into());
    }
    let text = serde_json::to_string_pretty(&file).map_err(|e| e.to_string())?;
    std::fs::write(&args.out, text + "\n").map_err(|e| format!("{}: {e}", args.out.display()))?;
    if journal_path.exists() {
        std::fs::remove_file(&journal_path).map_err(|e| format!("{}: {e}", journal_path.display()))?;
    }
    println!(
        "vault {}\nclearinghouse {}\nperps {}\noptions {}",
        deployment.vault, deployment.clearinghouse, deployment.perp_market, deployment.options_market
    );
    if deployment.ownership_offered {
        println!(
            "ownership offered to {}: it must call acceptOwnership on the vault and the clearinghouse",
            deployment.owner
        );
    }
    println!("written to {}", args.out.display());
    Ok(())
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
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pm-deploy: {e}");
            ExitCode::FAILURE
        }
    }
}
