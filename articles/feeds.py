"""RSS and Atom feeds of the newest published articles."""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from .models import Article

FEED_LENGTH = 20


class LatestArticlesFeed(Feed):
    title = "The Body Lab — articles"
    link = reverse_lazy("articles:list")
    description = "Practical explanations of foot, knee and gait problems, and the research behind them."
    feed_url = reverse_lazy("feed-rss")

    def items(self):
        return Article.objects.published().for_list().prefetch_related("topics")[:FEED_LENGTH]

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
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description
    feed_url = reverse_lazy("feed-atom")
