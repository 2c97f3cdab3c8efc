"""/healthz and /readyz, for a load balancer, a process manager or monitoring.

Neither is a public page (no `public_page`): never stored by the page cache, nginx or a CDN, and sent with
`Cache-Control: no-store`. deploy/nginx.conf lets only the server itself and private networks ask.
"""

import logging
from concurrent.futures import ThreadPoolExecutor, wait

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

# How long each check may take: a dependency slower than this is as good as down for a reader.
CHECK_SECONDS = 1.0


@never_cache
def healthz(request):
    """The process answers requests. Touches nothing else: restarting it would not fix the database."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


@never_cache
def readyz(request):
    """200 when the database, the cache and media storage each answer within CHECK_SECONDS, else 503.

    One line per check, "name: ok" or "name: failed" / "name: timed out"; what went wrong is logged, not
    shown. The checks run side by side in threads of their own, so one that hangs (a frozen database, a
    stuck network mount) is reported after CHECK_SECONDS while its thread finishes in the background.
    """
    executor = ThreadPoolExecutor(max_workers=len(CHECKS), thread_name_prefix="readyz")
    futures = {name: executor.submit(_run, name, check) for name, check in CHECKS.items()}
    wait(futures.values(), timeout=CHECK_SECONDS)
    executor.shutdown(wait=False)
    results = {name: (future.result() if future.done() else "timed out") for name, future in futures.items()}
    for name, result in results.items():
        if result == "timed out":
            logger.warning("Readiness check %s: no answer within %s s", name, CHECK_SECONDS)
    ready = all(result == "ok" for result in results.values())
    body = "".join(f"{name}: {result}\n" for name, result in results.items())
    return HttpResponse(body, status=200 if ready else 503, content_type="text/plain; charset=utf-8")


def _run(name, check):
    try:
        check()
    except Exception as error:
        logger.warning("Readiness check %s failed: %s: %s", name, type(error).__name__, error)
        return "failed"
    return "ok"


def _database():
    # A thread has its own connection: opened for this check and closed after it, so a successful check
    # also proves a new connection can be made.
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connection.close()


def _cache():
    cache.get("health:readyz")  # a round trip; a miss is an answer too


def _media():
    # Media's top folder is listed: on disk, a MEDIA_ROOT that is missing (a volume not mounted) fails;
    # on S3-like storage, the bucket answers a request.
    default_storage.listdir("")


CHECKS = {"database": _database, "cache": _cache, "media": _media}
