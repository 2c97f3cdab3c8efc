"""Cleaning what was typed or imported into the reference library: pure functions, no models.

`Reference.clean()` and `Contributor.clean()` call these, so the admin form and
the importers (which call `full_clean()`) store the same shapes; `harvard` calls
the tolerant ones again at display time, for rows saved before they existed.
Functions that can refuse a value raise `ValueError` with a message for a person;
the model turns it into an error on the field.
"""

import calendar
import datetime
import re
import unicodedata
from urllib.parse import unquote

from django.core.validators import MaxValueValidator, MinValueValidator

# A reference's key, as a citation names it ("[@neumann2017]", "@neumann2017"): inner punctuation may join parts
# ("smith:2019.a"); a last ".", ":" or "-" would be read as the sentence's, so a key ends with a letter, digit or _.
KEY = r"[A-Za-z0-9_](?:[A-Za-z0-9_:.\-]*[A-Za-z0-9_])?"

# Everything people paste in front of a DOI: a resolver address (old or new), or a "doi:" label.
DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*|doi\s+)", re.IGNORECASE)
# A DOI is "10." + a registrant code + "/" + a suffix; lenient on the registrant, as old DOIs are short.
DOI_SHAPE = re.compile(r"^10\.\d+(?:\.\d+)*/\S+$")

# Apostrophes as word processors type them, and letters that no accent-stripping turns into ASCII.
FOLD = str.maketrans(
    {"’": "'", "‘": "'", "`": "'", "ʼ": "'", "´": "'", "æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "œ": "oe",
     "Œ": "Oe", "ß": "ss", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "þ": "th", "ı": "i"}
)  # fmt: skip


def fold(text):
    """The form names are compared and sorted in: no accents, no case ('Østergaard' -> 'ostergaard')."""
    text = unicodedata.normalize("NFKD", text.translate(FOLD))
    if not text.isascii():  # no combining characters in ASCII; each other character is looked at once
        text = text.translate({ord(char): None for char in set(text) if unicodedata.combining(char)})
    return text.casefold()


def bare_doi(value):
    """'https://doi.org/10.1/x', 'http://dx.doi.org/10.1/x', 'doi:10.1/x' -> '10.1/x'; anything else stripped only."""
    value = (value or "").strip()
    stripped = DOI_PREFIX.sub("", value)
    # Resolver addresses may be percent-encoded (10.1002%2Fabc); a bare DOI is kept as typed.
    return unquote(stripped) if stripped != value and value.lower().startswith("http") else stripped


def doi(value):
    """The bare DOI, or ValueError if what is left does not look like one."""
    value = bare_doi(value)
    if value and not DOI_SHAPE.match(value):
        raise ValueError(f"“{value}” is not a DOI: a DOI starts with 10. and has a slash, for example 10.1136/bmj.n71.")
    return value


ORDINAL_WORDS = {
    word: number
    for number, word in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth "
        "fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split(),
        start=1,
    )
}
# "2", "2nd", "2nd.", "2nd ed.", "2nd edn", "2nd edition", "Second", "second edition": a numbered edition.
NUMBERED_EDITION = re.compile(
    r"^(?:(?P<digits>\d+)\s*(?:st|nd|rd|th)?|(?P<word>[a-z]+))\.?\s*(?:ed|edn|edition)?\.?$"
    r"|^(?:ed|edn|edition)\.?\s*(?P<after>\d+)$",  # "Ed. 2", "edition 3"
    re.IGNORECASE,
)


def edition(value):
    """A numbered edition stored as its number ('2nd ed.' -> '2'); other text kept, trimmed ('Revised edition')."""
    value = " ".join((value or "").split())
    match = NUMBERED_EDITION.match(value)
    if match and (match["digits"] or match["after"]):
        return str(int(match["digits"] or match["after"]))
    if match and match["word"] and match["word"].lower() in ORDINAL_WORDS:
        return str(ORDINAL_WORDS[match["word"].lower()])
    return value


def initials(given):
    """'A. J.' / 'AJ' / 'Alan John' / 'A.M.R.' -> 'A.J.'; hyphens kept: 'Rolf-Joachim' / 'R.-J.' / 'R-J' -> 'R.-J.'."""
    given = (given or "").strip()
    if not given:
        return ""
    # 'R.-J.', 'R. - J.' and 'R-J' are one hyphenated name, not two initials.
    given = re.sub(r"\s*\.?\s*-\s*", "-", given)
    letters = []
    for word in (w for w in re.split(r"[\s.]+", given) if w):
        if word.isupper() and "-" not in word and len(word) <= 3:
            letters.extend(word)  # 'AJ' typed without dots
        else:
            letters.append(".-".join(part[:1] for part in word.split("-") if part))
    return "".join(f"{letter}." for letter in letters if letter)


def suffix(value):
    """'Jr.' -> 'Jr': a contraction takes no full stop in British usage (and CTR's examples)."""
    value = " ".join((value or "").split())
    return value[:-1] if value.lower() in {"jr.", "sr."} else value


# The years a citation in the text can name ("(Neumann, 2017)"): a work of another year could never be cited.
FIRST_YEAR, LAST_YEAR = 1500, 2099
YEAR = r"(?:1[5-9]\d\d|20\d\d)"  # FIRST_YEAR to LAST_YEAR, as a pattern
# The year field's own validators (Reference.year): as they cover the database's range, Django adds no
# "Ensure this value is less than or equal to 32767." of its own beside them.
YEAR_MESSAGE = f"Give a year from {FIRST_YEAR} to {LAST_YEAR}, or leave it empty for “no date”."
YEAR_RANGE = [MinValueValidator(FIRST_YEAR, YEAR_MESSAGE), MaxValueValidator(LAST_YEAR, YEAR_MESSAGE)]


def date_errors(year, month, day):
    """{field: message} for an impossible publication date: month 13, 31 April, a day without a month. (A year
    no citation can name is the year field's own: YEAR_RANGE.)"""
    errors = {}
    if month is not None and not 1 <= month <= 12:
        errors["issued_month"] = f"There is no month {month}: give 1 to 12."
    if day is None:
        return errors
    if month is None:
        errors["issued_day"] = "A day needs its month: give the month too, or leave the day empty."
    elif "issued_month" not in errors:
        # Without a year, 29 February may be right; with one, the calendar decides.
        last = calendar.monthrange(year if year and FIRST_YEAR <= year <= LAST_YEAR else 2000, month)[1]
        if not 1 <= day <= last:
            where = f"{calendar.month_name[month]} {year}" if year and month == 2 else calendar.month_name[month]
            errors["issued_day"] = f"{where} has no day {day}: it has {last} days."
    return errors


def accessed(day, precision):
    """An access date known only to the month or year keeps 1 for its unknown parts, never an invented day."""
    if day is None:
        return None
    if precision == "year":
        return datetime.date(day.year, 1, 1)
    if precision == "month":
        return datetime.date(day.year, day.month, 1)
    return day
