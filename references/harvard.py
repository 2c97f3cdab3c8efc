"""Harvard (Cite Them Right, 12th edition) formatting.

A formatter builds a list of (text, style) pieces once; `reference_html`
escapes every piece and `reference_text` joins them plainly, so the two
outputs can never disagree and no field value reaches HTML unescaped.

Functions take any object shaped like `references.models.Reference`: `kind`,
`year`, `title`, ..., and `authors` / `editors` lists of contributors with
`surname`, `initials` and `organisation`.
"""

import re

from django.utils.html import escape

# A piece's style: False (plain), True (italic) or LINK (a web address, linked in HTML).
LINK = "link"
PAGE_RANGE = re.compile(r"^\s*([^\s\-–—]+)\s*(?:-+|–|—)\s*([^\s\-–—]+)\s*$")


def initials(given):
    """'A. J.' / 'AJ' / 'Alan John' / 'A.M.R.' -> 'A.J.' / 'A.J.' / 'A.J.' / 'A.M.R.'"""
    given = given.strip()
    if not given:
        return ""
    words = [w for w in re.split(r"[\s.]+", given) if w]
    letters = []
    for word in words:
        if word.isupper() and "-" not in word and len(word) <= 3:
            letters.extend(word)  # 'AJ' typed without dots
        else:
            letters.append(".-".join(part[:1] for part in word.split("-") if part))
    return "".join(f"{letter}." for letter in letters)


def _join_names(names):
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def in_text_names(contributors):
    """'Neumann'; 'Moore, Dalley and Agur'; four or more: 'Kjaer et al.'."""
    families = [c.family for c in contributors]
    if len(families) >= 4:
        return f"{families[0]} et al."
    return _join_names(families)


def list_name(contributor):
    """'Blazevich, A.J.' in the reference list; organisations as they are."""
    if contributor.organisation:
        return contributor.organisation
    given = initials(contributor.initials)
    return f"{contributor.surname}, {given}" if given else contributor.surname


def editor_name(contributor):
    """Editors inside a chapter entry stand initials first: 'C. Lee'."""
    if contributor.organisation:
        return contributor.organisation
    given = initials(contributor.initials)
    return f"{given} {contributor.surname}" if given else contributor.surname


def ordinal(number):
    n = int(number)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def edition_text(edition):
    """'3' -> '3rd edn.'; the first edition is not mentioned; free text is kept."""
    edition = edition.strip()
    if not edition:
        return ""
    if edition.isdigit():
        return "" if int(edition) == 1 else f"{ordinal(edition)} edn."
    return edition if edition.endswith(".") else f"{edition}."


def pages_text(pages):
    """'503-526' -> 'pp. 503–526' (en dash whatever was typed); '45' -> 'p. 45'."""
    pages = pages.strip()
    if not pages:
        return ""
    match = PAGE_RANGE.match(pages)
    if match:
        return f"pp. {match.group(1)}–{match.group(2)}"
    return f"p. {pages}"


def accessed_text(day):
    return f"(Accessed: {day.day} {day:%B %Y})"


def year_label(year, suffix=""):
    """'2019' or '2019a'; works without a date read "no date" (Cite Them Right)."""
    return f"{year}{suffix}" if year else f"no date{' ' + suffix if suffix else ''}"


def _publication(reference):
    if reference.place and reference.publisher:
        return f"{reference.place}: {reference.publisher}"
    return reference.place or reference.publisher


QUOTED_TITLE_KINDS = {"article-journal", "chapter"}


def _title_piece(reference):
    """Parts of a larger work are quoted, whole works italic (a web page is a part if it has a site)."""
    quoted = reference.kind in QUOTED_TITLE_KINDS or (reference.kind == "webpage" and reference.container_title)
    return (f"‘{reference.title}’", False) if quoted else (reference.title, True)


def _names_piece(reference):
    if reference.authors:
        return _join_names([list_name(a) for a in reference.authors])
    if reference.editors:
        label = "(ed.)" if len(reference.editors) == 1 else "(eds)"
        return f"{_join_names([list_name(e) for e in reference.editors])} {label}"
    return ""


def _details(reference, after_title):
    """What follows the title (or, for works without author, the year), by kind, as pieces."""
    kind = reference.kind
    if kind == "article-journal":
        numbering = reference.volume + (f"({reference.issue})" if reference.issue else "")
        tail = [part for part in (numbering, pages_text(reference.pages)) if part]
        return [(", ", False), (reference.container_title, True), ((", " + ", ".join(tail)) if tail else "", False)]
    if kind == "chapter":
        out = [(", in ", False)]
        if reference.editors:
            label = "(ed.)" if len(reference.editors) == 1 else "(eds)"
            out.append((f"{_join_names([editor_name(e) for e in reference.editors])} {label} ", False))
        out.append((reference.container_title, True))
        out.append((".", False))
        publication, pages = _publication(reference), pages_text(reference.pages)
        rest = [edition_text(reference.edition), ", ".join(p for p in (publication, pages) if p)]
        return out + [(" " + " ".join(r for r in rest if r), False)] if any(rest) else out
    if kind == "webpage" and reference.container_title:
        return [(", ", False), (reference.container_title, False)]
    rest = [edition_text(reference.edition), _publication(reference)]
    separator = ". " if after_title else " "
    return [(separator + " ".join(r for r in rest if r), False)] if any(rest) else []


def pieces(reference, year_suffix=""):
    """The entry as (text, style) pieces; see the module docstring.

    `year_suffix` is the letter this work has in one article's reference list (2019a, 2019b).
    """
    names, title = _names_piece(reference), _title_piece(reference)
    year = year_label(reference.year, year_suffix)
    if names:
        out = [(names, False), (f" ({year}) ", False), title]
    else:  # no author or editor: the title leads, then the year
        out = [title, (f" ({year})", False)]
    out += _details(reference, after_title=bool(names))
    text = "".join(t for t, _ in out)
    if not text.endswith("."):
        out.append((".", False))
    if reference.doi:
        out += [(" Available at: ", False), (f"https://doi.org/{reference.doi}", LINK)]
    elif reference.url:
        out += [(" Available at: ", False), (reference.url, LINK)]
        if reference.accessed:
            # The seed's entries end at the URL; with an access date, the entry closes with a full stop.
            out.append((f" {accessed_text(reference.accessed)}.", False))
    return [(text, style) for text, style in out if text]


def reference_text(reference, year_suffix=""):
    return "".join(text for text, _ in pieces(reference, year_suffix))


def reference_html(reference, year_suffix=""):
    def html(text, style):
        if style is LINK and text.startswith(("https://", "http://")):
            return f'<a href="{escape(text)}">{escape(text)}</a>'
        return f"<i>{escape(text)}</i>" if style is True else escape(text)

    return "".join(html(text, style) for text, style in pieces(reference, year_suffix))


# Particles that stand before a surname but do not decide its place in the list.
PARTICLES = {"de", "da", "del", "della", "der", "di", "du", "la", "le", "van", "von", "den", "ter", "ten"}


def sort_name(family):
    """'de Vries' sorts under V, as Cite Them Right's examples do; 'De Vries' (capitalised) under D."""
    words = family.split()
    while len(words) > 1 and words[0] in PARTICLES:
        words = words[1:]
    return " ".join(words).casefold()


def sort_key(reference):
    """Reference-list order: first name, year, the other names, title.

    Year suffixes (2019a, 2019b) are handed out in this order, so sorting by
    it also sorts by suffix.
    """
    people = reference.authors or reference.editors
    names = tuple(sort_name(c.family) for c in people) or (reference.title.casefold(),)
    return (names[0], reference.year or 0, names[1:], reference.title.casefold())


LOCATOR_PAGES = re.compile(
    r"^(?:(?P<label>pp?)\.?\s*)?(?P<first>\d+|[ivxlc]+)(?:\s*(?:-+|–|—)\s*(?P<last>\d+|[ivxlc]+))?$", re.I
)


def locator_text(locator):
    """An in-text locator as Cite Them Right writes it: '88' -> 'p. 88', '33-35' -> 'pp. 33–35'; other text kept."""
    locator = " ".join(locator.split())
    match = LOCATOR_PAGES.match(locator)
    if not match:
        return locator
    if match["last"]:
        return f"pp. {match['first']}–{match['last']}"
    return f"p. {match['first']}"
