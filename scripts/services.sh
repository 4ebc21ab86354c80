#!/usr/bin/env bash
# Start the services the test suite needs and print the PostgreSQL admin URL on stdout.
# Installs PostgreSQL from Debian packages when it is missing (needs root, as on CI).
# Idempotent: safe to run before every test run. All chatter goes to stderr.
set -euo pipefail

PG_USER=helix
PG_PASS=helix
PG_PORT=${HELIX_TEST_PG_PORT:-5432}

log() { printf 'services: %s\n' "$*" >&2; }

if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    log "PostgreSQL is not installed and this is not root: install the 'postgresql' package."
    exit 1
  fi
  log "installing PostgreSQL from Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi

if ! pg_lsclusters -h 2>/dev/null | grep -q .; then
  version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  log "creating PostgreSQL cluster $version/main"
  pg_createcluster "$version" main --port "$PG_PORT" >&2
fi

read -r version cluster port status _ < <(pg_lsclusters -h | head -n 1)
if [ "$status" != online ]; then
  log "starting PostgreSQL $version/$cluster on port $port"
  pg_ctlcluster "$version" "$cluster" start >&2
fi

for _ in $(seq 1 30); do
  if su postgres -c "psql -p $port -tAc 'select 1'" >/dev/null 2>&1; then break; fi
  sleep 0.5
done

su postgres -c "psql -p $port -v ON_ERROR_STOP=1 -tAc \"DO \\\$\\\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
    CREATE ROLE $PG_USER LOGIN SUPERUSER PASSWORD '$PG_PASS';
  END IF; END \\\$\\\$;\"" >&2

echo "postgresql+psycopg://$PG_USER:$PG_PASS@127.0.0.1:$port/postgres"
