import logging

import reversion
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

import pagecache
from glossary.signals import glossary_changed
from glossary.terms import Glossary
from practitioners.models import Practitioner
from references.citations import Library
from references.signals import library_changed
from topics.models import Topic

from .models import RENDERED_FIELDS, Article, ArticleAuthor

logger = logging.getLogger(__name__)


@receiver(library_changed)
def rerender_articles_listing(sender, pks, user=None, **kwargs):
    """A work changed: the articles that cite it, list it as further reading, or explain a word with it
    (a glossary entry's supporting work) must show it as it is now.

    Only those articles: a year letter belongs to one article's list, so a work added or
    changed elsewhere in the library changes no other page. Each article whose page
    changes gets a revision saying why, so every change a reader can see can be traced.
    """
    library = Library.load()
    listing = (
        Article.objects.filter(citations__reference__in=pks)
        | Article.objects.filter(further_reading__in=pks)
        | Article.objects.filter(glossary_entries__reference__in=pks)
    )
    keys = ", ".join(sorted(ref.key for ref in (library.by_pk.get(pk) for pk in pks) if ref)) or "a deleted reference"
    render_again(listing, f"The reference list changed: the reference {keys} was edited.", user, library=library)


@receiver(glossary_changed)
def rerender_articles_explaining(sender, pks, terms, forms, user=None, **kwargs):
    """Glossary entries changed: the articles that use them, or use any form they had or now have, are
    rendered again (an added word is explained, a removed one no longer), with a revision saying why."""
    listing = Article.objects.filter(glossary_entries__in=pks)
    for form in forms:
        listing |= Article.objects.filter(search_document__icontains=form)
    glossary = Glossary.load()
    named = ", ".join(f"“{term}”" for term in terms)
    entries = f"the entry {named} was" if len(terms) == 1 else f"the entries {named} were"
    render_again(listing, f"The glossary changed: {entries} edited.", user, glossary=glossary)


def render_again(articles, why, user=None, **loaded):
    """Render `articles` again (`loaded`: the library or glossary, loaded once for all of them); each
    whose page changed gets a revision with `why`, by `user` when known."""
    for article in articles.distinct().order_by("pk"):
        before = {name: getattr(article, name) for name in RENDERED_FIELDS}
        problems = article.render_content(**loaded)
        for problem in problems:
            logger.warning("%s (article “%s”) after: %s", problem, article.title, why)
        if any(getattr(article, name) != value for name, value in before.items() if name != "citation_pins"):
            with reversion.create_revision(manage_manually=True):
                reversion.set_comment(why)
                if user is not None and user.is_authenticated:
                    reversion.set_user(user)
                reversion.add_to_revision(Article.objects.get(pk=article.pk))


@receiver(m2m_changed, sender=Article.further_reading.through)
def rerender_on_further_reading(sender, instance, action, reverse, **kwargs):
    """Further reading added or removed outside the admin's form (which renders it itself): list it."""
    changed = action in {"post_add", "post_remove", "post_clear"} and not reverse
    if changed and not getattr(instance, "rendered_by_form", False):
        instance.render_content()


@pagecache.schedule_source(pagecache.table_tag(Article))
def scheduled_publications():
    """When pages must change by themselves: the times of the publications still to come."""
    return Article.objects.scheduled().values_list("published_at", flat=True)


@receiver([post_save, post_delete], sender=Article)
def publication_schedule_changed(sender, instance, **kwargs):
    """An article added, deleted, published, unpublished or re-dated (post_delete sends no `created`)."""
    if kwargs.get("created", True) or getattr(instance, "_saved_listing", None) != instance._listing():
        pagecache.schedule_changed()


# The article page's stored parts (articles.page) show these of other objects: when one of them
# changes, the pages that show it are rendered again. What the page does not show (a bio, a photo,
# a topic's description) changes no article page.
SHOWN = {Practitioner: ("name", "slug", "credentials", "role"), Topic: ("name", "slug")}


def store_pages(articles):
    for article in articles.distinct().order_by("pk"):
        article.store_page()


@receiver(pre_save, sender=Practitioner)
@receiver(pre_save, sender=Topic)
def note_shown_change(sender, instance, raw=False, **kwargs):
    fields = SHOWN[sender]
    before = sender.objects.filter(pk=instance.pk).values(*fields).first() if instance.pk and not raw else None
    instance.shown_on_pages_changed = bool(before) and any(before[name] != getattr(instance, name) for name in fields)


@receiver(post_save, sender=Practitioner)
def store_pages_of_practitioner(sender, instance, **kwargs):
    """Bylines and structured data name authors and reviewers (who cannot be deleted while credited)."""
    if getattr(instance, "shown_on_pages_changed", False):
        store_pages(Article.objects.filter(Q(authorships__practitioner=instance) | Q(reviewed_by=instance)))


@receiver(post_save, sender=Topic)
def store_pages_of_topic(sender, instance, **kwargs):
    if getattr(instance, "shown_on_pages_changed", False):
        store_pages(instance.articles.all())


@receiver(pre_delete, sender=Topic)
def note_pages_of_deleted_topic(sender, instance, **kwargs):
    instance.article_pks = list(instance.articles.values_list("pk", flat=True))  # its links go with it


@receiver(post_delete, sender=Topic)
def store_pages_of_deleted_topic(sender, instance, **kwargs):
    store_pages(Article.objects.filter(pk__in=getattr(instance, "article_pks", ())))


@receiver(m2m_changed, sender=Article.topics.through)
def store_page_on_topics(sender, instance, action, reverse, pk_set, **kwargs):
    """Topics added or removed outside the admin's form (whose save renders the page itself)."""
    if reverse and action == "pre_clear":
        instance.article_pks = list(instance.articles.values_list("pk", flat=True))
    elif action in {"post_add", "post_remove", "post_clear"}:
        if reverse:
            pks = instance.article_pks if action == "post_clear" else pk_set
            store_pages(Article.objects.filter(pk__in=pks))
        elif not getattr(instance, "rendered_by_form", False):
            instance.store_page()


@receiver(post_save, sender=ArticleAuthor)
@receiver(post_delete, sender=ArticleAuthor)
def store_page_on_authors(sender, instance, origin=None, **kwargs):
    """Authors credited or uncredited outside the admin's form (whose save renders the page itself)."""
    if getattr(origin, "model", type(origin)) is Article:
        return  # deleted with its article
    if ArticleAuthor.article.is_cached(instance) and getattr(instance.article, "rendered_by_form", False):
        return
    article = Article.objects.filter(pk=instance.article_id).first()
    if article:
        article.store_page()
