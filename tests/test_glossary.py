"""The glossary (issue 12): words explained where an article first uses them, /glossary/, and keeping both current."""

import json

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.core.exceptions import ValidationError

from content import pipeline
from glossary.demo import DEMO_GLOSSARY
from glossary.models import GlossaryEntry
from glossary.terms import Glossary
from references.citations import Library
from tests.factories import GAIT_URL, make_article, make_reference


def entry(pk, term, other_forms="", explanation="An explanation.", reference=None):
    """An unsaved entry, for the pipeline alone."""
    return GlossaryEntry(
        pk=pk, term=term, slug=term.replace(" ", "-"), other_forms=other_forms, explanation=explanation,
        reference=reference,
    )  # fmt: skip


PRONATION = entry(1, "pronation", "pronated, pronating", "The foot rolling inwards.")
STANCE = entry(2, "stance phase", "", "When the foot is on the ground.")
PATELLO = entry(3, "patellofemoral joint", "patellofemoral, patellofemoral articulations", "The kneecap's joint.")
NEUMANN = entry(4, "Neumann", "", "A name that is also a word here.")
GLOSSARY = Glossary([PRONATION, STANCE, PATELLO, NEUMANN])


def render(*texts, library=None, inline=()):
    sources = [pipeline.Source(text, f"field {n}", inline=n in inline) for n, text in enumerate(texts)]
    return pipeline.render(sources, library or Library([]), glossary=GLOSSARY)


def marked(html):
    """[(word as written, the entry's slug it links to)] of each glossary word marked in `html`."""
    soup = BeautifulSoup(html, "html.parser")
    return [(a.get_text(), a["href"].removeprefix("#word-")) for a in soup.select(".term dfn a.term-link")]


def test_only_the_first_use_of_each_entry_in_the_document_is_marked():
    document = render(
        "Pronated feet. Pronation again, and the stance\nphase.", "More pronating and stance phase.", "Stance phase."
    )
    assert [marked(html) for html in document.html] == [
        [("Pronated", "pronation"), ("stance\nphase", "stance-phase")],
        [],
        [],
    ]
    assert [e.term for e in document.explained] == ["pronation", "stance phase"]


def test_the_longest_form_is_marked_and_words_are_matched_whole():
    html = render("The patellofemoral articulations, not suprapronation nor pronationist.").html[0]
    assert marked(html) == [("patellofemoral articulations", "patellofemoral-joint")]


def test_letters_that_case_differently_in_turkish_never_break_a_rendering():
    """re matches "ı" and "İ" to "i" without regard to case; casefold() does not turn them into "i"."""
    html = render("Foot pronatıon. Too much PRONATİON.").html[0]
    assert marked(html) == [("pronatıon", "pronation")]


def test_never_inside_code_headings_links_or_citations_nor_in_key_points():
    text = (
        "### Pronation in a heading\n\n"
        '`pronation` in code, [pronation](https://example.org/) in a link, <a href="https://example.org/">'
        "pronation</a> in raw HTML.\n\n"
        "```\npronation in a fence\n```\n\n"
        "Cited as @neumann2017 and Neumann (2017), then *pronation* at last."
    )
    document = render("Pronation in a key point.", text, inline={0})  # no library: the citations stay tokens
    assert marked(document.html[0]) == []
    assert marked(document.html[1]) == [("pronation", "pronation")]
    soup = BeautifulSoup(document.html[1], "html.parser")
    assert soup.select_one("em .term a").get_text() == "pronation"  # the last line's, inside the emphasis
    assert soup.select_one("h3").get_text() == "Pronation in a heading"
    assert [code.get_text() for code in soup.select("code")] == ["pronation", "pronation in a fence\n"]
    assert not soup.select("a:not(.term-link) .term, a .term-link")


def test_citations_are_never_marked(db):
    neumann = make_reference("neumann2017", authors=("Neumann",), year=2017, title="Kinesiology", kind="book")
    document = render("As Neumann (2017) and (Neumann, 2017) show; Neumann himself.", library=Library.load())
    soup = BeautifulSoup(document.html[0], "html.parser")
    assert [a.get_text() for a in soup.select("a.citation")] == ["2017", "Neumann, 2017"]
    assert marked(document.html[0]) == [("Neumann", "Neumann")]  # the name outside the citations
    assert soup.select(".term")[0].find_previous(class_="cite") is not None
    assert neumann.pk in document.uses


def test_the_explanation_stands_beside_the_word_as_a_description_escaped():
    rude = entry(9, "tendon", "", "Tissue <script>alert(1)</script> & more.")
    document = pipeline.render([pipeline.Source("A tendon.", "t")], Library([]), glossary=Glossary([rude]))
    soup = BeautifulSoup(document.html[0], "html.parser")
    link, card = soup.select_one(".term a.term-link"), soup.select_one(".term .term-card")
    assert link["href"] == "#word-tendon" and link["id"] == "term-tendon"
    assert link["aria-describedby"] == card["id"] == "card-tendon"
    assert card.get_text() == "tendon: Tissue <script>alert(1)</script> & more."
    assert not soup.select("script")
    words = BeautifulSoup(str(document.words_explained_html()), "html.parser")
    assert words.select_one("dt")["id"] == "word-tendon"
    assert words.select_one("dd a.backlink")["href"] == "#term-tendon"


def test_every_id_a_page_gives_words_and_their_cards_is_its_own():
    """A card was "term-<slug>-card": the link of an entry named "tendon card" had the same id."""
    words = [entry(1, "tendon"), entry(2, "tendon card")]
    text = "The tendon and the tendon card."
    document = pipeline.render([pipeline.Source(text, "t")], Library([]), glossary=Glossary(words))
    ids = [tag["id"] for tag in BeautifulSoup(document.html[0], "html.parser").select("[id]")]
    assert ids == ["term-tendon", "card-tendon", "term-tendon-card", "card-tendon-card"]


def test_an_entry_is_refused_with_a_long_explanation_or_a_form_of_another_entry(db):
    GlossaryEntry.objects.create(term="pronation", other_forms="pronated", explanation="Rolling in.")
    too_long = GlossaryEntry(term="supination", explanation=" ".join(["word"] * 41))
    with pytest.raises(ValidationError) as refused:
        too_long.full_clean()
    assert refused.value.message_dict == {
        "explanation": ["The explanation has 41 words: keep it to 40 or fewer, in plain English."]
    }
    clash = GlossaryEntry(term="supination", other_forms="supinated, Pronated", explanation="Rolling out.")
    with pytest.raises(ValidationError) as refused:
        clash.full_clean()
    assert refused.value.message_dict == {
        "other_forms": ["Each word can be explained by one entry only: “Pronated” is already a form of “pronation”."]
    }


def test_an_entry_whose_address_would_be_another_entrys_is_refused_naming_the_term(db):
    GlossaryEntry.objects.create(term="pronation", explanation="Rolling in.")
    with pytest.raises(ValidationError) as refused:
        GlossaryEntry(term="pronation!", explanation="Rolling in.").full_clean()
    assert refused.value.message_dict == {
        "term": ["“pronation!” would have the same address on /glossary/ as another entry: change one."]
    }


def test_the_admin_refuses_a_long_explanation_naming_the_field_and_saves_nothing(admin_client):
    url = "/admin/glossary/glossaryentry/add/"
    data = {"term": "pronation", "other_forms": "pronated", "explanation": " ".join(["word"] * 41), "reference": ""}
    response = admin_client.post(url, data)
    assert response.status_code == 200
    errors = BeautifulSoup(response.content, "html.parser").select(".field-explanation .errorlist li")
    assert [e.get_text() for e in errors] == ["The explanation has 41 words: keep it to 40 or fewer, in plain English."]
    assert not GlossaryEntry.objects.exists()
    assert admin_client.post(url, {**data, "explanation": "The foot rolling inwards."}).status_code == 302
    assert GlossaryEntry.objects.get().forms == ["pronation", "pronated"]


def test_editors_keep_the_glossary_and_authors_read_it(db):
    from django.contrib.auth.models import Group

    def codenames(group):
        return sorted(Group.objects.get(name=group).permissions.filter(content_type__app_label="glossary")
                      .values_list("codename", flat=True))  # fmt: skip

    assert codenames("Editor") == [
        "add_glossaryentry", "change_glossaryentry", "delete_glossaryentry", "view_glossaryentry"
    ]  # fmt: skip
    assert codenames("Author") == ["view_glossaryentry"]


# --- Saved articles, the page cache and /glossary/ -------------------------------------------------------------------


@pytest.fixture
def explained(db, django_capture_on_commit_callbacks):
    """A published article and a draft using "pronation" (supported by Neumann, 2017), and the cache empty."""
    with django_capture_on_commit_callbacks(execute=True):
        neumann = make_reference("neumann2017", authors=("Neumann",), year=2017, title="Kinesiology", kind="book")
        pronation = GlossaryEntry.objects.create(
            term="pronation", other_forms="pronated", explanation="The foot rolling inwards.", reference=neumann
        )
        article = make_article(
            "Feet", slug="feet", intro="Feet roll.", sections=[("Walking", "Pronation, then pronated again.")]
        )
        draft = make_article("Draft", slug="draft", status="draft", sections=[("S", "Some pronation.")])
    cache.clear()
    return {"article": article, "draft": draft, "pronation": pronation, "neumann": neumann}


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_a_saved_article_ends_with_the_words_it_explains(client, explained):
    soup = page(client, "/articles/feet/")
    assert marked(str(soup.select_one(".article-section"))) == [("Pronation", "pronation")]
    assert soup.select_one(".term-card").get_text() == "pronation: The foot rolling inwards. (Neumann, 2017)"
    words = soup.select_one("article section.words-explained")
    assert words.find_previous_sibling() is not None and words.find_next_sibling() is None  # last in the article
    assert words.select_one("h2").get_text() == "Words explained on this page"
    assert [dt.get_text() for dt in words.select("dt")] == ["pronation"]
    assert " ".join(words.select_one("dd").get_text().split()) == (
        "The foot rolling inwards. (Neumann, 2017) Source: Neumann, A. (2017) Kinesiology. Back to the text"
    )
    assert soup.select_one("nav.toc") is None or "Words explained on this page" in soup.select_one("nav.toc").text
    assert list(explained["article"].glossary_entries.all()) == [explained["pronation"]]


def test_editing_an_entry_renders_again_the_articles_using_it_with_the_cache_on(
    client, explained, django_capture_on_commit_callbacks
):
    assert client.get("/articles/feet/").headers["X-Page-Cache"] == "miss"
    assert client.get("/articles/feet/").headers["X-Page-Cache"] == "hit"
    assert client.get("/glossary/").headers["X-Page-Cache"] == "miss"
    pronation = GlossaryEntry.objects.get(term="pronation")
    with django_capture_on_commit_callbacks(execute=True):
        pronation.explanation = "The foot rolling in as it takes your weight."
        pronation.save()
    soup = page(client, "/articles/feet/")
    assert soup.select_one(".term-card").get_text() == (
        "pronation: The foot rolling in as it takes your weight. (Neumann, 2017)"
    )
    assert "The foot rolling in as it takes your weight." in page(client, "/glossary/").select_one("dd").text
    revision = explained["article"].__class__.objects.get(slug="feet")
    from reversion.models import Version

    comments = [v.revision.comment for v in Version.objects.get_for_object(revision)]
    assert comments == ["The glossary changed: the entry “pronation” was edited."]

    # A new form used by the text: marked now. The entry deleted: unmarked, and the list gone.
    with django_capture_on_commit_callbacks(execute=True):
        GlossaryEntry.objects.create(term="walking", explanation="Moving on foot.")
    assert marked(str(page(client, "/articles/feet/").select_one(".article-section"))) == [
        ("Pronation", "pronation")
    ]  # headings are never marked: "Walking" is the section's heading only
    with django_capture_on_commit_callbacks(execute=True):
        GlossaryEntry.objects.create(term="roll", other_forms="rolls", explanation="To turn over.")
    assert marked(str(page(client, "/articles/feet/").select_one(".intro"))) == [("roll", "roll")]
    with django_capture_on_commit_callbacks(execute=True):
        GlossaryEntry.objects.get(term="pronation").delete()
    soup = page(client, "/articles/feet/")
    assert marked(str(soup.select_one(".article-section"))) == []
    assert [dt.get_text() for dt in soup.select(".words-explained dt")] == ["roll"]


def test_changing_the_supporting_work_renders_again_the_articles_explaining_with_it(
    client, explained, django_capture_on_commit_callbacks
):
    assert client.get("/articles/feet/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        contributor = explained["neumann"].contributors.get()
        contributor.surname = "Neuman"
        contributor.save()
    assert page(client, "/articles/feet/").select_one(".term-card").get_text().endswith("(Neuman, 2017)")


def test_the_glossary_page_lists_the_terms_a_to_z_with_the_published_articles_using_them(client, explained):
    GlossaryEntry.objects.create(term="Ankle", explanation="The joint between the leg and the foot.")
    soup = page(client, "/glossary/")
    assert [dt.get_text() for dt in soup.select("dl.glossary-list dt")] == ["Ankle", "pronation"]
    assert [h2.get_text() for h2 in soup.select("main h2")] == ["A", "P"]
    assert [a.get_text() for a in soup.select("nav.glossary-letters a")] == ["A", "P"]
    ankle, pronation = soup.select("dl.glossary-list dd")
    assert ankle.select("a") == []
    assert [(a.get_text(), a["href"]) for a in pronation.select("a")] == [("Feet", "/articles/feet/")]  # no draft
    assert soup.select_one("dt#word-pronation dfn").get_text() == "pronation"
    assert soup.select_one("footer a[href='/glossary/']").get_text() == "Words explained"
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "<loc>http://testserver/glossary/</loc>" in sitemap


def test_the_demo_glossary_is_marked_as_demo_and_explains_the_gait_articles_words(client, demo_content):
    data = json.loads(DEMO_GLOSSARY.read_text(encoding="utf-8"))
    assert data["demo"] is True and "DEMO ENTRIES for the clinic to review" in data["note"]
    assert all(item["demo"] is True for item in data["entries"])
    assert all(len(item["explanation"].split()) <= 40 for item in data["entries"])
    soup = page(client, GAIT_URL)
    assert [word for word, _ in marked(str(soup.select_one("article")))] == [
        "tibiofemoral", "patellofemoral articulations", "pronation", "supination", "stance phase",
        "neural adaptation", "collagen remodelling",
    ]  # fmt: skip
    assert len(soup.select(".words-explained dt")) == 7
