#!/usr/bin/env bash
# PostgreSQL on 127.0.0.1:5432 for the hub's second engine (issue 13): the test command runs the hub
# suite on it. Installs Debian's postgresql when absent (trust auth on loopback only, as a test machine
# has it), starts the cluster when it is installed but stopped, and drops test databases a killed test
# run left behind. Idempotent.
set -euo pipefail

PGHOST_ADDR=127.0.0.1
PGPORT_NUM=5432

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "PostgreSQL is not installed. Run: sudo apt-get install -y --no-install-recommends postgresql" >&2
    exit 1
  fi
  echo "Installing Debian package: postgresql"
  policy=/usr/sbin/policy-rc.d
  created_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy"
    chmod +x "$policy"
    created_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  [[ $created_policy -eq 1 ]] && rm -f "$policy"
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

# Databases a killed test run could not drop (each test file makes its own: hub_test_<pid>_<n>).
stale=$(psql -h "$PGHOST_ADDR" -p "$PGPORT_NUM" -U postgres -d postgres -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'hub\_test\_%'")
for db in $stale; do
  psql -h "$PGHOST_ADDR" -p "$PGPORT_NUM" -U postgres -d postgres -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null
done
