"""The clinic's shared reference library.

A Reference is one published work; Contributors are its ordered authors (and,
for chapters and edited books, editors). Articles cite references; formatting
in Harvard (Cite Them Right) style lives in `references.harvard`, and the
cleaning of what was typed or imported in `references.normalise`.

Fields follow CSL's variables where CSL has one (number, collection_title,
genre, status, event_title...), so the importers and exporters map them one to
one. Fields beyond the agreed list: none so far.
"""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, URLValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.safestring import mark_safe

from . import harvard, normalise

key_validator = RegexValidator(
    rf"^{normalise.KEY}$",
    "Use letters, digits and _ : . - only, beginning and ending with a letter, digit or _, for example neumann2017.",
)


# The fields each kind prints, besides key, kind, year, title and its people; the admin shows these.
FIELDS_BY_KIND = {
    "article-journal": ("container_title", "volume", "issue", "pages", "number", "status", "doi", "url", "accessed"),
    "preprint": ("container_title", "doi", "url", "accessed"),
    "book": ("edition", "place", "publisher", "doi", "url", "accessed"),
    "chapter": ("container_title", "edition", "place", "publisher", "pages", "doi", "url", "accessed"),
    "report": ("collection_title", "number", "edition", "place", "publisher", "doi", "url", "accessed"),
    "webpage": ("container_title", "url", "accessed"),
    "blog-post": ("issued_month", "issued_day", "container_title", "url", "accessed"),
    "newspaper": ("issued_month", "issued_day", "container_title", "pages", "url", "accessed"),
    "magazine": ("issued_month", "issued_day", "container_title", "pages", "url", "accessed"),
    "thesis": ("genre", "publisher", "doi", "url", "accessed"),
    "conference-paper": (
        "container_title",
        "event_title",
        "event_place",
        "event_date",
        "place",
        "publisher",
        "pages",
        "doi",
        "url",
        "accessed",
    ),
    "video": ("issued_month", "issued_day", "container_title", "url", "accessed"),
    "podcast": ("issued_month", "issued_day", "container_title", "number", "url", "accessed"),
}
# What an entry of each kind cannot do without (a conference paper needs proceedings or a conference: see the form).
REQUIRED_BY_KIND = {
    "article-journal": ("container_title",),
    "preprint": ("container_title",),
    "chapter": ("container_title",),
    "webpage": ("url",),
    "blog-post": ("container_title", "url"),
    "newspaper": ("container_title",),
    "magazine": ("container_title",),
    "thesis": ("genre", "publisher"),
    "video": ("url",),
    "podcast": ("container_title", "url"),
}


def _articles():
    # "Published" is defined once, by the articles app (ArticleQuerySet.published); references sit
    # below articles, so the model is looked up here rather than imported.
    return apps.get_model("articles", "Article").objects


class ReferenceQuerySet(models.QuerySet):
    def with_contributors(self):
        """Everything needed to format references, in one extra query."""
        return self.prefetch_related(
            Prefetch("contributors", queryset=Contributor.objects.order_by("role", "position", "pk"))
        )

    def shown_by(self, articles):
        """Works that `articles` cite or list as further reading."""
        return self.filter(Q(pk__in=articles.values("references")) | Q(pk__in=articles.values("further_reading")))

    def public(self):
        """The public library: works a published article shows. Its pages, sitemap and export use this."""
        return self.shown_by(_articles().published())


# A reference's link is one readers can follow in a browser; the message names the schemes, as
# "Enter a valid URL" does not say why ftp:// is refused. The admin's form says the same.
WEB_ADDRESS = URLValidator(schemes=["http", "https"], message="Enter a web address starting with http:// or https://.")


class WebAddressField(models.URLField):
    """A URL checked by WEB_ADDRESS alone: URLField's own validator would say "Enter a valid URL." beside it."""

    default_validators = [WEB_ADDRESS]


class Reference(models.Model):
    shown_on_pages = True  # pagecache: pages record the references they show

    class Kind(models.TextChoices):
        JOURNAL_ARTICLE = "article-journal", "Journal article"
        PREPRINT = "preprint", "Preprint"
        BOOK = "book", "Book or e-book"
        CHAPTER = "chapter", "Chapter in an edited book"
        REPORT = "report", "Report or guideline"
        WEBPAGE = "webpage", "Web page"
        BLOG_POST = "blog-post", "Blog post"
        NEWSPAPER = "newspaper", "Newspaper article"
        MAGAZINE = "magazine", "Magazine article"
        THESIS = "thesis", "Thesis"
        CONFERENCE_PAPER = "conference-paper", "Conference paper"
        VIDEO = "video", "Video"
        PODCAST = "podcast", "Podcast"

    class Precision(models.TextChoices):
        DAY = "day", "Day"
        MONTH = "month", "Month"
        YEAR = "year", "Year"

    key = models.CharField(
        max_length=100,
        unique=True,
        validators=[key_validator],
        help_text="The short name you cite this work by in Markdown, as [@neumann2017]: usually the first "
        "author's surname and the year. Letters, digits and _ : . - only, no spaces; readers never see it.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.JOURNAL_ARTICLE)
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=normalise.YEAR_RANGE, help_text="Leave empty for “no date”."
    )
    issued_month = models.PositiveSmallIntegerField(
        "month",
        null=True,
        blank=True,
        help_text="1–12. Blog posts, newspaper and magazine articles, videos and podcasts give day and month.",
    )
    issued_day = models.PositiveSmallIntegerField(
        "day", null=True, blank=True, help_text="Day of the month; needs the month."
    )
    title = models.CharField(
        max_length=500,
        # No angle brackets here: the admin shows help texts as HTML.
        help_text="As on the work. CSL rich text is understood: i, b, sup and sub tags, small-caps and nocase spans.",
    )
    container_title = models.CharField(
        "journal / book / website",
        max_length=300,
        blank=True,
        help_text="What the work is part of: the journal of an article, the book of a chapter, the site of a web "
        "page, the blog, newspaper, magazine, preprint server, proceedings, video channel or podcast.",
    )
    volume = models.CharField(max_length=20, blank=True, help_text="The journal volume, for example 45.")
    issue = models.CharField(
        max_length=20, blank=True, help_text="The journal issue, for example 11; a supplement as “Suppl. 2”."
    )
    pages = models.CharField(max_length=40, blank=True, help_text="For example 503–526 or 45.")
    number = models.CharField(
        max_length=50,
        blank=True,
        help_text="A report or guideline number (NG226), an article number (e0216702) or an episode number.",
    )
    collection_title = models.CharField(
        "series", max_length=300, blank=True, help_text="The series a report belongs to, for example NICE guideline."
    )
    genre = models.CharField(
        "type", max_length=100, blank=True, help_text="The kind of thesis, for example PhD thesis or MSc dissertation."
    )
    status = models.CharField(
        max_length=50, blank=True, help_text="For an article not yet in an issue: “in press” or “online first”."
    )
    event_title = models.CharField(
        "conference", max_length=300, blank=True, help_text="The conference a paper was given at."
    )
    event_place = models.CharField(
        "conference place", max_length=200, blank=True, help_text="Where it was held, for example Leeds."
    )
    event_date = models.CharField(
        "conference dates", max_length=100, blank=True, help_text="As printed, for example 3–5 June."
    )
    edition = models.CharField(
        max_length=50, blank=True, help_text="A number (3 for the 3rd edition), or words such as “Revised edition”."
    )
    place = models.CharField(
        "place of publication", max_length=100, blank=True, help_text="The city, for example London."
    )
    publisher = models.CharField(
        max_length=200, blank=True, help_text="The publisher; for a thesis, the university that awarded it."
    )
    url = WebAddressField(
        "URL",
        max_length=500,
        blank=True,
        help_text="Where it is read online (http or https); not needed when there is a DOI.",
    )
    doi = models.CharField(
        "DOI",
        max_length=200,
        blank=True,
        help_text="For example 10.1111/j.1600-0838.2009.00986.x; a pasted https://doi.org/… address is shortened.",
    )
    accessed = models.DateField(
        null=True, blank=True, help_text="When it was read online: for anything with a URL and no DOI."
    )
    accessed_precision = models.CharField(
        "access date known to",
        max_length=5,
        choices=Precision.choices,
        default=Precision.DAY,
        help_text="If only the month or year of access is known, the missing parts of the date are 1 and not shown.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["key"]

    def __str__(self):
        return f"{self.citation_label}, {self.year_label} — {harvard.plain(self.title)}"

    def get_absolute_url(self):
        return reverse("references:detail", args=[self.key])

    def clean(self):
        """Store one shape whatever was pasted: a bare DOI, an edition number, a possible date."""
        errors = {}
        try:
            self.doi = normalise.doi(self.doi)
        except ValueError as problem:
            errors["doi"] = str(problem)
        self.edition = normalise.edition(self.edition)
        errors.update(normalise.date_errors(self.year, self.issued_month, self.issued_day))
        self.accessed = normalise.accessed(self.accessed, self.accessed_precision)
        if errors:
            raise ValidationError(errors)

    @property
    def anchor(self):
        """The id of this reference's entry in an article's reference list."""
        return f"ref-{self.key}"

    @property
    def authors(self):
        return [c for c in self.contributors.all() if c.role == Contributor.Role.AUTHOR]

    @property
    def editors(self):
        return [c for c in self.contributors.all() if c.role == Contributor.Role.EDITOR]

    @property
    def citation_label(self):
        """Names as they stand in an in-text citation: 'Moore, Dalley and Agur'."""
        people = self.authors or self.editors
        return harvard.in_text_names(people) or harvard.anonymous_label(self.kind, self.title, self.container_title)

    def published_articles(self):
        """The published or scheduled articles that show this work: changing it changes their pages."""
        shown_here = Q(references=self) | Q(further_reading=self)
        return _articles().published_or_scheduled().filter(shown_here).distinct().order_by("title")

    @property
    def plain_title(self):
        """The title without its rich-text markup, for places that show plain text."""
        return harvard.plain(self.title)

    @property
    def title_html(self):
        """The title with its rich text formatted and everything else escaped: safe to show as it is."""
        return mark_safe(harvard.rich_html(self.title))  # noqa: S308 - rich_html escapes all but its own tags

    @property
    def year_label(self):
        """The year alone: letters (2019a, 2019b) belong to one article's reference list, not to the work."""
        return harvard.year_label(self.year)

    def harvard_html(self, year_suffix=""):
        return harvard.reference_html(self, year_suffix)

    def harvard_text(self, year_suffix=""):
        return harvard.reference_text(self, year_suffix)

    @property
    def sort_key(self):
        return harvard.sort_key(self)


class Contributor(models.Model):
    """One author or editor of a reference: a person or an organisation."""

    shown_with = ("reference",)  # pagecache: shown only as part of its reference

    class Role(models.TextChoices):
        AUTHOR = "author", "Author"
        EDITOR = "editor", "Editor"

    reference = models.ForeignKey(Reference, on_delete=models.CASCADE, related_name="contributors")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.AUTHOR)
    position = models.PositiveSmallIntegerField(default=0)
    surname = models.CharField(max_length=100, blank=True, help_text="Include particles: “de Vries”.")
    initials = models.CharField(
        max_length=50, blank=True, help_text="For example A.J. (full given names are shortened)."
    )
    particle = models.CharField(
        max_length=30,
        blank=True,
        help_text="A particle dropped before the surname, as “van” in Ludwig van Beethoven (listed Beethoven, L. van).",
    )
    suffix = models.CharField(max_length=20, blank=True, help_text="For example Jr or III.")
    organisation = models.CharField(
        max_length=200, blank=True, help_text="Instead of a person, for example NHS England."
    )

    class Meta:
        ordering = ["role", "position", "pk"]

    def __str__(self):
        return self.organisation or harvard.list_name(self)

    def clean(self):
        if not self.organisation and not self.surname:
            raise ValidationError("Give a surname for a person, or the name of an organisation.")
        if self.organisation and (self.surname or self.initials or self.particle or self.suffix):
            raise ValidationError("A contributor is either a person or an organisation, not both.")
        self.initials = normalise.initials(self.initials)
        self.particle = " ".join(self.particle.split())
        self.suffix = normalise.suffix(self.suffix)

    @property
    def family(self):
        """What a citation or the sort order uses: surname or organisation name."""
        return self.organisation or self.surname
