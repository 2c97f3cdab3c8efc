"""Citing while writing: key-based and literal citations, links both ways, validation, deletion guard."""

import pytest
from bs4 import BeautifulSoup
from django.db.models import ProtectedError

from articles.models import Article, Citation
from references.models import Reference
from tests.factories import make_article, make_reference
from tests.test_admin import ADD_URL, add_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def library():
    return {
        "neumann2017": make_reference(
            key="neumann2017", authors=("Neumann",), year=2017, kind="book", title="Kinesiology"
        ),
        "moore2023": make_reference(key="moore2023", authors=("Moore", "Dalley", "Agur"), year=2023, kind="book"),
        "standring2021": make_reference(key="standring2021", authors=("Standring",), year=2021, kind="book"),
        "kjaer2009": make_reference(key="kjaer2009", authors=("Kjaer", "Langberg", "Heinemeier", "Bayer"), year=2009),
    }


def page_of(client, article):
    soup = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    for card in soup.select(".cite-card"):
        card.extract()
    return soup


def paragraph(soup, selector=".article-section p"):
    return " ".join(soup.select_one(selector).get_text().split())


@pytest.mark.parametrize(
    ("written", "reads", "keys"),
    [
        ("As shown [@neumann2017].", "As shown (Neumann, 2017).", ["neumann2017"]),
        (
            "Joints [@moore2023; @standring2021].",
            "Joints (Moore, Dalley and Agur, 2023; Standring, 2021).",
            ["moore2023", "standring2021"],
        ),
        (
            "Order kept [@standring2021; @moore2023].",
            "Order kept (Standring, 2021; Moore, Dalley and Agur, 2023).",
            None,
        ),
        ("See [@neumann2017, p. 45].", "See (Neumann, 2017, p. 45).", ["neumann2017"]),
        ("As @neumann2017 explains.", "As Neumann (2017) explains.", ["neumann2017"]),
        ("Tendons [@kjaer2009].", "Tendons (Kjaer et al., 2009).", ["kjaer2009"]),
        ("Literal (Moore, Dalley and Agur, 2023).", "Literal (Moore, Dalley and Agur, 2023).", ["moore2023"]),
    ],
)
def test_citing_by_key_and_by_literal_text(client, library, written, reads, keys):
    article = make_article(sections=[("S", written)])
    soup = page_of(client, article)
    assert paragraph(soup) == reads
    links = [a["href"].removeprefix("#ref-") for a in soup.select(".article-section a.citation")]
    assert links == (keys or ["standring2021", "moore2023"])
    assert all(soup.find(id=f"ref-{key}") for key in links)


def test_keys_work_in_intro_key_points_and_pull_quotes(client, library):
    article = make_article(
        intro="Intro [@neumann2017].",
        key_points=["Point citing [@moore2023]"],
        sections=[("S", "> A quote [@standring2021].")],
    )
    soup = page_of(client, article)
    assert soup.select_one(".intro a.citation")["href"] == "#ref-neumann2017"
    assert soup.select_one(".key-points a.citation")["href"] == "#ref-moore2023"
    assert soup.select_one("blockquote a.citation")["href"] == "#ref-standring2021"
    listed = [li["id"] for li in soup.select(".references .reference-list li")]
    assert listed == ["ref-moore2023", "ref-neumann2017", "ref-standring2021"]


def test_citations_in_code_and_links_are_left_alone(client, library):
    article = make_article(sections=[("S", "`[@neumann2017]` and [a link (Neumann, 2017)](https://example.org)")])
    soup = page_of(client, article)
    assert not soup.select(".article-section a.citation")
    assert soup.select_one(".article-section code").get_text() == "[@neumann2017]"


def test_unknown_and_ambiguous_literal_citations_are_never_linked(client, library):
    make_reference(key="lee2020a", authors=("Lee",), year=2020, title="One")
    make_reference(key="lee2020b", authors=("Lee",), year=2020, title="Two")  # no suffixes yet: ambiguous
    article = make_article(sections=[("S", "Unknown (Nobody, 1999). Ambiguous (Lee, 2020).")], render=False)
    problems = article.render_content()
    assert problems == [
        "The citation “(Nobody, 1999)” in the section “S” matches no reference: add the work with “Cite a "
        "reference” and then “Add a new reference…”, or put a backslash before it if it is no citation",
        "The citation “(Lee, 2020)” in the section “S” matches 2 references: cite the one you mean by its key, "
        "[@lee2020a] (“One”) or [@lee2020b] (“Two”)",
    ]
    assert not page_of(client, article).select("a.citation")


def test_each_entry_links_back_to_every_place_it_is_cited(client, library):
    article = make_article(
        intro="First (Neumann, 2017).",
        sections=[("S", "Second [@neumann2017]. Third @neumann2017. Other [@moore2023].")],
    )
    soup = page_of(client, article)
    entry = soup.find(id="ref-neumann2017")
    backlinks = [a["href"] for a in entry.select(".backlinks a")]
    assert backlinks == ["#cite-neumann2017-1", "#cite-neumann2017-2", "#cite-neumann2017-3"]
    for href in backlinks:
        citation = soup.find(id=href.removeprefix("#"))
        assert citation.name == "a" and citation["href"] == "#ref-neumann2017"
    assert [a["href"] for a in soup.find(id="ref-moore2023").select(".backlinks a")] == ["#cite-moore2023-1"]
    assert Citation.objects.get(article=article, reference=library["neumann2017"]).uses == 3


def test_full_reference_is_shown_beside_the_citation_without_javascript(client, library):
    article = make_article(sections=[("S", "Text [@neumann2017].")])
    soup = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    cite = soup.select_one(".article-section .cite")
    assert cite.select_one("a.citation")  # focusable: the card shows on :hover and :focus-within
    assert " ".join(cite.select_one(".cite-card").get_text().split()) == library["neumann2017"].harvard_text()
    # In the page's HTML, not fetched by a script: CSS shows it (see the browser test for Escape).


def test_reference_list_is_built_from_citations_plus_further_reading(client, library):
    article = make_article(sections=[("S", "Only [@neumann2017].")])
    article.further_reading.add(library["standring2021"], library["neumann2017"])
    soup = page_of(client, article)
    assert [li["id"] for li in soup.select("#references ~ .reference-list li")] == ["ref-neumann2017"]
    further = soup.select("#further-reading ~ .reference-list li")
    assert [li["id"] for li in further] == ["ref-standring2021"]  # already-cited works are not listed twice
    assert not further[0].select(".backlinks")


def test_changing_a_reference_updates_the_articles_citing_it(client, library, django_capture_on_commit_callbacks):
    article = make_article(sections=[("S", "As [@neumann2017] says.")])
    with django_capture_on_commit_callbacks(execute=True):
        contributor = library["neumann2017"].contributors.get()
        contributor.surname = "Neuman"
        contributor.save()
    assert paragraph(page_of(client, article)) == "As (Neuman, 2017) says."


def test_year_letters_belong_to_the_article_that_lists_both_works(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_reference(key="smith2019b", authors=("Smith",), year=2019, title="Beta")
    one = make_article(sections=[("S", "Cited [@smith2019b].")])
    with django_capture_on_commit_callbacks(execute=True):
        make_reference(key="smith2019a", authors=("Smith",), year=2019, title="Alpha")
    assert paragraph(page_of(client, one)) == "Cited (Smith, 2019)."  # it lists one Smith 2019: no letter
    both = make_article(sections=[("S", "Cited [@smith2019b] and [@smith2019a].")])
    soup = page_of(client, both)
    assert paragraph(soup) == "Cited (Smith, 2019b) and (Smith, 2019a)."
    entries = [" ".join(e.get_text().split())[:26] for e in soup.select(".reference-entry")]
    assert entries == ["Smith, A. (2019a) ‘Alpha’,", "Smith, A. (2019b) ‘Beta’, "]


# Validation in the admin


def errors_of(response):
    return [
        " ".join(e.get_text().split()) for e in BeautifulSoup(response.content, "html.parser").select(".errorlist li")
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Cites [@nosuchkey].", "Unknown reference key “@nosuchkey” in the section “Gait basics”"),
        ("Cites (Nobody, 1999).", "The citation “(Nobody, 1999)” in the section “Gait basics” matches no reference"),
    ],
)
def test_saving_an_unresolvable_citation_is_refused_naming_it_and_its_section(admin_client, library, body, message):
    data = add_form_data("Refused", "refused", Article().published_at, sections=[("1", "Gait basics", body)])
    response = admin_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert any(message in error for error in errors_of(response)), errors_of(response)
    assert not Article.objects.filter(slug="refused").exists()


def test_an_ambiguous_literal_citation_is_refused(admin_client, library):
    make_reference(key="lee2020a", authors=("Lee",), year=2020, title="One")
    make_reference(key="lee2020b", authors=("Lee",), year=2020, title="Two")
    data = add_form_data("Refused", "refused", Article().published_at)
    data["intro"] = "Intro (Lee, 2020)."
    response = admin_client.post(ADD_URL, data)
    assert any("“(Lee, 2020)” in the intro matches 2 references" in e for e in errors_of(response))
    assert Article.objects.count() == 0


def test_an_unknown_key_in_a_key_point_is_refused(admin_client, library):
    data = add_form_data("Refused", "refused", Article().published_at, key_points=[("1", "Point [@missing]")])
    response = admin_client.post(ADD_URL, data)
    assert any("Unknown reference key “@missing” in key point 1" in e for e in errors_of(response))
    assert Article.objects.count() == 0


# The deletion guard


def test_a_cited_reference_cannot_be_deleted(library):
    make_article("Gait and tendons", sections=[("S", "[@neumann2017]")])
    with pytest.raises(ProtectedError):
        library["neumann2017"].delete()
    assert Reference.objects.filter(key="neumann2017").exists()


def test_admin_refuses_to_delete_a_cited_reference_naming_the_articles(admin_client, library):
    make_article("Gait and tendons", sections=[("S", "[@neumann2017]")])
    make_article("Knee pain", sections=[("S", "(Neumann, 2017)")])
    url = f"/admin/references/reference/{library['neumann2017'].pk}/delete/"
    page = " ".join(BeautifulSoup(admin_client.get(url).content, "html.parser").get_text().split())
    assert "would require deleting the following protected related objects" in page
    assert "“Gait and tendons”" in page and "“Knee pain”" in page
    admin_client.post(url, {"post": "yes"})
    assert Reference.objects.filter(key="neumann2017").exists()


def test_an_uncited_reference_can_be_deleted(admin_client, library):
    url = f"/admin/references/reference/{library['moore2023'].pk}/delete/"
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not Reference.objects.filter(key="moore2023").exists()


def test_article_page_offers_its_references_for_download(client, library):
    article = make_article(sections=[("S", "[@neumann2017]")])
    soup = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    links = [a["href"] for a in soup.select("#references ~ .reference-downloads a")]
    assert links == [f"/references/export/articles/{article.slug}.{fmt}" for fmt in ("bib", "ris", "json")]
    assert client.get(links[0]).status_code == 200


def test_a_library_change_never_silently_unlinks_a_literal_citation(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        original = make_reference(key="smith2019", authors=("Smith",), year=2019, title="The one cited")
    article = make_article(sections=[("S", "As shown (Smith, 2019).")])
    with django_capture_on_commit_callbacks(execute=True):
        make_reference(key="smith2019other", authors=("Smith",), year=2019, title="Another")
    before = page_of(client, article)
    with django_capture_on_commit_callbacks(execute=True):  # a change to the cited work re-renders the page
        original.title = "The one cited, renamed"
        original.save()
    soup = page_of(client, article)
    assert [a["href"] for a in soup.select(".article-section a.citation")] == [f"#{original.anchor}"]
    assert [li["id"] for li in soup.select("#references ~ .reference-list li")] == [original.anchor]
    assert paragraph(before) == paragraph(soup) == "As shown (Smith, 2019)."
    # Rendering it again reports the now-ambiguous citation to its author.
    assert article.render_content() == [
        "The citation “(Smith, 2019)” in the section “S” matches 2 references: cite the one you mean by its key, "
        "[@smith2019other] (“Another”) or [@smith2019] (“The one cited, renamed”); it still links to “smith2019”, "
        "as before"
    ]


def test_renaming_a_key_keeps_key_citations_linked(client, library, django_capture_on_commit_callbacks):
    article = make_article(sections=[("S", "As [@neumann2017] says.")])
    with django_capture_on_commit_callbacks(execute=True):
        Reference.objects.filter(key="neumann2017").update(key="neumann2017kinesiology")
        Reference.objects.get(key="neumann2017kinesiology").save()
    soup = page_of(client, article)
    assert soup.select_one(".article-section a.citation")["href"] == "#ref-neumann2017kinesiology"


def test_a_misspelt_citation_gets_its_suggestion_when_only_the_cited_works_were_loaded(library):
    """The save loads the works the text can name; a miss loads the whole library for "did you mean"."""
    from content import pipeline
    from references.citations import CitedLibrary

    text = "Walking (Neuman, 2017), tendons (Kjær et al., 2009) and [@moore2032]; Standring (2021) agrees."
    cited = CitedLibrary([text])
    assert {ref.key for ref in cited.references} == {"kjaer2009", "standring2021"}  # not Neumann: not named
    document = pipeline.render([pipeline.Source(text, "the intro")], cited)
    assert [str(problem) for problem in document.problems] == [
        "The citation “(Neuman, 2017)” in the intro matches no reference: did you mean Neumann, 2017?",
        "Unknown reference key “@moore2032” in the intro: did you mean @moore2023?",
    ]
    assert [ref.key for ref in document.cited] == ["kjaer2009", "standring2021"]  # "Kjær" is cited as "Kjaer"


def test_works_the_text_names_are_found_as_in_the_whole_library(library):
    from references.citations import CitedLibrary, Library

    make_reference(key="neumann2017b", authors=("Neumann",), year=2017, title="Another")
    make_reference(key="neumann2016", authors=("Neumann",), year=2016)
    text = "(Neumann, 2017a); Moore, Dalley and Agur (2023); (Kjaer et al 2009)"
    cited, whole = CitedLibrary([text]), Library.load()
    for names, year in [("Neumann", 2017), ("Moore, Dalley and Agur", 2023), ("Kjaer et al", 2009), ("Moore", 2023)]:
        assert cited.find(names, year) == whole.find(names, year)
    assert cited._whole is None  # all of these were in the text: answered by the works loaded
    assert cited.find("Neumann", 2016) == whole.find("Neumann", 2016)  # a year the text does not hold
    assert cited._whole is not None
