//! The dev methods, in anvil's names (hardhat's aliases too): mine, move time, set balances,
//! snapshots.

use alloy_primitives::{Address, U256, U64};

use crate::args::Args;
use crate::eth_api::{json, Answer};
use crate::ledger::Ledger;
use crate::node_error::NodeError;

/// The most blocks one `anvil_mine` may mine.
pub const MAX_MINE: u64 = 10_000;

/// `evm_mine(timestamp?)`: mines an empty block (at `timestamp` if given); answers "0x0".
pub fn evm_mine(l: &mut Ledger, a: &Args) -> Answer {
    if let Some(t) = a.opt::<U64>(0)? {
        l.set_next_timestamp(t.to())?;
    }
    l.mine_empty(1);
    json("0x0")
}

/// `anvil_mine(count?, interval?)`: mines `count` empty blocks (default 1), `interval` seconds
/// apart (default: by the clock).
pub fn anvil_mine(l: &mut Ledger, a: &Args) -> Answer {
    let count = a.opt::<U64>(0)?.map(|c| c.to::<u64>()).unwrap_or(1);
    if count > MAX_MINE {
        return Err(NodeError::InvalidParams(format!(
            "at most {MAX_MINE} blocks at once"
        )));
    }
    let interval = a.opt::<U64>(1)?.map(|i| i.to::<u64>());
    for _ in 0..count {
        if let Some(seconds) = interval {
            l.increase_time(seconds);
        }
        l.mine_empty(1);
    }
    json(())
}

/// `evm_increaseTime(seconds)`: answers the total offset from the wall clock, in seconds.
pub fn increase_time(l: &mut Ledger, a: &Args) -> Answer {
    let seconds: U64 = a.get(0)?;
    json(U64::from(l.increase_time(seconds.to())))
}

/// `evm_setNextBlockTimestamp(timestamp)`.
pub fn set_next_block_timestamp(l: &mut Ledger, a: &Args) -> Answer {
    let t: U64 = a.get(0)?;
    l.set_next_timestamp(t.to())?;
    json(())
}

/// `anvil_setBalance(address, wei)`.
pub fn set_balance(l: &mut Ledger, a: &Args) -> Answer {
    let address: Address = a.get(0)?;
    let wei: U256 = a.get(1)?;
    l.set_balance(address, wei);
    json(())
}

/// `evm_snapshot()`: the id of a snapshot of the whole chain.
pub fn snapshot(l: &mut Ledger, _: &Args) -> Answer {
    json(U64::from(l.snapshot()?))
}

/// `evm_revert(id)`: back to snapshot `id` (state, blocks, clock, held transactions); it and
/// every later snapshot are dropped. False for an unknown id.
pub fn revert(l: &mut Ledger, a: &Args) -> Answer {
    let id: U256 = a.get(0)?;
    json(l.revert(u64::try_from(id).unwrap_or(u64::MAX)))
}
