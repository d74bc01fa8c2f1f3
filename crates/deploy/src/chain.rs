//! What the deployment plan needs of a chain: send a transaction from one account and wait for
//! it, and make a call. The devnet (in-process) and any JSON-RPC endpoint implement it.

use alloy_primitives::{Address, Bytes, Log, B256, U256};

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

    /// As [`Chain::send`], handing the transaction's hash to `sent_as` as soon as it is out,
    /// before waiting for it to be mined (a journal writes it down). By default the hash is not
    /// known: `sent_as` is not called.
    ///
    /// # Errors
    /// As [`Chain::send`], or what `sent_as` returned.
    fn send_noting(
        &mut self,
        to: Option<Address>,
        data: Vec<u8>,
        value: U256,
        sent_as: &mut dyn FnMut(B256) -> Result<(), String>,
    ) -> Result<Sent, String> {
        let _ = sent_as;
        self.send(to, data, value)
    }

    /// What became of the transaction `hash`, waiting for it a while: `None` if it is not mined
    /// by then, `Some(Err(why))` if it reverted. By default: not known (`None`).
    ///
    /// # Errors
    /// The chain cannot be read.
    fn mined(&mut self, hash: B256) -> Result<Option<Result<Sent, String>>, String> {
        let _ = hash;
        Ok(None)
    }

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
