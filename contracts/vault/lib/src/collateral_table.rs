//! The collateral table: what a valuation reads of the vault's configuration (the sequencer
//! feed and its grace period, each listed token with its feed, the feed's heartbeat, its haircut
//! and both decimals) as the code of a data contract ([`pm_common::data_contract`]): one
//! `EXTCODECOPY` (2,600 gas cold, and the copy) where a valuation read three cold words and two
//! more a listed token. Pure: its layout.
//!
//! Storage keeps every value too: it is what the writes read and what the table is built from;
//! every write of one publishes a new table (`collateral_publishing`). The code, in order (integers
//! big-endian):
//!
//! | bytes | what |
//! |---|---|
//! | 1 | [`GUARD`]: a call to the contract stops at once |
//! | 20 | the sequencer-uptime feed (zero: none) |
//! | 4 | its grace period, seconds |
//! | 1 | `n`, the listed tokens |
//! | n · 48 | per token, in listing order: the token (20), its feed (20), the feed's heartbeat (4, seconds), the haircut (2, basis points), the token's decimals (1), the feed's (1) |

use alloc::vec::Vec;

use alloy_primitives::Address;
use pm_common::data_contract::{bytes_at, GUARD, MAX_DATA_BYTES};

use crate::collateral::MAX_COLLATERALS;
use crate::pricing::Pricing;

/// Where the sequencer feed starts.
const SEQUENCER_AT: usize = 1;
/// Where its grace period starts.
const GRACE_AT: usize = SEQUENCER_AT + 20;
/// Where the count of listed tokens is.
const LISTED_AT: usize = GRACE_AT + 4;
/// Where the first token's row starts.
const ROWS_AT: usize = LISTED_AT + 1;
/// Bytes of a listed token's row.
pub const ROW_BYTES: usize = 48;

/// Bytes of the table's code with `listed` tokens.
pub const fn table_bytes(listed: usize) -> usize {
    listed.saturating_mul(ROW_BYTES).saturating_add(ROWS_AT)
}

// A data contract's init code carries the code's length in a PUSH2: the largest table fits it.
const _: () = assert!(table_bytes(MAX_COLLATERALS as usize) <= MAX_DATA_BYTES);

/// A collateral table: its code, whole by construction ([`Self::new`], [`Self::from_code`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CollateralTable {
    code: Vec<u8>,
}

impl CollateralTable {
    /// The table of sequencer feed `sequencer` (zero: none) with `grace` seconds of grace, and
    /// the listed `tokens` with their pricing, in listing order (at most [`MAX_COLLATERALS`],
    /// else the table does not read back: [`Self::from_code`]).
    pub fn new(sequencer: Address, grace: u32, tokens: &[(Address, Pricing)]) -> Self {
        let mut code = Vec::with_capacity(table_bytes(tokens.len()));
        code.push(GUARD);
        code.extend_from_slice(sequencer.as_slice());
        code.extend_from_slice(&grace.to_be_bytes());
        code.push(u8::try_from(tokens.len()).unwrap_or(u8::MAX));
        for (token, p) in tokens {
            code.extend_from_slice(token.as_slice());
            code.extend_from_slice(p.oracle.as_slice());
            code.extend_from_slice(&p.heartbeat.to_be_bytes());
            code.extend_from_slice(&p.haircut_bps.to_be_bytes());
            code.push(p.token_decimals);
            code.push(p.oracle_decimals);
        }
        CollateralTable { code }
    }

    /// The table of a vault that has listed nothing and set no sequencer feed.
    pub fn empty() -> Self {
        Self::new(Address::ZERO, 0, &[])
    }

    /// The table of a data contract's `code`, or `None` when the code is not a whole table.
    pub fn from_code(code: Vec<u8>) -> Option<Self> {
        let listed = usize::from(*code.get(LISTED_AT)?);
        let whole = code.first() == Some(&GUARD)
            && listed <= MAX_COLLATERALS as usize
            && code.len() == table_bytes(listed);
        whole.then_some(CollateralTable { code })
    }

    /// The table's code.
    pub fn code(&self) -> &[u8] {
        &self.code
    }

    /// `N` bytes from `at` ([`bytes_at`]).
    fn bytes<const N: usize>(&self, at: usize) -> [u8; N] {
        bytes_at(&self.code, at)
    }

    /// The sequencer-uptime feed (zero: none) and its grace period, seconds.
    pub fn sequencer(&self) -> (Address, u32) {
        (
            Address::from(self.bytes::<20>(SEQUENCER_AT)),
            u32::from_be_bytes(self.bytes(GRACE_AT)),
        )
    }

    /// How many tokens are listed.
    pub fn listed(&self) -> usize {
        usize::from(self.bytes::<1>(LISTED_AT)[0])
    }

    /// Listed token `i` and its pricing; `None` past the last.
    pub fn token(&self, i: usize) -> Option<(Address, Pricing)> {
        if i >= self.listed() {
            return None;
        }
        let at = ROWS_AT.saturating_add(i.saturating_mul(ROW_BYTES));
        let [token_decimals, oracle_decimals] = self.bytes(at.saturating_add(46));
        let pricing = Pricing {
            oracle: Address::from(self.bytes::<20>(at.saturating_add(20))),
            heartbeat: u32::from_be_bytes(self.bytes(at.saturating_add(40))),
            haircut_bps: u16::from_be_bytes(self.bytes(at.saturating_add(44))),
            token_decimals,
            oracle_decimals,
        };
        Some((Address::from(self.bytes::<20>(at)), pricing))
    }
}

#[cfg(test)]
#[allow(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::arithmetic_side_effects
)]
mod tests {
    use super::*;

    fn pricing(i: u8) -> Pricing {
        Pricing {
            oracle: Address::repeat_byte(0x20 + i),
            heartbeat: 86_400 + u32::from(i),
            haircut_bps: 9_999 - u16::from(i),
            token_decimals: 6 + i,
            oracle_decimals: 36 - i,
        }
    }

    fn tokens(n: u8) -> Vec<(Address, Pricing)> {
        (0..n)
            .map(|i| (Address::repeat_byte(0x10 + i), pricing(i)))
            .collect()
    }

    #[test]
    fn every_field_reads_back_as_written() {
        let sequencer = Address::repeat_byte(0x2F);
        let listed = tokens(MAX_COLLATERALS as u8);
        let table = CollateralTable::new(sequencer, u32::MAX - 1, &listed);
        assert_eq!(table.code().len(), table_bytes(listed.len()));
        assert_eq!(table.sequencer(), (sequencer, u32::MAX - 1));
        assert_eq!(table.listed(), listed.len());
        for (i, want) in listed.iter().enumerate() {
            assert_eq!(table.token(i).as_ref(), Some(want));
        }
        assert_eq!(table.token(listed.len()), None);
        assert_eq!(CollateralTable::from_code(table.code().to_vec()), Some(table));
    }

    #[test]
    fn the_empty_table_has_no_sequencer_and_no_token() {
        let table = CollateralTable::empty();
        assert_eq!(table.sequencer(), (Address::ZERO, 0));
        assert_eq!((table.listed(), table.token(0)), (0, None));
        assert_eq!(table.code()[0], GUARD);
    }

    #[test]
    fn only_a_whole_table_reads_back() {
        let code = CollateralTable::new(Address::ZERO, 5, &tokens(2)).code().to_vec();
        let n = code.len();
        // Cut short, grown, unguarded, claiming another count or too many, or no code: refused.
        assert_eq!(CollateralTable::from_code(code[..n - 1].to_vec()), None);
        assert_eq!(CollateralTable::from_code([&code[..], &[0]].concat()), None);
        let mut unguarded = code.clone();
        unguarded[0] = 0;
        assert_eq!(CollateralTable::from_code(unguarded), None);
        let mut recount = code.clone();
        recount[LISTED_AT] = 1;
        assert_eq!(CollateralTable::from_code(recount), None);
        let too_many = CollateralTable::new(Address::ZERO, 0, &tokens(MAX_COLLATERALS as u8 + 1));
        assert_eq!(CollateralTable::from_code(too_many.code().to_vec()), None);
        assert_eq!(CollateralTable::from_code(vec![]), None);
    }
}
