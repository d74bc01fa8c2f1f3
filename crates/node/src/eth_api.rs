//! The `eth_`, `net_` and `web3_` methods: each reads its parameters, asks the [`Ledger`], and
//! answers in the RPC's JSON.

use alloy_eips::BlockNumberOrTag;
use alloy_primitives::{Address, Bytes, B256, U256, U64};
use alloy_rpc_types_eth::{FeeHistory, Filter, FilterBlockOption, Log, TransactionRequest};
use serde::Serialize;
use serde_json::Value;

use crate::args::Args;
use crate::estimate::estimate_gas;
use crate::ledger::{Ledger, MinedBlock};
use crate::node_error::NodeError;
use crate::rpc_views::{rpc_block, rpc_held_transaction, rpc_logs, rpc_receipt, rpc_transaction};

/// What a method answers.
pub type Answer = Result<Value, NodeError>;

/// The most blocks one `eth_feeHistory` may span.
pub const MAX_FEE_HISTORY: u64 = 1_024;
/// The most logs one `eth_getLogs` answers (a wider query is refused: narrow it).
pub const MAX_LOGS: usize = 10_000;

/// Serialises an answer (alloy's types serialise infallibly).
pub fn json<T: Serialize>(value: T) -> Answer {
    serde_json::to_value(value).map_err(|e| NodeError::Unsupported(e.to_string()))
}

/// `eth_chainId`.
pub fn chain_id(l: &mut Ledger, _: &Args) -> Answer {
    json(U64::from(l.chain_id()))
}

/// `net_version`: the chain id in decimal.
pub fn net_version(l: &mut Ledger, _: &Args) -> Answer {
    json(l.chain_id().to_string())
}

/// `web3_clientVersion`.
pub fn client_version(l: &mut Ledger, _: &Args) -> Answer {
    json(format!(
        "pm-node/{}/arbos-{}",
        env!("CARGO_PKG_VERSION"),
        l.arbos().number()
    ))
}

/// `eth_blockNumber`.
pub fn block_number(l: &mut Ledger, _: &Args) -> Answer {
    json(U64::from(l.latest_number()))
}

/// `eth_accounts`: the dev accounts.
pub fn accounts(l: &mut Ledger, _: &Args) -> Answer {
    json(l.accounts().iter().map(|a| a.address).collect::<Vec<_>>())
}

/// `eth_syncing`: never.
pub fn syncing(_: &mut Ledger, _: &Args) -> Answer {
    json(false)
}

/// `eth_getBlockByNumber(tag, full)`; null for a block not mined.
pub fn block_by_number(l: &mut Ledger, a: &Args) -> Answer {
    let tag: BlockNumberOrTag = a.get(0)?;
    let full: bool = a.opt(1)?.unwrap_or(false);
    let block = match tag {
        BlockNumberOrTag::Number(n) => l.block(n),
        other => l.resolve(other).ok().and_then(|n| l.block(n)),
    };
    json(block.map(|b| rpc_block(b, full)))
}

/// `eth_getBlockByHash(hash, full)`; null for an unknown hash.
pub fn block_by_hash(l: &mut Ledger, a: &Args) -> Answer {
    let hash: B256 = a.get(0)?;
    let full: bool = a.opt(1)?.unwrap_or(false);
    json(l.block_by_hash(hash).map(|b| rpc_block(b, full)))
}

/// `eth_getBalance(address, block)`.
pub fn balance(l: &mut Ledger, a: &Args) -> Answer {
    let address: Address = a.get(0)?;
    json(l.at_state(a.opt(1)?, |l| Ok(l.devnet().balance(address)))?)
}

/// `eth_getTransactionCount(address, block)`: the nonce.
pub fn transaction_count(l: &mut Ledger, a: &Args) -> Answer {
    let address: Address = a.get(0)?;
    json(l.at_state(a.opt(1)?, |l| Ok(U64::from(l.devnet().nonce(address))))?)
}

/// `eth_getCode(address, block)`.
pub fn code(l: &mut Ledger, a: &Args) -> Answer {
    let address: Address = a.get(0)?;
    json(l.at_state(a.opt(1)?, |l| Ok(l.devnet().code(address)))?)
}

/// `eth_getStorageAt(address, slot, block)`.
pub fn storage_at(l: &mut Ledger, a: &Args) -> Answer {
    let address: Address = a.get(0)?;
    let slot: U256 = a.get(1)?;
    json(l.at_state(a.opt(2)?, |l| Ok(B256::from(l.devnet().storage(address, slot))))?)
}

/// `eth_gasPrice`: the base fee (Arbitrum pays no tips to anyone).
pub fn gas_price(l: &mut Ledger, _: &Args) -> Answer {
    json(U256::from(l.devnet().base_fee()))
}

/// `eth_maxPriorityFeePerGas`: zero.
pub fn max_priority_fee(_: &mut Ledger, _: &Args) -> Answer {
    json(U256::ZERO)
}

/// `eth_feeHistory(count, newest, percentiles)`: base fees (one more than blocks: the next
/// block's), gas used ratios, and zero rewards at each percentile asked.
pub fn fee_history(l: &mut Ledger, a: &Args) -> Answer {
    let count: U64 = a.get(0)?;
    let newest = l.resolve(a.get(1)?)?;
    let percentiles: Vec<f64> = a.opt(2)?.unwrap_or_default();
    if count.is_zero() {
        return json(FeeHistory::default());
    }
    let count = count
        .to::<u64>()
        .min(MAX_FEE_HISTORY)
        .min(newest.saturating_add(1));
    let oldest = newest.saturating_add(1).saturating_sub(count);
    let next_base_fee = u128::from(l.devnet().base_fee());
    let blocks: Vec<&MinedBlock> = (oldest..=newest).filter_map(|n| l.block(n)).collect();
    let base_fee = |b: &MinedBlock| u128::from(b.header.base_fee_per_gas.unwrap_or_default());
    let mut base_fee_per_gas: Vec<u128> = blocks.iter().map(|b| base_fee(b)).collect();
    base_fee_per_gas.push(next_base_fee);
    let history = FeeHistory {
        gas_used_ratio: blocks
            .iter()
            .map(|b| b.header.gas_used as f64 / b.header.gas_limit as f64)
            .collect(),
        reward: (!percentiles.is_empty()).then(|| vec![vec![0u128; percentiles.len()]; blocks.len()]),
        base_fee_per_gas,
        oldest_block: oldest,
        ..Default::default()
    };
    json(history)
}

/// Refuses state overrides (a third parameter): ignoring them would answer wrongly.
fn no_overrides(a: &Args) -> Result<(), NodeError> {
    match a.opt::<Value>(2)? {
        None => Ok(()),
        Some(_) => Err(NodeError::InvalidParams(
            "state overrides are not supported".into(),
        )),
    }
}

/// `eth_call(request, block)`: the return data; a revert is an error carrying its data.
pub fn call(l: &mut Ledger, a: &Args) -> Answer {
    let request: TransactionRequest = a.get(0)?;
    no_overrides(a)?;
    json(l.at_state(a.opt(1)?, |l| l.call_output(&request))?)
}

/// `eth_estimateGas(request, block)`.
pub fn estimate(l: &mut Ledger, a: &Args) -> Answer {
    let request: TransactionRequest = a.get(0)?;
    no_overrides(a)?;
    json(U64::from(l.at_state(a.opt(1)?, |l| estimate_gas(l, &request))?))
}

/// `eth_sendRawTransaction(bytes)`: mined at once; answers its hash.
pub fn send_raw_transaction(l: &mut Ledger, a: &Args) -> Answer {
    let raw: Bytes = a.get(0)?;
    json(l.send_raw(&raw)?)
}

/// `eth_getTransactionByHash(hash)`: a held one with no block; null if unknown.
pub fn transaction_by_hash(l: &mut Ledger, a: &Args) -> Answer {
    let hash: B256 = a.get(0)?;
    if let Some((b, i, t)) = l.find_tx(hash) {
        return json(rpc_transaction(b, i, t));
    }
    json(l.queued_tx(hash).map(rpc_held_transaction))
}

/// `eth_getTransactionReceipt(hash)`; null if unknown.
pub fn transaction_receipt(l: &mut Ledger, a: &Args) -> Answer {
    let hash: B256 = a.get(0)?;
    Ok(l.find_tx(hash)
        .map(|(b, i, t)| rpc_receipt(b, i, t))
        .unwrap_or(Value::Null))
}

/// `eth_getLogs(filter)`: by block range or block hash, addresses and topics; at most
/// [`MAX_LOGS`] logs.
pub fn logs(l: &mut Ledger, a: &Args) -> Answer {
    let filter: Filter = a.get(0)?;
    let (from, to) = block_range(l, &filter)?;
    json(logs_in(l, &filter, from, to)?)
}

/// The blocks `filter` names: its block hash's, or its range (`latest` where open).
///
/// # Errors
/// `InvalidParams` for an unknown block hash or tag, or a range that runs backwards.
pub fn block_range(l: &Ledger, filter: &Filter) -> Result<(u64, u64), NodeError> {
    let (from, to) = match filter.block_option {
        FilterBlockOption::AtBlockHash(hash) => {
            let n = l
                .block_by_hash(hash)
                .ok_or_else(|| NodeError::InvalidParams(format!("unknown block {hash}")))?
                .header
                .number;
            (n, n)
        }
        FilterBlockOption::Range { from_block, to_block } => (
            l.resolve(from_block.unwrap_or(BlockNumberOrTag::Latest))?,
            l.resolve(to_block.unwrap_or(BlockNumberOrTag::Latest))?,
        ),
    };
    if from > to {
        return Err(NodeError::InvalidParams(format!(
            "fromBlock {from} is after toBlock {to}"
        )));
    }
    Ok((from, to))
}

/// The logs of blocks `from..=to` (those mined) that `filter`'s addresses and topics match.
///
/// # Errors
/// `InvalidParams` past [`MAX_LOGS`] logs.
pub fn logs_in(l: &Ledger, filter: &Filter, from: u64, to: u64) -> Result<Vec<Log>, NodeError> {
    let mut found: Vec<Log> = Vec::new();
    for block in (from..=to).filter_map(|n| l.block(n)) {
        if !filter.matches_bloom(block.header.logs_bloom) {
            continue;
        }
        for (i, t) in block.txs.iter().enumerate() {
            found.extend(
                rpc_logs(block, i, t)
                    .into_iter()
                    .filter(|log| filter.matches(&log.inner)),
            );
        }
        if found.len() > MAX_LOGS {
            return Err(NodeError::InvalidParams(format!(
                "query returned more than {MAX_LOGS} results: narrow the block range or the filter"
            )));
        }
    }
    Ok(found)
}

/// `eth_getBlockTransactionCountByNumber(tag)`; null for a block not mined.
pub fn block_transaction_count(l: &mut Ledger, a: &Args) -> Answer {
    let tag: BlockNumberOrTag = a.get(0)?;
    let n = l.resolve(tag).ok();
    json(n.and_then(|n| l.block(n)).map(|b| U64::from(b.txs.len())))
}
