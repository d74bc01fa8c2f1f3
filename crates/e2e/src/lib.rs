//! `pm-e2e`: the portfolio-margin engine on the in-process devnet (`stylus-devnet`).
//! [`programs`] (`pm-deploy`'s) reads the list of the engine's Stylus programs; [`deployment`]
//! deploys the whole engine (its programs, mock tokens and feeds, the Solidity markets) from the
//! built artifacts through `pm-deploy`'s plan, for the end-to-end tests (`tests/`, behind the
//! `e2e` feature), the gas tables and the demo (`pm-demo`, the main job).

pub mod deployment;
pub mod format;
pub use pm_deploy::programs;
