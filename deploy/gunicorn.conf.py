"""gunicorn's configuration: `gunicorn -c deploy/gunicorn.conf.py bodylab.wsgi` (command-line options win).

Worker class: sync, behind deploy/nginx.conf. A sync worker serves one request at a time, so a client that
sends or reads slowly would hold it; nginx never lets one near it: it reads the whole request before
passing it on (proxy_request_buffering on) and takes the whole answer at once (proxy_buffering on), both
nginx's defaults and written out there, and slow clients are cut off by its client_*_timeout and
send_timeout. Never expose this port to the internet without nginx in front. Sync rather than gthread
because `timeout` below then really ends a worker stuck on a request (gthread's heartbeat runs beside
stuck threads), and the benchmark (bench/run.sh) measured sync workers.

How long things may take, from inside out: a database connection attempt 3 s and a query 15 s
(DB_CONNECT_TIMEOUT, DB_STATEMENT_TIMEOUT: the reader gets the 503 page), a worker 30 s (`timeout`),
nginx 35 s (proxy_read_timeout): each layer gives up before the one outside it.
"""

import multiprocessing
import os

bind = "127.0.0.1:8000"  # only nginx talks to gunicorn; keep the port closed to the outside
# WEB_CONCURRENCY is gunicorn's usual variable; the default is gunicorn's rule of thumb, 2 per core + 1.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * multiprocessing.cpu_count() + 1)
worker_class = "sync"

timeout = 30  # a worker silent this long is killed and replaced (a request stuck past every other limit)
graceful_timeout = 30  # on restart or deploy, requests in progress get this long to finish
keepalive = 2  # only matters for a client that speaks HTTP/1.1 directly; nginx opens one connection per request

# Workers are replaced now and then, so a slow leak in a library never grows unbounded; the jitter keeps
# them from all restarting at once.
max_requests = 1000
max_requests_jitter = 100

# Request limits (nginx has its own, smaller ones in front): the request line (method, address, query
# string) and each header line in bytes, and the number of headers.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# The heartbeat file each worker touches, in memory rather than on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Logs to stderr, as the site's own logging does (bodylab/settings.py LOGGING); the process manager keeps them.
accesslog = "-"
errorlog = "-"
