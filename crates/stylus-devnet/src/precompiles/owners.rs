//! Who runs the chain, as ArbOS keeps it: the chain owner (the devnet has one, set when the chain
//! starts; it is also the network fee account, which ArbWasm's data fees go to), kept in
//! ArbOwner's storage, and the program cache's managers, an address set in ArbWasmCache's (Nitro
//! keeps them with the programs' state). ArbOwner changes the managers, ArbWasmCache and
//! ArbOwnerPublic read both, ArbWasm pays the owner.

use revm::context_interface::ContextTr;
use revm::handler::evm::ContextTrDbError;
use revm::primitives::{Address, U256};

use crate::precompiles::address_set::AddressSet;
use crate::precompiles::addresses::{ARB_OWNER, ARB_WASM_CACHE};
use crate::precompiles::storage;

/// The storage slot of ArbOwner (0x70) that holds the chain owner.
pub const OWNER_SLOT: U256 = U256::ZERO;

/// The cache managers, in ArbWasmCache's (0x72) storage.
pub const CACHE_MANAGERS: AddressSet = AddressSet {
    precompile: ARB_WASM_CACHE,
    base: U256::from_limbs([1, 0, 0, 0]),
};

/// The chain owner (zero: none). Errors: the database failed.
pub fn chain_owner<CTX: ContextTr>(ctx: &mut CTX) -> Result<Address, ContextTrDbError<CTX>> {
    let owner = storage::read(ctx, ARB_OWNER, OWNER_SLOT)?;
    Ok(Address::from_word(owner.into()))
}
