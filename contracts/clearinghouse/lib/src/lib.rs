//! `pm-clearinghouse`: the portfolio-margin engine's clearinghouse, a Stylus program.
//!
//! It keeps every account's positions (one storage word each), the listed underlyings with their
//! price feeds, posted implied vols and risk parameters, the correlation matrix, the markets the
//! owner authorised and the approvals accounts gave them. Markets report trades with
//! `updatePosition`; the clearinghouse settles their cash in the vault (the `pm-engine` program,
//! which holds the collateral), then asks the stateless risk program (`pm-risk-program`) for the
//! account's margin and reverts with `InsufficientMargin` when a risk-adding change leaves equity
//! below initial margin. The vault calls `marginFor` before every withdrawal.
//!
//! Three programs are built from this crate, each under the 24,576-byte limit: the **core**
//! (default features: trading, settlement, margin checks and views), the **admin facet**
//! (feature `admin`: roles, markets, approvals, underlyings, parameters) and the **views facet**
//! (feature `views`: expiry settlement, simulation, the packed risk request). The core's fallback
//! delegatecalls the admin facet, whose fallback delegatecalls the views facet, so every function
//! is called at the core's address and runs over its storage.
//!
//! Storage layout: [`storage`]. Instrument ids and position words: [`instrument`].
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]
// export-abi generates an undocumented `print_from_args`.
#![cfg_attr(feature = "export-abi", allow(missing_docs))]
// The core and the admin facet are two programs built from this crate: each uses part of the
// shared code (configuration checks, requests, figures), so the other part is dead in it.
#![allow(dead_code)]
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
pub mod instrument;
pub mod margin;
pub mod storage;
pub mod words;

#[cfg(all(feature = "admin", not(feature = "views")))]
mod admin_api;
mod config;
#[cfg(not(any(feature = "admin", feature = "views")))]
mod core_api;
mod facet;
mod oracle;
mod request;
mod trading;
#[cfg(feature = "views")]
mod views_api;
mod withdrawal;

pub use crate::storage::Clearinghouse;

// `export-abi` prints the ABI of whichever program the features select.
#[cfg(all(feature = "export-abi", feature = "admin", not(feature = "views")))]
pub use admin_api::print_from_args;
#[cfg(all(feature = "export-abi", not(any(feature = "admin", feature = "views"))))]
pub use core_api::print_from_args;
#[cfg(all(feature = "export-abi", feature = "views"))]
pub use views_api::print_from_args;
