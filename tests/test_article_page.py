"""The reading experience of one article: contents, key point links, reading time, dates, timelines."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from articles.models import Article
from tests.factories import GAIT_URL, make_article, make_practitioner
from tests.helpers import admin_form_data, markdown_html, render_text
from tests.test_admin import ADD_URL, add_form_data

pytestmark = pytest.mark.django_db

TIMELINE = """Adaptation takes time.

```timeline
Muscle strength and architecture | 4–6 weeks
Tendon and ligament adaptation | 8–12+ weeks
```
"""


def soup_of(client, article_or_url):
    url = article_or_url if isinstance(article_or_url, str) else article_or_url.get_absolute_url()
    return BeautifulSoup(client.get(url).content, "html.parser")


def test_table_of_contents_links_every_section_and_the_references(client, demo_content):
    soup = soup_of(client, GAIT_URL)
    links = soup.select("nav.toc a")
    sections = soup.select(".article-section h2")
    assert [a.get_text() for a in links[:-2]] == [h.get_text() for h in sections]
    assert [a["href"] for a in links[:-2]] == [f"#{h['id']}" for h in sections]
    assert [a["href"] for a in links[-2:]] == ["#references", "#words-explained"]  # the glossary's words last


def test_key_points_link_to_the_sections_they_announce(client, demo_content):
    soup = soup_of(client, GAIT_URL)
    linked = {a.get_text(): a["href"] for a in soup.select(".key-points li a")}
    # Each names its section in the article's front matter (articles/demo/), so all four link.
    assert linked == {
        "Why foot pain rarely starts in the foot": "#why-foot-pain-keeps-coming-back",
        "How knee, hip, and gait mechanics are linked": "#how-the-knee-fits-into-the-picture",
        "Why short-term relief doesn’t always last": "#why-improvement-can-happen-quickly-but-not-finish-quickly",
        "What actually needs to change for walking to improve long-term": (
            "#what-actually-needs-to-change-for-walking-to-improve"
        ),
    }


def test_reading_time_comes_from_the_length_of_the_text(client):
    short = make_article(sections=[("S", "A few words.")])
    long = make_article(sections=[("S", "word " * 2000)])
    assert "1 min read" in soup_of(client, short).select_one(".meta").get_text()
    assert "10 min read" in soup_of(client, long).select_one(".meta").get_text()


def test_updated_date_shows_only_after_a_later_change(client):
    # Dates set behind save()'s back (as an import does): the stored page is then rendered again by hand.
    article = make_article(published_at=timezone.now() - datetime.timedelta(days=30))
    Article.objects.filter(pk=article.pk).update(updated_at=article.published_at)
    article.store_page()
    assert "Updated" not in soup_of(client, article).select_one(".meta").get_text()
    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now())
    article.store_page()
    meta = soup_of(client, article).select_one(".meta")
    assert "Updated" in meta.get_text() and len(meta.select("time")) == 2


def test_imported_articles_carry_no_update_date(client, demo_content):
    assert "Updated" not in soup_of(client, GAIT_URL).select_one(".meta").get_text()


def test_demo_articles_get_their_topics_from_front_matter(demo_content):
    article = Article.objects.get(slug__startswith="walking")
    assert sorted(t.name for t in article.topics.all()) == ["Foot", "Gait", "Knee", "Tendons"]
    assert [t.slug for t in Article.objects.get(slug="rebuilding-injured-tendons").topics.all()] == ["tendons"]


# Timelines


def test_timeline_block_renders_an_svg_chart_with_a_text_alternative(client):
    article = make_article(sections=[("Timelines", TIMELINE)])
    figure = soup_of(client, article).select_one(".article-section figure.timeline")
    labels = [span.get_text() for span in figure.select(".timeline-label")]
    assert labels == [
        "Muscle strength and architecture: 4 to 6 weeks",
        "Tendon and ligament adaptation: 8 to 12 weeks or longer",
    ]
    bars = figure.select("svg.timeline-track")
    assert len(bars) == 2 and all(svg.get("role") == "img" and svg.get("aria-label") for svg in bars)
    assert "A bar from week 4 to week 6, on a scale of 0 to 16 weeks" == bars[0]["aria-label"]
    # One shared scale: the bars are placed by week on the same 0–16 axis.
    first, second = (svg.select_one("rect.timeline-bar") for svg in bars)
    assert (float(first["x"]), float(first["width"])) == (25.0, 12.5)
    assert (float(second["x"]), float(second["width"])) == (50.0, 25.0)
    assert bars[1].select_one("rect.timeline-bar-open")  # "12+": or longer
    assert figure.select_one(".timeline-scale").get_text(" ", strip=True) == "0 16 weeks"


def test_gait_article_has_its_timeline_after_the_text_it_illustrates(client, demo_content):
    soup = soup_of(client, GAIT_URL)
    figure = soup.select_one("figure.timeline")
    lead = figure.find_previous("p").get_text()
    assert lead == "Biological adaptation follows predictable timelines:"
    assert "Tendon and ligament adaptation: typically 8–12+ weeks" in figure.find_previous("ul").get_text()


def test_timeline_labels_are_escaped():
    html = markdown_html("```timeline\n<script>alert(1)</script> | 2 weeks\n```\n")
    assert "<script>" not in html and "&lt;script&gt;" in html and '<figure class="timeline">' in html


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ("Muscle | soon", "line 1 (line 2 of the text)"),
        ("Muscle | 6–4 weeks", "ends before it starts"),
        ("", "empty"),
        ("Muscle | 4 days", "line 1 (line 2 of the text)"),
    ],
)
def test_malformed_timeline_is_an_error_naming_the_line(block, message):
    html, problems = render_text(f"```timeline\n{block}\n```\n")
    assert len(problems) == 1 and message in problems[0] and "timeline" not in html


def test_saving_a_malformed_timeline_is_refused_with_a_clear_error(admin_client, neumann):
    body = "Intro.\n\n```timeline\nMuscle | 4 to 6 weeks\nTendon | soon\n```"
    data = add_form_data("Timeline", "timeline", timezone.now(), sections=[("1", "Adaptation", body)])
    response = admin_client.post(ADD_URL, data)
    errors = [li.get_text() for li in BeautifulSoup(response.content, "html.parser").select(".errorlist li")]
    assert any(
        "the section “Adaptation”" in e
        and "timeline block's line 2 (line 5 of the text)" in e
        and "“Tendon | soon”" in e
        for e in errors
    )
    assert not Article.objects.filter(slug="timeline").exists()


def test_editor_preview_explains_a_malformed_timeline(staff_client):
    response = staff_client.post("/markdownx/markdownify/", {"content": "```timeline\nnonsense\n```"})
    assert response.status_code == 200
    assert "timeline block&#x27;s line 1 (line 2 of the text)" in response.content.decode()


def test_each_key_point_may_name_its_section_in_the_admin_all_or_none(admin_client, client):
    article = make_article(
        "Knee pain",
        key_points=["Why it hurts", "What helps"],
        sections=[("The cause", "Text."), ("The treatment", "Text.")],
        authors=[make_practitioner()],
    )
    cause, treatment = article.sections.all()
    change_url = f"/admin/articles/article/{article.pk}/change/"
    data = admin_form_data(admin_client.get(change_url).content.decode())
    data["key_points-0-section"] = [str(cause.pk)]
    response = admin_client.post(change_url, data)
    assert response.status_code == 200
    assert BeautifulSoup(response.content, "html.parser").select_one(".errorlist.nonform").get_text() == (
        "Name the section each key point announces, or none: 1 of the 2 key points name one. "
        "A list where some lines are links and others are not reads as broken."
    )
    assert not article.key_points.filter(section__isnull=False).exists()
    data["key_points-1-section"] = [str(treatment.pk)]
    assert admin_client.post(change_url, data).status_code == 302
    page = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    linked = [(a.get_text(), a["href"]) for a in page.select(".key-points li a")]
    assert linked == [("Why it hurts", "#the-cause"), ("What helps", "#the-treatment")]
