#!/usr/bin/env bash
# The project's test command. Installs what is missing, then runs every check in order and stops
# at the first failure, naming it.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
FORGE=node_modules/.bin/forge

step() {
  local name=$1
  shift
  printf '\n==> %s\n' "$name"
  if ! "$@"; then
    printf '\nFAILED: %s\n' "$name" >&2
    exit 1
  fi
}

step "setup (toolchain, wasm target, npm packages)" script/setup.sh
step "cargo fmt --check" cargo fmt --all --check
step "cargo clippy" cargo clippy --workspace --all-targets --features pm-e2e/e2e,pm-deploy/e2e,pm-keeper/e2e -- -D warnings
step "cargo test (native: the math, the programs on TestVM, the runtime)" cargo test --workspace
step "wasm release build" script/build-wasm.sh
step "wasm size (limit 24,576 on-chain bytes)" script/size.sh
step "forge fmt --check" "$FORGE" fmt --check
step "forge build" "$FORGE" build
step "cargo test (end to end: the wasm and Foundry's artifacts on the devnet, and deployed on pm-node)" cargo test -p pm-e2e -p pm-deploy -p pm-keeper --features pm-e2e/e2e,pm-deploy/e2e,pm-keeper/e2e
step "forge test" "$FORGE" test
step "ABI drift check" script/abi.sh --check
printf '\nAll checks passed.\n'
