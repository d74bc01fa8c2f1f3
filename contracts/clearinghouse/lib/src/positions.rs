//! Each account's positions: one storage word per position (`instrument::pack`), at most
//! [`MAX_ACCOUNT_POSITIONS`]. A closed position leaves the list (the last one takes its place).

use alloc::vec::Vec;

use alloy_primitives::{Address, U256};
use pm_risk::MAX_POSITIONS;

use crate::errors::{ClearinghouseError, Result, TooManyPositions};
use crate::instrument::{pack, unpack};
use crate::storage::Clearinghouse;

/// The most positions one account holds (bounds the gas of a margin check).
pub const MAX_ACCOUNT_POSITIONS: usize = if MAX_POSITIONS < 128 { MAX_POSITIONS } else { 128 };

impl Clearinghouse {
    /// The account's positions: (instrument id, size) each, in storage order.
    pub(crate) fn book(&self, account: Address) -> Vec<(u128, i128)> {
        let words = self.positions.getter(account);
        (0..words.len())
            .filter_map(|i| words.get(i))
            .map(unpack)
            .collect()
    }

    /// (index, size) of `instrument` in the account's positions; `None` and 0 when not held.
    pub(crate) fn find(&self, account: Address, instrument: u128) -> (Option<usize>, i128) {
        let words = self.positions.getter(account);
        for i in 0..words.len() {
            let (id, size) = unpack(words.get(i).unwrap_or_default());
            if id == instrument {
                return (Some(i), size);
            }
        }
        (None, 0)
    }

    /// Writes a position at `slot` (`None`: a new one, appended); size 0 removes it.
    /// Errors: `TooManyPositions`.
    pub(crate) fn store(
        &mut self,
        account: Address,
        slot: Option<usize>,
        instrument: u128,
        size: i128,
    ) -> Result<()> {
        let mut words = self.positions.setter(account);
        match slot {
            None => {
                if words.len() >= MAX_ACCOUNT_POSITIONS {
                    return Err(ClearinghouseError::from(TooManyPositions {
                        max: U256::from(MAX_ACCOUNT_POSITIONS),
                    }));
                }
                words.push(pack(instrument, size));
            }
            Some(i) if size == 0 => {
                let last = words.len().saturating_sub(1);
                if i != last {
                    let moved = words.get(last).unwrap_or_default();
                    if let Some(mut w) = words.setter(i) {
                        w.set(moved);
                    }
                }
                words.erase_last();
            }
            Some(i) => {
                if let Some(mut w) = words.setter(i) {
                    w.set(pack(instrument, size));
                }
            }
        }
        Ok(())
    }
}
