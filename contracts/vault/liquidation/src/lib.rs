//! `pm-vault-liquidation`: the vault's liquidation facet: when the clearinghouse has taken a
//! liquidated account's whole book and it still owes settlement tokens, its other collateral is
//! sold to the liquidator for the debt (`pm_vault::seizure`), and a debt nothing is left to pay
//! is socialised (`pm_vault::socialisation`). The core reaches it by
//! delegatecall, so it runs over the core's storage (`pm-vault` explains the programs); called
//! at its own address it refuses (`NotThroughCore`).
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
use pm_vault::errors::VaultError;
use pm_vault::Vault;
use stylus_sdk::prelude::*;

/// The liquidation facet: the vault's storage, nothing else.
#[storage]
#[entrypoint]
pub struct VaultLiquidation {
    vault: Vault,
}

#[public]
impl VaultLiquidation {
    /// In a liquidation, after the account's whole book is gone and while its collateral value
    /// is negative: sells `account`'s collateral other than the settlement token to
    /// `liquidator` for its settlement-token debt, just enough to bring the value back to zero
    /// (and a hair: 1 bp of the debt and a cent), the largest haircut first, each at its oracle
    /// price less half its haircut while the account's surplus pays that discount (otherwise its
    /// surplus, at least 1% or half the haircut when that is smaller), rounded against
    /// `account`. The clearinghouse's call.
    ///
    /// Returns `shortfall`: the settlement-token units still owed once no other collateral is
    /// left (zero while some is).
    ///
    /// Errors: `NotThroughCore`, `NotClearinghouse`, `ZeroAddress`, `SelfSeizure`, the sequencer
    /// and price errors of the tokens involved, `ArithmeticOverflow`.
    pub fn seize_collateral(&mut self, account: Address, liquidator: Address) -> Result<U256, VaultError> {
        self.vault.through_core()?;
        self.vault.seize_collateral(account, liquidator)
    }

    /// The last step of a liquidation, after `seizeCollateral` and the insurance fund: writes
    /// off `account`'s settlement-token debt, which nothing is left to pay, against every
    /// settlement-token balance pro rata (the loss index falls by the debt's share of all claims;
    /// balances round down); all of it unless that would take the index below 10^-9 (nearly
    /// every claim lost), and then the rest stays owed. The clearinghouse's call.
    ///
    /// Returns `writtenOff`: the settlement-token units written off (zero without debt).
    ///
    /// Errors: `NotThroughCore`, `NotClearinghouse`, `CollateralRemaining`, `ArithmeticOverflow`.
    pub fn socialise_debt(&mut self, account: Address) -> Result<U256, VaultError> {
        self.vault.through_core()?;
        self.vault.socialise_debt(account)
    }
}
