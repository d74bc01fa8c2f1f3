#!/usr/bin/env bash
# Builds Stylus programs as script/build-wasm.sh does, but keeps the wasm `name` section, so the
# gas profiler can name their functions (crates/e2e/tests/gas_profile.rs). Each program is built
# with the custom profile `<profile>-names`, a copy of its profile, plus `-Cstrip=none` after the
# profile's `-Cstrip=symbols`, into target/wasm32-unknown-unknown/<profile>-names/<crate>.wasm.
# The release wasm is not touched. Only a rustflag differs, and cargo keeps rustflags out of
# symbol hashes, so the code is the release build's function for function (the profiler checks).
# Usage: script/build-wasm-names.sh [program...]   (default: every program of contracts/programs.tsv)
set -euo pipefail
cd "$(dirname "$0")/.."
script/programs.sh | while read -r program crate profile _; do
  if [ $# -gt 0 ] && [[ ! " $* " =~ " $program " ]]; then
    continue
  fi
  cargo build --profile "$profile-names" --config "profile.$profile-names.inherits=\"$profile\"" \
    --config 'target.wasm32-unknown-unknown.rustflags=["-Cstrip=none"]' \
    --target wasm32-unknown-unknown --lib -p "$crate" -Zbuild-std=core,alloc,std,panic_abort
done
