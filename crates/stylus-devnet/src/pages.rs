//! The memory model (`stylus-runtime.md` §6): the wasm pages (64 KiB each) open in a
//! transaction's program frames, and the gas to open more. Two pages per transaction are free,
//! each further page costs 1,000 gas, and an exponential term is paid on the highest page count
//! ever open. Pages are counted from a program's entry (its initial memory) and from
//! `pay_for_memory_grow`.

/// Gas to open `new` pages when `open` pages are open and at most `ever` have been open in this
/// transaction.
pub fn memory_gas(open: u16, new: u16, ever: u16) -> u64 {
    const FREE_PAGES: u32 = 2;
    const PAGE_GAS: u64 = 1_000;
    let open_after = u32::from(open) + u32::from(new);
    let linear = u64::from(open_after.saturating_sub(FREE_PAGES.max(u32::from(open)))) * PAGE_GAS;
    let exp = |pages: u32| -> u64 {
        if pages == 0 {
            0
        } else {
            (31_874_000f64.powf(f64::from(pages) / 128.0)) as u64
        }
    };
    let new_ever = u32::from(ever).max(open_after);
    linear.saturating_add(exp(new_ever).saturating_sub(exp(u32::from(ever))))
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
}
