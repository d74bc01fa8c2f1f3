//! The clearinghouse's storage layout, shared by its eight programs (the core and the facets it
//! reaches by delegatecall all run over the core's storage). Append-only from here: new fields
//! go at the end, never between. (It starts with `ownership` at slots 0–1 since the house was
//! rebuilt, and the parameters were packed tighter, before anything was deployed.) A margin
//! check reads the account's position words (a word per two positions, per position when one
//! does not fit a cell, nothing per instrument), the vault's address, and the parameter table's
//! address and code (the risk program, the scalars, every listed underlying's feed, vol and
//! parameters, the correlations: [`crate::param_table`]).
//!
//! | slot | field(s) |
//! |---|---|
//! | 0–1 | `ownership`: owner, pending owner ([`pm_common::ownership`]) |
//! | 2 | `risk_admin` |
//! | 3 | `risk_oracle` |
//! | 4 | `vault` |
//! | 5 | `risk_program` (20 B), `settlement_decimals` (1 B) |
//! | 6–8 | `params`: the vol floor, the grid levels and the other eight scalars ([`crate::param_words`]) |
//! | 9–38 | `correlations`: pair (i < j) at index j(j−1)/2 + i, four `int64` per word ([`crate::param_words`]) |
//! | 39 | `underlyings` (length; items at keccak(39), 5 words each: [`UnderlyingSlots`]) |
//! | 40 | `markets`: market => authorised |
//! | 41 | `approvals`: account => market => approved |
//! | 42 | `positions`: account => position words (from the account's slot, keccak(account . 42), one after another; no length: the last is marked, [`crate::positions`]): two compact positions or one wide each ([`crate::position_words`]) |
//! | 43–50 | `facets`: the programs the core routes its other functions to ([`crate::Facet`] order; room for 8) |
//! | 51–66 | `trade_bands`: per underlying, (future band, option band), two `int128` ([`crate::rules`]) |
//! | 67 | `expiry_prices`: (underlying << 64 \| expiry) => settlement price, USD 18 decimals (0: not fixed) |
//! | 68 | `bad_debt`: what liquidations socialised in total, settlement-token units (`liquidation.rs`) |
//! | 69 | `bad_debts`: account => its part of `bad_debt` |
//! | 70 | `settle_caps`: market => the most its `settle` moves per hour, settlement-token units ([`crate::settle_budget`]) |
//! | 71–86 | `reference_prices`: per underlying, (reference price, updated at), two `int128` ([`crate::reference_rule`]) |
//! | 87–88 | `liquidation_params`: (largest discount, buffer), (fund share, least reward), two `int128` each (0: the defaults) |
//! | 89 | `settle_meters`: market => what its `settle` used and when (unix seconds), two 128-bit halves ([`crate::settle_budget`]) |
//! | 90–212 | `oracle`: words 0–1 the risk oracle's bounds, (vol step, correlation step) and (least gap between updates, ramp duration), two `int128` each (0: the defaults, [`crate::oracle_rules`]); word 2 when it last posted (unix seconds); from word 3, 7 words per parameter group (each underlying 0–15, then the account-wide scalars) for its ramp: its progress (`pm_common::ramp::Progress`: seconds applied, last advanced, duration; whole when applied = duration, 0 when none was started), the three words it started from, the three it ends at ([`crate::ramps`]); its last word (212) the address of the data contract whose code is the parameter table the margin checks read ([`crate::param_table`]) |

use alloc::vec::Vec;

use pm_common::ownership::Ownership;
use pm_risk::MAX_UNDERLYINGS;

use crate::param_words::PARAM_WORDS;
use crate::positions::MAX_ACCOUNT_POSITIONS;
use stylus_sdk::{
    alloy_primitives::{Address, U256},
    prelude::*,
    storage::{
        StorageAddress, StorageArray, StorageBool, StorageMap, StorageU256, StorageU32, StorageU8, StorageVec,
    },
};

/// Correlation words: 16 underlyings have 120 pairs, four per word.
pub const CORRELATION_WORDS: usize = 30;
/// Room for the programs the core delegates to ([`crate::Facet`]; seven used).
pub const FACETS: usize = 8;

/// The clearinghouse's state. Each program built on this crate nests it as its only field, so
/// the layout above is every program's.
#[storage]
pub struct Clearinghouse {
    pub(crate) ownership: Ownership,
    pub(crate) risk_admin: StorageAddress,
    pub(crate) risk_oracle: StorageAddress,
    pub(crate) vault: StorageAddress,
    pub(crate) risk_program: StorageAddress,
    pub(crate) settlement_decimals: StorageU8,
    pub(crate) params: StorageArray<StorageU256, PARAM_WORDS>,
    pub(crate) correlations: StorageArray<StorageU256, CORRELATION_WORDS>,
    pub(crate) underlyings: StorageVec<UnderlyingSlots>,
    pub(crate) markets: StorageMap<Address, StorageBool>,
    pub(crate) approvals: StorageMap<Address, StorageMap<Address, StorageBool>>,
    pub(crate) positions: StorageMap<Address, StorageArray<StorageU256, MAX_ACCOUNT_POSITIONS>>,
    pub(crate) facets: StorageArray<StorageAddress, FACETS>,
    pub(crate) trade_bands: StorageArray<StorageU256, MAX_UNDERLYINGS>,
    pub(crate) expiry_prices: StorageMap<U256, StorageU256>,
    pub(crate) bad_debt: StorageU256,
    pub(crate) bad_debts: StorageMap<Address, StorageU256>,
    pub(crate) settle_caps: StorageMap<Address, StorageU256>,
    pub(crate) reference_prices: StorageArray<StorageU256, MAX_UNDERLYINGS>,
    pub(crate) liquidation_params: StorageArray<StorageU256, 2>,
    pub(crate) settle_meters: StorageMap<Address, StorageU256>,
    pub(crate) oracle: StorageArray<StorageU256, ORACLE_WORDS>,
}

/// Parameter groups that ramp: each underlying's parameter words, then the account-wide scalars.
pub const RAMP_GROUPS: usize = MAX_UNDERLYINGS + 1;
/// Words of a ramp: its window, the group's words it started from, those it ends at.
pub const RAMP_WORDS: usize = 1 + 2 * PARAM_WORDS;
/// The `oracle` words before the ramps': the two bound words and the last update's time.
pub const ORACLE_HEADER: usize = 3;
/// The `oracle` word of the published parameter table's address, after the ramps'.
pub const TABLE_WORD: usize = ORACLE_HEADER + RAMP_GROUPS * RAMP_WORDS;
/// The `oracle` words: the header, every group's ramp and the table's address. (One flat array
/// rather than nested storage types or another field: every program builds the whole layout at
/// entry, and nesting cost the fullest facets 100 to 170 bytes, a field 200.)
pub const ORACLE_WORDS: usize = TABLE_WORD + 1;

/// One listed underlying: word 0 its feed (29 bytes), word 1 its implied vol (`int128`, high half)
/// and when it was posted (low 64 bits), words 2–4 the oracle add-on and the nine parameters of
/// `pm_risk::UnderlyingParams` in wire order ([`crate::param_words`]).
#[storage]
pub struct UnderlyingSlots {
    pub(crate) feed: StorageAddress,
    pub(crate) heartbeat: StorageU32,
    pub(crate) vol_max_age: StorageU32,
    pub(crate) feed_decimals: StorageU8,
    pub(crate) market: StorageU256,
    pub(crate) params: StorageArray<StorageU256, PARAM_WORDS>,
}
