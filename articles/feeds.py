"""RSS and Atom feeds of the newest published articles.

Every text goes through `content.xmltext.xml_text` in the feed generators (`add_item` and the feed's own
fields), so no stored character can break the XML. Summaries are plain text and go out as text: Atom
says so (`type="text"`); RSS readers treat a description as HTML, so there it is sent escaped.
"""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape

from content.xmltext import xml_text

from .models import Article

FEED_LENGTH = 20


class XmlTextFeedMixin:
    """A feed generator that removes what XML 1.0 forbids from every value it is given."""

    def __init__(self, *args, **kwargs):
        super().__init__(*map(xml_text, args), **{name: xml_text(value) for name, value in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*map(xml_text, args), **{name: xml_text(value) for name, value in kwargs.items()})


class RssFeed(XmlTextFeedMixin, Rss201rev2Feed):
    def add_item_elements(self, handler, item):
        # An RSS description is read as HTML: escaped, the summary shows as the text it is.
        description = item["description"]
        super().add_item_elements(
            handler, {**item, "description": None if description is None else escape(description)}
        )


class AtomFeed(XmlTextFeedMixin, Atom1Feed):
    def add_item_elements(self, handler, item):
        # Django's Atom summary says type="html"; ours is text.
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class LatestArticlesFeed(Feed):
    feed_type = RssFeed
    title = "The Body Lab — articles"
    link = reverse_lazy("articles:list")
    description = "Practical explanations of foot, knee and gait problems, and the research behind them."
    feed_url = reverse_lazy("feed-rss")

    def items(self):
        return Article.objects.published().cards("updated_at").for_list().prefetch_related("topics")[:FEED_LENGTH]

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        return article.summary

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.updated_at

    def item_author_name(self, article):
        return ", ".join(author.name for author in article.ordered_authors) or None

    def item_categories(self, article):
        return [topic.name for topic in article.topics.all()]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = AtomFeed
    subtitle = LatestArticlesFeed.description
    feed_url = reverse_lazy("feed-atom")
