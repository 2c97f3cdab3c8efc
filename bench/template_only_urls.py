"""The URLs of bench/template_only.py: every address answers the saved article page from its template.

The site's own URLs follow, never reached, so that the middleware finds the addresses it asks for by name
(the admin's, the editor's endpoints).
"""

from django.shortcuts import render
from django.urls import re_path

from bodylab import urls as site_urls


def article(request, path=""):
    return render(request, "article.html")


urlpatterns = [re_path(r"^(?P<path>.*)$", article), *site_urls.urlpatterns]
