//! What a test reads back from the chain: the contract's logs and storage, and the calls it made.

use alloy_primitives::{Address, B256, U256};

use crate::assertions::Log;
use crate::calls::CallRecord;
use crate::host::Chain;

impl Chain {
    /// Every log emitted so far: (topics, data), in order.
    pub fn logs(&self) -> Vec<Log> {
        self.vm.get_emitted_logs()
    }

    /// The logs emitted after the first `count` (see [`Chain::logs`]).
    pub fn logs_since(&self, count: usize) -> Vec<Log> {
        self.logs().into_iter().skip(count).collect()
    }

    /// Everything the contract under test stores, sorted by slot: compare two snapshots to prove
    /// a failed call wrote nothing.
    pub fn storage_snapshot(&self) -> Vec<(U256, B256)> {
        let mut slots: Vec<_> = self.vm.snapshot().storage.into_iter().collect();
        slots.sort();
        slots
    }

    /// The calls made to `to`, in order.
    pub fn calls_to(&self, to: Address) -> Vec<CallRecord> {
        self.calls().into_iter().filter(|c| c.to == to).collect()
    }
}
