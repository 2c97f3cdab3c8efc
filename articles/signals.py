import logging

import reversion
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

import pagecache
from references.citations import Library
from references.signals import library_changed

from .models import RENDERED_FIELDS, Article

logger = logging.getLogger(__name__)


@receiver(library_changed)
def rerender_articles_listing(sender, pks, user=None, **kwargs):
    """A work changed: the articles that cite it or list it as further reading must show it as it is now.

    Only those articles: a year letter belongs to one article's list, so a work added or
    changed elsewhere in the library changes no other page. Each article whose page
    changes gets a revision saying why, so every change a reader can see can be traced.
    """
    library = Library.load()
    listing = Article.objects.filter(citations__reference__in=pks) | Article.objects.filter(further_reading__in=pks)
    keys = ", ".join(sorted(ref.key for ref in (library.by_pk.get(pk) for pk in pks) if ref)) or "a deleted reference"
    for article in listing.distinct().order_by("pk"):
        before = {name: getattr(article, name) for name in RENDERED_FIELDS}
        problems = article.render_content(library)
        for problem in problems:
            logger.warning("%s (article “%s”) after a change to the reference library", problem, article.title)
        if any(getattr(article, name) != value for name, value in before.items() if name != "citation_pins"):
            with reversion.create_revision(manage_manually=True):
                reversion.set_comment(f"The reference list changed: the reference {keys} was edited.")
                if user is not None and user.is_authenticated:
                    reversion.set_user(user)
                reversion.add_to_revision(Article.objects.get(pk=article.pk))


@receiver(m2m_changed, sender=Article.further_reading.through)
def rerender_on_further_reading(sender, instance, action, reverse, **kwargs):
    """Further reading added or removed outside the admin's form (which renders it itself): list it."""
    changed = action in {"post_add", "post_remove", "post_clear"} and not reverse
    if changed and not getattr(instance, "rendered_by_form", False):
        instance.render_content()


@pagecache.schedule_source
def scheduled_publications():
    """When pages must change by themselves: the times of the publications still to come."""
    return Article.objects.scheduled().values_list("published_at", flat=True)


@receiver([post_save, post_delete], sender=Article)
def publication_schedule_changed(sender, instance, **kwargs):
    """An article added, deleted, published, unpublished or re-dated (post_delete sends no `created`)."""
    if kwargs.get("created", True) or getattr(instance, "_saved_listing", None) != instance._listing():
        pagecache.schedule_changed()
