from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.generic import ListView

import pagecache

from .models import Article, SlugRedirect
from .related import related_articles


class ArticleListView(ListView):
    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = settings.ARTICLES_PER_PAGE

    def get_queryset(self):
        return Article.objects.published()


@pagecache.public_page
def article_detail(request, slug):
    article = Article.objects.for_page().filter(slug=slug).first()
    if article is None:
        moved = SlugRedirect.objects.select_related("article").filter(old_slug=slug).first()
        if moved:
            return HttpResponsePermanentRedirect(moved.article.get_absolute_url())
        raise Http404("No article has this address.")
    staff = request.user.is_active and request.user.is_staff
    if article.status == Article.Status.ARCHIVED and not staff:
        return render(request, "articles/archived.html", {"article": article}, status=410)
    if not article.is_public and not staff:
        raise Http404("No published article has this address.")
    response = render_article(request, article)
    if not article.is_public:
        never_cache_private(response)
    return response


def render_article(request, article, preview=False):
    """The public article page; the admin's preview renders through here too, so both look the same."""
    return render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "preview": preview,
            "previous_article": article.previous_published(),
            "next_article": article.next_published(),
            "related_articles": related_articles(article),
        },
    )


def never_cache_private(response):
    """Drafts and previews: never stored by a browser or a shared cache, never indexed."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    response["X-Robots-Tag"] = "noindex"
    return response
