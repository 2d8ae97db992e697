#!/usr/bin/env bash
# PostgreSQL on 127.0.0.1:5432 for the hub's second engine (issue 13): the test command runs the hub
# suite on it. Installs Debian's postgresql when absent (trust auth on loopback only, as a test machine
# has it), starts the cluster when it is installed but stopped, and drops test databases a killed test
# run left behind. Idempotent.
set -euo pipefail

PGHOST_ADDR=127.0.0.1
PGPORT_NUM=5432

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  bash "$(dirname "$0")/ensure-system.sh" postgresql
  version=$(ls /etc/postgresql | sort -V | tail -1)
  hba=/etc/postgresql/$version/main/pg_hba.conf
  # Tests connect as postgres over loopback without a password; nothing else is opened.
  if ! grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
    sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  fi
fi

version=$(ls /etc/postgresql | sort -V | tail -1)
if ! pg_isready -q -h "$PGHOST_ADDR" -p "$PGPORT_NUM"; then
  echo "Starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 1 50); do
    pg_isready -q -h "$PGHOST_ADDR" -p "$PGPORT_NUM" && break
    sleep 0.2
  done
fi
pg_isready -q -h "$PGHOST_ADDR" -p "$PGPORT_NUM" || { echo "PostgreSQL did not come up on $PGHOST_ADDR:$PGPORT_NUM" >&2; exit 1; }

# Databases a killed test run could not drop (each test file makes its own: hub_test_<pid>_<time>_<random>).
# Only those whose test process is gone: another run may be using its own right now (a second test run, or
# a test run while `HUB_DATABASE_URL=… npm start` calls this script).
stale=$(psql -h "$PGHOST_ADDR" -p "$PGPORT_NUM" -U postgres -d postgres -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'hub\_test\_%'")
for db in $stale; do
  if [[ $db =~ _([0-9]+)_[0-9a-z]+_[0-9a-z]+$ ]] && [[ -d /proc/${BASH_REMATCH[1]} ]]; then
    continue
  fi
  psql -h "$PGHOST_ADDR" -p "$PGPORT_NUM" -U postgres -d postgres -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null
done
