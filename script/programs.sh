#!/usr/bin/env bash
# Prints the engine's Stylus programs from contracts/programs.tsv, one per line:
#   <program> <crate> <profile> <path of its release wasm>
# Sourced by nothing: script/build-wasm.sh and script/size.sh read its output.
set -euo pipefail
cd "$(dirname "$0")/.."
grep -Ev '^[[:space:]]*(#|$)' contracts/programs.tsv | while read -r program crate profile _; do
  echo "$program $crate $profile target/wasm32-unknown-unknown/$profile/${crate//-/_}.wasm"
done
