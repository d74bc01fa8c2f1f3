#!/usr/bin/env bash
# Packs every Stylus program as `cargo stylus deploy` would and prints raw and on-chain bytes;
# fails when one is above 24,576 on-chain bytes. Run after script/build-wasm.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
wasm_dir=target/wasm32-unknown-unknown
programs=("$wasm_dir"/wasm/pm_engine.wasm "$wasm_dir"/wasm/pm_clearinghouse.wasm "$wasm_dir"/wasm/pm_clearinghouse_admin.wasm "$wasm_dir"/wasm/pm_clearinghouse_views.wasm "$wasm_dir"/wasm-speed/pm_risk_program.wasm)
for p in "${programs[@]}"; do
  [ -f "$p" ] || { echo "size: $p is missing; run script/build-wasm.sh" >&2; exit 1; }
done
cargo run -q -p stylus-devnet --bin stylus-pack -- --out target/stylus "${programs[@]}"
