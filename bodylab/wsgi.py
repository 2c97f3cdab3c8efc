"""WSGI entry point, e.g. for `gunicorn bodylab.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bodylab.settings")

application = get_wsgi_application()
