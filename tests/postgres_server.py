"""Stopping, freezing and starting the throwaway PostgreSQL of tests/with-postgres.sh, for the outage tests.

with-postgres.sh exports where its server lives (BODYLAB_PG_*); without them (another database, or a
PostgreSQL this suite did not start) the tests that need this are skipped, saying why.
"""

import contextlib
import os
import shlex
import signal
import subprocess
from pathlib import Path

import pytest
from django.db import connections

WHY_NOT = "needs the throwaway PostgreSQL of tests/with-postgres.sh (BODYLAB_PG_DATA) to stop and start it"


def available():
    return bool(os.environ.get("BODYLAB_PG_DATA"))


def require():
    if not available():
        pytest.skip(WHY_NOT)


def _pg_ctl(*args):
    command = [*shlex.split(os.environ.get("BODYLAB_PG_AS", "")), str(Path(os.environ["BODYLAB_PG_BIN"]) / "pg_ctl")]
    command += ["-D", os.environ["BODYLAB_PG_DATA"], "-w", *args]
    subprocess.run(command, check=True, capture_output=True, timeout=60)


def start():
    _pg_ctl("-l", os.environ["BODYLAB_PG_LOG"], "-o", os.environ["BODYLAB_PG_OPTIONS"], "start")


def stop():
    _pg_ctl("-m", "fast", "stop")


@contextlib.contextmanager
def stopped():
    """The server stopped (every connection to it closed) inside the block, started again after it.

    This process's own connections are closed afterwards (they died with the server) so that the test's
    teardown opens new ones; a web server's workers must recover by themselves."""
    stop()
    try:
        yield
    finally:
        start()
        connections.close_all()


def _postmaster_pid():
    return int((Path(os.environ["BODYLAB_PG_DATA"]) / "postmaster.pid").read_text().split()[0])


@contextlib.contextmanager
def frozen():
    """The server's main process stopped (SIGSTOP) inside the block: it accepts no new connection, though
    the kernel queues them, as a hung or overloaded server does; connections already open keep working."""
    pid = _postmaster_pid()
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(pid, signal.SIGCONT)
