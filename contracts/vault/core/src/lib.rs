//! `pm-vault-core`: the vault's core program, the address every user, market and the
//! clearinghouse calls. It exports what moves value (deposits, withdrawals, settlement) and the
//! reads the clearinghouse makes, and hands every other function to the facet that exports it,
//! by delegatecall over this program's storage ([`routing`], generated from the facets'
//! interfaces; `pm-vault` explains the programs). It nests the library's [`Vault`] as its only
//! field, so its storage is the library's layout.
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

use alloy_primitives::{Address, FixedBytes, I256, U256};
use pm_vault::errors::{UnknownSelector, VaultError};
use pm_vault::Vault;
use stylus_sdk::{prelude::*, ArbResult};

pub mod routes;
pub mod routing;

/// The core program: the vault's storage, nothing else.
#[storage]
#[entrypoint]
pub struct VaultCore {
    vault: Vault,
}

#[public]
impl VaultCore {
    /// Deploys the vault: sets the owner and records its facets, `adminFacet` (ownership, roles,
    /// the pause, listing, connecting the clearinghouse) and `liquidationFacet` (collateral sold
    /// for debt in a liquidation, and debt socialised).
    ///
    /// Errors: `ZeroAddress`, `NotAContract` (a facet holds no code).
    #[constructor]
    pub fn constructor(
        &mut self,
        owner: Address,
        admin_facet: Address,
        liquidation_facet: Address,
    ) -> Result<(), VaultError> {
        self.vault.initialize(owner, admin_facet, liquidation_facet)
    }

    /// Deposits `amount` of `token` for the caller. A deposit of the settlement token pays the
    /// account's debt first; the rest lands in its balance. A deposit of the settlement token no
    /// larger than the account's debt (a repayment) is open while paused and above the deposit
    /// cap: an account can always cure itself.
    ///
    /// Returns `credited`: the amount credited, what the vault actually received (a
    /// fee-on-transfer token delivers less).
    ///
    /// Errors: `VaultPaused`, `ZeroAmount`, `CollateralNotListed`, `DepositCapExceeded`,
    /// `TokenCallFailed`, `NothingReceived`, `ArithmeticOverflow`.
    pub fn deposit(&mut self, token: Address, amount: U256) -> Result<U256, VaultError> {
        self.vault.deposit(token, amount)
    }

    /// Deposits `amount` of `token`, paid by the caller, into `account`.
    ///
    /// Returns `credited`: the amount credited, what the vault actually received.
    ///
    /// Errors: those of `deposit`, and `ZeroAddress`.
    pub fn deposit_for(
        &mut self,
        account: Address,
        token: Address,
        amount: U256,
    ) -> Result<U256, VaultError> {
        self.vault.deposit_for(account, token, amount)
    }

    /// Withdraws `amount` of `token` from the caller's balance to `to`. Once a clearinghouse is
    /// connected, the account's equity after it must stay at or above its initial margin, and the
    /// settlement token may be withdrawn beyond the balance: the rest becomes debt (borrowed
    /// against the account's other collateral and positions, and counted in full).
    ///
    /// Errors: `ZeroAmount`, `ZeroAddress`, `InsufficientBalance`, `InsufficientMargin`,
    /// `MarginCheckFailed`, `TokenCallFailed`, `ArithmeticOverflow`, and when a clearinghouse is
    /// connected `SequencerDown`, `SequencerGracePeriod` and the price errors of the account's
    /// tokens.
    pub fn withdraw(&mut self, token: Address, amount: U256, to: Address) -> Result<(), VaultError> {
        self.vault.withdraw(token, amount, to)
    }

    /// The account's balance of `token`.
    ///
    /// Returns `balance`: in token units.
    pub fn balance_of(&self, account: Address, token: Address) -> U256 {
        self.vault.balance_of(account, token)
    }

    /// The account's collateral value: balances after haircuts (none on the settlement token),
    /// each rounded down, minus settlement-token debt, rounded up.
    ///
    /// Returns `value`: USD with 18 decimals (negative when debt exceeds collateral).
    ///
    /// Errors: `SequencerDown`, `SequencerGracePeriod` (while a sequencer-uptime feed is set and
    /// reports an outage, for every account: every margin check asks for this value), the price
    /// errors of any token the account holds or owes, `CollateralTableUnavailable`,
    /// `ArithmeticOverflow`.
    pub fn collateral_value(&self, account: Address) -> Result<I256, VaultError> {
        self.vault.collateral_value(account)
    }

    /// Moves `amount` settlement-token units from `counterparty` to `account` (negative: the other
    /// way); a balance that runs out becomes debt. The clearinghouse's call.
    ///
    /// Errors: `NotClearinghouse`, `ZeroAddress`, `ArithmeticOverflow`.
    pub fn settle(
        &mut self,
        account: Address,
        counterparty: Address,
        amount: I256,
    ) -> Result<(), VaultError> {
        self.vault.settle(account, counterparty, amount)
    }

    /// The account's settlement-token debt.
    ///
    /// Returns `debt`: in settlement-token units.
    pub fn debt_of(&self, account: Address) -> U256 {
        self.vault.debt_of(account)
    }

    /// Every other function: delegatecalled to the facet that exports its selector.
    #[fallback]
    pub fn fallback(&mut self, calldata: &[u8]) -> ArbResult {
        let selector = pm_common::routing::selector_of(calldata);
        match routing::facet_of(selector) {
            Some(facet) => self.vault.delegate(facet, calldata),
            None => Err(Vec::<u8>::from(VaultError::UnknownSelector(UnknownSelector {
                selector: FixedBytes(selector),
            }))),
        }
    }
}
