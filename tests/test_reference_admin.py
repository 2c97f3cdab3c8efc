"""The reference library in the admin: import with preview and confirm, export actions, Cited in, duplicates."""

import importlib

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from references import bibtex
from references.models import Contributor, Reference
from tests.factories import make_article, make_reference

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/references/reference/"
IMPORT = "/admin/references/reference/import/"
ADD = "/admin/references/reference/add/"

# Against the library below: one new, one updated, one unchanged, one a likely duplicate under a new key.
UPLOAD = r"""@article{new2021,
  author = {Okafor, N.},
  title = {Cadence and knee load},
  journal = {Gait \& Posture},
  year = {2021},
}

@article{changed2020,
  author = {Smith, A.},
  title = {A better title},
  journal = {Journal of Tests},
  volume = {1},
  pages = {1--2},
  year = {2020},
}

@article{same2020,
  author = {Jones, A.},
  title = {Unchanged work},
  journal = {Journal of Tests},
  volume = {1},
  pages = {1--2},
  year = {2020},
}

@article{twin2019,
  author = {Other, B.},
  title = {Looks different},
  year = {2019},
  doi = {10.1000/DUPLICATE},
}
"""


def staff_client(django_user_model, *codenames):
    user = django_user_model.objects.create_user("staff", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="references", codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def library():
    make_reference(key="changed2020", authors=("Smith",), title="Old title", container_title="Journal of Tests")
    same = make_reference(key="same2020", authors=("Jones",), title="Unchanged work")
    make_reference(key="original2019", authors=("Original",), year=2019, title="First", doi="10.1000/duplicate")
    # The same contributor as a file gives: initials as the file has them.
    Contributor.objects.filter(reference=same).update(initials="A.")
    return snapshot()


def snapshot():
    return list(Reference.objects.values_list("key", "title")), list(Contributor.objects.values_list())


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def preview_rows(page):
    return {
        row.select("td")[1].get_text(strip=True): " ".join(row.select("td")[0].get_text().split())
        for row in page.select("#import-preview tbody tr")
    }


def confirm_data(page):
    form = page.find("input", {"name": "confirm"}).find_parent("form")
    return {field["name"]: field.get("value", "") for field in form.select("input[name]")}


def messages_of(response):
    return [" ".join(m.get_text().split()) for m in soup(response).select(".messagelist li")]


# Import


def test_changelist_offers_import_to_those_who_may_add(admin_client, django_user_model):
    assert soup(admin_client.get(CHANGELIST)).find("a", href=IMPORT, string="Import references")
    viewer = staff_client(django_user_model, "view_reference")
    assert not soup(viewer.get(CHANGELIST)).find("a", href=IMPORT)
    assert viewer.get(IMPORT).status_code == 403
    assert viewer.post(IMPORT, {"text": UPLOAD, "format": "bib"}).status_code == 403


def test_preview_shows_what_will_happen_and_saves_nothing(admin_client, library):
    response = admin_client.post(IMPORT, {"text": UPLOAD, "format": "auto"})
    assert response.status_code == 200
    page = soup(response)
    rows = preview_rows(page)
    assert rows["new2021"] == "Will be created"
    assert rows["changed2020"] == "Will be updated: title"
    assert rows["same2020"] == "Unchanged"
    assert rows["twin2019"].startswith("Skipped: likely duplicate of")
    assert page.select_one("#import-preview a")["href"] == (
        f"/admin/references/reference/{Reference.objects.get(key='original2019').pk}/change/"
    )
    summary = " ".join(page.select_one(".import-summary").get_text().split())
    assert summary.startswith("1 to create, 1 to update, 1 unchanged, 1 skipped as likely duplicates.")
    assert summary.endswith("Nothing has been saved yet.")
    assert snapshot() == library


def test_confirm_imports_the_previewed_text(admin_client, library):
    page = soup(admin_client.post(IMPORT, {"text": UPLOAD, "format": "auto"}))
    response = admin_client.post(IMPORT, confirm_data(page), follow=True)
    assert response.redirect_chain[-1][0] == CHANGELIST
    assert messages_of(response) == [
        "Imported pasted text: 1 created, 1 updated, 1 unchanged, 1 skipped as likely duplicates."
    ]
    assert Reference.objects.get(key="new2021").title == "Cadence and knee load"
    assert Reference.objects.get(key="changed2020").title == "A better title"
    assert not Reference.objects.filter(key="twin2019").exists()


def test_a_file_with_a_very_long_name_imports_on_confirm(admin_client, library):
    """The name is kept for the messages in a hidden field of 200 characters: shortened, start and extension."""
    name = "zotero-export-" + "x" * 300 + ".bib"
    upload = SimpleUploadedFile(name, UPLOAD.encode(), "text/plain")
    page = soup(admin_client.post(IMPORT, {"file": upload, "format": "auto"}))
    response = admin_client.post(IMPORT, confirm_data(page), follow=True)
    assert response.redirect_chain[-1][0] == CHANGELIST
    shortened = name[:99] + "…" + name[-100:]
    assert messages_of(response) == [
        f"Imported {shortened}: 1 created, 1 updated, 1 unchanged, 1 skipped as likely duplicates."
    ]
    assert Reference.objects.filter(key="new2021").exists()


def test_confirm_reads_the_text_again_rather_than_trusting_the_form(admin_client, library):
    """Whatever the browser sends back is parsed and checked again, as on the first post."""
    page = soup(admin_client.post(IMPORT, {"text": UPLOAD, "format": "auto"}))
    data = confirm_data(page)
    data["content"] = data["content"].replace("@article{new2021,", "@article{new2021")
    response = admin_client.post(IMPORT, data)
    assert response.status_code == 200
    assert "line 1: expected ',' after the key 'new2021'" in soup(response).select_one(".errornote").get_text()
    assert snapshot() == library


def test_uploaded_ris_file_is_detected_by_its_extension(admin_client):
    upload = SimpleUploadedFile("export.ris", b"\xef\xbb\xbfTY  - BOOK\r\nID  - book2022\r\nTI  - A book\r\nER  - \r\n")
    page = soup(admin_client.post(IMPORT, {"file": upload, "format": "auto"}))
    assert preview_rows(page) == {"book2022": "Will be created"}
    response = admin_client.post(IMPORT, confirm_data(page), follow=True)
    assert messages_of(response)[0].startswith("Imported export.ris: 1 created")
    assert Reference.objects.get(key="book2022").kind == "book"


def test_a_parse_error_names_the_line_and_saves_nothing(admin_client, library):
    broken = UPLOAD.replace("  title = {A better title},\n", "  title = {A better title}\n")
    response = admin_client.post(IMPORT, {"text": broken, "format": "bib"})
    error = soup(response).select_one(".errornote").get_text(" ", strip=True)
    assert "pasted text: line 10: expected ',' or '}' after the value of 'title'" in error
    assert "Nothing was imported" in error
    assert not soup(response).find("input", {"name": "confirm"})
    assert snapshot() == library


def test_an_unrecognisable_text_asks_for_the_format(admin_client):
    response = admin_client.post(IMPORT, {"text": "just some words", "format": "auto"})
    assert "Cannot tell which format this is" in response.content.decode()
    assert Reference.objects.count() == 0


def test_staff_who_may_add_but_not_change_cannot_update_by_import(django_user_model, library):
    adder = staff_client(django_user_model, "add_reference", "view_reference")
    response = adder.post(IMPORT, {"text": UPLOAD, "format": "bib"})
    error = soup(response).select_one(".errornote").get_text()
    assert "line 8 (entry 'changed2020'): this would change the existing reference 'changed2020'" in error
    assert not soup(response).find("input", {"name": "confirm"})
    assert snapshot() == library


# Export actions


@pytest.mark.parametrize(
    ("action", "filename", "key_marker"),
    [
        ("export_bibtex", "references.bib", "@article{changed2020,"),
        ("export_ris", "references.ris", "ID  - changed2020"),
        ("export_csl_json", "references.json", '"id": "changed2020"'),
    ],
)
def test_export_actions_download_the_selected_references(admin_client, library, action, filename, key_marker):
    selected = Reference.objects.get(key="changed2020")
    response = admin_client.post(CHANGELIST, {"action": action, "_selected_action": [selected.pk]})
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    text = response.content.decode()
    assert key_marker in text and "same2020" not in text


def test_bibtex_export_action_round_trips_through_import(admin_client, library):
    every = [r.pk for r in Reference.objects.all()]
    text = admin_client.post(CHANGELIST, {"action": "export_bibtex", "_selected_action": every}).content.decode()
    assert len(bibtex.parse(text)) == 3
    rows = preview_rows(soup(admin_client.post(IMPORT, {"text": text, "format": "auto"})))
    assert set(rows.values()) == {"Unchanged"}


# Cited in


def test_cited_in_shows_the_articles_citing_a_reference(admin_client):
    reference = make_reference(key="cited2020", authors=("Cited",))
    make_article("Gait basics", days_ago=2, sections=(("S", "As shown [@cited2020]."),))
    make_article("Knee draft", days_ago=3, status="draft", sections=(("S", "See [@cited2020]."),))
    change = soup(admin_client.get(f"/admin/references/reference/{reference.pk}/change/"))
    cited_in = change.select_one(".field-cited_in .readonly")
    assert [a.get_text() for a in cited_in.select("a")] == ["Gait basics", "Knee draft"]
    assert "(not public)" in cited_in.get_text()
    column = soup(admin_client.get(CHANGELIST)).select_one("#result_list td.field-cited_in")
    assert "Gait basics" in column.get_text()


def test_cited_in_on_the_add_form_is_empty(admin_client):
    assert admin_client.get(ADD).status_code == 200


# Duplicate warning


def reference_form(key, title, doi="", surname="Smith"):
    return {
        "key": key,
        "kind": "article-journal",
        "year": "2020",
        "title": title,
        "container_title": "Journal of Tests",
        "doi": doi,
        "contributors-TOTAL_FORMS": "1",
        "contributors-INITIAL_FORMS": "0",
        "contributors-MIN_NUM_FORMS": "0",
        "contributors-MAX_NUM_FORMS": "1000",
        "contributors-0-position": "0",
        "contributors-0-role": "author",
        "contributors-0-surname": surname,
        "contributors-0-initials": "J.",
    }


def test_saving_a_likely_duplicate_warns_and_names_the_other(admin_client):
    make_reference(key="smith2020", authors=("Smith",), title="Walking: a review")
    response = admin_client.post(ADD, reference_form("smith2020b", "Walking — A Review"), follow=True)
    assert Reference.objects.filter(key="smith2020b").exists()
    warning = soup(response).select_one(".messagelist .warning")
    assert "“smith2020b” looks like a duplicate of" in warning.get_text()
    assert warning.a.get_text().startswith("Smith, 2020")


def test_saving_a_work_with_the_same_doi_warns(admin_client):
    make_reference(key="first", authors=("Jones",), title="Another", doi="10.1000/ABC")
    response = admin_client.post(ADD, reference_form("second", "Different", doi="10.1000/abc"), follow=True)
    assert "looks like a duplicate of" in soup(response).select_one(".messagelist .warning").get_text()


def test_saving_a_distinct_work_does_not_warn(admin_client):
    make_reference(key="smith2020", authors=("Smith",), title="Walking: a review")
    response = admin_client.post(ADD, reference_form("smith2020b", "Running: a review"), follow=True)
    assert Reference.objects.filter(key="smith2020b").exists()
    assert not soup(response).select(".messagelist .warning")


def test_keys_saved_before_the_rule_are_renamed_to_keys_citations_can_name(db):
    """Migration 0008: "trail." (no citation could name it) becomes "trail", or "trail_2" if that is taken."""
    from django.apps import apps

    rename_keys = importlib.import_module("references.migrations.0008_keys_citations_can_name").rename_keys
    make_reference(key="trail")
    for key in ("trail.", "other-", "fine2019"):  # saved without the model's checks, as before the rule
        Reference.objects.filter(pk=make_reference().pk).update(key=key)
    rename_keys(apps, None)
    assert sorted(Reference.objects.values_list("key", flat=True)) == ["fine2019", "other", "trail", "trail_2"]
