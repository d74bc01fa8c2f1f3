//! `pm-node [--port N] [--host IP] [--arbos 51|61] [--l1-price-per-unit WEI]`: serves the devnet
//! over JSON-RPC until Ctrl-C, printing the funded dev accounts and their keys at start.

use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;

use pm_node::server::DEFAULT_PORT;
use pm_node::{start, NodeConfig};
use stylus_devnet::ArbOs;

const USAGE: &str = "usage: pm-node [--port N] [--host IP] [--arbos 51|61] [--l1-price-per-unit WEI]";

fn parse(args: &[String]) -> Result<NodeConfig, String> {
    let mut host: IpAddr = [127, 0, 0, 1].into();
    let mut port = DEFAULT_PORT;
    let mut arbos = ArbOs::ARBITRUM_ONE;
    let mut l1_price_per_unit = NodeConfig::default().l1_price_per_unit;
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--port" => port = value.parse().map_err(|_| format!("bad port {value}"))?,
            "--host" => host = value.parse().map_err(|_| format!("bad host {value}"))?,
            "--arbos" => {
                arbos = match value.as_str() {
                    "51" => ArbOs::V51,
                    "61" => ArbOs::V61,
                    _ => return Err(format!("ArbOS {value} is not modelled: 51 or 61")),
                }
            }
            "--l1-price-per-unit" => {
                l1_price_per_unit = value
                    .parse()
                    .map_err(|_| format!("bad L1 price per unit {value}"))?
            }
            _ => return Err(format!("unknown flag {flag}\n{USAGE}")),
        }
    }
    Ok(NodeConfig {
        listen: SocketAddr::new(host, port),
        arbos,
        l1_price_per_unit,
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = match parse(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let (arbos, l1_price) = (config.arbos, config.l1_price_per_unit);
    let node = match start(config).await {
        Ok(n) => n,
        Err(e) => {
            eprintln!("pm-node: cannot serve: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "pm-node: chain {} (ArbOS {}, L1 price {l1_price} wei a unit), listening on {}",
        stylus_devnet::chain::CHAIN_ID,
        arbos.number(),
        node.url()
    );
    println!("dev accounts (1,000,000 ETH each; the first is the chain owner):");
    for (i, a) in node.accounts.iter().enumerate() {
        println!(
            "  ({i}) {}  key 0x{}",
            a.address,
            alloy_primitives::hex::encode(a.key)
        );
    }
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("pm-node: cannot wait for Ctrl-C: {e}");
    }
    println!("pm-node: stopping");
    node.stop().await;
    ExitCode::SUCCESS
}
