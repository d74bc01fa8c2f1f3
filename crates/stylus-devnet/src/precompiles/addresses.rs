//! Where Arbitrum's Stylus precompiles live.

use revm::primitives::{address, Address};

/// ArbOwnerPublic: who owns the chain, its network fee account.
pub const ARB_OWNER_PUBLIC: Address = address!("000000000000000000000000000000000000006b");
/// ArbOwner: the chain owner's settings (here: ArbWasmCache's cache managers).
pub const ARB_OWNER: Address = address!("0000000000000000000000000000000000000070");
/// ArbWasm: activation and the program getters.
pub const ARB_WASM: Address = address!("0000000000000000000000000000000000000071");
/// ArbWasmCache: Arbitrum's program cache.
pub const ARB_WASM_CACHE: Address = address!("0000000000000000000000000000000000000072");
