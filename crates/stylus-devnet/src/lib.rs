//! `stylus-devnet`: an in-process Arbitrum chain: revm with a Stylus runtime (wasmi, ink
//! metering by instrumentation, the `vm_hooks` host functions with Arbitrum's prices) and the
//! ArbWasm and ArbWasmCache precompiles. [`pack`] turns a program's wasm into the exact bytes
//! `cargo stylus deploy` publishes. It knows nothing of the programs it runs. See README.md for
//! what is faithful to Arbitrum and what is not yet.

pub mod arbwasm;
pub mod arbwasmcache;
pub mod chain;
pub mod evm;
pub mod host;
pub mod meter;
pub mod pack;
pub mod pricing;
pub mod program;

pub use chain::{Devnet, Receipt};
