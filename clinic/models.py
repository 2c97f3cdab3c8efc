"""The clinic's own details: one record an Editor keeps, read by every public page's frame.

Patients never see an unfinished detail: a field left empty is left out of the page, and the admin's
home page lists what is still empty (`ClinicDetails.missing()`). Every page shows the record (header and
footer), so it is read through the shared cache (`current()`, no query per page) and recorded as a
dependency of the page being rendered: saving it makes every cached page stale, in every process.
"""

import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models, transaction

import pagecache
from uploads.images import ReencodedImageField, ServerChosenName

logger = logging.getLogger(__name__)

CACHE_KEY = "clinic:details:v1"
# A bound on how long a copy read just before a save (in another process) could outlive it.
CACHE_SECONDS = 300

DAYS = {
    "Mo": "Monday",
    "Tu": "Tuesday",
    "We": "Wednesday",
    "Th": "Thursday",
    "Fr": "Friday",
    "Sa": "Saturday",
    "Su": "Sunday",
}
# schema.org's openingHours syntax, one line each: "Mo-Fr 09:00-17:30", "Sa 09:00-13:00".
HOURS_LINE = re.compile(
    r"^(?P<first>Mo|Tu|We|Th|Fr|Sa|Su)(?:-(?P<last>Mo|Tu|We|Th|Fr|Sa|Su))? "
    r"(?P<opens>[01]\d|2[0-3]):(?P<opens_min>[0-5]\d)-(?P<closes>[01]\d|2[0-4]):(?P<closes_min>[0-5]\d)$"
)
SOCIAL_URL = URLValidator(schemes=["https"])


@dataclass(frozen=True)
class OpeningHours:
    schema: str  # "Mo-Fr 09:00-17:30", for JSON-LD
    days: str  # "Monday to Friday", for people
    times: str  # "09:00–17:30"


def parse_opening_hours(text):
    """The lines of `text` as OpeningHours; raises ValidationError naming every line it cannot read."""
    hours, problems = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = " ".join(line.split())
        if not line:
            continue
        match = HOURS_LINE.match(line)
        if not match:
            problems.append(f"line {number} (“{line}”)")
            continue
        days = DAYS[match["first"]] + (f" to {DAYS[match['last']]}" if match["last"] else "")
        times = f"{match['opens']}:{match['opens_min']}–{match['closes']}:{match['closes_min']}"
        hours.append(OpeningHours(line, days, times))
    if problems:
        raise ValidationError(
            f"Opening hours: cannot read {', '.join(problems)}. Write one line per day or range of days, "
            "as “Mo-Fr 09:00-17:30” or “Sa 09:00-13:00” (days Mo Tu We Th Fr Sa Su, 24-hour times)."
        )
    return hours


class ClinicDetails(models.Model):
    """The one record of the clinic's details (pk 1)."""

    shown_on_pages = True  # pagecache: every page's header and footer show it

    name = models.CharField(max_length=120, default="The Body Lab")
    description = models.CharField(
        "short description",
        max_length=300,
        blank=True,
        help_text="One or two sentences on who the clinic is, shown on the home page and in the footer.",
    )
    street_address = models.CharField("street address", max_length=200, blank=True, help_text="e.g. 12 High Street")
    locality = models.CharField("town or city", max_length=100, blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    phone = models.CharField(
        "telephone", max_length=40, blank=True, help_text="As patients dial it, e.g. 020 7946 0123."
    )
    email = models.EmailField(blank=True)
    opening_hours = models.TextField(
        blank=True,
        help_text="One line per day or range of days: “Mo-Fr 09:00-17:30”, “Sa 09:00-13:00” "
        "(days Mo Tu We Th Fr Sa Su, 24-hour times). Days left out are shown as closed.",
    )
    booking_url = models.URLField("booking link", blank=True, help_text="Where patients book an appointment online.")
    map_url = models.URLField("map link", blank=True, help_text="A link to the clinic on a map.")
    social_links = models.TextField(
        "social profiles", blank=True, help_text="One https:// address per line (Instagram, Facebook, …)."
    )
    logo = ReencodedImageField(upload_to=ServerChosenName("clinic"), blank=True, help_text="A PNG or JPEG image.")
    logo_alt = models.CharField(
        "logo description (alt text)", max_length=200, blank=True, help_text="Usually the clinic's name."
    )
    help_note = models.TextField(
        "“When to get help” note",
        blank=True,
        max_length=2000,
        help_text="Shown at the end of every article: when to book, and when to see a GP or call 999 or 111. "
        "Plain text; a blank line starts a new paragraph.",
    )
    is_demo = models.BooleanField(
        "demo details",
        default=False,
        help_text="Ticked by make run's demo: the pages say these details are fictional. Untick once they are real.",
    )

    class Meta:
        verbose_name = verbose_name_plural = "clinic details"

    # What patients may see, in the order the admin lists what is still empty.
    PATIENT_FIELDS = (
        "description",
        "street_address",
        "locality",
        "postcode",
        "phone",
        "email",
        "opening_hours",
        "booking_url",
        "map_url",
        "social_links",
        "logo",
        "help_note",
    )

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.pk = 1  # one record
        super().save(*args, **kwargs)
        forget_current()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        forget_current()
        return result

    def clean(self):
        errors = {}
        try:
            parse_opening_hours(self.opening_hours)
        except ValidationError as error:
            errors["opening_hours"] = error
        for number, line in enumerate(self.social_links.splitlines(), start=1):
            if line.strip():
                try:
                    SOCIAL_URL(line.strip())
                except ValidationError:
                    errors["social_links"] = f"Social profiles: line {number} is not an https:// address."
                    break
        if self.logo and not self.logo_alt.strip():
            errors["logo_alt"] = "Describe the logo: alt text is required with a logo."
        if errors:
            raise ValidationError(errors)

    @classmethod
    def current(cls):
        """The record as pages show it (an unsaved default until an Editor saves one), from the shared cache."""
        try:
            details = cache.get(CACHE_KEY)
        except Exception:  # the cache server is down: read the database rather than fail the page
            logger.exception("The cache could not be read for the clinic's details")
            return cls.objects.filter(pk=1).first() or cls(pk=1)
        if details is None:
            details = cls.objects.filter(pk=1).first() or cls(pk=1)
            try:
                cache.set(CACHE_KEY, details, CACHE_SECONDS)
            except Exception:
                logger.exception("The cache could not keep the clinic's details")
        pagecache.record(pagecache.tag_for(details))  # unpickled rows are not seen loading: say so
        return details

    @classmethod
    def cached(cls):
        """The record as the shared cache holds it, or just the name: for error pages, which touch no database."""
        try:
            return cache.get(CACHE_KEY) or cls(pk=1)
        except Exception:
            return cls(pk=1)

    def missing(self):
        """The names of the details patients do not see yet because they are empty."""
        return [self._meta.get_field(name).verbose_name for name in self.PATIENT_FIELDS if not getattr(self, name)]

    # What the pages show, derived once here.

    @property
    def address_lines(self):
        return [part for part in (self.street_address, self.locality, self.postcode) if part]

    @property
    def hours(self):
        try:
            return parse_opening_hours(self.opening_hours)
        except ValidationError:
            return []  # saved before the check, or by hand: shown when it reads again

    @property
    def social_profiles(self):
        """[(label, url)]: the site's name ("instagram.com") as the link's words."""
        urls = [line.strip() for line in self.social_links.splitlines() if line.strip()]
        return [(urlsplit(url).hostname.removeprefix("www."), url) for url in urls if urlsplit(url).hostname]

    @property
    def phone_link(self):
        """tel: address of the phone number (digits and a leading +)."""
        digits = re.sub(r"[^\d+]", "", self.phone)
        return f"tel:{digits}" if digits else ""

    @property
    def help_paragraphs(self):
        return [" ".join(p.split()) for p in re.split(r"\n\s*\n", self.help_note) if p.strip()]

    @property
    def has_contact_details(self):
        return bool(self.address_lines or self.phone or self.email or self.hours or self.booking_url)


def forget_current():
    """Drop the cached record, now and when the transaction commits (another process may read in between)."""
    _forget()
    transaction.on_commit(_forget)


def _forget():
    try:
        cache.delete(CACHE_KEY)
    except Exception:  # the cache server is down: pages are not served from it either (pagecache)
        logger.exception("The cache could not drop the clinic's details")
