//! The state after each of the latest blocks, as a full node keeps it (geth's and Nitro's
//! default: the latest 128 blocks' state in memory, older state pruned): a state read or call
//! at one of those blocks answers from it; one older is refused, as a full node refuses it
//! ("missing trie node"), rather than answered wrongly. Each entry is a copy of the devnet's
//! state (its code is shared, not copied).

use std::collections::VecDeque;

/// How many blocks' state are kept (the latest included).
pub const KEPT_STATES: usize = 128;

/// States by block number, oldest first, at most [`KEPT_STATES`].
#[derive(Clone, Debug)]
pub struct PastStates<S> {
    states: VecDeque<(u64, S)>,
}

impl<S> Default for PastStates<S> {
    fn default() -> Self {
        Self {
            states: VecDeque::new(),
        }
    }
}

impl<S> PastStates<S> {
    /// Keeps `state`, the state after block `number` (the new latest), dropping the oldest past
    /// [`KEPT_STATES`].
    pub fn record(&mut self, number: u64, state: S) {
        self.states.push_back((number, state));
        while self.states.len() > KEPT_STATES {
            self.states.pop_front();
        }
    }

    /// The state after block `number`, if kept.
    pub fn get(&self, number: u64) -> Option<&S> {
        self.states.iter().find(|(n, _)| *n == number).map(|(_, s)| s)
    }

    /// The oldest block whose state is kept.
    pub fn oldest(&self) -> Option<u64> {
        self.states.front().map(|(n, _)| *n)
    }

    /// Forgets the states of blocks `from` on (a revert to a snapshot took them back).
    pub fn forget_from(&mut self, from: u64) {
        self.states.retain(|(n, _)| *n < from);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latest_states_are_kept_and_the_older_dropped() {
        let mut p = PastStates::default();
        for n in 0..200u64 {
            p.record(n, n * 10);
        }
        assert_eq!(p.get(199), Some(&1_990));
        assert_eq!(p.get(72), Some(&720));
        assert_eq!(p.get(71), None);
        assert_eq!(p.oldest(), Some(72));
        p.forget_from(150);
        assert_eq!((p.get(149), p.get(150)), (Some(&1_490), None));
    }
}
