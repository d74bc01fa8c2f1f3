//! The clearinghouse's storage layout. Append-only: new fields go at the end, never between.
//! A margin check reads the account's position words, then for each underlying the account holds
//! its feed slot, market slot and five parameter words, then the account-wide parameter words
//! and the correlations it needs: one word per position, nothing per instrument.
//!
//! | slot | field(s) |
//! |---|---|
//! | 0 | `owner` |
//! | 1 | `risk_admin` |
//! | 2 | `vol_oracle` |
//! | 3 | `vault` |
//! | 4 | `risk_program` (20 B), `settlement_decimals` (1 B) |
//! | 5–9 | `params`: word 0 the grid levels; words 1–4 the eight scalars, two `int128` per word |
//! | 10–69 | `correlations`: pair (i < j) at index j(j−1)/2 + i, two `int128` per word |
//! | 70 | `underlyings` (length; items at keccak(70), 7 words each: [`UnderlyingSlots`]) |
//! | 71 | `markets`: market => authorised |
//! | 72 | `approvals`: account => market => approved |
//! | 73 | `positions`: account => position words (length; items at keccak) |
//! | 74 | `admin_facet`: the program the core delegates unrouted calls to |
//! | 75 | `views_facet`: the program the admin facet delegates unrouted calls to |

// The SDK's `#[entrypoint]` generates the undocumented `user_entrypoint` export here.
#![allow(missing_docs)]

use alloc::vec::Vec;

use stylus_sdk::{
    alloy_primitives::Address,
    prelude::*,
    storage::{
        StorageAddress, StorageArray, StorageBool, StorageMap, StorageU256, StorageU32, StorageU8, StorageVec,
    },
};

/// Correlation words: 16 underlyings have 120 pairs, two per word.
pub const CORRELATION_WORDS: usize = 60;

/// The clearinghouse.
#[storage]
#[entrypoint]
pub struct Clearinghouse {
    pub(crate) owner: StorageAddress,
    pub(crate) risk_admin: StorageAddress,
    pub(crate) vol_oracle: StorageAddress,
    pub(crate) vault: StorageAddress,
    pub(crate) risk_program: StorageAddress,
    pub(crate) settlement_decimals: StorageU8,
    pub(crate) params: StorageArray<StorageU256, 5>,
    pub(crate) correlations: StorageArray<StorageU256, CORRELATION_WORDS>,
    pub(crate) underlyings: StorageVec<UnderlyingSlots>,
    pub(crate) markets: StorageMap<Address, StorageBool>,
    pub(crate) approvals: StorageMap<Address, StorageMap<Address, StorageBool>>,
    pub(crate) positions: StorageMap<Address, StorageVec<StorageU256>>,
    pub(crate) admin_facet: StorageAddress,
    pub(crate) views_facet: StorageAddress,
}

/// One listed underlying: word 0 its feed (29 bytes), word 1 its implied vol (`int128`, high half)
/// and when it was posted (low 64 bits), words 2–6 the oracle add-on and the eight parameters of
/// `pm_risk::UnderlyingParams` in wire order, two `int128` per word.
#[storage]
pub struct UnderlyingSlots {
    pub(crate) feed: StorageAddress,
    pub(crate) heartbeat: StorageU32,
    pub(crate) vol_max_age: StorageU32,
    pub(crate) feed_decimals: StorageU8,
    pub(crate) market: StorageU256,
    pub(crate) params: StorageArray<StorageU256, 5>,
}
