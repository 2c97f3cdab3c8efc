"""Finding citations in rendered article HTML and linking them to the library.

Two ways of citing are understood, in text nodes only (never inside links or
code):

* literal Harvard citations as a practitioner types them:
  "(Neumann, 2017)", "(Moore, Dalley and Agur, 2023; Standring, 2021)";
* reference keys as in Pandoc: "[@neumann2017]", "[@a; @b]",
  "[@neumann2017, p. 45]", and "@neumann2017" in running text.

Each citation becomes a link to the reference's entry (`#ref-<key>`) with an
id of its own (`cite-<key>-<n>`) so the entry can link back to every place it
is cited. Citations that match nothing, or more than one work, are left as text
and reported in `problems`.
"""

import html
import re
from dataclasses import dataclass, field

from django.utils.html import escape

TAG = re.compile(r"(<[^>]*>)")
PARENTHETICAL = re.compile(r"\(([^()]*)\)")
LITERAL_PART = re.compile(
    r"^(?P<names>\S.*?),\s+(?P<year>(?:1[5-9]|20)\d\d[a-z]?|n\.d\.|no date)(?:,\s*(?P<locator>.+))?$",
    re.DOTALL,
)
KEY = r"[A-Za-z0-9_](?:[A-Za-z0-9_:.\-]*[A-Za-z0-9_])?"
BRACKETED_KEYS = re.compile(r"\[(\s*@" + KEY + r"[^\]]*)\]")
KEY_PART = re.compile(r"^\s*@(?P<key>" + KEY + r")\s*(?:,\s*(?P<locator>.+?))?\s*$", re.DOTALL)
NARRATIVE_KEY = re.compile(r"(?<![\w@.\[])@(?P<key>" + KEY + r")")
# Text inside these elements is never scanned for citations.
OPAQUE = {"a", "code", "pre", "script", "style", "svg"}


def normalise_names(names):
    names = names.replace("&", " and ").replace("et al.", "et al")
    return " ".join(names.split()).casefold()


@dataclass
class Library:
    """The references that citations may point at, indexed both ways."""

    references: list
    by_key: dict = field(init=False)
    by_pk: dict = field(init=False)
    by_label: dict = field(init=False)

    def __post_init__(self):
        self.by_key = {ref.key: ref for ref in self.references}
        self.by_pk = {ref.pk: ref for ref in self.references}
        self.by_label = {}
        for ref in self.references:
            label = (normalise_names(ref.citation_label), ref.year_label)
            self.by_label.setdefault(label, []).append(ref)

    @classmethod
    def load(cls):
        from .models import Reference

        return cls(list(Reference.objects.with_contributors()))

    def find_literal(self, names, year):
        year = "no date" if year in {"n.d.", "no date"} else year
        return self.by_label.get((normalise_names(names), year), [])


@dataclass
class Citer:
    """Links citations across all the fields of one article, counting each use.

    `pins` maps each citation as written (a key, or names and year) to the
    reference it resolved to when the article was last rendered. A change to
    the library made later (a second "Smith, 2019", a renamed author or key)
    must not silently unlink a published article: such a citation keeps its
    earlier work, and the problem is still reported. `resolved` is the new map.
    """

    library: Library
    pins: dict = field(default_factory=dict)
    uses: dict = field(default_factory=dict)  # key -> number of citations, in order of first use
    problems: list = field(default_factory=list)
    resolved: dict = field(default_factory=dict)

    @property
    def cited(self):
        return [self.library.by_key[key] for key in self.uses]

    def link(self, fragment, where=""):
        """Return `fragment` (sanitized HTML) with its citations linked."""
        out, depth = [], 0
        for piece in TAG.split(fragment):
            if piece.startswith("<"):
                name = re.match(r"</?\s*([a-zA-Z0-9]+)", piece)
                if name and name.group(1).lower() in OPAQUE and not piece.endswith("/>"):
                    depth += -1 if piece.startswith("</") else 1
                out.append(piece)
            elif depth > 0 or not piece:
                out.append(piece)
            else:
                out.append(self._link_text(html.unescape(piece), where))
        return "".join(out)

    def _anchor(self, ref, text):
        """A link to the entry, with the full reference shown on hover or focus (CSS only)."""
        self.uses[ref.key] = self.uses.get(ref.key, 0) + 1
        return (
            f'<span class="cite"><a class="citation" href="#{ref.anchor}" id="cite-{ref.key}-{self.uses[ref.key]}">'
            f'{escape(text)}</a><span class="cite-card">{ref.harvard_html()}</span></span>'
        )

    def _link_text(self, text, where):
        # Each pass turns matches into placeholders so later passes cannot re-read them.
        made = []

        def hold(markup):
            made.append(markup)
            return f"\x00{len(made) - 1}\x00"

        text = BRACKETED_KEYS.sub(lambda m: self._bracketed(m, where, hold), text)
        text = PARENTHETICAL.sub(lambda m: self._parenthetical(m, where, hold), text)
        text = NARRATIVE_KEY.sub(lambda m: self._narrative(m, where, hold), text)
        result = escape(text)
        return re.sub(r"\x00(\d+)\x00", lambda m: made[int(m.group(1))], result)

    def _report(self, message, where):
        self.problems.append(f"{message} in {where}" if where else message)

    def _resolve(self, pin, found, problem, where):
        """The one work a citation names, or the work it named before the library changed, or None."""
        if len(found) == 1:
            self.resolved[pin] = found[0].pk
            return found[0]
        earlier = self.library.by_pk.get(self.pins.get(pin))
        if earlier is not None:
            self.resolved[pin] = earlier.pk
            problem += f"; it still links to “{earlier.key}”, as before"
        self._report(problem, where)
        return earlier

    def _label(self, ref, locator=""):
        text = f"{ref.citation_label}, {ref.year_label}"
        return f"{text}, {locator}" if locator else text

    def _bracketed(self, match, where, hold):
        parts = [KEY_PART.match(part) for part in match.group(1).split(";")]
        if not all(parts):
            return match.group(0)
        refs = [self._by_key(part.group("key"), where) for part in parts]
        if None in refs:
            return match.group(0)
        labels = [self._label(ref, part.group("locator") or "") for ref, part in zip(refs, parts, strict=True)]
        linked = [self._anchor(ref, label) for ref, label in zip(refs, labels, strict=True)]
        return hold("(" + "; ".join(linked) + ")")

    def _by_key(self, key, where):
        found = [self.library.by_key[key]] if key in self.library.by_key else []
        return self._resolve(f"@{key}", found, f"Unknown reference key “@{key}”", where)

    def _parenthetical(self, match, where, hold):
        parts = [LITERAL_PART.match(part.strip()) for part in match.group(1).split(";")]
        if not parts or not all(parts) or not all(p.group("names")[0].isupper() for p in parts):
            return match.group(0)  # an ordinary parenthesis, not a citation
        linked = []
        for part in parts:
            names, year = part.group("names"), part.group("year")
            text = part.group(0)
            found = self.library.find_literal(names, year)
            problem = "matches no reference" if not found else "matches more than one reference"
            pin = f"{normalise_names(names)}|{year}"
            ref = self._resolve(pin, found, f"The citation “({text})” {problem}", where)
            linked.append(self._anchor(ref, text) if ref else escape(text))
        return hold("(" + "; ".join(linked) + ")")

    def _narrative(self, match, where, hold):
        ref = self._by_key(match.group("key"), where)
        if ref is None:
            return match.group(0)
        return hold(f"{escape(ref.citation_label)} ({self._anchor(ref, ref.year_label)})")
