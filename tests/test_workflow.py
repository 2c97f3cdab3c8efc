"""The practitioner's workflow: statuses, roles, preview, revisions, concurrent edits, slugs, reviews."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from reversion.models import Version

from articles.models import Article
from tests.factories import make_article, make_practitioner
from tests.helpers import stored_files
from tests.test_admin import ADD_URL, add_form_data, formset
from tests.test_editor_safety import image_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("neumann")]


def change_data(article, **overrides):
    """The change form of `article` as the admin would post it, with its saved rows."""
    data = {
        "title": article.title,
        "slug": article.slug,
        "subtitle": article.subtitle,
        "summary": article.summary,
        "status": article.status,
        "published_at_0": timezone.localtime(article.published_at).strftime("%Y-%m-%d"),
        "published_at_1": timezone.localtime(article.published_at).strftime("%H:%M:%S"),
        "intro": article.intro,
        "opened_version": str(article.edit_version),
    }
    rows = {
        "authorships": [(a.pk, [str(a.position), str(a.practitioner_id)]) for a in article.authorships.all()],
        "key_points": [(p.pk, [str(p.position), p.text]) for p in article.key_points.all()],
        "sections": [(s.pk, [str(s.position), s.heading, s.body]) for s in article.sections.all()],
    }
    fields = {"authorships": ["position", "practitioner"], "key_points": ["position", "text"]}
    fields["sections"] = ["position", "heading", "body"]
    for prefix, saved in rows.items():
        data.update(formset(prefix, [values for _, values in saved], fields[prefix]))
        data[f"{prefix}-INITIAL_FORMS"] = str(len(saved))
        for number, (pk, _) in enumerate(saved):
            data[f"{prefix}-{number}-id"] = str(pk)
            data[f"{prefix}-{number}-article"] = str(article.pk)
    data.update(overrides)
    return data


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def errors_of(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [" ".join(li.get_text().split()) for li in soup.select(".errorlist li")]


# Statuses


def test_scheduled_article_appears_by_itself_when_its_time_comes(client):
    soon = timezone.now() + datetime.timedelta(minutes=5)
    article = make_article("Scheduled", published_at=soon)
    assert article.display_status == "Scheduled"
    assert article not in Article.objects.published()
    assert list(Article.objects.published(now=soon + datetime.timedelta(seconds=1))) == [article]


def test_archived_article_leaves_lists_and_navigation_and_answers_410(client):
    before = make_article("Before", days_ago=3)
    archived = make_article("Archived", days_ago=2, status=Article.Status.ARCHIVED)
    after = make_article("After", days_ago=1)
    assert archived not in Article.objects.published()
    assert "Archived" not in client.get("/").content.decode()
    nav = BeautifulSoup(client.get(before.get_absolute_url()).content, "html.parser")
    assert nav.select_one("a[rel=next]")["href"] == after.get_absolute_url()
    response = client.get(archived.get_absolute_url())
    assert response.status_code == 410
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one("main a[href='/']") and "withdrawn" in page.h1.get_text()


def test_staff_still_see_an_archived_article_with_a_banner(editor):
    archived = make_article("Archived", status=Article.Status.ARCHIVED)
    response = editor.get(archived.get_absolute_url())
    assert response.status_code == 200 and "Archived — not public" in response.content.decode()


# Roles


def test_roles_exist_with_publish_permission_for_editors_only():
    author_perms = set(Group.objects.get(name="Author").permissions.values_list("codename", flat=True))
    editor_perms = set(Group.objects.get(name="Editor").permissions.values_list("codename", flat=True))
    assert {"add_article", "change_article"} <= author_perms
    assert "publish_article" not in author_perms
    assert "publish_article" in editor_perms and author_perms <= editor_perms


def test_author_can_create_a_draft(author):
    data = add_form_data("By an author", "by-an-author", timezone.now(), status="draft", authors=[])
    response = author.post(ADD_URL, data)
    assert response.status_code == 302, errors_of(response)
    assert Article.objects.get(slug="by-an-author").status == Article.Status.DRAFT


def test_author_sees_only_draft_in_the_status_choices(author):
    soup = BeautifulSoup(author.get(ADD_URL).content, "html.parser")
    assert [o["value"] for o in soup.select("#id_status option")] == ["draft"]


@pytest.mark.parametrize("status", ["published", "archived"])
def test_author_cannot_publish_or_archive_by_editing_the_form(author, status):
    response = author.post(ADD_URL, add_form_data("Sneaky", "sneaky", timezone.now(), status=status))
    assert response.status_code == 200
    assert any("Only an Editor can publish" in e for e in errors_of(response))
    assert not Article.objects.filter(slug="sneaky").exists()


def test_author_cannot_publish_an_existing_draft(author):
    draft = make_article("Draft", status=Article.Status.DRAFT, authors=[make_practitioner()])
    response = author.post(change_url(draft), change_data(draft, status="published"))
    assert any("Only an Editor can publish" in e for e in errors_of(response))
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_author_cannot_change_a_published_article(author):
    published = make_article("Live", authors=[make_practitioner()])
    response = author.post(change_url(published), change_data(published, title="Changed by an author"))
    assert response.status_code == 403
    published.refresh_from_db()
    assert published.title == "Live"


def test_editor_publishes_a_draft(editor, client):
    draft = make_article("Draft", status=Article.Status.DRAFT, authors=[make_practitioner()])
    response = editor.post(change_url(draft), change_data(draft, status="published"))
    assert response.status_code == 302, errors_of(response)
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_editor_schedules_a_draft(editor, client):
    draft = make_article("Draft", status=Article.Status.DRAFT, authors=[make_practitioner()])
    later = timezone.localtime(timezone.now() + datetime.timedelta(days=2))
    data = change_data(
        draft, status="published", published_at_0=later.strftime("%Y-%m-%d"), published_at_1=later.strftime("%H:%M:%S")
    )
    assert editor.post(change_url(draft), data).status_code == 302
    draft.refresh_from_db()
    assert draft.display_status == "Scheduled"
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_editor_archives_an_article(editor, client):
    live = make_article("Live", authors=[make_practitioner()])
    assert editor.post(change_url(live), change_data(live, status="archived")).status_code == 302
    assert client.get(live.get_absolute_url()).status_code == 410


def test_publishing_needs_an_author(editor):
    draft = make_article("Draft", status=Article.Status.DRAFT)
    response = editor.post(change_url(draft), change_data(draft, status="published"))
    assert "Add at least one author before the article is published." in errors_of(response)


# Preview


def test_preview_of_a_draft_shows_the_public_page_with_a_banner_and_saves_nothing(media_storage, author):
    data = add_form_data("Previewed", "previewed", timezone.now(), status="draft", authors=[])
    data["_preview"] = "Preview"
    data["featured_image"] = SimpleUploadedFile("photo.png", image_bytes("PNG"), content_type="image/png")
    data["featured_image_alt"] = "A foot"
    response = author.post(ADD_URL, data)
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assert page.h1.get_text() == "Previewed"
    assert "Preview — what you see here is not saved and not published" in page.get_text()
    assert [h.get_text() for h in page.select(".article-section h2")] == ["First heading", "Second heading"]
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert not Article.objects.filter(slug="previewed").exists()
    assert stored_files("articles") == stored_files("renditions") == []  # no featured image, no renditions


def test_preview_of_unsaved_changes_to_a_published_article_leaves_it_unchanged(editor, client):
    live = make_article("Live title", sections=[("Heading", "Old text.")], authors=[make_practitioner()])
    data = change_data(live, title="New title")
    data["sections-0-body"] = "New text."
    data["_preview"] = "Preview"
    response = editor.post(change_url(live), data)
    page = BeautifulSoup(response.content, "html.parser")
    assert page.h1.get_text() == "New title" and "New text." in page.get_text()
    public = BeautifulSoup(client.get(live.get_absolute_url()).content, "html.parser")
    assert public.h1.get_text() == "Live title" and "Old text." in public.get_text()
    assert Version.objects.get_for_object(live).count() == 0


def test_preview_with_errors_explains_them_and_saves_nothing(author):
    data = add_form_data("", "bad slug!", timezone.now(), status="draft", authors=[])
    data["_preview"] = "Preview"
    response = author.post(ADD_URL, data)
    assert response.status_code == 400
    assert "Title: This field is required." in response.content.decode()
    assert Article.objects.count() == 0


# Revisions


def test_every_save_is_a_revision_that_can_be_compared_and_restored(editor, client):
    live = make_article("Version one", sections=[("Heading", "First text.")], authors=[make_practitioner()])
    assert editor.post(change_url(live), change_data(live)).status_code == 302
    live.refresh_from_db()
    data = change_data(live, title="Version two")
    data["sections-0-body"] = "Second text."
    assert editor.post(change_url(live), data).status_code == 302
    versions = list(Version.objects.get_for_object(live).order_by("revision__date_created"))
    assert len(versions) == 2

    history = BeautifulSoup(editor.get(f"/admin/articles/article/{live.pk}/history/").content, "html.parser")
    assert [i["value"] for i in history.select("input[name=from]")] == [str(v.pk) for v in reversed(versions)]
    # The latest change is the one offered: from the revision before it, to the latest.
    assert history.select_one("input[name=from][checked]")["value"] == str(versions[0].pk)
    assert history.select_one("input[name=to][checked]")["value"] == str(versions[1].pk)
    compare = editor.get(
        f"/admin/articles/article/{live.pk}/history/compare/?from={versions[0].pk}&to={versions[1].pk}"
    )
    soup = BeautifulSoup(compare.content, "html.parser")
    assert [h.get_text() for h in soup.select(".revision-compare .change-label")] == ["Title", "Sections"]
    # Word by word: only the words that changed are marked, the rest of the line reads as it was.
    assert [s.get_text() for s in soup.select(".diff-removed")] == ["one", "First"]
    assert [s.get_text() for s in soup.select(".diff-added")] == ["two", "Second"]
    assert [p.get_text() for p in soup.select(".diff")] == ["Version onetwo", "## Heading\n\nFirstSecond text."]

    # Restore the first revision: open it, and save the form it shows.
    revision_url = f"/admin/articles/article/{live.pk}/history/{versions[0].pk}/"
    form = BeautifulSoup(editor.get(revision_url).content, "html.parser")
    assert form.select_one("#id_title")["value"] == "Version one"
    live.refresh_from_db()
    restore = change_data(live, title="Version one", opened_version=form.select_one("#id_opened_version")["value"])
    restore["sections-0-body"] = "First text."
    restored = editor.post(revision_url, restore)
    assert restored.status_code == 302, errors_of(restored)
    page = BeautifulSoup(client.get(live.get_absolute_url()).content, "html.parser")
    assert page.h1.get_text() == "Version one" and "First text." in page.get_text()
    assert Version.objects.get_for_object(live).count() == 3


def test_a_comparison_shows_which_section_a_key_point_announces(editor):
    """Pointing a key point at another section changed its link on the page, yet the comparison said that the
    two revisions had the same content."""
    live = make_article(sections=[("Walking", "One."), ("Stairs", "Two.")], key_points=["Why it hurts"],
                        authors=[make_practitioner()])  # fmt: skip
    walking, stairs = live.sections.all()
    for section in (walking, stairs):
        live.refresh_from_db()
        data = change_data(live, **{"key_points-0-section": str(section.pk)})
        assert editor.post(change_url(live), data).status_code == 302
    older, newer = Version.objects.get_for_object(live).order_by("revision__date_created")
    compare = editor.get(f"/admin/articles/article/{live.pk}/history/compare/?from={older.pk}&to={newer.pk}")
    soup = BeautifulSoup(compare.content, "html.parser")
    assert [h.get_text() for h in soup.select(".revision-compare .change-label")] == ["Key points"]
    assert [p.get_text() for p in soup.select(".diff")] == ["Why it hurts → WalkingStairs"]


# Two practitioners editing at once


def test_a_stale_form_cannot_overwrite_a_newer_save(editor, client):
    live = make_article("Original", sections=[("Heading", "Original text.")], authors=[make_practitioner()])
    first = change_data(live, title="First editor's title")
    second = change_data(live, title="Second editor's title")  # opened at the same time
    assert editor.post(change_url(live), first).status_code == 302
    response = editor.post(change_url(live), second)
    assert response.status_code == 200
    assert any("was saved again at" in e for e in errors_of(response))
    # The second editor's text is still in the form to recover...
    assert BeautifulSoup(response.content, "html.parser").select_one("#id_title")["value"] == "Second editor's title"
    # ...and the first save stands.
    live.refresh_from_db()
    assert live.title == "First editor's title"


# Slugs


def test_changing_a_published_slug_keeps_the_old_address_as_a_permanent_redirect(editor, client):
    live = make_article("Live", slug="old-address", authors=[make_practitioner()])
    assert editor.post(change_url(live), change_data(live, slug="new-address")).status_code == 302
    response = client.get("/articles/old-address/")
    assert response.status_code == 301 and response["Location"] == "/articles/new-address/"
    assert client.get("/articles/new-address/").status_code == 200


def test_a_draft_slug_change_leaves_no_redirect(client):
    draft = make_article("Draft", slug="first-try", status=Article.Status.DRAFT)
    draft.slug = "second-try"
    draft.save()
    assert client.get("/articles/first-try/").status_code == 404


# Clinical review


def test_review_due_filter_and_dashboard_flag_overdue_articles(editor):
    today = timezone.localdate()
    overdue = make_article("Overdue", next_review_due=today - datetime.timedelta(days=1))
    soon = make_article("Soon", next_review_due=today + datetime.timedelta(days=10))
    make_article("Later", next_review_due=today + datetime.timedelta(days=90))
    assert list(Article.objects.review_due().order_by("next_review_due")) == [overdue, soon]
    listing = editor.get("/admin/articles/article/?review=due").content.decode()
    assert "Overdue" in listing and "Soon" in listing and "Later" not in listing
    assert "Overdue since" in listing
    overdue_only = editor.get("/admin/articles/article/?review=overdue").content.decode()
    assert ">Soon<" not in overdue_only and ">Overdue<" in overdue_only
    dashboard = BeautifulSoup(editor.get("/admin/").content, "html.parser").select_one("#review-due")
    assert [a.get_text() for a in dashboard.select("a")] == ["Overdue", "Soon"]
    assert "Overdue since" in dashboard.get_text()


def test_an_overdue_article_stays_published(client):
    article = make_article("Overdue", next_review_due=timezone.localdate() - datetime.timedelta(days=30))
    assert article.review_overdue
    assert client.get(article.get_absolute_url()).status_code == 200


def test_admin_article_form_warns_before_leaving_with_unsaved_changes(editor):
    html = editor.get(ADD_URL).content.decode()
    assert "js/admin-unsaved-changes.js" in html


def saved_twice(editor, **first_changes):
    """A live article saved through the admin twice: revision 1 as made, revision 2 with `first_changes`."""
    live = make_article("Version one", slug="version-one", authors=[make_practitioner()])
    assert editor.post(change_url(live), change_data(live)).status_code == 302
    live.refresh_from_db()
    assert editor.post(change_url(live), change_data(live, **first_changes)).status_code == 302
    live.refresh_from_db()
    first = Version.objects.get_for_object(live).order_by("revision__date_created").first()
    return live, f"/admin/articles/article/{live.pk}/history/{first.pk}/"


def test_an_author_cannot_change_a_published_article_through_history(editor, author, django_user_model):
    live = make_article("Live", authors=[make_practitioner()], status=Article.Status.DRAFT)
    assert editor.post(change_url(live), change_data(live)).status_code == 302  # revision 1: a draft
    live.refresh_from_db()
    assert editor.post(change_url(live), change_data(live, status="published", title="Live")).status_code == 302
    live.refresh_from_db()
    draft_version = Version.objects.get_for_object(live).order_by("revision__date_created").first()
    url = f"/admin/articles/article/{live.pk}/history/{draft_version.pk}/"
    # The Author may read the old revision, read-only, told why; restoring it stays refused.
    page = BeautifulSoup(author.get(url).content, "html.parser")
    assert page.select_one("input[name=_save]") is None and page.select_one("#id_title") is None
    assert "only an Editor can change it" in page.select_one(".read-only-reason").get_text()
    assert author.post(url, change_data(live, status="draft", title="Hijacked")).status_code == 403
    live.refresh_from_db()
    assert (live.title, live.status) == ("Live", Article.Status.PUBLISHED)


def test_a_restore_opened_before_someone_elses_save_is_refused(editor):
    live, revision_url = saved_twice(editor, title="Version two")
    form = BeautifulSoup(editor.get(revision_url).content, "html.parser")
    opened = form.select_one("#id_opened_version")["value"]
    assert opened == str(live.edit_version)
    assert editor.post(change_url(live), change_data(live, title="Version three")).status_code == 302
    live.refresh_from_db()
    restore = change_data(live, title="Version one", opened_version=opened)
    response = editor.post(revision_url, restore)
    assert any("was saved again at" in e for e in errors_of(response))
    live.refresh_from_db()
    assert live.title == "Version three"


def test_restoring_an_old_slug_keeps_the_current_address_working(editor, client):
    live, revision_url = saved_twice(editor, slug="version-two")
    form = BeautifulSoup(editor.get(revision_url).content, "html.parser")
    restore = change_data(live, slug="version-one", opened_version=form.select_one("#id_opened_version")["value"])
    assert editor.post(revision_url, restore).status_code == 302
    response = client.get("/articles/version-two/")
    assert response.status_code == 301 and response["Location"] == "/articles/version-one/"


def test_compare_with_bad_revision_ids_is_a_404_not_an_error(editor):
    live = make_article("Live")
    assert editor.get(f"/admin/articles/article/{live.pk}/history/compare/?from=abc&to=1").status_code == 404


def test_compare_shows_changes_to_authors_topics_slug_and_reviewer(editor):
    first, second = make_practitioner("Alex Morgan"), make_practitioner("Sam Lee")
    live = make_article("Live", slug="live", authors=[first])
    assert editor.post(change_url(live), change_data(live)).status_code == 302
    live.refresh_from_db()
    data = change_data(live, slug="live-2", reviewed_by=str(second.pk))
    data["authorships-0-practitioner"] = str(second.pk)
    assert editor.post(change_url(live), data).status_code == 302
    older, newer = Version.objects.get_for_object(live).order_by("revision__date_created")
    compare = editor.get(f"/admin/articles/article/{live.pk}/history/compare/?from={older.pk}&to={newer.pk}")
    soup = BeautifulSoup(compare.content, "html.parser")
    assert [h.get_text() for h in soup.select(".revision-compare .change-label")] == [
        "Address (slug)",
        "Authors",
        "Clinically reviewed by",
    ]
    assert [s.get_text() for s in soup.select(".diff-added")] == ["-2", "Sam Lee", "Sam Lee"]


def test_restoring_a_draft_revision_keeps_the_live_status_and_address(editor, client):
    live = make_article(
        "Drafted text", slug="first-address", status=Article.Status.DRAFT, authors=[make_practitioner()]
    )
    assert editor.post(change_url(live), change_data(live)).status_code == 302
    live.refresh_from_db()
    published = change_data(live, status="published", slug="live-address", title="Published text")
    assert editor.post(change_url(live), published).status_code == 302
    draft_version = Version.objects.get_for_object(live).order_by("revision__date_created").first()
    form = BeautifulSoup(
        editor.get(f"/admin/articles/article/{live.pk}/history/{draft_version.pk}/").content, "html.parser"
    )
    assert form.select_one("#id_title")["value"] == "Drafted text"
    assert form.select_one("#id_status option[selected]")["value"] == "published"
    assert form.select_one("#id_slug")["value"] == "live-address"
    banner = " ".join(form.select_one("#content-main").get_text().split())
    assert (
        "Its text, key points, sections and authors come back as they were then; it keeps its current status, "
        "publication time and address." in banner
    )


def test_history_names_what_the_practitioner_changed_not_bookkeeping(editor):
    live = make_article("Live", authors=[make_practitioner()])
    assert editor.post(change_url(live), change_data(live, title="Renamed")).status_code == 302
    history = editor.get(f"/admin/articles/article/{live.pk}/history/").content.decode()
    assert "Changed Title" in history and "opened_version" not in history


def test_dashboard_lists_drafts_waiting_for_an_editor(editor):
    make_article("Waiting draft", status=Article.Status.DRAFT)
    make_article("Already live")
    panel = BeautifulSoup(editor.get("/admin/").content, "html.parser").select_one("#drafts-waiting")
    assert [a.get_text() for a in panel.select("a")] == ["Waiting draft"]


def test_an_imported_article_s_history_says_why_it_is_empty(editor):
    imported = make_article("Imported")  # as import_article and the demo content make them: no revision
    history = BeautifulSoup(editor.get(f"/admin/articles/article/{imported.pk}/history/").content, "html.parser")
    assert " ".join(history.select_one("#content-main .module p").get_text().split()) == (
        "No revisions yet: this article came in by an import (import_article, or the demo content), not through "
        "this admin. Its first save here begins its history."
    )
