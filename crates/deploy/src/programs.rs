//! The engine's Stylus programs, read from `contracts/programs.tsv`: the one list that the wasm
//! build, the size check, this deployment and the README's architecture table share.

use std::path::Path;

/// One program of the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    /// Its name, e.g. `clearinghouse-core`.
    pub name: String,
    /// The crate that builds it, e.g. `pm-clearinghouse-core`.
    pub crate_name: String,
    /// The cargo profile it is built with (`wasm` or `wasm-speed`).
    pub profile: String,
}

impl Program {
    /// The wasm it deploys, which `script/build-wasm.sh` writes under `root` (its release
    /// build, through `wasm-opt -Oz` for the `wasm` profile).
    pub fn wasm_path(&self, root: &Path) -> std::path::PathBuf {
        root.join("target/stylus/wasm")
            .join(format!("{}.wasm", self.crate_name.replace('-', "_")))
    }

    /// Its release wasm. Errors: the file is missing (run `script/build-wasm.sh`).
    pub fn wasm(&self, root: &Path) -> Result<Vec<u8>, String> {
        let path = self.wasm_path(root);
        std::fs::read(&path).map_err(|e| format!("{}: {e}; run script/build-wasm.sh", path.display()))
    }
}

/// The programs of `contracts/programs.tsv` under `root`, in deployment order.
/// Errors: the file is missing or a line has fewer than three fields.
pub fn programs(root: &Path) -> Result<Vec<Program>, String> {
    let path = root.join("contracts/programs.tsv");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_whitespace().collect::<Vec<_>>()[..] {
            [name, crate_name, profile, ..] => Ok(Program {
                name: name.into(),
                crate_name: crate_name.into(),
                profile: profile.into(),
            }),
            _ => Err(format!(
                "{}: a line needs program, crate and profile: {l}",
                path.display()
            )),
        })
        .collect()
}

/// The release wasm of the program called `name`. Errors: the list has no such program, or its
/// wasm is missing.
pub fn wasm_of(root: &Path, name: &str) -> Result<Vec<u8>, String> {
    programs(root)?
        .into_iter()
        .find(|p| p.name == name)
        .ok_or_else(|| format!("contracts/programs.tsv lists no {name}"))?
        .wasm(root)
}
