//! `pm-devnet`: the project's in-process Arbitrum devnet: revm with a Stylus runtime (wasmi,
//! ink metering by instrumentation, the `vm_hooks` host functions with Arbitrum's prices) and the
//! ArbWasm precompile. [`pack`] turns a contract's wasm into the exact bytes `cargo stylus
//! deploy` publishes. See README.md for what is faithful to Arbitrum and what is not yet.
//! [`deployment`] deploys the whole engine (its programs, mock tokens and feeds, the Solidity
//! markets) from the built artifacts, for the end-to-end tests, the gas table and the demo.

pub mod arbwasm;
pub mod arbwasmcache;
pub mod chain;
pub mod deployment;
pub mod evm;
pub mod host;
pub mod meter;
pub mod pack;
pub mod pricing;
pub mod program;

pub use chain::{Devnet, Receipt};
