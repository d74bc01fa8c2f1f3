#!/usr/bin/env bash
# Generates abi/IPortfolioMargin.sol (the vault's and the clearinghouse's interfaces, from the
# programs) and abi/IPortfolioMargin.json, abi/IClearinghouse.json (from the compiled interfaces
# in out/, so run after `forge build`).
#   script/abi.sh           regenerate both files
#   script/abi.sh --check   fail when the committed files differ from what the contract exports
set -euo pipefail
cd "$(dirname "$0")/.."

check=0
[ "${1:-}" = "--check" ] && check=1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cargo run -q -p pm-engine --features export-abi -- abi > "$tmp/vault.sol"
for facet in "" ",admin" ",views"; do
  cargo run -q -p pm-clearinghouse --features "export-abi$facet" -- abi
done > "$tmp/clearinghouse.sol"
node script/abi-gen.js "$tmp/vault.sol" "$tmp/clearinghouse.sol" > "$tmp/IPortfolioMargin.sol"

json_from_artifact() {
  node -e 'const a = require(process.argv[1]); process.stdout.write(JSON.stringify(a.abi, null, 2) + "\n");' \
    "$PWD/out/IPortfolioMargin.sol/$1.json"
}

if [ "$check" = 1 ]; then
  if ! diff -u abi/IPortfolioMargin.sol "$tmp/IPortfolioMargin.sol"; then
    echo "ABI drift: abi/IPortfolioMargin.sol differs from the contract's interface; run script/abi.sh" >&2
    exit 1
  fi
  for name in IPortfolioMargin IClearinghouse; do
    if [ ! -f "out/IPortfolioMargin.sol/$name.json" ]; then
      echo "ABI check: out/IPortfolioMargin.sol/$name.json is missing; run forge build first" >&2
      exit 1
    fi
    json_from_artifact "$name" > "$tmp/$name.json"
    if ! diff -u "abi/$name.json" "$tmp/$name.json"; then
      echo "ABI drift: abi/$name.json differs from the compiled interface; run script/abi.sh" >&2
      exit 1
    fi
  done
  echo "ABI: abi/IPortfolioMargin.sol, abi/IPortfolioMargin.json and abi/IClearinghouse.json match the programs"
else
  cp "$tmp/IPortfolioMargin.sol" abi/IPortfolioMargin.sol
  node_modules/.bin/forge build --quiet
  json_from_artifact IPortfolioMargin > abi/IPortfolioMargin.json
  json_from_artifact IClearinghouse > abi/IClearinghouse.json
  echo "wrote abi/IPortfolioMargin.sol, abi/IPortfolioMargin.json and abi/IClearinghouse.json"
fi
