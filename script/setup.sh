#!/usr/bin/env bash
# Installs what the project needs on a fresh machine (stock rustup, node and npm assumed):
# the pinned toolchain with rustfmt, clippy, rust-src and the wasm target; the pinned npm
# packages (Foundry, solc, forge-std). Idempotent and quiet when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."

toolchain=$(sed -n 's/^channel = "\(.*\)"/\1/p' rust-toolchain.toml)
if ! rustup run "$toolchain" rustc --version >/dev/null 2>&1; then
  echo "setup: installing Rust $toolchain"
  rustup toolchain install "$toolchain" --profile minimal \
    --component rustfmt --component clippy --component rust-src --target wasm32-unknown-unknown
fi
installed=$(rustup component list --toolchain "$toolchain" --installed)
for component in rustfmt clippy rust-src; do
  grep -q "^$component" <<<"$installed" || rustup component add --toolchain "$toolchain" "$component"
done
grep -q "^rust-std-wasm32-unknown-unknown" <<<"$installed" ||
  rustup target add --toolchain "$toolchain" wasm32-unknown-unknown

stamp=node_modules/.pm-package-lock.json
if ! cmp -s package-lock.json "$stamp" 2>/dev/null; then
  echo "setup: installing npm packages"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
