//! `pm-node`: the devnet served over Ethereum's JSON-RPC (HTTP, 127.0.0.1:8547 as Nitro's dev
//! node), so cast, alloy, viem, deploy scripts and the keeper reach the engine unchanged. Each
//! transaction is mined at once in a block of its own; the node keeps the latest state only.
//! See README.md for the methods and what differs from a Nitro node.
//!
//! Layout, from the ground up: the dev accounts, the clock, errors and arguments; the
//! conversions into the devnet's transactions; the ledger (the devnet and the blocks it mined);
//! gas estimation and the RPC views over it; the method tables; the chain's thread and the
//! server.

pub mod args;
pub mod clock;
pub mod dev_accounts;
pub mod filters;
pub mod node_error;
pub mod past_states;
pub mod snapshots;

pub mod tx_env;

pub mod ledger;

pub mod estimate;
pub mod rpc_views;

pub mod dev_api;
pub mod eth_api;
pub mod filter_api;

pub mod chain_thread;
pub mod subscriptions;

pub mod server;

pub use server::{start, NodeConfig, RunningNode};
