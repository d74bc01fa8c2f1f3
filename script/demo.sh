#!/usr/bin/env bash
# The project's main job: builds the Stylus programs and the Solidity markets, starts an Arbitrum
# devnet in-process, deploys the whole engine from its real wasm, opens a hedged and an unhedged
# book, shows what portfolio margin releases against isolated margin, shocks prices, shows who
# becomes liquidatable and what the engine then allows, and prints the gas of every step.
set -euo pipefail
cd "$(dirname "$0")/.."
script/setup.sh
echo "==> building the Stylus programs (the vault and the clearinghouse for size, the risk program for speed)"
script/build-wasm.sh
echo
echo "==> packing them as \`cargo stylus deploy\` publishes them (on-chain bytes against the 24,576 limit)"
script/size.sh
echo
echo "==> compiling the Solidity markets and mocks"
node_modules/.bin/forge build --quiet
echo
echo "==> the demo"
cargo run -q -p pm-e2e --bin pm-demo
