//! `evm_snapshot` / `evm_revert` bookkeeping, as anvil and hardhat number them: each snapshot
//! gets the next id; reverting to one drops it and every later one (an id works once); an
//! unknown id reverts nothing. At most [`MAX_SNAPSHOTS`] are kept (each is a copy of the whole
//! state).

/// The most snapshots kept at once.
pub const MAX_SNAPSHOTS: usize = 256;

/// Snapshots of `T`, by id.
#[derive(Clone, Debug)]
pub struct Snapshots<T> {
    next_id: u64,
    taken: Vec<(u64, T)>,
}

impl<T> Default for Snapshots<T> {
    fn default() -> Self {
        Self {
            next_id: 1,
            taken: Vec::new(),
        }
    }
}

impl<T> Snapshots<T> {
    /// Keeps `state` and returns its id; `None` if [`MAX_SNAPSHOTS`] are kept already.
    pub fn take(&mut self, state: T) -> Option<u64> {
        if self.taken.len() >= MAX_SNAPSHOTS {
            return None;
        }
        let id = self.next_id;
        self.next_id += 1;
        self.taken.push((id, state));
        Some(id)
    }

    /// The state of snapshot `id`, dropping it and every later one; `None` for an unknown id.
    pub fn revert(&mut self, id: u64) -> Option<T> {
        let at = self.taken.iter().position(|(i, _)| *i == id)?;
        self.taken.drain(at..).next().map(|(_, state)| state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_reverts_once_and_drops_the_later_ones() {
        let mut s = Snapshots::default();
        let (a, b, c) = (s.take("a").unwrap(), s.take("b").unwrap(), s.take("c").unwrap());
        assert_eq!((a, b, c), (1, 2, 3));
        assert_eq!(s.revert(b), Some("b"));
        assert_eq!(s.revert(c), None);
        assert_eq!(s.revert(b), None);
        assert_eq!(s.revert(a), Some("a"));
        assert_eq!(s.take("d"), Some(4));
        for _ in 1..MAX_SNAPSHOTS {
            s.take("x").unwrap();
        }
        assert_eq!(s.take("full"), None);
    }
}
