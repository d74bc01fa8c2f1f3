//! Each account's positions: a list of storage words ([`crate::position_words`]: two compact
//! positions to a word, or one that does not fit a cell), at most [`MAX_ACCOUNT_POSITIONS`]
//! positions. A change is made on [`Held`], the positions read once into memory, and written
//! back with [`Clearinghouse::save`], which lays them out again ([`layout`]) and stores only the
//! words that changed.
//!
//! The list keeps no length: its last word carries [`LAST`], and a read stops there (or at a
//! zero word, which only an empty list starts with), so a margin check reads a word per two
//! positions and nothing more (a length word cost a cold load, 2,100 gas, a check).

use alloc::vec::Vec;

use alloy_primitives::{Address, U256};
use pm_risk::MAX_POSITIONS;

use crate::errors::{ClearinghouseError, Result, TooManyPositions};
use crate::position_words::{cell_of, halves_of, push_positions, wide, word_of_halves, LAST, PAIR};
use crate::storage::Clearinghouse;

/// The most positions one account holds (bounds the gas of a margin check).
pub const MAX_ACCOUNT_POSITIONS: usize = if MAX_POSITIONS < 128 { MAX_POSITIONS } else { 128 };

/// The words of `positions`: the compact ones two to a pair word in their order, then a wide
/// word for each that does not fit a cell, in its order. Laying out the positions a list of such
/// words decodes to gives the same words. [`Held`] keeps the compact positions first and moves
/// a closed one's last neighbour of its kind into its place, so a change rewrites the word it is
/// in and, when one leaves, the last word of its kind; a pair word added or removed moves the
/// wide words after it by one word (they are rare: a size of 16 significant digits or more).
pub fn layout(positions: &[(u128, i128)]) -> Vec<[u128; 2]> {
    let mut words: Vec<[u128; 2]> = Vec::with_capacity(positions.len());
    let mut open = false;
    for &(id, size) in positions {
        let cell = cell_of(id, size);
        match words.last_mut() {
            _ if cell == 0 => {}
            Some(word) if open => {
                word[1] = cell;
                open = false;
            }
            _ => {
                words.push([cell | PAIR, 0]);
                open = true;
            }
        }
    }
    for &(id, size) in positions {
        if cell_of(id, size) == 0 {
            words.push(wide(id, size));
        }
    }
    words
}

/// An account's positions in memory, beside the words storage holds.
pub(crate) struct Held {
    account: Address,
    stored: Vec<[u128; 2]>,
    /// (instrument id, size) of each, in word order: the compact ones (a pair word's low cell
    /// first), then the wide ones.
    pub positions: Vec<(u128, i128)>,
    /// How many of `positions` are compact: they come first.
    compact: usize,
}

impl Held {
    /// The size held of `instrument` (0 when none).
    pub fn size(&self, instrument: u128) -> i128 {
        self.positions
            .iter()
            .find(|p| p.0 == instrument)
            .map_or(0, |p| p.1)
    }

    /// Sets the size held of `instrument`: in place while it keeps its kind (compact or wide);
    /// else, and when closed (size 0), it leaves its place to the last of its kind, and a new
    /// one follows the last of its kind (the compact ones stay first; the wide ones may change
    /// order). Errors: `TooManyPositions` when a new one would pass the limit.
    pub fn set(&mut self, instrument: u128, size: i128) -> Result<()> {
        let fits = cell_of(instrument, size) != 0;
        match self.positions.iter().position(|p| p.0 == instrument) {
            Some(i) if size != 0 && fits == (i < self.compact) => {
                if let Some(p) = self.positions.get_mut(i) {
                    p.1 = size;
                }
                return Ok(());
            }
            Some(i) if i < self.compact => {
                // The last compact one takes its place, and the last position (a wide one, or
                // this one) the last compact one's.
                let last = self.compact.saturating_sub(1);
                self.positions.swap(i, last);
                self.positions.swap_remove(last);
                self.compact = last;
            }
            Some(i) => {
                self.positions.swap_remove(i);
            }
            None if size != 0 && self.positions.len() >= MAX_ACCOUNT_POSITIONS => {
                return Err(ClearinghouseError::from(TooManyPositions {
                    max: U256::from(MAX_ACCOUNT_POSITIONS),
                }));
            }
            None => {}
        }
        if size != 0 {
            self.positions.push((instrument, size));
            if fits {
                // After the last compact one: the first wide one, if any, goes to the end.
                let end = self.positions.len().saturating_sub(1);
                self.positions.swap(self.compact, end);
                self.compact = self.compact.saturating_add(1);
            }
        }
        Ok(())
    }
}

impl Clearinghouse {
    /// The account's position words as stored (the last marked [`LAST`]), as halves, [low,
    /// high] each: up to the marked one, or none when the first is zero.
    fn position_words(&self, account: Address) -> Vec<[u128; 2]> {
        let list = self.positions.getter(account);
        let mut words = Vec::new();
        for i in 0..MAX_ACCOUNT_POSITIONS {
            let word = halves_of(list.get(i).unwrap_or_default());
            if word == [0, 0] {
                break;
            }
            words.push(word);
            if word[0] & LAST != 0 {
                break;
            }
        }
        words
    }

    /// The account's positions, read into memory.
    pub(crate) fn held(&self, account: Address) -> Held {
        let stored = self.position_words(account);
        let mut positions = Vec::with_capacity(stored.len().saturating_mul(2));
        let mut wide = Vec::new();
        for word in &stored {
            let kind = if word[0] & PAIR != 0 {
                &mut positions
            } else {
                &mut wide
            };
            push_positions([word[0] & !LAST, word[1]], kind);
        }
        let compact = positions.len();
        positions.append(&mut wide);
        Held {
            account,
            stored,
            positions,
            compact,
        }
    }

    /// The account's positions: (instrument id, size) each, in storage order.
    pub(crate) fn book(&self, account: Address) -> Vec<(u128, i128)> {
        self.held(account).positions
    }

    /// Writes `held` back: the words of its layout (the last marked [`LAST`]) that changed,
    /// and zeros where the list was longer.
    pub(crate) fn save(&mut self, held: &Held) {
        let mut words = layout(&held.positions);
        if let Some(last) = words.last_mut() {
            last[0] |= LAST;
        }
        let mut list = self.positions.setter(held.account);
        for i in 0..words.len().max(held.stored.len()) {
            let word = words.get(i).copied().unwrap_or([0, 0]);
            if held.stored.get(i).copied().unwrap_or([0, 0]) == word {
                continue;
            }
            if let Some(mut slot) = list.setter(i) {
                slot.set(word_of_halves(word));
            }
        }
    }
}

#[cfg(test)]
#[allow(
    clippy::arithmetic_side_effects,
    clippy::unwrap_used,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;
    use crate::instrument::{id_of, Spec, CALL, PERP};
    use std::collections::BTreeMap;

    const WAD: i128 = 1_000_000_000_000_000_000;

    fn decoded(words: &[[u128; 2]]) -> Vec<(u128, i128)> {
        let mut out = Vec::new();
        for word in words {
            push_positions(*word, &mut out);
        }
        out
    }

    fn held(positions: Vec<(u128, i128)>) -> Held {
        let compact = positions.iter().take_while(|p| cell_of(p.0, p.1) != 0).count();
        Held {
            account: Address::ZERO,
            stored: Vec::new(),
            positions,
            compact,
        }
    }

    fn option(k: u64) -> u128 {
        let perp = k.is_multiple_of(4);
        id_of(&Spec {
            underlying: (k % 5) as u8,
            kind: if perp { PERP } else { CALL },
            expiry: if perp { 0 } else { 1_790_000_000 + k },
            strike: if perp { 0 } else { u128::from(k) * 100_000_000_000 },
        })
    }

    #[test]
    fn any_sequence_of_changes_is_laid_out_exactly_and_rewrites_few_words() {
        // 40 instruments; sizes that fit a cell, sizes that do not (thirds), and 0.
        let sizes = [0, WAD, -WAD / 4, WAD / 3, -7 * WAD / 3, 1, 0, 12_345 * WAD];
        let (mut book, mut model) = (held(Vec::new()), BTreeMap::new());
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..5_000 {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let id = option((seed >> 33) % 40);
            let size = sizes[(seed >> 13) as usize % sizes.len()];
            let before = layout(&book.positions);
            book.set(id, size).unwrap();
            if size == 0 {
                model.remove(&id);
            } else {
                model.insert(id, size);
            }
            let words = layout(&book.positions);
            // What storage holds reads back as the book, and lays out as the same words.
            let back = decoded(&words);
            assert_eq!(back, book.positions);
            assert_eq!(layout(&back), words);
            assert_eq!(back.iter().copied().collect::<BTreeMap<_, _>>(), model);
            assert_eq!(back.len(), model.len());
            assert!(words.len() <= back.len());
            assert!(words.iter().all(|w| *w != [PAIR, 0]));
            // A change rewrites its word and the last of its kind, and a pair word added or
            // removed moves the wide words by one.
            let wide = |words: &[[u128; 2]]| words.iter().filter(|w| w[0] & PAIR == 0).count();
            let changed = (0..before.len().max(words.len()))
                .filter(|i| before.get(*i) != words.get(*i))
                .count();
            let wides = wide(&before).max(wide(&words));
            let bound = if wides == 0 { 2 } else { 3 + wides };
            assert!(changed <= bound, "{changed} words rewritten");
            // Every compact position before every wide one, as `set` keeps them.
            assert_eq!(
                book.compact,
                book.positions
                    .iter()
                    .take_while(|p| cell_of(p.0, p.1) != 0)
                    .count()
            );
            assert!(book.positions[book.compact..]
                .iter()
                .all(|p| cell_of(p.0, p.1) == 0));
            book = held(back);
        }
    }

    #[test]
    fn the_limit_counts_positions_not_words() {
        let mut book = held(Vec::new());
        for k in 0..MAX_ACCOUNT_POSITIONS as u64 {
            book.set(option(4 * k + 1), WAD).unwrap();
        }
        assert_eq!(layout(&book.positions).len(), MAX_ACCOUNT_POSITIONS / 2);
        assert!(book.set(option(3), WAD).is_err());
        // A held one may change, to a size that does not fit a cell too.
        book.set(option(5), WAD / 3).unwrap();
        assert_eq!(book.size(option(5)), WAD / 3);
        assert_eq!(layout(&book.positions).len(), MAX_ACCOUNT_POSITIONS / 2 + 1);
        assert!(book.set(option(3), WAD).is_err());
        book.set(option(5), 0).unwrap();
        book.set(option(3), WAD).unwrap();
        assert_eq!(book.positions.len(), MAX_ACCOUNT_POSITIONS);
    }
}
