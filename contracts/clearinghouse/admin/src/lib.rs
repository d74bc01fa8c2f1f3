//! `pm-clearinghouse-admin`: the clearinghouse's admin facet: initialisation, ownership, roles,
//! markets and approvals, trade bands and liquidation parameters (the writes of configuration;
//! the risk parameters are the parameters facet's). The core reaches it by delegatecall, so it
//! runs over the core's storage (`pm-clearinghouse` explains the eight programs).
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
use pm_clearinghouse::liquidation_plan::Params;
use pm_clearinghouse::{Clearinghouse, ClearinghouseError};
use stylus_sdk::prelude::*;

/// The admin facet: the clearinghouse's storage, nothing else.
#[storage]
#[entrypoint]
pub struct ClearinghouseAdmin {
    clearinghouse: Clearinghouse,
}

#[public]
impl ClearinghouseAdmin {
    /// Initialises the clearinghouse, once: the core's constructor delegatecalls it in the
    /// deployment transaction, so nobody else can. Sets the owner, the vault, the risk program,
    /// the views, accounts, trading, settlement, liquidation and parameters facets and the settlement token's decimals (at most 18; the token
    /// is worth one USD), with the default account-wide risk parameters.
    ///
    /// Errors: `NotThroughCore` (called at the admin facet's own address), `AlreadyInitialized`,
    /// `ZeroAddress`, `NotAContract`, `InvalidRiskParameters`
    /// (decimals above 18).
    #[allow(clippy::too_many_arguments)]
    pub fn initialize(
        &mut self,
        owner: Address,
        vault: Address,
        risk_program: Address,
        views_facet: Address,
        accounts_facet: Address,
        trading_facet: Address,
        settlement_facet: Address,
        liquidation_facet: Address,
        parameters_facet: Address,
        settlement_decimals: u8,
    ) -> Result<(), ClearinghouseError> {
        self.clearinghouse.initialize(
            owner,
            vault,
            risk_program,
            views_facet,
            accounts_facet,
            trading_facet,
            settlement_facet,
            liquidation_facet,
            parameters_facet,
            settlement_decimals,
        )
    }

    /// Starts a two-step ownership transfer: `newOwner` must then call `acceptOwnership`. The
    /// zero address cancels a pending transfer.
    ///
    /// Errors: `NotOwner`.
    pub fn transfer_ownership(&mut self, new_owner: Address) -> Result<(), ClearinghouseError> {
        self.clearinghouse.transfer_ownership(new_owner)
    }

    /// Completes an ownership transfer: the caller, named by `transferOwnership`, becomes the
    /// owner.
    ///
    /// Errors: `NotPendingOwner`.
    pub fn accept_ownership(&mut self) -> Result<(), ClearinghouseError> {
        self.clearinghouse.accept_ownership()
    }

    /// Sets the risk admin, who lists underlyings and sets risk parameters (zero removes it).
    ///
    /// Errors: `NotOwner`.
    pub fn set_risk_admin(&mut self, risk_admin: Address) -> Result<(), ClearinghouseError> {
        self.clearinghouse.set_risk_admin(risk_admin)
    }

    /// Sets the risk oracle, who posts the implied vols and the correlation matrix (zero removes
    /// it).
    ///
    /// Errors: `NotOwner`.
    pub fn set_risk_oracle(&mut self, risk_oracle: Address) -> Result<(), ClearinghouseError> {
        self.clearinghouse.set_risk_oracle(risk_oracle)
    }

    /// Authorises a market contract to update positions and settle, or revokes it.
    ///
    /// Errors: `NotOwner`, `NotAContract`.
    pub fn set_market(&mut self, market: Address, authorised: bool) -> Result<(), ClearinghouseError> {
        self.clearinghouse.set_market(market, authorised)
    }

    /// Sets the most `market`'s `settle` (fees, funding) may move per hour, in either direction,
    /// in settlement-token units; 0, the default, refuses any.
    ///
    /// Errors: `NotOwner`.
    pub fn set_settle_cap(&mut self, market: Address, cap: U256) -> Result<(), ClearinghouseError> {
        self.clearinghouse.set_settle_cap(market, cap)
    }

    /// Lets `market` trade for the caller, or revokes that.
    pub fn approve_market(&mut self, market: Address, approved: bool) {
        self.clearinghouse.approve_market(market, approved)
    }

    /// Sets the liquidation parameters (fractions with 18 decimals): `maxDiscount`, the largest
    /// discount rate, in (0, 50%] (default 10%); `targetBuffer`, how far above maintenance a
    /// liquidation leaves the account, in (0, 100%] (10%); `fundShare`, the insurance fund's
    /// share of a discount, in [0, 100%] (25%); `minReward`, the least a keeper earns of the
    /// margin it takes over (the fund pays the rest), in [0, maxDiscount] (1%).
    ///
    /// Errors: `NotRiskAdmin`, `InvalidLiquidationParams`.
    pub fn set_liquidation_params(
        &mut self,
        max_discount: i128,
        target_buffer: i128,
        fund_share: i128,
        min_reward: i128,
    ) -> Result<(), ClearinghouseError> {
        self.clearinghouse.set_liquidation_params(Params {
            max_discount,
            target_buffer,
            fund_share,
            min_reward,
        })
    }

    /// Sets how far a trade price may lie from the engine's mark on underlying `underlying`, as
    /// fractions of its price (18 decimals, each in (0, 50%]): `futureBand` for perps and
    /// futures (around the price), `optionBand` for options (around the Black-76 premium at the
    /// posted vol). Until set, only trades at the mark pass.
    ///
    /// Errors: `NotRiskAdmin`, `UnknownUnderlying`, `InvalidTradeBand`.
    pub fn set_trade_bands(
        &mut self,
        underlying: u8,
        future_band: i128,
        option_band: i128,
    ) -> Result<(), ClearinghouseError> {
        self.clearinghouse
            .set_trade_bands(underlying, future_band, option_band)
    }
}
