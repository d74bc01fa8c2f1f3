//! `pm-vault`: the portfolio-margin engine's collateral vault, a Stylus program.
//!
//! Listed ERC-20 collateral with haircuts and Chainlink prices, per-account balances, deposits
//! and margin-checked withdrawals, the settlement token (realised PnL, premiums, fees) with debt,
//! owner (two-step) / risk admin / guardian roles and a pause. The clearinghouse
//! (`pm-clearinghouse`) alone may `settle`, and answers `marginFor` before every withdrawal.
//! Storage layout: [`storage`]. Errors: [`errors`]. Events: [`events`].
//!
//! Pause stops deposits (new funds, the start of new risk). Withdrawals stay open while paused:
//! they can only lower what an account has at risk, they are still margin-checked, and a guardian
//! must never be able to lock users' funds in. Configuration stays open to its roles so that a
//! broken feed can be replaced while paused.
//!
//! Reentrancy: the SDK's entrypoint rejects any call that re-enters this program while one of its
//! frames is open (no `reentrant` feature), so a malicious token cannot call back mid-deposit;
//! balances are also debited before tokens leave (checks, effects, interactions).
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]
// export-abi generates an undocumented `print_from_args`.
#![cfg_attr(feature = "export-abi", allow(missing_docs))]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

#[macro_use]
extern crate alloc;

pub mod errors;
pub mod events;
pub mod interfaces;
pub mod storage;
pub mod valuation;

mod access;
mod account;
mod collateral;
mod pricing;
mod settlement;
mod token;

use alloc::vec::Vec;

use alloy_primitives::{Address, I256, U256};
use stylus_sdk::prelude::*;

use crate::errors::VaultError;
pub use crate::storage::Vault;

#[public]
impl Vault {
    /// Sets the owner once, at deployment.
    ///
    /// Errors: `ZeroAddress`.
    #[constructor]
    pub fn constructor(&mut self, owner: Address) -> Result<(), VaultError> {
        self.ownership.initialize(owner)
    }

    /// The owner: manages roles, connects the clearinghouse and unpauses.
    ///
    /// Returns `currentOwner`: the owner's address.
    pub fn owner(&self) -> Address {
        self.ownership.owner()
    }

    /// The address `transferOwnership` named, until it accepts.
    ///
    /// Returns `successor`: that address (zero when no transfer is pending).
    pub fn pending_owner(&self) -> Address {
        self.ownership.pending_owner()
    }

    /// The vault's configuration.
    ///
    /// Returns:
    /// - `riskAdmin`: lists collateral and sets the sequencer feed (zero when unset)
    /// - `guardian`: may pause (zero when unset)
    /// - `isPaused`: whether deposits are stopped
    /// - `sequencerFeed`: the Chainlink L2 sequencer-uptime feed (zero when the check is off)
    /// - `gracePeriod`: seconds after a sequencer restart during which prices are not trusted
    /// - `clearinghouse`: the clearinghouse's (core) address, zero until connected
    /// - `settlementToken`: the token realised PnL, fees and debt are paid in, zero until connected
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
    ///
    /// Errors: `NotOwner`.
    pub fn transfer_ownership(&mut self, new_owner: Address) -> Result<(), VaultError> {
        self.ownership.transfer_ownership(new_owner)
    }

    /// Completes an ownership transfer: the caller, named by `transferOwnership`, becomes the
    /// owner.
    ///
    /// Errors: `NotPendingOwner`.
    pub fn accept_ownership(&mut self) -> Result<(), VaultError> {
        self.ownership.accept_ownership()
    }

    /// Sets the risk admin (zero removes it).
    ///
    /// Errors: `NotOwner`.
    pub fn set_risk_admin(&mut self, risk_admin: Address) -> Result<(), VaultError> {
        self.assign_risk_admin(risk_admin)
    }

    /// Sets the guardian (zero removes it).
    ///
    /// Errors: `NotOwner`.
    pub fn set_guardian(&mut self, guardian: Address) -> Result<(), VaultError> {
        self.assign_guardian(guardian)
    }

    /// Stops deposits.
    ///
    /// Errors: `NotGuardian` (caller neither guardian nor owner), `VaultPaused`.
    pub fn pause(&mut self) -> Result<(), VaultError> {
        self.set_paused(true)
    }

    /// Resumes deposits.
    ///
    /// Errors: `NotOwner`, `VaultNotPaused`.
    pub fn unpause(&mut self) -> Result<(), VaultError> {
        self.set_paused(false)
    }

    /// Lists `token` as collateral or changes its parameters: `oracle` a Chainlink
    /// `AggregatorV3` USD feed that must answer a fresh price now, `haircutBps` below 10,000,
    /// `depositCap` in token units (0 stops deposits), `heartbeat` in seconds (1 to 7 days).
    ///
    /// Errors: `NotRiskAdmin`, `NotAContract`, `InvalidHaircut`, `InvalidHeartbeat`,
    /// `TooManyCollaterals`, `TokenCallFailed`, `OracleCallFailed`, `UnsupportedDecimals`, and the
    /// price errors of the feed.
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
    ///
    /// Errors: `NotRiskAdmin`, `NotAContract`, `InvalidGracePeriod`.
    pub fn set_sequencer_feed(&mut self, feed: Address, grace_period: u32) -> Result<(), VaultError> {
        self.configure_sequencer_feed(feed, grace_period)
    }

    /// Every listed collateral token, in listing order.
    ///
    /// Returns `tokens`: the tokens.
    pub fn collateral_tokens(&self) -> Vec<Address> {
        self.listed_tokens()
    }

    /// A token's collateral parameters; all zero for a token that is not listed.
    ///
    /// Returns:
    /// - `oracle`: its Chainlink USD feed
    /// - `haircutBps`: the haircut in basis points
    /// - `depositCap`: the most that may be deposited, in token units
    /// - `heartbeat`: the feed's heartbeat, seconds
    /// - `totalDeposited`: what all accounts hold, in token units
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
    ///
    /// Returns `credited`: the amount credited, what the vault actually received (a
    /// fee-on-transfer token delivers less).
    ///
    /// Errors: `VaultPaused`, `ZeroAmount`, `CollateralNotListed`, `DepositCapExceeded`,
    /// `TokenCallFailed`, `NothingReceived`, `ArithmeticOverflow`.
    pub fn deposit(&mut self, token: Address, amount: U256) -> Result<U256, VaultError> {
        let account = self.vm().msg_sender();
        self.deposit_into(account, token, amount)
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
        self.deposit_into(account, token, amount)
    }

    /// Withdraws `amount` of `token` from the caller's balance to `to`. Once a clearinghouse is
    /// connected, the account's equity after it must stay at or above its initial margin, and the
    /// settlement token may be withdrawn beyond the balance: the rest becomes debt (borrowed
    /// against the account's other collateral and positions, and counted in full).
    ///
    /// Errors: `ZeroAmount`, `ZeroAddress`, `InsufficientBalance`, `InsufficientMargin`,
    /// `MarginCheckFailed`, `TokenCallFailed`, and the price errors of the account's tokens when
    /// a clearinghouse is connected.
    pub fn withdraw(&mut self, token: Address, amount: U256, to: Address) -> Result<(), VaultError> {
        self.withdraw_to(token, amount, to)
    }

    /// The account's balance of `token`.
    ///
    /// Returns `balance`: in token units.
    pub fn balance_of(&self, account: Address, token: Address) -> U256 {
        self.balances.getter(account).get(token)
    }

    /// The account's collateral value: balances after haircuts (none on the settlement token),
    /// each rounded down, minus settlement-token debt, rounded up.
    ///
    /// Returns `value`: USD with 18 decimals (negative when debt exceeds collateral).
    ///
    /// Errors: the sequencer and price errors of any token the account holds or owes.
    pub fn collateral_value(&self, account: Address) -> Result<I256, VaultError> {
        self.account_collateral_value(account)
    }

    /// Connects the clearinghouse (once): it may then call `settle`, and withdrawals need its
    /// margin check. `settlementToken` must be listed.
    ///
    /// Errors: `NotOwner`, `ClearinghouseAlreadySet`, `NotAContract`, `CollateralNotListed`.
    pub fn set_clearinghouse(
        &mut self,
        clearinghouse: Address,
        settlement_token: Address,
    ) -> Result<(), VaultError> {
        self.connect_clearinghouse(clearinghouse, settlement_token)
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
        self.settle_between(account, counterparty, amount)
    }

    /// The account's settlement-token debt.
    ///
    /// Returns `debt`: in settlement-token units.
    pub fn debt_of(&self, account: Address) -> U256 {
        self.debts.get(account)
    }
}

impl Vault {
    /// The token's oracle price in USD with 18 decimals, rounded down: the checked price every
    /// valuation uses. A Rust method, not exported on-chain (the program is at its size limit):
    /// read the token's Chainlink feed directly.
    /// Errors: `CollateralNotListed`, `SequencerDown`, `SequencerGracePeriod`, `OracleCallFailed`,
    /// `IncompleteRound`, `InvalidPrice`, `StalePrice`, `ArithmeticOverflow`.
    pub fn price(&self, token: Address) -> Result<U256, VaultError> {
        self.token_price(token)
    }
}
