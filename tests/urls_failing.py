"""The site's addresses plus one whose view fails with an error that is not the database's (test_outages)."""

from django.urls import path

from bodylab.urls import handler500
from bodylab.urls import urlpatterns as site_urlpatterns


def fails(request):
    raise RuntimeError("a bug, not an outage")


urlpatterns = [path("fails/", fails), *site_urlpatterns]

__all__ = ["handler500", "urlpatterns"]
