//! `pm-devnet`: the project's in-process Arbitrum devnet. For now it holds [`pack`], which turns
//! a contract's wasm into the exact bytes `cargo stylus deploy` publishes.

pub mod pack;
