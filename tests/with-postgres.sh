#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server:
#   tests/with-postgres.sh .venv/bin/pytest
# The server lives in a temporary directory, listens on 127.0.0.1 only, and is
# stopped and deleted when the command ends. DATABASE_URL points at it.
set -euo pipefail

find_pg_bin() {
  for dir in ${PG_BIN:-} /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -Vr); do
    if [ -x "$dir/initdb" ]; then echo "$dir"; return 0; fi
  done
  return 1
}

if ! PG_BIN=$(find_pg_bin); then
  echo "PostgreSQL server binaries not found: installing Debian's postgresql package." >&2
  "$(dirname "$0")/apt-install.sh" postgresql
  PG_BIN=$(find_pg_bin)
fi

# PostgreSQL refuses to run as root: as root, run it as the postgres user.
as_pg=()
if [ "$(id -u)" = 0 ]; then
  as_pg=(runuser -u postgres --)
fi

dir=$(mktemp -d /tmp/bodylab-postgres.XXXXXX)
chmod 700 "$dir"
[ "$(id -u)" = 0 ] && chown postgres: "$dir"

cleanup() {
  "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${as_pg[@]}" "$PG_BIN/initdb" -D "$dir/data" -U postgres -E UTF8 --no-locale --auth=trust >"$dir/initdb.log"
# Durability settings are off: this server's data is thrown away.
options="-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
"${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -o "$options" start >/dev/null \
  || { cat "$dir/postgres.log" >&2; exit 1; }

"${as_pg[@]}" "$PG_BIN/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres \
  -c "CREATE ROLE bodylab LOGIN CREATEDB" -c "CREATE DATABASE bodylab OWNER bodylab" >/dev/null

export DATABASE_URL="postgres://bodylab@127.0.0.1:$port/bodylab"
# For the tests that stop and start this server (tests/postgres_server.py): pg_ctl, its data directory,
# log and start options, and the prefix that runs them as the postgres user (empty unless root).
export BODYLAB_PG_BIN="$PG_BIN" BODYLAB_PG_DATA="$dir/data" BODYLAB_PG_LOG="$dir/postgres.log"
export BODYLAB_PG_OPTIONS="$options" BODYLAB_PG_AS="${as_pg[*]}"
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
"$@"
