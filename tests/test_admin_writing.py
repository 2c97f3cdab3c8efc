"""Writing in the admin (issue 11): the citation picker's search, scheduling said in words, publishing
a stale draft, word-level comparisons in a refused save, length limits, read-only explained."""

import datetime
import zoneinfo

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.utils import timezone
from reversion.models import Version

from articles.models import Article
from articles.revisions import word_changes
from practitioners.models import Practitioner
from references.models import Reference
from tests.factories import make_article, make_practitioner, make_reference
from tests.helpers import admin_form_data

pytestmark = pytest.mark.django_db
SEARCH = "/admin/references/reference/picker-search/"
LONDON = zoneinfo.ZoneInfo("Europe/London")


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def form_of(client, article, **changes):
    data = admin_form_data(client.get(change_url(article)).content)
    data.update({name: [value] for name, value in changes.items()})
    return data


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


# The citation picker's search


@pytest.fixture
def library(db):
    make_reference(key="neumann2017", authors=("Neumann",), year=2017, kind="book", title="Kinesiology")
    make_reference(key="kjaer2009", authors=("Kjaer", "Langberg"), year=2009, title="From mechanical <i>loading</i>")


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ("neumann", ["neumann2017"]),
        ("2009", ["kjaer2009"]),
        ("loading", ["kjaer2009"]),
        ("kjaer2009", ["kjaer2009"]),
        ("nothing-like-it", []),
        # typed the way a citation is written
        ("Neumann, 2017", ["neumann2017"]),
        ("(Kjaer and Langberg, 2009)", ["kjaer2009"]),
        ("Kjaer et al., 2009", ["kjaer2009"]),
        ("Kjaer et al., 2017", []),
        ("(Neumann, 2017).", ["neumann2017"]),
        ("Neumann 2017a", ["neumann2017"]),
        ("and", []),
    ],
)
def test_the_picker_searches_the_library_by_author_year_title_or_key(author, library, query, keys):
    response = author.get(SEARCH, {"q": query})
    assert response.status_code == 200
    assert [work["key"] for work in response.json()["results"]] == keys


def test_the_picker_shows_plain_text_and_finds_a_work_just_added_by_its_id(author, library):
    found = author.get(SEARCH, {"q": "kjaer"}).json()
    assert found == {
        "results": [
            {
                "id": found["results"][0]["id"],
                "key": "kjaer2009",
                "cited_as": "Kjaer and Langberg, 2009",
                "title": "From mechanical loading",
            }
        ],
        "add_url": "/admin/references/reference/add/",
    }
    by_id = author.get(SEARCH, {"id": found["results"][0]["id"]}).json()["results"]
    assert [work["key"] for work in by_id] == ["kjaer2009"]
    bad = author.get(SEARCH, {"id": "abc"})
    assert (bad.status_code, bad.json()) == (400, {"error": "id: give the number of a reference."})


def test_the_picker_search_is_for_staff_only(client, library):
    response = client.get(SEARCH, {"q": "neumann"})
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_the_editor_has_the_picker_the_labelled_preview_and_the_timeline_syntax(author):
    page = soup(author.get("/admin/articles/article/add/"))
    editor = page.select_one(".markdown-editor:has(#id_intro)")
    assert editor["data-cite-search-url"] == SEARCH
    assert editor.select_one("button.cite-open").get_text() == "Cite a reference"
    pane = editor.select_one(".markdown-preview-pane")
    assert pane["aria-labelledby"] == "id_intro-preview-label"
    assert page.select_one("#id_intro-preview-label").get_text() == "Preview, as patients will read it"
    assert "Full recovery | 3–6 months" in editor.select_one(".timeline-syntax pre").get_text()
    assert page.find("script", src=False) is None or not page.find_all("script", src=False)[0].string.strip()


# Length limits: a counter and an error, never a silent cut


def test_an_over_long_title_is_refused_naming_the_limit_not_cut_off(editor, neumann):
    page = soup(editor.get("/admin/articles/article/add/"))
    title = page.select_one("#id_title")
    assert not title.has_attr("maxlength") and title["data-max-length"] == "200"
    assert page.select_one("#id_summary")["data-max-length"] == "400"
    article = make_article("Short title")
    response = editor.post(change_url(article), form_of(editor, article, title="x" * 230))
    assert response.status_code == 200
    errors = [li.get_text() for li in soup(response).select(".field-title .errorlist li")]
    assert errors == ["Ensure this value has at most 200 characters (it has 230)."]
    article.refresh_from_db()
    assert article.title == "Short title"


# Scheduling, said in words


def test_a_scheduled_article_says_when_in_the_message_the_form_and_the_list(editor):
    article = make_article("Soon", status=Article.Status.DRAFT, authors=[make_practitioner()])
    draft_list = soup(editor.get("/admin/articles/article/"))
    assert [td.get_text() for td in draft_list.select("td.field-publication")] == ["—"]
    data = form_of(editor, article, status="published", published_at_0="2035-06-03", published_at_1="09:00:00")
    response = editor.post(change_url(article), data, follow=True)
    messages = [li.get_text() for li in soup(response).select(".messagelist li")]
    assert "Scheduled for 3 June 2035, 09:00: it appears on the site by itself at that time." in messages
    form = soup(editor.get(change_url(article)))
    assert form.select_one(".schedule-note").get_text() == (
        "Scheduled for 3 June 2035, 09:00: it appears on the site by itself at that time."
    )
    listing = soup(editor.get("/admin/articles/article/"))
    assert [td.get_text() for td in listing.select("td.field-publication")] == ["Scheduled for 3 June 2035, 09:00"]


def test_publishing_a_draft_with_a_past_time_publishes_it_now_unless_the_time_was_changed(editor):
    authors = [make_practitioner()]
    stale = make_article("Stale", status=Article.Status.DRAFT, days_ago=40, authors=authors)
    before = timezone.now().replace(microsecond=0)
    response = editor.post(change_url(stale), form_of(editor, stale, status="published"), follow=True)
    stale.refresh_from_db()
    assert stale.status == "published" and stale.published_at >= before
    messages = [li.get_text() for li in soup(response).select(".messagelist li")]
    assert any(
        m.startswith("Published now (") and m.endswith("its publication time had already passed.") for m in messages
    )

    backdated = make_article("Backdated", status=Article.Status.DRAFT, days_ago=40, authors=authors)
    data = form_of(editor, backdated, status="published", published_at_0="2024-01-05", published_at_1="08:30:00")
    assert editor.post(change_url(backdated), data).status_code == 302
    backdated.refresh_from_db()
    assert backdated.published_at == datetime.datetime(2024, 1, 5, 8, 30, tzinfo=LONDON)


# Two people, one article


def test_a_refused_save_shows_what_the_other_person_changed_and_keeps_what_you_typed(editor, author):
    article = make_article("Heel pain", status=Article.Status.DRAFT, sections=[("Why", "Rest helps a little.")])
    assert editor.post(change_url(article), form_of(editor, article)).status_code == 302  # its first revision
    mine = form_of(author, article, title="Heel pain: my title")  # both open the form
    theirs = form_of(editor, article)
    theirs["sections-0-body"] = ["Rest helps <b>a lot</b>."]
    assert editor.post(change_url(article), theirs).status_code == 302
    response = author.post(change_url(article), mine)
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one(".conflict-changes h2").get_text() == "What editor changed since you opened this form"
    assert [s.get_text() for s in page.select(".conflict-changes .diff-removed")] == ["little"]
    assert [s.get_text() for s in page.select(".conflict-changes .diff-added")] == ["<b>", "lot</b>"]
    assert '<ins class="diff-added">&lt;b&gt;</ins>' in response.content.decode()  # shown as typed, escaped
    assert page.select_one("#id_title")["value"] == "Heel pain: my title"
    article.refresh_from_db()
    assert article.title == "Heel pain"


def test_a_refused_save_shows_only_what_changed_after_the_form_was_opened(
    editor, author, django_capture_on_commit_callbacks
):
    """A page rendered again after a reference changed (a revision without a save) was listed as the other
    person's change, though it came before either opened the form."""
    work = make_reference(key="riel2019", authors=("Riel",), year=2019, title="Heel pain")
    article = make_article("Heel pain", status=Article.Status.DRAFT, sections=[("Why", "Rest helps [@riel2019].")])
    assert editor.post(change_url(article), form_of(editor, article)).status_code == 302  # its first revision
    with django_capture_on_commit_callbacks(execute=True):
        work.title = "Plantar heel pain"
        work.save()
    assert Version.objects.get_for_object(article).count() == 2  # rendered again, with a revision saying why
    mine = form_of(author, article, summary="Mine.")  # both open the form after that
    theirs = form_of(editor, article, title="Heel pain explained")
    assert editor.post(change_url(article), theirs).status_code == 302
    page = soup(author.post(change_url(article), mine))
    assert [h.get_text() for h in page.select(".conflict-changes .change-label")] == ["Title"]


def test_the_admin_writes_times_as_the_site_does_on_a_24_hour_clock():
    from django.utils import formats

    moment = datetime.datetime(2026, 12, 1, 17, 57)
    assert formats.date_format(moment, "DATETIME_FORMAT") == "1 Dec 2026, 17:57"  # Django's en-GB: "5:57 p.m."
    assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "01/12/2026 17:57"
    assert formats.time_format(moment.time()) == "17:57"


def test_word_changes_mark_words_and_shorten_long_unchanged_text():
    before = "Walking helps. " * 20 + "Rest is good."
    after = "Walking helps. " * 20 + "Rest is bad."
    segments = word_changes(before, after)
    assert segments[0] == ("gap", "…")
    assert segments[-3:] == [("removed", "good"), ("added", "bad"), ("same", ".")]
    assert word_changes("Alex Morgan", "Sam Lee") == [("removed", "Alex Morgan"), ("added", "Sam Lee")]
    assert word_changes("1 December 2026, 05:57", "1 December 2026, 06:01") == [
        ("same", "1 December 2026, "),
        ("removed", "05:57"),
        ("added", "06:01"),
    ]  # a time is one word, not "05" "57" against "06" "01"


# Roles without dead ends


def test_an_author_is_told_why_a_published_article_is_read_only(author):
    article = make_article("Live")
    page = soup(author.get(change_url(article)))
    assert (
        page.select_one(".read-only-reason")
        .get_text()
        .startswith(
            "This article is published, so only an Editor can change it: a change would reach patients at once."
        )
    )
    draft = make_article("Draft", status=Article.Status.DRAFT)
    assert soup(author.get(change_url(draft))).select_one(".read-only-reason") is None


# Forms that fit: the reference form and the import page


def test_contributors_left_unnumbered_are_numbered_in_the_order_they_stand(admin_client):
    data = {
        "key": "moore2023",
        "kind": "book",
        "year": "2023",
        "title": "Clinically oriented anatomy",
        "contributors-TOTAL_FORMS": "4",
        "contributors-INITIAL_FORMS": "0",
        "contributors-MIN_NUM_FORMS": "0",
        "contributors-MAX_NUM_FORMS": "1000",
    }
    for number, surname in enumerate(["Moore", "Dalley", "Agur", ""]):  # the last row left blank
        data.update({f"contributors-{number}-role": "author", f"contributors-{number}-surname": surname})
        data[f"contributors-{number}-position"] = ""
    response = admin_client.post("/admin/references/reference/add/", data)
    assert response.status_code == 302
    reference = Reference.objects.get(key="moore2023")
    assert [(c.position, c.surname) for c in reference.contributors.order_by("position")] == [
        (1, "Moore"),
        (2, "Dalley"),
        (3, "Agur"),
    ]
    form = soup(admin_client.get("/admin/references/reference/add/"))
    assert form.select_one("#id_contributors-0-position").get("value", "") == ""
    assert form.select_one("#id_contributors-0-surname")["aria-label"] == "Surname"
    assert (
        form.select_one(".field-key .help")
        .get_text(" ", strip=True)
        .startswith("The short name you cite this work by in Markdown, as [@neumann2017]")
    )


def test_the_import_page_is_laid_out_as_the_admins_forms(admin_client):
    page = soup(admin_client.get("/admin/references/reference/import/"))
    assert page.select_one('link[href*="admin/css/forms"]') is not None
    assert page.select_one("#reference_import_form fieldset.module.aligned h2").get_text() == (
        "Import from a file or pasted text"
    )
    assert [row["class"][1] for row in page.select("#reference_import_form .form-row")] == [
        "field-file",
        "field-text",
        "field-format",
    ]


# Practitioners: an Author keeps their own profile; one page adds a practitioner who writes


def test_an_author_adds_and_edits_their_own_profile_and_no_one_elses(author, django_user_model):
    me = django_user_model.objects.get(username="author")
    response = author.post(
        "/admin/practitioners/practitioner/add/",
        {"name": "Alex Morgan", "slug": "alex-morgan", "credentials": "MSc", "role": "", "bio": "", "photo_alt": ""},
    )
    assert response.status_code == 302
    mine = Practitioner.objects.get(slug="alex-morgan")
    assert mine.user == me and mine.position == 0
    assert author.get("/admin/practitioners/practitioner/add/").status_code == 403  # one profile each
    form = soup(author.get(f"/admin/practitioners/practitioner/{mine.pk}/change/"))
    assert form.select_one("#id_name")["value"] == "Alex Morgan"
    assert form.select_one("#id_position") is None and form.select_one("#id_user") is None
    someone = make_practitioner("Sam Lee")
    other = soup(author.get(f"/admin/practitioners/practitioner/{someone.pk}/change/"))
    assert other.select_one("#id_name") is None and other.select_one(".field-name .readonly").get_text() == "Sam Lee"
    data = {"name": "Renamed", "slug": someone.slug, "credentials": "", "role": "", "bio": "", "photo_alt": ""}
    assert author.post(f"/admin/practitioners/practitioner/{someone.pk}/change/", data).status_code == 403
    someone.refresh_from_db()
    assert someone.name == "Sam Lee"


def test_one_page_adds_a_staff_login_in_a_group_with_its_profile(admin_client, django_user_model):
    listing = soup(admin_client.get("/admin/practitioners/practitioner/"))
    assert listing.select_one(".object-tools a[href='/admin/practitioners/practitioner/add-user/']") is not None
    data = {
        "username": "amorgan",
        "email": "alex@example.com",
        "password1": "a-long-test-password-1",
        "password2": "a-long-test-password-1",
        "group": str(Group.objects.get(name="Author").pk),
        "name": "Alex Morgan",
        "credentials": "MSc, Physiotherapist",
        "role": "",
    }
    response = admin_client.post("/admin/practitioners/practitioner/add-user/", data, follow=True)
    user = django_user_model.objects.get(username="amorgan")
    assert user.is_staff and not user.is_superuser and [g.name for g in user.groups.all()] == ["Author"]
    assert (user.practitioner.name, user.practitioner.slug) == ("Alex Morgan", "alex-morgan")
    assert [li.get_text() for li in soup(response).select(".messagelist li")] == [
        "Alex Morgan can now log in as “amorgan”, as Author. Add their photo and introduction below."
    ]
    refused = admin_client.post("/admin/practitioners/practitioner/add-user/", {**data, "password2": "different"})
    assert [li.get_text() for li in soup(refused).select(".field-password2 .errorlist li")] == [
        "The two password fields didn’t match."
    ]
    assert django_user_model.objects.filter(username="amorgan").count() == 1


def test_an_author_cannot_add_users(author):
    assert author.get("/admin/practitioners/practitioner/add-user/").status_code == 403


def test_the_picker_search_survives_odd_input(author, library):
    assert author.get(SEARCH, {"q": "neu\x00mann"}).status_code == 400  # the site refuses NUL bytes before any view
    assert author.get(SEARCH, {"q": "x" * 5000}).json()["results"] == []
    assert author.get(SEARCH, {"id": "99999999999999999999"}).json()["results"] == []
