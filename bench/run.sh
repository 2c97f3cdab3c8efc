#!/usr/bin/env bash
# `make bench`: the site under gunicorn against nginx serving the same article as a static file.
#
# Everything runs on 127.0.0.1 in a temporary directory and is stopped and deleted at the end, also
# on failure or Ctrl-C (trap): a throwaway PostgreSQL and Redis, four gunicorns (2 sync workers each:
# the site with PAGE_CACHE=0, the site with it unset and REDIS_URL set as in production, the same with
# no REDIS_URL (file cache), bench/template_only.py), two nginx (the article as a static file; the
# micro-cache of deploy/nginx.conf in front of the Redis gunicorn, bench/nginx-micro-cache.conf).
# It measures, it does not test: `make test` never runs this.
# Results: bench/results.md (printed too). See the README's "Performance" section.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PY:-$ROOT/.venv/bin/python}
GUNICORN=$(dirname "$PY")/gunicorn
ARTICLE=/articles/walking-foot-pain-and-why-real-change-takes-time/
TOPIC=/topics/gait/
started_at=$(date +%s)
load_at_start=$(cut -d' ' -f1 /proc/loadavg)

step() { printf '\n== %s (%ss) ==\n' "$*" "$(($(date +%s) - started_at))"; }

# What it needs: Debian's wrk, nginx and redis-server, PostgreSQL's server binaries.
find_pg_bin() {
  for dir in ${PG_BIN:-} /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -Vr); do
    if [ -x "$dir/initdb" ]; then echo "$dir"; return 0; fi
  done
  return 1
}
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
find_pg_bin >/dev/null || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "make bench needs ${missing[*]}: install them (sudo apt-get install ${missing[*]}) or run it as root." >&2
    exit 1
  fi
  step "Installing Debian's ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian's nginx and redis-server packages may start system servers (ports 80, 6379): the
  # benchmark starts its own.
  for service in nginx redis-server; do
    if [[ " ${missing[*]} " == *" $service "* ]]; then
      service "$service" stop >/dev/null 2>&1 || true
    fi
  done
fi
PG_BIN=$(find_pg_bin)
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
# Django's RedisCache needs the redis package (requirements.txt; `make bench` installs it).
if ! "$PY" -c 'import redis' 2>/dev/null; then
  echo "The redis Python package is missing from $PY's environment: pip install -r requirements.txt" >&2
  exit 1
fi

as_pg=()
[ "$(id -u)" = 0 ] && as_pg=(runuser -u postgres --)

work=$(mktemp -d /tmp/bodylab-bench.XXXXXX)
chmod 755 "$work" # nginx's workers (user nobody) read the static page from here
mkdir -p "$work/pg" "$work/results" "$work/site" "$work/static" "$work/media" "$work/nginx" \
  "$work/nginx-micro-cache" "$work/redis"
chmod 700 "$work/pg"
[ "$(id -u)" = 0 ] && chown postgres: "$work/pg"
pids=()

cleanup() {
  status=$?
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do
    kill -INT "$pid" 2>/dev/null || true # quick shutdown for gunicorn and nginx: no waiting for queued requests
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$work/pg/data" -m fast -w stop >/dev/null 2>&1 || true
  if [ -s "$work/redis/redis.pid" ]; then # it daemonized: not a child of this script
    redis_pid=$(cat "$work/redis/redis.pid")
    kill "$redis_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$redis_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$redis_pid" 2>/dev/null || true
  fi
  if [ "$status" != 0 ]; then
    echo "make bench failed (exit $status). Last lines of the server logs:" >&2
    tail -n 20 "$work"/*.log "$work/pg/postgres.log" "$work/redis/redis.log" >&2 2>/dev/null || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_for() { # URL: until it answers at all (any status), for up to 30 s
  for _ in $(seq 300); do
    curl -s -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "$1 did not answer" >&2
  return 1
}

step "A throwaway PostgreSQL"
# Unlike tests/with-postgres.sh, PostgreSQL's own defaults (fsync on): saves cost what they cost in production.
pg_port=$(free_port)
"${as_pg[@]}" "$PG_BIN/initdb" -D "$work/pg/data" -U postgres -E UTF8 --no-locale --auth=trust >"$work/pg/initdb.log"
"${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$work/pg/data" -l "$work/pg/postgres.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $work/pg" start >/dev/null
"${as_pg[@]}" "$PG_BIN/psql" -q -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres \
  -c "CREATE ROLE bodylab LOGIN" -c "CREATE DATABASE bodylab OWNER bodylab" >/dev/null
pg_pid=$(head -n 1 "$work/pg/data/postmaster.pid")

step "A throwaway Redis"
# Nothing saved to disk (no RDB snapshots, no append-only file): a cache, as in production.
redis_port=$(free_port)
redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$work/redis" --save '' --appendonly no \
  --daemonize yes --pidfile "$work/redis/redis.pid" --logfile "$work/redis/redis.log" --loglevel warning
for _ in $(seq 100); do
  [ -s "$work/redis/redis.pid" ] && redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1 && break
  sleep 0.1
done
redis_pid=$(cat "$work/redis/redis.pid")
redis_url="redis://127.0.0.1:$redis_port/0"

# The site's settings, from the environment as in production (README, "Configuration"); plain HTTP on
# 127.0.0.1, so no redirect to https (NOTES.md: otherwise wrk measures 301s).
export DATABASE_URL="postgres://bodylab@127.0.0.1:$pg_port/bodylab"
export SECRET_KEY="bench-$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
export DEBUG=0 SECURE_SSL_REDIRECT=0 ALLOWED_HOSTS=127.0.0.1,localhost
export STATIC_ROOT="$work/static" MEDIA_ROOT="$work/media" CACHE_DIR="$work/cache" LOG_LEVEL=WARNING
unset PAGE_CACHE SECURE_PROXY_SSL_HEADER REDIS_URL

step "Migrate, demo content, static files"
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py load_demo_content >/dev/null
"$PY" manage.py render_articles
"$PY" manage.py collectstatic --noinput -v0

start_gunicorn() { # NAME PORT [VAR=VALUE...]: its master's pid in $gunicorn_pid
  local name=$1 port=$2
  shift 2
  env "$@" "$GUNICORN" bodylab.wsgi --bind "127.0.0.1:$port" --workers 2 --worker-class sync \
    --error-logfile "$work/$name.log" >>"$work/$name.log" 2>&1 &
  gunicorn_pid=$!
  pids+=("$gunicorn_pid")
  wait_for "http://127.0.0.1:$port/robots.txt"
}

uncached_port=$(free_port)
start_gunicorn gunicorn-page-cache-off "$uncached_port" PAGE_CACHE=0
uncached_pid=$gunicorn_pid
uncached="http://127.0.0.1:$uncached_port"

step "The article with the demo content only (3 articles)"
PAGE_CACHE=0 "$PY" bench/inprocess.py queries "$work/results/queries-small.json" "$ARTICLE"
"$PY" bench/load.py run "$work/results/row-03.json" --name "article (gait), demo site: 3 articles" \
  --url "$uncached$ARTICLE" --pid "$uncached_pid" --db-pid "$pg_pid" --page-cache 0 \
  --queries "$work/results/queries-small.json" --key article-off-demo

step "Generating the large site"
"$PY" bench/generate_site.py | tee "$work/generate.txt"

# The page cache on (PAGE_CACHE unset), in Redis as in production; and once in the file cache.
cached_port=$(free_port)
start_gunicorn gunicorn-page-cache-default "$cached_port" -u PAGE_CACHE REDIS_URL="$redis_url"
cached_pid=$gunicorn_pid
cached="http://127.0.0.1:$cached_port"
file_cached_port=$(free_port)
start_gunicorn gunicorn-page-cache-file "$file_cached_port" -u PAGE_CACHE -u REDIS_URL
file_cached_pid=$gunicorn_pid
file_cached="http://127.0.0.1:$file_cached_port"

step "nginx serving the article as a static file"
mkdir -p "$work/site$ARTICLE"
curl -sf -o "$work/site$ARTICLE/index.html" "$uncached$ARTICLE"
chmod -R a+rX "$work/site"
nginx_port=$(free_port)
sed -e "s|@ROOT@|$work/site|; s|@PORT@|$nginx_port|; s|@WORK@|$work/nginx|g" bench/nginx.conf >"$work/nginx/nginx.conf"
"$NGINX" -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx.log" -g "daemon off;" &
nginx_pid=$!
pids+=("$nginx_pid")
wait_for "http://127.0.0.1:$nginx_port$ARTICLE"

step "nginx's micro-cache (deploy/nginx-micro-cache.conf) in front of the page-cache-on gunicorn"
micro_port=$(free_port)
sed -e "s|@PORT@|$micro_port|; s|@UPSTREAM@|127.0.0.1:$cached_port|; s|@DEPLOY@|$ROOT/deploy|g" \
  -e "s|@WORK@|$work/nginx-micro-cache|g" bench/nginx-micro-cache.conf >"$work/nginx-micro-cache/nginx.conf"
"$NGINX" -p "$work/nginx-micro-cache" -c "$work/nginx-micro-cache/nginx.conf" -e "$work/nginx-micro-cache.log" \
  -g "daemon off;" &
micro_pid=$!
pids+=("$micro_pid")
micro="http://127.0.0.1:$micro_port"
wait_for "$micro$ARTICLE"
# What the micro-cache does with the article: stored only if Django marks it public (HIT the second time).
for _ in 1 2; do
  echo "  X-Micro-Cache: $(curl -s -o /dev/null -D - "$micro$ARTICLE" | tr -d '\r' | sed -n 's/^[Xx]-[Mm]icro-[Cc]ache: //p')," \
    "Cache-Control: $(curl -s -o /dev/null -D - "$cached$ARTICLE" | tr -d '\r' | sed -n 's/^[Cc]ache-[Cc]ontrol: //p')"
done

step "Django serving the same page from a template, no database (bench/template_only.py)"
mkdir -p "$work/template"
cp "$work/site$ARTICLE/index.html" "$work/template/article.html"
if grep -q '{[{%#]' "$work/template/article.html"; then
  echo "The saved page holds template syntax: the template-only row would not render the same page." >&2
  exit 1
fi
template_port=$(free_port)
start_gunicorn gunicorn-template-only "$template_port" PYTHONPATH="$ROOT/bench" \
  DJANGO_SETTINGS_MODULE=template_only BENCH_TEMPLATE_DIR="$work/template"
template_pid=$gunicorn_pid

step "SQL queries per page, in-process"
pages=("$ARTICLE" / "$TOPIC" /feeds/atom/ "/search/?q=tendon")
PAGE_CACHE=0 "$PY" bench/inprocess.py queries "$work/results/queries-cache-off.json" "${pages[@]}"
env -u PAGE_CACHE REDIS_URL="$redis_url" "$PY" bench/inprocess.py queries \
  "$work/results/queries-cache-default.json" "${pages[@]}"
env -u PAGE_CACHE "$PY" bench/inprocess.py queries "$work/results/queries-cache-file.json" "$ARTICLE"

step "Load: wrk against each server"
"$PY" bench/load.py run "$work/results/row-01.json" --name "nginx: the article as a static file" \
  --url "http://127.0.0.1:$nginx_port$ARTICLE" --pid "$nginx_pid" --page-cache "–" --key nginx-static
"$PY" bench/load.py run "$work/results/row-02.json" --name "Django: the same page from a template, no database" \
  --url "http://127.0.0.1:$template_port$ARTICLE" --pid "$template_pid" --page-cache "–" --key template-only
# The article: page cache off, on (Redis), on (file cache), and through nginx's micro-cache. Redis's CPU
# counts with the server's; nginx's and gunicorn's (and Redis's) both for the micro-cache. No SQL query
# count for that one: most of its requests never reach Django.
"$PY" bench/load.py run "$work/results/row-04.json" --name "article (gait)" --url "$uncached$ARTICLE" \
  --pid "$uncached_pid" --db-pid "$pg_pid" --page-cache 0 --queries "$work/results/queries-cache-off.json" \
  --key article-off
"$PY" bench/load.py run "$work/results/row-05.json" --name "article (gait), cached" --url "$cached$ARTICLE" \
  --pid "$cached_pid" "$redis_pid" --db-pid "$pg_pid" --page-cache unset \
  --queries "$work/results/queries-cache-default.json" --key article-cached
"$PY" bench/load.py run "$work/results/row-06.json" --name "article (gait), cached, file cache (no REDIS_URL)" \
  --url "$file_cached$ARTICLE" --pid "$file_cached_pid" --db-pid "$pg_pid" --page-cache unset \
  --queries "$work/results/queries-cache-file.json" --key article-cached-file
"$PY" bench/load.py run "$work/results/row-07.json" \
  --name "article (gait) through nginx's micro-cache (deploy/nginx.conf)" --url "$micro$ARTICLE" \
  --pid "$micro_pid" "$cached_pid" "$redis_pid" --db-pid "$pg_pid" --page-cache unset --key micro-cache
n=8
for page in "home page|/" "topic page (Gait)|$TOPIC" "Atom feed|/feeds/atom/" "search “tendon”|/search/?q=tendon"; do
  name=${page%%|*} path=${page#*|}
  "$PY" bench/load.py run "$work/results/row-$(printf %02d $n).json" --name "$name" --url "$uncached$path" \
    --pid "$uncached_pid" --db-pid "$pg_pid" --page-cache 0 --queries "$work/results/queries-cache-off.json"
  "$PY" bench/load.py run "$work/results/row-$(printf %02d $((n + 1))).json" --name "$name, cached" \
    --url "$cached$path" --pid "$cached_pid" "$redis_pid" --db-pid "$pg_pid" --page-cache unset \
    --queries "$work/results/queries-cache-default.json"
  n=$((n + 2))
done

# The rows the targets compare, three times each in all, in turn (template-only, article uncached, cached in
# Redis, cached in files; then again): the machine's speed drifts within a run, and a target judged on one
# 10 s run each would judge the drift. The report shows each figure's median over the three.
step "The compared rows again, in turn (rounds 2 and 3)"
for round in 2 3; do
  "$PY" bench/load.py run "$work/results/repeat-template-only-$round.json" --name "template-only, round $round" \
    --url "http://127.0.0.1:$template_port$ARTICLE" --pid "$template_pid" --key template-only
  "$PY" bench/load.py run "$work/results/repeat-article-off-$round.json" --name "article (gait), round $round" \
    --url "$uncached$ARTICLE" --pid "$uncached_pid" --db-pid "$pg_pid" --key article-off
  "$PY" bench/load.py run "$work/results/repeat-article-cached-$round.json" \
    --name "article (gait), cached, round $round" --url "$cached$ARTICLE" --pid "$cached_pid" "$redis_pid" \
    --db-pid "$pg_pid" --key article-cached
  "$PY" bench/load.py run "$work/results/repeat-article-cached-file-$round.json" \
    --name "article (gait), cached, file cache, round $round" --url "$file_cached$ARTICLE" \
    --pid "$file_cached_pid" --db-pid "$pg_pid" --key article-cached-file
done

step "One admin save of the gait article, in-process"
env -u PAGE_CACHE REDIS_URL="$redis_url" "$PY" bench/inprocess.py admin-save "$work/results/admin-save.json" \
  "${ARTICLE:10:-1}"

step "Results"
site=$(tail -n 1 "$work/generate.txt" | sed -e 's/^ *site: //; s/;.*//')
python3 - "$work/results/meta.json" <<EOF
import json, subprocess, sys, datetime
run = lambda *c: subprocess.run(c, capture_output=True, text=True).stdout.strip()
json.dump({
    "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    "commit": run("git", "rev-parse", "--short", "HEAD") or "?",
    "gunicorn": run("$GUNICORN", "--version").split()[-1].strip("()"),
    "django": run("$PY", "-c", "import django; print(django.get_version())"),
    "postgres": run("$PG_BIN/postgres", "--version").split()[2],
    "site": "$site",
    "article": "$ARTICLE",
    "load": float("$load_at_start"),
}, open(sys.argv[1], "w"))
EOF
"$PY" bench/load.py report "$work/results" bench/results.md
echo
echo "Written to bench/results.md. make bench took $(($(date +%s) - started_at)) s."
