#!/usr/bin/env bash
# Generates, from the programs (export-abi and their doc comments, see script/abi-gen.js):
#   contracts/{vault,clearinghouse}/core/src/routes.rs      each core's routing table (its facets'
#                                                           functions), which the core compiles
#   abi/IVault.sol, abi/IClearinghouse.sol                  the Solidity interfaces, with NatSpec
#   abi/IVault.json, abi/IClearinghouse.json                their JSON ABIs (from forge's artifacts)
#   script/abi.sh           regenerate them all
#   script/abi.sh --check   fail when a committed file differs from what the programs export
#                           (run after `forge build`)
set -euo pipefail
cd "$(dirname "$0")/.."

check=0
[ "${1:-}" = "--check" ] && check=1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

export_abi() {
  cargo run -q -p "pm-$1" --features export-abi -- abi > "$tmp/$1.sol"
}
# Each family's facets: every program of contracts/programs.tsv named <family>-<part> but the core.
all_args=()
for family in vault clearinghouse; do
  facet_args=()
  for facet in $(script/programs.sh | awk -v f="$family-" 'index($1, f) == 1 && $1 != f "core" { print $1 }'); do
    export_abi "$facet"
    facet_args+=("$facet=$tmp/$facet.sol")
  done
  mkdir -p "$tmp/$family"
  node script/abi-gen.js routes "$tmp/$family" "${facet_args[@]}"
  rustfmt --edition 2021 --config-path rustfmt.toml "$tmp/$family/routes.rs"
  [ "$check" = 1 ] || cp "$tmp/$family/routes.rs" "contracts/$family/core/src/routes.rs"
  export_abi "$family-core"
  all_args+=("$family-core=$tmp/$family-core.sol" "${facet_args[@]}")
done
node script/abi-gen.js interfaces "$tmp" "${all_args[@]}"

json_from_artifact() {
  node -e 'const a = require(process.argv[1]); process.stdout.write(JSON.stringify(a.abi, null, 2) + "\n");' \
    "$PWD/out/$1.sol/$1.json"
}

if [ "$check" = 1 ]; then
  drift=0
  for pair in "abi/IVault.sol:IVault.sol" "abi/IClearinghouse.sol:IClearinghouse.sol" \
    "contracts/vault/core/src/routes.rs:vault/routes.rs" "contracts/clearinghouse/core/src/routes.rs:clearinghouse/routes.rs"; do
    diff -u "${pair%%:*}" "$tmp/${pair##*:}" || drift=1
  done
  for name in IVault IClearinghouse; do
    if [ ! -f "out/$name.sol/$name.json" ]; then
      echo "ABI check: out/$name.sol/$name.json is missing; run forge build first" >&2
      exit 1
    fi
    json_from_artifact "$name" > "$tmp/$name.json"
    diff -u "abi/$name.json" "$tmp/$name.json" || drift=1
  done
  if [ "$drift" = 1 ]; then
    echo "ABI drift: a committed interface or a core's routing table differs from the programs; run script/abi.sh" >&2
    exit 1
  fi
  echo "ABI: abi/IVault.{sol,json}, abi/IClearinghouse.{sol,json} and the cores' routes match the programs"
else
  cp "$tmp/IVault.sol" abi/IVault.sol
  cp "$tmp/IClearinghouse.sol" abi/IClearinghouse.sol
  node_modules/.bin/forge build --quiet
  json_from_artifact IVault > abi/IVault.json
  json_from_artifact IClearinghouse > abi/IClearinghouse.json
  echo "wrote abi/IVault.{sol,json}, abi/IClearinghouse.{sol,json} and contracts/{vault,clearinghouse}/core/src/routes.rs"
fi
