//! `pm-deploy`: deploys and configures the whole engine. One plan ([`plan::deploy_engine`])
//! runs on any [`chain::Chain`]: a JSON-RPC endpoint ([`rpc_chain::RpcChain`]: `pm-node`,
//! Arbitrum Sepolia, Arbitrum One) or the in-process devnet (the end-to-end tests' `Engine`).
//! The configuration is a JSON file ([`config::DeployConfig`]); what was deployed is written as
//! one ([`plan::Deployment`]). See README.md.

pub mod abi;
pub mod artifacts;
pub mod chain;
pub mod config;
pub mod programs;
pub mod signer;

pub mod journal;
pub mod mocks;
pub mod plan;

pub mod devnet_chain;
pub mod rpc_chain;

pub use chain::{Chain, Sent};
pub use config::DeployConfig;
pub use plan::{deploy_engine, Deployment};
