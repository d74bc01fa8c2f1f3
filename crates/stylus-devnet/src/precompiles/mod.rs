//! Arbitrum's Stylus precompiles: ArbWasm (0x71) and ArbWasmCache (0x72), and the owner's
//! ArbOwner (0x70) and ArbOwnerPublic (0x6b), next to Ethereum's.
//! They are generic over revm's context (`ContextTr`), so they never import the EVM that
//! dispatches to them. This file only declares the modules, bottom floor first.

pub mod abi;
pub mod address_set;
pub mod addresses;
pub mod burner;
pub mod code_hash;
pub mod data_pricer;
pub mod module_shape;
pub mod owners;
pub mod program_info;
pub mod storage;

pub mod arbwasm;
pub mod arbwasmcache;

pub mod arbowner;
pub mod arbownerpublic;

pub mod provider;
