//! Installed filters, polled over HTTP as geth serves them (`eth_newFilter`,
//! `eth_newBlockFilter`, `eth_getFilterChanges`, `eth_getFilterLogs`, `eth_uninstallFilter`): a
//! log filter answers the matching logs of the blocks mined since it was installed or last
//! polled, a block filter those blocks' hashes. This file keeps the filters and where each
//! stands; the methods read the blocks (`filter_api`). At most [`MAX_FILTERS`] at once.

use std::collections::BTreeMap;

use alloy_rpc_types_eth::Filter;

/// The most filters installed at once.
pub const MAX_FILTERS: usize = 1_024;

/// What a filter watches.
#[derive(Clone, Debug)]
pub enum Watch {
    /// Logs matching the filter.
    Logs(Box<Filter>),
    /// New blocks.
    Blocks,
}

/// An installed filter.
#[derive(Clone, Debug)]
pub struct Installed {
    /// What it watches.
    pub watch: Watch,
    /// The first block its next poll answers for.
    pub next_block: u64,
}

/// The installed filters, by id (ids are never reused).
#[derive(Clone, Debug, Default)]
pub struct Filters {
    last_id: u64,
    installed: BTreeMap<u64, Installed>,
}

impl Filters {
    /// Installs `watch`, answering from block `next_block` on: its id; `None` if
    /// [`MAX_FILTERS`] are installed.
    pub fn install(&mut self, watch: Watch, next_block: u64) -> Option<u64> {
        if self.installed.len() >= MAX_FILTERS {
            return None;
        }
        self.last_id += 1;
        self.installed
            .insert(self.last_id, Installed { watch, next_block });
        Some(self.last_id)
    }

    /// The filter `id`, if installed.
    pub fn get_mut(&mut self, id: u64) -> Option<&mut Installed> {
        self.installed.get_mut(&id)
    }

    /// After the chain went back to `blocks` blocks (`evm_revert`): no filter answers from later
    /// than the next block, so the blocks mined again are reported.
    pub fn rewind(&mut self, blocks: u64) {
        for f in self.installed.values_mut() {
            f.next_block = f.next_block.min(blocks);
        }
    }

    /// Uninstalls `id`; whether it was installed.
    pub fn remove(&mut self, id: u64) -> bool {
        self.installed.remove(&id).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_not_reused_and_the_count_is_capped() {
        let mut f = Filters::default();
        let a = f.install(Watch::Blocks, 5).unwrap();
        assert!(f.remove(a));
        assert!(!f.remove(a));
        let b = f.install(Watch::Blocks, 5).unwrap();
        assert_ne!(a, b);
        assert_eq!(f.get_mut(b).unwrap().next_block, 5);
        for _ in 1..MAX_FILTERS {
            f.install(Watch::Blocks, 0).unwrap();
        }
        assert!(f.install(Watch::Blocks, 0).is_none());
    }
}
