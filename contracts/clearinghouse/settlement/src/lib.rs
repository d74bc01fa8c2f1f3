//! `pm-clearinghouse-settlement`: the clearinghouse's settlement facet: cash outside trades (a
//! market's fees and funding, within its hourly budget); one settlement price per underlying and
//! expiry, fixed from the feed's first round at or after the expiry, and the settlement of expired
//! futures and options at it; and each underlying's reference price, the lagged price
//! withdrawals are also judged at. Keepers call the last two.
//! The core reaches it by delegatecall, so it runs over the core's storage (`pm-clearinghouse`
//! explains the programs).
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]
// export-abi generates an undocumented `print_from_args`; the entrypoint an undocumented export.
#![allow(missing_docs)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

#[macro_use]
extern crate alloc;

use alloc::vec::Vec;

use alloy_primitives::{aliases::U80, Address, I256};
use pm_clearinghouse::{Clearinghouse, ClearinghouseError};
use stylus_sdk::prelude::*;

/// The settlement facet: the clearinghouse's storage, nothing else.
#[storage]
#[entrypoint]
pub struct ClearinghouseSettlement {
    clearinghouse: Clearinghouse,
}

#[public]
impl ClearinghouseSettlement {
    /// Moves `amount` settlement-token units from the calling market to `account` (negative: from
    /// the account to the market): realised PnL, funding, fees. A balance that runs out becomes
    /// debt. No margin check, but within the market's hourly budget (`settleCap`): every amount
    /// fills a meter that drains at the cap per hour.
    ///
    /// Errors: `MarketNotAuthorised`, `MarketNotApproved`, `SettleAboveCap`, `VaultCallFailed`.
    pub fn settle(&mut self, account: Address, amount: I256) -> Result<(), ClearinghouseError> {
        self.clearinghouse.settle(account, amount)
    }

    /// Fixes `underlying`'s settlement price for `expiry` (unix seconds) from the feed's round
    /// `roundId`: the first round updated at or after the expiry, within one heartbeat of it, in
    /// the feed's phase at the expiry (the phase above bit 64 of a round id). Anyone may call (keepers do, right after expiry); once fixed, returns the stored price and
    /// changes nothing.
    ///
    /// Returns `price`: USD with 18 decimals.
    ///
    /// Errors: `NotThroughCore`, `UnknownUnderlying`, `ExpiryNotReached`, `SequencerDown`,
    /// `SequencerGracePeriod` (the vault's sequencer-uptime feed), `VaultCallFailed`,
    /// `OracleCallFailed` (no such round, or no round before it, or the sequencer feed's call
    /// failed), `IncompleteRound`, `InvalidPrice`, `InvalidSettlementRound`,
    /// `SettlementPhaseSuperseded`, `ArithmeticOverflow`.
    pub fn fix_expiry_price(
        &mut self,
        underlying: u8,
        expiry: u64,
        round_id: U80,
    ) -> Result<I256, ClearinghouseError> {
        self.clearinghouse.fix_expiry_price(underlying, expiry, round_id)
    }

    /// Settles `account`'s expired futures and options whose settlement prices are fixed
    /// (`fixExpiryPrice`), at those prices, and removes them; anyone may call. Until then every
    /// margin check counts them as that cash, and a trade for the account waits for it
    /// (`ExpiredPositionUnsettled`).
    ///
    /// Returns `settled`: how many positions settled (the others wait for their price).
    ///
    /// Errors: `NotThroughCore`, `VaultCallFailed`, `ArithmeticOverflow`.
    pub fn settle_expired(&mut self, account: Address) -> Result<u32, ClearinghouseError> {
        self.clearinghouse.settle_expired(account)
    }
    /// Underlying `underlying`'s settlement price for `expiry` (unix seconds), fixed by
    /// `fixExpiryPrice`.
    ///
    /// Returns `price`: USD with 18 decimals; 0 until fixed.
    pub fn expiry_price(&self, underlying: u8, expiry: u64) -> I256 {
        self.clearinghouse.expiry_price(underlying, expiry)
    }

    /// Moves underlying `underlying`'s reference price towards its live price: by at most 2% of
    /// itself per hour since the last update (at most an hour counts), outright the first time.
    /// Withdrawals must also meet initial margin at the reference prices, so a short-lived pump
    /// of a feed cannot be withdrawn against. Anyone may call (keepers do, often).
    ///
    /// Returns `price`: the new reference price (USD, 18 decimals).
    ///
    /// Errors: `NotThroughCore`, `UnknownUnderlying`, `SequencerDown`, `SequencerGracePeriod`
    /// (the vault's sequencer-uptime feed), `VaultCallFailed`, `OracleCallFailed` (also of the
    /// sequencer feed), the price errors of its feed, `ArithmeticOverflow`.
    pub fn update_reference_price(&mut self, underlying: u8) -> Result<I256, ClearinghouseError> {
        self.clearinghouse.update_reference_price(underlying)
    }

    /// Underlying `underlying`'s reference price.
    ///
    /// Returns:
    /// - `price`: USD with 18 decimals (0 until first updated)
    /// - `updatedAt`: unix seconds of its last update
    pub fn reference_price(&self, underlying: u8) -> (I256, u64) {
        self.clearinghouse.reference_price(underlying)
    }
}
