#!/usr/bin/env bash
# Builds every Stylus program of contracts/programs.tsv with -Zbuild-std and immediate-abort
# panics (.cargo/config.toml), each with its profile: `wasm` (opt "z": size first) or
# `wasm-speed` (opt 3: gas first), into target/wasm32-unknown-unknown/<profile>/<crate>.wasm.
set -euo pipefail
cd "$(dirname "$0")/.."
script/programs.sh | while read -r _ crate profile _; do
  cargo build --profile "$profile" --target wasm32-unknown-unknown --lib -p "$crate" -Zbuild-std=core,alloc,std,panic_abort
done
