"""The clinic's shared reference library.

A Reference is one published work; Contributors are its ordered authors (and,
for chapters and edited books, editors). Articles cite references; formatting
in Harvard (Cite Them Right) style lives in `references.harvard`, and the
cleaning of what was typed or imported in `references.normalise`.

Fields follow CSL's variables where CSL has one (number, collection_title,
genre, status, event_title...), so the importers and exporters map them one to
one. Fields beyond the agreed list: none so far.
"""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Prefetch
from django.urls import reverse

from . import harvard, normalise

key_validator = RegexValidator(
    r"^[A-Za-z0-9_][A-Za-z0-9_:.\-]*$",
    "Use letters, digits and _ : . - only, for example neumann2017.",
)


class ReferenceQuerySet(models.QuerySet):
    def with_contributors(self):
        """Everything needed to format references, in one extra query."""
        return self.prefetch_related(
            Prefetch("contributors", queryset=Contributor.objects.order_by("role", "position", "pk"))
        )


class Reference(models.Model):
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
        help_text="Short unique name used to cite this work, for example neumann2017.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.JOURNAL_ARTICLE)
    year = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Leave empty for “no date”.")
    issued_month = models.PositiveSmallIntegerField(
        "month",
        null=True,
        blank=True,
        help_text="1–12. Blog posts, newspaper and magazine articles, videos and podcasts give day and month.",
    )
    issued_day = models.PositiveSmallIntegerField(
        "day", null=True, blank=True, help_text="Day of the month; needs the month."
    )
    title = models.CharField(max_length=500)
    container_title = models.CharField(
        "journal / book / website",
        max_length=300,
        blank=True,
        help_text="The journal of an article, the book of a chapter, or the site a web page belongs to.",
    )
    volume = models.CharField(max_length=20, blank=True)
    issue = models.CharField(max_length=20, blank=True)
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
    event_place = models.CharField("conference place", max_length=200, blank=True)
    event_date = models.CharField(
        "conference dates", max_length=100, blank=True, help_text="As printed, for example 3–5 June."
    )
    edition = models.CharField(
        max_length=50, blank=True, help_text="A number (3 for the 3rd edition), or words such as “Revised edition”."
    )
    place = models.CharField("place of publication", max_length=100, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    url = models.URLField("URL", max_length=500, blank=True)
    doi = models.CharField(
        "DOI", max_length=200, blank=True, help_text="Only the DOI, for example 10.1111/j.1600-0838.2009.00986.x"
    )
    accessed = models.DateField(null=True, blank=True, help_text="When a web page was read.")
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
        return harvard.in_text_names(self.authors or self.editors) or harvard.plain(self.title)

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
