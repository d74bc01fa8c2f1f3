//! `stylus-devnet`: an in-process Arbitrum chain: revm with a Stylus runtime (wasmi, ink
//! metering by instrumentation, the `vm_hooks` host functions with Arbitrum's prices) and the
//! ArbWasm and ArbWasmCache precompiles. [`pack`] turns a program's wasm into the exact bytes
//! `cargo stylus deploy` publishes. An opt-in gas profiler counts the exact ink of every
//! function ([`profile`], [`gas_profile`]). It knows nothing of the programs it runs. See
//! README.md for what is faithful to Arbitrum and what is not yet, and for the layout: modules
//! import one way, from the chain down to the ground floor, never back up.

// Ground floor: import nothing of the crate.
pub mod arbos;
pub mod context;
pub mod function_names;
pub mod l1_pricing;
pub mod open_frames;
pub mod pack;
pub mod pages;
pub mod pricing;
pub mod profile;

pub mod fragments;
pub mod frames;
pub mod gas_profile;
pub mod meter;
pub mod precompiles;

pub mod host;
pub mod runtime;

pub mod evm;

pub mod chain;

pub use arbos::ArbOs;
pub use chain::{Devnet, Receipt};
pub use context::TxError;
pub use precompiles::{arbwasm, arbwasmcache};
/// The revm this chain runs on, for callers that build transactions ([`Devnet::transact`]).
pub use revm;
