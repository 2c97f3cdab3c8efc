"""Harvard (Cite Them Right, 12th edition) formatting.

A formatter builds a list of (text, italic) pieces once; `reference_html`
escapes every piece and `reference_text` joins them plainly, so the two
outputs can never disagree and no field value reaches HTML unescaped.

Functions take any object shaped like `references.models.Reference`: `kind`,
`year`, `title`, ..., and `authors` / `editors` lists of contributors with
`surname`, `initials` and `organisation`.
"""

import re

from django.utils.html import escape

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
            letters.append("-".join(part[:1] for part in word.split("-") if part))
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


def year_text(reference, suffix=""):
    return f"({reference.year}{suffix})" if reference.year else f"(no date{'' if not suffix else ' ' + suffix})"


def _online(reference):
    """'Available at: URL (Accessed: ...)', preferring a DOI link."""
    if reference.doi:
        return [(f"Available at: https://doi.org/{reference.doi}", False)]
    if reference.url:
        text = f"Available at: {reference.url}"
        if reference.accessed:
            text += f" {accessed_text(reference.accessed)}"
        return [(text, False)]
    return []


def _publication(reference):
    if reference.place and reference.publisher:
        return f"{reference.place}: {reference.publisher}"
    return reference.place or reference.publisher


def pieces(reference, suffix=""):
    """The entry as (text, italic) pieces; see the module docstring."""
    authors, editors = reference.authors, reference.editors
    kind = reference.kind
    out = []

    if authors:
        out.append((_join_names([list_name(a) for a in authors]), False))
    elif editors:
        label = "(ed.)" if len(editors) == 1 else "(eds)"
        out.append((f"{_join_names([list_name(e) for e in editors])} {label}", False))
    if out:
        out.append((f" {year_text(reference, suffix)} ", False))
    else:  # no author: the title leads
        out.append((f"{reference.title} {year_text(reference, suffix)}", True))

    titled = bool(authors or editors)
    if kind == "article-journal":
        if titled:
            out.append((f"‘{reference.title}’, ", False))
        out.append((reference.container_title, True))
        numbering = reference.volume + (f"({reference.issue})" if reference.issue else "")
        tail = [part for part in (numbering, pages_text(reference.pages)) if part]
        out.append(((", " + ", ".join(tail)) if tail else "", False))
        out.append((".", False))
    elif kind == "chapter":
        if titled:
            out.append((f"‘{reference.title}’, in ", False))
        if editors:
            label = "(ed.)" if len(editors) == 1 else "(eds)"
            out.append((f"{_join_names([editor_name(e) for e in editors])} {label} ", False))
        out.append((reference.container_title, True))
        out.append((".", False))
        details = [edition_text(reference.edition)]
        publication = _publication(reference)
        pages = pages_text(reference.pages)
        if publication:
            details.append(f"{publication}{', ' + pages if pages else ''}.")
        elif pages:
            details.append(f"{pages}.")
        details = [d for d in details if d]
        if details:
            out.append((" " + " ".join(details), False))
    elif kind == "webpage" and reference.container_title:
        if titled:
            out.append((f"‘{reference.title}’, ", False))
        out.append((f"{reference.container_title}.", False))
    else:  # book, report, stand-alone web page
        if titled:
            out.append((reference.title, True))
            out.append((".", False))
        details = [edition_text(reference.edition), f"{_publication(reference)}." if _publication(reference) else ""]
        details = [d for d in details if d]
        if details:
            out.append((" " + " ".join(details), False))

    online = _online(reference)
    if online:
        out.append((" ", False))
        out.extend(online)
    return [(text, italic) for text, italic in out if text]


def reference_text(reference, suffix=""):
    return "".join(text for text, _ in pieces(reference, suffix))


def reference_html(reference, suffix=""):
    return "".join(f"<i>{escape(text)}</i>" if italic else escape(text) for text, italic in pieces(reference, suffix))


# Particles that stand before a surname but do not decide its place in the list.
PARTICLES = {"de", "da", "del", "della", "der", "di", "du", "la", "le", "van", "von", "den", "ter", "ten"}


def sort_name(family):
    """'de Vries' sorts under V, as Cite Them Right's examples do; 'De Vries' (capitalised) under D."""
    words = family.split()
    while len(words) > 1 and words[0] in PARTICLES:
        words = words[1:]
    return " ".join(words).casefold()


def sort_key(reference, suffix=""):
    """Reference-list order: first name, the other names, year, year suffix, title."""
    people = reference.authors or reference.editors
    names = tuple(sort_name(c.family) for c in people) or (reference.title.casefold(),)
    return (names[0], reference.year or 0, names[1:], suffix, reference.title.casefold())
