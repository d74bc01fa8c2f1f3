#!/usr/bin/env bash
# Prints the engine's Stylus programs from contracts/programs.tsv, one per line:
#   <program> <crate> <profile> <path of the wasm it deploys, which script/build-wasm.sh writes> <wasm-opt: Oz, pack or ->
# Sourced by nothing: script/build-wasm.sh and script/size.sh read its output.
set -euo pipefail
cd "$(dirname "$0")/.."
grep -Ev '^[[:space:]]*(#|$)' contracts/programs.tsv | while read -r program crate profile opt _; do
  echo "$program $crate $profile target/stylus/wasm/${crate//-/_}.wasm $opt"
done
