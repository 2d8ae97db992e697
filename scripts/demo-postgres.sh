#!/usr/bin/env bash
# Sourced by run.sh when HUB_DATABASE_URL is set (issue 13). For a server on this machine it makes sure
# PostgreSQL runs and the named database exists (the hub creates its tables, not its database). The demo's
# records then live in that database, so the demo keeps its own data directory per database: the kiosk
# enrolled with a SQLite hub is not a kiosk the PostgreSQL hub knows. DEMO_DATA_PREFIX (run.sh --cluster sets
# `cluster`) names that directory: data/<prefix>-<database>, default data/postgres-<database>.
demo_data_prefix=${DEMO_DATA_PREFIX:-postgres}
database_url_re='^postgres(ql)?://([^@/]*@)?(localhost|127\.0\.0\.1|\[::1\])(:([0-9]+))?/([A-Za-z0-9_]+)([?].*)?$'
if [[ "$HUB_DATABASE_URL" =~ $database_url_re ]]; then
  bash scripts/ensure-postgres.sh
  pg_port=${BASH_REMATCH[5]:-5432}
  pg_database=${BASH_REMATCH[6]}
  pg_user_part=${BASH_REMATCH[2]}
  if [[ -z $(psql -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$pg_database'") ]]; then
    echo "Creating PostgreSQL database $pg_database"
    psql -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -qc "CREATE DATABASE \"$pg_database\"" >/dev/null
  fi
  export KIOSK_DATA_DIR="${KIOSK_DATA_DIR:-$PWD/data/$demo_data_prefix-$pg_database}"
  # A URL without a user (the README's postgres://127.0.0.1/kiosk): the hub connects as the role this
  # script created the database with, not as the operating-system user (libpq's and the hub's default when
  # PGUSER is unset), who usually has no role on a freshly installed server.
  if [[ -z $pg_user_part ]]; then
    export PGUSER="${PGUSER:-postgres}"
  fi
else
  # A remote server: the operator runs it and creates the database; the hub refuses clearly if it cannot reach it.
  export KIOSK_DATA_DIR="${KIOSK_DATA_DIR:-$PWD/data/$demo_data_prefix}"
fi
