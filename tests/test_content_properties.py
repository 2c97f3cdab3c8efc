"""Property-based tests of the content pipeline: whatever is typed, it renders safely or says why not."""

import itertools

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article
from content import pipeline
from references.citations import Library
from tests.factories import make_reference
from tests.test_admin import ADD_URL, add_form_data

pytestmark = pytest.mark.django_db

# Pieces of what practitioners type, and of what breaks parsers: citations whole and broken,
# Markdown and HTML syntax, timeline fences, escapes, odd characters.
FRAGMENTS = [
    "(Neumann, 2017)", "(Neumann 2017", "Neumann (2017)", "(see Riel, 2019a, 2019b)", "(NHS, no date a)",
    "[@neumann2017]", "[@neumann2017, p. 4]", "[-@riel-a]", "@neumann2017", "@nobody", "[@", "(", ")", "[", "]",
    ";", ",", " et al.", " and ", "&", "’", "\\(", "\\@", "`", "```", "```timeline\n", "Muscle | 4–6 weeks\n",
    "~~~", "\n", "\n\n", "> ", "- ", "1. ", "# ", "*", "_", "<a ", "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">', "[link](javascript:alert(1))", "![](x.png)", "![alt](/media/a.png)",
    "<!--", "-->", "|a|b|\n|-|-|\n", "\x00", "\x0b", "\u202e", "\ud7ff", "2019", "p. 45", "    code\n",
]  # fmt: skip
markdown_text = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=12), max_size=40).map("".join)


@pytest.fixture
def library(db):
    make_reference(key="neumann2017", authors=("Neumann",), year=2017, kind="book", title="Kinesiology")
    make_reference(key="riel-a", authors=("Riel",), year=2019, title="Arches")
    make_reference(key="riel-b", authors=("Riel",), year=2019, title="Bones")
    make_reference(key="nhs", authors=(("org", "NHS"),), year=None, kind="webpage", title="Heel pain")
    return Library.load()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(markdown_text, min_size=1, max_size=3))
def test_any_text_renders_safely_and_every_problem_names_its_field(library, texts):
    sources = [pipeline.Source(text, f"field {n}") for n, text in enumerate(texts)]
    document = pipeline.render(sources, library)
    assert len(document.html) == len(texts)
    for problem in document.problems:
        assert f"field {problem.field}" in str(problem)
    entries = BeautifulSoup(document.reference_list_html(), "html.parser")
    listed = {li["id"] for li in entries.select("li")}
    for html in document.html:
        assert "\x02" not in html and "\x03" not in html  # no parser placeholder ever reaches a page
        soup = BeautifulSoup(html, "html.parser")
        assert not soup.find("script")
        assert not any(name.startswith("on") for tag in soup.find_all(True) for name in tag.attrs)
        assert not any(a.get("href", "").lower().startswith("javascript:") for a in soup.find_all("a"))
        for citation in soup.select("a.citation"):
            assert citation["href"].removeprefix("#") in listed  # every citation opens its list entry
    backlinks = [a["href"].removeprefix("#") for a in entries.select(".backlinks a")]
    ids = [a["id"] for html in document.html for a in BeautifulSoup(html, "html.parser").select("a.citation")]
    assert sorted(backlinks) == sorted(ids)  # and every entry links back to each of its citations


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=markdown_text)
def test_citations_are_linked_or_reported_never_silently_dropped(library, text):
    document = pipeline.render([pipeline.Source(text, "the text")], library)
    linked = len(BeautifulSoup(document.html[0], "html.parser").select("a.citation"))
    assert sum(document.uses.values()) == linked
    assert set(document.uses) == {ref.pk for ref in document.cited}


slugs = (f"property-{n}" for n in itertools.count())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(intro=markdown_text, body=markdown_text)
def test_an_admin_save_keeps_everything_or_nothing(admin_client, library, intro, body):
    slug = next(slugs)
    data = add_form_data("Property", slug, timezone.now(), sections=[("1", "Heading", body)])
    data["intro"] = intro
    response = admin_client.post(ADD_URL, data)
    assert response.status_code in (200, 302)  # 200: the form again, with its errors; 302: saved
    saved = Article.objects.filter(slug=slug).first()
    if response.status_code == 302:
        assert saved.sections.count() == 1 and saved.key_points.count() == 2
        assert admin_client.get(saved.get_absolute_url()).status_code == 200
    else:
        assert saved is None
        assert BeautifulSoup(response.content, "html.parser").select(".errorlist")
