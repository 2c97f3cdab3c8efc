from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

import pagecache

from .models import Practitioner


@pagecache.public_page
def practitioner_list(request):
    return render(request, "practitioners/list.html", {"practitioners": Practitioner.objects.all()})


@pagecache.public_page
def practitioner_detail(request, slug):
    """A practitioner's profile and their published articles, newest first, paginated like the home page."""
    practitioner = get_object_or_404(Practitioner, slug=slug)
    # get_page: a mistyped or stale page number shows a page of articles, not an error.
    page_obj = Paginator(practitioner.articles.published().cards(), settings.ARTICLES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"practitioner": practitioner, "page_obj": page_obj, "articles": page_obj.object_list}
    return render(request, "practitioners/detail.html", context)
