"""sitemap.xml: every public page, from each app's own public querysets.

It lives here, not in one app, because it wires several together.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import NoReverseMatch, reverse

from articles.models import Article
from practitioners.models import Practitioner
from references.models import Reference
from topics.models import Topic


def has_url(name, *args):
    """Whether the site serves `name` yet (practitioner pages are still to come)."""
    try:
        reverse(name, args=args)
    except NoReverseMatch:
        return False
    return True


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Article.objects.published().only("slug", "updated_at")

    def lastmod(self, article):
        return article.updated_at


class TopicSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        """Topics with something to read: an empty topic page is not worth a search engine's visit."""
        return Topic.objects.filter(articles__in=Article.objects.published()).distinct()


class PractitionerSitemap(Sitemap):
    priority = 0.5

    def items(self):
        return Practitioner.objects.all() if has_url("practitioners:detail", "x") else Practitioner.objects.none()


class ReferenceSitemap(Sitemap):
    priority = 0.3

    def items(self):
        return Reference.objects.public().only("key", "updated_at")

    def lastmod(self, reference):
        return reference.updated_at


class StaticPageSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.7

    def items(self):
        names = [
            "articles:list",
            "topics:list",
            "references:list",
            "practitioners:list",
            "glossary:list",
            "clinic:contact",
        ]
        return [name for name in names if has_url(name)]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": StaticPageSitemap,
    "articles": ArticleSitemap,
    "topics": TopicSitemap,
    "practitioners": PractitionerSitemap,
    "references": ReferenceSitemap,
}
