"""The 503 page: the database is down, unreachable or too slow, and the reader may simply try again.

Django turns any exception a view or middleware raises into its 500 handler; this one answers 503 when the
exception says the database did not answer: OperationalError (refused, unreachable,
server closed the connection, connect timeout, "canceling statement due to statement timeout") or
InterfaceError (a connection already closed). Any other error stays a 500. The page is rendered without
a request and marked `without_database` (the frame then reads the clinic's details from the cache only), so
nothing on it touches the database, and neither does the 500 page.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader

logger = logging.getLogger(__name__)

# Seconds before a reader (or a crawler) should ask again: a database restart or failover takes about that.
RETRY_AFTER_SECONDS = 30
WITHOUT_DATABASE = {"without_database": True}


def server_error(request):
    error = sys.exc_info()[1]
    if not isinstance(error, OperationalError | InterfaceError):
        return HttpResponseServerError(loader.render_to_string("500.html", WITHOUT_DATABASE))
    response = HttpResponse(loader.render_to_string("503.html", WITHOUT_DATABASE), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # One clear line instead of Django's "Service Unavailable" with a traceback: the cause is outside
    # the code, and during an outage every request says the same.
    summary = str(error).strip().splitlines()[0] if str(error).strip() else ""
    logger.error(
        "The database did not answer (%s: %s): %s %s got the 503 page",
        type(error).__name__,
        summary,
        request.method,
        request.path,
    )
    response._has_been_logged = True  # django.utils.log.log_response's own flag: logged once
    return response
