//! The admin facet's ABI: roles, markets, approvals, underlyings, risk parameters and their
//! views, and the keepers' expiry settlement. The core reaches it by delegatecall, so it runs
//! over the core's storage; what it does not route goes on to the views facet.

use alloc::vec::Vec;

use alloy_primitives::Address;
use stylus_sdk::{prelude::*, ArbResult};

use crate::config;
use crate::errors::ClearinghouseError;
use crate::instrument::{id_of, Spec};
use crate::storage::Clearinghouse;
use crate::words;

/// The admin facet: roles, markets, approvals, underlyings, risk parameters and their views.
/// Built with the `admin` feature as its own program; the core reaches it by delegatecall.
#[public]
impl Clearinghouse {
    /// (owner, riskAdmin, volOracle, vault, riskProgram, adminFacet, viewsFacet, settlementDecimals).
    #[allow(clippy::type_complexity)]
    pub fn config(&self) -> (Address, Address, Address, Address, Address, Address, Address, u8) {
        (
            self.owner.get(),
            self.risk_admin.get(),
            self.vol_oracle.get(),
            self.vault.get(),
            self.risk_program.get(),
            self.admin_facet.get(),
            self.views_facet.get(),
            self.settlement_decimals.get().to(),
        )
    }

    /// Sets the risk admin, who lists underlyings and sets risk parameters. Errors: `NotOwner`.
    pub fn set_risk_admin(&mut self, risk_admin: Address) -> Result<(), ClearinghouseError> {
        self.assign_risk_admin(risk_admin)
    }

    /// Sets the volatility oracle, who posts implied vols. Errors: `NotOwner`.
    pub fn set_vol_oracle(&mut self, vol_oracle: Address) -> Result<(), ClearinghouseError> {
        self.assign_vol_oracle(vol_oracle)
    }

    /// Authorises a market contract to update positions and settle, or revokes it.
    /// Errors: `NotOwner`, `NotAContract`.
    pub fn set_market(&mut self, market: Address, authorised: bool) -> Result<(), ClearinghouseError> {
        self.authorise_market(market, authorised)
    }

    /// Lets `market` trade for the caller, or revokes that.
    pub fn approve_market(&mut self, market: Address, approved: bool) {
        self.approve(market, approved)
    }

    /// (authorised by the owner, approved by `account`).
    pub fn market_status(&self, market: Address, account: Address) -> (bool, bool) {
        (
            self.markets.get(market),
            self.approvals.getter(account).get(market),
        )
    }

    /// Lists underlying `index` (the next free index) or changes a listed one: a Chainlink USD
    /// `feed` with its `heartbeat` and the longest age `vol_max_age` of a posted vol (seconds,
    /// 1..=7 days), the oracle add-on fraction and the eight `pm_risk::UnderlyingParams` in wire
    /// order (scan floor, vol multiple, horizon, vol up, vol down, tenor exponent, liquidity,
    /// concentration rate), all with 18 decimals. Errors: `NotRiskAdmin`, `UnknownUnderlying`,
    /// `TooManyUnderlyings`, `InvalidHeartbeat`, `NotAContract`, the feed's price errors,
    /// `InvalidRiskParameters`.
    pub fn set_underlying(
        &mut self,
        index: u8,
        feed: Address,
        heartbeat: u32,
        vol_max_age: u32,
        oracle_addon: i128,
        params: [i128; 8],
    ) -> Result<(), ClearinghouseError> {
        self.configure_underlying(
            usize::from(index),
            feed,
            heartbeat,
            vol_max_age,
            oracle_addon,
            params,
        )
    }

    /// Sets the grid levels, the eight account-wide scalars in wire order (extreme multiple,
    /// extreme fraction, max down move, w_up, w_down, break factor, mm factor, im ratio) and the
    /// correlations above the diagonal, row by row, of the listed underlyings (18 decimals).
    /// Errors: `NotRiskAdmin`, `LengthMismatch`, `InvalidRiskParameters` (e.g. a matrix that is
    /// not positive semi-definite: code 15).
    pub fn set_risk_params(
        &mut self,
        grid_levels: u8,
        scalars: [i128; 8],
        correlations: Vec<i128>,
    ) -> Result<(), ClearinghouseError> {
        self.configure_risk_params(grid_levels, scalars, correlations)
    }

    /// Posts the implied vol of an underlying (18 decimals, 1%..=500%). Errors: `NotVolOracle`,
    /// `InvalidVolatility`, `UnknownUnderlying`.
    pub fn post_volatility(&mut self, underlying: u8, vol: i128) -> Result<(), ClearinghouseError> {
        self.post_vol(usize::from(underlying), vol)
    }

    /// Underlying `index`: (feed, heartbeat, volMaxAge, vol, volPostedAt).
    pub fn underlying(&self, index: u8) -> Result<(Address, u32, u32, i128, u64), ClearinghouseError> {
        let u = self
            .underlyings
            .getter(usize::from(index))
            .ok_or_else(|| config::unknown(usize::from(index)))?;
        let (vol, posted) = words::halves(u.market.get());
        Ok((
            u.feed.get(),
            u.heartbeat.get().to(),
            u.vol_max_age.get().to(),
            vol,
            u64::try_from(posted).unwrap_or(0),
        ))
    }

    /// How many underlyings are listed.
    pub fn underlying_count(&self) -> u8 {
        self.underlyings.len() as u8
    }

    /// The instrument id of a perp (kind 0), future (1), call (2) or put (3) on `underlying`;
    /// `strike` in USD with 8 decimals. Pure: ids describe instruments, nothing is stored.
    pub fn instrument_id(&self, underlying: u8, kind: u8, expiry: u64, strike: u128) -> u128 {
        id_of(&Spec {
            underlying,
            kind,
            expiry,
            strike,
        })
    }

    /// Settles `account`'s expired futures and options at their underlyings' feed prices now and
    /// removes them; anyone may call (keepers do, right after expiry). Returns how many settled.
    /// Errors: the price errors of a feed, `VaultCallFailed`.
    pub fn settle_expired(&mut self, account: Address) -> Result<u32, ClearinghouseError> {
        self.settle_expired_positions(account)
    }

    /// Every selector the admin facet does not route goes on to the views facet, by delegatecall
    /// again, so it still runs over the core's storage.
    #[fallback]
    pub fn fallback(&mut self, calldata: &[u8]) -> ArbResult {
        let facet = self.views_facet.get();
        self.delegate(facet, calldata)
    }
}
