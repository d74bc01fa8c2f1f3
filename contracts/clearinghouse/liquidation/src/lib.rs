//! `pm-clearinghouse-liquidation`: the clearinghouse's liquidation facet: keepers liquidate
//! accounts below maintenance margin by the rule of `pm_clearinghouse::liquidation_plan`, read
//! what a liquidation would do, and read the insurance fund and the bad debt.
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

use alloy_primitives::{Address, U256};
use pm_clearinghouse::{Clearinghouse, ClearinghouseError, LiquidationQuote};
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
    /// at most its equity) less the insurance fund's quarter; when the account cannot pay it all,
    /// the fund pays the caller the rest of its reward as far as it can. The caller must meet
    /// initial margin after; the account must end healthier. An account left with no positions and
    /// negative equity is covered by the fund, and what it cannot cover is recorded as bad debt.
    /// Anyone may call, for their own account.
    ///
    /// Errors: `InvalidLiquidator` (the account itself), `NotLiquidatable`, `TooManyPositions`,
    /// `InvalidSize`, `VaultCallFailed`, `InsufficientMargin` (the caller),
    /// `LiquidationDidNotImprove`, `ArithmeticOverflow`, and the price, vol and risk errors of a
    /// margin check.
    pub fn liquidate(&mut self, account: Address) -> Result<(), ClearinghouseError> {
        self.clearinghouse.liquidate(account).map(|_| ())
    }

    /// What liquidating `account` now would do, for keepers.
    ///
    /// Returns:
    /// - `liquidatable`: equity below maintenance margin (all else zero when not)
    /// - `fraction`: of every position the liquidator takes over (18 decimals)
    /// - `discountRate`: of the maintenance margin taken over (18 decimals)
    /// - `transferValue`: what the liquidator pays for the slice, at the marks (negative:
    ///   receives; USD, 18 decimals)
    /// - `discount`: what the account pays on top (USD, 18 decimals)
    /// - `fundShare`: the insurance fund's part of it
    /// - `reward`: what the caller earns: the discount less the fund's share, plus what the
    ///   fund pays when the account cannot pay it all (USD, 18 decimals)
    ///
    /// Errors: those of `accountMargin`.
    pub fn liquidation_quote(&self, account: Address) -> Result<LiquidationQuote, ClearinghouseError> {
        self.clearinghouse.liquidation_quote(account)
    }

    /// The insurance fund.
    ///
    /// Returns:
    /// - `fund`: its account in the vault (anyone may deposit for it)
    /// - `balance`: its settlement-token balance (token units)
    /// - `badDebt`: what liquidations left that the fund could not cover (token units)
    ///
    /// Errors: `VaultCallFailed`.
    pub fn insurance_fund(&self) -> Result<(Address, U256, U256), ClearinghouseError> {
        self.clearinghouse.insurance_fund()
    }
}
