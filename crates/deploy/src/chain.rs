//! What the deployment plan needs of a chain: send a transaction from one account and wait for
//! it, and make a call. The devnet (in-process) and any JSON-RPC endpoint implement it.

use alloy_primitives::{Address, Bytes, Log, U256};

/// What a mined transaction left.
#[derive(Clone, Debug, Default)]
pub struct Sent {
    /// Gas used (after refunds).
    pub gas_used: u64,
    /// Its logs.
    pub logs: Vec<Log>,
    /// The contract it created, for a creation.
    pub contract_address: Option<Address>,
    /// The block it was mined in.
    pub block: u64,
}

/// A chain the plan deploys on.
pub trait Chain {
    /// The account that signs every transaction.
    fn account(&self) -> Address;

    /// Sends a transaction (`to` none: a creation) with `value` wei and waits until it is mined.
    ///
    /// # Errors
    /// It was refused, or it reverted (with the revert data where the chain tells it).
    fn send(&mut self, to: Option<Address>, data: Vec<u8>, value: U256) -> Result<Sent, String>;

    /// A call from [`Chain::account`] at the latest block, with `value` wei.
    ///
    /// # Errors
    /// It reverted (with the revert data) or the chain refused it.
    fn call(&mut self, to: Address, data: Vec<u8>, value: U256) -> Result<Bytes, String>;

    /// [`Chain::account`]'s balance, in wei.
    ///
    /// # Errors
    /// The chain cannot be read.
    fn balance(&mut self) -> Result<U256, String>;

    /// The code at `address` (empty: none).
    ///
    /// # Errors
    /// The chain cannot be read.
    fn code(&mut self, address: Address) -> Result<Bytes, String>;
}
