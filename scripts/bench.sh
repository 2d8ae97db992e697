#!/usr/bin/env bash
# `npm run bench`: builds, then prints each benchmark's figures and ratios. Nothing here passes or fails
# on a number; compare runs by their ratios, the machine is shared.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== spine: outbox and agent → hub sync"
node test/dist/bench/sync.bench.js
