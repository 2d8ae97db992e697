#!/usr/bin/env bash
# The README's run command: set up what is missing, build, then start the whole system.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec node scripts/start.mjs "$@"
