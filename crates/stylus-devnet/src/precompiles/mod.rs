//! Arbitrum's Stylus precompiles: ArbWasm (0x71) and ArbWasmCache (0x72), next to Ethereum's.
//! They are generic over revm's context (`ContextTr`), so they never import the EVM that
//! dispatches to them. This file only declares the modules, bottom floor first.

pub mod abi;
pub mod addresses;
pub mod burner;
pub mod data_pricer;
pub mod module_shape;
pub mod program_info;
pub mod storage;

pub mod arbwasm;
pub mod arbwasmcache;

pub mod provider;
