#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on a loopback port, as a non-root user, for the PostgreSQL tests.
# Source it, then call `pg_start` (exports SERVICEDESK_POSTGRES) and `pg_stop`. Installs PostgreSQL from Debian's
# packages when it is absent.
set -euo pipefail

PG_PORT="${PG_PORT:-55432}"
PG_DIR="${PG_DIR:-/tmp/servicedesk-pg-$$}"

pg_bin() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    echo "== installing PostgreSQL from Debian packages" >&2
    if [ "$(id -u)" = 0 ]; then
      DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    else
      sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
      sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    fi
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  echo "$bin"
}

# Runs a command as the cluster's owner: the current user, or 'postgres' when we are root (PostgreSQL refuses root).
pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then
    id -u postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    su postgres -s /bin/bash -c "$(printf '%q ' "$@")"
  else
    "$@"
  fi
}

pg_port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pg_start() {
  local bin
  bin=$(pg_bin)
  while ! pg_port_free "$PG_PORT"; do PG_PORT=$((PG_PORT + 1)); done
  rm -rf "$PG_DIR"
  mkdir -p "$PG_DIR"
  [ "$(id -u)" = 0 ] && { id -u postgres >/dev/null 2>&1 || pg_as_owner true; chown postgres "$PG_DIR"; }
  pg_as_owner "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null
  pg_as_owner "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$PG_DIR -c max_connections=200 -c fsync=off" start >/dev/null \
    || { echo "PostgreSQL did not start; its log:" >&2; cat "$PG_DIR/server.log" >&2; return 1; }
  pg_as_owner "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres servicedesk
  export SERVICEDESK_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=servicedesk;Maximum Pool Size=50"
  echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') listening on 127.0.0.1:$PG_PORT"
}

pg_stop() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$bin" ] && [ -d "$PG_DIR/data" ]; then
    pg_as_owner "$bin/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$PG_DIR"
}
