//! The filter methods (`filters`), polled over HTTP as geth serves them.

use alloy_primitives::{B256, U256, U64};
use alloy_rpc_types_eth::{Filter, FilterBlockOption};

use crate::args::Args;
use crate::eth_api::{block_range, json, logs_in, Answer};
use crate::filters::{Watch, MAX_FILTERS};
use crate::ledger::Ledger;
use crate::node_error::NodeError;

/// The filter id parameter `i`, as a number.
fn filter_id(a: &Args) -> Result<u64, NodeError> {
    let id: U256 = a.get(0)?;
    Ok(u64::try_from(id).unwrap_or(u64::MAX))
}

fn not_found() -> NodeError {
    NodeError::Unsupported("filter not found".into())
}

/// Installs `watch`, answering from the next block: its id.
fn install(l: &mut Ledger, watch: Watch) -> Answer {
    let next = l.latest_number() + 1;
    let id = l.filters.install(watch, next).ok_or_else(|| {
        NodeError::InvalidParams(format!("{MAX_FILTERS} filters are installed: uninstall one"))
    })?;
    json(U64::from(id))
}

/// `eth_newFilter(filter)`: a log filter (addresses, topics, a block range); a block hash is
/// refused (ask `eth_getLogs`).
pub fn new_filter(l: &mut Ledger, a: &Args) -> Answer {
    let filter: Filter = a.get(0)?;
    if matches!(filter.block_option, FilterBlockOption::AtBlockHash(_)) {
        return Err(NodeError::InvalidParams(
            "a filter by block hash cannot be installed: ask eth_getLogs".into(),
        ));
    }
    install(l, Watch::Logs(Box::new(filter)))
}

/// `eth_newBlockFilter()`: a filter of new blocks' hashes.
pub fn new_block_filter(l: &mut Ledger, _: &Args) -> Answer {
    install(l, Watch::Blocks)
}

/// `eth_getFilterChanges(id)`: what the filter `id` has seen since it was installed or last
/// polled: the matching logs of a log filter (within its range: a numbered end bounds it, a block
/// not mined yet too; other tags follow the chain), the block hashes of a block filter. A poll
/// past [`crate::eth_api::MAX_LOGS`] logs is refused, and the filter still moves on.
pub fn filter_changes(l: &mut Ledger, a: &Args) -> Answer {
    let id = filter_id(a)?;
    let latest = l.latest_number();
    let installed = l.filters.get_mut(id).ok_or_else(not_found)?.clone();
    let from = installed.next_block;
    let answer = match &installed.watch {
        Watch::Blocks => {
            let hashes: Vec<B256> = (from..=latest)
                .filter_map(|n| l.block(n))
                .map(|b| b.hash)
                .collect();
            json(hashes)
        }
        Watch::Logs(filter) => {
            let (start, end) = match filter.block_option {
                FilterBlockOption::Range { from_block, to_block } => (
                    from_block.and_then(|b| b.as_number()).unwrap_or(0).max(from),
                    to_block.and_then(|b| b.as_number()).unwrap_or(latest).min(latest),
                ),
                FilterBlockOption::AtBlockHash(_) => (from, latest),
            };
            logs_in(l, filter, start, end).and_then(json)
        }
    };
    if let Some(f) = l.filters.get_mut(id) {
        f.next_block = f.next_block.max(latest + 1);
    }
    answer
}

/// `eth_getFilterLogs(id)`: every log the log filter `id` matches, as `eth_getLogs` of it.
pub fn filter_logs(l: &mut Ledger, a: &Args) -> Answer {
    let id = filter_id(a)?;
    let installed = l.filters.get_mut(id).ok_or_else(not_found)?.clone();
    let Watch::Logs(filter) = &installed.watch else {
        return Err(not_found());
    };
    let (from, to) = block_range(l, filter)?;
    json(logs_in(l, filter, from, to)?)
}

/// `eth_uninstallFilter(id)`: whether it was installed.
pub fn uninstall_filter(l: &mut Ledger, a: &Args) -> Answer {
    let id = filter_id(a)?;
    json(l.filters.remove(id))
}
