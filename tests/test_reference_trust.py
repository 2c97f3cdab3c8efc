"""A work that published pages show changes only with an Editor, and every change to it is traced."""

import pytest
from bs4 import BeautifulSoup
from reversion.models import Version

from articles.models import Article
from references.models import Reference
from tests.factories import make_article, make_reference

pytestmark = pytest.mark.django_db

IMPORT = "/admin/references/reference/import/"
CSL = '[{"id": "neumann2017", "type": "book", "title": "%s", "author": [{"family": "Neumann", "given": "D.A."}],'
CSL += ' "issued": {"date-parts": [[2017]]}}]'


@pytest.fixture
def cited(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reference = make_reference(
            key="neumann2017", authors=("Neumann",), year=2017, kind="book", title="Kinesiology",
            container_title="", volume="", pages="",
        )  # fmt: skip
        reference.contributors.update(initials="D.A.")
    return reference


def change_url(reference):
    return f"/admin/references/reference/{reference.pk}/change/"


def test_an_author_sees_a_reference_published_pages_show_read_only_and_is_told_why(author, cited):
    make_article("Walking and feet", sections=[("S", "[@neumann2017]")])
    page = BeautifulSoup(author.get(change_url(cited)).content, "html.parser")
    assert [li.get_text() for li in page.select(".messagelist li")] == [
        "Published articles show this reference (“Walking and feet”): only an Editor can change it, "
        "because the change would appear on their pages at once."
    ]
    assert not page.select("input[name=title]")  # read-only
    data = {"key": "neumann2017", "kind": "book", "title": "Changed", "year": "2017"}
    assert author.post(change_url(cited), data).status_code == 403
    assert Reference.objects.get(pk=cited.pk).title == "Kinesiology"


def test_an_author_may_change_a_reference_only_drafts_cite(author, cited):
    make_article("A draft", status=Article.Status.DRAFT, sections=[("S", "[@neumann2017]")])
    page = BeautifulSoup(author.get(change_url(cited)).content, "html.parser")
    assert page.select_one("input[name=title]")["value"] == "Kinesiology"
    assert not page.select(".messagelist li")


def test_a_scheduled_article_guards_its_references_too(author, cited):
    make_article("Next week", days_ago=-7, sections=[("S", "[@neumann2017]")])
    assert author.post(change_url(cited), {"title": "Changed"}).status_code == 403


def test_an_authors_import_that_would_change_a_published_page_is_refused_naming_it(author, cited):
    make_article("Walking and feet", sections=[("S", "[@neumann2017]")])
    response = author.post(IMPORT, {"text": CSL % "Kinesiology, revised", "format": "json"})
    error = BeautifulSoup(response.content, "html.parser").select_one(".errornote").get_text()
    assert error == (
        "pasted text: entry 1 (id 'neumann2017'): this would change the reference 'neumann2017', which published "
        "articles show (“Walking and feet”); only an Editor can change it, as the change appears on their pages. "
        "Nothing was imported."
    )
    confirm = author.post(IMPORT, {"confirm": "1", "content": CSL % "Kinesiology, revised", "fmt": "json",
                                   "source": "pasted text"})  # fmt: skip
    assert confirm.status_code == 200
    assert Reference.objects.get(pk=cited.pk).title == "Kinesiology"


def test_an_editors_import_preview_names_the_published_pages_it_changes(editor, cited):
    article = make_article("Walking and feet", sections=[("S", "[@neumann2017]")])
    make_article("A draft", status=Article.Status.DRAFT, sections=[("S", "[@neumann2017]")])
    page = BeautifulSoup(editor.post(IMPORT, {"text": CSL % "Kinesiology, revised", "format": "json"}).content,
                         "html.parser")  # fmt: skip
    row = page.select_one("tr.import-updated td")
    assert (
        " ".join(row.get_text(" ").split()) == "Will be updated: title Changes the published pages of: Walking and feet"
    )
    assert [a["href"] for a in row.select("a")] == [article.get_absolute_url()]


def test_a_change_to_a_cited_reference_is_recorded_in_the_articles_history(
    admin_client, cited, django_capture_on_commit_callbacks
):
    article = make_article("Walking and feet", sections=[("S", "[@neumann2017]")])
    unrelated = make_article("Knees", sections=[("S", "No citations.")])
    with django_capture_on_commit_callbacks(execute=True):
        cited.title = "Kinesiology of the musculoskeletal system"
        cited.save()
    versions = Version.objects.get_for_object(article)
    assert [v.revision.comment for v in versions] == [
        "The reference list changed: the reference neumann2017 was edited."
    ]
    assert "Kinesiology of the musculoskeletal system" in versions[0].field_dict["references_html"]
    assert not Version.objects.get_for_object(unrelated).exists()


def test_comparing_revisions_shows_the_reference_list_as_readers_saw_it(
    admin_client, cited, django_capture_on_commit_callbacks
):
    article = make_article("Walking and feet", sections=[("S", "[@neumann2017]")])
    for title in ("First title", "Second title"):
        with django_capture_on_commit_callbacks(execute=True):
            cited.title = title
            cited.save()
    older, newer = reversed(Version.objects.get_for_object(article))
    url = f"/admin/articles/article/{article.pk}/history/compare/?from={older.pk}&to={newer.pk}"
    soup = BeautifulSoup(admin_client.get(url).content, "html.parser")
    assert [label.get_text() for label in soup.select(".change-label")] == ["Reference list (as shown)"]
    # Word by word: the entry reads once, the changed word marked.
    assert soup.select_one(".diff").get_text() == "Neumann, D.A. (2017) FirstSecond title."
    assert [(s.name, s.get_text()) for s in soup.select(".diff del, .diff ins")] == [
        ("del", "First"),
        ("ins", "Second"),
    ]


def test_the_history_names_who_changed_the_reference(
    editor, cited, django_user_model, django_capture_on_commit_callbacks
):
    article = make_article("Walking and feet", sections=[("S", "[@neumann2017]")])
    data = {
        "key": "neumann2017", "kind": "book", "year": "2017", "title": "Kinesiology, second look",
        "accessed_precision": "day",
        "contributors-TOTAL_FORMS": "1", "contributors-INITIAL_FORMS": "1",
        "contributors-0-id": str(cited.contributors.get().pk), "contributors-0-reference": str(cited.pk),
        "contributors-0-position": "0", "contributors-0-role": "author", "contributors-0-surname": "Neumann",
        "contributors-0-initials": "D.A.",
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(change_url(cited), data)
    assert response.status_code == 302, BeautifulSoup(response.content, "html.parser").select(".errorlist")
    version = Version.objects.get_for_object(article).get()
    assert version.revision.user == django_user_model.objects.get(username="editor")
    assert version.revision.comment == "The reference list changed: the reference neumann2017 was edited."


def test_a_change_rolled_back_leaves_no_name_on_the_next_one(
    cited, django_user_model, django_capture_on_commit_callbacks
):
    from django.db import transaction

    from references.signals import changes_by

    article = make_article("Walking and feet", sections=[("S", "[@neumann2017]")])
    someone = django_user_model.objects.create_user("someone", is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        with changes_by(someone), pytest.raises(RuntimeError), transaction.atomic():
            cited.title = "Never saved"
            cited.save()
            raise RuntimeError("the save fails: nothing is committed")
        cited.title = "Changed outside the admin"
        cited.save()
    version = Version.objects.get_for_object(article).get()
    assert version.revision.user is None
    assert "Changed outside the admin" in version.field_dict["references_html"]
