//! `pm-risk`: correlation-aware portfolio margin in integer fixed point.
//!
//! `no_std`, no floating point, no panics: every failure is a [`RiskError`]. No allocation but
//! in the `alloc` feature's wire format and shared pricing (`shared`, for keepers).
//! Units: [`fixed::Wad`] (18 decimals) for prices, sizes, vols, fractions and years;
//! [`fixed::Usd`] (6 decimals) for money.
#![cfg_attr(not(test), no_std)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::float_arithmetic
)]

#[cfg(feature = "alloc")]
extern crate alloc;

pub mod error;
pub mod fixed;
pub mod math;
pub mod q64;
pub mod wide;

pub use error::{Result, RiskError};
pub mod black76;
pub mod margin;
pub mod option_setup;
pub mod params;
pub mod portfolio;
pub mod product_sum;
#[cfg(feature = "alloc")]
pub mod shared;
pub mod units;
#[cfg(feature = "alloc")]
pub mod wire;

pub use margin::{
    liquidation, margin, margin_in, mark, Liquidation, MarginReport, Scenario, UnderlyingRisk, VolState,
    Workspace,
};
pub use params::{defaults, RiskParams, UnderlyingParams, MAX_POSITIONS, MAX_UNDERLYINGS};
pub use portfolio::{Account, Instrument, Market, Position, Underlying};
#[cfg(feature = "alloc")]
pub use shared::{margin_shared, SharedValues};
