//! The key a tool signs with: hex in an environment variable, or an encrypted keystore file (the
//! format of geth and `cast wallet`) with its password in `PM_KEYSTORE_PASSWORD`. Never a flag:
//! a key on the command line ends up in the shell's history and the process list.

use std::path::Path;

use alloy_signer_local::PrivateKeySigner;

/// The signer: from `keystore` if given, else from the hex key in the variable `key_var`.
///
/// # Errors
/// The variable is not set or not a key; the keystore cannot be read or decrypted, or its
/// password is not set.
pub fn signer(key_var: &str, keystore: Option<&Path>) -> Result<PrivateKeySigner, String> {
    match keystore {
        Some(path) => {
            let password = std::env::var("PM_KEYSTORE_PASSWORD")
                .map_err(|_| "PM_KEYSTORE_PASSWORD is not set".to_string())?;
            PrivateKeySigner::decrypt_keystore(path, password).map_err(|e| format!("{}: {e}", path.display()))
        }
        None => std::env::var(key_var)
            .map_err(|_| format!("no key: set {key_var} or pass --keystore"))?
            .trim()
            .parse::<PrivateKeySigner>()
            .map_err(|e| format!("{key_var}: {e}")),
    }
}
