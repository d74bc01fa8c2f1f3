#!/usr/bin/env bash
# Generates abi/IPortfolioMargin.sol (from the contract) and abi/IPortfolioMargin.json (from the
# compiled interface in out/, so run after `forge build`).
#   script/abi.sh           regenerate both files
#   script/abi.sh --check   fail when the committed files differ from what the contract exports
set -euo pipefail
cd "$(dirname "$0")/.."

check=0
[ "${1:-}" = "--check" ] && check=1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cargo run -q -p pm-engine --features export-abi -- abi > "$tmp/export.sol"
node script/abi-gen.js < "$tmp/export.sol" > "$tmp/IPortfolioMargin.sol"

artifact=out/IPortfolioMargin.sol/IPortfolioMargin.json
json_from_artifact() {
  node -e 'const a = require(process.argv[1]); process.stdout.write(JSON.stringify(a.abi, null, 2) + "\n");' \
    "$PWD/$artifact"
}

if [ "$check" = 1 ]; then
  if ! diff -u abi/IPortfolioMargin.sol "$tmp/IPortfolioMargin.sol"; then
    echo "ABI drift: abi/IPortfolioMargin.sol differs from the contract's interface; run script/abi.sh" >&2
    exit 1
  fi
  if [ ! -f "$artifact" ]; then
    echo "ABI check: $artifact is missing; run forge build first" >&2
    exit 1
  fi
  json_from_artifact > "$tmp/IPortfolioMargin.json"
  if ! diff -u abi/IPortfolioMargin.json "$tmp/IPortfolioMargin.json"; then
    echo "ABI drift: abi/IPortfolioMargin.json differs from the compiled interface; run script/abi.sh" >&2
    exit 1
  fi
  echo "ABI: abi/IPortfolioMargin.{sol,json} match the contract"
else
  cp "$tmp/IPortfolioMargin.sol" abi/IPortfolioMargin.sol
  node_modules/.bin/forge build --quiet
  json_from_artifact > abi/IPortfolioMargin.json
  echo "wrote abi/IPortfolioMargin.sol and abi/IPortfolioMargin.json"
fi
