#!/usr/bin/env bash
# Starts (installing if needed) a PostgreSQL cluster for the LangGraph PostgresSaver tests, on
# 127.0.0.1:${ORDEAL_POSTGRES_PORT:-55432}, under .engines/postgres (or $ORDEAL_ENGINES_DIR/postgres, as every engine);
# idempotent. Prints the URL. `stop` stops it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="${ORDEAL_POSTGRES_PORT:-55432}"
base="${ORDEAL_ENGINES_DIR:-$root/.engines}/postgres"
data="$base/data"
sock="$base/run"
log="$base/postgres.log"
db=ordeal
url="postgresql://postgres@127.0.0.1:$port/$db"

find_bin() {
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then dirname "$(readlink -f "$(command -v pg_ctl)")"; return; fi
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)"
  if [ -n "$d" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; fi
}

bin="$(find_bin)"
# `postgres.sh stop` stops the cluster this script started
if [ "${1:-}" = stop ]; then
  [ -n "$bin" ] && [ -f "$data/PG_VERSION" ] || exit 0
  as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1 && as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >&2
  exit 0
fi
if [ -z "$bin" ]; then
  echo "postgres.sh: installing Debian's postgresql (pg_ctl/initdb not found)" >&2
  apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2
  bin="$(find_bin)"
  [ -n "$bin" ] || { echo "postgres.sh: pg_ctl still not found after apt-get install postgresql" >&2; exit 3; }
fi

# initdb and postgres refuse to run as root: run them as the 'postgres' user then
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

mkdir -p "$base" "$sock"
[ "$(id -u)" = 0 ] && chown postgres "$base" "$sock" && chmod 700 "$base"
touch "$log"; [ "$(id -u)" = 0 ] && chown postgres "$log"

if [ ! -f "$data/PG_VERSION" ]; then
  as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 >&2
fi

if ! as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  as_owner "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $sock -c fsync=on" start >&2
fi

for _ in $(seq 1 60); do
  "$bin/pg_isready" -h 127.0.0.1 -p "$port" -q && break
  sleep 0.5
done
"$bin/pg_isready" -h 127.0.0.1 -p "$port" -q || { echo "postgres.sh: PostgreSQL did not answer on 127.0.0.1:$port; see $log" >&2; exit 3; }

if ! "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc "select 1 from pg_database where datname='$db'" | grep -q 1; then
  "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$db"
fi
echo "$url"
