#!/usr/bin/env bash
# Builds every Stylus program with -Zbuild-std and immediate-abort panics (.cargo/config.toml):
#   pm-engine        profile `wasm` (opt "z": size first)       -> target/wasm32-unknown-unknown/wasm/
#   pm-risk-program  profile `wasm-speed` (opt 3: gas first)   -> target/wasm32-unknown-unknown/wasm-speed/
set -euo pipefail
cd "$(dirname "$0")/.."
build() {
  cargo build --profile "$1" --target wasm32-unknown-unknown --lib -p "$2" -Zbuild-std=core,alloc,std,panic_abort
}
build wasm pm-engine
build wasm-speed pm-risk-program
