//! The node's prefunded dev accounts: keys anyone may use, printed at start. The first is the
//! key of Nitro's dev node (the one `cargo stylus` examples use), so a script written for a
//! Nitro dev node runs unchanged; the others are keccak256("pm-node dev key <i>").

use alloy_primitives::{b256, keccak256, Address, B256, U256};
use alloy_signer_local::PrivateKeySigner;

/// The private key Nitro's dev node funds (address 0x3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E).
pub const NITRO_DEV_KEY: B256 = b256!("b6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659");

/// How many dev accounts the node funds.
pub const DEV_ACCOUNTS: usize = 10;

/// What each dev account holds at start: 1,000,000 ETH, in wei.
pub fn dev_balance() -> U256 {
    U256::from(10u128.pow(24))
}

/// A prefunded account and the key that signs for it.
#[derive(Clone, Debug)]
pub struct DevAccount {
    /// The secp256k1 private key.
    pub key: B256,
    /// Its address.
    pub address: Address,
}

impl DevAccount {
    /// A signer for the account (alloy's local signer).
    pub fn signer(&self) -> PrivateKeySigner {
        // The keys are fixed and valid (tested): `from_bytes` fails only for a zero or
        // out-of-range scalar.
        PrivateKeySigner::from_bytes(&self.key).unwrap_or_else(|_| PrivateKeySigner::random())
    }
}

/// The dev accounts, Nitro's first.
pub fn dev_accounts() -> Vec<DevAccount> {
    (0..DEV_ACCOUNTS)
        .map(|i| {
            let key = if i == 0 {
                NITRO_DEV_KEY
            } else {
                keccak256(format!("pm-node dev key {i}"))
            };
            let address = PrivateKeySigner::from_bytes(&key)
                .map(|s| s.address())
                .unwrap_or_default();
            DevAccount { key, address }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::address;

    #[test]
    fn the_first_account_is_nitros_dev_account_and_every_key_is_valid() {
        let accounts = dev_accounts();
        assert_eq!(
            accounts[0].address,
            address!("3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E")
        );
        for a in &accounts {
            assert_eq!(
                PrivateKeySigner::from_bytes(&a.key).map(|s| s.address()).ok(),
                Some(a.address)
            );
        }
        let mut unique: Vec<Address> = accounts.iter().map(|a| a.address).collect();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), DEV_ACCOUNTS);
    }
}
