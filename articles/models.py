"""Articles: what patients read and practitioners write.

An Article has an intro, ordered key points and ordered sections, all written
in Markdown. `Article.render()` turns them into sanitized HTML with linked
citations and the reference list (through content.pipeline), once, when the
article is saved; `store_rendering()` keeps the result. Requests only read the
stored HTML.
"""

import datetime
import functools
import hashlib
import json
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Prefetch
from django.urls import get_script_prefix, reverse
from django.utils import dateformat, timezone
from django.utils.html import escape
from django.utils.text import slugify
from markdownx.models import MarkdownxField

import pagecache
from content import markup, pipeline, readability
from content.xmltext import typed_text
from glossary.terms import Glossary
from references.citations import CitedLibrary
from references.models import Reference
from uploads.images import ReencodedImageField, ServerChosenName
from uploads.renditions import responsive_images

WORDS_PER_MINUTE = 200  # a comfortable pace for health information read on a phone

# Ids the article template uses itself; section anchors must not take them.
RESERVED_ANCHORS = {
    "main", "content", "toc", "key-points", "references", "further-reading", "words-explained", "article-nav", "top",
}  # fmt: skip


# What Article.render derives from the text, stored by Article.store_rendering.
RENDERED_FIELDS = (
    "intro_html",
    "references_html",
    "further_reading_html",
    "words_explained_html",
    "search_document",
    "reading_minutes",
    "reading_age",
    "readability",
    "citation_pins",
)


class RemembersStored:
    """Remembers what the database holds of `stored_fields`, as last loaded or saved, so that
    `store_rendering` writes only what a rendering changed. Unknown (None) after a partial load,
    a partial save or a refresh: then the next store writes."""

    stored_fields = ()

    @classmethod
    def from_db(cls, db, field_names, values):
        row = super().from_db(db, field_names, values)
        loaded = all(name in field_names for name in cls.stored_fields)
        row._stored = row._current_stored() if loaded else None
        return row

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        whole = not args and kwargs.get("update_fields") is None
        self._stored = self._current_stored() if whole else None

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self._stored = None

    def _current_stored(self):
        return {name: getattr(self, name) for name in self.stored_fields}

    def stored_changed(self):
        """True if the database may hold other values than the instance; remembers them as stored."""
        current = self._current_stored()
        changed = getattr(self, "_stored", None) != current
        self._stored = current
        return changed


def when(moment):
    """A publication time as practitioners read it: “3 June 2025, 09:00”, in the site's time zone."""
    return dateformat.format(timezone.localtime(moment), "j F Y, H:i")


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """What the public may see: published, with a publication time that has come.

        Every public list, page, link and feed goes through this one method.
        """
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=now or timezone.now())

    def published_or_scheduled(self):
        """Approved by an Editor: public now or at their publication time."""
        return self.filter(status=Article.Status.PUBLISHED)

    def scheduled(self, now=None):
        """Published with a publication time still to come: they appear by themselves, no cron job."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=now or timezone.now())

    def review_due(self, within_days=30, today=None):
        """Articles (not archived) whose next clinical review is due within `within_days`, or overdue."""
        today = today or timezone.localdate()
        return self.exclude(status=Article.Status.ARCHIVED).filter(
            next_review_due__lte=today + datetime.timedelta(days=within_days)
        )

    def harder_than_target(self):
        """Articles whose stored reading age is above the clinic's target (settings.READING_AGE_TARGET)."""
        return self.filter(reading_age__gt=settings.READING_AGE_TARGET)

    def featured(self):
        """Public articles an Editor chose for the home page, newest first."""
        return self.published().filter(featured=True)

    def cards(self, *also):
        """Only what an article's card in a list shows (templates/articles/_article_card.html), and the
        fields in `also`: a page of ten cards does not read ten articles' stored pages and text."""
        return self.only(*CARD_FIELDS, *also)

    def for_list(self):
        return self.prefetch_related(
            Prefetch("authorships", queryset=ArticleAuthor.objects.select_related("practitioner"))
        )

    def for_page(self):
        """Everything an article page shows, in a fixed number of queries."""
        return self.select_related("reviewed_by").prefetch_related(
            "key_points",
            "sections",
            "topics",
            Prefetch("authorships", queryset=ArticleAuthor.objects.select_related("practitioner")),
            Prefetch("citations", queryset=Citation.objects.select_related("reference").order_by("pk")),
        )


class Article(RemembersStored, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"  # "scheduled" while its publication time is in the future
        ARCHIVED = "archived", "Archived"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The end of the article's address, as in /articles/this-part/. Filled in from the title.",
    )
    subtitle = models.CharField(max_length=300, blank=True)
    summary = models.TextField(
        max_length=400,
        blank=True,  # a draft may wait for it (Article.clean asks for it before publication)
        help_text="One or two plain sentences for the article list and search engines; needed before publishing.",
    )
    intro = MarkdownxField(
        blank=True,
        help_text="Markdown, shown before the key points. Cite as (Neumann, 2017), Neumann (2017) or "
        "[@neumann2017]. Text that looks like a citation but is not one takes a backslash: \\(Smith, 2019).",
    )
    intro_html = models.TextField(blank=True, editable=False)
    # The reference list and further reading as the page shows them, with this article's year
    # letters: rendered with the text, and again whenever a work listed in them changes.
    references_html = models.TextField(blank=True, editable=False)
    further_reading_html = models.TextField(blank=True, editable=False)
    # "Words explained on this page": the glossary entries the text uses, as rendered with it, and
    # again whenever one of them changes (articles.signals).
    words_explained_html = models.TextField(blank=True, editable=False)
    glossary_entries = models.ManyToManyField(
        "glossary.GlossaryEntry", related_name="articles", blank=True, editable=False
    )
    # The page's parts that only change when content changes, as the public sees them (see
    # articles.page): the <article> with its topics, and the head's sharing tags and structured data.
    # Rendered by `store_page`, with the text and again whenever something they show changes
    # (a work, an author, a topic); `page_version` is the `edit_version` they were rendered from,
    # so a save that did not render them again is never shown stale: the page is rendered live.
    page_html = models.TextField(blank=True, editable=False)
    page_head_html = models.TextField(blank=True, editable=False)
    page_version = models.BigIntegerField(default=0, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "publication date and time",
        default=timezone.now,
        help_text="A published article with a time in the future appears on the site at that time.",
    )
    references = models.ManyToManyField(
        Reference, through="Citation", related_name="articles", editable=False, help_text="The works the article cites."
    )
    further_reading = models.ManyToManyField(
        Reference,
        related_name="further_reading_for",
        blank=True,
        help_text="Works listed after the references without being cited in the text.",
    )
    authors = models.ManyToManyField(
        "practitioners.Practitioner", through="ArticleAuthor", related_name="articles", editable=False
    )
    reviewed_by = models.ForeignKey(
        "practitioners.Practitioner",
        verbose_name="clinically reviewed by",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_articles",
    )
    last_reviewed = models.DateField(null=True, blank=True, help_text="When the content was last checked clinically.")
    next_review_due = models.DateField(null=True, blank=True, help_text="When it must be checked again.")
    topics = models.ManyToManyField("topics.Topic", related_name="articles", blank=True)
    # Chosen by an Editor with the article list's actions (ArticleAdmin): the home page shows these first.
    featured = models.BooleanField("featured on the home page", default=False, editable=False)
    featured_image = ReencodedImageField(upload_to=ServerChosenName("articles/featured"), blank=True)
    featured_image_alt = models.CharField(
        "featured image description (alt text)",
        max_length=250,
        blank=True,
        help_text="What the image shows, for readers who cannot see it.",
    )
    # Derived on save, for search and the reading-time estimate.
    search_document = models.TextField(blank=True, editable=False)
    reading_minutes = models.PositiveSmallIntegerField(default=1, editable=False)
    # Advice for authors (content.readability), worked out on save so the admin's list need not:
    # the whole article's UK reading age, and its figures with each part's ({"whole": …, "parts": […]}).
    reading_age = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    readability = models.JSONField(default=dict, blank=True, editable=False)
    # A new value on every save (the time in ns, so it never repeats, even after a revision is
    # restored): a form opened before someone else's save cannot overwrite it.
    edit_version = models.BigIntegerField(default=0, editable=False)
    imported_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    # Each citation as written -> the reference id it last resolved to (content.pipeline.Document.pins).
    citation_pins = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()
    stored_fields = RENDERED_FIELDS
    shown_on_pages = True  # pagecache: pages record the articles they show
    # A search result's marked extract (search/queries.py), shown on its card instead of the summary. None on
    # other cards: a template asking for a missing attribute makes Django list the object's dir() (~0.05 ms).
    snippet = None

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["status", "published_at"])]
        permissions = [("publish_article", "Can publish, schedule and archive articles")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.edit_version = time.time_ns()
        self._created_by_save = self._state.adding  # a new article has no rows linked to it yet
        super().save(*args, **kwargs)
        old_slug = getattr(self, "_saved_slug", None)
        if old_slug and old_slug != self.slug and self.status != self.Status.DRAFT:
            # Readers and search engines may know the old address: keep it working.
            SlugRedirect.objects.update_or_create(old_slug=old_slug, defaults={"article": self})
        SlugRedirect.objects.filter(old_slug=self.slug).delete()
        self._saved_slug = self.slug
        self._saved_listing = self._listing()

    def get_absolute_url(self):
        # A slug needs no quoting: reverse() once per process, not for every link on every page.
        before, after = _detail_url_around_slug(get_script_prefix())
        return f"{before}{self.slug}{after}"

    @classmethod
    def needs_summary(cls, status):
        """Whether an article of `status` must have a summary: a draft may wait for one, as for its author."""
        return status != cls.Status.DRAFT

    def clean(self):
        typed = self.title
        self.title, self.subtitle, self.summary = map(typed_text, (self.title, self.subtitle, self.summary))
        errors = {}
        if typed and not self.title:  # only characters no one means (an empty one the field refuses itself)
            errors["title"] = "This field is required."
        if not self.summary and self.needs_summary(self.status):
            errors["summary"] = (
                "Write a summary: an article that is not a draft needs one or two plain sentences for the "
                "article list and search engines. A draft can be saved without one."
            )
        if errors:
            raise ValidationError(errors)

    @classmethod
    def from_db(cls, db, field_names, values):
        article = super().from_db(db, field_names, values)
        article._saved_slug = article.slug if "slug" in field_names else None
        loaded = {"status", "published_at"} <= set(field_names)
        article._saved_listing = article._listing() if loaded else None
        return article

    # What decides whether, and where, an article appears in public lists, feeds and Previous/Next.
    def _listing(self):
        return (self.status, self.published_at)

    @staticmethod
    def _listed(listing):
        status, published_at = listing
        return status == Article.Status.PUBLISHED and published_at <= timezone.now()

    @property
    def page_cache_listed(self):
        """Public now, or when it was loaded: its links and position matter to what public lists show."""
        saved = getattr(self, "_saved_listing", None)
        return self.is_public or (saved is not None and self._listed(saved))

    def page_cache_tags(self, change):
        """pagecache: the article's pages, and every list of articles when it joins, leaves or moves in them.

        Editing a published article's text refreshes the pages that show it (its own, its neighbours',
        the lists it is on); publishing, archiving, scheduling or re-dating one refreshes every page
        drawn from the list of public articles. A draft's changes refresh nothing public.
        """
        tags = {pagecache.tag_for(self)}
        saved = getattr(self, "_saved_listing", None)
        moved = change != "updated" or saved is None or saved != self._listing()
        if moved and self.page_cache_listed:
            tags.add(pagecache.table_tag(Article))
        return tags

    @property
    def page_is_stored(self):
        """The stored parts of the page are those of the article as it is now (see `store_page`)."""
        return bool(self.page_html) and self.page_version == self.edit_version

    @property
    def is_public(self):
        return self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()

    @property
    def is_scheduled(self):
        return self.status == self.Status.PUBLISHED and self.published_at > timezone.now()

    @property
    def display_status(self):
        return "Scheduled" if self.is_scheduled else self.get_status_display()

    @property
    def schedule_sentence(self):
        """“Scheduled for 3 June 2025, 09:00” while the article waits for its time; otherwise empty."""
        return f"Scheduled for {when(self.published_at)}" if self.is_scheduled else ""

    @property
    def review_overdue(self):
        return bool(self.next_review_due) and self.next_review_due < timezone.localdate()

    @property
    def ordered_authors(self):
        return [authorship.practitioner for authorship in self.authorships.all()]

    def content_sources(self, key_points, sections):
        """The Markdown fields in page order, for content.pipeline."""
        return [
            pipeline.Source(self.intro, "the intro"),
            *(pipeline.Source(p.text, f"key point {n}", inline=True) for n, p in enumerate(key_points, start=1)),
            *(pipeline.Source(s.body, f"the section “{s.heading}”") for s in sections),
        ]

    def library_for(self, key_points, sections, further_reading_pks=()):
        """The works these rows' text can cite, its pinned works and `further_reading_pks`, loaded in a
        fixed number of queries: a CitedLibrary, which loads the rest only if a citation needs it."""
        texts = [source.text or "" for source in self.content_sources(key_points, sections)]
        return CitedLibrary(texts, pks=[*further_reading_pks, *(self.citation_pins or {}).values()])

    def render(self, library, key_points, sections, further_reading, glossary=None):
        """Render the article into its derived fields, in memory, and return the pipeline's Document.

        `key_points` and `sections` are the rows in page order (saved or not: the admin renders
        its forms' rows before saving them). Nothing is written: see `store_rendering`.
        Citations that cannot be resolved are in `document.problems`; they stay unlinked, unless
        they resolved before, when they keep linking to that work (see `citation_pins`).
        The glossary is loaded unless given.
        """
        document = pipeline.render(
            self.content_sources(key_points, sections),
            library,
            self.citation_pins,
            further_reading,
            glossary if glossary is not None else Glossary.load(),
        )
        html = [responsive_images(part) for part in document.html]
        self.intro_html = html[0]
        for point, point_html in zip(key_points, html[1:], strict=False):
            point.text_html = point_html
        taken = set(RESERVED_ANCHORS)
        for section, body_html in zip(sections, html[1 + len(key_points) :], strict=True):
            section.anchor = unique_anchor(section.heading, taken)
            section.body_html = body_html
        anchors = {section.pk: section.anchor for section in sections if section.pk is not None}
        for point in key_points:
            anchor = anchors.get(point.section_id)
            if anchor and "<a " not in point.text_html:
                point.text_html = f'<a href="#{anchor}">{point.text_html}</a>'
        self.references_html = document.reference_list_html()
        self.further_reading_html = document.further_reading_html()
        self.words_explained_html = document.words_explained_html()
        self.explained_pks = {entry.pk for entry in document.explained}
        # The text without its headings: a search snippet reads as prose (the headings' words are in the text).
        self.search_document = markup.plain_text(
            [self.intro_html, *(p.text_html for p in key_points), *(s.body_html for s in sections)]
        )
        words = len(f"{self.title} {self.subtitle} {self.search_document}".split())
        self.reading_minutes = max(1, round(words / WORDS_PER_MINUTE))
        self.citation_pins = document.pins
        self._measure_readability(key_points, sections)
        return document

    def _measure_readability(self, key_points, sections):
        """The figures of the whole text (intro, key points, sections with their headings) and of each part."""
        parts = [("Introduction", [self.intro_html]), ("Key points", [p.text_html for p in key_points])]
        parts += [(f"Section “{s.heading}”", [f"<h2>{escape(s.heading)}</h2>", s.body_html]) for s in sections]
        sentences = [(name, readability.sentences_in(fragments)) for name, fragments in parts]
        whole = readability.measure_sentences([s for _, found in sentences for s in found])
        self.reading_age = whole.reading_age
        self.readability = {
            "whole": whole.as_dict(),
            "parts": [
                {"name": name, **readability.measure_sentences(found).as_dict()} for name, found in sentences if found
            ],
        }

    def store_rendering(self, document, key_points, sections):
        """Write what `render` derived: the article's HTML fields, its rows' HTML, and its citations.

        Only what the database does not hold already: the admin has just saved the article and
        its edited rows with their new HTML, and a save that cites the same works keeps its rows.
        """
        with transaction.atomic(savepoint=False):
            if self.stored_changed():
                Article.objects.filter(pk=self.pk).update(**{name: getattr(self, name) for name in RENDERED_FIELDS})
            KeyPoint.objects.bulk_update([p for p in key_points if p.stored_changed()], ["text_html"])
            Section.objects.bulk_update([s for s in sections if s.stored_changed()], ["anchor", "body_html"])
            changed_works = self._store_citations(document)
            self._store_glossary_entries()
        # update() and bulk_*() send no signals: say what changed (pagecache). store_page refreshes the article.
        tags = {f"{Reference._meta.db_table}:{pk}" for pk in changed_works}
        if tags and self.page_cache_listed:
            tags.add(pagecache.table_tag(Citation))  # the related articles and the public references
        pagecache.invalidate(*tags)
        self.store_page()

    def _store_citations(self, document):
        wanted = {reference.pk: document.uses[reference.pk] for reference in document.cited}
        stored = {ref: (pk, uses) for pk, ref, uses in self.citations.values_list("pk", "reference_id", "uses")}
        gone = [pk for ref, (pk, _) in stored.items() if ref not in wanted]
        if gone:
            Citation.objects.filter(pk__in=gone).delete()
        recounted = [
            Citation(pk=pk, uses=wanted[ref])
            for ref, (pk, uses) in stored.items()
            if ref in wanted and uses != wanted[ref]
        ]
        if recounted:
            Citation.objects.bulk_update(recounted, ["uses"])
        new = [Citation(article=self, reference_id=ref, uses=uses) for ref, uses in wanted.items() if ref not in stored]
        if new:
            Citation.objects.bulk_create(new)
        return {ref for ref in stored if ref not in wanted} | {ref for ref in wanted if ref not in stored}

    def _store_glossary_entries(self):
        """The entries the text uses, so that a change to one renders this article again (articles.signals)."""
        wanted = getattr(self, "explained_pks", None)
        if wanted is None:
            return
        created = getattr(self, "_created_by_save", False)
        stored = set() if created else set(self.glossary_entries.values_list("pk", flat=True))
        if stored - wanted:
            self.glossary_entries.remove(*(stored - wanted))
        if wanted - stored:
            self.glossary_entries.add(*(wanted - stored))

    def store_page(self):
        """Render the page's stored parts from the saved article and its rows, and store them.

        Called after every rendering of the text, and by articles.signals when an author, a topic
        or a listed work changes. Written only if the article was not saved again meanwhile.
        A save() makes the stored parts out of date (`page_is_stored`) until they are rendered
        again; a queryset update() of a field the page shows must call this itself.
        """
        from .page import render_stored_parts  # templates: loaded once the apps are

        article = Article.objects.for_page().filter(pk=self.pk).first()
        if article is None:
            return
        parts = render_stored_parts(article)
        parts["page_version"] = article.edit_version
        Article.objects.filter(pk=self.pk, edit_version=article.edit_version).update(**parts)
        if self.edit_version == article.edit_version:
            for name, value in parts.items():
                setattr(self, name, value)
        pagecache.invalidate(pagecache.tag_for(self))  # update() sends no signal

    def render_content(self, library=None, glossary=None):
        """Render the saved article again and store it; returns the problems found, as text."""
        key_points, sections = list(self.key_points.all()), list(self.sections.all())
        further_reading = list(self.further_reading.with_contributors())
        if library is None:
            library = self.library_for(key_points, sections, [ref.pk for ref in further_reading])
        document = self.render(library, key_points, sections, further_reading, glossary)
        self.store_rendering(document, key_points, sections)
        return [str(problem) for problem in document.problems]

    def fingerprint(self):
        """A hash of everything a practitioner edits, to notice edits made since an import."""
        return content_fingerprint(
            **{name: getattr(self, name) for name in CONTENT_FIELDS},
            key_points=[p.text for p in self.key_points.all()],
            sections=[(s.heading, s.body) for s in self.sections.all()],
            topics=sorted(t.name for t in self.topics.all()),
            authors=[a.practitioner.slug for a in self.authorships.all()],
        )


@functools.cache
def _detail_url_around_slug(script_prefix):
    """What an article's address has before and after its slug ("/articles/", "/")."""
    before, _, after = reverse("articles:detail", args=["SLUG"]).partition("SLUG")
    return before, after


# What Article.store_page renders from the saved article: derived, left out of revisions.
PAGE_FIELDS = ("page_html", "page_head_html", "page_version")

# What a link to an article shows (related articles, neighbours): loaded without the rest.
LINK_COLUMNS = "id, title, slug, summary, published_at"

# What an article's card in a list shows, and what decides whether it is listed (ArticleQuerySet.cards).
CARD_FIELDS = ("title", "slug", "subtitle", "summary", "status", "published_at", "featured_image", "featured_image_alt")


@functools.cache
def _sql_columns(columns, vendor):
    """The fields of `columns`, their converters from database values, and the model's order of them."""
    fields = [Article._meta.get_field(name.strip()) for name in columns.split(",")]
    converters = [
        connection.ops.get_db_converters(field.cached_col) + field.get_db_converters(connection) for field in fields
    ]
    order = sorted(range(len(fields)), key=lambda n: Article._meta.concrete_fields.index(fields[n]))
    return fields, converters, order


def articles_from_sql(sql, params, columns, extra=0):
    """[(extra values, Article)] for the rows of hand-written SQL: `extra` values, then `columns` of articles.

    For the queries every public article page runs: building them with the ORM, or even through
    `.raw()`, costs more than the database takes to answer. The values are converted as the ORM would
    (dates on SQLite), and the articles made by `from_db`, as any loaded article (the page cache records
    what a page loads).
    """
    fields, converters, order = _sql_columns(columns, connection.vendor)
    attnames = [fields[n].attname for n in order]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found = []
    for row in rows:
        values = list(row[extra:])
        for position, field in enumerate(fields):
            for convert in converters[position]:
                values[position] = convert(values[position], field.cached_col, connection)
        found.append((row[:extra], Article.from_db(connection.alias, attnames, [values[n] for n in order])))
    return found


# The article's own fields that an article file (articles.importing) also carries.
CONTENT_FIELDS = ("title", "slug", "subtitle", "summary", "intro", "status", "published_at")


def content_fingerprint(*, published_at, key_points, sections, topics, authors, **fields):
    content = {
        **fields,
        "topics": list(topics),
        "authors": list(authors),
        "published_at": published_at.astimezone(datetime.UTC).isoformat(),
        "key_points": list(key_points),
        "sections": [list(section) for section in sections],
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def unique_anchor(heading, taken):
    base = slugify(heading) or "section"
    if base.startswith(markup.ID_PREFIXES):  # "Word count": "word-" ids are the glossary's
        base = f"section-{base}"
    anchor, number = base, 2
    while anchor in taken:
        anchor, number = f"{base}-{number}", number + 1
    taken.add(anchor)
    return anchor


class KeyPoint(RemembersStored, models.Model):
    """One line of the "This page explains" list."""

    shown_with = ("article",)  # pagecache: shown only as part of these
    MAX_PER_ARTICLE = 20  # the admin's form and the importer refuse more

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="key_points")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=300, help_text="One line; Markdown emphasis and citations work.")
    # The section this point announces: its line links there. All of an article's points name one, or none do
    # (KeyPointFormSet), so readers never meet a list where some lines are links and some are not.
    section = models.ForeignKey(
        "Section",
        verbose_name="announces the section",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text_html = models.TextField(blank=True, editable=False)

    stored_fields = ("text_html",)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.text


class Section(RemembersStored, models.Model):
    shown_with = ("article",)  # pagecache: shown only as part of these
    MAX_PER_ARTICLE = 60  # the admin's form and the importer refuse more
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(default=0)
    heading = models.CharField(max_length=200)
    body = MarkdownxField(
        help_text="Markdown: paragraphs, - bullet lists, *emphasis*, > pull quotes. Cite as (Neumann, 2017), "
        "Neumann (2017), [@neumann2017] or [@neumann2017, p. 45]; text that looks like a citation but is not one "
        "takes a backslash: \\(Smith, 2019). Drag an image in, then describe it: ![What it shows](…)."
    )
    body_html = models.TextField(blank=True, editable=False)
    anchor = models.SlugField(max_length=220, blank=True, editable=False)

    stored_fields = ("anchor", "body_html")

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.heading


class Citation(models.Model):
    """An article cites a reference `uses` times; a cited reference cannot be deleted."""

    shown_with = ("article", "reference")  # pagecache: shown only as part of these

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="citations")
    # Indexed with the article (Meta.indexes), not alone: the articles that cite a work, read from the index.
    reference = models.ForeignKey(Reference, on_delete=models.PROTECT, related_name="citations", db_index=False)
    uses = models.PositiveSmallIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "reference"], name="one_citation_row_per_work")]
        indexes = [models.Index(fields=["reference", "article"], name="citation_articles_by_work")]

    def __str__(self):
        return f"cited in the article “{self.article.title}”"


class ArticleAuthor(models.Model):
    """An article's authors, in the order they are credited."""

    shown_with = ("article", "practitioner")  # pagecache: shown only as part of these
    MAX_PER_ARTICLE = 12  # the admin's form and the importer refuse more

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="authorships")
    practitioner = models.ForeignKey("practitioners.Practitioner", on_delete=models.PROTECT, related_name="authorships")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["article", "practitioner"], name="one_credit_per_author")]
        verbose_name = "author"

    def __str__(self):
        return str(self.practitioner)


class SlugRedirect(models.Model):
    """An address a published article had before its slug changed: it redirects permanently."""

    shown_with = ("article",)  # pagecache: shown only as part of these

    old_slug = models.SlugField(max_length=200, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="old_slugs")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"/articles/{self.old_slug}/ → {self.article.get_absolute_url()}"
