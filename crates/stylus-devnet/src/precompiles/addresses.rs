//! Where Arbitrum's Stylus precompiles live.

use revm::primitives::{address, Address};

/// ArbWasm: activation and the program getters.
pub const ARB_WASM: Address = address!("0000000000000000000000000000000000000071");
/// ArbWasmCache: Arbitrum's program cache.
pub const ARB_WASM_CACHE: Address = address!("0000000000000000000000000000000000000072");
