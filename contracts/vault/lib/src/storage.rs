//! The vault's storage layout, shared by its programs (the core and the facets it reaches by
//! delegatecall run over the core's storage). Append-only: new fields go at the end of a struct,
//! or into a slot's unused bytes (as `settlement_index` does), never where they would move a slot.
//!
//! | slot | field(s) |
//! |---|---|
//! | 0–1 | `ownership`: owner, pending owner ([`pm_common::ownership`]) |
//! | 2 | `risk_admin` |
//! | 3 | `guardian` (20 B), `paused` (1 B) |
//! | 4 | `sequencer_feed` (20 B), `sequencer_grace` (4 B) |
//! | 5 | `collateral_tokens` (length; items at keccak(5)) |
//! | 6 | `collaterals`: token => [`Collateral`] (4 slots: the packed pricing slot, the deposit cap, the total deposited, the haircut's ramp) |
//! | 7 | `balances`: account => token => amount |
//! | 8 | `clearinghouse` (set once) |
//! | 9 | `settlement_token` (20 B), `settlement_index` (12 B: the loss index, [`crate::loss_index`]; 0 reads as 1) |
//! | 10 | `debts`: account => settlement-token units owed |
//! | 11 | `admin_facet`: the program the core delegates the admin functions to (set once) |
//! | 12 | `liquidation_facet`: the program it delegates `seizeCollateral` and `socialiseDebt` to (set once) |
//! | 13 | `total_debt`: the sum of `debts` |
//! | 14 | `collateral_table`: the data contract whose code is the collateral table a valuation reads (zero until the first listing or sequencer feed; [`crate::collateral_table`]) |
//!
//! `balances` of the settlement token hold scaled amounts (the balance times 10^18 over the
//! loss index, [`crate::loss_index`]); every other token's are token units.

use alloc::vec::Vec;

use pm_common::ownership::Ownership;
use stylus_sdk::{
    alloy_primitives::Address,
    prelude::*,
    storage::{
        StorageAddress, StorageBool, StorageMap, StorageU16, StorageU256, StorageU32, StorageU8, StorageUint,
        StorageVec,
    },
};

/// The collateral vault's state. Each program built on this crate nests it as its only field, so
/// the layout above is every program's.
#[storage]
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
    pub(crate) settlement_index: StorageUint<96, 2>,
    pub(crate) debts: StorageMap<Address, StorageU256>,
    pub(crate) admin_facet: StorageAddress,
    pub(crate) liquidation_facet: StorageAddress,
    pub(crate) total_debt: StorageU256,
    pub(crate) collateral_table: StorageAddress,
}

/// One listed collateral token. Slot 0 packs what a valuation reads (28 bytes); a listed token
/// always has a non-zero oracle. Slot 3 holds its haircut's ramp ([`crate::haircut_ramp`]).
#[storage]
pub struct Collateral {
    pub(crate) oracle: StorageAddress,
    pub(crate) haircut_bps: StorageU16,
    pub(crate) heartbeat: StorageU32,
    pub(crate) token_decimals: StorageU8,
    pub(crate) oracle_decimals: StorageU8,
    pub(crate) deposit_cap: StorageU256,
    pub(crate) total_deposited: StorageU256,
    pub(crate) haircut_ramp: StorageU256,
}
