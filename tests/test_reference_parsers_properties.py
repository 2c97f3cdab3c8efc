"""Properties of the three reference parsers, over input Hypothesis makes up.

1. Any text, in any of our formats, is read into records or refused with an
   ImportProblem that says where: never any other exception (a 500 in the admin).
2. Records that parse import completely, or raise ImportProblem and leave the
   library as it was: nothing half-saved.
3. A reference of any kind, written in any format and read back, is the same.

Each example runs inside a savepoint that is rolled back, so examples do not see
each other's references. Example counts are modest for a 2-core machine.
"""

import calendar
import datetime
import json
import re
import string

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from references import bibtex, csl, normalise, ris
from references.errors import ImportProblem
from references.importing import import_records, parse
from references.models import Contributor, Reference

pytestmark = pytest.mark.django_db

SOURCE = "refs"
# Where a message can point: a line, an entry, or (for what is wrong with the whole file) the file.
LOCATED = re.compile(
    rf"^{SOURCE}: (line \d+|entry \d+|expected a list of CSL-JSON items$|lists or objects nested too deeply"
    r"|Exceeds the limit)"
)
PROPERTY = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
WRITERS = {"bib": bibtex.to_bibtex, "ris": ris.to_ris, "json": csl.to_csl_json}


def read(text, fmt):
    """Records, or None when refused with a message that says where."""
    try:
        records = parse(text, fmt, source=SOURCE)
    except ImportProblem as problem:
        assert LOCATED.match(str(problem)), str(problem)
        event("refused")
        return None
    event(f"read into {min(len(records), 2)}+ records" if records else "read, no records")
    return records


@pytest.fixture
def rolled_back():
    """A savepoint per example: what one example imports, the next does not see."""

    class RolledBack:
        def __enter__(self):
            self.atomic = transaction.atomic()
            self.atomic.__enter__()

        def __exit__(self, *exc):
            transaction.set_rollback(True)
            self.atomic.__exit__(*exc)

    return RolledBack()


# ---------------------------------------------------------------------------
# Input made of format-shaped fragments and arbitrary text

BIBTEX_FRAGMENTS = [
    "@article{a,",
    "@book{b,",
    "@phdthesis{t,",
    "@inproceedings{c,",
    "@online{w,",
    "@misc{m,",
    "@string{j = {J}}",
    "@comment{",
    "@preamble{",
    "title = {",
    'title = "',
    "author = {",
    "editor = {",
    "year = 2019",
    "year = {",
    "month = 13",
    "month = may",
    "day = 31",
    "date = {2019-02-30}",
    "urldate = {2024-03}",
    "entrysubtype = {blog}",
    "howpublished = {Preprint}",
    "doi = {10.1/x}",
    "url = {https://a.org}",
    " and ",
    " and others",
    "van der Worp, Jr, H.",
    "{NHS England}",
    ",",
    "=",
    "#",
    "{",
    "}",
    '"',
    "\\",
    "\\'",
    '\\"{o}',
    "\\é",
    "\\c",
    "\\emph{",
    "\\textbackslash{}",
    "%",
    "\n",
    " ",
    "j",
    "Café",
]
RIS_FRAGMENTS = [
    "TY  - JOUR\n",
    "TY  - GEN\n",
    "TY  - THES\n",
    "TY  - CONF\n",
    "TY  - EDBOOK\n",
    "ER  - \n",
    "ID  - a\n",
    "ID  - b\n",
    "TI  - T\n",
    "AU  - Smith, J., Jr\n",
    "AU  - NHS England\n",
    "AU  - ,\n",
    "A2  - a, b, c, d\n",
    "PY  - 2019/13/01/\n",
    "PY  - in press\n",
    "PY  - 2019\n",
    "DA  - 2019/04/31\n",
    "Y2  - 2024/02/29\n",
    "Y2  - \n",
    "M3  - Preprint\n",
    "SP  - 1\n",
    "EP  - 2\n",
    "AB  - wrapped\n",
    "over a line\n",
    "DO  - https://doi.org/10.1/x\n",
    "\n",
    "  - ",
    "XX  - x\n",
]
CSL_FRAGMENTS = [
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    '"id"',
    '"a"',
    '"type"',
    '"article"',
    '"thesis"',
    '"title"',
    '"issued"',
    '"accessed"',
    '"date-parts"',
    '"author"',
    '"family"',
    '"literal"',
    "[[]]",
    "[[2019, 13]]",
    "[[Infinity]]",
    "NaN",
    "5",
    "null",
    "true",
    '"\\u0000"',
    '"\\ud800"',
    "\n",
]


def fragments(pieces):
    return st.lists(st.one_of(st.sampled_from(pieces), st.text(max_size=5)), max_size=40).map("".join)


# Well-formed entries whose values are odd: what reaches the LaTeX decoder, the names and the dates.
VALUE_PIECES = [
    "\\'",
    '\\"{o}',
    "\\é",
    "\\c",
    "\\",
    "\\\\",
    "\\emph{x}",
    "\\ss",
    "{",
    "}",
    "{}",
    "~",
    "--",
    " and ",
    " others",
    ",",
    "van",
    "Jr",
    "2019",
    "13",
    "0",
    "may",
    "-04-31",
    "-02-29",
    " ",
    "Ann",
    "é",
]
VALUE = st.lists(st.sampled_from(VALUE_PIECES) | st.text(max_size=3), max_size=8).map("".join)
BIBTEX_FIELDS = [
    "author", "editor", "year", "month", "day", "date", "urldate", "journal", "booktitle", "number",
    "eid", "pages", "type", "entrysubtype", "howpublished", "note", "url", "doi", "organization", "pubstate",
]  # fmt: skip
BIBTEX_ENTRY = st.builds(
    lambda entry_type, key, fields: (
        f"@{entry_type}{{{key},\n  title = {{T}},\n"
        + "".join(f"  {name} = {{{value}}},\n" for name, value in fields)
        + "}\n"
    ),
    st.sampled_from([*bibtex.KINDS, "misc", "patent"]),
    st.text(string.ascii_letters + ":._-", min_size=1, max_size=5),
    st.lists(st.tuples(st.sampled_from(BIBTEX_FIELDS), VALUE), max_size=6, unique_by=lambda field: field[0]),
)
RIS_TAGS = ["T2", "C3", "AU", "A2", "ED", "PY", "DA", "Y2", "M1", "M3", "C8", "SP", "EP", "DO", "UR"]
RIS_RECORD = st.builds(
    lambda ris_type, lines: (
        f"TY  - {ris_type}\nID  - a\nTI  - T\n" + "".join(f"{tag}  - {value}\n" for tag, value in lines) + "ER  - \n"
    ),
    st.sampled_from([*ris.KINDS, "PAT"]),
    st.lists(st.tuples(st.sampled_from(RIS_TAGS), VALUE.map(lambda v: v.replace("\n", " "))), max_size=8),
)


@PROPERTY
@given(text=st.one_of(fragments(BIBTEX_FRAGMENTS), st.text(), st.lists(BIBTEX_ENTRY, max_size=3).map("\n".join)))
def test_any_bibtex_is_read_or_refused_saying_where(text):
    read(text, "bib")


@PROPERTY
@given(text=st.one_of(fragments(RIS_FRAGMENTS), st.text(), st.lists(RIS_RECORD, max_size=3).map("\n".join)))
def test_any_ris_is_read_or_refused_saying_where(text):
    read(text, "ris")


# Structured CSL-JSON: items with CSL's variables holding any JSON at all.
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=8,
)
CSL_VARIABLES = ["id", "type", "title", "container-title", "volume", "page", "DOI", "URL", "genre", "number"]
DATE = st.fixed_dictionaries({"date-parts": st.lists(st.lists(JSON, max_size=4), max_size=2)}) | JSON
NAME = st.dictionaries(
    st.sampled_from(["family", "given", "literal", "suffix", "dropping-particle", "non-dropping-particle"]),
    JSON | st.text(max_size=8),
    max_size=4,
)
CSL_ITEM = st.fixed_dictionaries(
    {
        "id": st.text(string.ascii_letters, min_size=1, max_size=6) | JSON,
        "type": st.sampled_from(sorted(csl.CSL_TYPES)) | JSON,
        "title": st.text(min_size=1, max_size=10) | JSON,
    },
    optional={
        **{name: st.text(max_size=10) | JSON for name in CSL_VARIABLES[3:]},
        "issued": DATE,
        "accessed": DATE,
        "event-date": DATE,
        "author": st.lists(NAME | JSON, max_size=3) | JSON,
        "editor": st.lists(NAME, max_size=2),
    },
)


# Items whose text is right, so that the parser reaches their dates and names.
DATE_PART = st.integers(-5, 40) | st.sampled_from([2019, "2019", 99999999999999999999, 1.5, float("inf")]) | JSON
WELL_TYPED_ITEM = st.fixed_dictionaries(
    {"id": st.just("a"), "type": st.sampled_from(sorted(csl.CSL_TYPES)), "title": st.just("T")},
    optional={
        "issued": st.fixed_dictionaries({"date-parts": st.lists(st.lists(DATE_PART, max_size=4), max_size=2)}),
        "accessed": st.fixed_dictionaries({"date-parts": st.lists(st.lists(DATE_PART, max_size=4), max_size=2)}) | JSON,
        "event-date": DATE,
        "author": st.lists(NAME, max_size=3),
        "genre": st.sampled_from(["Podcast", "PhD thesis"]),
    },
)


@PROPERTY
@given(
    text=st.one_of(
        fragments(CSL_FRAGMENTS),
        st.text(),
        st.lists(CSL_ITEM | JSON, max_size=3).map(json.dumps),
        st.lists(WELL_TYPED_ITEM, min_size=1, max_size=2).map(json.dumps),
    )
)
def test_any_csl_json_is_read_or_refused_saying_where(text):
    read(text, "json")


@PROPERTY
@pytest.mark.postgresql_only  # many imports per run: once, on the production database
@given(items=st.lists(CSL_ITEM | WELL_TYPED_ITEM, min_size=1, max_size=4))
def test_records_that_parse_import_completely_or_change_nothing(rolled_back, items):
    with rolled_back:
        Reference.objects.create(key="a", title="Already here", kind="book")
        records = read(json.dumps(items), "json")
        if records is None:
            return
        before = library()
        try:
            counts = import_records(records)
        except ImportProblem as problem:
            assert LOCATED.match(str(problem)), str(problem)
            assert library() == before
            event("import refused")
            return
        event("imported")
        assert sum(counts.values()) == len(records)
        keys = {record["fields"]["key"] for record in records}
        assert Reference.objects.count() == len(before) + counts["created"]
        assert keys <= set(library())


def library():
    return {
        reference.key: (reference.title, reference.year, [str(c) for c in reference.contributors.all()])
        for reference in Reference.objects.with_contributors()
    }


# ---------------------------------------------------------------------------
# Round trip: generated references of every kind, out and back in


WORD = st.text(
    string.ascii_letters + "éüßøÅ" + string.digits + "'&%$#_~^\\{}<>()[]:;.!?@*/+=|\"`-", min_size=1, max_size=8
)
TEXT = st.lists(WORD, min_size=1, max_size=4).map(" ".join)
OPTIONAL_TEXT = st.just("") | TEXT
NAME_WORD = st.builds(str.__add__, st.sampled_from("ABCÉÜZ"), st.text(string.ascii_letters + "éüß'-", max_size=7))


@st.composite
def people(draw):
    contributors = []
    for role in ("author", "editor"):
        for position in range(draw(st.integers(0, 2))):
            if draw(st.booleans()):
                organisation = draw(st.lists(NAME_WORD, min_size=1, max_size=3).map(" ".join))
                contributors.append({"role": role, "position": position, "organisation": organisation})
                continue
            particle_in_surname = draw(st.sampled_from(["", "van der ", "de "]))
            contributors.append(
                {
                    "role": role,
                    "position": position,
                    "surname": particle_in_surname + " ".join(draw(st.lists(NAME_WORD, min_size=1, max_size=2))),
                    "initials": draw(st.sampled_from(["", "A.", "A.J.", "R.-J.", "M.E.R."])),
                    "particle": draw(st.sampled_from(["", "", "van", "de la"])),
                    "suffix": draw(st.sampled_from(["", "", "Jr", "III"])),
                }
            )
    return contributors


@st.composite
def works(draw, key):
    kind = draw(st.sampled_from(Reference.Kind.values))
    year = draw(st.none() | st.integers(normalise.FIRST_YEAR, normalise.LAST_YEAR))  # the years a citation names
    month = draw(st.none() | st.integers(1, 12)) if year else None
    day = draw(st.none() | st.integers(1, calendar.monthrange(year, month)[1])) if month else None
    accessed = draw(st.none() | st.dates(datetime.date(1990, 1, 1), datetime.date(2100, 12, 31)))
    precision = draw(st.sampled_from(["day", "month", "year"]))
    if accessed and precision != "day":
        accessed = accessed.replace(day=1, month=1 if precision == "year" else accessed.month)
    conference = kind == "conference-paper"
    fields = {
        "key": key,
        "kind": kind,
        "title": draw(TEXT),
        "year": year,
        "issued_month": month,
        "issued_day": day,
        "container_title": draw(OPTIONAL_TEXT),
        "volume": draw(st.just("") | st.text(string.digits, min_size=1, max_size=3)),
        "issue": draw(st.just("") | st.text(string.digits + "S", min_size=1, max_size=3)),
        "pages": draw(st.sampled_from(["", "45", "503-526", "e12", "45–60", "iv"])),
        "number": draw(st.sampled_from(["", "NG226", "e0216702", "42"])),
        "collection_title": draw(OPTIONAL_TEXT),
        # A preprint's RIS type of work says "Preprint" when it has none of its own.
        "genre": draw(st.sampled_from(["", "PhD thesis", "MSc dissertation", "Doctoral thesis", "Guideline"])),
        "status": draw(st.sampled_from(["", "online first", "forthcoming"])),
        # RIS has conference tags for conference papers only.
        "event_title": draw(OPTIONAL_TEXT) if conference else "",
        "event_place": draw(OPTIONAL_TEXT) if conference else "",
        "event_date": draw(st.sampled_from(["", "8–12 July 2018", "2018-07-08"])) if conference else "",
        "edition": draw(st.sampled_from(["", "2", "3", "Revised edition"])),
        "place": draw(OPTIONAL_TEXT),
        "publisher": draw(OPTIONAL_TEXT),
        "url": draw(
            st.just("") | st.text(string.ascii_lowercase + "/-_", max_size=10).map("https://example.org/".__add__)
        ),
        "doi": draw(st.just("") | st.from_regex(r"10\.\d{4,5}/[A-Za-z0-9._;()/-]{1,12}", fullmatch=True)),
        "accessed": accessed,
        "accessed_precision": precision if accessed else "day",
    }
    return fields, draw(people())


@st.composite
def libraries(draw):
    count = draw(st.integers(1, 3))
    return [draw(works(f"work{n}")) for n in range(count)]


def save(work):
    fields, contributors = work
    reference = Reference(**fields)
    reference.full_clean()
    reference.save()
    for person in contributors:
        contributor = Contributor(reference=reference, **person)
        contributor.full_clean()
        contributor.save()


def everything():
    fields = [f.name for f in Reference._meta.concrete_fields if f.name not in ("id", "created_at", "updated_at")]
    return {
        reference.key: (
            {name: getattr(reference, name) for name in fields},
            [
                (c.role, c.surname, c.initials, c.particle, c.suffix, c.organisation)
                for c in reference.contributors.all()
            ],
        )
        for reference in Reference.objects.with_contributors()
    }


@pytest.mark.postgresql_only  # a library written and read back per example: once, on the production database
@pytest.mark.parametrize("fmt", WRITERS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(works=libraries())
def test_every_reference_comes_back_the_same_from_each_format(rolled_back, fmt, works):
    with rolled_back:
        for work in works:
            save(work)
        before = everything()
        text = WRITERS[fmt](Reference.objects.with_contributors())
        Reference.objects.all().delete()
        assert import_records(parse(text, fmt, source=SOURCE))["created"] == len(works)
        assert everything() == before
