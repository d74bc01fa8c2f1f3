//! `pm-engine`: the portfolio-margin engine's Stylus programs.
//!
//! This program is the **collateral vault**: listed ERC-20 collateral with haircuts and Chainlink
//! prices, per-account balances, deposits and margin-checked withdrawals, owner / risk admin /
//! guardian roles and a pause. Storage layout: [`storage`]. Errors: [`errors`]. Events: [`events`].
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
pub mod external;
pub mod storage;
pub mod valuation;

mod access;
mod account;
mod collateral;
mod oracle;
mod settlement;
mod token;

use alloc::vec::Vec;

use alloy_primitives::{Address, I256, U256};
use stylus_sdk::prelude::*;

use crate::errors::EngineError;
pub use crate::storage::Vault;

#[public]
impl Vault {
    /// Sets the owner once, at deployment. Errors: `ZeroAddress`.
    #[constructor]
    pub fn constructor(&mut self, owner: Address) -> Result<(), EngineError> {
        self.init_owner(owner)
    }

    /// The owner: manages roles and unpauses.
    pub fn owner(&self) -> Address {
        self.owner.get()
    }

    /// The address `transferOwnership` named, until it accepts.
    pub fn pending_owner(&self) -> Address {
        self.pending_owner.get()
    }

    /// The risk admin: lists collateral and sets risk parameters.
    pub fn risk_admin(&self) -> Address {
        self.risk_admin.get()
    }

    /// The guardian: may pause.
    pub fn guardian(&self) -> Address {
        self.guardian.get()
    }

    /// Whether deposits are stopped.
    pub fn paused(&self) -> bool {
        self.paused.get()
    }

    /// Starts a two-step ownership transfer; `new_owner` must call `acceptOwnership`.
    /// The zero address cancels a pending transfer. Errors: `NotOwner`.
    pub fn transfer_ownership(&mut self, new_owner: Address) -> Result<(), EngineError> {
        self.start_ownership_transfer(new_owner)
    }

    /// Completes an ownership transfer. Errors: `NotPendingOwner`.
    pub fn accept_ownership(&mut self) -> Result<(), EngineError> {
        self.finish_ownership_transfer()
    }

    /// Sets the risk admin (zero removes it). Errors: `NotOwner`.
    pub fn set_risk_admin(&mut self, risk_admin: Address) -> Result<(), EngineError> {
        self.assign_risk_admin(risk_admin)
    }

    /// Sets the guardian (zero removes it). Errors: `NotOwner`.
    pub fn set_guardian(&mut self, guardian: Address) -> Result<(), EngineError> {
        self.assign_guardian(guardian)
    }

    /// Stops deposits. Errors: `NotGuardian` (caller neither guardian nor owner), `EnginePaused`.
    pub fn pause(&mut self) -> Result<(), EngineError> {
        self.set_paused(true)
    }

    /// Resumes deposits. Errors: `NotOwner`, `EngineNotPaused`.
    pub fn unpause(&mut self) -> Result<(), EngineError> {
        self.set_paused(false)
    }

    /// Lists `token` as collateral or changes its parameters: `oracle` a Chainlink `AggregatorV3`
    /// USD feed that must answer a fresh price now, `haircut_bps` < 10,000, `deposit_cap` in token
    /// units (0 stops deposits), `heartbeat` in seconds (1..=7 days).
    /// Errors: `NotRiskAdmin`, `NotAContract`, `InvalidHaircut`, `InvalidHeartbeat`,
    /// `TooManyCollaterals`, `TokenCallFailed`, `OracleCallFailed`, `UnsupportedDecimals`, and the
    /// price errors of `price`.
    pub fn set_collateral(
        &mut self,
        token: Address,
        oracle: Address,
        haircut_bps: u16,
        deposit_cap: U256,
        heartbeat: u32,
    ) -> Result<(), EngineError> {
        self.configure_collateral(token, oracle, haircut_bps, deposit_cap, heartbeat)
    }

    /// Sets the Chainlink L2 sequencer-uptime feed (zero disables the check) and the grace period
    /// in seconds (at most 1 day) after a restart during which prices are not trusted.
    /// Errors: `NotRiskAdmin`, `NotAContract`, `InvalidGracePeriod`.
    pub fn set_sequencer_feed(&mut self, feed: Address, grace_period: u32) -> Result<(), EngineError> {
        self.configure_sequencer_feed(feed, grace_period)
    }

    /// The sequencer-uptime feed and its grace period in seconds.
    pub fn sequencer_feed(&self) -> (Address, u32) {
        (
            self.sequencer_feed.get(),
            self.sequencer_grace.get().saturating_to(),
        )
    }

    /// Every listed collateral token, in listing order.
    pub fn collateral_tokens(&self) -> Vec<Address> {
        self.listed_tokens()
    }

    /// A token's parameters: (oracle, haircutBps, depositCap, heartbeat, totalDeposited).
    /// All zero for a token that is not listed.
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

    /// Deposits `amount` of `token` for the caller; returns the amount credited (what arrived).
    /// Errors: `EnginePaused`, `ZeroAmount`, `CollateralNotListed`, `DepositCapExceeded`,
    /// `TokenCallFailed`, `NothingReceived`, `ArithmeticOverflow`.
    pub fn deposit(&mut self, token: Address, amount: U256) -> Result<U256, EngineError> {
        let account = self.vm().msg_sender();
        self.deposit_into(account, token, amount)
    }

    /// Deposits `amount` of `token`, paid by the caller, into `account`; returns the amount
    /// credited. Errors: those of `deposit`, and `ZeroAddress`.
    pub fn deposit_for(
        &mut self,
        account: Address,
        token: Address,
        amount: U256,
    ) -> Result<U256, EngineError> {
        self.deposit_into(account, token, amount)
    }

    /// Withdraws `amount` of `token` from the caller's balance to `to`. Once a clearinghouse is
    /// connected, the account's equity after it must stay at or above its initial margin, and the
    /// settlement token may be withdrawn beyond the balance: the rest becomes debt (borrowed
    /// against the account's other collateral and positions, and counted in full).
    /// Errors: `ZeroAmount`, `ZeroAddress`, `InsufficientBalance`, `InsufficientMargin`,
    /// `MarginCheckFailed`, `TokenCallFailed`, and the price errors of `price` when a clearinghouse
    /// is connected.
    pub fn withdraw(&mut self, token: Address, amount: U256, to: Address) -> Result<(), EngineError> {
        self.withdraw_to(token, amount, to)
    }

    /// The account's balance of `token`, in token units.
    pub fn balance_of(&self, account: Address, token: Address) -> U256 {
        self.balances.getter(account).get(token)
    }

    /// The account's collateral value in USD with 18 decimals: balances after haircuts (none on
    /// the settlement token), each rounded down, minus settlement-token debt, rounded up.
    /// Errors: the price errors of `price` for any token the account holds or owes.
    pub fn collateral_value(&self, account: Address) -> Result<I256, EngineError> {
        self.account_collateral_value(account)
    }

    /// Connects the clearinghouse (once): it may call `settle`, and withdrawals then need its
    /// margin check. `settlement_token` must be listed. Errors: `NotOwner`, `ClearinghouseAlreadySet`,
    /// `ZeroAddress`, `NotAContract`, `CollateralNotListed`.
    pub fn set_clearinghouse(
        &mut self,
        clearinghouse: Address,
        settlement_token: Address,
    ) -> Result<(), EngineError> {
        self.connect_clearinghouse(clearinghouse, settlement_token)
    }

    /// The clearinghouse and the settlement token (zero until connected).
    pub fn clearinghouse(&self) -> (Address, Address) {
        (self.clearinghouse.get(), self.settlement_token.get())
    }

    /// Moves `amount` settlement-token units from `counterparty` to `account` (negative: the other
    /// way); a balance that runs out becomes debt. Errors: `NotClearinghouse`, `ZeroAddress`,
    /// `ArithmeticOverflow`.
    pub fn settle(
        &mut self,
        account: Address,
        counterparty: Address,
        amount: I256,
    ) -> Result<(), EngineError> {
        self.settle_between(account, counterparty, amount)
    }

    /// The account's settlement-token debt, in token units.
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
    pub fn price(&self, token: Address) -> Result<U256, EngineError> {
        self.token_price(token)
    }
}
