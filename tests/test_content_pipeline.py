"""The content pipeline: every way of citing links or is reported, in reading order, never inside code."""

import re
import sys
import time

import markdown
import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from django.utils.html import escape

from content import pipeline
from references.citations import Library
from tests.factories import make_article, make_reference
from tests.helpers import markdown_html, render_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def library():
    refs = [
        make_reference(key="neumann2017", authors=("Neumann",), year=2017, kind="book", title="Kinesiology"),
        make_reference(key="vanderworp2015", authors=("van der Worp", "de Vos"), year=2015, title="Patellar"),
        make_reference(key="nhs-a", authors=(("org", "NHS"),), year=None, kind="webpage", title="Heel pain"),
        make_reference(key="nhs-b", authors=(("org", "NHS"),), year=None, kind="webpage", title="Knee pain"),
        make_reference(key="riel-a", authors=("Riel",), year=2019, title="Arches"),
        make_reference(key="riel-b", authors=("Riel",), year=2019, title="Bones"),
        make_reference(key="obrien2018", authors=("O'Brien",), year=2018, title="Gait"),
        make_reference(key="kjaer2009", authors=("Kjær", "Langberg", "Heinemeier", "Bayer"), year=2009, title="T"),
        make_reference(key="moore2023", authors=("Moore", "Dalley", "Agur"), year=2023, kind="book", title="Anatomy"),
        make_reference(
            key="nice2022", authors=(("org", "National Institute for Health and Care Excellence"),), year=2022,
            kind="report", title="Osteoarthritis",
        ),
    ]  # fmt: skip
    return Library.load(), {ref.key: ref for ref in refs}


def citations(html):
    """(link text, href) of every citation, in reading order."""
    soup = BeautifulSoup(html, "html.parser")
    return [(a.get_text(), a["href"].removeprefix("#ref-")) for a in soup.select("a.citation")]


def text_of(html):
    soup = BeautifulSoup(html, "html.parser")
    for card in soup.select(".cite-card"):
        card.extract()
    return " ".join(soup.get_text().split())


@pytest.mark.parametrize(
    ("written", "reads", "links"),
    [
        ("Neumann (2017) says.", "Neumann (2017) says.", [("2017", "neumann2017")]),
        ("(Neumann 2017)", "(Neumann, 2017)", [("Neumann, 2017", "neumann2017")]),
        ("(see Neumann, 2017)", "(see Neumann, 2017)", [("Neumann, 2017", "neumann2017")]),
        ("(e.g. Neumann, 2017)", "(e.g. Neumann, 2017)", [("Neumann, 2017", "neumann2017")]),
        ("(cf. Neumann, 2017)", "(cf. Neumann, 2017)", [("Neumann, 2017", "neumann2017")]),
        ("(for example, Neumann, 2017)", "(for example, Neumann, 2017)", [("Neumann, 2017", "neumann2017")]),
        (
            "(van der Worp and de Vos, 2015)",
            "(van der Worp and de Vos, 2015)",
            [("van der Worp and de Vos, 2015", "vanderworp2015")],
        ),
        ("(van der Worp & de Vos 2015)", "(van der Worp and de Vos, 2015)", None),
        ("As van der Worp and de Vos (2015) show.", "As van der Worp and de Vos (2015) show.", None),
        ("(NHS, no date a) and (NHS, n.d. b)", "(NHS, no date a) and (NHS, no date b)", None),
        ("(Riel, 2019a, 2019b)", "(Riel, 2019a, 2019b)", [("Riel, 2019a", "riel-a"), ("2019b", "riel-b")]),
        ("Riel (2019a, 2019b) found.", "Riel (2019a, 2019b) found.", [("2019a", "riel-a"), ("2019b", "riel-b")]),
        ("(O’Brien, 2018)", "(O'Brien, 2018)", [("O'Brien, 2018", "obrien2018")]),
        ("**Neumann (2017)** says.", "Neumann (2017) says.", [("2017", "neumann2017")]),  # in bold, whole
        ("As _O’Brien (2018)_ found.", "As O’Brien (2018) found.", [("2018", "obrien2018")]),
        ("(Kjaer et al 2009)", "(Kjær et al., 2009)", [("Kjær et al., 2009", "kjaer2009")]),
        ("(Kjær et al., 2009; Moore, Dalley & Agur, 2023)", "(Kjær et al., 2009; Moore, Dalley and Agur, 2023)", None),
        ("(Moore et al., 2023)", "(Moore, Dalley and Agur, 2023)", [("Moore, Dalley and Agur, 2023", "moore2023")]),
        ("Neumann’s (2017) book.", "Neumann’s (2017) book.", [("2017", "neumann2017")]),
        ("[@kapandji, 88]".replace("kapandji", "neumann2017"), "(Neumann, 2017, p. 88)", None),
        ("(Neumann, 2017, pp. 33-35)", "(Neumann, 2017, pp. 33–35)", None),
        ("[see @neumann2017, p. 45; -@moore2023]", "(see Neumann, 2017, p. 45; 2023)", None),
        ("As @neumann2017 [p. 4] says.", "As Neumann (2017, p. 4) says.", None),
        ("@neumann2017’s book", "Neumann’s (2017) book", [("2017", "neumann2017")]),
        ("(Neumann, 2017: 45)", "(Neumann, 2017, p. 45)", None),
        ("Neumann (2017: 4) says", "Neumann (2017, p. 4) says", None),
        ("Neumann\n(2017) says", "Neumann (2017) says", [("2017", "neumann2017")]),
        ("(Neumann,\n2017)", "(Neumann, 2017)", [("Neumann, 2017", "neumann2017")]),
        (
            "(National Institute for Health and Care Excellence (NICE), 2022)",
            "(National Institute for Health and Care Excellence, 2022)",
            [("National Institute for Health and Care Excellence, 2022", "nice2022")],
        ),
        (
            "(Neumann, 2017; personal communication)",
            "(Neumann, 2017; personal communication)",
            [("Neumann, 2017", "neumann2017")],
        ),
    ],
)
def test_every_harvard_form_links_to_the_work_it_means(library, written, reads, links):
    html, problems = render_text(written, library[0])
    assert problems == []
    assert text_of(html) == reads
    if links is not None:
        assert citations(html) == links


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        (
            "(Neumann, 2016)",
            "The citation “(Neumann, 2016)” in the text matches no reference: did you mean Neumann, 2017?",
        ),
        (
            "Neuman (2017) says",
            "The citation “Neuman (2017)” in the text matches no reference: did you mean Neumann, 2017?",
        ),
        (
            "(Nobody, 1999)",
            "The citation “(Nobody, 1999)” in the text matches no reference: add the work with “Cite a reference” "
            "and then “Add a new reference…”, or put a backslash before it if it is no citation",
        ),
        ("[@neuman2017]", "Unknown reference key “@neuman2017” in the text: did you mean @neumann2017?"),
        (
            "(Riel, 2019)",
            "The citation “(Riel, 2019)” in the text matches 2 references: cite the one you mean by its key, "
            "[@riel-a] (“Arches”) or [@riel-b] (“Bones”)",
        ),
        (
            "(Riel, 2019b)",  # only one of the two is cited: its letter cannot be told apart in this list
            "The citation “(Riel, 2019b)” in the text matches 2 references: cite the one you mean by its key, "
            "[@riel-a] (“Arches”) or [@riel-b] (“Bones”)",
        ),
        (
            "(Neumann, 2017, Moore, 2023)",
            "“(Neumann, 2017, Moore, 2023)” in the text looks like a citation but cannot be read: "
            "write it as (Author, year), separate works with “;”, and keep links, code and notes apart",
        ),
        (
            "Brown and Neumann (2017) found",  # Neumann's own 2017 work is not Brown and Neumann's
            "The citation “Brown and Neumann (2017)” in the text matches no reference: add the work with “Cite a "
            "reference” and then “Add a new reference…”, or put a backslash before it if it is no citation",
        ),
        (
            "(Neumann, 2017a)",
            "The citation “(Neumann, 2017a)” in the text has a year letter, but only one work is Neumann, 2017: "
            "write it without",
        ),
        (
            "(Neumann 2017 p. 4)",
            "“(Neumann 2017 p. 4)” in the text looks like a citation but cannot be read: write it as (Author, year), "
            "separate works with “;”, and keep links, code and notes apart",
        ),
        (
            "(Neumann, in press)",
            "“(Neumann, in press)” in the text looks like a citation but cannot be read: write it as (Author, year), "
            "separate works with “;”, and keep links, code and notes apart",
        ),
        (
            "(<b>Neumann</b>, 2017)",
            "“(…Neumann…, 2017)” in the text looks like a citation but cannot be read: write it as "
            "(Author, year), separate works with “;”, and keep links, code and notes apart",
        ),
        (
            "a *pilot* (2017) and **Neumann** (2017) says",  # an emphasised word of prose is no name
            "“Neumann** (2017)” in the text looks like a citation but cannot be read: put the emphasis around the "
            "whole citation, as **Neumann (2017)**, or leave it out",
        ),
        (
            "[Neumann (2017)](https://example.org)",
            "The citation “Neumann (2017)” in the text is inside a link: a link cannot also open the reference, "
            "so take the citation out of the link text",
        ),
        (
            '<a href="https://example.org">see (Neumann, 2017)</a>',  # the author's own HTML link: no <a> in <a>
            "The citation “(Neumann, 2017)” in the text is inside a link: a link cannot also open the reference, "
            "so take the citation out of the link text",
        ),
        (
            '<a href="https://example.org"><em>[@neumann2017]</em></a>',
            "The citation “[@neumann2017]” in the text is inside a link: a link cannot also open the reference, "
            "so take the citation out of the link text",
        ),
    ],
)
def test_a_citation_that_cannot_be_linked_is_reported_naming_it_and_where(library, written, problem):
    html, problems = render_text(written, library[0])
    assert problems == [problem]
    assert citations(html) == []


@pytest.mark.parametrize(
    "written",
    [
        "`(Neumann, 2017)` and `[@neumann2017]`",
        "```\n(Neumann, 2017) [@neumann2017] @neumann2017\n```",
        "    (Neumann, 2017) indented code",
        r"\(Neumann, 2017) \[@neumann2017] \@neumann2017",
        "(figure 2, for 2017 data) (in 2019, more) (between 2015 and 2019) (e.g. walking)",
        "Email info@neumann2017.org about it.",
        "<code>pronation (Neumann, 2017)</code> and <pre>[@neumann2017]</pre>",  # the author's own HTML code
    ],
)
def test_code_escapes_and_ordinary_parentheses_are_not_citations(library, written):
    html, problems = render_text(written, library[0])
    assert problems == [] and citations(html) == []


@pytest.mark.parametrize("typed", ["(Neumann, 2017)", "[@neumann2017]", "(Neumann 2017 p. 4)", "[@neumann2017 p]"])
def test_a_citation_in_the_author_s_own_html_code_stays_as_typed_in_the_code(library, typed):
    """Read or not, it is code: never linked, never reported (a broken one would have refused the save)."""
    html, problems = render_text(f"See <code>{typed}</code>.", library[0])
    assert (problems, html) == ([], f"<p>See <code>{escape(typed)}</code>.</p>")


def test_raw_code_is_followed_field_by_field(library):
    """A field with more raw tags before it than this one has, none of them code, reads this one's code right."""
    sources = [
        pipeline.Source("<b>a</b> <i>b</i> <b>c</b> (Neumann, 2017)", "field 1"),
        pipeline.Source("<code>(Neumann 2017 p. 4)</code> and (Neumann, 2017)", "field 2"),
    ]
    document = pipeline.render(sources, library[0])
    assert document.problems == []
    assert [citations(html) for html in document.html] == [[("Neumann, 2017", "neumann2017")]] * 2


@pytest.mark.parametrize(
    ("written", "reads", "html_has"),
    [
        ("(Neumann, 2017; see [NHS](https://www.nhs.uk))", "(Neumann, 2017; see NHS)", '<a href="https://www.nhs.uk">'),
        ("(Neumann, 2017; *personal communication*)", "(Neumann, 2017; personal communication)", "<em>personal"),
        ("(see [NHS](https://www.nhs.uk); Neumann, 2017)", "(see NHS; Neumann, 2017)", '<a href="https://www.nhs.uk">'),
    ],
)
def test_links_and_emphasis_beside_a_citation_in_the_same_parentheses_are_kept(library, written, reads, html_has):
    html, problems = render_text(written, library[0])
    assert problems == [] and "\x02" not in html and "\x03" not in html
    assert text_of(html) == reads and html_has in html
    assert citations(html) == [("Neumann, 2017", "neumann2017")]


def test_an_escaped_citation_reads_as_it_was_typed(library):
    html, _ = render_text(r"Write \(Neumann, 2017) or \[@neumann2017] or \@neumann2017.", library[0])
    assert text_of(html) == "Write (Neumann, 2017) or [@neumann2017] or @neumann2017."


def test_citations_are_the_same_in_paragraphs_lists_quotes_headings_and_key_points(library):
    document = pipeline.render(
        [
            pipeline.Source("A key point (Neumann, 2017)", "key point 1", inline=True),
            pipeline.Source("- item (Neumann, 2017)\n\n> quote (Neumann, 2017)\n\n### Head (Neumann, 2017)", "s"),
        ],
        library[0],
    )
    assert document.problems == []
    assert document.html[0].startswith('A key point (<span class="cite">')
    soup = BeautifulSoup(document.html[1], "html.parser")
    for selector in ("li", "blockquote", "h3"):
        assert soup.select_one(f"{selector} a.citation")["href"] == "#ref-neumann2017"


def test_back_links_follow_reading_order_across_every_form(library):
    html, _ = render_text("First @neumann2017 then (Neumann, 2017) then [@neumann2017].", library[0])
    ids = [a["id"] for a in BeautifulSoup(html, "html.parser").select("a.citation")]
    assert ids == ["cite-neumann2017-1", "cite-neumann2017-2", "cite-neumann2017-3"]


def test_back_links_continue_across_the_fields_of_an_article_in_page_order(library):
    document = pipeline.render(
        [pipeline.Source("[@neumann2017]", "the intro"), pipeline.Source("Neumann (2017) twice @neumann2017", "s")],
        library[0],
    )
    ids = [a["id"] for part in document.html for a in BeautifulSoup(part, "html.parser").select("a.citation")]
    assert ids == ["cite-neumann2017-1", "cite-neumann2017-2", "cite-neumann2017-3"]
    entry = BeautifulSoup(document.reference_list_html(), "html.parser")
    assert [a["href"] for a in entry.select(".backlinks a")] == [f"#cite-neumann2017-{n}" for n in (1, 2, 3)]


def test_a_timeline_shown_inside_a_code_fence_stays_code(library):
    sample = "````\n```timeline\nMuscle | 4–6 weeks\n```\n````"
    html, problems = render_text(sample, library[0])
    assert problems == [] and "figure" not in html
    assert BeautifulSoup(html, "html.parser").code.get_text() == "```timeline\nMuscle | 4–6 weeks\n```\n"
    chart, _ = render_text("```timeline\nMuscle | 4–6 weeks\n```", library[0])
    assert chart.startswith('<figure class="timeline">')


def test_a_timeline_block_never_closed_is_reported_not_shown_as_text(library):
    html, problems = render_text("Intro.\n\n```timeline\nMuscle | 4–6 weeks", library[0])
    assert problems == ["In the text, the timeline block begun on line 3 has no closing ``` line: end it with one"]


def test_every_bad_timeline_line_is_reported_at_once_with_its_line(library):
    _, problems = render_text("Intro.\n\n```timeline\nMuscle | soon\nTendon | 6–4 weeks\nBone | 8 weeks\n```")
    assert problems == [
        "In the text, the timeline block's line 1 (line 4 of the text): “Muscle | soon” should read "
        "“label | 4–6 weeks” (or “8–12+ weeks”, “3–6 months”); "
        "line 2 (line 5 of the text): the range ends before it starts"
    ]


def test_a_timeline_reads_months_as_well_as_weeks_on_one_weeks_scale(library):
    html, problems = render_text("```timeline\nBone | 3–6 months\nMuscle | 4 weeks\n```", library[0])
    assert problems == []
    soup = BeautifulSoup(html, "html.parser")
    assert [label.get_text() for label in soup.select(".timeline-label")] == ["Bone: 3 to 6 months", "Muscle: 4 weeks"]
    assert soup.select("svg")[0]["aria-label"] == "A bar from week 13 to week 26, on a scale of 0 to 28 weeks"


def test_year_letters_are_given_within_the_articles_own_list(library):
    _, refs = library
    document = pipeline.render([pipeline.Source("[@riel-b] and [@neumann2017]", "s")], library[0])
    assert text_of(document.html[0]) == "(Riel, 2019) and (Neumann, 2017)"
    both = pipeline.render([pipeline.Source("[@riel-b] then [@riel-a]", "s")], library[0])
    assert text_of(both.html[0]) == "(Riel, 2019b) then (Riel, 2019a)"
    further = pipeline.render([pipeline.Source("[@riel-b]", "s")], library[0], further_reading=[refs["riel-a"]])
    assert text_of(further.html[0]) == "(Riel, 2019b)"  # the list it is in holds Riel 2019a too


def test_importing_an_unrelated_work_never_changes_a_published_page(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_reference(key="riel-a", authors=("Riel",), year=2019, title="Arches")
        make_reference(key="riel-b", authors=("Riel",), year=2019, title="Bones")
    article = make_article(sections=[("S", "(Riel, 2019a, 2019b)")])
    before = client.get(article.get_absolute_url()).content
    with django_capture_on_commit_callbacks(execute=True):
        make_reference(key="riel-0", authors=("Riel",), year=2019, title="Aaa first in the list")
    assert client.get(article.get_absolute_url()).content == before


def test_after_an_unrelated_import_a_change_to_a_cited_work_keeps_the_pages_letters(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        arches = make_reference(key="riel-a", authors=("Riel",), year=2019, title="Arches")
        make_reference(key="riel-b", authors=("Riel",), year=2019, title="Bones")
    article = make_article(sections=[("S", "(Riel, 2019a, 2019b)")])
    with django_capture_on_commit_callbacks(execute=True):
        make_reference(key="riel-0", authors=("Riel",), year=2019, title="Aaa first in the list")
    with django_capture_on_commit_callbacks(execute=True):  # the page is rendered again, with its own letters
        arches.title = "Arches, revised"
        arches.save()
    page = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    assert text_of(str(page.select_one(".article-section p"))) == "(Riel, 2019a, 2019b)"
    entries = [" ".join(e.get_text().split()).split("’")[0] for e in page.select(".reference-entry")]
    assert entries == ["Riel, A. (2019a) ‘Arches, revised", "Riel, A. (2019b) ‘Bones"]


def test_one_save_renders_markdown_once_per_field_and_never_loads_the_whole_library(
    admin_client, neumann, monkeypatch, django_assert_max_num_queries
):
    """Only the works the text can cite are loaded (a CitedLibrary): the whole library is for misses."""
    from tests.test_admin import ADD_URL, add_form_data

    calls = {"convert": 0, "load": 0}
    convert, load = markdown.Markdown.convert, Library.load.__func__

    def counting_convert(self, source):
        calls["convert"] += 1
        return convert(self, source)

    def counting_load(cls):
        calls["load"] += 1
        return load(cls)

    monkeypatch.setattr(markdown.Markdown, "convert", counting_convert)
    monkeypatch.setattr(Library, "load", classmethod(counting_load))
    sections = [(str(n), f"Section {n}", f"Body {n} [@neumann2017].") for n in range(1, 6)]
    data = add_form_data("Counted", "counted", timezone.now(), sections=sections)  # with 2 key points
    # 64 before the pipeline: most of these are the rows' own inserts; one more since the glossary is read.
    with django_assert_max_num_queries(51):
        response = admin_client.post(ADD_URL, data)
    assert response.status_code == 302
    assert calls == {"convert": 1 + 2 + 5, "load": 0}


# --- Time grows with the input, not its square --------------------------------------------------------------------
# Counted in Python function calls, which do not depend on the machine: the pathological inputs Python-Markdown
# spends seconds on (its issue 798) cost twice as much at twice the length, not four times.


def calls_to_render(text, library=None):
    count = 0

    def profile(frame, event, arg):
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        render_text(text, library)
    finally:
        sys.setprofile(None)
    return count


PATHOLOGICAL = ["<a ", "![", "[", "[^", "[a](", '[a](b "c)', "</a ", "```x\n", "(Neumann 2017 ", "@a ", "> - 1. "]


def large_library(size=400):
    """Stand-ins for `size` references, enough for the library's look-ups and suggestions."""
    from types import SimpleNamespace

    def work(number):
        person = SimpleNamespace(family=f"Author{number}", surname=f"Author{number}", organisation="")
        return SimpleNamespace(
            pk=number, key=f"work{number}", year=2000 + number % 20, title=f"Title {number}", authors=[person],
            editors=[], citation_label=person.family, year_label=str(2000 + number % 20),
            sort_key=(person.family.casefold(), 2000 + number % 20, (), ""),
        )  # fmt: skip

    return Library([work(number) for number in range(size)])


@pytest.mark.parametrize("unit", PATHOLOGICAL + ["Xyzzy (2010) ", "(Xyzzy, 2010) ", "[@nokey] "])
def test_rendering_grows_linearly_with_pathological_input(unit):
    library = large_library()
    small, large = (unit * (size // len(unit)) for size in (7_500, 15_000))
    ratio = calls_to_render(large, library) / calls_to_render(small, library)
    assert ratio < 2.6, f"{unit!r}: twice the text took {ratio:.1f} times the work"


@pytest.mark.parametrize("unit", ["<a ", "</a ", "```x\n", "~~~x\n"])
def test_raw_html_and_fence_reading_grows_linearly_too(unit):
    """Python-Markdown's raw-HTML reader and fenced_code spend their time in regular expressions, which make
    no Python calls:
    compared in CPU time instead, the best of five, at four times the length: a square shows as sixteen
    times (seconds, before the fix), a line as four; eight, and 50 ms, are allowed for the noise of a busy
    machine on what takes a tenth of a second."""

    def seconds(text):
        best = float("inf")
        for _ in range(5):
            start = time.process_time()
            render_text(text)
            best = min(best, time.process_time() - start)
        return best

    small, large = (unit * (size // len(unit)) for size in (7_500, 30_000))
    small_time, large_time = seconds(small), seconds(large)
    assert large_time < 8 * small_time + 0.05, f"{unit!r}: {small_time:.2f} s, then {large_time:.2f} s for 4 times"


def test_the_longest_pathological_field_renders_and_saves(admin_client, neumann):
    from tests.test_admin import ADD_URL, add_form_data

    body = "<a " * 9_999
    data = add_form_data("Odd", "odd", timezone.now(), sections=[("1", "Heading", body)])
    assert admin_client.post(ADD_URL, data).status_code == 302
    page = BeautifulSoup(admin_client.get("/articles/odd/").content, "html.parser")
    assert re.sub(r"\s+", " ", page.select_one(".article-section p").get_text()).startswith("<a <a <a")


def test_a_table_is_kept_in_a_box_of_its_own_named_by_its_columns_and_aligned():
    """A wide table scrolls in its box on a phone (site.css); the alignment typed in its rule line is kept
    (Python-Markdown wrote it as a style, which the allow-list drops)."""
    html = markdown_html("| Option | Cost |\n|:---|---:|\n| Insoles | 20 |\n\n<table><tr><td>raw</td></tr></table>")
    assert html == (
        '<div class="table-box" role="region" aria-label="Table: Option, Cost" tabindex="0"><table>\n<thead>\n<tr>\n'
        '<th align="left">Option</th>\n<th align="right">Cost</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n'
        '<td align="left">Insoles</td>\n<td align="right">20</td>\n</tr>\n</tbody>\n</table></div>\n'
        '<div class="table-box" role="region" aria-label="Table" tabindex="0"><table><tbody><tr><td>raw</td></tr>'
        "</tbody></table></div>"
    )
    # Named by its column headings as read: entities read, tags and citations left out, escaped again.
    kim = make_reference(key="kim2019", authors=("Kim",), year=2019)
    named = render_text('| <b>Pain</b> & "load" [@kim2019] | Weeks |\n|---|---|\n| a | b |', Library([kim]))[0]
    assert named.startswith(
        '<div class="table-box" role="region" aria-label="Table: Pain &amp; &quot;load&quot;, Weeks" tabindex="0">'
    )
    # An author's own box is not one: the allow-list has no div.
    assert markdown_html('<div class="table-box" tabindex="0">x</div>') == "x"


@pytest.mark.parametrize(
    ("written", "reported"),
    [
        (
            "<table><tr><td>Loading helps (Kim, 2019) [@kim2019]</td></tr></table>",
            ["[@kim2019]", "(Kim, 2019)"],
        ),
        ("<p>As <b>Kim (2019)</b> found.</p>", ["Kim (2019)"]),
        ("<blockquote>\nAs found [@nobody2001]\n</blockquote>", ["[@nobody2001]"]),  # a key: a citation always
    ],
)
def test_a_citation_in_the_authors_own_html_block_is_reported_not_left_silent(written, reported):
    """Python-Markdown reads nothing inside a block of raw HTML: the citation was shown as bare text, linked
    nowhere, its work missing from the list, and nothing said so."""
    kim = make_reference(key="kim2019", authors=("Kim",), year=2019)
    why = "is inside HTML written by hand, where nothing is read as a citation: write that part in Markdown, or "
    assert render_text(written, Library([kim]), where="the section “Loading”")[1] == [
        f"The citation “{source}” in the section “Loading” {why}cite the work outside the HTML" for source in reported
    ]


def test_html_blocks_without_citations_and_code_in_them_are_not_reported(db):
    """Names and a year are reported only when they name a work: in HTML no backslash can mark them as prose."""
    kim = make_reference(key="kim2019", authors=("Kim",), year=2019)
    written = (
        "<p>A note (in brackets). In March (2020) clinics closed.</p>\n\n<pre>(Kim, 2019) [@kim2019]</pre>\n\n"
        "<table><tr><td>Kim</td><td>(2019)</td></tr></table>\n\n&amp; &copy; <!-- a note (Kim, 2019) -->\n\n"
        "Loading [@kim2019]."
    )
    html, problems = render_text(written, Library([kim]))
    assert problems == [] and 'href="#ref-kim2019"' in html


def test_a_citation_in_a_timeline_label_is_reported():
    kim = make_reference(key="kim2019", authors=("Kim",), year=2019)
    written = "```timeline\nTendon (Kim, 2019) | 8–12+ weeks\nSurgery (2021) | 0–2 weeks\n```"
    assert render_text(written, Library([kim]), where="the section “Time”")[1] == [
        "The citation “(Kim, 2019)” in the section “Time” is in a timeline's label, where nothing is read as a "
        "citation: cite the work in the text beside the timeline"
    ]


def test_a_heading_the_page_cannot_show_is_reported_not_flattened_into_text():
    """The allow-list keeps h3 and h4 only: "## Sub" in a section, "# Title" or "##### Small" lost their
    heading without a word, and ran into the next line as bare text."""
    written = "Body.\n\n## Sub-heading\n\n##### Small\n\n<h1>Raw <b>one</b></h1>\n\n### Kept\n\n```\n## code\n```"
    html, problems = render_text(written, where="the section “Walking”")
    level_2 = "which the page keeps for its title and sections: write it as ### (or #### under it)"
    no_heading = "If it is no heading, put a backslash before its “#”, or a blank line before a line of dashes"
    assert problems == [
        f"The heading “Sub-heading” in the section “Walking” is a level-2 heading, {level_2}. {no_heading}",
        "The heading “Small” in the section “Walking” is a level-5 heading, and the page's go down to ####: "
        f"write it as ### or ####. {no_heading}",
        f"The heading “Raw one” in the section “Walking” is a level-1 heading, {level_2}. {no_heading}",
    ]
    # Written as the message says, it is text; an HTML heading in capitals is one too.
    assert render_text("\\#1 tip: rest.\n\nText\n\n---")[1] == []
    assert render_text("<H2>Shouted</H2>")[1] == [
        f"The heading “Shouted” in the text is a level-2 heading, {level_2}. {no_heading}"
    ]
    assert "<h3>Kept</h3>" in html


def test_words_in_angle_brackets_are_reported_not_silently_left_out():
    """Python-Markdown takes "<plantar fascia>" for a tag and the allow-list leaves it out: "If xz"."""
    why = "reads as an HTML tag, and the page would leave it out: to show angle brackets, write &lt; for “<” (or put a "
    html, problems = render_text("If x<y and y>z, <plantar fascia> hurts <a few days>, <Kjær>.", where="the intro")
    assert problems == [
        f"“<y and y>” in the intro {why}space after it)",
        f"“<plantar fascia>” in the intro {why}space after it)",
        f"“<a few days>” in the intro {why}space after it)",  # a link's tag, with words for attributes
        f"“<Kjær>” in the intro {why}space after it)",
    ]
    # Real tags, comments, autolinks, code and brackets written as the message says are not reported.
    written = (
        '<u>a</u> <span class="x">b</span> <details open>c</details> <img src="/x.png" alt="a b"> <br/> '
        "<!-- note --> <https://example.com> `<x>` x &lt;y and x < y"
    )
    assert render_text(written)[1] == []
