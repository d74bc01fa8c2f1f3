//! `pm-clearinghouse-trading`: the clearinghouse's trading facet: the position changes
//! authorised markets report (`updatePosition(s)`), judged by the trade rules
//! (`pm_clearinghouse::rules`). The core reaches it by delegatecall, so it
//! runs over the core's storage (`pm-clearinghouse` explains the programs).
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

use alloy_primitives::Address;
use pm_clearinghouse::{Clearinghouse, ClearinghouseError};
use stylus_sdk::prelude::*;

/// The trading facet: the clearinghouse's storage, nothing else.
#[storage]
#[entrypoint]
pub struct ClearinghouseTrading {
    clearinghouse: Clearinghouse,
}

#[public]
impl ClearinghouseTrading {
    /// Changes `account`'s position in `instrument` by `sizeDelta` units (18 decimals) traded at
    /// `price` USD per unit (18 decimals; an option's premium), for the calling market. The buyer
    /// pays `sizeDelta · price` settlement-token units to the market, the seller receives them.
    /// Then the account is judged once, on the whole book (`pm_clearinghouse::rules`): the price
    /// must lie within the underlying's trade band of the engine's mark (`tradeBands`), and the
    /// account must meet initial margin, unless the change shrinks the position and lowers
    /// neither its equity nor its maintenance health (equity − maintenance margin).
    ///
    /// Errors: `MarketNotAuthorised`, `MarketNotApproved`, `InvalidInstrument`,
    /// `InstrumentNotTradable`, `InvalidTradePrice`, `InvalidSize`, `TooManyPositions`,
    /// `ExpiredPositionUnsettled` (the account holds an expired position whose price is fixed:
    /// `settleExpired` first), `VaultCallFailed`, `TradePriceOutsideBand`, `InsufficientMargin`, and the price, vol and risk errors of a check.
    pub fn update_position(
        &mut self,
        account: Address,
        instrument: u128,
        size_delta: i128,
        price: i128,
    ) -> Result<(), ClearinghouseError> {
        self.clearinghouse
            .update_position(account, instrument, size_delta, price)
    }

    /// `updatePosition` for several instruments, judged once after all of them (every price in
    /// its band; initial margin unless every change shrinks a position and the account's equity
    /// and maintenance health do not fall).
    ///
    /// Errors: those of `updatePosition`, and `LengthMismatch` (arrays of different lengths, or
    /// none).
    pub fn update_positions(
        &mut self,
        account: Address,
        instruments: Vec<u128>,
        size_deltas: Vec<i128>,
        prices: Vec<i128>,
    ) -> Result<(), ClearinghouseError> {
        self.clearinghouse
            .update_positions(account, instruments, size_deltas, prices)
    }
}
