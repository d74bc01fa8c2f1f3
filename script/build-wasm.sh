#!/usr/bin/env bash
# Builds every Stylus program of the workspace to target/wasm32-unknown-unknown/wasm/*.wasm.
set -euo pipefail
cd "$(dirname "$0")/.."
PROGRAMS=(pm-engine pm-risk-program)
args=()
for p in "${PROGRAMS[@]}"; do args+=(-p "$p"); done
cargo build --profile wasm --target wasm32-unknown-unknown --lib "${args[@]}" \
  -Zbuild-std=core,alloc,std,panic_abort
