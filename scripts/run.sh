#!/usr/bin/env bash
# The README's run command: set up what is missing, build, then start the whole system.
# `HUB_DATABASE_URL=postgres://127.0.0.1/kiosk npm start` runs the same demo with the hub on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [[ -n "${HUB_DATABASE_URL:-}" ]]; then
  source scripts/demo-postgres.sh
fi
exec node scripts/start.mjs "$@"
