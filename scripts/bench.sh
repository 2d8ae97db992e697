#!/usr/bin/env bash
# `npm run bench`: builds, then prints each benchmark's figures and ratios. Nothing here passes or fails
# on a number; compare runs by their ratios, the machine is shared.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== spine: outbox, and agent → hub drain on each engine (SQLite, PostgreSQL) as a ratio to the engine's raw batched inserts"
node test/dist/bench/sync.bench.js
echo "== fleet: heap per connection, heartbeats and event acks at 500/1,000/2,000 events/s per fleet size (BENCH_KIOSKS, default 1000,2000)"
node test/dist/bench/fleet-load.bench.js
echo "== fleet on PostgreSQL: event acks with 1,000 kiosks at 500 events/s (SQLite's: the 1000 kiosks, 500 events/s line above)"
BENCH_ENGINE=postgres BENCH_KIOSKS=1000 BENCH_EVENT_RATES=500 BENCH_STORM_KIOSKS=0 node test/dist/bench/fleet-load.bench.js
echo "== cluster: one hub process against two on PostgreSQL + Redis (BENCH_CLUSTER_KIOSKS, default 1000,5000), and a reconnect storm of 5,000 kiosks with one process SIGKILLed"
node test/dist/bench/cluster-load.bench.js
echo "== card: My Number card over pcscd + vpcd"
node devices/dist/card/bench/card.bench.js
echo "== peripherals: frame parsers and ccTalk round trip"
node devices/dist/bench/peripherals.bench.js
echo "== lottery: draw of 1,000,000 entries over 10,000 slots and its re-run"
node central-hub/dist/tools/bench-draw.js
