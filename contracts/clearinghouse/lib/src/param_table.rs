//! The parameter table: everything a margin check reads that is not the account's (its
//! positions) or the market's live prices (the feeds), as the code of a data contract: one
//! `account_code` read (3,300 gas) instead of a cold storage load (2,100) per word. Pure: its
//! layout and the init code that deploys it.
//!
//! It holds the risk program's and the vault's addresses (set once, by `initialize`), the risk
//! admin's parameters and the risk oracle's risk surface (each vol and when it was posted, the correlations). Storage keeps every value too:
//! it is what the writes read and what the table is built from; every write of one publishes a
//! new table (`param_publishing`).
//!
//! The parameters and correlations are stored as the risk request carries them
//! (`pm_risk::wire`: `int128`, big-endian), so a margin check copies them into its request. The
//! code, in order:
//!
//! | bytes | what |
//! |---|---|
//! | 1 | [`GUARD`]: a call to the contract stops at once |
//! | 20 | the risk program |
//! | 20 | the vault |
//! | 1 + 9 · 16 | the grid levels, the nine account-wide scalars (wire order) |
//! | 1 | `n`, the listed underlyings |
//! | n · 224 | per underlying (index order): its feed word ([`FeedSpec`]), its market word (vol, `int128`, high half; when posted, low 64 bits), its oracle add-on and nine parameters (wire order) |
//! | n(n−1)/2 · 16 | the correlations above the diagonal, pair (i < j) at j(j−1)/2 + i |

use alloc::vec::Vec;

use alloy_primitives::{Address, U256};
use pm_risk::wire::{SCALARS, UNDERLYING_PARAMS};
use pm_risk::MAX_UNDERLYINGS;

use pm_common::data_contract::bytes_at;
pub use pm_common::data_contract::GUARD;
/// Where the risk program's address starts.
const PROGRAM_AT: usize = 1;
/// Where the vault's address starts.
const VAULT_AT: usize = PROGRAM_AT + 20;
/// Where the grid levels and the scalars start.
const SCALARS_AT: usize = VAULT_AT + 20;
/// Bytes of the account-wide part: the grid levels and the scalars.
pub const SCALARS_BYTES: usize = 1 + 16 * SCALARS;
/// Where the count of listed underlyings is.
const LISTED_AT: usize = SCALARS_AT + SCALARS_BYTES;
/// Where the first underlying's row starts.
const ROWS_AT: usize = LISTED_AT + 1;
/// Bytes of an underlying's oracle add-on and parameters, as the request carries them.
pub const PARAMS_BYTES: usize = 16 * (1 + UNDERLYING_PARAMS);
/// Bytes of a listed underlying's row: its feed word, its market word, then its oracle add-on
/// and parameters.
pub const ROW_BYTES: usize = 64 + PARAMS_BYTES;

/// Correlation pairs above the diagonal of `listed` underlyings.
pub const fn pairs(listed: usize) -> usize {
    listed.saturating_mul(listed.saturating_sub(1)) / 2
}

/// The index of correlation pair (i, j), i ≠ j: j(j−1)/2 + i with i < j.
pub fn pair_index(i: usize, j: usize) -> usize {
    let (lo, hi) = if i < j { (i, j) } else { (j, i) };
    pairs(hi).saturating_add(lo)
}

/// Bytes of the table's code with `listed` underlyings.
pub const fn table_bytes(listed: usize) -> usize {
    listed
        .saturating_mul(ROW_BYTES)
        .saturating_add(pairs(listed).saturating_mul(16))
        .saturating_add(ROWS_AT)
}

// A data contract's init code carries the code's length in a PUSH2: the largest table fits it.
const _: () = assert!(table_bytes(MAX_UNDERLYINGS) <= pm_common::data_contract::MAX_DATA_BYTES);

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

/// One listed underlying's part of the table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Row {
    /// Its feed.
    pub feed: FeedSpec,
    /// Its market word: the implied vol (`int128`, 18 decimals) in the high half, when it was
    /// posted (unix seconds) in the low half; zero when none was.
    pub market: U256,
    /// Its oracle add-on and nine parameters, wire order, 18 decimals.
    pub params: [i128; 1 + UNDERLYING_PARAMS],
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
    /// The table of `risk_program`, `vault`, the grid levels and the nine account-wide scalars
    /// (wire order), each listed underlying's row (index order) and the `correlations` above the
    /// diagonal in pair order ([`pair_index`]; one per pair of `rows`, else the table does not
    /// read back: [`Self::from_code`]). 18 decimals.
    pub fn new(
        [risk_program, vault]: [Address; 2],
        grid_levels: u8,
        scalars: &[i128; SCALARS],
        rows: &[Row],
        correlations: &[i128],
    ) -> Self {
        let mut code = vec![GUARD];
        code.extend_from_slice(risk_program.as_slice());
        code.extend_from_slice(vault.as_slice());
        code.push(grid_levels);
        put_values(&mut code, scalars);
        code.push(rows.len() as u8);
        for row in rows {
            code.extend_from_slice(&row.feed.word().to_be_bytes::<32>());
            code.extend_from_slice(&row.market.to_be_bytes::<32>());
            put_values(&mut code, &row.params);
        }
        put_values(&mut code, correlations);
        ParamTable { code }
    }

    /// The table of a data contract's `code`, or `None` when the code is not a whole table.
    pub fn from_code(code: Vec<u8>) -> Option<Self> {
        let listed = usize::from(*code.get(LISTED_AT)?);
        let whole =
            code.first() == Some(&GUARD) && listed <= MAX_UNDERLYINGS && code.len() == table_bytes(listed);
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

    /// The 32-byte word at `at` (zero past the end).
    fn word(&self, at: usize) -> U256 {
        U256::from_be_bytes(bytes_at::<32>(&self.code, at))
    }

    /// The address whose 20 bytes start at `at`.
    fn address(&self, at: usize) -> Address {
        Address::from(bytes_at::<20>(&self.code, at))
    }

    /// The risk program every margin check calls.
    pub fn risk_program(&self) -> Address {
        self.address(PROGRAM_AT)
    }

    /// The vault every margin check asks for the account's collateral value.
    pub fn vault(&self) -> Address {
        self.address(VAULT_AT)
    }

    /// The grid levels and the nine scalars as the request's header carries them.
    pub fn scalars_wire(&self) -> &[u8] {
        self.bytes(SCALARS_AT, SCALARS_BYTES)
    }

    /// How many underlyings are listed.
    pub fn listed(&self) -> usize {
        usize::from(self.code.get(LISTED_AT).copied().unwrap_or(0))
    }

    /// The first byte of listed underlying `k`'s row.
    fn row(k: usize) -> usize {
        k.saturating_mul(ROW_BYTES).saturating_add(ROWS_AT)
    }

    /// Listed underlying `k`'s feed.
    pub fn feed(&self, k: usize) -> FeedSpec {
        FeedSpec::of(self.word(Self::row(k)))
    }

    /// Listed underlying `k`'s market word ([`Row::market`]).
    pub fn market(&self, k: usize) -> U256 {
        self.word(Self::row(k).saturating_add(32))
    }

    /// Listed underlying `k`'s oracle add-on and nine parameters as the request carries them.
    pub fn params_wire(&self, k: usize) -> &[u8] {
        self.bytes(Self::row(k).saturating_add(64), PARAMS_BYTES)
    }

    /// The correlation of listed underlyings `i` ≠ `j` as the request carries it.
    pub fn correlation_wire(&self, i: usize, j: usize) -> &[u8] {
        let at = pair_index(i, j)
            .saturating_mul(16)
            .saturating_add(Self::row(self.listed()));
        self.bytes(at, 16)
    }

    /// The grid levels and the nine scalars (wire order, 18 decimals).
    pub fn scalars(&self) -> (u8, [i128; SCALARS]) {
        let wire = self.scalars_wire();
        (
            wire.first().copied().unwrap_or(0),
            values_of(wire.get(1..).unwrap_or_default()),
        )
    }

    /// Listed underlying `k`'s row.
    pub fn row_of(&self, k: usize) -> Row {
        Row {
            feed: self.feed(k),
            market: self.market(k),
            params: values_of(self.params_wire(k)),
        }
    }

    /// The correlation of listed underlyings `i` ≠ `j` (18 decimals).
    pub fn correlation(&self, i: usize, j: usize) -> i128 {
        let [rho] = values_of(self.correlation_wire(i, j));
        rho
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

    fn row(k: u8) -> Row {
        Row {
            feed: feed(k),
            market: U256::from_limbs([u64::from(k), 1, u64::MAX, 1 << 62]),
            params: values(i128::from(k)),
        }
    }

    fn correlations(n: usize) -> Vec<i128> {
        (0..pairs(n)).map(|p| p as i128 * 1_000_003 - 77).collect()
    }

    const PROGRAM: [Address; 2] = [Address::repeat_byte(0xAB), Address::repeat_byte(0xAA)];

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
    fn the_table_reads_back_every_row_pair_and_scalar() {
        for n in [0usize, 1, 2, 4, 16] {
            let rows: Vec<Row> = (0..n as u8).map(row).collect();
            let rhos = correlations(n);
            let table = ParamTable::new(PROGRAM, 9, &values(99), &rows, &rhos);
            assert_eq!(table.code().len(), table_bytes(n));
            assert_eq!([table.risk_program(), table.vault()], PROGRAM);
            assert_eq!(table.scalars(), (9, values(99)));
            assert_eq!(table.listed(), n);
            for (k, r) in rows.iter().enumerate() {
                assert_eq!(table.row_of(k), *r);
            }
            for j in 0..n {
                for i in 0..j {
                    assert_eq!(table.correlation(i, j), rhos[pair_index(i, j)]);
                    assert_eq!(table.correlation(j, i), rhos[pair_index(i, j)]);
                }
            }
            // Past the rows: nothing, never another row's bytes.
            assert_eq!(table.feed(n + 1 + pairs(n)), FeedSpec::default());
            assert!(table.params_wire(n + 1 + pairs(n)).is_empty());
        }
        // Pairs in order: (0,1), (0,2), (1,2), (0,3), …
        assert_eq!(
            [(0, 1), (0, 2), (1, 2), (0, 3), (2, 3), (14, 15)].map(|(i, j)| pair_index(i, j)),
            [0, 1, 2, 3, 5, 119]
        );
    }

    #[test]
    fn the_wire_parts_are_what_the_request_writer_writes() {
        use pm_risk::wire::{params_from, params_of, Writer};
        use pm_risk::{Market, Underlying};
        let scalars: [i128; SCALARS] = values(3);
        let r = row(4);
        let table = ParamTable::new(PROGRAM, 7, &scalars, &[row(0), r], &[-42]);
        let [addon, rest @ ..] = r.params;
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
        typed.correlation(-42);
        let mut wire = Writer::header_wire(11, -12, table.scalars_wire(), 1);
        wire.underlying_wire(3_000, -5, table.params_wire(1));
        wire.correlation_wire(table.correlation_wire(1, 0));
        assert_eq!(wire.finish(), typed.finish());
    }

    #[test]
    fn the_table_is_guarded_and_only_a_whole_table_reads_back() {
        let rows: Vec<Row> = (0..3u8).map(row).collect();
        let table = ParamTable::new(PROGRAM, 7, &values(1), &rows, &correlations(3));
        let code = table.code();
        let n = code.len();
        assert_eq!(code[0], GUARD);
        assert_eq!(ParamTable::from_code(code.to_vec()), Some(table.clone()));
        // Cut short, grown, unguarded, claiming another count, or no code: refused.
        assert_eq!(ParamTable::from_code(code[..n - 1].to_vec()), None);
        assert_eq!(ParamTable::from_code([code, &[0]].concat()), None);
        let mut unguarded = code.to_vec();
        unguarded[0] = 0;
        assert_eq!(ParamTable::from_code(unguarded), None);
        let mut recount = code.to_vec();
        recount[LISTED_AT] = 2;
        assert_eq!(ParamTable::from_code(recount), None);
        assert_eq!(ParamTable::from_code(vec![]), None);
        // A table of the wrong number of correlations does not read back either.
        let short = ParamTable::new(PROGRAM, 7, &values(1), &rows, &correlations(2));
        assert_eq!(ParamTable::from_code(short.code().to_vec()), None);
        assert_eq!(table_bytes(0), 1 + 20 + 20 + 1 + 9 * 16 + 1);
        assert_eq!(table_bytes(4), 187 + 4 * 224 + 6 * 16);
    }
}
