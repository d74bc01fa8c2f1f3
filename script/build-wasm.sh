#!/usr/bin/env bash
# Builds every Stylus program with -Zbuild-std and immediate-abort panics (.cargo/config.toml):
#   pm-engine        profile `wasm` (opt "z": size first)       -> target/wasm32-unknown-unknown/wasm/
#   pm-clearinghouse profile `wasm` (opt "z"), three times: the views facet (feature `views`,
#                    copied to pm_clearinghouse_views.wasm), the admin facet (feature `admin`,
#                    copied to pm_clearinghouse_admin.wasm), then the core -> target/wasm32-unknown-unknown/wasm/
#   pm-risk-program  profile `wasm-speed` (opt 3: gas first)   -> target/wasm32-unknown-unknown/wasm-speed/
set -euo pipefail
cd "$(dirname "$0")/.."
build() {
  cargo build --profile "$1" --target wasm32-unknown-unknown --lib -p "$2" "${@:3}" -Zbuild-std=core,alloc,std,panic_abort
}
build wasm pm-engine
out=target/wasm32-unknown-unknown/wasm
build wasm pm-clearinghouse --features views
cp "$out"/pm_clearinghouse.wasm "$out"/pm_clearinghouse_views.wasm
build wasm pm-clearinghouse --features admin
cp "$out"/pm_clearinghouse.wasm "$out"/pm_clearinghouse_admin.wasm
build wasm pm-clearinghouse
build wasm-speed pm-risk-program
