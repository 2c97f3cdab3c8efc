"""Configuration: safe defaults from the environment, and a clean deployment check."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_reports_no_errors_with_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "ERROR",
        SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
        ALLOWED_HOSTS="thebodylab.example",
        DATABASE_URL=os.environ.get("DATABASE_URL", "sqlite:///:memory:"),
    )
    assert result.returncode == 0, result.stderr
    assert "ERRORS" not in result.stderr


def test_secret_key_is_required_without_debug():
    result = manage("check")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_debug_is_off_unless_asked_for():
    result = manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)", SECRET_KEY="k" * 50)
    assert result.stdout.split()[-1] == "False"
    result = manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)", DEBUG="1")
    assert result.stdout.split()[-1] == "True"
