//! The ArbOS versions whose Stylus rules the runtime implements, and what differs between them
//! (Nitro's `arbos/arbosState/arbosstate.go` upgrade steps; `README.md`, "ArbOS versions").
//! A chain moving from 51 to 61 passes through 59 (Stylus v3) and 60; ArbOS 60 itself never ran
//! on Arbitrum One, and 61 is 60 with fixed gas refunds.

/// An ArbOS version the devnet can run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ArbOs {
    /// ArbOS 51 "Dia" (Arbitrum One from 2026-01-08): Stylus v2.
    V51,
    /// ArbOS 61 "Elara" (Arbitrum One from 2026-08-20 17:00 UTC, docs.arbitrum.io's ArbOS 61
    /// release page): Stylus v3, the recent-programs cache, 256 KiB programs.
    #[default]
    V61,
}

impl ArbOs {
    /// What Arbitrum One runs (December 2026).
    pub const ARBITRUM_ONE: ArbOs = ArbOs::V61;

    /// The version number.
    pub fn number(self) -> u64 {
        match self {
            ArbOs::V51 => 51,
            ArbOs::V61 => 61,
        }
    }

    /// The Stylus version programs are activated at (3 from ArbOS 59).
    pub fn stylus_version(self) -> u16 {
        match self {
            ArbOs::V51 => 2,
            ArbOs::V61 => 3,
        }
    }

    /// Programs a block remembers as recently run (ArbOS 60 on; 0: none): a repeat call to one of
    /// them in the same block pays only the cached entry.
    pub fn recent_programs(self) -> usize {
        match self {
            ArbOs::V51 => 0,
            ArbOs::V61 => 32,
        }
    }

    /// Whether activation accepts functions and blocks with several results (not from Stylus v3).
    pub fn multi_value(self) -> bool {
        self < ArbOs::V61
    }

    /// Whether a program may be a root listing fragments (`fragments`; ArbOS 60 on).
    pub fn fragments(self) -> bool {
        self >= ArbOs::V61
    }

    /// The largest decompressed program, bytes (128 KiB from ArbOS 40, 256 KiB from 60).
    pub fn max_wasm_size(self) -> usize {
        match self {
            ArbOs::V51 => 128 * 1024,
            ArbOs::V61 => 256 * 1024,
        }
    }
}

/// The programs run recently in this block (a least-recently-used list of code hashes, Nitro's
/// `RecentWasms`): kept across the block's transactions, not undone by a revert, emptied when
/// the block changes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecentPrograms {
    hashes: Vec<[u8; 32]>,
}

impl RecentPrograms {
    /// Records a call to the program `hash` in a list of `capacity` and says whether it was
    /// already there (then the call pays only the cached entry).
    pub fn insert(&mut self, hash: [u8; 32], capacity: usize) -> bool {
        if capacity == 0 {
            return false;
        }
        let hit = match self.hashes.iter().position(|h| *h == hash) {
            Some(i) => {
                self.hashes.remove(i);
                true
            }
            None => false,
        };
        self.hashes.push(hash);
        if self.hashes.len() > capacity {
            self.hashes.remove(0);
        }
        hit
    }

    /// Forgets every program (a new block).
    pub fn clear(&mut self) {
        self.hashes.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeat_is_a_hit_and_the_least_recent_of_a_full_list_is_dropped() {
        let mut r = RecentPrograms::default();
        assert!(!r.insert([1; 32], 2));
        assert!(r.insert([1; 32], 2));
        assert!(!r.insert([2; 32], 2));
        // [1] was used before [2]: a third program drops it.
        assert!(r.insert([1; 32], 2)); // now [2] is the least recent
        assert!(!r.insert([3; 32], 2));
        assert!(!r.insert([2; 32], 2));
        r.clear();
        assert!(!r.insert([3; 32], 2));
    }

    #[test]
    fn arbos_51_has_no_recent_programs() {
        let mut r = RecentPrograms::default();
        assert!(!r.insert([1; 32], ArbOs::V51.recent_programs()));
        assert!(!r.insert([1; 32], ArbOs::V51.recent_programs()));
        assert_eq!(ArbOs::ARBITRUM_ONE, ArbOs::V61);
        assert_eq!(ArbOs::V61.stylus_version(), 3);
    }
}
