#!/usr/bin/env bash
# The project's main job. Today: build every Stylus program, pack it exactly as `cargo stylus
# deploy` publishes it, and show what would be deployed. The in-process devnet and the margin
# demo (deploy, trade, shock prices, liquidate) are the next milestones; see README "Status".
set -euo pipefail
cd "$(dirname "$0")/.."
script/setup.sh
echo "==> building the Stylus programs (wasm: the vault for size, the risk program for speed)"
script/build-wasm.sh
echo
echo "==> packing them for deployment (target/stylus/<program>.code and .initcode)"
script/size.sh
echo
for code in target/stylus/*.code; do
  name=$(basename "$code" .code)
  printf '%s: deployment init code %s bytes (43-byte prelude + EF F0 00 00 + brotli-11 wasm)\n' \
    "$name" "$(wc -c < "target/stylus/$name.initcode")"
done
echo
echo "==> the engine's Solidity interface (abi/IPortfolioMargin.sol), functions:"
grep -E '^\s+function ' abi/IPortfolioMargin.sol | sed 's/^ */  /'
