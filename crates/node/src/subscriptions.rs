//! `eth_subscribe` over websockets (the port serves HTTP and websockets alike), as geth answers
//! it: `newHeads` sends each new block's header, `logs` (with an optional filter of addresses and
//! topics) each new matching log; `eth_unsubscribe` ends one. Blocks reach the subscriptions from
//! the chain's thread through a broadcast channel ([`BlockFeed`]); a subscriber that falls more
//! than [`crate::ledger::FEED_CAPACITY`] blocks behind misses those blocks. A revert to a snapshot sends
//! nothing (geth would send the undone logs again marked removed).

use jsonrpsee::core::SubscriptionResult;
use jsonrpsee::server::{RegisterMethodError, RpcModule};
use jsonrpsee::types::{ErrorObjectOwned, Params};
use serde_json::Value;
use tokio::sync::broadcast::error::RecvError;

use alloy_rpc_types_eth::Filter;

use crate::chain_thread::ChainHandle;
use crate::ledger::{BlockFeed, MinedBlock};
use crate::rpc_views::{rpc_block, rpc_logs};

/// What a subscription sends.
enum Kind {
    /// Each new block's header.
    Heads,
    /// Each new log the filter's addresses and topics match.
    Logs(Box<Filter>),
}

fn invalid(message: String) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(-32602, message, None::<()>)
}

/// The subscription `params` ask for: `["newHeads"]`, `["logs"]` or `["logs", filter]`.
fn kind(params: &Params<'_>) -> Result<Kind, ErrorObjectOwned> {
    let args: Vec<Value> = params.parse()?;
    match (args.first().and_then(Value::as_str), args.get(1)) {
        (Some("newHeads"), None) => Ok(Kind::Heads),
        (Some("logs"), None) => Ok(Kind::Logs(Box::default())),
        (Some("logs"), Some(filter)) => serde_json::from_value(filter.clone())
            .map(|f| Kind::Logs(Box::new(f)))
            .map_err(|e| invalid(format!("bad logs filter: {e}"))),
        (Some(other), _) => Err(invalid(format!("unsupported subscription {other:?}"))),
        (None, _) => Err(invalid("missing subscription kind".into())),
    }
}

/// What `kind` sends for `block`.
fn notifications(kind: &Kind, block: &MinedBlock) -> Vec<Value> {
    match kind {
        Kind::Heads => serde_json::to_value(rpc_block(block, false).header)
            .into_iter()
            .collect(),
        Kind::Logs(filter) => block
            .txs
            .iter()
            .enumerate()
            .flat_map(|(i, t)| rpc_logs(block, i, t))
            .filter(|log| filter.matches(&log.inner))
            .filter_map(|log| serde_json::to_value(log).ok())
            .collect(),
    }
}

/// Registers `eth_subscribe` / `eth_unsubscribe`, fed by `feed`.
///
/// # Errors
/// The names are taken.
pub fn register(module: &mut RpcModule<ChainHandle>, feed: BlockFeed) -> Result<(), RegisterMethodError> {
    module.register_subscription(
        "eth_subscribe",
        "eth_subscription",
        "eth_unsubscribe",
        move |params, pending, _, _| {
            let mut blocks = feed.subscribe();
            async move {
                let kind = match kind(&params) {
                    Ok(k) => k,
                    Err(e) => {
                        pending.reject(e).await;
                        return SubscriptionResult::Ok(());
                    }
                };
                let sink = pending.accept().await?;
                loop {
                    let block = tokio::select! {
                        _ = sink.closed() => return Ok(()),
                        block = blocks.recv() => block,
                    };
                    let block = match block {
                        Ok(b) => b,
                        Err(RecvError::Lagged(_)) => continue,
                        Err(RecvError::Closed) => return Ok(()),
                    };
                    for item in notifications(&kind, &block) {
                        sink.send(serde_json::value::to_raw_value(&item)?).await?;
                    }
                }
            }
        },
    )?;
    Ok(())
}
