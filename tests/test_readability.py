"""Reading level for authors (issue 12): textstat's figures on the prose a patient reads, advice only."""

import pytest
import textstat
from bs4 import BeautifulSoup
from django.test import override_settings
from django.utils import timezone

from articles.models import Article
from content import readability
from glossary.models import GlossaryEntry
from tests.factories import make_article, make_reference
from tests.helpers import markdown_html

PLAIN = (
    "Walking is good for your feet. It helps the muscles stay strong. "
    "Most people feel better after a few weeks of gentle walking."
)
# 32 words in one sentence.
LONG = (
    "When you include the ankle, the small joints of the foot, the knee and the hip, each leg has many "
    "joints that must work together every time you take a step forward."
)


def test_the_figures_of_a_fixed_text_are_textstats_own():
    figures = readability.measure([f"<p>{PLAIN}</p>"])
    assert figures.reading_ease == round(textstat.flesch_reading_ease(PLAIN), 1)
    assert figures.reading_age == round(textstat.flesch_kincaid_grade(PLAIN) + 5)
    # Pinned too: a textstat upgrade that moves them is seen here first.
    assert (figures.words, figures.sentences, figures.reading_ease, figures.reading_age) == (23, 3, 88.7, 8)
    assert figures.long_sentences == []


def test_long_sentences_and_long_or_rare_words():
    figures = readability.measure([f"<p>{LONG} The tibiofemoral joint bends. Pronation is normal.</p>"])
    assert [len(readability.WORD.findall(s)) for s in figures.long_sentences] == [32]
    assert figures.hard_words == ["tibiofemoral", "pronation"]


def test_citations_timelines_pull_quote_markers_and_markdown_are_not_words(db):
    make_reference("neumann2017", authors=("Neumann",), year=2017, title="Kinesiology", kind="book")
    from content import pipeline
    from references.citations import Library

    marked_up = (
        "Walking is *good* for your feet (Neumann, 2017). It helps the **muscles** stay strong [@neumann2017].\n\n"
        "> Most people feel better after a few weeks of gentle walking.\n\n"
        "```timeline\nMuscle strength | 4–6 weeks\n```\n\n"
        "`code is not prose`"
    )
    document = pipeline.render([pipeline.Source(marked_up, "t")], Library.load())
    assert not document.problems
    assert readability.measure(document.html) == readability.measure([f"<p>{PLAIN}</p>"])


def test_each_block_ends_a_sentence():
    figures = readability.measure([markdown_html("- Walk every day\n- Rest when it hurts\n\nThen rest.")])
    assert figures.sentences == 3
    assert figures.reading_ease == round(
        textstat.flesch_reading_ease("Walk every day. Rest when it hurts. Then rest."), 1
    )


def test_an_article_stores_its_reading_figures_when_saved(db):
    article = make_article(intro=PLAIN, sections=[("Joints", LONG), ("Short", "Walk. Rest.")])
    article.refresh_from_db()
    whole = readability.measure([f"<p>{PLAIN}</p>", "<h2>Joints</h2>", f"<p>{LONG}</p>", "<h2>Short</h2>",
                                 "<p>Walk. Rest.</p>"])  # fmt: skip
    assert article.reading_age == whole.reading_age
    assert article.readability["whole"] == whole.as_dict()
    assert [(part["name"], part["long_sentences"]) for part in article.readability["parts"]] == [
        ("Introduction", 0),
        ("Section “Joints”", 1),
        ("Section “Short”", 0),
    ]


# --- The admin ---------------------------------------------------------------------------------------------------


@pytest.fixture
def easy_and_hard(db):
    easy = make_article("Easy", slug="easy", intro="Walk. It is good. You will feel well.")
    hard = make_article(
        "Hard",
        slug="hard",
        status="draft",
        intro="Tibiofemoral osteokinematics necessitate comprehensive neuromuscular reconceptualisation "
        "notwithstanding contemporaneous biomechanical considerations.",
    )
    return easy, hard


def test_the_article_list_shows_the_reading_age_and_filters_those_harder_than_the_target(admin_client, easy_and_hard):
    easy, hard = easy_and_hard
    assert easy.reading_age <= 11 < hard.reading_age
    soup = BeautifulSoup(admin_client.get("/admin/articles/article/").content, "html.parser")
    ages = {row.select_one("th a").get_text(): row.select_one("td.field-reading_age_label").get_text() for row in
            soup.select("#result_list tbody tr")}  # fmt: skip
    assert ages == {"Easy": str(easy.reading_age), "Hard": f"{hard.reading_age} (target 11)"}
    harder = BeautifulSoup(admin_client.get("/admin/articles/article/?reading=harder").content, "html.parser")
    assert [a.get_text() for a in harder.select("#result_list tbody th a")] == ["Hard"]
    assert "Harder than the target (over 11)" in harder.select_one("#changelist-filter").get_text()
    with override_settings(READING_AGE_TARGET=hard.reading_age):
        none_harder = BeautifulSoup(admin_client.get("/admin/articles/article/?reading=harder").content, "html.parser")
        assert none_harder.select("#result_list tbody tr") == []


def test_the_change_form_shows_the_whole_article_and_each_part(admin_client, easy_and_hard):
    _, hard = easy_and_hard
    soup = BeautifulSoup(admin_client.get(f"/admin/articles/article/{hard.pk}/change/").content, "html.parser")
    rows = [[" ".join(cell.get_text().split()) for cell in row.select("th, td")] for row in
            soup.select("table.reading-level tbody tr")]  # fmt: skip
    assert rows[0][:2] == ["The whole article", f"{hard.reading_age} — harder than the target"]
    assert rows[1][0] == "Introduction" and "tibiofemoral" in rows[1][4]


def test_a_hard_article_is_saved_all_the_same(admin_client, easy_and_hard):
    from tests.helpers import admin_form_data

    _, hard = easy_and_hard
    url = f"/admin/articles/article/{hard.pk}/change/"
    data = admin_form_data(admin_client.get(url).content.decode())
    data["intro"] = [data["intro"][0] + " Notwithstanding."]
    response = admin_client.post(url, data)
    errors = BeautifulSoup(response.content, "html.parser").select(".errorlist, .errornote")
    assert response.status_code == 302, [e.get_text(" ") for e in errors]
    assert Article.objects.get(pk=hard.pk).intro.endswith("Notwithstanding.")


# --- The live preview ------------------------------------------------------------------------------------------------


def test_the_preview_highlights_long_sentences_and_says_the_reading_level_and_glossary_words(admin_client):
    GlossaryEntry.objects.create(term="pronation", explanation="The foot rolling inwards.")
    text = f"{LONG} Pronation and *supination* are tibiofemoral words."
    response = admin_client.post("/markdownx/markdownify/", {"content": text})
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert " ".join(m.get_text() for m in soup.select("mark.long-sentence")) == LONG
    figures = readability.measure([markdown_html(text)])
    block = soup.select_one(".preview-reading-level")
    assert [" ".join(p.get_text().split()) for p in block.select("p")] == [
        f"Reading age {figures.reading_age} (harder than the target: 11 or below) · Flesch Reading Ease "
        f"{figures.reading_ease} · 1 sentence over 25 words (highlighted)",
        "Explained from the glossary: pronation",
        "Long or rare words with no glossary entry yet: supination, tibiofemoral",
    ]
    assert soup.select_one(".term a.term-link").get_text() == "Pronation"
    assert timezone.now()  # the preview saved nothing
    assert not Article.objects.exists()
