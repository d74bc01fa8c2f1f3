#!/usr/bin/env bash
# Packs every Stylus program of contracts/programs.tsv as `cargo stylus deploy` would, prints raw
# and on-chain bytes, and fails when one is above 24,576 on-chain bytes or differs by more than 2%
# from its committed size in test/results/sizes.json (growth is the regression to catch; a
# shrink past 2% must be recorded too, so the committed figures, and the README's, stay true).
# Run after script/build-wasm.sh.
#   script/size.sh                 check
#   UPDATE_SIZES=1 script/size.sh  rewrite test/results/sizes.json with today's sizes
set -euo pipefail
cd "$(dirname "$0")/.."
committed=test/results/sizes.json
measured=target/stylus/sizes.json
programs=()
while read -r name _ _ wasm _; do
  [ -f "$wasm" ] || { echo "size: $wasm is missing; run script/build-wasm.sh" >&2; exit 1; }
  programs+=("$name=$wasm")
done < <(script/programs.sh)
mkdir -p target/stylus
cargo run -q -p stylus-devnet --bin stylus-pack -- --out target/stylus --json "$measured" "${programs[@]}"
if [ "${UPDATE_SIZES:-0}" = 1 ]; then
  cp "$measured" "$committed"
  echo "size: wrote $committed"
  exit 0
fi
node -e '
  const [committed, measured] = process.argv.slice(1).map((f) => require(f));
  let failed = false;
  for (const [name, now] of Object.entries(measured)) {
    const before = committed[name];
    if (!before) { console.error(`size: ${name} has no committed size; run UPDATE_SIZES=1 script/size.sh`); failed = true; continue; }
    const change = (now.onchain - before.onchain) / before.onchain;
    if (Math.abs(change) > 0.02) { console.error(`size: ${name} changed ${(100 * change).toFixed(2)}% (${before.onchain} -> ${now.onchain} on-chain bytes), more than 2%; record it with UPDATE_SIZES=1 script/size.sh`); failed = true; }
  }
  for (const name of Object.keys(committed)) if (!measured[name]) { console.error(`size: ${name} is committed but not built`); failed = true; }
  process.exit(failed ? 1 : 0);
' "$PWD/$committed" "$PWD/$measured"
echo "size: every program within 2% of test/results/sizes.json"
