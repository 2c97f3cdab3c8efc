"""Harvard (Cite Them Right, 12th edition) formatting.

A formatter builds a list of (text, style) pieces once; `reference_html`
escapes every piece and `reference_text` joins them plainly, so the two
outputs can never disagree and no field value reaches HTML unescaped.

A piece's style is False (plain), True (italic), LINK (a web address, linked
in HTML) or a tuple of formats from CSL's rich text in a title ("i", "b",
"sup", "sub", "sc" for small capitals).

Functions take any object shaped like `references.models.Reference`: `kind`,
`year`, `title`, ..., and `authors` / `editors` lists of contributors with
`surname`, `initials`, `organisation`, `particle` and `suffix`.
"""

import calendar
import re

from django.utils.html import escape

from . import normalise

LINK = "link"
PAGE_RANGE = re.compile(r"^\s*([^\s\-–—]+)\s*(?:-+|–|—)\s*([^\s\-–—]+)\s*$")


# Rich text: the markup CSL allows inside a field, and nothing else.

RICH_TAG = re.compile(
    r"<(?P<close>/)?(?P<tag>i|b|sup|sub|span)"
    r"(?P<attr>\s+(?:style=\"font-variant:\s*small-caps;?\"|class=\"nocase\"))?\s*>"
)
HTML_FORMATS = {
    "i": ("<i>", "</i>"),
    "b": ("<b>", "</b>"),
    "sup": ("<sup>", "</sup>"),
    "sub": ("<sub>", "</sub>"),
    # A class, not a style attribute: a Content-Security-Policy may forbid inline styles.
    "sc": ('<span class="small-caps">', "</span>"),
}


def _rich_tokens(text):
    """[kind, tag, text] tokens: 'text', 'open' or 'close'; tags that do not pair up stay literal text."""
    tokens, position = [], 0
    for match in RICH_TAG.finditer(text):
        tokens.append(["text", None, text[position : match.start()]])
        tag, attr = match["tag"], match["attr"]
        if match["close"] and not attr:
            tokens.append(["close", tag, match[0]])
        elif not match["close"] and (tag == "span") == bool(attr):
            tokens.append(["open", tag, match[0]])
        else:
            tokens.append(["text", None, match[0]])
        position = match.end()
    tokens.append(["text", None, text[position:]])
    unmatched = []
    for index, token in enumerate(tokens):
        if token[0] == "open":
            unmatched.append(index)
        elif token[0] == "close":
            if unmatched and tokens[unmatched[-1]][1] == token[1]:
                unmatched.pop()
            else:
                token[0] = "text"
    for index in unmatched:
        tokens[index][0] = "text"
    return tokens


def rich_runs(text):
    """'The <i>Homo</i> foot' -> [('The ', ()), ('Homo', ('i',)), (' foot', ())]: text with the formats it carries."""
    runs, active = [], []
    for kind, tag, value in _rich_tokens(text or ""):
        if kind == "open":
            attr = RICH_TAG.match(value)["attr"] or ""
            active.append("sc" if "small-caps" in attr else "nocase" if "nocase" in attr else tag)
        elif kind == "close":
            active.pop()
        elif value:
            formats = tuple(f for f in active if f != "nocase")
            if runs and runs[-1][1] == formats:
                runs[-1] = (runs[-1][0] + value, formats)
            else:
                runs.append((value, formats))
    return runs


def plain(text):
    """A rich-text field as plain text: the markup dropped, everything else as typed."""
    return "".join(value for value, _ in rich_runs(text))


def rich_html(text):
    """A rich-text field alone as safe HTML (a page heading): its own markup kept, everything else escaped."""
    return "".join(_html(value, style) for value, style in _rich(text, italic=False))


def _rich(text, italic):
    """Pieces of a rich-text field; inside an italic title, italic markup turns roman, as CSL flips it."""
    out = []
    for value, formats in rich_runs(text):
        flipped = italic != (formats.count("i") % 2 == 1)
        rest = tuple(f for f in formats if f != "i")
        style = (("i",) if flipped else ()) + rest
        out.append((value, True if style == ("i",) else style or False))
    return out


# Names.


def initials(given):
    """'A. J.' / 'AJ' / 'Alan John' -> 'A.J.'; 'Rolf-Joachim' / 'R.-J.' -> 'R.-J.' (see normalise.initials)."""
    return normalise.initials(given)


def _join_names(names):
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def in_text_names(contributors):
    """'Neumann'; 'Moore, Dalley and Agur'; four or more: 'Kjaer et al.'."""
    return in_text_families([c.family for c in contributors])


def in_text_families(families):
    if len(families) >= 4:
        return f"{families[0]} et al."
    return _join_names(families)


def _particle(contributor):
    return getattr(contributor, "particle", "") or ""


def _suffix(contributor):
    return getattr(contributor, "suffix", "") or ""


def list_name(contributor):
    """'Blazevich, A.J.'; a dropping particle after the initials, a suffix last: 'Beethoven, L. van', 'King, M.L., Jr'.

    The particle and suffix stand where CSL (and so the oracle test) puts them in an inverted name.
    """
    if contributor.organisation:
        return contributor.organisation
    given = " ".join(part for part in (initials(contributor.initials), _particle(contributor)) if part)
    return ", ".join(part for part in (contributor.surname, given, _suffix(contributor)) if part)


def editor_name(contributor):
    """Editors inside a chapter entry stand initials first: 'C. Lee', 'L. van Beethoven', 'M.L. King Jr'."""
    if contributor.organisation:
        return contributor.organisation
    parts = (initials(contributor.initials), _particle(contributor), contributor.surname, _suffix(contributor))
    return " ".join(part for part in parts if part)


def _editors_label(editors):
    return "(ed.)" if len(editors) == 1 else "(eds)"


def _names_piece(reference):
    if reference.authors:
        return _join_names([list_name(a) for a in reference.authors])
    if reference.editors:
        return f"{_join_names([list_name(e) for e in reference.editors])} {_editors_label(reference.editors)}"
    return ""


PAPER_KINDS = {"newspaper", "magazine"}


def _paper_stands_for_author(kind, container_title):
    """A newspaper or magazine article without author is cited by the paper's name: 'The Guardian (2020)
    ‘Title’, 14 March, p. 12.', '(The Guardian, 2020)' (Cite Them Right)."""
    return kind in PAPER_KINDS and bool(container_title)


def anonymous_label(kind, title, container_title):
    """What names a work without author or editor in the text and the list's order: the paper's name or the title."""
    return plain(container_title if _paper_stands_for_author(kind, container_title) else title)


# Numbers, pages and dates.


def ordinal(number):
    n = int(number)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


EDITION_WORD = re.compile(r"\b(?:edition|edn|ed)\b\.?", re.IGNORECASE)


def edition_text(edition):
    """'3' / '3rd' / 'third edition' -> '3rd edn.'; the first is not mentioned; 'Revised edition' -> 'Revised edn.'.

    Cite Them Right abbreviates "edition" to "edn." wherever it stands, said once, and keeps what else was
    typed as it was: 'Rev. edn' -> 'Rev. edn.', '3rd edition, revised' -> '3rd edn., revised.'.
    """
    edition = normalise.edition(edition)
    if not edition:
        return ""
    if edition.isdigit():
        return "" if int(edition) == 1 else f"{ordinal(edition)} edn."
    if EDITION_WORD.search(edition):
        text = EDITION_WORD.sub("edn.", edition, count=1).rstrip(" ,")
        return text if text.endswith(".") else f"{text}."  # the place and publisher follow a full stop
    # A full stop closing a whole word ('Revised.') goes; one closing an abbreviation ('Rev.') stays.
    words = edition.rstrip(" ,").split()
    if words[-1].endswith(".") and len(words[-1]) > 5:
        words[-1] = words[-1].rstrip(".")
    return f"{' '.join(words)} edn."


PAGES_WORD = re.compile(r"^pp?(?:\.\s*|\s+)", re.IGNORECASE)  # 'p. ' / 'pp.' / 'pp ' typed before the numbers
ARTICLE_NUMBER = re.compile(r"^e\d{3,}$", re.IGNORECASE)  # PLoS, eLife: 'e0216702' is no page
LOCATOR_PAGE = re.compile(r"^\d[^\s\-–—]*(?:\s*(?:-+|–|—)\s*\d[^\s\-–—]*)?$")  # '45', '33-35', '12a'


def _page_list(parts):
    """['12-15', '20'] -> 'pp. 12–15, 20' (en dashes); ['45'] -> 'p. 45'."""
    ranges = [PAGE_RANGE.match(part) for part in parts]
    shown = [f"{match[1]}–{match[2]}" if match else part for part, match in zip(parts, ranges, strict=True)]
    plural = len(parts) > 1 or any(ranges)
    return f"{'pp.' if plural else 'p.'} {', '.join(shown)}"


def _page_parts(text):
    """The pages typed, without a 'p.'/'pp.' before them, split at commas."""
    text = PAGES_WORD.sub("", " ".join(text.split()))
    # A comma before exactly three digits is a thousands separator ('1,234'), not a second page.
    return [part.strip() for part in re.split(r",(?!\d{3}(?!\d))", text) if part.strip()]


def pages_text(pages):
    """'503-526' -> 'pp. 503–526' (en dash whatever was typed); '45' -> 'p. 45'; '12-15, 20' -> 'pp. 12–15, 20'.

    'pp. 12-30' as typed is not said twice; an article number in the pages ('e0216702') is no page: no 'p.'.
    """
    parts = _page_parts(pages or "")
    if len(parts) == 1 and ARTICLE_NUMBER.match(parts[0]):
        return parts[0]
    return _page_list(parts) if parts else ""


def locator_text(text):
    """An in-text locator: '88' -> 'p. 88', '33-35' / 'p. 33-35' -> 'pp. 33–35', '12-15, 20' -> 'pp. 12–15, 20';
    'chapter 3' kept as typed."""
    text = " ".join((text or "").split())
    parts = _page_parts(text)
    if parts and all(LOCATOR_PAGE.match(part) for part in parts):
        return _page_list(parts)
    return text


def accessed_text(day, precision="day"):
    """'(Accessed: 3 June 2025)'; known to the month or year only: '(Accessed: June 2025)', '(Accessed: 2025)'."""
    if precision == "year":
        return f"(Accessed: {day.year})"
    if precision == "month":
        return f"(Accessed: {day:%B %Y})"
    return f"(Accessed: {day.day} {day:%B %Y})"


def year_label(year, suffix=""):
    """'2019' or '2019a'; works without a date read "no date" (Cite Them Right)."""
    return f"{year}{suffix}" if year else f"no date{' ' + suffix if suffix else ''}"


def day_and_month(reference):
    """'14 March' for the kinds dated to the day (blog posts, newspapers...); 'March' if only the month is known."""
    month, day = getattr(reference, "issued_month", None), getattr(reference, "issued_day", None)
    if not month or not 1 <= month <= 12:
        return ""
    return f"{day} {calendar.month_name[month]}" if day else calendar.month_name[month]


def _publication(reference):
    if reference.place and reference.publisher:
        return f"{reference.place}: {reference.publisher}"
    return reference.place or reference.publisher


# The entry, kind by kind.

# Parts of a larger work are quoted, whole works italic (a web page is a part if it has a site).
QUOTED_TITLE_KINDS = {
    "article-journal",
    "preprint",
    "chapter",
    "blog-post",
    "newspaper",
    "magazine",
    "conference-paper",
}
# Cite Them Right names the medium in square brackets after the title.
MEDIUM = {"video": "[Video]", "podcast": "[Podcast]"}


def _is_episode(reference):
    """A podcast episode of a named show is a part of it, so quoted; a podcast without a show is a whole work."""
    return reference.kind == "podcast" and bool(reference.container_title)


def _title_pieces(reference):
    quoted = (
        reference.kind in QUOTED_TITLE_KINDS
        or (reference.kind == "webpage" and reference.container_title)
        or _is_episode(reference)
    )
    if quoted:
        return [("‘", False), *_rich(_inner_quotes(reference.title), italic=False), ("’", False)]
    out = _rich(reference.title, italic=True)
    if reference.kind in MEDIUM and not _is_episode(reference):
        out.append((f" {MEDIUM[reference.kind]}", False))
    return out


# ‘…’ inside a title (an apostrophe within it, as in ‘runner’s knee’, stays): an opening ‘ is never an apostrophe.
INNER_SINGLE_QUOTES = re.compile(r"‘((?:[^‘’]|’(?=\w))*)’(?!\w)")


def _inner_quotes(title):
    """A quoted title's own quotes become double ones, as British style nests them: ‘The “barefoot” debate’."""
    return INNER_SINGLE_QUOTES.sub(r"“\1”", title)


def _container(reference, italic=True):
    return _rich(reference.container_title, italic=italic)


ENDS_SENTENCE = (".", "?", "!")


def _stop(reference):
    """The full stop after an italic title, unless the title ends a sentence itself: 'Why walk? London: P.'."""
    return " " if plain(reference.title).rstrip().endswith(ENDS_SENTENCE) else ". "


def _comma_list(*parts):
    """', a, b' for the parts that are there."""
    return [(f", {part}", False) for part in parts if part]


def _journal_article(reference):
    out = [(", ", False), *_container(reference)]
    if reference.status:
        # Accepted but not yet in an issue: its state in brackets, as Cite Them Right does for [Preprint].
        out.append((f" [{reference.status[:1].upper()}{reference.status[1:]}]", False))
    numbering = reference.volume + (f"({reference.issue})" if reference.issue else "")
    # An online-only journal numbers articles instead of paging them: 'e0216702', not 'p. e0216702'.
    return out + _comma_list(numbering, pages_text(reference.pages) or reference.number)


def _preprint(reference):
    server = reference.container_title or reference.publisher
    out = [(", ", False), *_rich(server, italic=True)] if server else []
    return [*out, (" [Preprint]", False)]


def _chapter(reference):
    out = [(", in ", False)]
    if reference.editors:
        names = _join_names([editor_name(e) for e in reference.editors])
        out.append((f"{names} {_editors_label(reference.editors)} ", False))
    out += [*_container(reference), (".", False)]
    rest = [
        edition_text(reference.edition),
        ", ".join(p for p in (_publication(reference), pages_text(reference.pages)) if p),
    ]
    return out + [(" " + " ".join(r for r in rest if r), False)] if any(rest) else out


def _report(reference, after_title):
    """'(NICE guideline NG226)' after the title, then edition and publisher, as CTR's guideline example."""
    series = " ".join(part for part in (reference.collection_title, reference.number) if part)
    out = [(f" ({series})", False)] if series else []
    rest = [edition_text(reference.edition), _publication(reference)]
    if any(rest):
        separator = ". " if series else _stop(reference) if after_title else " "
        out.append((separator + " ".join(r for r in rest if r), False))
    return out


def _dated_part(reference, paper_named=False):
    """Blog posts, newspaper and magazine articles: ', Title of paper, 14 March, p. 12' (the paper left out
    where it stood for the author)."""
    out = [(", ", False), *_container(reference)] if reference.container_title and not paper_named else []
    pages = pages_text(reference.pages) if reference.kind in {"newspaper", "magazine"} else ""
    return out + _comma_list(day_and_month(reference), pages)


def _thesis(reference):
    return (
        [(_stop(reference) + ". ".join(p for p in (reference.genre, reference.publisher) if p), False)]
        if (reference.genre or reference.publisher)
        else []
    )


def _conference_paper(reference):
    """'‘Paper’, Proceedings. Leeds, 3–5 June. Place: Publisher, pp. 1–2' (CTR: where and when it was held)."""
    out = [(", ", False)]
    if reference.editors:
        names = _join_names([editor_name(e) for e in reference.editors])
        out.append((f"in {names} {_editors_label(reference.editors)} ", False))
    out += _rich(reference.container_title or reference.event_title, italic=True)
    held = ", ".join(p for p in (reference.event_place, reference.event_date) if p)
    published = ", ".join(p for p in (_publication(reference), pages_text(reference.pages)) if p)
    return out + [(f". {part}", False) for part in (held, published) if part]


def _medium(reference):
    """Videos: ' [Video], YouTube. 2 May'; podcasts: '‘Episode’, Show, episode 4 [Podcast]. 2 May'.

    The day and month stand on their own after the medium, as in CTR-based guides' video and podcast examples.
    """
    out = []
    if reference.container_title:
        out += [(", ", False), *_container(reference, italic=reference.kind == "podcast")]
    if reference.kind == "podcast" and reference.number:
        out.append((f", episode {reference.number}", False))
    if _is_episode(reference):
        out.append((f" {MEDIUM['podcast']}", False))
    date = day_and_month(reference)
    return out + ([(f". {date}", False)] if date else [])


def _details(reference, after_title):
    """What follows the title (or, for works without author, the year), by kind, as pieces."""
    kind = reference.kind
    if kind == "article-journal":
        return _journal_article(reference)
    if kind == "preprint":
        return _preprint(reference)
    if kind == "chapter":
        return _chapter(reference)
    if kind == "report":
        return _report(reference, after_title)
    if kind in {"blog-post", *PAPER_KINDS}:
        paper_named = not after_title and _paper_stands_for_author(kind, reference.container_title)
        return _dated_part(reference, paper_named=paper_named)
    if kind == "thesis":
        return _thesis(reference)
    if kind == "conference-paper":
        return _conference_paper(reference)
    if kind in MEDIUM:
        return _medium(reference)
    if kind == "webpage" and reference.container_title:
        return [(", ", False), *_container(reference, italic=False)]
    rest = [edition_text(reference.edition), _publication(reference)]
    separator = _stop(reference) if after_title else " "
    return [(separator + " ".join(r for r in rest if r), False)] if any(rest) else []


def _online(reference):
    doi = normalise.bare_doi(reference.doi)
    if doi:
        return [(" Available at: ", False), (f"https://doi.org/{doi}", LINK)]
    if not reference.url:
        return []
    out = [(" Available at: ", False), (reference.url, LINK)]
    if reference.accessed:
        precision = getattr(reference, "accessed_precision", "day") or "day"
        # The seed's entries end at the URL; with an access date, the entry closes with a full stop.
        out.append((f" {accessed_text(reference.accessed, precision)}.", False))
    return out


def pieces(reference, year_suffix=""):
    """The entry as (text, style) pieces; see the module docstring.

    `year_suffix` is the letter this work has in one article's reference list (2019a, 2019b).
    """
    names, title = _names_piece(reference), _title_pieces(reference)
    year = year_label(reference.year, year_suffix)
    if names:
        out = [(names, False), (f" ({year}) ", False), *title]
    elif _paper_stands_for_author(reference.kind, reference.container_title):
        out = [*_container(reference), (f" ({year}) ", False), *title]
    else:  # no author or editor: the title leads, then the year
        out = [*title, (f" ({year})", False)]
    out += _details(reference, after_title=bool(names))
    text = "".join(t for t, _ in out)
    if not text.endswith(ENDS_SENTENCE):
        out.append((".", False))
    out += _online(reference)
    return [(text, style) for text, style in out if text]


def reference_text(reference, year_suffix=""):
    return "".join(text for text, _ in pieces(reference, year_suffix))


def _html(text, style):
    if style is LINK:
        if text.startswith(("https://", "http://")):
            return f'<a href="{escape(text)}">{escape(text)}</a>'
        return escape(text)
    formats = ("i",) if style is True else style or ()
    out = escape(text)
    for name in reversed(formats):
        start, end = HTML_FORMATS[name]
        out = f"{start}{out}{end}"
    return out


def _merged(pieces_):
    """Neighbouring pieces of one style as one: '<i>The foot</i>', not '<i>The </i><i>foot</i>'."""
    out = []
    for text, style in pieces_:
        if out and style is not LINK and out[-1][1] == style and out[-1][1] is not LINK:
            out[-1] = (out[-1][0] + text, style)
        else:
            out.append((text, style))
    return out


def reference_html(reference, year_suffix=""):
    return "".join(_html(text, style) for text, style in _merged(pieces(reference, year_suffix)))


# Order.

# Particles that stand before a surname but do not decide its place in the list.
# Lower-case words that stand before a surname ("van der Worp", "de Vos"): they do not decide its
# place in the list, and a citation may begin with them.
PARTICLES = {
    "van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le", "ter", "ten", "dos", "das",
    "do", "y", "bin", "ibn", "af", "zu", "st",
}  # fmt: skip


def sort_name(family):
    """'de Vries' sorts under V, as Cite Them Right's examples do; 'De Vries' (capitalised) under D; 'Østergaard'
    under O, 'Écrivain' under E."""
    words = family.split()
    while len(words) > 1 and words[0] in PARTICLES:
        words = words[1:]
    return normalise.fold(" ".join(words))


def sort_key(reference):
    """Reference-list order: the names as the list prints them, then year, then title.

    Names are compared surname first, then initials (Smith, A. before Smith, B.), a work of one author before
    the same author's with others, as Cite Them Right's examples and its CSL style sort. Year suffixes
    (2019a, 2019b) are handed out in this order, so sorting by it also sorts by suffix.
    """
    people = reference.authors or reference.editors
    title = normalise.fold(plain(reference.title))
    names = tuple((sort_name(c.family), normalise.fold(initials(c.initials) if c.initials else "")) for c in people)
    anonymous = normalise.fold(anonymous_label(reference.kind, reference.title, reference.container_title))
    return (names or ((anonymous, ""),), reference.year or 0, title)
