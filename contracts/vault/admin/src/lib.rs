//! `pm-vault-admin`: the vault's admin facet: ownership, roles, the pause, listing collateral,
//! the sequencer feed, connecting the clearinghouse, and the configuration views. The core
//! reaches it by delegatecall, so it runs over the core's storage (`pm-vault` explains the
//! programs); called at its own address, every function that writes refuses (`NotThroughCore`).
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
use pm_vault::{Facet, Vault};
use stylus_sdk::prelude::*;

/// The admin facet: the vault's storage, nothing else.
#[storage]
#[entrypoint]
pub struct VaultAdmin {
    vault: Vault,
}

#[public]
impl VaultAdmin {
    /// The owner: manages roles, connects the clearinghouse and unpauses.
    ///
    /// Returns `currentOwner`: the owner's address.
    pub fn owner(&self) -> Address {
        self.vault.owner()
    }

    /// The address `transferOwnership` named, until it accepts.
    ///
    /// Returns `successor`: that address (zero when no transfer is pending).
    pub fn pending_owner(&self) -> Address {
        self.vault.pending_owner()
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
        self.vault.config()
    }

    /// Starts a two-step ownership transfer: `newOwner` must then call `acceptOwnership`. The
    /// zero address cancels a pending transfer.
    ///
    /// Errors: `NotThroughCore`, `NotOwner`.
    pub fn transfer_ownership(&mut self, new_owner: Address) -> Result<(), VaultError> {
        self.vault.through_core()?;
        self.vault.transfer_ownership(new_owner)
    }

    /// Completes an ownership transfer: the caller, named by `transferOwnership`, becomes the
    /// owner.
    ///
    /// Errors: `NotThroughCore`, `NotPendingOwner`.
    pub fn accept_ownership(&mut self) -> Result<(), VaultError> {
        self.vault.through_core()?;
        self.vault.accept_ownership()
    }

    /// Sets the risk admin (zero removes it).
    ///
    /// Errors: `NotThroughCore`, `NotOwner`.
    pub fn set_risk_admin(&mut self, risk_admin: Address) -> Result<(), VaultError> {
        self.vault.through_core()?;
        self.vault.set_risk_admin(risk_admin)
    }

    /// Sets the guardian (zero removes it).
    ///
    /// Errors: `NotThroughCore`, `NotOwner`.
    pub fn set_guardian(&mut self, guardian: Address) -> Result<(), VaultError> {
        self.vault.through_core()?;
        self.vault.set_guardian(guardian)
    }

    /// Stops deposits.
    ///
    /// Errors: `NotThroughCore`, `NotGuardian` (caller neither guardian nor owner), `VaultPaused`.
    pub fn pause(&mut self) -> Result<(), VaultError> {
        self.vault.through_core()?;
        self.vault.pause()
    }

    /// Resumes deposits.
    ///
    /// Errors: `NotThroughCore`, `NotOwner`, `VaultNotPaused`.
    pub fn unpause(&mut self) -> Result<(), VaultError> {
        self.vault.through_core()?;
        self.vault.unpause()
    }

    /// Lists `token` as collateral or changes its parameters: `oracle` a Chainlink
    /// `AggregatorV3` USD feed that must answer a fresh price now, `haircutBps` below 10,000,
    /// `depositCap` in token units (0 stops deposits), `heartbeat` in seconds (1 to 7 days); the
    /// token and the feed at most 36 decimals each, and 54 together (the feed's counted as at
    /// least 18). A listed token's new haircut ramps in linearly over a day (`haircutRamp`,
    /// `advanceHaircut`); a new token's applies at once.
    ///
    /// Errors: `NotThroughCore`, `NotRiskAdmin`, `NotAContract`, `InvalidHaircut`,
    /// `InvalidHeartbeat`, `TooManyCollaterals`, `TokenCallFailed`, `OracleCallFailed`,
    /// `UnsupportedDecimals`, `CollateralTableUnavailable`, and the price errors of the feed.
    pub fn set_collateral(
        &mut self,
        token: Address,
        oracle: Address,
        haircut_bps: u16,
        deposit_cap: U256,
        heartbeat: u32,
    ) -> Result<(), VaultError> {
        self.vault.through_core()?;
        self.vault
            .set_collateral(token, oracle, haircut_bps, deposit_cap, heartbeat)
    }

    /// Moves `token`'s haircut along its ramp: by the time since the last call, at most an hour's
    /// worth (a ramp nobody advances takes longer; it never jumps). Anyone may call it (keepers
    /// do, at least hourly: time beyond an hour between two calls is not made up).
    ///
    /// Returns `haircutBps`: the haircut in force after.
    ///
    /// Errors: `NotThroughCore`, `CollateralNotListed`, `CollateralTableUnavailable`.
    pub fn advance_haircut(&mut self, token: Address) -> Result<u16, VaultError> {
        self.vault.through_core()?;
        self.vault.advance_haircut(token)
    }

    /// `token`'s haircut ramp.
    ///
    /// Returns:
    /// - `fromBps`: the haircut it started from
    /// - `targetBps`: the haircut it ends at
    /// - `applied`: how many seconds of it are applied
    /// - `duration`: its length, seconds (whole when `applied` equals it; 0 when none was
    ///   started or the last change was to the haircut in force)
    pub fn haircut_ramp(&self, token: Address) -> (u16, u16, u64, u64) {
        self.vault.haircut_ramp(token)
    }

    /// Sets the Chainlink L2 sequencer-uptime feed (zero disables the check) and the grace period
    /// in seconds (at most 1 day) after a restart during which prices are not trusted.
    ///
    /// Errors: `NotThroughCore`, `NotRiskAdmin`, `NotAContract`, `InvalidGracePeriod`,
    /// `CollateralTableUnavailable`.
    pub fn set_sequencer_feed(&mut self, feed: Address, grace_period: u32) -> Result<(), VaultError> {
        self.vault.through_core()?;
        self.vault.set_sequencer_feed(feed, grace_period)
    }

    /// Every listed collateral token, in listing order.
    ///
    /// Returns `tokens`: the tokens.
    pub fn collateral_tokens(&self) -> Vec<Address> {
        self.vault.collateral_tokens()
    }

    /// The data contract whose code is the collateral table a valuation reads: the sequencer
    /// feed and its grace period, each listed token with its feed, heartbeat, haircut and
    /// decimals (layout: `pm_vault::collateral_table`). Every `setCollateral`, `setSequencerFeed`
    /// and `advanceHaircut` that moves a haircut publishes a new one (`CollateralTablePublished`).
    ///
    /// Returns `table`: its address (zero before the first listing or sequencer feed).
    pub fn collateral_table(&self) -> Address {
        self.vault.collateral_table()
    }

    /// A token's collateral parameters; all zero for a token that is not listed.
    ///
    /// Returns:
    /// - `oracle`: its Chainlink USD feed
    /// - `haircutBps`: the haircut in force, basis points (a change ramping in: `haircutRamp`)
    /// - `depositCap`: the most that may be deposited, in token units
    /// - `heartbeat`: the feed's heartbeat, seconds
    /// - `totalDeposited`: what all accounts hold, in token units
    pub fn collateral_config(&self, token: Address) -> (Address, u16, U256, u32, U256) {
        self.vault.collateral_config(token)
    }

    /// Connects the clearinghouse (once): it may then call `settle`, and withdrawals need its
    /// margin check. `settlementToken` must be listed.
    ///
    /// Errors: `NotThroughCore`, `NotOwner`, `ClearinghouseAlreadySet`, `NotAContract`, `CollateralNotListed`.
    pub fn set_clearinghouse(
        &mut self,
        clearinghouse: Address,
        settlement_token: Address,
    ) -> Result<(), VaultError> {
        self.vault.through_core()?;
        self.vault.set_clearinghouse(clearinghouse, settlement_token)
    }

    /// The program the core delegates the admin functions to.
    ///
    /// Returns `program`: the admin facet's address (zero at the facet's own address).
    pub fn admin_facet(&self) -> Address {
        self.vault.facet(Facet::Admin)
    }

    /// Socialised losses on the settlement token: the loss index its balances are scaled by, and
    /// the sum of every account's settlement-token debt.
    ///
    /// Returns:
    /// - `lossIndex`: 18 decimals; 1 until a debt is socialised, then lower
    /// - `totalDebt`: settlement-token units
    pub fn settlement_ledger(&self) -> (U256, U256) {
        self.vault.settlement_ledger()
    }
}
