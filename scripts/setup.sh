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
  # JOBS: node-gyp compiles a native module's sources side by side (better-sqlite3's SQLite and its binding).
  JOBS=max npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi

echo "Building..."
# The UI compiles @kiosk/protocols from its sources (vite.config.ts), not from tsc's output: the two builds
# run side by side, one core each.
npx tsc -b &
tsc_pid=$!
# The UI is rebuilt only when its sources changed: a rebuild empties kiosk-ui/dist, which a running demo
# or a browser test may be serving at that moment.
ui_stamp=kiosk-ui/dist/.source-hash
ui_hash=$(find kiosk-ui/src protocols/src kiosk-ui/vite.config.ts kiosk-ui/precompress.ts kiosk-ui/scripts kiosk-ui/svelte.config.js kiosk-ui/package.json \
  package-lock.json -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
if [[ ! -f $ui_stamp || "$(cat "$ui_stamp")" != "$ui_hash" ]]; then
  if ! npm run --silent build -w @kiosk/kiosk-ui >/dev/null; then
    kill "$tsc_pid" 2>/dev/null || true
    exit 1
  fi
  echo "$ui_hash" > "$ui_stamp"
fi
wait "$tsc_pid"
