//! `pm-clearinghouse-parameters`: the clearinghouse's parameters facet: the risk parameters and
//! who may change them how. The risk admin lists underlyings and sets parameters, which ramp in
//! over the ramp duration (`pm_clearinghouse::ramps`); the risk oracle posts the vols and the
//! correlation matrix in bounded updates (`pm_clearinghouse::oracle_rules`); the owner sets the
//! bounds; anyone advances the ramps (the views facet shows what is in force: `riskParams`,
//! `riskOracleBounds`, `ramp`). The core reaches it by
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

use alloy_primitives::Address;
use pm_clearinghouse::{Clearinghouse, ClearinghouseError};
use stylus_sdk::prelude::*;

/// The parameters facet: the clearinghouse's storage, nothing else.
#[storage]
#[entrypoint]
pub struct ClearinghouseParameters {
    clearinghouse: Clearinghouse,
}

#[public]
impl ClearinghouseParameters {
    /// Lists underlying `index` (the next free index) or changes a listed one: a Chainlink USD
    /// `feed` with its `heartbeat` and the longest age `volMaxAge` of a posted vol (seconds, 1 to
    /// 7 days), the oracle add-on fraction and the nine `pm_risk::UnderlyingParams` in wire
    /// order (scan floor, vol multiple, horizon, vol up, vol down, tenor exponent, liquidity,
    /// concentration rate, short-option minimum), all with 18 decimals. The feed must answer a
    /// usable price now and the risk program must accept the parameters. A new underlying takes
    /// them at once and has no vol until the risk oracle's next update; a listed one's feed and
    /// ages change at once and its parameters ramp in over the ramp duration (`ramp`).
    /// `volMaxAge` must exceed the risk oracle's least gap between updates.
    ///
    /// Errors: `NotRiskAdmin`, `UnknownUnderlying`, `TooManyUnderlyings`, `InvalidHeartbeat`,
    /// `VolAgeWithinGap`, `NotAContract`, `OracleCallFailed`, the feed's price errors,
    /// `InvalidRiskParameters`.
    pub fn set_underlying(
        &mut self,
        index: u8,
        feed: Address,
        heartbeat: u32,
        vol_max_age: u32,
        oracle_addon: i128,
        params: [i128; 9],
    ) -> Result<(), ClearinghouseError> {
        self.clearinghouse
            .set_underlying(index, feed, heartbeat, vol_max_age, oracle_addon, params)
    }

    /// Sets the grid levels and the nine account-wide scalars in wire order (extreme multiple,
    /// extreme fraction, max down move, w_up, w_down, break factor, mm factor, im ratio, vol
    /// floor; 18 decimals). The risk program must accept them; they ramp in over the ramp
    /// duration (group 16 of `ramp`; the grid levels switch at its end).
    ///
    /// Errors: `NotRiskAdmin`, `InvalidRiskParameters`.
    pub fn set_risk_params(&mut self, grid_levels: u8, scalars: [i128; 9]) -> Result<(), ClearinghouseError> {
        self.clearinghouse.set_risk_params(grid_levels, scalars)
    }

    /// Posts the risk surface, stamped now: `vols`, the implied vol of every listed underlying in
    /// index order (18 decimals, 1% to 500%; 0 keeps one never posted unposted), and
    /// `correlations`, the matrix above its diagonal
    /// row by row. Each vol moves by at most the vol step (relative, each way) and each
    /// correlation by at most the correlation step from the one in force (an underlying never
    /// posted takes any), the update comes at least the least gap after the last, and the matrix
    /// must be positive semi-definite (`riskOracleBounds`).
    ///
    /// Errors: `NotRiskOracle`, `LengthMismatch`, `RiskUpdateTooSoon`, `InvalidVolatility`,
    /// `VolatilityStepTooLarge`, `CorrelationStepTooLarge`, `InvalidRiskParameters` (e.g. a
    /// matrix that is not positive semi-definite: code 15).
    pub fn post_risk_update(
        &mut self,
        vols: Vec<i128>,
        correlations: Vec<i128>,
    ) -> Result<(), ClearinghouseError> {
        self.clearinghouse.post_risk_update(vols, correlations)
    }

    /// Sets the risk oracle's bounds and the ramp duration: `volStep` (relative) and
    /// `correlationStep` (absolute), 18 decimals; `minGap`, the least time between updates, and
    /// `rampDuration`, seconds. 0 selects a default (50%, 0.25, 300 s, one day).
    ///
    /// Errors: `NotOwner`, `InvalidOracleBounds` (negative, or beyond 1,000%, 2, one day, thirty
    /// days), `VolAgeWithinGap` (a listed underlying's vols would go stale within the gap).
    pub fn set_risk_oracle_bounds(
        &mut self,
        vol_step: i128,
        correlation_step: i128,
        min_gap: i128,
        ramp_duration: i128,
    ) -> Result<(), ClearinghouseError> {
        self.clearinghouse
            .set_risk_oracle_bounds(vol_step, correlation_step, min_gap, ramp_duration)
    }

    /// Moves every parameter change under way along its ramp: by the time since the last call,
    /// at most an hour's worth (a ramp nobody advances takes longer; it never jumps). Anyone may
    /// call it (keepers do, at least hourly: time beyond an hour between two calls is not made
    /// up).
    ///
    /// Returns `underWay`: how many ramps were under way.
    ///
    /// Errors: `NotThroughCore` (called at the facet's own address).
    pub fn advance_ramps(&mut self) -> Result<u8, ClearinghouseError> {
        self.clearinghouse.advance_ramps()
    }
}
