//! What the keeper keeps across restarts (`--state FILE`): the block to follow the engine's
//! events from and what those before it taught it: the accounts it watches and the collateral
//! tokens and feeds. Restored, every account's book is fetched again from the chain, so only
//! which accounts exist comes from the file, never their positions. The file is written whole
//! (a temporary file renamed over it), for one chain and clearinghouse.

use std::path::Path;

use alloy_primitives::{Address, B256};
use pm_deploy::rpc_chain::RpcChain;
use serde::{Deserialize, Serialize};

/// The keeper's state file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeeperState {
    /// The chain.
    pub chain_id: u64,
    /// The engine's clearinghouse.
    pub clearinghouse: Address,
    /// The first block whose events are not followed yet.
    pub next_block: u64,
    /// Every account with a book or waiting for one.
    pub accounts: Vec<Address>,
    /// The collateral tokens (from `CollateralConfigured`).
    pub collateral_tokens: Vec<Address>,
    /// Their feeds.
    pub collateral_feeds: Vec<Address>,
    /// The hash of block `next_block` − 1, the last one followed: a restart on another chain
    /// with the same id (a dev node started again) is refused.
    #[serde(default)]
    pub block_hash: Option<B256>,
}

/// The hash of block `number` on `chain` (`None`: not mined).
///
/// # Errors
/// The chain cannot be read.
pub fn block_hash(chain: &mut RpcChain, number: u64) -> Result<Option<B256>, String> {
    let block = chain.rpc(
        "eth_getBlockByNumber",
        serde_json::json!([format!("{number:#x}"), false]),
    )?;
    Ok(block["hash"].as_str().and_then(|h| h.parse().ok()))
}

impl KeeperState {
    /// The state at `path`; `None` if there is no file yet.
    ///
    /// # Errors
    /// It cannot be read, or was written for another chain or clearinghouse.
    pub fn load(path: &Path, chain_id: u64, clearinghouse: Address) -> Result<Option<Self>, String> {
        if !path.exists() {
            return Ok(None);
        }
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let state: Self = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        if state.chain_id != chain_id || state.clearinghouse != clearinghouse {
            return Err(format!(
                "{} is for clearinghouse {} on chain {}: remove it, or point --state elsewhere",
                path.display(),
                state.clearinghouse,
                state.chain_id
            ));
        }
        Ok(Some(state))
    }

    /// Writes the state to `path` (a temporary file, then renamed over it).
    ///
    /// # Errors
    /// The file cannot be written.
    pub fn save(&self, path: &Path) -> Result<(), String> {
        let text = serde_json::to_string(self).map_err(|e| e.to_string())?;
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, text + "\n").map_err(|e| format!("{}: {e}", tmp.display()))?;
        std::fs::rename(&tmp, path).map_err(|e| format!("{}: {e}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_round_trips_and_another_engines_is_refused() {
        let dir = std::env::temp_dir().join(format!("pm-keeper-state-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.json");
        let clearinghouse = Address::repeat_byte(1);
        assert_eq!(KeeperState::load(&path, 1, clearinghouse), Ok(None));
        let state = KeeperState {
            chain_id: 1,
            clearinghouse,
            next_block: 42,
            accounts: vec![Address::repeat_byte(2)],
            collateral_tokens: vec![Address::repeat_byte(3)],
            collateral_feeds: vec![Address::repeat_byte(4)],
            block_hash: Some(B256::repeat_byte(5)),
        };
        state.save(&path).unwrap();
        assert_eq!(KeeperState::load(&path, 1, clearinghouse), Ok(Some(state)));
        assert!(KeeperState::load(&path, 2, clearinghouse).is_err());
        assert!(KeeperState::load(&path, 1, Address::repeat_byte(9)).is_err());
        std::fs::remove_dir_all(dir).ok();
    }
}
