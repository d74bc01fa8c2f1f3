//! Reentrancy (`msg_reentrant`): the program frames open at each address during a transaction.
//! A program is re-entered when more than one frame runs at its address at once; a
//! DELEGATECALL or CALLCODE frame runs another address's code and is not counted.

use std::collections::HashMap;

use revm::primitives::Address;

/// Open program frames per address, not counting delegate calls (reset per transaction).
#[derive(Clone, Debug, Default)]
pub struct OpenFrames(HashMap<Address, u32>);

impl OpenFrames {
    /// Counts a frame opening at `address` (unless `delegate`) and tells whether the address is
    /// now re-entered (more than one open frame).
    pub fn enter(&mut self, address: Address, delegate: bool) -> bool {
        if !delegate {
            *self.0.entry(address).or_insert(0) += 1;
        }
        self.0.get(&address).copied().unwrap_or(0) > 1
    }

    /// Counts a frame closing at `address` (unless `delegate`).
    pub fn leave(&mut self, address: Address, delegate: bool) {
        if !delegate {
            if let Some(n) = self.0.get_mut(&address) {
                *n = n.saturating_sub(1);
            }
        }
    }
}
