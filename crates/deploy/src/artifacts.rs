//! What a deployment is built from: Foundry's artifacts (`out/<Name>.sol/<Name>.json`) and the
//! programs' release wasm, packed as `cargo stylus deploy` publishes them.

use std::path::{Path, PathBuf};

use alloy_primitives::keccak256;
use stylus_devnet::pack;

/// The path of Foundry's artifact of contract `name` under the repository root `root`.
pub fn artifact_path(root: &Path, name: &str) -> PathBuf {
    root.join("out")
        .join(format!("{name}.sol"))
        .join(format!("{name}.json"))
}

/// The creation bytecode of contract `name` (its artifact's `bytecode.object`).
///
/// # Errors
/// The artifact is missing (run `forge build`) or has no bytecode.
pub fn creation_code(root: &Path, name: &str) -> Result<Vec<u8>, String> {
    let path = artifact_path(root, name);
    let text =
        std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}; run forge build", path.display()))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let hex = json["bytecode"]["object"]
        .as_str()
        .ok_or_else(|| format!("{}: no bytecode.object", path.display()))?;
    alloy_primitives::hex::decode(hex).map_err(|e| format!("{}: {e}", path.display()))
}

/// A program's deployment code: `cargo stylus deploy`'s init code for `wasm` (the prelude, then
/// the prefixed brotli-compressed wasm).
///
/// # Errors
/// The wasm cannot be packed.
pub fn program_init_code(name: &str, wasm: &[u8]) -> Result<Vec<u8>, String> {
    Ok(pack::pack(wasm, keccak256(wasm).0)
        .map_err(|e| format!("{name}: {e}"))?
        .init_code())
}
