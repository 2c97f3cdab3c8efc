import logging

from django.dispatch import receiver

from references.citations import Library
from references.signals import library_changed

from .models import Article

logger = logging.getLogger(__name__)


@receiver(library_changed)
def rerender_citing_articles(sender, pks, **kwargs):
    """A reference's names, year or suffix changed: its citations in articles must read the same."""
    library = Library.load()
    for article in Article.objects.filter(citations__reference__in=pks).distinct():
        for problem in article.render_content(library):
            logger.warning("%s (article “%s”) after a change to the reference library", problem, article.title)
