"""Drive one server with wrk and measure what each request costs it; then write the results table.

    load.py run OUT.json --name NAME --url URL --pid PID [PID...] [--db-pid PID] [--queries FILE]
                [--page-cache VALUE] [--key KEY]
    load.py report DIR OUT.md

`run` checks that URL answers 200 (no redirect followed), warms the server up, then runs wrk for a
fixed time and reads, from /proc, the CPU time the server used meanwhile: each process PID (gunicorn's
or nginx's master, Redis; several when several serve the page, e.g. nginx's micro-cache in front of
gunicorn) and its children (the workers), and, with --db-pid, PostgreSQL's postmaster and
its backends. Children that exit are counted too (their parent's cutime/cstime). The CPU time of a
request is that total divided by the requests wrk completed. --queries names the JSON file of
`inprocess.py queries` that holds this URL's query count. --key names the row for the targets.

`report` turns every DIR/row-*.json (and DIR/*.json of the other measurements) into the Markdown table,
followed by issue 9's targets and whether this run met them.
"""

import argparse
import json
import math
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
TICKS = os.sysconf("SC_CLK_TCK")
WRK = os.environ.get("BENCH_WRK", "-t2 -c16").split()
DURATION = int(os.environ.get("BENCH_SECONDS", "10"))
WARMUP = int(os.environ.get("BENCH_WARMUP_SECONDS", "2"))


def stat(pid):
    """(ppid, CPU seconds of the process and of its reaped children) from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as file:
        fields = file.read().rsplit(")", 1)[1].split()
    utime, stime, cutime, cstime = (int(value) for value in fields[11:15])
    return int(fields[1]), (utime + stime + cutime + cstime) / TICKS


def tree_cpu(pid):
    """CPU seconds of a process and its children (live ones, and those already reaped), and the children's pids."""
    _, total = stat(pid)
    children = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid, seconds = stat(entry)
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue  # exited while we looked: its time is now in its parent's cutime
            if ppid == pid:
                children.add(int(entry))
                total += seconds
    return total, children


def busy_seconds():
    """CPU time the whole machine's processes used (user and system), from /proc/stat.

    Interrupts are left out: the loopback traffic of a fast run is handled there and charged to no process.
    """
    with open("/proc/stat") as file:
        user, nice, system = (int(value) for value in file.readline().split()[1:4])
    return (user + nice + system) / TICKS


def check(url):
    """GET url without following redirects: it must answer 200. Returns the body's size."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=30) as response:
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status, body = error.code, b""
    if status != 200:
        sys.exit(f"{url} answered {status}, not 200: refusing to measure it")
    return len(body)


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def wrk(url, seconds, connections=WRK):
    command = ["wrk", *connections, f"-d{seconds}s", "--timeout", "10s", "-s", str(HERE / "report.lua"), url]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    match = re.search(r"^BENCH-JSON (.*)$", output, re.MULTILINE)
    if not match:
        sys.exit(f"wrk gave no result:\n{output}")
    return json.loads(match.group(1))


def servers_cpu(pids):
    """CPU seconds of several processes and their children, and all the children's pids."""
    total, children = 0.0, set()
    for pid in pids:
        seconds, theirs = tree_cpu(pid)
        total += seconds
        children |= theirs
    return total, children


def wait_until_idle(*pids, limit=120):
    """Until the server has finished the requests still queued when wrk stopped (wrk does not wait for them).

    Otherwise a slow page's queue runs into the next measurement and is counted there.
    """
    deadline = time.monotonic() + limit
    before = sum(tree_cpu(pid)[0] for pid in pids if pid)
    while time.monotonic() < deadline:
        time.sleep(0.3)
        now = sum(tree_cpu(pid)[0] for pid in pids if pid)
        if now - before < 0.02:  # under 7% of one CPU: nothing is being served
            return
        before = now
    print(f"  (still busy after {limit} s: measuring anyway)")


def run(args):
    body_bytes = check(args.url)
    # Workers import lazily and fill their caches on their first requests: two connections warm both of
    # them up, and leave at most two requests to finish afterwards.
    wrk(args.url, WARMUP, connections=["-t1", "-c2"])
    wait_until_idle(*args.pid, args.db_pid)
    server_before, workers_before = servers_cpu(args.pid)
    db_before = tree_cpu(args.db_pid)[0] if args.db_pid else 0.0
    machine_before, wrk_before = busy_seconds(), children_cpu()
    result = wrk(args.url, DURATION)
    machine_after, wrk_after = busy_seconds(), children_cpu()
    server_after, workers_after = servers_cpu(args.pid)
    db_after = tree_cpu(args.db_pid)[0] if args.db_pid else 0.0
    wait_until_idle(*args.pid, args.db_pid)
    # What the rest of the machine used meanwhile: busy time less the server's, PostgreSQL's and wrk's.
    others = (machine_after - machine_before) - (server_after - server_before) - (db_after - db_before)
    others -= wrk_after - wrk_before
    requests = result["requests"]
    per_request = requests or float("nan")  # none completed in time: the row says so, the run goes on
    row = {
        "name": args.name,
        "key": args.key,
        "url": args.url,
        "page_cache": args.page_cache,
        "requests": requests,
        "rps": requests / (result["duration_us"] / 1e6),
        "p50_ms": result["p50_us"] / 1000,
        "p99_ms": result["p99_us"] / 1000,
        "cpu_ms": (server_after - server_before) * 1000 / per_request,
        "db_cpu_ms": (db_after - db_before) * 1000 / per_request if args.db_pid else None,
        "body_bytes": body_bytes,
        "bytes_per_response": result["bytes"] / per_request,
        "errors": {key: result[key] for key in result if key.endswith(("_errors", "timeouts")) and result[key]},
        "other_cpu_share": max(0.0, others) / (DURATION * os.cpu_count()),
        "workers_restarted": sorted(workers_before ^ workers_after),
        "queries": None,
        "alone_ms": None,
    }
    if args.queries:
        path = re.sub(r"^https?://[^/]+", "", args.url)
        measured = json.loads(Path(args.queries).read_text())[path]
        row["queries"], row["alone_ms"] = measured["queries"], measured["alone_ms"]
    Path(args.out).write_text(json.dumps(row, indent=2))
    print(
        f"  {args.name}: {row['rps']:,.0f} req/s, p50 {row['p50_ms']:.2f} ms, p99 {row['p99_ms']:.2f} ms, "
        f"{row['cpu_ms']:.3f} ms CPU/request ({requests:,} requests)"
    )


# The report ---------------------------------------------------------------------------------------


def number(value, digits=None):
    if value is None or math.isnan(value):
        return "–"
    if digits is None:
        digits = 0 if value >= 100 else 1 if value >= 10 else 2 if value >= 0.1 else 3
    return f"{value:,.{digits}f}"


def ratio(value, base):
    if value is None or not base or math.isnan(value) or not value:
        return "–"
    factor = value / base
    if factor >= 1:
        return f"{factor:,.0f}×" if factor >= 10 else f"{factor:.1f}×"
    return f"1/{1 / factor:,.0f}" if factor <= 0.1 else f"1/{1 / factor:.1f}"  # not "1/1" for 0.7


def versions():
    def first_line(command):
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=10)
            return (done.stdout or done.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return "?"

    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    return {
        "machine": f"{os.cpu_count()} CPUs ({cpu}), {platform.system()} {platform.release()}",
        "nginx": first_line(["nginx", "-v"]).removeprefix("nginx version: nginx/"),
        "wrk": first_line(["wrk", "-v"]).split(" [")[0],
        "Redis": next((w[2:] for w in first_line(["redis-server", "--version"]).split() if w.startswith("v=")), "?"),
        "Python": platform.python_version(),
    }


# What --key names, for the targets (issue 9) in the report.
TARGET_ROWS = (
    "nginx-static",
    "template-only",
    "article-off-demo",
    "article-off",
    "article-cached",
    "article-cached-file",
    "micro-cache",
)


def targets(rows, article, save):
    """Issue 9's targets, each with whether this run met it and the figures it was judged on."""
    by_key = {row["key"]: row for row in rows if row.get("key")}
    lines = []

    def judge(target, ok, measured):
        if ok is None:
            lines.append(f"- {target}: not measured in this run.")
        else:
            lines.append(f"- {target}: {'met' if ok else '**not met**'} ({measured}).")

    for key, site in (("article-off-demo", "demo site, 3 articles"), ("article-off", "large site")):
        row = by_key.get(key)
        target = f"Article, page cache off ({site}): at most 3.4 ms server CPU per request and at most 5 SQL queries"
        if row is None:
            judge(target, None, "")
            continue
        queries = row["queries"]
        ok = row["cpu_ms"] <= 3.4 and queries is not None and queries <= 5  # NaN CPU: not met
        judge(target, ok, f"{number(row['cpu_ms'])} ms, {'–' if queries is None else queries} queries")
    template = by_key.get("template-only")
    for key, cache in (("article-cached", "Redis"), ("article-cached-file", "file cache")):
        row = by_key.get(key)
        target = f"Article, cached ({cache}): at least the template-only Django row's req/s"
        if row is None or template is None:
            judge(target, None, "")
            continue
        judge(target, row["rps"] >= template["rps"], f"{number(row['rps'])} against {number(template['rps'])} req/s")
    nginx, micro = by_key.get("nginx-static"), by_key.get("micro-cache")
    target = "Article through nginx's micro-cache: at least half nginx's static-file req/s"
    if nginx is None or micro is None:
        judge(target, None, "")
    else:
        judge(
            target,
            micro["rps"] >= nginx["rps"] / 2,
            f"{number(micro['rps'])} against half of {number(nginx['rps'])} req/s",
        )
    judge(
        "The article page: at most 30 KB of HTML and at most 8 KB gzip-compressed",
        article["bytes"] <= 30_000 and article["gzip_bytes"] <= 8_000,
        f"{article['bytes'] / 1000:.1f} KB, {article['gzip_bytes'] / 1000:.1f} KB gzip; KB = 1,000 bytes",
    )
    judge(
        "One admin save of the gait article: under 150 ms of server time",
        save["wall_ms_median"] < 150,
        f"median {number(save['wall_ms_median'])} ms",
    )
    return lines


# What a row's repeated runs are combined into: the median of each figure.
REPEATED_FIGURES = ("rps", "p50_ms", "p99_ms", "cpu_ms", "db_cpu_ms", "other_cpu_share")


def with_repeats(rows, folder):
    """Each row that was run again (DIR/repeat-KEY-N.json, same --key) with the median of each figure over
    all its runs, and the runs' req/s and CPU in `runs`, for the report to show."""
    repeats = {}
    for path in sorted(folder.glob("repeat-*.json")):
        run = json.loads(path.read_text())
        repeats.setdefault(run["key"], []).append(run)
    for row in rows:
        runs = [row, *repeats.get(row.get("key"), [])]
        if len(runs) == 1:
            continue
        row["runs"] = [(run["rps"], run["cpu_ms"]) for run in runs]
        for figure in REPEATED_FIGURES:
            values = [run[figure] for run in runs if run[figure] is not None]
            row[figure] = statistics.median(values) if values else None
        row["requests"] = min(run["requests"] for run in runs)
        kinds = {kind for run in runs for kind in run["errors"]}
        row["errors"] = {kind: sum(run["errors"].get(kind, 0) for run in runs) for kind in kinds}
        row["workers_restarted"] = sorted({pid for run in runs for pid in run["workers_restarted"]})
    return rows


def report(args):
    folder = Path(args.dir)
    rows = with_repeats([json.loads(path.read_text()) for path in sorted(folder.glob("row-*.json"))], folder)
    meta = json.loads((folder / "meta.json").read_text())
    nginx = next(row for row in rows if row.get("key") == "nginx-static" or row["name"].startswith("nginx:"))
    article = json.loads((folder / "queries-cache-off.json").read_text())[meta["article"]]
    save = json.loads((folder / "admin-save.json").read_text())
    lines = [
        "# Benchmark results",
        "",
        f"`make bench`, {meta['date']}, commit {meta['commit']}. {versions()['machine']}.",
        f"gunicorn {meta['gunicorn']} with 2 sync workers, Django {meta['django']}, Python {versions()['Python']}, "
        f"PostgreSQL {meta['postgres']}, Redis {versions()['Redis']}, nginx {versions()['nginx']}, {versions()['wrk']} "
        f"(`wrk {' '.join(WRK)} -d{DURATION}s` after a {WARMUP} s warm-up on 2 connections, on the same machine; "
        "each run starts once the servers are idle).",
        f"Site: {meta['site']}.",
        "",
        "| Page | PAGE_CACHE | req/s | × nginx | p50 ms | × nginx | p99 ms | × nginx | server CPU ms/req "
        "| × nginx | PostgreSQL CPU ms/req | SQL queries | one request alone, ms | other processes' CPU |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for row in rows:
        name = f"{row['name']} (median of {len(row['runs'])} runs)" if "runs" in row else row["name"]
        lines.append(
            f"| {name} | {row['page_cache']} | {number(row['rps'])} | {ratio(row['rps'], nginx['rps'])} "
            f"| {number(row['p50_ms'])} | {ratio(row['p50_ms'], nginx['p50_ms'])} "
            f"| {number(row['p99_ms'])} | {ratio(row['p99_ms'], nginx['p99_ms'])} "
            f"| {number(row['cpu_ms'])} | {ratio(row['cpu_ms'], nginx['cpu_ms'])} "
            f"| {number(row['db_cpu_ms'])} | {'–' if row['queries'] is None else row['queries']} "
            f"| {number(row['alone_ms'])} | {row['other_cpu_share']:.0%} |"
        )
    repeated = [row for row in rows if "runs" in row]
    if repeated:
        lines += [
            "",
            f"The rows the targets compare ran {len(repeated[0]['runs'])} times each, in turn (the machine's speed "
            "drifts within a run):",
        ]
        lines += ["", *(
            f"- {row['name']}: "
            + ", ".join(f"{number(rps)} req/s ({number(cpu)} ms CPU)" for rps, cpu in row["runs"])
            for row in repeated
        )]  # fmt: skip
    lines += ["", "**Targets** (issue 9; judged on this run's figures, medians where a row ran more than once):", ""]
    lines += targets(rows, article, save)
    lines += [
        "",
        "One admin save of the gait article (its change form opened, one sentence of a section edited, "
        "saved; in-process with Django's test Client as a logged-in superuser, against the same database; "
        f"median of {save['saves']} saves after one warm-up): "
        f"**{number(save['wall_ms_median'])} ms** of server time (slowest {number(save['wall_ms_max'])} ms; "
        f"{number(save['cpu_ms_median'])} ms of it Python CPU), **{save['queries']} SQL queries**.",
        "",
        f"The gait article page: **{article['bytes'] / 1000:.1f} KB** of HTML, "
        f"**{article['gzip_bytes'] / 1000:.1f} KB** gzip-compressed (level 6; the site itself sends it "
        f"{'compressed' if article['content_encoding'] else 'uncompressed'}).",
        "",
        "How to read it: req/s is what wrk completed per second; p50/p99 are wrk's latency percentiles (16 "
        "connections queue for 2 workers, so they grow with the server's time per request); server CPU is the "
        "user+system time of gunicorn's (or nginx's) master and workers, read from /proc before and after the "
        "run, divided by the requests (Redis's process counted in too for the rows that use it; nginx's and "
        "gunicorn's together for the micro-cache row); PostgreSQL CPU the same for the postmaster and its "
        "backends; SQL queries are counted once per page in-process with CaptureQueriesContext against the same "
        "database (the second of two requests); “one request alone” is the median wall time of five more such "
        "requests in-process, one at a time, with no other request running; “other processes' CPU” is the share "
        "of the machine's CPU time that processes other than the server, PostgreSQL and wrk used during the run "
        "(0% on an idle machine). “× nginx” divides each figure by nginx's (1/n: n times fewer). PAGE_CACHE=0 is "
        "the page cache switched off; “unset” is the default, which caches once issue 9's page cache exists — "
        "until then both rows measure the same uncached page. The cached rows use Redis (REDIS_URL, as in "
        "production), except the one marked “file cache”. The micro-cache row is nginx with the settings of "
        "deploy/nginx-micro-cache.conf (1 s, only responses Django marks public) in front of the Redis one.",
    ]
    notes = []
    if meta["load"] > 0.5:
        notes.append(
            f"The load average was {meta['load']:.2f} when the run started (the last minute): the last column "
            "says how much CPU other processes took during each measurement."
        )
    for row in rows:
        if row["other_cpu_share"] > 0.1:
            notes.append(
                f"{row['name']}: other processes used {row['other_cpu_share']:.0%} of the machine's CPU time "
                "during the run: its figures are worse than on an idle machine."
            )
        if row["requests"] < 100:
            notes.append(
                f"{row['name']}: only {row['requests']} requests completed in {DURATION} s (wrk gives up on a "
                "request after 10 s): its figures are rough, and its CPU per request includes requests still "
                "running when the run ended."
            )
            continue
        low, high = row["body_bytes"], row["body_bytes"] + 2048
        if not low <= row["bytes_per_response"] <= high:
            notes.append(
                f"{row['name']}: {row['bytes_per_response']:.0f} bytes per response under load, but the page "
                f"checked before the run had {row['body_bytes']} bytes: some answers were not that page."
            )
        if row["errors"]:
            notes.append(f"{row['name']}: wrk reported errors {row['errors']}.")
        if row["workers_restarted"]:
            notes.append(f"{row['name']}: server processes changed during the run {row['workers_restarted']}.")
    if notes:
        lines += ["", "**Warnings from this run:**", "", *(f"- {note}" for note in notes)]
    Path(args.out).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("run")
    one.add_argument("out")
    one.add_argument("--name", required=True)
    one.add_argument("--url", required=True)
    one.add_argument("--pid", type=int, nargs="+", required=True, help="the server's processes (their children too)")
    one.add_argument("--db-pid", type=int)
    one.add_argument("--queries")
    one.add_argument("--page-cache", default="–")
    one.add_argument("--key", help="what the row is, for the targets: " + ", ".join(TARGET_ROWS))
    table = commands.add_parser("report")
    table.add_argument("dir")
    table.add_argument("out")
    args = parser.parse_args()
    run(args) if args.command == "run" else report(args)


if __name__ == "__main__":
    started = time.monotonic()
    main()
