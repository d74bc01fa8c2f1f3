#!/usr/bin/env bash
# Builds every Stylus program of contracts/programs.tsv with -Zbuild-std and immediate-abort
# panics (.cargo/config.toml), each with its profile: `wasm` (opt "z": size first) or
# `wasm-speed` (opt 3: gas first), into target/wasm32-unknown-unknown/<profile>/<crate>.wasm;
# then writes the wasm that is deployed, target/stylus/wasm/<crate>.wasm (script/programs.sh):
# through Binaryen's `wasm-opt -Oz` (npm `binaryen`) for a program marked Oz, with the features
# Stylus accepts and no others (no multi-value since ArbOS 61), 3 to 7% fewer on-chain bytes;
# through its memory packing alone for one marked pack (the data segments' zero runs dropped, so
# the cached entry costs less: vault-core 3,408 -> gas below); else as built (so the risk program's build with names, script/build-wasm-names.sh, is its code
# function for function).
set -euo pipefail
cd "$(dirname "$0")/.."
WASM_OPT=node_modules/.bin/wasm-opt
[ -x "$WASM_OPT" ] || { echo "build-wasm: $WASM_OPT is missing; run script/setup.sh" >&2; exit 1; }
mkdir -p target/stylus/wasm
script/programs.sh | while read -r _ crate profile deployed opt; do
  cargo build --profile "$profile" --target wasm32-unknown-unknown --lib -p "$crate" -Zbuild-std=core,alloc,std,panic_abort
  built="target/wasm32-unknown-unknown/$profile/${crate//-/_}.wasm"
  features=(--mvp-features --enable-mutable-globals --enable-sign-ext --enable-bulk-memory
    --enable-nontrapping-float-to-int)
  case "$opt" in
    Oz) "$WASM_OPT" "${features[@]}" -Oz "$built" -o "$deployed" ;;
    pack) "$WASM_OPT" "${features[@]}" --memory-packing "$built" -o "$deployed" ;;
    *) cp "$built" "$deployed" ;;
  esac
done
