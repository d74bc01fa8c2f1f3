#!/usr/bin/env bash
# Packs every Stylus program of contracts/programs.tsv as `cargo stylus deploy` would and prints
# raw and on-chain bytes; fails when one is above 24,576 on-chain bytes. Run after
# script/build-wasm.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
programs=()
while read -r _ _ _ wasm; do
  [ -f "$wasm" ] || { echo "size: $wasm is missing; run script/build-wasm.sh" >&2; exit 1; }
  programs+=("$wasm")
done < <(script/programs.sh)
cargo run -q -p stylus-devnet --bin stylus-pack -- --out target/stylus "${programs[@]}"
