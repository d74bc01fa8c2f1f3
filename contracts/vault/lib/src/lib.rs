//! `pm-vault`: the portfolio-margin engine's collateral vault, as a library of storage and logic
//! that three Stylus programs are built on.
//!
//! Listed ERC-20 collateral with haircuts and Chainlink prices, per-account balances, deposits
//! and margin-checked withdrawals, the settlement token (realised PnL, premiums, fees) with debt,
//! owner (two-step) / risk admin / guardian roles and a pause. The clearinghouse
//! (`pm-clearinghouse`) alone may `settle`, and answers `marginFor` before every withdrawal.
//! Storage layout: [`storage`]. Errors: [`errors`]. Events: [`events`].
//!
//! One 24,576-byte program no longer holds it, so three programs nest [`Vault`] as their only
//! field (same storage layout), as the clearinghouse's do: `pm-vault-core` answers at the
//! vault's address and exports what every account uses (deposits, withdrawals, settlement) and
//! the reads the clearinghouse makes; its fallback delegatecalls the [`Facet`] that exports any
//! other selector (a routing table generated from the facets' interfaces): `pm-vault-admin`
//! (ownership, roles, the pause, listing, the sequencer feed, connecting the clearinghouse,
//! configuration views) and `pm-vault-liquidation` (a liquidated account's collateral sold for
//! its debt, [`seizure`], and a debt nothing is left to pay socialised, [`socialisation`]). Each public method here is the ABI
//! function of the same name.
//!
//! Pause stops deposits (new funds, the start of new risk), but not repayments of debt.
//! Withdrawals stay open while paused: they can only lower what an account has at risk, they are
//! still margin-checked, and a guardian must never be able to lock users' funds in. Configuration
//! stays open to its roles so that a broken feed can be replaced while paused. What does stop
//! withdrawals is an L2 sequencer outage and its grace period (the sequencer-uptime feed the risk
//! admin sets): every valuation is refused then, since no margin check can trust prices an
//! outage left stale; they resume on their own when the grace period ends.
//!
//! Reentrancy: the SDK's entrypoint rejects any call that re-enters this program while one of its
//! frames is open (no `reentrant` feature), so a malicious token cannot call back mid-deposit;
//! balances are also debited before tokens leave (checks, effects, interactions).
#![cfg_attr(not(test), no_std)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

#[macro_use]
extern crate alloc;

pub mod collateral_table;
pub mod errors;
pub mod events;
pub mod facet;
pub mod haircut_ramp;
pub mod interfaces;
pub mod loss_index;
pub mod storage;
pub mod valuation;

mod access;
mod account;
mod collateral;
mod collateral_publishing;
mod pricing;
pub mod seizure;
mod settlement;
pub mod socialisation;
mod token;

use alloc::vec::Vec;

use alloy_primitives::{Address, I256, U256};
use stylus_sdk::prelude::*;

use crate::errors::VaultError;
pub use crate::facet::Facet;
pub use crate::pricing::Pricing;
pub use crate::storage::Vault;

// SAFETY: `Vault` is the whole storage of every program built on it (each nests it as its only
// field), so a mutating call made through it cannot alias another live storage borrow.
#[allow(unsafe_code)]
unsafe impl stylus_sdk::prelude::TopLevelStorage for Vault {}

/// The ABI functions, each documented (units, returns, errors) where a program exports it:
/// `pm-vault-core` or `pm-vault-admin`.
impl Vault {
    /// Sets the owner and the facets once, at deployment (the core's constructor).
    /// Errors: `NotAContract` (a facet holds no code), `ZeroAddress`.
    pub fn initialize(
        &mut self,
        owner: Address,
        admin_facet: Address,
        liquidation_facet: Address,
    ) -> Result<(), VaultError> {
        for program in [admin_facet, liquidation_facet] {
            pm_common::guards::ensure_contract(self.vm(), program)?;
        }
        self.ownership.initialize::<VaultError>(owner)?;
        self.set_facet(Facet::Admin, admin_facet);
        self.set_facet(Facet::Liquidation, liquidation_facet);
        Ok(())
    }

    /// The owner: manages roles, connects the clearinghouse and unpauses.
    pub fn owner(&self) -> Address {
        self.ownership.owner()
    }

    /// The address `transferOwnership` named, until it accepts.
    pub fn pending_owner(&self) -> Address {
        self.ownership.pending_owner()
    }

    /// The vault's configuration.
    #[allow(clippy::type_complexity)]
    pub fn config(&self) -> (Address, Address, bool, Address, u32, Address, Address) {
        (
            self.risk_admin.get(),
            self.guardian.get(),
            self.paused.get(),
            self.sequencer_feed.get(),
            self.sequencer_grace.get().saturating_to(),
            self.clearinghouse.get(),
            self.settlement_token.get(),
        )
    }

    /// Starts a two-step ownership transfer: `newOwner` must then call `acceptOwnership`. The
    /// zero address cancels a pending transfer.
    pub fn transfer_ownership(&mut self, new_owner: Address) -> Result<(), VaultError> {
        self.ownership.transfer_ownership(new_owner)
    }

    /// Completes an ownership transfer: the caller, named by `transferOwnership`, becomes the
    /// owner.
    pub fn accept_ownership(&mut self) -> Result<(), VaultError> {
        self.ownership.accept_ownership()
    }

    /// Sets the risk admin (zero removes it).
    pub fn set_risk_admin(&mut self, risk_admin: Address) -> Result<(), VaultError> {
        self.assign_risk_admin(risk_admin)
    }

    /// Sets the guardian (zero removes it).
    pub fn set_guardian(&mut self, guardian: Address) -> Result<(), VaultError> {
        self.assign_guardian(guardian)
    }

    /// Stops deposits.
    pub fn pause(&mut self) -> Result<(), VaultError> {
        self.set_paused(true)
    }

    /// Resumes deposits.
    pub fn unpause(&mut self) -> Result<(), VaultError> {
        self.set_paused(false)
    }

    /// Lists `token` as collateral or changes its parameters: `oracle` a Chainlink
    /// `AggregatorV3` USD feed that must answer a fresh price now, `haircutBps` below 10,000,
    /// `depositCap` in token units (0 stops deposits), `heartbeat` in seconds (1 to 7 days).
    pub fn set_collateral(
        &mut self,
        token: Address,
        oracle: Address,
        haircut_bps: u16,
        deposit_cap: U256,
        heartbeat: u32,
    ) -> Result<(), VaultError> {
        self.configure_collateral(token, oracle, haircut_bps, deposit_cap, heartbeat)
    }

    /// Sets the Chainlink L2 sequencer-uptime feed (zero disables the check) and the grace period
    /// in seconds (at most 1 day) after a restart during which prices are not trusted.
    pub fn set_sequencer_feed(&mut self, feed: Address, grace_period: u32) -> Result<(), VaultError> {
        self.configure_sequencer_feed(feed, grace_period)
    }

    /// Every listed collateral token, in listing order.
    pub fn collateral_tokens(&self) -> Vec<Address> {
        self.listed_tokens()
    }

    /// A token's collateral parameters; all zero for a token that is not listed.
    pub fn collateral_config(&self, token: Address) -> (Address, u16, U256, u32, U256) {
        let c = self.collaterals.getter(token);
        (
            c.oracle.get(),
            c.haircut_bps.get().saturating_to(),
            c.deposit_cap.get(),
            c.heartbeat.get().saturating_to(),
            c.total_deposited.get(),
        )
    }

    /// Deposits `amount` of `token` for the caller. A deposit of the settlement token pays the
    /// account's debt first; the rest lands in its balance.
    pub fn deposit(&mut self, token: Address, amount: U256) -> Result<U256, VaultError> {
        let account = self.vm().msg_sender();
        self.deposit_into(account, token, amount)
    }

    /// Deposits `amount` of `token`, paid by the caller, into `account`.
    pub fn deposit_for(
        &mut self,
        account: Address,
        token: Address,
        amount: U256,
    ) -> Result<U256, VaultError> {
        self.deposit_into(account, token, amount)
    }

    /// Withdraws `amount` of `token` from the caller's balance to `to`. Once a clearinghouse is
    /// connected, the account's equity after it must stay at or above its initial margin, and the
    /// settlement token may be withdrawn beyond the balance: the rest becomes debt (borrowed
    /// against the account's other collateral and positions, and counted in full).
    pub fn withdraw(&mut self, token: Address, amount: U256, to: Address) -> Result<(), VaultError> {
        self.withdraw_to(token, amount, to)
    }

    /// The account's balance of `token`.
    pub fn balance_of(&self, account: Address, token: Address) -> U256 {
        if !token.is_zero() && token == self.settlement_token.get() {
            // A scaled amount that overflows cannot be stored: the fallback is never reached.
            return self.settlement_balance(account).unwrap_or_default();
        }
        self.balances.getter(account).get(token)
    }

    /// The account's collateral value: balances after haircuts (none on the settlement token),
    /// each rounded down, minus settlement-token debt, rounded up.
    pub fn collateral_value(&self, account: Address) -> Result<I256, VaultError> {
        self.account_collateral_value(account)
    }

    /// Connects the clearinghouse (once): it may then call `settle`, and withdrawals need its
    /// margin check. `settlementToken` must be listed.
    pub fn set_clearinghouse(
        &mut self,
        clearinghouse: Address,
        settlement_token: Address,
    ) -> Result<(), VaultError> {
        self.connect_clearinghouse(clearinghouse, settlement_token)
    }

    /// Moves `amount` settlement-token units from `counterparty` to `account` (negative: the other
    /// way); a balance that runs out becomes debt. The clearinghouse's call.
    pub fn settle(
        &mut self,
        account: Address,
        counterparty: Address,
        amount: I256,
    ) -> Result<(), VaultError> {
        self.settle_between(account, counterparty, amount)
    }

    /// The loss index and the total settlement-token debt.
    pub fn settlement_ledger(&self) -> (U256, U256) {
        (self.loss_index(), self.total_debt.get())
    }

    /// The account's settlement-token debt.
    pub fn debt_of(&self, account: Address) -> U256 {
        self.debts.get(account)
    }

    /// The token's oracle price in USD with 18 decimals, rounded down: the checked price every
    /// valuation uses. A Rust method, not exported on-chain: read the token's Chainlink feed
    /// directly.
    /// Errors: `CollateralNotListed`, `SequencerDown`, `SequencerGracePeriod`, `OracleCallFailed`,
    /// `IncompleteRound`, `InvalidPrice`, `StalePrice`, `ArithmeticOverflow`.
    pub fn price(&self, token: Address) -> Result<U256, VaultError> {
        self.token_price(token)
    }
}
