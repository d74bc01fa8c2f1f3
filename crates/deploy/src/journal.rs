//! The deployment's journal: each transaction the plan sends is written to a file as soon as it
//! is mined, so that a deployment stopped part way (a step refused, the connection lost)
//! resumes where it stopped. [`Journaled`] wraps a chain; while the plan sends the transactions
//! the journal holds, in order, to the same address with the same data, it answers each from
//! the journal instead of sending it again (the value may differ: a data fee is learnt anew).
//! Calls and balances go to the chain. A transaction is written down as soon as it is out, before
//! its receipt: one whose receipt never came (a lost connection) is looked up on resume, and
//! taken as mined, or sent again if it was dropped or reverted.

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
    /// Its hash, when the chain told it.
    #[serde(default)]
    pub tx_hash: Option<B256>,
    /// Out, but not known mined yet (its receipt had not come).
    #[serde(default)]
    pub pending: bool,
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

    /// Writes the journal.
    fn save(&self) -> Result<(), String> {
        save(&self.path, &self.file)
    }
}

/// Writes `file` to `path` (to a temporary file, then renamed over it: never half written).
fn save(path: &Path, file: &JournalFile) -> Result<(), String> {
    let text = serde_json::to_string_pretty(file).map_err(|e| e.to_string())?;
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text + "\n").map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("{}: {e}", path.display()))
}

impl Record {
    /// A mined transaction's record.
    fn mined(to: Option<Address>, data_hash: B256, tx_hash: Option<B256>, sent: &Sent) -> Self {
        Self {
            to,
            data_hash,
            gas_used: sent.gas_used,
            logs: sent.logs.clone(),
            contract_address: sent.contract_address,
            block: sent.block,
            tx_hash,
            pending: false,
        }
    }

    /// What the plan was told when it was mined.
    fn sent(&self) -> Sent {
        Sent {
            gas_used: self.gas_used,
            logs: self.logs.clone(),
            contract_address: self.contract_address,
            block: self.block,
        }
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
            if !r.pending {
                self.next += 1;
                return Ok(r.sent());
            }
            // Out before, its receipt never came: mined since, or to be sent again.
            let mined = match r.tx_hash {
                Some(hash) => self.chain.mined(hash)?,
                None => None,
            };
            if let Some(Ok(sent)) = mined {
                self.file.sends[self.next] = Record::mined(to, data_hash, r.tx_hash, &sent);
                self.next += 1;
                self.save()?;
                return Ok(sent);
            }
            self.file.sends.truncate(self.next);
            self.save()?;
        }
        let pending_at = self.file.sends.len();
        let (chain, file, path) = (&mut *self.chain, &mut self.file, &self.path);
        let result = chain.send_noting(to, data, value, &mut |hash| {
            file.sends.push(Record {
                pending: true,
                ..Record::mined(to, data_hash, Some(hash), &Sent::default())
            });
            save(path, file)
        });
        match result {
            Ok(sent) => {
                let tx_hash = self.file.sends.get(pending_at).and_then(|r| r.tx_hash);
                self.file.sends.truncate(pending_at);
                self.file.sends.push(Record::mined(to, data_hash, tx_hash, &sent));
                self.next = pending_at + 1;
                self.save()?;
                Ok(sent)
            }
            // A revert leaves nothing to resume; a lost receipt stays pending in the journal.
            Err(e) if e.contains("reverted") => {
                self.file.sends.truncate(pending_at);
                self.save()?;
                Err(e)
            }
            Err(e) => Err(e),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A chain that mines every send at once, except that it loses the receipt of the send
    /// numbered `lose_receipt_of` (from 1), and answers `mined` as told.
    #[derive(Default)]
    struct Scripted {
        sent: Vec<Vec<u8>>,
        lose_receipt_of: Option<usize>,
        mined: Option<Result<Sent, String>>,
    }

    impl Chain for Scripted {
        fn account(&self) -> Address {
            Address::repeat_byte(1)
        }
        fn send(&mut self, to: Option<Address>, data: Vec<u8>, value: U256) -> Result<Sent, String> {
            self.send_noting(to, data, value, &mut |_| Ok(()))
        }
        fn send_noting(
            &mut self,
            _: Option<Address>,
            data: Vec<u8>,
            _: U256,
            sent_as: &mut dyn FnMut(B256) -> Result<(), String>,
        ) -> Result<Sent, String> {
            self.sent.push(data.clone());
            sent_as(keccak256(&data))?;
            if self.lose_receipt_of == Some(self.sent.len()) {
                return Err("sent, but no receipt".into());
            }
            Ok(Sent {
                block: self.sent.len() as u64,
                ..Sent::default()
            })
        }
        fn mined(&mut self, _: B256) -> Result<Option<Result<Sent, String>>, String> {
            Ok(self.mined.clone())
        }
        fn call(&mut self, _: Address, _: Vec<u8>, _: U256) -> Result<Bytes, String> {
            Ok(Bytes::new())
        }
        fn balance(&mut self) -> Result<U256, String> {
            Ok(U256::ZERO)
        }
        fn code(&mut self, _: Address) -> Result<Bytes, String> {
            Ok(Bytes::from_static(&[1]))
        }
    }

    fn path(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("pm-deploy-journal-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("deployment.journal.json");
        std::fs::remove_file(&path).ok();
        path
    }

    /// A run that sends A, then B whose receipt is lost.
    fn first_run(path: &Path) -> Scripted {
        let mut chain = Scripted {
            lose_receipt_of: Some(2),
            ..Scripted::default()
        };
        let mut j = Journaled::start(&mut chain, path, 7).unwrap();
        j.send(None, vec![0xA], U256::ZERO).unwrap();
        assert!(j.send(None, vec![0xB], U256::ZERO).is_err());
        assert_eq!(j.len(), 2);
        drop(j);
        chain.lose_receipt_of = None;
        chain
    }

    #[test]
    fn a_transaction_whose_receipt_was_lost_is_taken_as_mined_if_it_was() {
        let path = path("mined");
        let mut chain = first_run(&path);
        assert!(Journaled::start(&mut chain, &path, 7).is_err());
        chain.mined = Some(Ok(Sent {
            block: 2,
            ..Sent::default()
        }));
        let mut j = Journaled::resume(&mut chain, &path, 7).unwrap();
        assert_eq!(j.send(None, vec![0xA], U256::ZERO).unwrap().block, 1);
        assert_eq!(j.send(None, vec![0xB], U256::ZERO).unwrap().block, 2);
        j.send(None, vec![0xC], U256::ZERO).unwrap();
        assert_eq!(j.unreplayed(), 0);
        drop(j);
        // A and B were sent once each; only C is new.
        assert_eq!(chain.sent, vec![vec![0xA], vec![0xB], vec![0xC]]);
    }

    #[test]
    fn a_transaction_dropped_or_reverted_is_sent_again_and_another_plan_is_refused() {
        let path = path("dropped");
        let mut chain = first_run(&path);
        chain.mined = None;
        let mut j = Journaled::resume(&mut chain, &path, 7).unwrap();
        j.send(None, vec![0xA], U256::ZERO).unwrap();
        j.send(None, vec![0xB], U256::ZERO).unwrap();
        drop(j);
        assert_eq!(chain.sent, vec![vec![0xA], vec![0xB], vec![0xB]]);
        // Another chain, or other data in the journal's place, is refused.
        assert!(Journaled::resume(&mut chain, &path, 8).is_err());
        let mut j = Journaled::resume(&mut chain, &path, 7).unwrap();
        assert!(j.send(None, vec![0xF], U256::ZERO).is_err());
    }
}
