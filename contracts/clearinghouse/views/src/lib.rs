//! `pm-clearinghouse-views`: the clearinghouse's views facet: ownership and configuration,
//! markets, underlyings and their trade bands, an account's positions, its risk by underlying,
//! the packed request its margin check sends, the insurance fund, and the risk parameters in
//! force with the risk oracle's bounds and the ramps under way. The core reaches it by
//! delegatecall, so it runs over the core's storage (`pm-clearinghouse` explains the programs).
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

use alloy_primitives::{Address, Bytes, U256};
use pm_clearinghouse::{
    Clearinghouse, ClearinghouseError, ConfigTuple, OracleBoundsTuple, RampTuple, RiskByUnderlying,
    UnderlyingTuple,
};
use stylus_sdk::prelude::*;

/// The views facet: the clearinghouse's storage, nothing else.
#[storage]
#[entrypoint]
pub struct ClearinghouseViews {
    clearinghouse: Clearinghouse,
}

#[public]
impl ClearinghouseViews {
    /// The owner: sets the roles, authorises markets, and transfers ownership.
    ///
    /// Returns `currentOwner`: the owner's address.
    pub fn owner(&self) -> Address {
        self.clearinghouse.owner()
    }

    /// The address `transferOwnership` named, until it accepts.
    ///
    /// Returns `successor`: that address (zero when no transfer is pending).
    pub fn pending_owner(&self) -> Address {
        self.clearinghouse.pending_owner()
    }

    /// The clearinghouse's configuration.
    ///
    /// Returns:
    /// - `riskAdmin`: lists underlyings and sets risk parameters (zero when unset)
    /// - `riskOracle`: posts the implied vols and the correlation matrix (zero when unset)
    /// - `vault`: the vault holding the collateral
    /// - `riskProgram`: the stateless risk program every margin check calls
    /// - `adminFacet`: the program that runs the admin functions (by delegatecall from the core)
    /// - `viewsFacet`: the program that runs these views
    /// - `accountsFacet`: the program that runs withdrawable amounts and the liquidation quote
    /// - `tradingFacet`: the program that runs position changes
    /// - `settlementFacet`: the program that runs a market's cash, settlement prices, expiry and
    ///   reference prices
    /// - `liquidationFacet`: the program that runs liquidation
    /// - `parametersFacet`: the program that runs the risk parameters, the risk oracle and ramps
    /// - `settlementDecimals`: the settlement token's decimals
    pub fn config(&self) -> ConfigTuple {
        self.clearinghouse.config()
    }

    /// `market`'s settle budget: the most its `settle` may move per hour, in either direction
    /// (the meter drains at the cap per hour), and what it may still move now.
    ///
    /// Returns:
    /// - `cap`: settlement-token units per hour (0: `settle` refused)
    /// - `available`: settlement-token units
    pub fn settle_cap(&self, market: Address) -> (U256, U256) {
        self.clearinghouse.settle_cap(market)
    }

    /// Whether `market` may act for `account`.
    ///
    /// Returns:
    /// - `authorised`: the owner authorised the market
    /// - `approved`: the account approved it
    pub fn market_status(&self, market: Address, account: Address) -> (bool, bool) {
        self.clearinghouse.market_status(market, account)
    }

    /// Listed underlying `index`.
    ///
    /// Returns:
    /// - `feed`: its Chainlink USD feed
    /// - `heartbeat`: the feed's heartbeat, seconds
    /// - `volMaxAge`: the longest age of a posted vol, seconds
    /// - `vol`: the last posted implied vol, 18 decimals (0 before the first)
    /// - `volPostedAt`: when it was posted, unix seconds
    ///
    /// Errors: `UnknownUnderlying`.
    pub fn underlying(&self, index: u8) -> Result<UnderlyingTuple, ClearinghouseError> {
        self.clearinghouse.underlying(index)
    }

    /// Underlying `underlying`'s trade bands: how far a trade price may lie from the engine's
    /// mark, as fractions of the underlying's price (18 decimals; 0 until set).
    ///
    /// Returns:
    /// - `futureBand`: perps and futures
    /// - `optionBand`: options' premiums
    pub fn trade_bands(&self, underlying: u8) -> (i128, i128) {
        self.clearinghouse.trade_bands(underlying)
    }

    /// The liquidation parameters in force (the defaults until the risk admin sets them).
    ///
    /// Returns:
    /// - `maxDiscount`: the largest discount rate, of the maintenance margin taken over (18 decimals)
    /// - `targetBuffer`: how far above maintenance a liquidation leaves the account (18 decimals)
    /// - `fundShare`: the insurance fund's share of a discount (18 decimals)
    /// - `minReward`: the least a keeper earns of the margin it takes over (18 decimals)
    pub fn liquidation_params(&self) -> (i128, i128, i128, i128) {
        let p = self.clearinghouse.liquidation_params();
        (p.max_discount, p.target_buffer, p.fund_share, p.min_reward)
    }

    /// How many underlyings are listed.
    ///
    /// Returns `count`: the listed underlyings are indices 0 to `count` − 1.
    pub fn underlying_count(&self) -> u8 {
        self.clearinghouse.underlying_count()
    }

    /// The id of a perp (kind 0), future (1), call (2) or put (3) on `underlying`; `expiry` in
    /// unix seconds, `strike` in USD with 8 decimals. Pure: ids describe instruments, nothing is
    /// stored.
    ///
    /// Returns `instrument`: the id (underlying, kind, expiry and strike packed in 128 bits).
    pub fn instrument_id(&self, underlying: u8, kind: u8, expiry: u64, strike: u128) -> u128 {
        self.clearinghouse.instrument_id(underlying, kind, expiry, strike)
    }

    /// The account's positions, in storage order.
    ///
    /// Returns:
    /// - `instruments`: the instrument ids
    /// - `sizes`: the sizes, units with 18 decimals (negative: short)
    pub fn positions(&self, account: Address) -> (Vec<u128>, Vec<i128>) {
        self.clearinghouse.positions(account)
    }

    /// The account's risk in each underlying it holds, ascending. 18 decimals throughout.
    ///
    /// Returns:
    /// - `underlyings`: the underlying indices
    /// - `deltas`: net delta, units of the underlying
    /// - `gammas`: net gamma as Γ·F, the change of net delta for a 100% price move
    /// - `vegas`: net vega, USD per 1.00 of volatility
    /// - `worstLosses`: the worst scenario's loss, USD
    /// - `worstMoves`: the worst scenario's price move, a fraction of the price
    /// - `worstVolStates`: the worst scenario's vol state (0 unchanged, 1 up, 2 down)
    /// - `scanRanges`: the scan range, a fraction of the price
    ///
    /// Errors: those of `accountMargin`.
    pub fn risk_by_underlying(&self, account: Address) -> Result<RiskByUnderlying, ClearinghouseError> {
        self.clearinghouse.risk_by_underlying(account)
    }

    /// The data contract whose code is the parameter table every margin check reads, published
    /// at each change of what it holds: `INVALID`, the risk program, the vault, the grid levels and the nine
    /// account-wide scalars, the count of listed underlyings, per underlying its feed word, its
    /// vol word and its oracle add-on and nine parameters, then the correlations above the
    /// diagonal; the parameters and correlations as the risk request carries them
    /// (`pm_clearinghouse::param_table`).
    ///
    /// Returns `table`: its address.
    pub fn param_table(&self) -> Address {
        self.clearinghouse.param_table()
    }

    /// The packed risk request of the account's book (`pm_risk::wire`), exactly as a margin
    /// check sends it to the risk program: replay it off-chain with `pm-risk`.
    ///
    /// Returns `request`: the packed bytes.
    ///
    /// Errors: `VaultCallFailed`, `ParamTableUnavailable`, and the price and vol errors of the
    /// book's underlyings.
    pub fn risk_request(&self, account: Address) -> Result<Bytes, ClearinghouseError> {
        self.clearinghouse.risk_request(account)
    }

    /// The insurance fund.
    ///
    /// Returns:
    /// - `fund`: its account in the vault (anyone may deposit for it)
    /// - `balance`: its settlement-token balance (token units)
    /// - `badDebt`: what liquidations left that the fund could not pay, socialised (token units,
    ///   in total since deployment)
    ///
    /// Errors: `VaultCallFailed`.
    pub fn insurance_fund(&self) -> Result<(Address, U256, U256), ClearinghouseError> {
        self.clearinghouse.insurance_fund()
    }

    /// The ramp of parameter group `group` (an underlying's index; 16: the account-wide scalars).
    ///
    /// Returns:
    /// - `applied`: how many seconds of it are applied
    /// - `duration`: its length, seconds (whole when `applied` equals it; 0 when none was
    ///   started or the last change was to the values in force, `target` then stale)
    /// - `advancedAt`: when it was last advanced (unix seconds)
    /// - `target`: the ten values it ends at, in storage order (an underlying's oracle add-on and
    ///   nine parameters; the vol floor, the grid levels and the other eight scalars)
    ///
    /// Errors: `UnknownRamp`.
    pub fn ramp(&self, group: u8) -> Result<RampTuple, ClearinghouseError> {
        self.clearinghouse.ramp(group)
    }

    /// The risk oracle's bounds in force.
    ///
    /// Returns:
    /// - `volStep`: the largest relative move of a vol per update (18 decimals)
    /// - `correlationStep`: the largest move of a correlation per update (18 decimals)
    /// - `minGap`: the least time between updates (seconds)
    /// - `rampDuration`: how long a change of the risk parameters takes to ramp in (seconds)
    /// - `updatedAt`: when the last update was posted (unix seconds; 0: none yet)
    pub fn risk_oracle_bounds(&self) -> OracleBoundsTuple {
        self.clearinghouse.risk_oracle_bounds()
    }

    /// The risk parameters in force, as the margin checks read them.
    ///
    /// Returns:
    /// - `gridLevels`: the price levels of the scan
    /// - `scalars`: the nine account-wide scalars in wire order (18 decimals)
    /// - `correlations`: the matrix of the listed underlyings above its diagonal, row by row
    pub fn risk_params(&self) -> (u8, [i128; 9], Vec<i128>) {
        self.clearinghouse.risk_params()
    }
}
