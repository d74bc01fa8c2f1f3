//! `pm-clearinghouse-accounts`: the clearinghouse's accounts facet: the vault's margin check
//! before a withdrawal (`marginFor`), how much of a token an account can withdraw, and what
//! liquidating it would do.
//! The core reaches it by delegatecall, so it runs over the core's storage (`pm-clearinghouse`
//! explains the seven programs).
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

use alloy_primitives::{Address, I256, U256};
use pm_clearinghouse::{Clearinghouse, ClearinghouseError, LiquidationQuote};
use stylus_sdk::prelude::*;

/// The accounts facet: the clearinghouse's storage, nothing else.
#[storage]
#[entrypoint]
pub struct ClearinghouseAccounts {
    clearinghouse: Clearinghouse,
}

#[public]
impl ClearinghouseAccounts {
    /// The account's equity and initial margin if its collateral value were `collateralValue`
    /// (USD, 18 decimals): the vault's check before a withdrawal, at the live prices and, when
    /// references are apart, also with every apart underlying at its reference and with each at
    /// the price against the account; the worst counts.
    ///
    /// Returns:
    /// - `equity`: USD, 18 decimals
    /// - `initialMargin`: USD, 18 decimals
    ///
    /// Errors: the price, vol and risk errors of a check.
    pub fn margin_for(
        &self,
        account: Address,
        collateral_value: I256,
    ) -> Result<(I256, I256), ClearinghouseError> {
        self.clearinghouse.margin_for(account, collateral_value)
    }

    /// How much of `token` the account can withdraw now: its free collateral (equity − initial
    /// margin) at the token's haircut price, rounded down, at most its balance; the settlement
    /// token has no haircut and may be withdrawn beyond the balance (as debt).
    ///
    /// Returns `amount`: token units (0 for a token the vault does not list).
    ///
    /// Errors: those of `accountMargin`, `OracleCallFailed` and the price errors of the token's
    /// feed, `TokenCallFailed`.
    pub fn withdrawable(&self, account: Address, token: Address) -> Result<U256, ClearinghouseError> {
        self.clearinghouse.withdrawable(account, token)
    }

    /// What liquidating `account` now would do, for keepers: as `liquidate` sees the account,
    /// with its expired positions whose settlement price is fixed settled.
    ///
    /// Returns:
    /// - `liquidatable`: equity below maintenance margin (all else zero when not, and for an
    ///   account `liquidate` closes out: no positions, negative equity)
    /// - `fraction`: of every position the liquidator takes over (18 decimals)
    /// - `discountRate`: of the maintenance margin taken over (18 decimals)
    /// - `transferValue`: what the liquidator pays for the slice, at the marks (negative:
    ///   receives; USD, 18 decimals)
    /// - `discount`: what the account pays on top (USD, 18 decimals)
    /// - `fundShare`: the insurance fund's part of it
    /// - `reward`: what the caller earns: the discount less the fund's share, plus the fund's
    ///   fee when the account pays less than 1% of the margin taken over, as far as the fund's
    ///   balance goes now (the fund pays it after covering the account, so for an insolvent
    ///   book it may be less; USD, 18 decimals)
    ///
    /// Errors: those of `accountMargin`.
    pub fn liquidation_quote(&self, account: Address) -> Result<LiquidationQuote, ClearinghouseError> {
        self.clearinghouse.liquidation_quote(account)
    }
}
