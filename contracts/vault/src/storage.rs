//! The vault's storage layout. Append-only: new fields go at the end of a struct, never between.
//!
//! | slot | field(s) |
//! |---|---|
//! | 0–1 | `ownership`: owner, pending owner ([`pm_common::ownership`]) |
//! | 2 | `risk_admin` |
//! | 3 | `guardian` (20 B), `paused` (1 B) |
//! | 4 | `sequencer_feed` (20 B), `sequencer_grace` (4 B) |
//! | 5 | `collateral_tokens` (length; items at keccak(5)) |
//! | 6 | `collaterals`: token => [`Collateral`] (3 slots) |
//! | 7 | `balances`: account => token => amount |
//! | 8 | `clearinghouse` (set once) |
//! | 9 | `settlement_token` |
//! | 10 | `debts`: account => settlement-token units owed |

// The SDK's `#[entrypoint]` generates the undocumented `user_entrypoint` export here.
#![allow(missing_docs)]

use alloc::vec::Vec;

use pm_common::ownership::Ownership;
use stylus_sdk::{
    alloy_primitives::Address,
    prelude::*,
    storage::{
        StorageAddress, StorageBool, StorageMap, StorageU16, StorageU256, StorageU32, StorageU8, StorageVec,
    },
};

/// The collateral vault.
#[storage]
#[entrypoint]
pub struct Vault {
    pub(crate) ownership: Ownership,
    pub(crate) risk_admin: StorageAddress,
    pub(crate) guardian: StorageAddress,
    pub(crate) paused: StorageBool,
    pub(crate) sequencer_feed: StorageAddress,
    pub(crate) sequencer_grace: StorageU32,
    pub(crate) collateral_tokens: StorageVec<StorageAddress>,
    pub(crate) collaterals: StorageMap<Address, Collateral>,
    pub(crate) balances: StorageMap<Address, StorageMap<Address, StorageU256>>,
    pub(crate) clearinghouse: StorageAddress,
    pub(crate) settlement_token: StorageAddress,
    pub(crate) debts: StorageMap<Address, StorageU256>,
}

/// One listed collateral token. Slot 0 packs what a valuation reads (29 bytes); a listed token
/// always has a non-zero oracle.
#[storage]
pub struct Collateral {
    pub(crate) oracle: StorageAddress,
    pub(crate) haircut_bps: StorageU16,
    pub(crate) heartbeat: StorageU32,
    pub(crate) token_decimals: StorageU8,
    pub(crate) oracle_decimals: StorageU8,
    pub(crate) deposit_cap: StorageU256,
    pub(crate) total_deposited: StorageU256,
}
