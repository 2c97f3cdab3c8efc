from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.generic import ListView

from .models import Article


class ArticleListView(ListView):
    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = settings.ARTICLES_PER_PAGE

    def get_queryset(self):
        return Article.objects.published()


def article_detail(request, slug):
    article = get_object_or_404(Article.objects.for_page(), slug=slug)
    if not article.is_public and not request.user.is_staff:
        raise Http404("No published article has this address.")
    response = render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "previous_article": article.previous_published(),
            "next_article": article.next_published(),
            "reference_list": article.reference_list(),
            "further_reading": article.further_reading_list(),
        },
    )
    if article.is_public:
        patch_cache_control(response, public=True, max_age=300)
    else:
        # A draft shown to staff: never stored by a browser or a shared cache.
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)
    return response
