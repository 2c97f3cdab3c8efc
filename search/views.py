from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .queries import clean_query, search_articles


@require_safe  # read, never written: other methods are a 405, as on every public page
def search(request):
    """/search/?q=: published articles matching the words, best first, ten to a page."""
    query, notice = clean_query(request.GET.get("q", ""))
    page_obj = None
    if query:
        # get_page, not page: a mistyped or stale page number shows a page of results, not an error.
        page_obj = Paginator(search_articles(query), settings.ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "search/results.html",
        {
            "query": query,
            "notice": notice,
            "page_obj": page_obj,
            "paginator": page_obj.paginator if page_obj else None,
            "results": page_obj.object_list if page_obj else [],
            "result_count": page_obj.paginator.count if page_obj else 0,
        },
    )
