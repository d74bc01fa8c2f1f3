//! `pm-clearinghouse-liquidation`: the clearinghouse's liquidation facet: keepers liquidate
//! accounts below maintenance margin by the rule of `pm_clearinghouse::liquidation_plan` (the
//! accounts facet answers what a liquidation would do, the views facet the insurance fund).
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

use alloy_primitives::Address;
use pm_clearinghouse::{Clearinghouse, ClearinghouseError};
use stylus_sdk::prelude::*;

/// The liquidation facet: the clearinghouse's storage, nothing else.
#[storage]
#[entrypoint]
pub struct ClearinghouseLiquidation {
    clearinghouse: Clearinghouse,
}

#[public]
impl ClearinghouseLiquidation {
    /// Liquidates `account` (equity below maintenance margin): the caller takes over the same
    /// fraction of every position at the engine's marks, the least that brings the account to
    /// 110% of its maintenance margin after the discount, and receives the discount (a rate of the
    /// maintenance margin taken over that grows with the shortfall, capped at 10%; the account pays
    /// at most its equity, first to the caller up to three quarters of the discount, the rest to
    /// the insurance fund). The caller must meet initial margin after; the account must end
    /// healthier. The account's and the caller's expired positions whose settlement price is
    /// fixed are settled first. An account left with no positions and negative equity is closed out: its other
    /// collateral is sold to the caller for its debt (at up to half its haircut off, the riskiest
    /// first), the fund pays what is still owed as far as its balance goes, and the rest is
    /// socialised (written off against every settlement-token balance) and recorded as bad debt;
    /// then the fund pays the caller up to 1% of the margin taken over when the account paid it
    /// less. An account with no positions and negative equity is closed out the same way, with
    /// nothing to take over. Anyone may call, for their own account.
    ///
    /// Errors: `NotThroughCore` (called at the facet's own address), `InvalidLiquidator` (the
    /// account itself), `NotLiquidatable`, `TooManyPositions`, `InvalidSize`, `VaultCallFailed`,
    /// `InsufficientMargin` (the caller), `LiquidationDidNotImprove`, `ArithmeticOverflow`, and
    /// the price, vol and risk errors of a margin check.
    pub fn liquidate(&mut self, account: Address) -> Result<(), ClearinghouseError> {
        self.clearinghouse.liquidate(account)
    }
}
