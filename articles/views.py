from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.generic import ListView

import pagecache
from topics.models import Topic

from .models import Article, SlugRedirect, articles_from_sql
from .page import live_context, stored_parts
from .related import links

# What a public article's page reads of the article when its parts are stored (articles.page). In SQL:
# every public article page runs it, and building it with the ORM costs more than answering it.
PAGE_COLUMNS = "id, title, slug, summary, status, published_at, edit_version, page_version, page_html, page_head_html"
ARTICLE_SQL = f"SELECT {PAGE_COLUMNS} FROM {Article._meta.db_table} WHERE slug = %s"


# How many featured articles the home page shows at most.
FEATURED_ON_HOME = 3


class ArticleListView(ListView):
    """The home page: on its first page, the clinic (templates/clinic/), the articles an Editor features and
    the topics, above the latest articles; later pages list older articles."""

    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = settings.ARTICLES_PER_PAGE

    def get_queryset(self):
        return Article.objects.published().cards()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context["page_obj"].number == 1:
            context["featured_articles"] = list(Article.objects.featured().cards()[:FEATURED_ON_HOME])
            context["topics"] = Topic.objects.filter(articles__in=Article.objects.published()).distinct()
        return context


@pagecache.public_page
def article_detail(request, slug):
    found = articles_from_sql(ARTICLE_SQL, [slug], PAGE_COLUMNS)
    article = found[0][1] if found else None
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
    if not (article.is_public and article.page_is_stored):
        article = Article.objects.for_page().get(pk=article.pk)  # rendered live, from everything it shows
    response = render_article(request, article)
    if not article.is_public:
        never_cache_private(response)
    return response


def render_article(request, article, preview=False):
    """The public article page; the admin's preview renders through here too, so both look the same.

    A public article's own parts are read as stored (articles.page); drafts, scheduled and archived
    articles and previews are rendered live from the same templates, from `Article.objects.for_page()`.
    """
    stored = not preview and article.is_public and article.page_is_stored
    page_links = links(article)
    return render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "preview": preview,
            **(stored_parts(article, request) if stored else live_context(article)),
            "previous_article": page_links.previous,
            "next_article": page_links.next,
            "related_articles": page_links.related,
        },
    )


def never_cache_private(response):
    """Drafts and previews: never stored by a browser or a shared cache, never indexed."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    response["X-Robots-Tag"] = "noindex"
    return response
