//! The parameter table: the risk parameters a margin check reads, as the code of a data contract
//! (one `account_code` read, 3,300 gas, instead of a cold storage load of 2,100 per word). Pure:
//! its layout and the init code that deploys it.
//!
//! Only the risk admin's parameters are in it, the ones that change rarely (a listing, a new
//! feed, a parameter change and each step of its ramp). The risk oracle's vols and correlations,
//! posted often, stay in storage. Storage keeps every value too: it is what the writes read and
//! what the table is built from (`param_publishing`).
//!
//! The parameters are stored as the risk request carries them (`pm_risk::wire`: `int128`,
//! big-endian), so a margin check copies them into its request. The code is [`GUARD`] (a call to
//! the contract stops at once), then the grid levels (1 byte) and the nine account-wide scalars
//! (16 bytes each, wire order), then per listed underlying (index order) its feed word
//! ([`FeedSpec`], 32 bytes) and its oracle add-on and nine parameters (16 bytes each, wire order).

use alloc::vec::Vec;

use alloy_primitives::{Address, U256};
use pm_risk::wire::{SCALARS, UNDERLYING_PARAMS};

/// The first byte of the table's code, `INVALID` (0xFE): calling the data contract reverts.
pub const GUARD: u8 = 0xFE;
/// Bytes of the account-wide part: the grid levels and the scalars.
pub const SCALARS_BYTES: usize = 1 + 16 * SCALARS;
/// Bytes of an underlying's oracle add-on and parameters, as the request carries them.
pub const PARAMS_BYTES: usize = 16 * (1 + UNDERLYING_PARAMS);
/// Bytes of a listed underlying's row: its feed word, then its oracle add-on and parameters.
pub const ROW_BYTES: usize = 32 + PARAMS_BYTES;

/// Bytes of the table's code with `listed` underlyings.
pub fn table_bytes(listed: usize) -> usize {
    listed.saturating_mul(ROW_BYTES).saturating_add(1 + SCALARS_BYTES)
}

/// A listed underlying's Chainlink feed: its address, heartbeat and the longest age of a posted
/// vol (seconds), and its answers' decimals. Its word: bytes 12–31 the feed, 8–11 the heartbeat,
/// 4–7 the vol age, 3 the decimals (big-endian).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FeedSpec {
    /// The feed (a Chainlink aggregator or its proxy).
    pub feed: Address,
    /// The longest age of its answer, seconds.
    pub heartbeat: u32,
    /// The longest age of the underlying's posted vol, seconds.
    pub vol_max_age: u32,
    /// Its answers' decimals.
    pub decimals: u8,
}

impl FeedSpec {
    /// The table word of this feed.
    pub fn word(&self) -> U256 {
        let address = U256::from_be_slice(self.feed.as_slice());
        let fields = U256::from_limbs([
            0,
            0,
            u64::from(self.heartbeat) << 32,
            u64::from(self.vol_max_age) | (u64::from(self.decimals) << 32),
        ]);
        address | fields
    }

    /// The feed of a table word (inverse of [`Self::word`]).
    pub fn of(w: U256) -> Self {
        let [_, _, l2, l3] = *w.as_limbs();
        FeedSpec {
            feed: Address::from_word(w.into()),
            heartbeat: (l2 >> 32) as u32,
            vol_max_age: l3 as u32,
            decimals: (l3 >> 32) as u8,
        }
    }
}

/// A parameter table, as the margin checks read it: its contract's code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamTable {
    code: Vec<u8>,
}

/// The 16 big-endian bytes of each of `values`.
fn put_values(code: &mut Vec<u8>, values: &[i128]) {
    for v in values {
        code.extend_from_slice(&v.to_be_bytes());
    }
}

/// The `int128`s of `N` 16-byte big-endian words from `bytes` (zeros past its end).
fn values_of<const N: usize>(bytes: &[u8]) -> [i128; N] {
    core::array::from_fn(|i| {
        let mut b = [0u8; 16];
        let at = i.saturating_mul(16);
        if let Some(s) = bytes.get(at..at.saturating_add(16)) {
            b.copy_from_slice(s);
        }
        i128::from_be_bytes(b)
    })
}

impl ParamTable {
    /// The table of the grid levels and the nine account-wide scalars (wire order), and each
    /// listed underlying's (feed, oracle add-on and nine parameters in wire order), in index
    /// order. 18 decimals.
    pub fn new(
        grid_levels: u8,
        scalars: &[i128; SCALARS],
        rows: impl Iterator<Item = (FeedSpec, [i128; 1 + UNDERLYING_PARAMS])>,
    ) -> Self {
        let mut code = vec![GUARD, grid_levels];
        put_values(&mut code, scalars);
        for (feed, params) in rows {
            code.extend_from_slice(&feed.word().to_be_bytes::<32>());
            put_values(&mut code, &params);
        }
        ParamTable { code }
    }

    /// The table of a data contract's `code`, or `None` when the code is not a table of
    /// `listed` underlyings (a stale or missing table).
    pub fn from_code(code: Vec<u8>, listed: usize) -> Option<Self> {
        let whole = code.first() == Some(&GUARD) && code.len() == table_bytes(listed);
        whole.then_some(ParamTable { code })
    }

    /// The table's code.
    pub fn code(&self) -> &[u8] {
        &self.code
    }

    /// `n` bytes from `at` (empty past the end).
    fn bytes(&self, at: usize, n: usize) -> &[u8] {
        self.code.get(at..at.saturating_add(n)).unwrap_or_default()
    }

    /// The grid levels and the nine scalars as the request's header carries them.
    pub fn scalars_wire(&self) -> &[u8] {
        self.bytes(1, SCALARS_BYTES)
    }

    /// The first byte of listed underlying `k`'s row.
    fn row(k: usize) -> usize {
        k.saturating_mul(ROW_BYTES).saturating_add(1 + SCALARS_BYTES)
    }

    /// Listed underlying `k`'s feed.
    pub fn feed(&self, k: usize) -> FeedSpec {
        let mut w = [0u8; 32];
        w.copy_from_slice(self.bytes(Self::row(k), 32).get(..32).unwrap_or(&[0u8; 32]));
        FeedSpec::of(U256::from_be_bytes(w))
    }

    /// Listed underlying `k`'s oracle add-on and nine parameters as the request carries them.
    pub fn params_wire(&self, k: usize) -> &[u8] {
        self.bytes(Self::row(k).saturating_add(32), PARAMS_BYTES)
    }

    /// The grid levels and the nine scalars (wire order, 18 decimals).
    pub fn scalars(&self) -> (u8, [i128; SCALARS]) {
        let wire = self.scalars_wire();
        (
            wire.first().copied().unwrap_or(0),
            values_of(wire.get(1..).unwrap_or_default()),
        )
    }

    /// Listed underlying `k`'s oracle add-on and nine parameters (wire order, 18 decimals).
    pub fn params(&self, k: usize) -> [i128; 1 + UNDERLYING_PARAMS] {
        values_of(self.params_wire(k))
    }

    /// The init code of a data contract whose code is this table: it copies the code, which
    /// follows it, to memory and returns it (`PUSH2 n; DUP1; PUSH1 12; PUSH1 0; CODECOPY;
    /// PUSH1 0; RETURN`, then the code).
    pub fn init_code(&self) -> Vec<u8> {
        let n = (self.code.len() as u16).to_be_bytes();
        let mut init = vec![
            0x61, n[0], n[1], 0x80, 0x60, 12, 0x60, 0x00, 0x39, 0x60, 0x00, 0xF3,
        ];
        init.extend_from_slice(&self.code);
        init
    }
}

#[cfg(test)]
#[allow(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used
)]
mod tests {
    use super::*;

    fn feed(k: u8) -> FeedSpec {
        FeedSpec {
            feed: Address::repeat_byte(k.wrapping_add(0x20)),
            heartbeat: 3_600 + u32::from(k),
            vol_max_age: u32::MAX - u32::from(k),
            decimals: 8 + k,
        }
    }

    fn values<const N: usize>(seed: i128) -> [i128; N] {
        core::array::from_fn(|i| (seed - 5) * 1_000_000_007 * i as i128 + i128::MIN / (seed + 2))
    }

    #[test]
    fn a_feed_word_round_trips_and_keeps_its_fields_apart() {
        for k in [0u8, 7, 15] {
            let f = feed(k);
            assert_eq!(FeedSpec::of(f.word()), f);
        }
        // The documented bytes: 3 the decimals, 4–7 the vol age, 8–11 the heartbeat, 12–31 the feed.
        let f = FeedSpec {
            feed: Address::repeat_byte(0xAB),
            heartbeat: 0x0102_0304,
            vol_max_age: 0x0506_0708,
            decimals: 0xFF,
        };
        let mut expected = [0u8; 32];
        expected[3] = 0xFF;
        expected[4..8].copy_from_slice(&[5, 6, 7, 8]);
        expected[8..12].copy_from_slice(&[1, 2, 3, 4]);
        expected[12..].fill(0xAB);
        assert_eq!(f.word().to_be_bytes::<32>(), expected);
        assert_eq!(FeedSpec::of(U256::ZERO), FeedSpec::default());
    }

    #[test]
    fn the_table_reads_back_every_row_and_the_scalars() {
        let rows: Vec<_> = (0..16u8).map(|k| (feed(k), values(i128::from(k)))).collect();
        let table = ParamTable::new(9, &values(99), rows.iter().copied());
        assert_eq!(table.code().len(), table_bytes(16));
        assert_eq!(table.scalars(), (9, values(99)));
        for (k, (f, p)) in rows.iter().enumerate() {
            assert_eq!(table.feed(k), *f);
            assert_eq!(table.params(k), *p);
        }
        // Past the rows: nothing, never another row's bytes.
        assert_eq!(table.feed(16), FeedSpec::default());
        assert!(table.params_wire(16).is_empty());
    }

    #[test]
    fn the_wire_parts_are_what_the_request_writer_writes() {
        use pm_risk::wire::{params_from, params_of, Writer};
        use pm_risk::{Market, Underlying};
        let scalars: [i128; SCALARS] = values(3);
        let params: [i128; 1 + UNDERLYING_PARAMS] = values(4);
        let table = ParamTable::new(7, &scalars, core::iter::once((feed(0), params)));
        let [addon, rest @ ..] = params;
        let u = Underlying {
            market: Market {
                price: 3_000,
                vol: -5,
                oracle_addon: addon,
            },
            params: params_from(rest),
        };
        assert_eq!(params_of(&u.params), rest);
        let mut typed = Writer::header(11, -12, 7, &scalars, 1);
        typed.underlying(&u);
        let mut wire = Writer::header_wire(11, -12, table.scalars_wire(), 1);
        wire.underlying_wire(3_000, -5, table.params_wire(0));
        assert_eq!(wire.finish(), typed.finish());
    }

    #[test]
    fn the_init_code_returns_the_guarded_table_and_only_a_whole_table_reads_back() {
        let table = ParamTable::new(7, &values(1), (0..3u8).map(|k| (feed(k), values(i128::from(k)))));
        let init = table.init_code();
        // What the init code returns: its tail from byte 12, as long as PUSH2 says.
        let n = usize::from(u16::from_be_bytes([init[1], init[2]]));
        assert_eq!(init[5], 12);
        let code = &init[12..];
        assert_eq!(code.len(), n);
        assert_eq!(code[0], GUARD);
        assert_eq!(code, table.code());
        assert_eq!(ParamTable::from_code(code.to_vec(), 3), Some(table.clone()));
        // A table of another length, a missing contract and unguarded code are refused.
        assert_eq!(ParamTable::from_code(code.to_vec(), 2), None);
        assert_eq!(ParamTable::from_code(code.to_vec(), 4), None);
        assert_eq!(ParamTable::from_code(vec![], 0), None);
        let mut unguarded = code.to_vec();
        unguarded[0] = 0;
        assert_eq!(ParamTable::from_code(unguarded, 3), None);
        assert_eq!(table_bytes(0), 1 + 1 + 9 * 16);
        assert_eq!(table_bytes(16), 146 + 16 * (32 + 160));
    }
}
