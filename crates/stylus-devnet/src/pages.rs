//! The memory model (`stylus-runtime.md` §6; Nitro's `arbos/programs/memory.go`): the wasm pages
//! (64 KiB each) open in a transaction's program frames, and the gas to open more. Two pages per
//! transaction are free, each further page costs 1,000 gas, and an exponential term is paid on
//! the highest page count ever open. Pages are counted from a program's entry (its initial
//! memory) and from `pay_for_memory_grow`; a frame's pages close when it returns (the count
//! open goes back to what it was at its entry, the most ever open stays).

/// The most pages open at once (8 MiB): opening more is out of gas (the exponential term has
/// no price beyond it; from ArbOS 59 Nitro also checks the count itself).
pub const PAGE_LIMIT: u32 = 128;
const FREE_PAGES: u64 = 2;
const PAGE_GAS: u64 = 1_000;

/// Nitro's exponential term for `pages` ever open: a table of floor(31,874,000^(p/128)) for
/// p = 0..=127 and 31,873,999 at 128 (Nitro's table, not the formula, at that one point); beyond
/// [`PAGE_LIMIT`], unpayable.
pub fn exponential(pages: u32) -> u64 {
    match pages {
        0..=127 => 31_874_000f64.powf(f64::from(pages) / 128.0) as u64,
        PAGE_LIMIT => 31_873_999,
        _ => u64::MAX,
    }
}

/// Gas to open `new` pages when `open` pages are open and at most `ever` have been open in this
/// transaction (`u64::MAX`, unpayable, beyond [`PAGE_LIMIT`]).
pub fn memory_gas(open: u16, new: u16, ever: u16) -> u64 {
    let open_after = u64::from(open.saturating_add(new));
    let new_ever = u64::from(ever).max(open_after);
    if new_ever <= FREE_PAGES {
        return 0;
    }
    let linear =
        (open_after.saturating_sub(FREE_PAGES) - u64::from(open).saturating_sub(FREE_PAGES)) * PAGE_GAS;
    let top = exponential(new_ever as u32);
    if top == u64::MAX {
        return u64::MAX;
    }
    linear.saturating_add(top.saturating_sub(exponential(u32::from(ever))))
}

/// Pages open in this transaction's program frames, and the most ever open (reset per
/// transaction).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pages {
    /// Pages open now.
    pub open: u16,
    /// The most pages open at once so far.
    pub ever: u16,
}

impl Pages {
    /// Gas to open `new` more pages ([`memory_gas`]).
    pub fn gas_to_open(&self, new: u16) -> u64 {
        memory_gas(self.open, new, self.ever)
    }

    /// Records `new` more pages open (the count saturates at `u16::MAX`).
    pub fn grow(&mut self, new: u16) {
        self.open = self.open.saturating_add(new);
        self.ever = self.ever.max(self.open);
    }

    /// Closes what a frame opened: the count open goes back to `open` (what it was at the
    /// frame's entry); the most ever open stays.
    pub fn close_to(&mut self, open: u16) {
        self.open = open;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exponential_term_is_nitros_table() {
        let checkpoints = [
            (0, 1),
            (5, 1),
            (6, 2),
            (10, 3),
            (16, 8),
            (32, 75),
            (48, 651),
            (64, 5_645),
            (80, 48_938),
            (96, 424_206),
            (112, 3_677_113),
            (120, 10_826_093),
            (127, 27_849_408),
            (128, 31_873_999),
        ];
        for (p, t) in checkpoints {
            assert_eq!(exponential(p), t, "T[{p}]");
        }
        assert_eq!((0..=128).map(exponential).sum::<u64>(), 252_435_931);
        assert_eq!(exponential(129), u64::MAX);
    }

    #[test]
    fn two_pages_are_free_and_each_further_page_costs_a_thousand() {
        assert_eq!(memory_gas(0, 2, 0), 0);
        // T[3] − T[0] = 1 − 1: only the linear part.
        assert_eq!(memory_gas(0, 3, 0), 1_000);
        assert_eq!(memory_gas(2, 2, 2), 2_000);
        // Reopening pages below the most ever open pays no exponential term again.
        assert_eq!(memory_gas(2, 8, 16), 8_000);
        assert_eq!(memory_gas(2, 8, 2), 8_000 + 3 - 1);
    }

    #[test]
    fn up_to_128_open_costs_the_table_and_more_is_unpayable() {
        assert_eq!(memory_gas(100, 28, 100), 28_000 + 31_873_999 - exponential(100));
        assert_eq!(memory_gas(100, 29, 100), u64::MAX);
        assert_eq!(memory_gas(0, 1, 128), 0);
    }

    #[test]
    fn a_frame_closes_its_pages_but_not_the_most_ever_open() {
        let mut p = Pages::default();
        p.grow(3);
        let entry = p.open;
        p.grow(5);
        p.close_to(entry);
        assert_eq!((p.open, p.ever), (3, 8));
    }
}
