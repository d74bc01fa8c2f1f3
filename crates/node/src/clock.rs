//! The time the node stamps new blocks with: the wall clock, moved forward by `evm_increaseTime`,
//! or the time `evm_setNextBlockTimestamp` set for the next block only. Time never runs back:
//! a block is never earlier than its parent (Arbitrum allows equal timestamps).

use std::time::{SystemTime, UNIX_EPOCH};

/// The node's clock.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    /// Seconds added to the wall clock.
    offset: u64,
    /// The next block's timestamp, if set.
    next: Option<u64>,
}

fn wall_clock() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

impl Clock {
    /// The timestamp of a block whose parent has `parent`: not yet taken (see [`Clock::take`]).
    pub fn peek(&self, parent: u64) -> u64 {
        self.next
            .unwrap_or_else(|| wall_clock().saturating_add(self.offset))
            .max(parent)
    }

    /// The timestamp of the block being sealed; a set next timestamp is used up.
    pub fn take(&mut self, parent: u64) -> u64 {
        let t = self.peek(parent);
        self.next = None;
        t
    }

    /// Moves the clock `seconds` forward; returns the total offset in seconds.
    pub fn increase(&mut self, seconds: u64) -> u64 {
        self.offset = self.offset.saturating_add(seconds);
        if let Some(next) = self.next.as_mut() {
            *next = next.saturating_add(seconds);
        }
        self.offset
    }

    /// The next block's timestamp; later blocks follow the wall clock from there (the offset
    /// moves so that they do not run back).
    pub fn set_next(&mut self, timestamp: u64) {
        self.offset = timestamp.saturating_sub(wall_clock());
        self.next = Some(timestamp);
    }
}
