#!/usr/bin/env bash
# The side-by-side benchmark (issue 12): the Stylus risk program and the same model in Solidity
# (contracts/solidity/reference) on the same requests, 1 to 128 options over 1 to 4 underlyings
# and Derive's book, in one run on the devnet. Builds what it needs, then writes
# test/results/solidity-reference-gas.json and test/results/solidity-reference.svg and prints the
# table the README carries (crates/e2e/tests/readme.rs checks the README against the results).
# The plot also draws the engine's whole accountMargin on Derive's book, so derive_gas runs first
# and refreshes test/results/derive-gas.json.
set -euo pipefail
cd "$(dirname "$0")/.."
script/setup.sh
script/build-wasm.sh
node_modules/.bin/forge build
UPDATE_GAS=1 cargo test -p pm-e2e --features e2e --test derive_gas
UPDATE_GAS=1 cargo test -p pm-e2e --features e2e --test solidity_reference \
  gas_of_the_stylus_program_and_the_solidity_reference -- --nocapture
