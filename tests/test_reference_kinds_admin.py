"""The reference form per kind: every field in labelled groups without JavaScript, what each kind needs, normalising."""

import datetime
import json
import re
import shutil
import subprocess

import pytest
from bs4 import BeautifulSoup

from references.models import FIELDS_BY_KIND, Reference

pytestmark = pytest.mark.django_db

ADD = "/admin/references/reference/add/"


def page(response):
    return BeautifulSoup(response.content, "html.parser")


def form_data(kind="article-journal", **fields):
    data = {
        "key": "okafor2021",
        "kind": kind,
        "year": "2021",
        "title": "Cadence and knee load",
        "contributors-TOTAL_FORMS": "1",
        "contributors-INITIAL_FORMS": "0",
        "contributors-MIN_NUM_FORMS": "0",
        "contributors-MAX_NUM_FORMS": "1000",
        "contributors-0-position": "0",
        "contributors-0-role": "author",
        "contributors-0-surname": "Okafor",
        "contributors-0-initials": "N.",
    }
    return {**data, **fields}


def errors_by_field(response):
    """{field name: error text} from the admin form's rows."""
    soup = page(response)
    out = {}
    for row in soup.select(".form-row.errors"):
        name = next(c[len("field-") :] for c in row["class"] if c.startswith("field-"))
        out[name] = " ".join(row.select_one(".errorlist").get_text(" ").split())
    return out


def test_without_javascript_every_field_shows_in_labelled_groups(admin_client):
    soup = page(admin_client.get(ADD))
    legends = [legend.get_text(strip=True) for legend in soup.select("#reference_form fieldset h2, fieldset legend")]
    for group in ("Work", "Part of", "Edition, series and type", "Conference", "Publisher", "Online"):
        assert group in legends
    every = {field for fields in FIELDS_BY_KIND.values() for field in fields} | {"accessed_precision"}
    for field in every:
        row = soup.select_one(f".form-row.field-{field}")
        assert row is not None and not row.has_attr("hidden"), field
        assert row.select_one("label").get_text(strip=True), field


def test_fields_say_what_they_are_for(admin_client):
    soup = page(admin_client.get(ADD))
    for field in ("number", "collection_title", "genre", "status", "issued_month", "issued_day", "doi", "url"):
        help_text = soup.select_one(f".form-row.field-{field} .help")
        assert help_text is not None and help_text.get_text(strip=True), field
    assert "NG226" in soup.select_one(".form-row.field-number .help").get_text()


def test_the_kinds_fields_reach_the_script_through_an_attribute_not_an_inline_script(admin_client):
    soup = page(admin_client.get(ADD))
    config = json.loads(soup.select_one("select#id_kind")["data-kind-fields"])
    assert config["fields"] == {kind: list(fields) for kind, fields in FIELDS_BY_KIND.items()}
    assert config["labels"]["container_title"]["article-journal"] == "Journal"
    sources = [script.get("src", "") for script in soup.select("script")]
    assert any(src.endswith("js/admin-reference-kinds.js") for src in sources)
    assert any(link["href"].endswith("css/admin-reference-kinds.css") for link in soup.select("link[rel=stylesheet]"))


def test_the_kinds_script_uses_no_eval_inline_style_or_html_strings():
    with open("static/js/admin-reference-kinds.js", encoding="utf-8") as script:
        source = script.read()
    assert not re.search(r"\beval\(|new Function|innerHTML|\.style\.|setAttribute\(\s*\"style\"", source)


def test_the_contributor_inline_has_particle_and_suffix_columns(admin_client):
    soup = page(admin_client.get(ADD))
    assert soup.select_one('input[name="contributors-0-particle"]') is not None
    assert soup.select_one('input[name="contributors-0-suffix"]') is not None


@pytest.mark.parametrize(
    ("kind", "fields", "field", "message"),
    [
        ("article-journal", {}, "container_title", "A journal article needs its journal."),
        ("preprint", {}, "container_title", "A preprint needs its preprint server."),
        ("chapter", {}, "container_title", "A chapter in an edited book needs its book title."),
        ("webpage", {}, "url", "A web page needs its URL."),
        (
            "blog-post",
            {"url": "https://b.example/", "accessed": "2025-06-03"},
            "container_title",
            "A blog post needs its blog.",
        ),  # fmt: skip
        ("newspaper", {}, "container_title", "A newspaper article needs its newspaper."),
        ("thesis", {"publisher": "University of Leeds"}, "genre", "A thesis needs its thesis type."),
        ("thesis", {"genre": "PhD thesis"}, "publisher", "A thesis needs its awarding university."),
        ("video", {}, "url", "A video needs its URL."),
        ("podcast", {"container_title": "The Physio Pod"}, "url", "A podcast needs its URL."),
        (
            "conference-paper",
            {},
            "event_title",
            "A conference paper needs its conference, or the proceedings it is in.",
        ),
    ],
)
def test_each_kind_asks_for_what_it_needs_naming_the_field(admin_client, kind, fields, field, message):
    response = admin_client.post(ADD, form_data(kind, **fields))
    assert response.status_code == 200
    assert errors_by_field(response) == {field: message}
    assert not Reference.objects.exists()


@pytest.mark.parametrize(
    ("kind", "fields"),
    [
        ("report", {"publisher": "NICE"}),  # a report's number is optional
        ("book", {}),
        ("article-journal", {"container_title": "Gait & Posture"}),
        ("conference-paper", {"event_title": "Gait Conference"}),
        ("webpage", {"url": "https://www.nhs.uk/", "accessed": "2025-06-03"}),
        ("article-journal", {"container_title": "PLoS ONE", "url": "https://e.org/a", "doi": "10.1/x"}),
    ],
)
def test_a_kind_with_what_it_needs_saves(admin_client, kind, fields):
    response = admin_client.post(ADD, form_data(kind, **fields))
    assert response.status_code == 302, errors_by_field(response)
    assert Reference.objects.get(key="okafor2021").kind == kind


def test_a_work_read_online_needs_its_access_date_unless_it_has_a_doi(admin_client):
    response = admin_client.post(ADD, form_data("webpage", url="https://www.nhs.uk/conditions/heel-pain/"))
    assert errors_by_field(response) == {
        "accessed": "A work read online needs the date you accessed it (a month or a year will do: "
        "set how precise it is below)."
    }
    assert not Reference.objects.exists()


def test_the_form_stores_normalised_values(admin_client):
    data = form_data(
        "book",
        doi="https://doi.org/10.1000/xyz",
        edition="Second edition",
        url="https://e.org/",
        accessed="2025-06-17",
        accessed_precision="month",
        **{"contributors-0-initials": "Rolf-Joachim", "contributors-0-suffix": "Jr."},
    )
    response = admin_client.post(ADD, data)
    assert response.status_code == 302, errors_by_field(response)
    reference = Reference.objects.with_contributors().get(key="okafor2021")
    assert (reference.doi, reference.edition, reference.accessed) == ("10.1000/xyz", "2", datetime.date(2025, 6, 1))
    author = reference.authors[0]
    assert (author.initials, author.suffix) == ("R.-J.", "Jr")
    assert reference.harvard_text() == (
        "Okafor, R.-J., Jr (2021) Cadence and knee load. 2nd edn. Available at: https://doi.org/10.1000/xyz"
    )


def test_an_access_date_posted_without_its_precision_is_a_full_date(admin_client):
    data = form_data("webpage", url="https://e.org/", accessed="2025-06-17")
    assert admin_client.post(ADD, data).status_code == 302
    assert Reference.objects.get(key="okafor2021").accessed_precision == "day"


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"doi": "https://example.org/paper"}, {"doi": "“https://example.org/paper” is not a DOI"}),
        ({"issued_month": "4", "issued_day": "31"}, {"issued_day": "April has no day 31: it has 30 days."}),
        ({"issued_day": "3"}, {"issued_day": "A day needs its month"}),
        ({"issued_month": "13"}, {"issued_month": "There is no month 13: give 1 to 12."}),
    ],
)
def test_impossible_values_are_refused_naming_the_field(admin_client, fields, errors):
    response = admin_client.post(ADD, form_data("newspaper", container_title="The Guardian", **fields))
    found = errors_by_field(response)
    assert list(found) == list(errors)
    for field, text in errors.items():
        assert text in found[field]
    assert not Reference.objects.exists()


def test_month_is_chosen_by_name(admin_client):
    soup = page(admin_client.get(ADD))
    options = [option.get_text() for option in soup.select("select#id_issued_month option")]
    assert options[:3] == ["—", "January", "February"] and options[-1] == "December"


# The script, run by node against the real page's fields, groups and labels.

NODE = shutil.which("node")


def run_script(response, kinds):
    soup = page(response)
    fieldsets = []
    for fieldset in soup.select("#reference_form fieldset.module"):
        heading = fieldset.select_one("h2, legend")
        rows = []
        for row in fieldset.select(".form-row"):
            names = [c[len("field-") :] for c in row.get("class", []) if c.startswith("field-")]
            label = row.select_one("label")
            rows.append(
                {
                    "field": names[0] if names else None,
                    "label": label.get_text() if label else "",
                    "errors": "errors" in row.get("class", []),
                }
            )
        fieldsets.append({"legend": heading.get_text(strip=True) if heading else "", "rows": rows})
    data = {
        "config": soup.select_one("select#id_kind")["data-kind-fields"],
        "fieldsets": fieldsets,
        "kinds": kinds,
        "script": "static/js/admin-reference-kinds.js",
    }
    harness = "tests/js/reference_kinds_harness.js"
    done = subprocess.run([NODE, harness], input=json.dumps(data), capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


COMMON = {"key", "kind", "formatted", "cited_in", "year", "title"}


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_choosing_a_kind_shows_its_fields_and_names_them_for_it(admin_client):
    kinds = list(FIELDS_BY_KIND)
    seen = run_script(admin_client.get(ADD), kinds)
    for kind in kinds:
        expected = COMMON | set(FIELDS_BY_KIND[kind]) | {"accessed_precision"}
        assert set(seen[kind]["shown"]) == expected, kind
    assert "Conference" in seen["conference-paper"]["groups"] and "Conference" not in seen["book"]["groups"]
    assert "Part of" not in seen["book"]["groups"]
    labels = {kind: seen[kind]["labels"] for kind in kinds}
    assert labels["article-journal"]["container_title"] == "Journal:"
    assert labels["blog-post"]["container_title"] == "Blog:"
    assert labels["podcast"]["number"] == "Episode:"
    assert labels["thesis"]["publisher"] == "Awarding university:"
    # A kind without its own name for a field gives the field its general name back.
    assert labels["book"]["publisher"] == labels["article-journal"]["publisher"] == "Publisher:"


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_a_field_with_an_error_stays_in_view_whatever_the_kind(admin_client):
    response = admin_client.post(ADD, form_data("newspaper", container_title="G", issued_day="3"))
    assert "issued_day" in run_script(response, ["book"])["book"]["shown"]


def test_every_field_of_every_kind_says_what_it_is_for(admin_client):
    soup = page(admin_client.get(ADD))
    every = {field for fields in FIELDS_BY_KIND.values() for field in fields}
    for field in every | {"title", "accessed_precision"}:
        help_text = soup.select_one(f".form-row.field-{field} .help")
        assert help_text is not None and help_text.get_text(strip=True), field
