//! The deployment's journal: each transaction the plan sends is written to a file as soon as it
//! is mined, so that a deployment stopped part way (a step refused, the connection lost)
//! resumes where it stopped. [`Journaled`] wraps a chain; while the plan sends the transactions
//! the journal holds, in order, to the same address with the same data, it answers each from
//! the journal instead of sending it again (the value may differ: a data fee is learnt anew).
//! Calls and balances go to the chain. A transaction whose receipt never came is not in the
//! journal and is sent again.

use std::path::{Path, PathBuf};

use alloy_primitives::{keccak256, Address, Bytes, Log, B256, U256};
use serde::{Deserialize, Serialize};

use crate::chain::{Chain, Sent};

/// One mined transaction of the deployment.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    /// Its destination (none: a creation).
    pub to: Option<Address>,
    /// keccak256 of its data.
    pub data_hash: B256,
    /// Gas used.
    pub gas_used: u64,
    /// Its logs.
    pub logs: Vec<Log>,
    /// The contract it created.
    pub contract_address: Option<Address>,
    /// Its block.
    pub block: u64,
}

/// The journal file's contents.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalFile {
    /// The chain deployed on.
    pub chain_id: u64,
    /// The account that sent every transaction.
    pub account: Address,
    /// The mined transactions, in order.
    pub sends: Vec<Record>,
}

/// A chain whose sends are journaled (see the module).
pub struct Journaled<'a> {
    chain: &'a mut dyn Chain,
    path: PathBuf,
    file: JournalFile,
    next: usize,
}

impl<'a> Journaled<'a> {
    /// A new journal at `path` for `chain` (id `chain_id`).
    ///
    /// # Errors
    /// A file is already there: an earlier deployment stopped part way.
    pub fn start(chain: &'a mut dyn Chain, path: &Path, chain_id: u64) -> Result<Self, String> {
        if path.exists() {
            return Err(format!(
                "{} exists: an earlier deployment stopped part way; --resume continues it, or remove the file to start afresh",
                path.display()
            ));
        }
        let account = chain.account();
        Ok(Self {
            chain,
            path: path.to_path_buf(),
            file: JournalFile {
                chain_id,
                account,
                sends: Vec::new(),
            },
            next: 0,
        })
    }

    /// The journal at `path`, to resume on `chain` (id `chain_id`).
    ///
    /// # Errors
    /// It cannot be read, it was written on another chain or by another account, or a contract
    /// it created has no code there (the chain was reset since: a dev node restarted).
    pub fn resume(chain: &'a mut dyn Chain, path: &Path, chain_id: u64) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let file: JournalFile =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        if file.chain_id != chain_id || file.account != chain.account() {
            return Err(format!(
                "{} was written on chain {} by {}: this is chain {chain_id} and {}",
                path.display(),
                file.chain_id,
                file.account,
                chain.account()
            ));
        }
        for created in file.sends.iter().filter_map(|r| r.contract_address) {
            if chain.code(created)?.is_empty() {
                return Err(format!(
                    "{}: the contract it created at {created} has no code on this chain (was it reset?): remove the journal to start afresh",
                    path.display()
                ));
            }
        }
        Ok(Self {
            chain,
            path: path.to_path_buf(),
            file,
            next: 0,
        })
    }

    /// Transactions in the journal the plan has not come to (none once it went past them all).
    pub fn unreplayed(&self) -> usize {
        self.file.sends.len().saturating_sub(self.next)
    }

    /// Transactions in the journal.
    pub fn len(&self) -> usize {
        self.file.sends.len()
    }

    /// Whether the journal is empty.
    pub fn is_empty(&self) -> bool {
        self.file.sends.is_empty()
    }

    /// Writes the journal (to a temporary file, then renamed over it: never half written).
    fn save(&self) -> Result<(), String> {
        let text = serde_json::to_string_pretty(&self.file).map_err(|e| e.to_string())?;
        let tmp = self.path.with_extension("tmp");
        std::fs::write(&tmp, text + "\n").map_err(|e| format!("{}: {e}", tmp.display()))?;
        std::fs::rename(&tmp, &self.path).map_err(|e| format!("{}: {e}", self.path.display()))
    }
}

impl Chain for Journaled<'_> {
    fn account(&self) -> Address {
        self.chain.account()
    }

    fn send(&mut self, to: Option<Address>, data: Vec<u8>, value: U256) -> Result<Sent, String> {
        let data_hash = keccak256(&data);
        if let Some(r) = self.file.sends.get(self.next) {
            if r.to != to || r.data_hash != data_hash {
                return Err(format!(
                    "transaction {} of {} does not match this deployment (another destination or data): the configuration or the artifacts changed since; remove it to start afresh",
                    self.next,
                    self.path.display()
                ));
            }
            self.next += 1;
            return Ok(Sent {
                gas_used: r.gas_used,
                logs: r.logs.clone(),
                contract_address: r.contract_address,
                block: r.block,
            });
        }
        let sent = self.chain.send(to, data, value)?;
        self.file.sends.push(Record {
            to,
            data_hash,
            gas_used: sent.gas_used,
            logs: sent.logs.clone(),
            contract_address: sent.contract_address,
            block: sent.block,
        });
        self.next += 1;
        self.save()?;
        Ok(sent)
    }

    fn call(&mut self, to: Address, data: Vec<u8>, value: U256) -> Result<Bytes, String> {
        self.chain.call(to, data, value)
    }

    fn balance(&mut self) -> Result<U256, String> {
        self.chain.balance()
    }

    fn code(&mut self, address: Address) -> Result<Bytes, String> {
        self.chain.code(address)
    }
}
