"""BibTeX, RIS and CSL-JSON: reading real-looking files, writing them, the round trip, downloads, duplicates."""

import datetime
import json

import pytest
from bs4 import BeautifulSoup
from django.core.management import CommandError, call_command
from django.db.models import F
from django.template.loader import render_to_string

from articles.models import Article
from references import bibtex, csl, ris
from references.duplicates import likely_duplicates
from references.errors import ImportProblem
from references.importing import detect_format, import_records, parse
from references.models import Contributor, Reference
from tests.factories import make_article, make_reference, shown_publicly

pytestmark = pytest.mark.django_db

BIBTEX = r"""% Exported from Zotero, then edited by hand
@string{jana = "Journal of Anatomy"}

@article{benjamin2001,
  author = {Benjamin, M. and McGonagle, D.},
  title = {The anatomical basis for disease localisation in {S}eronegative spondyloarthropathy},
  journal = jana,
  volume = {199},
  number = {5},
  pages = {503--526},
  year = 2001,
  month = may,
  doi = {10.1046/j.1469-7580.2001.19950503.x},
}

@incollection{muller2019,
  author = {M{\"u}ller, Hans and Jos{\'e} Garc\'{\i}a and Hugo de Vries},
  editor = {Lee, C. and {World Health Organization}},
  title = {Gait \& posture},
  booktitle = {Handbook of Gait},
  edition = {3},
  address = {London},
  publisher = {Elsevier},
  pages = {45--60},
  year = {2019},
}

@Book{neumann2017,
  author = "Neumann, Donald A.",
  title = "Kinesiology of the Musculoskeletal System",
  edition = "3",
  address = "St. Louis",
  publisher = "Elsevier",
  year = "2017"
}

@misc{nhs2023,
  author = {{NHS England}},
  title = {Plantar fasciitis},
  url = {https://www.nhs.uk/conditions/plantar-fasciitis/},
  urldate = {2024-03-01},
  year = {2023},
}

@techreport{dh2010,
  author = {{Department of Health}},
  title = {Musculoskeletal Services Framework},
  institution = {The Stationery Office},
  address = {London},
  year = {2010},
}
"""

RIS = """TY  - JOUR
ID  - benjamin2001
AU  - Benjamin, M.
AU  - McGonagle, D.
TI  - The anatomical basis for disease localisation
T2  - Journal of Anatomy
PY  - 2001/05/01/
VL  - 199
IS  - 5
SP  - 503
EP  - 526
DO  - 10.1046/j.1469-7580.2001.19950503.x
AB  - An abstract that a database wrapped
over two lines.
ER  -

TY  - CHAP
ID  - muller2019
AU  - Müller, Hans
A2  - Lee, C.
A2  - World Health Organization
TI  - Gait & posture
T2  - Handbook of Gait
ET  - 3
CY  - London
PB  - Elsevier
SP  - 45
EP  - 60
PY  - 2019
ER  -

TY  - EDBOOK
ID  - lee2020
AU  - Lee, C.
AU  - Patel, R.
TI  - Foot and Ankle Rehabilitation
PB  - Routledge
PY  - 2020
ER  -

TY  - ELEC
ID  - nhs2023
AU  - NHS England
TI  - Plantar fasciitis
UR  - https://www.nhs.uk/conditions/plantar-fasciitis/
Y2  - 2024/03/01
PY  - 2023
ER  -

TY  - RPRT
ID  - dh2010
AU  - Department of Health
TI  - Musculoskeletal Services Framework
PB  - The Stationery Office
CY  - London
PY  - 2010
ER  -
"""


def by_key(records):
    return {record["fields"]["key"]: record for record in records}


def people(record, role):
    return [c.get("organisation") or (c["surname"], c["initials"]) for c in record["contributors"] if c["role"] == role]


# Reading


def test_bibtex_sample_is_read_into_records():
    records = by_key(bibtex.parse(BIBTEX, source="refs.bib"))
    assert list(records) == ["benjamin2001", "muller2019", "neumann2017", "nhs2023", "dh2010"]

    article = records["benjamin2001"]["fields"]
    assert article["kind"] == "article-journal"
    assert article["container_title"] == "Journal of Anatomy"  # from @string
    assert article["title"] == "The anatomical basis for disease localisation in Seronegative spondyloarthropathy"
    assert (article["volume"], article["issue"], article["pages"], article["year"]) == ("199", "5", "503-526", 2001)
    assert article["doi"] == "10.1046/j.1469-7580.2001.19950503.x"

    chapter = records["muller2019"]
    assert chapter["fields"]["kind"] == "chapter"
    assert chapter["fields"]["title"] == "Gait & posture"
    assert chapter["fields"]["container_title"] == "Handbook of Gait"
    assert (chapter["fields"]["edition"], chapter["fields"]["place"], chapter["fields"]["publisher"]) == (
        "3",
        "London",
        "Elsevier",
    )
    assert people(chapter, "author") == [("Müller", "Hans"), ("García", "José"), ("de Vries", "Hugo")]
    assert people(chapter, "editor") == [("Lee", "C."), "World Health Organization"]

    assert records["neumann2017"]["fields"]["kind"] == "book"
    assert people(records["neumann2017"], "author") == [("Neumann", "Donald A.")]

    web = records["nhs2023"]
    assert web["fields"]["kind"] == "webpage"
    assert web["fields"]["accessed"] == datetime.date(2024, 3, 1)
    assert people(web, "author") == ["NHS England"]

    report = records["dh2010"]["fields"]
    assert (report["kind"], report["publisher"], report["place"]) == ("report", "The Stationery Office", "London")
    assert records["dh2010"]["where"] == "refs.bib: line 45 (entry 'dh2010')"


def test_ris_sample_is_read_into_records():
    records = by_key(ris.parse(RIS, source="refs.ris"))
    assert [r["fields"]["kind"] for r in records.values()] == [
        "article-journal",
        "chapter",
        "book",
        "webpage",
        "report",
    ]
    article = records["benjamin2001"]
    assert article["fields"]["pages"] == "503-526" and article["fields"]["year"] == 2001
    assert article["fields"]["container_title"] == "Journal of Anatomy"
    assert people(article, "author") == [("Benjamin", "M."), ("McGonagle", "D.")]

    chapter = records["muller2019"]
    assert people(chapter, "editor") == [("Lee", "C."), "World Health Organization"]
    assert (chapter["fields"]["edition"], chapter["fields"]["place"]) == ("3", "London")

    edited = records["lee2020"]
    assert people(edited, "author") == [] and people(edited, "editor") == [("Lee", "C."), ("Patel", "R.")]

    assert records["nhs2023"]["fields"]["accessed"] == datetime.date(2024, 3, 1)
    assert people(records["nhs2023"], "author") == ["NHS England"]
    assert records["dh2010"]["fields"]["publisher"] == "The Stationery Office"


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (r"Caf{\'e} \& {DNA}", "Café & DNA"),
        (r"\"{o}\ss{} \c{c} \v{S}", "öß ç Š"),
        (r"\emph{Italic}  and \textbf{bold}", "Italic and bold"),
        (r"50\% of \$5 \#1 a\_b \{x\} \textasciitilde{}y", "50% of $5 #1 a_b {x} ~y"),
        ("over\n   two lines", "over two lines"),
        (r"\cite{x} \dots{} \url{https://a.org} \LaTeX", r"\cite{x} … https://a.org \LaTeX"),
    ],
)
def test_latex_in_bibtex_values_is_decoded(raw, text):
    assert bibtex.latex_to_text(raw) == text


def test_names_with_particles_suffixes_and_others():
    entry = (
        "@book{k, title = {T}, author = {van Gogh, Vincent and Jones, Jr, Ann and de la Fontaine and "
        "Beethoven, Ludwig van and others}}"
    )
    assert bibtex.parse(entry)[0]["contributors"] == [
        {"role": "author", "position": 0, "surname": "van Gogh", "initials": "Vincent", "particle": "", "suffix": ""},
        {"role": "author", "position": 1, "surname": "Jones", "initials": "Ann", "particle": "", "suffix": "Jr"},
        {"role": "author", "position": 2, "surname": "de la Fontaine", "initials": "", "particle": "", "suffix": ""},
        {
            "role": "author",
            "position": 3,
            "surname": "Beethoven",
            "initials": "Ludwig",
            "particle": "van",
            "suffix": "",
        },
    ]


@pytest.mark.parametrize(
    ("text", "fmt"),
    [("  [{}]", "json"), ("\ufeffTY  - JOUR\n", "ris"), ("% notes\n@article{a,\n", "bib"), ("hello", None)],
)
def test_format_is_detected_from_pasted_text(text, fmt):
    assert detect_format(text) == fmt


# Broken files: the line is named and nothing is saved


BROKEN_BIBTEX = [
    ("@article{a, title = {T}, year = 2020}\n@article{b, title = {T} year = 2020}", r"refs\.bib: line 2: expected ','"),
    ("@article{a,\n  title = {T},\n}\n\n@article{b title = {T}}", r"refs\.bib: line 5: expected ',' after the key 'b'"),
    ("@book{a, title = {T}}\n@book{b,\n  title = {Unclosed,\n  year = {2020}\n}\n", r"refs\.bib: line 3: the value of"),
    ("@book{a, title = {T}}\n@book{b,\n  title = {Never closed,\n", r"refs\.bib: line 3: the '\{' opened here"),
    ("@book{a, title = {T}}\n@book{b,\n  title = {T},\n  year = {soon},\n}", r"line 4, field 'year' of entry 'b'"),
    ("@book{a, title = {T}}\n\n@patent{b, title = {T}}", r"refs\.bib: line 3: @patent entries cannot"),
    ("@book{a, title = {T}}\n@misc{b, title = {T}}", r"line 2: @misc entries cannot be imported"),
    ("@book{a, title = {T}, journal = jrnl}", r"line 1: 'jrnl' is not a known @string"),
    ("@book{a, title = {T}}\n@book{a, title = {U}}", r"line 2 \(entry 'a'\): the id 'a' appears twice"),
    ("@book{a, title = {T}}\n@book{b c, title = {U}}", r"line 2: expected ',' after the key 'b'"),
    ("@book{a, title = {T}}\n@book{has:space!, title = {U}}", r"line 2 \(entry 'has:space!'\): field 'key'"),
]
BROKEN_RIS = [
    ("TY  - JOUR\nID  - a\nTI  - T\nER  - \nTY  - BOOK\nID  - b\nTI  - U\n", r"refs\.ris: line 5: this record has no"),
    ("TY  - JOUR\nID  - a\nTI  - T\nnot a tag line\nER  - \n", r"refs\.ris: line 4: expected 'TAG  - value'"),
    ("TY  - JOUR\nID  - a\nTI  - T\nER  - \nAU  - Smith, J.\n", r"refs\.ris: line 5: 'AU' outside a record"),
    ("TY  - JOUR\nID  - a\nTI  - T\nER  - \nTY  - PAT\nID  - b\nER  - \n", r"line 5, tag 'TY': 'PAT' is not"),
    ("TY  - JOUR\nID  - a\nTI  - T\nER  - \nTY  - JOUR\nTI  - U\nER  - \n", r"line 5: the record has no 'ID'"),
    ("TY  - JOUR\nID  - a\nTI  - T\nY2  - yesterday\nER  - \n", r"line 4, tag 'Y2': expected a date"),
]


@pytest.mark.parametrize(("text", "message"), BROKEN_BIBTEX)
def test_a_broken_bibtex_file_names_the_line_and_saves_nothing(tmp_path, text, message):
    path = tmp_path / "refs.bib"
    path.write_text(text)
    with pytest.raises(CommandError, match=message):
        call_command("import_references", str(path), stdout=open("/dev/null", "w"))
    assert Reference.objects.count() == 0


@pytest.mark.parametrize(("text", "message"), BROKEN_RIS)
def test_a_broken_ris_file_names_the_line_and_saves_nothing(tmp_path, text, message):
    path = tmp_path / "refs.ris"
    path.write_text(text)
    with pytest.raises(CommandError, match=message):
        call_command("import_references", str(path), stdout=open("/dev/null", "w"))
    assert Reference.objects.count() == 0


# The command


@pytest.mark.parametrize(("name", "text"), [("refs.bib", BIBTEX), ("refs.ris", RIS), ("refs.BIB", BIBTEX)])
def test_import_command_reads_bibtex_and_ris_by_extension(tmp_path, capsys, name, text):
    path = tmp_path / name
    path.write_text("\ufeff" + text, encoding="utf-8")  # EndNote and Windows tools write a BOM
    call_command("import_references", str(path))
    call_command("import_references", str(path))
    first, second = capsys.readouterr().out.splitlines()
    assert first.endswith("5 created, 0 updated, 0 unchanged.")
    assert second.endswith("0 created, 0 updated, 5 unchanged.")
    assert Reference.objects.get(key="muller2019").editors[1].organisation == "World Health Organization"


def test_import_command_still_reads_csl_json(tmp_path, capsys):
    path = tmp_path / "refs.json"
    path.write_text(json.dumps([{"id": "doe2020", "type": "book", "title": "A Book", "author": [{"family": "Doe"}]}]))
    call_command("import_references", str(path))
    assert capsys.readouterr().out.strip().endswith("1 created, 0 updated, 0 unchanged.")


def test_import_command_refuses_other_extensions(tmp_path):
    path = tmp_path / "refs.txt"
    path.write_text(BIBTEX)
    with pytest.raises(CommandError, match=r"refs\.txt: cannot tell the format from '\.txt'; use \.json"):
        call_command("import_references", str(path))
    assert Reference.objects.count() == 0


# Writing, and the round trip


def add_people(reference, role, names):
    for position, name in enumerate(names):
        if isinstance(name, dict):
            person = name
        else:
            person = {"organisation": name[1]} if name[0] == "org" else {"surname": name[0], "initials": name[1]}
        Contributor.objects.create(reference=reference, role=role, position=position, **person)


def make_work(key, kind, authors=(), editors=(), **fields):
    defaults = {"title": f"Title of {key}", "container_title": "", "volume": "", "pages": ""}
    reference = make_reference(key=key, kind=kind, authors=(), **{**defaults, **fields})
    add_people(reference, "author", authors)
    add_people(reference, "editor", editors)
    return reference


@pytest.fixture
def library():
    """One reference of every kind and shape the clinic cites."""
    make_work(
        "benjamin2001",
        "article-journal",
        [("Benjamin", "M."), ("McGonagle", "D.")],
        year=2001,
        container_title="Journal of Anatomy",
        volume="199",
        issue="5",
        pages="503-526",
        doi="10.1046/j.1469-7580.2001.19950503.x",
    )
    make_work(
        "neumann2017",
        "book",
        [("Neumann", "D.A.")],
        year=2017,
        title="Kinesiology of the Musculoskeletal System",
        edition="3",
        place="St. Louis",
        publisher="Elsevier",
    )
    make_work(
        "lee2020",
        "book",
        editors=[("Lee", "C."), ("Patel", "R.")],
        year=2020,
        title="Foot and Ankle Rehabilitation",
        place="Abingdon",
        publisher="Routledge",
    )
    make_work(
        "muller2019",
        "chapter",
        [("Müller", "H."), ("de Vries", "")],
        [("Lee", "C."), ("org", "World Health Organization")],
        year=2019,
        title="Gait and posture",
        container_title="Handbook of Gait",
        pages="45–60",
        edition="2",
        place="London",
        publisher="Elsevier",
    )
    make_work(
        "nhs2023",
        "webpage",
        [("org", "NHS England")],
        year=2023,
        title="Plantar fasciitis",
        container_title="NHS website",
        url="https://www.nhs.uk/conditions/plantar-fasciitis/?from=a_b&x=50%25",
        accessed=datetime.date(2024, 3, 1),
    )
    make_work(
        "dh2010",
        "report",
        [("org", "Department of Health")],
        year=2010,
        title="Musculoskeletal Services Framework",
        place="London",
        publisher="The Stationery Office",
    )
    make_work(
        "blazevich2007",
        "article-journal",
        [("Blazevich", "A.J."), ("Cannavan", "D."), ("Coleman", "D.R."), ("Horne", "S."), ("Van Dyke", "")],
        year=2007,
        container_title="Journal of Applied Physiology",
        volume="103",
        pages="1565-1575",
    )
    make_work(
        "tricky",
        "article-journal",
        [("Smith", "A.")],
        year=None,
        title='Walking <script>alert("x")</script> & {braces} at 50% for $5 #1 a_b ~ ^ \\ and “quotes”',
        container_title="Gait & Posture {Special}",
        pages="e12",
    )
    return snapshot()


def snapshot():
    """Every field and contributor of every reference, in comparable form."""
    return {
        reference.key: (
            {name: value for name, value in reference.__dict__.items() if name in IMPORTED_FIELDS},
            [
                (c.role, c.surname, c.initials, c.particle, c.suffix, c.organisation)
                for c in reference.contributors.all()
            ],
        )
        for reference in Reference.objects.with_contributors()
    }


IMPORTED_FIELDS = {f.name for f in Reference._meta.fields} - {"id", "created_at", "updated_at", "year_suffix"}
WRITERS = {"bib": bibtex.to_bibtex, "ris": ris.to_ris, "json": csl.to_csl_json}


@pytest.mark.parametrize("fmt", WRITERS)
def test_round_trip_into_an_empty_library_gives_back_every_field_and_contributor(library, fmt):
    text = WRITERS[fmt](Reference.objects.with_contributors())
    Reference.objects.all().delete()
    counts = import_records(parse(text, fmt, source=f"export.{fmt}"))
    assert counts["created"] == len(library)
    assert snapshot() == library


@pytest.mark.parametrize("fmt", WRITERS)
def test_round_trip_into_the_same_library_changes_nothing(library, fmt):
    text = WRITERS[fmt](Reference.objects.with_contributors())
    counts = import_records(parse(text, fmt, source=f"export.{fmt}"))
    assert counts == {"created": 0, "updated": 0, "unchanged": len(library), "skipped": 0}
    assert snapshot() == library


# Every kind, both ways, in every format: one work of each kind with every field that kind uses.

WORKS_OF_EACH_KIND = {
    "article-journal": dict(
        authors=[{"surname": "van der Worp", "initials": "H."}, {"surname": "Smith", "initials": "J.", "suffix": "Jr"}],
        year=2019,
        container_title="PLOS ONE",
        volume="14",
        issue="5",
        number="e0216702",
        doi="10.1371/journal.pone.0216702",
    ),
    "article-in-press": dict(
        kind="article-journal",
        authors=[("Okafor", "N.")],
        year=None,
        status="in press",
        container_title="Gait & Posture",
    ),
    "preprint": dict(
        authors=[("Patel", "R.")],
        year=2023,
        issued_month=2,
        issued_day=1,
        publisher="medRxiv",
        doi="10.1101/2023.02.01.23285299",
    ),
    "book": dict(
        authors=[("Neumann", "D.A.")],
        year=2017,
        edition="3",
        place="St. Louis",
        publisher="Elsevier",
        collection_title="Rehabilitation Series",
        volume="2",
    ),
    "edited-book": dict(
        kind="book",
        editors=[("Lee", "C."), ("Patel", "R.")],
        year=2020,
        place="Abingdon",
        publisher="Routledge",
    ),
    "chapter": dict(
        authors=[("Müller", "H.")],
        editors=[("Lee", "C."), ("org", "World Health Organization")],
        year=2019,
        container_title="Handbook of Gait",
        pages="45-60",
        edition="2",
        place="London",
        publisher="Elsevier",
    ),
    "report": dict(
        authors=[("org", "National Institute for Health and Care Excellence")],
        year=2022,
        issued_month=10,
        number="NG226",
        collection_title="NICE guideline",
        place="London",
        publisher="NICE",
        url="https://www.nice.org.uk/guidance/ng226",
        accessed=datetime.date(2024, 3, 1),
        accessed_precision="month",
    ),
    "webpage": dict(
        authors=[("org", "NHS England")],
        year=2023,
        issued_month=4,
        issued_day=12,
        container_title="NHS website",
        url="https://www.nhs.uk/conditions/plantar-fasciitis/",
        accessed=datetime.date(2024, 3, 1),
    ),
    "blog-post": dict(
        authors=[{"surname": "Beethoven", "initials": "L.", "particle": "van"}],
        year=2021,
        issued_month=11,
        issued_day=30,
        container_title="The Running Physio",
        url="https://example.org/blog/heel-pain",
        accessed=datetime.date(2024, 1, 1),
        accessed_precision="year",
    ),
    "newspaper": dict(
        authors=[("Davis", "N.")],
        year=2024,
        issued_month=1,
        issued_day=9,
        container_title="The Guardian",
        pages="12",
        url="https://www.theguardian.com/science/walking",
    ),
    "magazine": dict(
        authors=[("Brown", "K.")],
        year=2022,
        issued_month=6,
        container_title="Runner's World",
        volume="57",
        issue="6",
        pages="40-44",
    ),
    "thesis": dict(
        authors=[("Okafor", "N.")],
        year=2018,
        genre="PhD thesis",
        place="Leeds",
        publisher="University of Leeds",
        url="https://etheses.whiterose.ac.uk/1234/",
    ),
    "masters-thesis": dict(kind="thesis", authors=[("Ng", "A.")], year=2016, genre="MSc dissertation", publisher="UCL"),
    "untyped-thesis": dict(kind="thesis", authors=[("Ng", "B.")], year=2015, publisher="University of Bath"),
    "conference-paper": dict(
        authors=[("Hall", "S."), ("Moore", "T.")],
        editors=[("Grant", "P.")],
        year=2018,
        container_title="Proceedings of the 8th World Congress of Biomechanics",
        event_title="8th World Congress of Biomechanics",
        event_place="Dublin",
        event_date="8–12 July 2018",
        pages="101-103",
        place="Dublin",
        publisher="WCB",
    ),
    "video": dict(
        authors=[("org", "The Body Lab")],
        year=2020,
        issued_month=3,
        issued_day=15,
        container_title="YouTube",
        url="https://www.youtube.com/watch?v=abc123",
        accessed=datetime.date(2024, 2, 29),
    ),
    "podcast": dict(
        authors=[("Kelly", "M.")],
        year=2021,
        issued_month=8,
        issued_day=2,
        container_title="The Physio Show",
        number="42",
        publisher="Physio Network",
        url="https://example.org/podcast/42",
        accessed=datetime.date(2024, 3, 1),
    ),
}


def make_work_of_kind(key):
    fields = dict(WORKS_OF_EACH_KIND[key])
    return make_work(
        key,
        fields.pop("kind", key),
        fields.pop("authors", ()),
        fields.pop("editors", ()),
        **{"year": None, **fields},
    )


def test_there_is_a_work_of_every_kind():
    kinds = {fields.get("kind", key) for key, fields in WORKS_OF_EACH_KIND.items()}
    assert kinds == set(Reference.Kind.values)


@pytest.mark.parametrize("fmt", WRITERS)
@pytest.mark.parametrize("key", WORKS_OF_EACH_KIND)
def test_every_kind_comes_back_the_same_from_each_format(key, fmt):
    make_work_of_kind(key)
    before = snapshot()
    text = WRITERS[fmt](Reference.objects.with_contributors())
    assert import_records(parse(text, fmt))["unchanged"] == 1
    Reference.objects.all().delete()
    assert import_records(parse(text, fmt, source=f"export.{fmt}"))["created"] == 1
    assert snapshot() == before


EXPORTED_AS = {
    # key: (CSL type, BibTeX entry type, RIS type)
    "article-journal": ("article-journal", "article", "JOUR"),
    "preprint": ("article", "misc", "GEN"),
    "book": ("book", "book", "BOOK"),
    "edited-book": ("book", "book", "EDBOOK"),
    "chapter": ("chapter", "incollection", "CHAP"),
    "report": ("report", "techreport", "RPRT"),
    "webpage": ("webpage", "online", "ELEC"),
    "blog-post": ("post-weblog", "online", "BLOG"),
    "newspaper": ("article-newspaper", "article", "NEWS"),
    "magazine": ("article-magazine", "article", "MGZN"),
    "thesis": ("thesis", "phdthesis", "THES"),
    "masters-thesis": ("thesis", "mastersthesis", "THES"),
    "untyped-thesis": ("thesis", "thesis", "THES"),
    "conference-paper": ("paper-conference", "inproceedings", "CPAPER"),
    "video": ("motion_picture", "video", "VIDEO"),
    "podcast": ("song", "audio", "SOUND"),
}


@pytest.mark.parametrize("key", EXPORTED_AS)
def test_each_kind_is_exported_as_its_type_in_each_format(key):
    make_work_of_kind(key)
    references = Reference.objects.with_contributors()
    csl_type, entry_type, ris_type = EXPORTED_AS[key]
    assert json.loads(csl.to_csl_json(references))[0]["type"] == csl_type
    assert bibtex.to_bibtex(references).startswith(f"@{entry_type}{{{key},\n")
    assert ris.to_ris(references).startswith(f"TY  - {ris_type}\r\nID  - {key}\r\n")


def test_new_fields_are_written_where_each_format_keeps_them():
    for key in (
        "article-journal",
        "article-in-press",
        "report",
        "blog-post",
        "conference-paper",
        "podcast",
        "preprint",
    ):
        make_work_of_kind(key)
    references = Reference.objects.with_contributors()
    items = {item["id"]: item for item in json.loads(csl.to_csl_json(references))}
    assert items["article-journal"]["author"] == [
        {"family": "van der Worp", "given": "H."},
        {"family": "Smith", "given": "J.", "suffix": "Jr"},
    ]
    assert items["article-journal"]["number"] == "e0216702"
    assert (items["report"]["number"], items["report"]["collection-title"]) == ("NG226", "NICE guideline")
    assert items["report"]["issued"] == {"date-parts": [[2022, 10]]}
    assert items["report"]["accessed"] == {"date-parts": [[2024, 3]]}
    assert items["blog-post"]["author"] == [{"family": "Beethoven", "given": "L.", "dropping-particle": "van"}]
    assert items["blog-post"]["accessed"] == {"date-parts": [[2024]]}
    assert items["conference-paper"]["event-title"] == "8th World Congress of Biomechanics"
    assert items["conference-paper"]["event-date"] == {"literal": "8–12 July 2018"}

    text = bibtex.to_bibtex(references)
    assert "author = {van der Worp, H. and Smith, Jr, J.},\n" in text
    assert "  number = {5},\n  eid = {e0216702},\n" in text
    assert "  number = {NG226},\n  series = {NICE guideline},\n" in text
    assert "  date = {2022-10},\n" in text and "  urldate = {2024-03},\n" in text
    assert "author = {Beethoven, L. van},\n  title = {Title of blog-post},\n  entrysubtype = {blog},\n" in text
    assert "  journal = {Gait \\& Posture},\n  pubstate = {inpress},\n" in text
    assert "  eventtitle = {8th World Congress of Biomechanics},\n  venue = {Dublin},\n" in text
    assert (
        "@misc{preprint,\n  author = {Patel, R.},\n  title = {Title of preprint},\n  howpublished = {Preprint},\n"
        in text
    )

    text = ris.to_ris(references)
    assert "AU  - van der Worp, H.\r\nAU  - Smith, J., Jr\r\n" in text
    assert "M1  - e0216702\r\n" in text and "M1  - NG226\r\nT3  - NICE guideline\r\n" in text
    assert "PY  - 2022/10\r\n" in text and "Y2  - 2024/03\r\n" in text
    assert "AU  - Beethoven, L. van\r\n" in text
    assert "C3  - Proceedings of the 8th World Congress of Biomechanics\r\nT2  - 8th World Congress" in text
    assert "C1  - Dublin\r\nDA  - 8–12 July 2018\r\n" in text
    assert "TY  - GEN\r\nID  - preprint\r\n" in text and "M3  - Preprint\r\n" in text


def test_bibtex_export_escapes_latex_and_braces_organisations(library):
    text = bibtex.to_bibtex(Reference.objects.filter(key__in=["tricky", "nhs2023"]).with_contributors())
    assert r"\{braces\} at 50\% for \$5 \#1 a\_b \textasciitilde{} \textasciicircum{} \textbackslash{}" in text
    assert "author = {{NHS England}}" in text
    assert "@online{nhs2023," in text and "urldate = {2024-03-01}" in text


def test_ris_export_splits_a_page_range_and_keeps_other_pages_whole(library):
    text = ris.to_ris(Reference.objects.filter(key__in=["benjamin2001", "muller2019"]).with_contributors())
    assert "SP  - 503\r\nEP  - 526\r\n" in text
    assert "SP  - 45–60\r\n" in text
    assert text.count("ER  - ") == 2


def test_positions_only_order_contributors(library):
    """Authors numbered 1, 2 in the admin are the same as 0, 1 from a file: unchanged, not updated."""
    Contributor.objects.filter(reference__key="benjamin2001").update(position=F("position") + 1)
    text = csl.to_csl_json(Reference.objects.filter(key="benjamin2001").with_contributors())
    assert import_records(parse(text, "json"))["unchanged"] == 1


# Duplicates


def test_same_doi_in_any_case_is_a_likely_duplicate():
    existing = make_reference(key="a2020", doi="10.1000/ABC")
    record = {"fields": {"key": "b", "doi": "10.1000/abc", "year": 1999, "title": "Other"}, "contributors": []}
    assert likely_duplicates(record) == [existing]


def test_same_surnames_year_and_title_ignoring_case_and_punctuation_is_a_likely_duplicate():
    existing = make_reference(key="smith2020", authors=("Smith", "Jones"), title="Walking: a Review")
    record = {
        "fields": {"key": "other", "doi": "", "year": 2020, "title": "walking  — A REVIEW."},
        "contributors": [
            {"role": "author", "position": 0, "surname": "smith", "initials": "J."},
            {"role": "author", "position": 1, "surname": "Jones", "initials": ""},
        ],
    }
    assert likely_duplicates(record) == [existing]
    assert likely_duplicates({**record, "fields": {**record["fields"], "year": 2021}}) == []
    assert likely_duplicates({**record, "contributors": record["contributors"][:1]}) == []


def test_a_reference_is_not_a_duplicate_of_itself():
    reference = make_reference(key="smith2020", doi="10.1000/x")
    assert likely_duplicates(Reference.objects.with_contributors().get(pk=reference.pk)) == []
    twin = make_reference(key="smith2020b", doi="10.1000/X")
    assert likely_duplicates(Reference.objects.with_contributors().get(pk=reference.pk)) == [twin]


# Public downloads


def test_library_download_in_each_format(client, library):
    shown_publicly(*Reference.objects.all())
    for fmt, content_type in (
        ("bib", "application/x-bibtex"),
        ("ris", "application/x-research-info-systems"),
        ("json", "application/vnd.citationstyles.csl+json"),
    ):
        response = client.get(f"/references/export/library.{fmt}")
        assert response.status_code == 200
        assert response["Content-Type"] == f"{content_type}; charset=utf-8"
        assert response["Content-Disposition"] == f'attachment; filename="the-body-lab-references.{fmt}"'
        records = parse(response.content.decode(), fmt)
        assert sorted(r["fields"]["key"] for r in records) == sorted(library)


@pytest.fixture
def cited():
    make_reference(key="cited2020", authors=("Cited",), title="A cited work")
    make_reference(key="uncited2020", authors=("Uncited",), title="Not cited here")
    make_reference(key="secret2020", authors=("Secret",), title="Only a draft cites it")
    published = make_article("Published", slug="published", sections=(("S", "As shown [@cited2020]."),))
    draft = make_article(
        "Draft", slug="draft", status=Article.Status.DRAFT, sections=(("S", "As shown [@secret2020]."),)
    )
    future = make_article("Future", slug="future", days_ago=-1, sections=(("S", "As shown [@cited2020]."),))
    return published, draft, future


@pytest.mark.parametrize("fmt", ["bib", "ris", "json"])
def test_article_download_has_only_that_articles_references(client, cited, fmt):
    response = client.get(f"/references/export/articles/published.{fmt}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="published-references.{fmt}"'
    assert [r["fields"]["key"] for r in parse(response.content.decode(), fmt)] == ["cited2020"]


@pytest.mark.parametrize(
    "url",
    [
        "/references/export/articles/draft.bib",
        "/references/export/articles/future.ris",
        "/references/export/articles/no-such-article.json",
        "/references/export/articles/published.txt",
        "/references/export/library.xml",
    ],
)
def test_drafts_unknown_articles_and_formats_are_not_found(client, cited, url):
    assert client.get(url).status_code == 404


def test_a_reference_whose_key_looks_like_a_route_still_has_its_page(client):
    shown_publicly(make_reference(key="export", title="A work keyed export"))
    assert "A work keyed export" in client.get("/references/export/").content.decode()


def test_download_links_name_what_they_download(cited):
    published, draft, _ = cited
    soup = BeautifulSoup(
        render_to_string("references/_download_links.html", {"article": published, "public": published.is_public}),
        "html.parser",
    )
    links = soup.select("a")
    assert [a["href"] for a in links] == [f"/references/export/articles/published.{f}" for f in ("bib", "ris", "json")]
    assert [a.get_text() for a in links] == [
        f"{label} file of this article’s references" for label in ("BibTeX", "RIS", "CSL-JSON")
    ]
    assert soup.p.get_text(" ", strip=True).startswith(
        "Save these references for a reference manager (such as Zotero or EndNote):"
    )
    assert (
        render_to_string("references/_download_links.html", {"article": draft, "public": draft.is_public}).strip() == ""
    )

    whole = BeautifulSoup(render_to_string("references/_download_links.html", {}), "html.parser")
    assert [a["href"] for a in whole.select("a")] == [f"/references/export/library.{f}" for f in ("bib", "ris", "json")]


def test_csl_json_parse_errors_still_name_the_line():
    with pytest.raises(ImportProblem, match=r"refs\.json: line 2"):
        parse('[\n  {"id": "a" "type": "book"}\n]', "json", source="refs.json")


# Bad input is refused where it stands: the entry and field named, no crash, nothing saved


def csl_item(**fields):
    return json.dumps([{"id": "a", "type": "book", "title": "T", **fields}])


BAD_INPUT = {
    # name: (file name, text, the whole message)
    "issued without a year": (
        "refs.json",
        csl_item(issued={"date-parts": [[]]}),
        "refs.json: entry 1 (id 'a'), field 'issued': the date has no year",
    ),
    "issued Infinity": (
        "refs.json",
        csl_item(issued={"date-parts": [[float("inf")]]}),
        "refs.json: entry 1 (id 'a'), field 'issued': Infinity in 'date-parts' is not a whole number",
    ),
    "issued a fraction": (
        "refs.json",
        csl_item(issued={"date-parts": [[2019.5]]}),
        "refs.json: entry 1 (id 'a'), field 'issued': 2019.5 in 'date-parts' is not a whole number",
    ),
    "family a number": (
        "refs.json",
        csl_item(author=[{"given": "A.", "family": 5}]),
        "refs.json: entry 1 (id 'a'), field 'author' name 1: 'family' must be text, not 5",
    ),
    "accessed empty": (
        "refs.json",
        csl_item(accessed={"date-parts": [[]]}),
        "refs.json: entry 1 (id 'a'), field 'accessed': the date has no year",
    ),
    "accessed empty text": (
        "refs.json",
        csl_item(accessed=""),
        "refs.json: entry 1 (id 'a'), field 'accessed': expected {'date-parts': [[year, month, day]]} "
        "or a date such as 2019-05-03",
    ),
    "csl month 13": (
        "refs.json",
        csl_item(issued={"date-parts": [[2019, 13]]}),
        "refs.json: entry 1 (id 'a'), field 'issued': there is no month 13; give 1 to 12",
    ),
    "csl 31 April": (
        "refs.json",
        csl_item(accessed={"date-parts": [[2019, 4, 31]]}),
        "refs.json: entry 1 (id 'a'), field 'accessed': 31 April 2019 is not a date",
    ),
    "csl title a number": (
        "refs.json",
        csl_item(title=5),
        "refs.json: entry 1 (id 'a'), field 'title': expected text, not 5",
    ),
    "csl id a list": (
        "refs.json",
        json.dumps([{"id": [1], "type": "book", "title": "T"}]),
        "refs.json: entry 1, field 'id': expected text, not [1]",
    ),
    "csl type a number": (
        "refs.json",
        json.dumps([{"id": "a", "type": 7, "title": "T"}]),
        "refs.json: entry 1 (id 'a'), field 'type': '7' is not one of " + ", ".join(sorted(csl.CSL_TYPES)),
    ),
    "latex backslash before a non-ASCII letter": (
        "refs.bib",
        "@book{a,\n  title = {Caf\\é},\n}\n",
        "refs.bib: line 2, field 'title' of entry 'a': '\\é' is not a LaTeX command; write é without the backslash",
    ),
    "latex in a name": (
        "refs.bib",
        "@book{a,\n  title = {T},\n  author = {Ren\\ée, A.},\n}\n",
        "refs.bib: line 3, field 'author' of entry 'a': '\\é' is not a LaTeX command; write é without the backslash",
    ),
    "latex nested thousands deep": (
        "refs.bib",
        "@book{a,\n  title = {" + "\\'{" * 3000 + "}" * 3000 + "},\n}\n",
        "refs.bib: line 2, field 'title' of entry 'a': accents or braces nested too deeply to be text",
    ),
    "bibtex month 13": (
        "refs.bib",
        "@book{a,\n  title = {T},\n  year = 2019,\n  month = 13,\n}\n",
        "refs.bib: line 4, field 'month' of entry 'a': there is no month 13; give 1 to 12",
    ),
    "bibtex 31 April": (
        "refs.bib",
        "@book{a,\n  title = {T},\n  date = {2019-04-31},\n}\n",
        "refs.bib: line 3, field 'date' of entry 'a': 31 April 2019 is not a date",
    ),
    "bibtex 29 February 2019": (
        "refs.bib",
        "@online{a,\n  title = {T},\n  url = {https://a.org},\n  urldate = {2019-02-29},\n}\n",
        "refs.bib: line 4, field 'urldate' of entry 'a': 29 February 2019 is not a date",
    ),
    "ris 31 April": (
        "refs.ris",
        "TY  - BOOK\nID  - a\nTI  - T\nPY  - 2019/04/31/\nER  - \n",
        "refs.ris: line 4, tag 'PY': 31 April 2019 is not a date",
    ),
    "ris month 13": (
        "refs.ris",
        "TY  - ELEC\nID  - a\nTI  - T\nY2  - 2025/13/45\nER  - \n",
        "refs.ris: line 4, tag 'Y2': there is no month 13; give 1 to 12",
    ),
}


@pytest.mark.parametrize("name", BAD_INPUT)
def test_bad_input_is_refused_by_the_parser_naming_the_entry_and_field(name):
    filename, text, message = BAD_INPUT[name]
    with pytest.raises(ImportProblem) as refused:
        parse(text, filename.rsplit(".", 1)[1], source=filename)
    assert str(refused.value) == message


@pytest.mark.parametrize("name", BAD_INPUT)
def test_bad_input_is_refused_by_the_command_and_saves_nothing(tmp_path, name):
    filename, text, message = BAD_INPUT[name]
    (tmp_path / filename).write_text(text, encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("import_references", str(tmp_path / filename), stdout=open("/dev/null", "w"))
    assert str(refused.value) == f"{tmp_path}/{message}. Nothing was imported."
    assert (Reference.objects.count(), Contributor.objects.count()) == (0, 0)


def test_the_command_run_as_a_program_prints_the_message_and_no_traceback(tmp_path):
    """What someone at a terminal sees: one line on stderr, exit status 1."""
    import subprocess
    import sys
    from pathlib import Path

    path = tmp_path / "refs.bib"
    path.write_text(BAD_INPUT["latex backslash before a non-ASCII letter"][1], encoding="utf-8")
    manage = Path(__file__).resolve().parent.parent / "manage.py"
    result = subprocess.run(
        [sys.executable, str(manage), "import_references", str(path)],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}", "DEBUG": "1"},
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr == (
        f"CommandError: {path}: line 2, field 'title' of entry 'a': '\\é' is not a LaTeX command; "
        "write é without the backslash. Nothing was imported.\n"
    )


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        (csl_item(issued={"date-parts": [["2019", "5"]]}), "year", 2019),
        (csl_item(issued={"date-parts": [["2019", "5"]]}), "issued_month", 5),
        (csl_item(volume=12, issue=3, page=45, edition=2), "volume", "12"),
        (csl_item(volume=12, issue=3, page=45, edition=2), "pages", "45"),
        (csl_item(id=17), "key", "17"),
        (csl_item(issued="2019-05-03"), "issued_day", 3),
        (csl_item(issued={"raw": "2019-05"}), "issued_month", 5),
        (csl_item(accessed="2024-03"), "accessed_precision", "month"),
    ],
)
def test_numbers_are_taken_where_their_meaning_is_clear(text, field, value):
    assert csl.parse(text)[0]["fields"][field] == value


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"volume": 1.5}, "field 'volume': expected text, not 1.5"),
        ({"volume": True}, "field 'volume': expected text, not true"),
        ({"container-title": 5}, "field 'container-title': expected text, not 5"),
        ({"DOI": ["10.1/x"]}, "field 'DOI': expected text, not [\"10.1/x\"]"),
        ({"issued": {"date-parts": [[True]]}}, "field 'issued': true in 'date-parts' is not a whole number"),
        ({"issued": {"date-parts": [["soon"]]}}, "field 'issued': \"soon\" in 'date-parts' is not a whole number"),
        ({"author": [{"literal": 5}]}, "field 'author' name 1: 'literal' must be text, not 5"),
        (
            {"editor": [{"family": "Lee", "suffix": ["Jr"]}]},
            "field 'editor' name 1: 'suffix' must be text, not [\"Jr\"]",
        ),
    ],
)
def test_other_values_of_the_wrong_type_are_refused_naming_the_field(fields, message):
    with pytest.raises(ImportProblem) as refused:
        csl.parse(csl_item(**fields))
    assert str(refused.value) == f"input: entry 1 (id 'a'), {message}"


# Reading the new kinds and fields as reference managers write them


ZOTERO_CSL = [
    {
        "id": "patel2023",
        "type": "article",
        "title": "Cadence and heel pain",
        "publisher": "medRxiv",
        "number": "2023.02.01.23285299",
        "DOI": "10.1101/2023.02.01.23285299",
        "author": [{"family": "Patel", "given": "Ravi"}],
        "issued": {"date-parts": [["2023", 2, 1]]},
    },
    {
        "id": "okafor2018",
        "type": "thesis",
        "title": "Gait retraining",
        "genre": "PhD Thesis",
        "publisher": "University of Leeds",
        "publisher-place": "Leeds",
        "author": [{"family": "Worp", "non-dropping-particle": "van der", "given": "Henk"}],
        "issued": {"date-parts": [[2018]]},
    },
    {
        "id": "hall2018",
        "type": "paper-conference",
        "title": "Running economy",
        "container-title": "Proceedings of the 8th World Congress of Biomechanics",
        "event-title": "8th World Congress of Biomechanics",
        "event-place": "Dublin",
        "event-date": {"date-parts": [[2018, 7, 8], [2018, 7, 12]]},
        "author": [{"family": "Beethoven", "dropping-particle": "van", "given": "Ludwig"}],
        "editor": [{"family": "Smith", "given": "John", "suffix": "Jr."}],
        "issued": {"date-parts": [[2018, 7]]},
        "accessed": {"date-parts": [[2024, 3]]},
    },
    {"id": "kelly2021", "type": "broadcast", "genre": "Podcast", "title": "Episode 42", "number": "42"},
]


def test_zotero_csl_json_of_the_new_kinds_is_read():
    records = by_key(csl.parse(json.dumps(ZOTERO_CSL)))
    preprint = records["patel2023"]["fields"]
    assert (preprint["kind"], preprint["publisher"], preprint["number"]) == (
        "preprint",
        "medRxiv",
        "2023.02.01.23285299",
    )
    assert (preprint["year"], preprint["issued_month"], preprint["issued_day"]) == (2023, 2, 1)
    thesis = records["okafor2018"]
    assert (thesis["fields"]["kind"], thesis["fields"]["genre"]) == ("thesis", "PhD Thesis")
    assert thesis["contributors"][0]["surname"] == "van der Worp"
    paper = records["hall2018"]
    assert paper["fields"]["kind"] == "conference-paper"
    assert (paper["fields"]["event_title"], paper["fields"]["event_place"], paper["fields"]["event_date"]) == (
        "8th World Congress of Biomechanics",
        "Dublin",
        "2018-07-08/2018-07-12",
    )
    assert (paper["fields"]["accessed"], paper["fields"]["accessed_precision"]) == (datetime.date(2024, 3, 1), "month")
    assert [(c["role"], c["surname"], c["initials"], c["particle"], c["suffix"]) for c in paper["contributors"]] == [
        ("author", "Beethoven", "Ludwig", "van", ""),
        ("editor", "Smith", "John", "", "Jr."),
    ]
    assert (records["kelly2021"]["fields"]["kind"], records["kelly2021"]["fields"]["number"]) == ("podcast", "42")


def test_a_csl_broadcast_that_is_not_a_podcast_is_refused():
    with pytest.raises(ImportProblem) as refused:
        csl.parse(json.dumps([{"id": "tv", "type": "broadcast", "title": "T"}]))
    assert str(refused.value) == (
        "input: entry 1 (id 'tv'), field 'type': a 'broadcast' is imported only as a podcast, with 'genre' saying so"
    )


NEW_KINDS_BIBTEX = r"""@phdthesis{okafor2018,
  author = {Okafor, Ngozi},
  title = {Gait retraining},
  school = {University of Leeds},
  year = 2018,
}
@mastersthesis{ng2016, author = {Ng, A.}, title = {Insoles}, school = {UCL}, year = 2016}
@inproceedings{hall2018,
  author = {Hall, S. and Smith, Jr., John},
  title = {Running economy},
  booktitle = {Proceedings of the 8th World Congress of Biomechanics},
  eventtitle = {8th World Congress of Biomechanics},
  venue = {Dublin},
  year = 2018,
  month = jul,
}
@techreport{nice2022,
  author = {{National Institute for Health and Care Excellence}},
  title = {Osteoarthritis in over 16s},
  institution = {NICE},
  type = {Guideline},
  number = {NG226},
  series = {NICE guideline},
  date = {2022-10-19},
}
@article{guardian2024,
  entrysubtype = {newspaper},
  author = {Davis, Nicola},
  title = {Walking more},
  journal = {The Guardian},
  year = 2024,
  month = {January},
  pages = {12},
}
@online{physio2021,
  entrysubtype = {blog},
  author = {Beethoven, Ludwig van},
  title = {Heel pain},
  organization = {The Running Physio},
  url = {https://example.org/blog},
  urldate = {2024},
}
@misc{patel2023,
  author = {Patel, R.},
  title = {Cadence},
  howpublished = {Preprint},
  publisher = {medRxiv},
  doi = {10.1101/2023.02.01.23285299},
  year = 2023,
}
@article{plos2019, author = {Lee, C.}, title = {T}, journal = {PLOS ONE},
  number = {5}, eid = {e0216702}, pubstate = {inpress}}
"""


def test_bibtex_of_the_new_kinds_is_read():
    records = by_key(bibtex.parse(NEW_KINDS_BIBTEX))
    kinds = {key: record["fields"]["kind"] for key, record in records.items()}
    assert kinds == {
        "okafor2018": "thesis",
        "ng2016": "thesis",
        "hall2018": "conference-paper",
        "nice2022": "report",
        "guardian2024": "newspaper",
        "physio2021": "blog-post",
        "patel2023": "preprint",
        "plos2019": "article-journal",
    }
    assert records["okafor2018"]["fields"]["genre"] == "PhD thesis"
    assert records["okafor2018"]["fields"]["publisher"] == "University of Leeds"
    assert records["ng2016"]["fields"]["genre"] == "Master's thesis"
    paper = records["hall2018"]
    assert (paper["fields"]["event_title"], paper["fields"]["event_place"], paper["fields"]["issued_month"]) == (
        "8th World Congress of Biomechanics",
        "Dublin",
        7,
    )
    assert paper["contributors"][1] == {
        "role": "author",
        "position": 1,
        "surname": "Smith",
        "initials": "John",
        "particle": "",
        "suffix": "Jr.",
    }
    report = records["nice2022"]["fields"]
    assert (report["number"], report["collection_title"], report["genre"], report["publisher"]) == (
        "NG226",
        "NICE guideline",
        "Guideline",
        "NICE",
    )
    assert (report["year"], report["issued_month"], report["issued_day"]) == (2022, 10, 19)
    assert records["guardian2024"]["fields"]["issued_month"] == 1
    blog = records["physio2021"]
    assert blog["fields"]["container_title"] == "The Running Physio"
    assert (blog["fields"]["accessed"], blog["fields"]["accessed_precision"]) == (datetime.date(2024, 1, 1), "year")
    assert (blog["contributors"][0]["initials"], blog["contributors"][0]["particle"]) == ("Ludwig", "van")
    assert records["patel2023"]["fields"]["publisher"] == "medRxiv"
    plos = records["plos2019"]["fields"]
    assert (plos["issue"], plos["number"], plos["status"]) == ("5", "e0216702", "in press")


NEW_KINDS_RIS = """TY  - THES
ID  - okafor2018
AU  - Okafor, Ngozi
TI  - Gait retraining
PB  - University of Leeds
M3  - PhD thesis
PY  - 2018
ER  -

TY  - CONF
ID  - hall2018
AU  - Hall, S.
AU  - Smith, John, Jr.
AU  - Beethoven, Ludwig van
TI  - Running economy
T2  - 8th World Congress of Biomechanics
C1  - Dublin
C3  - Proceedings of the 8th World Congress of Biomechanics
DA  - 8-12 July 2018
PY  - 2018/07//
ER  -

TY  - JOUR
ID  - inpress
AU  - Okafor, N.
TI  - Accepted work
T2  - Gait & Posture
PY  - in press
ER  -

TY  - GEN
ID  - patel2023
AU  - Patel, R.
TI  - Cadence
M3  - Preprint
PB  - medRxiv
DA  - 2023/02/01
ER  -

TY  - SOUND
ID  - kelly2021
AU  - Kelly, M.
TI  - Episode 42
T2  - The Physio Show
M1  - 42
PY  - 2021/08/02/
Y2  - 2024/03
ER  -
"""


def test_ris_of_the_new_kinds_is_read():
    records = by_key(ris.parse(NEW_KINDS_RIS))
    assert [r["fields"]["kind"] for r in records.values()] == [
        "thesis",
        "conference-paper",
        "article-journal",
        "preprint",
        "podcast",
    ]
    assert (records["okafor2018"]["fields"]["genre"], records["okafor2018"]["fields"]["publisher"]) == (
        "PhD thesis",
        "University of Leeds",
    )
    paper = records["hall2018"]
    assert {
        name: paper["fields"][name] for name in ("container_title", "event_title", "event_place", "event_date")
    } == {
        "container_title": "Proceedings of the 8th World Congress of Biomechanics",
        "event_title": "8th World Congress of Biomechanics",
        "event_place": "Dublin",
        "event_date": "8-12 July 2018",
    }
    assert (paper["fields"]["year"], paper["fields"]["issued_month"], paper["fields"]["issued_day"]) == (2018, 7, None)
    assert [(c["surname"], c["initials"], c["particle"], c["suffix"]) for c in paper["contributors"]] == [
        ("Hall", "S.", "", ""),
        ("Smith", "John", "", "Jr."),
        ("Beethoven", "Ludwig", "van", ""),
    ]
    assert (records["inpress"]["fields"]["year"], records["inpress"]["fields"]["status"]) == (None, "in press")
    preprint = records["patel2023"]["fields"]
    assert (preprint["genre"], preprint["year"], preprint["issued_month"], preprint["issued_day"]) == ("", 2023, 2, 1)
    podcast = records["kelly2021"]["fields"]
    assert (podcast["number"], podcast["container_title"], podcast["accessed_precision"]) == (
        "42",
        "The Physio Show",
        "month",
    )


def test_a_generic_ris_record_without_a_type_of_work_is_refused():
    with pytest.raises(ImportProblem) as refused:
        ris.parse("TY  - GEN\nID  - a\nTI  - T\nER  - \n", source="refs.ris")
    assert str(refused.value) == (
        "refs.ris: line 1, tag 'TY': 'GEN' records are imported only as preprints, with 'M3  - Preprint'"
    )


@pytest.mark.parametrize("fmt", WRITERS)
def test_a_doi_given_as_an_address_is_stored_bare_and_importing_again_changes_nothing(fmt):
    text = {
        "json": csl_item(DOI="https://doi.org/10.1371/journal.pone.0216702"),
        "bib": "@book{a, title = {T}, doi = {https://doi.org/10.1371/journal.pone.0216702}}",
        "ris": "TY  - BOOK\nID  - a\nTI  - T\nDO  - https://doi.org/10.1371/journal.pone.0216702\nER  - \n",
    }[fmt]
    assert import_records(parse(text, fmt))["created"] == 1
    assert Reference.objects.get(key="a").doi == "10.1371/journal.pone.0216702"
    assert import_records(parse(text, fmt)) == {"created": 0, "updated": 0, "unchanged": 1, "skipped": 0}


def test_initials_and_editions_are_compared_as_they_are_stored():
    text = csl_item(author=[{"family": "Neumann", "given": "Donald A."}], edition="3rd edn")
    import_records(parse(text, "json"))
    reference = Reference.objects.with_contributors().get(key="a")
    assert (reference.edition, reference.authors[0].initials) == ("3", "D.A.")
    assert import_records(parse(text, "json"))["unchanged"] == 1


@pytest.mark.parametrize(
    ("entry_type", "kind"),
    [
        ("conference", "conference-paper"),
        ("report", "report"),
        ("thesis", "thesis"),
        ("movie", "video"),
        ("www", "webpage"),
        ("electronic", "webpage"),
        ("inbook", "chapter"),
    ],
)
def test_other_bibtex_entry_types_that_mean_one_of_our_kinds(entry_type, kind):
    assert bibtex.parse(f"@{entry_type}{{a, title = {{T}}}}")[0]["fields"]["kind"] == kind


@pytest.mark.parametrize(
    ("ris_type", "kind"),
    [
        ("EJOUR", "article-journal"),
        ("JFULL", "article-journal"),
        ("EBOOK", "book"),
        ("ECHAP", "chapter"),
        ("WEB", "webpage"),
        ("MPCT", "video"),
        ("CONF", "conference-paper"),
    ],
)
def test_other_ris_types_that_mean_one_of_our_kinds(ris_type, kind):
    assert ris.parse(f"TY  - {ris_type}\nID  - a\nTI  - T\nER  - \n")[0]["fields"]["kind"] == kind


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        ("year = 2019, month = {January}", (2019, 1, None, None, "day")),
        ("year = 2019, month = jan", (2019, 1, None, None, "day")),
        ("year = {2019}", (2019, None, None, None, "day")),
        ("date = {2019-05-03/2019-05-05}", (2019, 5, 3, None, "day")),
        ("year = 2019, urldate = {2024-03-01T10:30:00}", (2019, None, None, datetime.date(2024, 3, 1), "day")),
        ("year = 2019, urldate = {2024-03}", (2019, None, None, datetime.date(2024, 3, 1), "month")),
    ],
)
def test_bibtex_dates_in_the_forms_bibtex_and_biblatex_allow(dates, expected):
    fields = bibtex.parse(f"@online{{a, title = {{T}}, {dates}}}")[0]["fields"]
    assert (
        fields["year"],
        fields["issued_month"],
        fields["issued_day"],
        fields["accessed"],
        fields["accessed_precision"],
    ) == expected


def test_the_precision_of_an_access_date_that_is_not_there_is_no_change():
    make_work("a", "book", [("Smith", "A.")], year=2020, accessed=None, accessed_precision="month")
    text = csl.to_csl_json(Reference.objects.with_contributors())
    assert import_records(parse(text, "json"))["unchanged"] == 1
