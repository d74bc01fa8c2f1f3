//! `pm-clearinghouse`: the portfolio-margin engine's clearinghouse, as a library of storage and
//! logic that eight Stylus programs are built on.
//!
//! It keeps every account's positions (one storage word each), the listed underlyings with their
//! price feeds, posted implied vols and risk parameters, the correlation matrix, the markets the
//! owner authorised and the approvals accounts gave them. Markets report trades
//! (`update_position(s)`); the clearinghouse settles their cash in the vault (`pm-vault`, which
//! holds the collateral), then asks the stateless risk program (`pm-risk-program`) for the
//! account's margin and the marks of what changed, and judges the whole account by [`rules`]
//! (`TradePriceOutsideBand`, `InsufficientMargin`). The vault calls `margin_for` before every withdrawal.
//!
//! One 24,576-byte program cannot hold it all, so eight programs nest [`Clearinghouse`] as their
//! only field (same storage layout) and each exports a part of its methods:
//! `pm-clearinghouse-core` (the margin views: the vault's check before every withdrawal)
//! answers at the clearinghouse's address; its fallback delegatecalls the [`Facet`] that exports
//! the selector (a routing table generated from the facets' interfaces):
//! `pm-clearinghouse-admin` (initialisation, ownership, roles, markets, trade bands, liquidation
//! parameters), `pm-clearinghouse-views` (reads, the insurance fund), `pm-clearinghouse-accounts`
//! (withdrawable amounts, the liquidation quote), `pm-clearinghouse-trading` (the position
//! changes markets report, judged by [`rules`]), `pm-clearinghouse-settlement` (a market's fees
//! and funding within its hourly budget, settlement prices, the settlement of expired positions,
//! reference prices), `pm-clearinghouse-liquidation` (liquidation by [`liquidation_plan`],
//! bad debt) and `pm-clearinghouse-parameters` (underlyings and risk parameters, ramped in by
//! [`ramps`]; the risk oracle's updates, bounded by [`oracle_rules`]). Every function therefore answers at the core's address and runs over its
//! storage. Each public method here is the ABI function of the same name.
//!
//! Files: [`storage`] (layout), [`errors`] and [`events`], [`units`] (the amounts that cross
//! program boundaries), [`instrument`] and [`words`] (pure encodings); `config` (roles and wiring),
//! `markets`, `underlyings`, `bands` (trade bands), `parameters`, [`param_words`] and
//! [`param_table`] (pure: the parameters' storage words and the table the margin checks read),
//! `param_publishing`, [`ramps`], [`oracle_rules`] (pure) and
//! `risk_oracle`, `prices`, `request` and `risk` (the risk program's
//! request and answer), `figures`, `positions`, [`rules`] (pure), `trading`, [`settle_budget`] (pure), `settlement`, `expiry`, `withdrawal`,
//! `views`, `facet` (delegation).
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

pub mod errors;
pub mod events;
pub mod instrument;
pub mod interfaces;
pub mod storage;
pub mod units;
pub mod words;

mod bands;
mod config;
mod expiry;
mod facet;
mod figures;
mod liquidation;
mod liquidation_params;
pub mod liquidation_plan;
mod markets;
pub mod oracle_rules;
mod param_publishing;
pub mod param_table;
pub mod param_words;
mod parameters;
pub mod position_words;
mod positions;
mod prices;
pub mod ramps;
mod reference;
pub mod reference_rule;
mod request;
mod risk;
mod risk_oracle;
pub mod rules;
pub mod settle_budget;
mod settlement;
mod trading;
mod underlyings;
mod views;
mod withdrawal;

pub use crate::config::ConfigTuple;
pub use crate::errors::ClearinghouseError;
pub use crate::facet::Facet;
pub use crate::figures::{Figures, MarginTuple};
pub use crate::liquidation::{LiquidationQuote, INSURANCE_FUND};
pub use crate::param_table::pair_index;
pub use crate::positions::MAX_ACCOUNT_POSITIONS;
pub use crate::ramps::RampTuple;
pub use crate::risk::NO_ANSWER;
pub use crate::risk_oracle::OracleBoundsTuple;
pub use crate::storage::Clearinghouse;
pub use crate::trading::{changes_of, Change};
pub use crate::underlyings::UnderlyingTuple;
pub use crate::views::RiskByUnderlying;

// SAFETY: `Clearinghouse` is the whole storage of every program built on it (each nests it as its
// only field), so a mutating call made through it cannot alias another live storage borrow. This
// lets the library call other contracts with `&mut self`, as OpenZeppelin's Stylus components do.
#[allow(unsafe_code)]
unsafe impl stylus_sdk::prelude::TopLevelStorage for Clearinghouse {}
