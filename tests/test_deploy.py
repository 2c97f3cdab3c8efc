"""The deployment files load as they are documented: deploy/gunicorn.conf.py and deploy/nginx.conf."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def test_the_gunicorn_configuration_loads_with_its_limits():
    environment = {**os.environ, "SECRET_KEY": "k" * 50, "WEB_CONCURRENCY": "3"}
    command = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "bodylab.wsgi", "--print-config"]
    # --print-config implies --check-config: the file and the application load.
    printed = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60)
    assert printed.returncode == 0, printed.stderr
    settings = dict(line.split(" = ", 1) for line in printed.stdout.splitlines() if " = " in line)
    settings = {name.strip(): value.strip() for name, value in settings.items()}
    names = ("bind", "workers", "worker_class", "timeout", "graceful_timeout", "max_requests", "limit_request_line")
    assert {name: settings[name] for name in names} == {
        "bind": "['127.0.0.1:8000']",
        "workers": "3",
        "worker_class": "sync",
        "timeout": "30",
        "graceful_timeout": "30",
        "max_requests": "1000",
        "limit_request_line": "4094",
    }


@pytest.mark.skipif(not os.access(NGINX, os.X_OK), reason="nginx is not installed (make bench installs it as root)")
def test_the_documented_nginx_configuration_passes_nginx_t(tmp_path):
    """deploy/nginx.conf with its placeholders pointed at this checkout and a throwaway certificate."""
    certificate = tmp_path / "live"
    certificate.mkdir()
    (tmp_path / "cache").mkdir()  # as the file's comment asks of /var/cache/nginx
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=www.example.org"]
        + ["-keyout", certificate / "privkey.pem", "-out", certificate / "fullchain.pem"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    for placeholder, here in {
        "/etc/letsencrypt/live/www.example.org": certificate,
        "/srv/bodylab": ROOT,
        "/var/log/nginx": tmp_path,
        "/var/cache/nginx": tmp_path / "cache",
        "/run/nginx.pid": tmp_path / "nginx.pid",
    }.items():
        assert placeholder in text
        text = text.replace(placeholder, str(here))
    (tmp_path / "nginx.conf").write_text(text)
    checked = subprocess.run(
        [NGINX, "-t", "-p", tmp_path, "-c", tmp_path / "nginx.conf", "-e", tmp_path / "error.log"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr
