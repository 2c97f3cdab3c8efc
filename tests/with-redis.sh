#!/usr/bin/env bash
# Run a command against a throwaway Redis server, as tests/with-postgres.sh does for PostgreSQL:
#   tests/with-redis.sh .venv/bin/pytest
# Debian's redis-server on 127.0.0.1 only, its files in a temporary directory, nothing saved to disk;
# stopped and deleted when the command ends. REDIS_URL points at it (bodylab/settings.py then caches there).
set -euo pipefail

if ! command -v redis-server >/dev/null; then
  echo "redis-server not found: installing Debian's redis-server package." >&2
  "$(dirname "$0")/apt-install.sh" redis-server
  service redis-server stop >/dev/null 2>&1 || true # the package may start a system server: we use our own
fi

dir=$(mktemp -d /tmp/bodylab-redis.XXXXXX)
cleanup() {
  if [ -f "$dir/redis.pid" ]; then kill "$(cat "$dir/redis.pid")" 2>/dev/null || true; fi
  for _ in $(seq 50); do [ -f "$dir/redis.pid" ] || break; sleep 0.1; done
  rm -rf "$dir"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --save '' --appendonly no \
  --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
for _ in $(seq 50); do
  redis-cli -p "$port" ping >/dev/null 2>&1 && break
  sleep 0.1
done
redis-cli -p "$port" ping >/dev/null || { cat "$dir/redis.log" >&2; exit 1; }

export REDIS_URL="redis://127.0.0.1:$port/0"
echo "Redis $(redis-server --version | sed -e 's/.*v=\([^ ]*\).*/\1/') on 127.0.0.1:$port" >&2
"$@"
