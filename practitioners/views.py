from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control

from .models import Practitioner


def public(response):
    """Public pages may be cached briefly, as article pages are."""
    patch_cache_control(response, public=True, max_age=300)
    return response


def practitioner_list(request):
    return public(render(request, "practitioners/list.html", {"practitioners": Practitioner.objects.all()}))


def practitioner_detail(request, slug):
    practitioner = get_object_or_404(Practitioner, slug=slug)
    context = {"practitioner": practitioner, "articles": practitioner.articles.published()}
    return public(render(request, "practitioners/detail.html", context))
