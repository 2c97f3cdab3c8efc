"""sitemap.xml: every public page, from each app's own public querysets.

It lives here, not in one app, because it wires several together. Every address goes through
`content.xmltext.xml_text` (`XmlTextSitemap`), so no stored character can break the XML.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import NoReverseMatch, reverse

from articles.models import Article
from content.xmltext import xml_text
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


class XmlTextSitemap(Sitemap):
    """A sitemap whose addresses hold nothing XML 1.0 forbids (an article's is built from its slug as stored)."""

    def get_urls(self, *args, **kwargs):
        urls = super().get_urls(*args, **kwargs)
        for url in urls:
            url["location"] = xml_text(url["location"])
            for alternate in url.get("alternates", ()):
                alternate["location"] = xml_text(alternate["location"])
        return urls


class ArticleSitemap(XmlTextSitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Article.objects.published().only("slug", "updated_at")

    def lastmod(self, article):
        return article.updated_at


class TopicSitemap(XmlTextSitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        """Topics with something to read: an empty topic page is not worth a search engine's visit."""
        return Topic.objects.filter(articles__in=Article.objects.published()).distinct()


class PractitionerSitemap(XmlTextSitemap):
    priority = 0.5

    def items(self):
        return Practitioner.objects.all() if has_url("practitioners:detail", "x") else Practitioner.objects.none()


class ReferenceSitemap(XmlTextSitemap):
    priority = 0.3

    def items(self):
        return Reference.objects.public().only("key", "updated_at")

    def lastmod(self, reference):
        return reference.updated_at


class StaticPageSitemap(XmlTextSitemap):
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
