#!/usr/bin/env bash
# The README's run command: set up what is missing, build, then start the whole system.
# `HUB_DATABASE_URL=postgres://127.0.0.1/kiosk npm start` runs the same demo with the hub on PostgreSQL.
# `npm run start:cluster` (run.sh --cluster, issue 14) runs it with two hub processes on PostgreSQL
# (HUB_DATABASE_URL, default postgres://127.0.0.1/kiosk_cluster) joined by Redis (HUB_REDIS_URL, default
# redis://127.0.0.1:6379), its files in ./data/cluster-<database>/.
set -euo pipefail
cd "$(dirname "$0")/.."
cluster=0
if [[ ${1:-} == --cluster ]]; then
  cluster=1
  shift
fi
bash scripts/setup.sh
if (( cluster )); then
  export HUB_DATABASE_URL="${HUB_DATABASE_URL:-postgres://127.0.0.1/kiosk_cluster}"
  export HUB_REDIS_URL="${HUB_REDIS_URL:-redis://127.0.0.1:6379}"
  # Redis on this machine's default port: started (installed when absent, as root) like the test command
  # does; any other Redis is the operator's, and the hub refuses clearly when it does not answer.
  if [[ $HUB_REDIS_URL =~ ^redis://([^@/]*@)?(localhost|127\.0\.0\.1|\[::1\])(:6379)?/?$ ]]; then
    bash scripts/ensure-redis.sh
  fi
  DEMO_DATA_PREFIX=cluster
fi
if [[ -n "${HUB_DATABASE_URL:-}" ]]; then
  source scripts/demo-postgres.sh
fi
if (( cluster )); then
  exec node scripts/start.mjs --cluster "$@"
fi
exec node scripts/start.mjs "$@"
