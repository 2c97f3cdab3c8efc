"""Plain functions that make test data; dates are relative to now."""

import datetime
import itertools

from django.utils import timezone

from articles.models import Article, ArticleAuthor, KeyPoint, Section
from practitioners.models import Practitioner
from references.models import Contributor, Reference

_numbers = itertools.count(1)

GAIT_SLUG = "walking-foot-pain-and-why-real-change-takes-time"
GAIT_URL = f"/articles/{GAIT_SLUG}/"


def make_reference(key=None, authors=("Smith",), year=2020, kind="article-journal", editors=(), **fields):
    """A reference whose authors (and editors) are surnames (initials 'A.') or ('org', 'Name') pairs."""
    number = next(_numbers)
    defaults = {"title": f"Work number {number}", "container_title": "Journal of Tests", "volume": "1", "pages": "1-2"}
    reference = Reference.objects.create(key=key or f"ref{number}", year=year, kind=kind, **{**defaults, **fields})
    for role, names in (("author", authors), ("editor", editors)):
        for position, name in enumerate(names):
            if isinstance(name, tuple):
                make_contributor(reference, position=position, role=role, organisation=name[1])
            else:
                make_contributor(reference, name, position=position, role=role)
    return reference


def make_contributor(reference, surname="", initials="A.", **fields):
    """One person or organisation on a reference, cleaned as the admin and importers clean it."""
    if fields.get("organisation"):
        initials = ""
    contributor = Contributor(reference=reference, surname=surname, initials=initials, **fields)
    contributor.full_clean()
    contributor.save()
    return contributor


def make_article(
    title=None,
    *,
    status=Article.Status.PUBLISHED,
    published_at=None,
    days_ago=1,
    intro="An introduction.",
    sections=(("A section", "Some text."),),
    key_points=(),
    authors=(),
    render=True,
    **fields,
):
    number = next(_numbers)
    title = title or f"Article {number}"
    article = Article.objects.create(
        title=title,
        slug=fields.pop("slug", f"article-{number}"),
        summary=fields.pop("summary", f"Summary of {title}."),
        intro=intro,
        status=status,
        published_at=published_at or timezone.now() - datetime.timedelta(days=days_ago),
        **fields,
    )
    for position, text in enumerate(key_points, start=1):
        KeyPoint.objects.create(article=article, position=position, text=text)
    for position, (heading, body) in enumerate(sections, start=1):
        Section.objects.create(article=article, position=position, heading=heading, body=body)
    for position, practitioner in enumerate(authors, start=1):
        ArticleAuthor.objects.create(article=article, practitioner=practitioner, position=position)
    if render:
        article.render_content()
    return article


def make_practitioner(name="Alex Morgan", **fields):
    number = next(_numbers)
    return Practitioner.objects.create(
        name=name,
        slug=fields.pop("slug", f"practitioner-{number}"),
        credentials=fields.pop("credentials", "MSc"),
        **fields,
    )


def shown_publicly(*references):
    """Make references public, as a published article listing them as further reading does."""
    make_article(f"Listing {next(_numbers)}").further_reading.add(*references)
    return references[0] if len(references) == 1 else references
