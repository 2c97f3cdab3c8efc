"""import_references and import_article: idempotent, all-or-nothing, precise about errors."""

import json

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, KeyPoint, Section
from references.models import Contributor, Reference
from tests.factories import GAIT_SLUG, make_practitioner

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def alex(db):
    """The practitioner ARTICLE names as its author."""
    return make_practitioner("Alex Morgan", slug="alex-morgan")


VALID_ITEM = {
    "id": "doe2020",
    "type": "book",
    "author": [{"family": "Doe", "given": "J."}],
    "issued": {"date-parts": [[2020]]},
    "title": "A Book",
}
ARTICLE = """---
title: A test article
slug: a-test-article
summary: A summary.
status: published
published_at: 2024-01-02T10:00:00+00:00
key_points:
  - First point
authors: [alex-morgan]
---
Intro text.

## First section

Body one.

## Second section

Body two.
"""


def run(*args):
    call_command(*args, stdout=open("/dev/null", "w"))


def snapshot():
    return (
        list(Reference.objects.values()),
        list(Contributor.objects.values()),
        list(Article.objects.values()),
        list(Section.objects.values()),
        list(KeyPoint.objects.values()),
    )


def test_demo_content_twice_changes_nothing(demo_content):
    before = snapshot()
    call_command("load_demo_content", stdout=open("/dev/null", "w"))
    assert snapshot() == before
    assert Reference.objects.count() == 12 and Article.objects.count() == 3


def test_import_references_reports_unchanged_the_second_time(tmp_path, capsys):
    path = tmp_path / "refs.json"
    path.write_text(json.dumps([VALID_ITEM]))
    call_command("import_references", str(path))
    call_command("import_references", str(path))
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith("1 created, 0 updated, 0 unchanged.")
    assert out[1].endswith("0 created, 0 updated, 1 unchanged.")


def test_import_references_updates_a_changed_entry(tmp_path):
    path = tmp_path / "refs.json"
    path.write_text(json.dumps([VALID_ITEM]))
    run("import_references", str(path))
    path.write_text(json.dumps([{**VALID_ITEM, "title": "A Better Title", "author": [{"literal": "NHS England"}]}]))
    run("import_references", str(path))
    reference = Reference.objects.get(key="doe2020")
    assert reference.title == "A Better Title"
    assert [c.organisation for c in reference.contributors.all()] == ["NHS England"]


def test_broken_json_names_the_line_and_saves_nothing(tmp_path):
    path = tmp_path / "refs.json"
    path.write_text('[\n  {"id": "a", "type": "book", "title": "T"},\n  {"id": "b" "type": "book"}\n]')
    with pytest.raises(CommandError, match="line 3"):
        run("import_references", str(path))
    assert Reference.objects.count() == 0


def test_an_invalid_entry_names_the_entry_and_field_and_saves_nothing(tmp_path):
    path = tmp_path / "refs.json"
    path.write_text(json.dumps([VALID_ITEM, {"id": "bad", "type": "legal_case", "title": "T"}]))
    with pytest.raises(CommandError, match=r"entry 2 \(id 'bad'\), field 'type'"):
        run("import_references", str(path))
    assert Reference.objects.count() == 0


def test_an_entry_failing_model_validation_after_a_valid_one_saves_nothing(tmp_path):
    path = tmp_path / "refs.json"
    bad = {**VALID_ITEM, "id": "has space", "title": "T"}
    path.write_text(json.dumps([VALID_ITEM, bad]))
    with pytest.raises(CommandError, match="field 'key'"):
        run("import_references", str(path))
    assert Reference.objects.count() == 0


def test_an_address_no_browser_follows_is_refused_saying_which_are_taken(tmp_path):
    path = tmp_path / "refs.json"
    path.write_text(json.dumps([{**VALID_ITEM, "URL": "javascript:alert(1)"}]))
    with pytest.raises(CommandError) as refused:
        run("import_references", str(path))
    # One message (URLField's own "Enter a valid URL." is not said beside it), one full stop.
    assert str(refused.value) == (
        f"{path}: entry 1 (id 'doe2020'): field 'url': Enter a web address starting with http:// or https://. "
        "Nothing was imported."
    )
    assert Reference.objects.count() == 0


def test_a_draft_is_imported_before_it_has_a_summary(tmp_path):
    draft = ARTICLE.replace("summary: A summary.\n", "").replace("status: published", "status: draft")
    run("import_article", str(write_article(tmp_path, draft)))
    assert Article.objects.values_list("status", "summary").get(slug="a-test-article") == ("draft", "")


def test_a_code_block_keeps_its_lines_whatever_other_fence_they_hold(tmp_path):
    """A "```" line inside a "~~~" block ended the block for the importer, and its "## " line began a section."""
    example = "~~~markdown\n```\n## Not a section\n```\n~~~"
    run("import_article", str(write_article(tmp_path, ARTICLE.replace("Intro text.", f"Intro text.\n\n{example}"))))
    article = Article.objects.get(slug="a-test-article")
    assert [s.heading for s in article.sections.all()] == ["First section", "Second section"]
    assert article.intro == f"Intro text.\n\n{example}"


@pytest.mark.parametrize("not_a_fence", ["```x``` inline code", "```\nnever closed"])
def test_a_line_python_markdown_reads_as_no_fence_keeps_the_sections_after_it(tmp_path, not_a_fence):
    text = ARTICLE.replace("Body one.", f"Body one.\n\n{not_a_fence}")
    run("import_article", str(write_article(tmp_path, text)))
    article = Article.objects.get(slug="a-test-article")
    assert [s.heading for s in article.sections.all()] == ["First section", "Second section"]


def write_article(tmp_path, text=ARTICLE):
    path = tmp_path / "article.md"
    path.write_text(text, encoding="utf-8")
    return path


def test_import_article_twice_changes_nothing(tmp_path, capsys):
    path = write_article(tmp_path)
    call_command("import_article", str(path))
    before = snapshot()
    call_command("import_article", str(path))
    assert snapshot() == before
    assert capsys.readouterr().out.splitlines()[-1].endswith("unchanged.")
    article = Article.objects.get(slug="a-test-article")
    assert [s.heading for s in article.sections.all()] == ["First section", "Second section"]
    assert article.intro_html == "<p>Intro text.</p>"


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        (ARTICLE.replace("title: A test article", "title: [unclosed"), r"line \d+: invalid YAML"),
        (ARTICLE.replace("status: published", "status: live"), r"line 5, field 'status'"),
        (ARTICLE.replace("summary: A summary.\n", ""), r"field 'summary': required unless the article is a draft"),
        (ARTICLE.replace("summary: A summary.", "summary: ' '"), r"line 4, field 'summary': required unless"),
        (
            ARTICLE.replace("published_at: 2024-01-02T10:00:00+00:00", "published_at: soon"),
            r"line 6, field 'published_at'",
        ),
        (
            ARTICLE.replace("published_at: 2024-01-02T10:00:00+00:00", "published_at: 2024-02-30T00:00:00Z"),
            r"line 6, field 'published_at'",  # no 30 February: said of the field, not a traceback
        ),
        (ARTICLE.replace("## Second section", "# Second section"), r"line 17: use '## '"),
        (
            ARTICLE.replace("Body two.", "As shown (Nobody, 1999)."),
            r"“\(Nobody, 1999\)” in the section “Second section” matches no reference",
        ),
        (ARTICLE.replace("authors: [alex-morgan]", "authors: [nobody]"), r"field 'authors': no practitioner .*nobody"),
        (ARTICLE.replace("authors: [alex-morgan]\n", ""), r"field 'authors': a published article needs"),
        (
            ARTICLE.replace("Body two.", "![](/media/x.png)"),
            r"The image “/media/x.png” in the section “Second section” has no alt",
        ),
        (ARTICLE.replace("key_points:", "topics: ['???']\nkey_points:"), r"field 'topics'"),
        (ARTICLE.replace("  - First point", "  - " + "x" * 301), r"key point 1: field 'text'"),
        (ARTICLE.replace("## First section", "## " + "h" * 201), r"field 'heading'"),
    ],
)
def test_a_broken_article_file_saves_nothing_and_says_where(tmp_path, broken, expected):
    with pytest.raises(CommandError, match=expected):
        run("import_article", str(write_article(tmp_path, broken)))
    assert (Article.objects.count(), Section.objects.count(), KeyPoint.objects.count()) == (0, 0, 0)


def test_an_article_edited_since_import_is_not_overwritten_without_force(tmp_path):
    path = write_article(tmp_path)
    run("import_article", str(path))
    Article.objects.filter(slug="a-test-article").update(title="Edited in the admin")
    path.write_text(ARTICLE.replace("Body two.", "Body two, revised."), encoding="utf-8")
    with pytest.raises(CommandError, match="changed in the admin since it was last imported"):
        run("import_article", str(path))
    assert Article.objects.get(slug="a-test-article").title == "Edited in the admin"
    run("import_article", str(path), "--force")
    article = Article.objects.get(slug="a-test-article")
    assert article.title == "A test article"
    assert article.sections.get(position=2).body == "Body two, revised."


def test_an_unedited_article_is_updated_from_a_changed_file(tmp_path):
    path = write_article(tmp_path)
    run("import_article", str(path))
    path.write_text(ARTICLE.replace("Body one.", "Body one, revised."), encoding="utf-8")
    run("import_article", str(path))
    assert Article.objects.get(slug="a-test-article").sections.get(position=1).body == "Body one, revised."


def test_demo_articles_are_kept_when_edited(demo_content):
    Article.objects.filter(slug=GAIT_SLUG).update(subtitle="Changed by a practitioner")
    call_command("load_demo_content", stdout=open("/dev/null", "w"))
    assert Article.objects.get(slug=GAIT_SLUG).subtitle == "Changed by a practitioner"


def test_render_articles_renders_everything_again(demo_content, capsys):
    Article.objects.update(intro_html="", search_document="")
    call_command("render_articles")
    assert capsys.readouterr().out.strip().endswith("Rendered 3 articles.")
    gait = Article.objects.get(slug=GAIT_SLUG)
    assert gait.intro_html.startswith("<p>Many people come to The Body Lab frustrated.</p>")
    assert "Walking isn’t controlled by one muscle or one joint." in gait.search_document


def with_sections(total):
    """ARTICLE (two sections) with more sections after them, `total` in all."""
    return ARTICLE + "".join(f"\n## Extra {n}\n\nText {n}.\n" for n in range(3, total + 1))


def with_front_matter(name, values):
    return ARTICLE.replace("authors: [alex-morgan]", f"{name}: [{', '.join(values)}]")


def test_an_article_file_with_as_many_rows_as_the_admin_allows_imports(tmp_path):
    for n in range(2, 13):
        make_practitioner(f"Author {n}", slug=f"author-{n}")
    text = with_front_matter("authors", ["alex-morgan", *(f"author-{n}" for n in range(2, 13))])
    text = text.replace("  - First point\n", "".join(f"  - Point {n}\n" for n in range(1, 21)))
    text += "".join(f"\n## Extra {n}\n\nText {n}.\n" for n in range(3, 61))
    run("import_article", str(write_article(tmp_path, text)))
    article = Article.objects.get(slug="a-test-article")
    assert (article.sections.count(), article.key_points.count(), article.authorships.count()) == (60, 20, 12)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            with_sections(61),
            "line {line}: a section more than an article may have (at most 60); merge sections or split the article",
        ),
        (
            ARTICLE.replace("  - First point\n", "".join(f"  - Point {n}\n" for n in range(21))),
            "line 7, field 'key_points': 21 key points; an article has at most 20",
        ),
        (
            with_front_matter("authors", [f"author-{n}" for n in range(13)]),
            "line 9, field 'authors': 13 authors; an article credits at most 12",
        ),
        (
            with_front_matter("authors", ["alex-morgan", "sam", "alex-morgan"]),
            "line 9, field 'authors': alex-morgan listed more than once",
        ),
    ],
    ids=["61 sections", "21 key points", "13 authors", "an author twice"],
)
def test_an_article_file_over_the_admins_caps_is_refused_naming_the_cap(tmp_path, text, message):
    """The admin's form refuses an article with more rows than these; an import must not make one it would."""
    path = write_article(tmp_path, text)
    line = text.split("\n").index("## Extra 61") + 1 if "## Extra 61" in text else None
    with pytest.raises(CommandError) as refused:
        run("import_article", str(path))
    assert str(refused.value) == f"{path}: {message.format(line=line)}. Nothing was saved."
    assert (Article.objects.count(), Section.objects.count(), KeyPoint.objects.count()) == (0, 0, 0)
