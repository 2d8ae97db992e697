#!/usr/bin/env bash
# Shared by both README commands: system packages, npm packages, build. Safe to run again; it only does
# what is missing or out of date.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-system.sh

node_major=$(node -p 'process.versions.node.split(".")[0]')
if (( node_major < 20 )); then
  echo "Node.js 20 or newer is needed (found $(node --version))." >&2
  exit 1
fi

# npm packages: reinstall only when the lock file changed since the last successful install.
stamp=node_modules/.kiosk-install-stamp
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f $stamp || "$(cat "$stamp")" != "$want" ]]; then
  echo "Installing npm packages (native modules are built from source; this takes a few minutes)..."
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi

echo "Building..."
npx tsc -b
npm run --silent build -w @kiosk/kiosk-ui >/dev/null
