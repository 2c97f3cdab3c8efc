#!/usr/bin/env bash
# `make bench`: the site under gunicorn against nginx serving the same article as a static file.
#
# Everything runs on 127.0.0.1 in a temporary directory and is stopped and deleted at the end, also
# on failure or Ctrl-C (trap): a throwaway PostgreSQL, three gunicorns (2 sync workers each: the site
# with PAGE_CACHE=0, the site with it unset, bench/template_only.py), nginx. It measures, it does not test: `make test` never runs this.
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

# What it needs: Debian's wrk and nginx, PostgreSQL's server binaries.
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
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "make bench needs ${missing[*]}: install them (sudo apt-get install ${missing[*]}) or run it as root." >&2
    exit 1
  fi
  step "Installing Debian's ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian's nginx package may start a system nginx on port 80: the benchmark starts its own.
  if [[ " ${missing[*]} " == *" nginx "* ]]; then
    service nginx stop >/dev/null 2>&1 || true
  fi
fi
PG_BIN=$(find_pg_bin)
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

as_pg=()
[ "$(id -u)" = 0 ] && as_pg=(runuser -u postgres --)

work=$(mktemp -d /tmp/bodylab-bench.XXXXXX)
chmod 755 "$work" # nginx's workers (user nobody) read the static page from here
mkdir -p "$work/pg" "$work/results" "$work/site" "$work/static" "$work/media" "$work/nginx"
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
  if [ "$status" != 0 ]; then
    echo "make bench failed (exit $status). Last lines of the server logs:" >&2
    tail -n 20 "$work"/*.log "$work/pg/postgres.log" >&2 2>/dev/null || true
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

# The site's settings, from the environment as in production (README, "Configuration"); plain HTTP on
# 127.0.0.1, so no redirect to https (NOTES.md: otherwise wrk measures 301s).
export DATABASE_URL="postgres://bodylab@127.0.0.1:$pg_port/bodylab"
export SECRET_KEY="bench-$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
export DEBUG=0 SECURE_SSL_REDIRECT=0 ALLOWED_HOSTS=127.0.0.1,localhost
export STATIC_ROOT="$work/static" MEDIA_ROOT="$work/media" LOG_LEVEL=WARNING
unset PAGE_CACHE SECURE_PROXY_SSL_HEADER

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
  --queries "$work/results/queries-small.json"

step "Generating the large site"
"$PY" bench/generate_site.py | tee "$work/generate.txt"

cached_port=$(free_port)
start_gunicorn gunicorn-page-cache-default "$cached_port" -u PAGE_CACHE
cached_pid=$gunicorn_pid
cached="http://127.0.0.1:$cached_port"

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
env -u PAGE_CACHE "$PY" bench/inprocess.py queries "$work/results/queries-cache-default.json" "${pages[@]}"

step "Load: wrk against each server"
"$PY" bench/load.py run "$work/results/row-01.json" --name "nginx: the article as a static file" \
  --url "http://127.0.0.1:$nginx_port$ARTICLE" --pid "$nginx_pid" --page-cache "–"
"$PY" bench/load.py run "$work/results/row-02.json" --name "Django: the same page from a template, no database" \
  --url "http://127.0.0.1:$template_port$ARTICLE" --pid "$template_pid" --page-cache "–"
n=4
for page in "article (gait)|$ARTICLE" "home page|/" "topic page (Gait)|$TOPIC" "Atom feed|/feeds/atom/" \
  "search “tendon”|/search/?q=tendon"; do
  name=${page%%|*} path=${page#*|}
  "$PY" bench/load.py run "$work/results/row-$(printf %02d $n).json" --name "$name" --url "$uncached$path" \
    --pid "$uncached_pid" --db-pid "$pg_pid" --page-cache 0 --queries "$work/results/queries-cache-off.json"
  "$PY" bench/load.py run "$work/results/row-$(printf %02d $((n + 1))).json" --name "$name, cached" \
    --url "$cached$path" --pid "$cached_pid" --db-pid "$pg_pid" --page-cache unset \
    --queries "$work/results/queries-cache-default.json"
  n=$((n + 2))
done

step "One admin save of the gait article, in-process"
env -u PAGE_CACHE "$PY" bench/inprocess.py admin-save "$work/results/admin-save.json" "${ARTICLE:10:-1}"

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
