"""Harvard (Cite Them Right, 12th edition): one test per rule."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from content import pipeline
from references import harvard, normalise
from references.citations import Library
from references.models import Contributor, Reference
from tests.factories import make_contributor, make_reference

pytestmark = pytest.mark.django_db


def people(reference, *names, role="author"):
    """Add contributors: 'Surname' (initials A.), ('Surname', 'I.') or ('org', 'Name')."""
    for position, name in enumerate(names):
        if isinstance(name, tuple) and name[0] == "org":
            Contributor.objects.create(reference=reference, role=role, position=position, organisation=name[1])
        else:
            surname, initials = name if isinstance(name, tuple) else (name, "A.")
            Contributor.objects.create(
                reference=reference, role=role, position=position, surname=surname, initials=initials
            )
    return reference


def fresh(reference):
    return Reference.objects.with_contributors().get(pk=reference.pk)


@pytest.mark.parametrize(
    ("authors", "label"),
    [
        (["Neumann"], "Neumann"),
        (["Folland", "Williams"], "Folland and Williams"),
        (["Bohm", "Mersmann", "Arampatzis"], "Bohm, Mersmann and Arampatzis"),
        (["Blazevich", "Cannavan", "Coleman", "Horne"], "Blazevich et al."),
        ([("org", "NHS England")], "NHS England"),
    ],
)
def test_in_text_names_for_one_two_three_four_authors_and_an_organisation(authors, label):
    reference = fresh(people(Reference.objects.create(key="k", year=2015, title="T"), *authors))
    assert reference.citation_label == label


def test_reference_list_lists_all_authors_with_initials_without_spaces():
    reference = Reference.objects.create(
        key="kjaer2009", kind="article-journal", year=2009, title="T", container_title="J", volume="1", pages="1-2"
    )
    people(reference, ("Kjaer", "M"), ("Langberg", "H."), ("Heinemeier", "K"), ("Bayer", "M. L."), ("Holm", "Lars"))
    text = fresh(reference).harvard_text()
    assert text.startswith("Kjaer, M., Langberg, H., Heinemeier, K., Bayer, M.L. and Holm, L. (2009)")


def entry(kind, authors=("Smith",), editors=(), **fields):
    reference = Reference.objects.create(key=f"k{Reference.objects.count()}", kind=kind, year=2020, **fields)
    people(reference, *[(a, "J.") for a in authors])
    people(reference, *[(e, i) for e, i in editors], role="editor")
    return fresh(reference)


def test_journal_article():
    reference = entry(
        "article-journal",
        title="Tendon load",
        container_title="Sports Medicine",
        volume="45",
        issue="11",
        pages="1575-1595",
    )
    assert reference.harvard_text() == "Smith, J. (2020) ‘Tendon load’, Sports Medicine, 45(11), pp. 1575–1595."
    assert reference.harvard_html().count("<i>") == 1 and "<i>Sports Medicine</i>" in reference.harvard_html()


@pytest.mark.parametrize("typed", ["1575-1595", "1575--1595", "1575 – 1595", "1575—1595"])
def test_page_ranges_get_an_en_dash_whatever_was_typed(typed):
    assert harvard.pages_text(typed) == "pp. 1575–1595"


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("pp. 12-30", "pp. 12–30"),  # the abbreviation typed too: said once
        ("p. 5", "p. 5"),
        ("12-15, 20", "pp. 12–15, 20"),
        ("12, 15", "pp. 12, 15"),
        ("12-30, 40-45", "pp. 12–30, 40–45"),
        ("e0216702", "e0216702"),  # an article number (PLoS, eLife), as Zotero exports it: no page
        ("1,234", "p. 1,234"),  # a thousands separator, not a second page
        ("1,234-1,240", "pp. 1,234–1,240"),
    ],
)
def test_pages_as_typed_or_imported(typed, shown):
    assert harvard.pages_text(typed) == shown


def test_an_article_number_in_the_pages_is_not_a_page():
    reference = entry("article-journal", title="Gait", container_title="PLoS ONE", volume="14", issue="5")
    reference.pages = "e0216702"
    assert reference.harvard_text() == "Smith, J. (2020) ‘Gait’, PLoS ONE, 14(5), e0216702."


def test_book_with_edition_place_and_publisher():
    reference = entry(
        "book", authors=("Neumann",), title="Kinesiology", edition="3", place="St. Louis", publisher="Elsevier"
    )
    assert reference.harvard_text() == "Neumann, J. (2020) Kinesiology. 3rd edn. St. Louis: Elsevier."
    assert "<i>Kinesiology</i>" in reference.harvard_html()


@pytest.mark.parametrize(
    ("number", "text"), [("1", ""), ("2", "2nd edn."), ("3", "3rd edn."), ("11", "11th edn."), ("42", "42nd edn.")]
)
def test_edition_ordinals(number, text):
    assert harvard.edition_text(number) == text


def test_edited_book():
    reference = entry(
        "book", authors=(), editors=[("Lee", "C."), ("Patel", "D.")], title="Gait", place="London", publisher="P"
    )
    assert reference.harvard_text() == "Lee, C. and Patel, D. (eds) (2020) Gait. London: P."
    single = entry("book", authors=(), editors=[("Lee", "C.")], title="Gait", place="London", publisher="P")
    assert single.harvard_text().startswith("Lee, C. (ed.) (2020)")


def test_chapter_in_an_edited_book_writes_editors_initials_first():
    reference = entry(
        "chapter",
        editors=[("Lee", "C."), ("Patel", "D.")],
        title="The foot",
        container_title="Lower Limb Anatomy",
        edition="2",
        place="Leeds",
        publisher="Human Kinetics",
        pages="12-30",
    )
    assert reference.harvard_text() == (
        "Smith, J. (2020) ‘The foot’, in C. Lee and D. Patel (eds) Lower Limb Anatomy. 2nd edn. "
        "Leeds: Human Kinetics, pp. 12–30."
    )
    assert "<i>Lower Limb Anatomy</i>" in reference.harvard_html()


def test_web_page_with_access_date():
    reference = entry("webpage", title="Heel pain", url="https://www.nhs.uk/conditions/heel-pain/")
    reference.accessed = datetime.date(2025, 6, 2)
    assert reference.harvard_text() == (
        "Smith, J. (2020) Heel pain. Available at: https://www.nhs.uk/conditions/heel-pain/ (Accessed: 2 June 2025)."
    )


def test_report_by_an_organisation():
    reference = Reference.objects.create(
        key="nice", kind="report", year=2023, title="Falls", place="London", publisher="NICE"
    )
    people(reference, ("org", "NICE"))
    assert fresh(reference).harvard_text() == "NICE (2023) Falls. London: NICE."


def test_doi_is_given_as_a_link_after_available_at():
    reference = entry("article-journal", title="T", container_title="J", volume="1", pages="1", doi="10.1111/sms.123")
    assert reference.harvard_text().endswith("p. 1. Available at: https://doi.org/10.1111/sms.123")


def test_every_field_is_escaped_in_html_and_plain_in_text():
    reference = entry("book", authors=("<b>Evil</b>",), title='<script>alert("x")</script> & more', publisher="A & B")
    html = reference.harvard_html()
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;Evil" in html and "A &amp; B" in html
    assert '<script>alert("x")</script> & more' in reference.harvard_text()


def test_a_year_letter_is_given_by_the_reference_list_not_kept_by_the_work():
    reference = fresh(make_reference(key="smith2019x", authors=("Smith",), year=2019, title="Zebra gait"))
    assert reference.year_label == "2019"
    assert reference.harvard_text().startswith("Smith, A. (2019) ‘Zebra gait’")
    assert reference.harvard_text("b").startswith("Smith, A. (2019b) ‘Zebra gait’")
    undated = fresh(make_reference(key="nhs", authors=("NHS",), year=None, title="Heel pain"))
    assert undated.harvard_text("a").startswith("NHS, A. (no date a)")


def test_particles_stay_with_the_surname_and_sort_under_the_main_name():
    vries = fresh(people(Reference.objects.create(key="v", year=2001, title="T"), ("de Vries", "H.")))
    assert vries.harvard_text().startswith("de Vries, H. (2001)")
    assert vries.citation_label == "de Vries"
    names = ["Young", "de Vries", "Adams", "Van Dyke"]
    refs = [fresh(people(Reference.objects.create(key=n, year=2001, title="T"), n)) for n in names]
    ordered = [r.citation_label for r in sorted(refs, key=lambda r: r.sort_key)]
    assert ordered == ["Adams", "Van Dyke", "de Vries", "Young"]


def test_people_sharing_a_surname_sort_by_initials_and_alone_before_with_others():
    refs = [
        fresh(people(Reference.objects.create(key=key, year=year, title="T"), *names))
        for key, year, names in [
            ("smith-b-2018", 2018, [("Smith", "B.")]),
            ("smith-a-2019", 2019, [("Smith", "A.")]),
            ("smith-a-jones-2017", 2017, [("Smith", "A."), ("Jones", "C.")]),
            ("smith-c-2019", 2019, [("Smith", "C.")]),
        ]
    ]
    ordered = [r.key for r in sorted(refs, key=lambda r: r.sort_key)]
    assert ordered == ["smith-a-2019", "smith-a-jones-2017", "smith-b-2018", "smith-c-2019"]


def test_accented_surnames_sort_with_their_letters_not_after_z():
    names = ["Pan", "Østergaard", "Fox", "Écrivain", "Eagle", "Zed"]
    refs = [fresh(people(Reference.objects.create(key=n, year=2001, title="T"), n)) for n in names]
    ordered = [r.citation_label for r in sorted(refs, key=lambda r: r.sort_key)]
    assert ordered == ["Eagle", "Écrivain", "Fox", "Østergaard", "Pan", "Zed"]


def test_list_is_sorted_by_surname_then_year():
    refs = [
        make_reference(key="b2001", authors=("Brown",), year=2001),
        make_reference(key="a2010", authors=("Adams",), year=2010),
        make_reference(key="b1999", authors=("Brown",), year=1999),
        make_reference(key="a2002", authors=("Adams",), year=2002),
    ]
    ordered = [r.key for r in sorted((fresh(r) for r in refs), key=lambda r: r.sort_key)]
    assert ordered == ["a2002", "a2010", "b1999", "b2001"]


def test_web_addresses_and_dois_are_links_in_html():
    page = entry("webpage", title="Heel pain", url="https://www.nhs.uk/conditions/heel-pain/?a=1&b=2")
    assert '<a href="https://www.nhs.uk/conditions/heel-pain/?a=1&amp;b=2">' in page.harvard_html()
    article = entry("article-journal", title="T", container_title="J", volume="1", doi="10.1/x")
    assert '<a href="https://doi.org/10.1/x">https://doi.org/10.1/x</a>' in article.harvard_html()
    odd = entry("webpage", title="Odd", url="javascript:alert(1)")
    assert "<a " not in odd.harvard_html()


# Every kind in Cite Them Right's form.

ACCESSED = datetime.date(2025, 6, 3)


def test_journal_article_with_an_article_number_instead_of_pages():
    reference = entry(
        "article-journal", title="Gait", container_title="PLoS ONE", volume="14", issue="5", number="e0216702"
    )
    assert reference.harvard_text() == "Smith, J. (2020) ‘Gait’, PLoS ONE, 14(5), e0216702."


def test_journal_article_pages_win_over_an_article_number():
    reference = entry("article-journal", title="G", container_title="J", volume="1", pages="3-9", number="e12")
    assert reference.harvard_text() == "Smith, J. (2020) ‘G’, J, 1, pp. 3–9."


def test_journal_supplement():
    reference = entry("article-journal", title="G", container_title="J", volume="14", issue="Suppl. 2", pages="S1-S5")
    assert reference.harvard_text() == "Smith, J. (2020) ‘G’, J, 14(Suppl. 2), pp. S1–S5."


@pytest.mark.parametrize(("status", "label"), [("in press", "[In press]"), ("online first", "[Online first]")])
def test_journal_article_in_press_or_online_first_with_a_doi(status, label):
    reference = entry("article-journal", title="G", container_title="Gait & Posture", status=status, doi="10.1/gp.1")
    assert (
        reference.harvard_text()
        == f"Smith, J. (2020) ‘G’, Gait & Posture {label}. Available at: https://doi.org/10.1/gp.1"
    )


def test_preprint():
    reference = entry("preprint", title="Gait", container_title="medRxiv", doi="10.1101/2023.1")
    assert (
        reference.harvard_text()
        == "Smith, J. (2020) ‘Gait’, medRxiv [Preprint]. Available at: https://doi.org/10.1101/2023.1"
    )
    assert "<i>medRxiv</i> [Preprint]" in reference.harvard_html()


def test_e_book_with_url_and_access_date():
    reference = entry("book", title="K", edition="2", place="London", publisher="P", url="https://e.org/k")
    reference.accessed = ACCESSED
    assert reference.harvard_text() == (
        "Smith, J. (2020) K. 2nd edn. London: P. Available at: https://e.org/k (Accessed: 3 June 2025)."
    )


def test_report_with_series_and_number_after_the_title():
    reference = Reference.objects.create(
        key="ng23",
        kind="report",
        year=2022,
        title="Menopause",
        collection_title="NICE guideline",
        number="NG23",
        url="https://www.nice.org.uk/guidance/ng23",
        accessed=ACCESSED,
    )
    people(reference, ("org", "National Institute for Health and Care Excellence"))
    assert fresh(reference).harvard_text() == (
        "National Institute for Health and Care Excellence (2022) Menopause (NICE guideline NG23). "
        "Available at: https://www.nice.org.uk/guidance/ng23 (Accessed: 3 June 2025)."
    )


def test_report_number_is_optional_and_stands_alone_without_series():
    with_number = entry("report", title="Falls", number="R12", place="London", publisher="NICE")
    assert with_number.harvard_text() == "Smith, J. (2020) Falls (R12). London: NICE."
    without = entry("report", title="Falls", place="London", publisher="NICE")
    assert without.harvard_text() == "Smith, J. (2020) Falls. London: NICE."


def test_web_page_of_a_site_is_quoted_with_the_site_as_in_the_seed():
    reference = entry("webpage", title="Heel pain", container_title="NHS", url="https://www.nhs.uk/x")
    assert reference.harvard_text() == "Smith, J. (2020) ‘Heel pain’, NHS. Available at: https://www.nhs.uk/x"


@pytest.mark.parametrize(("precision", "text"), [("day", "3 June 2025"), ("month", "June 2025"), ("year", "2025")])
def test_access_date_says_only_what_is_known(precision, text):
    reference = entry("webpage", title="T", url="https://e.org/", accessed=ACCESSED, accessed_precision=precision)
    assert reference.harvard_text() == f"Smith, J. (2020) T. Available at: https://e.org/ (Accessed: {text})."


def test_blog_post_with_day_and_month():
    reference = entry(
        "blog-post",
        title="Running shoes",
        container_title="The Running Blog",
        issued_month=3,
        issued_day=14,
        url="https://blog.example/x",
        accessed=ACCESSED,
    )
    assert reference.harvard_text() == (
        "Smith, J. (2020) ‘Running shoes’, The Running Blog, 14 March. "
        "Available at: https://blog.example/x (Accessed: 3 June 2025)."
    )
    assert "<i>The Running Blog</i>" in reference.harvard_html()


def test_newspaper_article_with_day_month_and_page():
    reference = entry(
        "newspaper", title="Knees", container_title="The Guardian", issued_month=3, issued_day=14, pages="12"
    )
    assert reference.harvard_text() == "Smith, J. (2020) ‘Knees’, The Guardian, 14 March, p. 12."


def test_a_newspaper_article_without_author_is_cited_by_the_paper_s_name():
    reference = entry(
        "newspaper",
        authors=(),
        title="Knee surgery on the rise",
        container_title="The Guardian",
        issued_month=3,
        issued_day=14,
        pages="12",
    )
    assert reference.harvard_text() == "The Guardian (2020) ‘Knee surgery on the rise’, 14 March, p. 12."
    assert reference.harvard_html().startswith("<i>The Guardian</i> (2020)")
    assert reference.citation_label == "The Guardian"
    harris, turner = entry("book", authors=("Harris",), title="Gait"), entry("book", authors=("Turner",), title="Gait")
    ordered = sorted([turner, reference, harris], key=lambda r: r.sort_key)
    assert ordered == [harris, reference, turner]  # under T, as the list prints it: "The Guardian"


@pytest.mark.parametrize(
    ("title", "quoted"),
    [
        ("The ‘barefoot’ debate: is “minimal” better?", "‘The “barefoot” debate: is “minimal” better?’"),
        ("Treating ‘runner’s knee’", "‘Treating “runner’s knee”’"),
        ("Gray’s anatomy and the runners’ knees", "‘Gray’s anatomy and the runners’ knees’"),  # apostrophes stay
    ],
)
def test_quotes_inside_a_quoted_title_become_double(title, quoted):
    reference = entry("article-journal", title=title, container_title="J")
    assert reference.harvard_text().startswith(f"Smith, J. (2020) {quoted}, J.")


def test_magazine_article_with_only_a_month():
    reference = entry("magazine", title="Knees", container_title="Runner’s World", issued_month=3, pages="30-32")
    assert reference.harvard_text() == "Smith, J. (2020) ‘Knees’, Runner’s World, March, pp. 30–32."


def test_thesis():
    reference = entry("thesis", title="Plantar fascia", genre="PhD thesis", publisher="University of Leeds")
    assert reference.harvard_text() == "Smith, J. (2020) Plantar fascia. PhD thesis. University of Leeds."
    assert "<i>Plantar fascia</i>" in reference.harvard_html()


def test_conference_paper_in_proceedings_says_where_and_when_it_was_held():
    reference = entry(
        "conference-paper",
        title="Heel pain",
        container_title="Proceedings of the Gait Conference",
        event_place="Leeds",
        event_date="3–5 June",
        place="Leeds",
        publisher="Gait Society",
        pages="10-12",
    )
    assert reference.harvard_text() == (
        "Smith, J. (2020) ‘Heel pain’, Proceedings of the Gait Conference. Leeds, 3–5 June. "
        "Leeds: Gait Society, pp. 10–12."
    )


def test_conference_paper_without_proceedings_names_the_conference():
    reference = entry("conference-paper", title="Heel pain", event_title="Gait Conference", event_place="Leeds")
    assert reference.harvard_text() == "Smith, J. (2020) ‘Heel pain’, Gait Conference. Leeds."


def test_video():
    reference = entry(
        "video",
        title="Foot exercises",
        container_title="YouTube",
        issued_month=5,
        issued_day=2,
        url="https://youtube.com/x",
        accessed=ACCESSED,
    )
    assert reference.harvard_text() == (
        "Smith, J. (2020) Foot exercises [Video], YouTube. 2 May. Available at: https://youtube.com/x "
        "(Accessed: 3 June 2025)."
    )
    assert "<i>Foot exercises</i> [Video]" in reference.harvard_html()


def test_podcast_with_episode_number():
    reference = entry(
        "podcast",
        title="Knees",
        container_title="The Physio Pod",
        number="4",
        issued_month=5,
        issued_day=2,
        url="https://pod.example/x",
        accessed=ACCESSED,
    )
    assert reference.harvard_text() == (
        "Smith, J. (2020) ‘Knees’, The Physio Pod, episode 4 [Podcast]. 2 May. Available at: https://pod.example/x "
        "(Accessed: 3 June 2025)."
    )
    assert "<i>The Physio Pod</i>, episode 4 [Podcast]" in reference.harvard_html()


def test_podcast_without_a_show_is_a_whole_work():
    reference = entry("podcast", title="Knees", issued_month=5, issued_day=2, url="https://pod.example/x")
    assert reference.harvard_text() == "Smith, J. (2020) Knees [Podcast]. 2 May. Available at: https://pod.example/x"
    assert "<i>Knees</i> [Podcast]" in reference.harvard_html()


# Names.


def test_dropping_particle_and_suffix_stand_where_cite_them_right_and_csl_put_them():
    reference = Reference.objects.create(key="names", kind="book", year=2020, title="T", publisher="P")
    Contributor.objects.create(reference=reference, position=0, surname="Beethoven", initials="L.", particle="van")
    Contributor.objects.create(reference=reference, position=1, surname="King", initials="M.L.", suffix="Jr")
    reference = fresh(reference)
    assert reference.harvard_text() == "Beethoven, L. van and King, M.L., Jr (2020) T. P."
    assert reference.citation_label == "Beethoven and King"


def test_a_dropping_particle_may_be_typed_before_the_name_in_a_citation():
    """'Humboldt, A. von' in the list, '(Humboldt, 1845)' in the text; 'von Humboldt (1845)' is read as it too."""
    reference = Reference.objects.create(key="humboldt1845", kind="book", year=1845, title="Kosmos", publisher="P")
    Contributor.objects.create(reference=reference, position=0, surname="Humboldt", initials="A.", particle="von")
    library = Library.load()
    assert [ref.key for ref in library.find("von Humboldt", 1845)] == ["humboldt1845"]
    assert [ref.key for ref in library.find("Humboldt", 1845)] == ["humboldt1845"]
    document = pipeline.render([pipeline.Source("As von Humboldt (1845) wrote.", "the text")], library)
    assert document.problems == [] and 'href="#ref-humboldt1845"' in document.html[0]


def test_editor_with_particle_and_suffix_in_a_chapter():
    reference = people(
        Reference.objects.create(key="ch", kind="chapter", year=2020, title="T", container_title="B"), "Smith"
    )
    Contributor.objects.create(reference=reference, role="editor", surname="Beethoven", initials="L.", particle="van")
    Contributor.objects.create(
        reference=reference, role="editor", position=1, surname="King", initials="M.", suffix="Jr"
    )
    assert fresh(reference).harvard_text() == "Smith, A. (2020) ‘T’, in L. van Beethoven and M. King Jr (eds) B."


@pytest.mark.parametrize(("typed", "shown"), [("R.-J.", "R.-J."), ("Rolf-Joachim", "R.-J."), ("R-J", "R.-J.")])
def test_hyphenated_initials_are_kept(typed, shown):
    assert harvard.initials(typed) == shown


def test_in_text_names_with_particles_as_the_citation_matcher_expects():
    reference = fresh(people(Reference.objects.create(key="w", year=2001, title="T"), "van der Worp", "de Vos"))
    assert reference.citation_label == "van der Worp and de Vos"


# CSL rich text in titles.


def test_rich_text_title_is_formatted_in_html_and_plain_in_text():
    reference = entry(
        "article-journal",
        title="The <i>Homo sapiens</i> foot: H<sub>2</sub>O, x<sup>2</sup>, <b>bold</b>, "
        '<span style="font-variant:small-caps;">Gait</span> and <span class="nocase">iPhone</span>',
        container_title="J",
    )
    assert reference.harvard_html() == (
        "Smith, J. (2020) ‘The <i>Homo sapiens</i> foot: H<sub>2</sub>O, x<sup>2</sup>, <b>bold</b>, "
        '<span class="small-caps">Gait</span> and iPhone’, <i>J</i>.'
    )
    assert reference.harvard_text() == "Smith, J. (2020) ‘The Homo sapiens foot: H2O, x2, bold, Gait and iPhone’, J."


def test_italic_inside_an_italic_title_turns_roman():
    reference = entry("book", title="On <i>Homo sapiens</i> feet", publisher="P")
    assert reference.harvard_html() == "Smith, J. (2020) <i>On </i>Homo sapiens<i> feet</i>. P."


def test_a_script_inside_a_rich_text_title_is_escaped():
    reference = entry("book", title="<i>Gait</i><script>alert(1)</script><i onclick=x>y</i>", publisher="P")
    html = reference.harvard_html()
    assert html == (
        "Smith, J. (2020) Gait<i>&lt;script&gt;alert(1)&lt;/script&gt;&lt;i onclick=x&gt;y&lt;/i&gt;</i>. P."
    )
    assert reference.harvard_text() == "Smith, J. (2020) Gait<script>alert(1)</script><i onclick=x>y</i>. P."


def test_unpaired_rich_text_tags_stay_literal():
    assert harvard.plain("a <i>b") == "a <i>b" and harvard.plain("a</b> <b>c</b>") == "a</b> c"


def test_citation_label_and_sort_key_use_the_plain_title():
    reference = fresh(Reference.objects.create(key="t", year=2001, title="<i>Gait</i> basics"))
    assert reference.citation_label == "Gait basics"
    assert reference.sort_key[0] == (("gait basics", ""),)


# In-text locators.


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("88", "p. 88"),
        ("33-35", "pp. 33–35"),
        ("33--35", "pp. 33–35"),
        ("33 – 35", "pp. 33–35"),
        ("p. 45", "p. 45"),
        ("p.45", "p. 45"),
        ("pp. 33-35", "pp. 33–35"),
        ("p. 33-35", "pp. 33–35"),
        ("chapter 3", "chapter 3"),
        ("  para. 4 ", "para. 4"),
        ("fig. 2", "fig. 2"),
        ("12-15, 20", "pp. 12–15, 20"),
        ("12, fig. 2", "12, fig. 2"),
        ("12-fig", "12-fig"),
    ],
)
def test_locator_text(typed, shown):
    assert harvard.locator_text(typed) == shown


# Editions printed whatever was stored (rows saved before normalising).


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("2nd", "2nd edn."),
        ("5th.", "5th edn."),
        ("second", "2nd edn."),
        ("2nd ed.", "2nd edn."),
        ("Second edition", "2nd edn."),
        ("first", ""),
        ("Revised edition", "Revised edn."),
        ("Revised edn.", "Revised edn."),
        ("Revised", "Revised edn."),
        ("Rev. edn", "Rev. edn."),
        ("2nd rev. edn", "2nd rev. edn."),
        ("3rd edition, revised", "3rd edn., revised."),
        ("2nd edition (revised)", "2nd edn. (revised)."),
        ("Ed. 2", "2nd edn."),
        ("edition 3", "3rd edn."),
    ],
)
def test_edition_text_is_tolerant_of_what_was_stored(stored, shown):
    assert harvard.edition_text(stored) == shown


def test_doi_stored_with_a_resolver_prints_once():
    reference = entry("article-journal", title="T", container_title="J", doi="https://doi.org/10.1/x")
    assert reference.harvard_text().endswith("Available at: https://doi.org/10.1/x")


# Normalised on the way in: Reference.clean() and Contributor.clean(), as the admin and importers call them.


def cleaned(**fields):
    reference = Reference(key="k", title="T", **fields)
    reference.full_clean()
    return reference


def refusal(**fields):
    with pytest.raises(ValidationError) as caught:
        cleaned(**fields)
    return caught.value.message_dict


@pytest.mark.parametrize(
    "pasted",
    [
        "10.1111/sms.123",
        "https://doi.org/10.1111/sms.123",
        "http://dx.doi.org/10.1111/sms.123",
        "doi:10.1111/sms.123",
        "DOI: 10.1111/sms.123",
        " https://doi.org/10.1111%2Fsms.123 ",
    ],
)
def test_doi_is_stored_bare_whatever_was_pasted(pasted):
    assert cleaned(doi=pasted).doi == "10.1111/sms.123"


@pytest.mark.parametrize("pasted", ["https://example.org/paper", "sms.123", "10.1111"])
def test_a_value_that_is_not_a_doi_is_refused_on_the_doi_field(pasted):
    assert list(refusal(doi=pasted)) == ["doi"]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("2", "2"),
        ("2nd", "2"),
        ("second", "2"),
        ("2nd ed.", "2"),
        ("Second edition", "2"),
        ("5th.", "5"),
        ("1st", "1"),
        ("  Revised   edition ", "Revised edition"),
    ],
)
def test_edition_is_stored_as_its_number(typed, stored):
    assert cleaned(edition=typed).edition == stored


def test_impossible_dates_are_refused_naming_the_field():
    assert list(refusal(year=2020, issued_month=13)) == ["issued_month"]
    assert refusal(year=2020, issued_month=4, issued_day=31) == {"issued_day": ["April has no day 31: it has 30 days."]}
    assert refusal(year=2023, issued_month=2, issued_day=29) == {
        "issued_day": ["February 2023 has no day 29: it has 28 days."]
    }
    assert list(refusal(year=2020, issued_day=3)) == ["issued_day"]
    assert cleaned(year=2024, issued_month=2, issued_day=29).issued_day == 29


@pytest.mark.parametrize(
    ("precision", "stored"),
    [("day", datetime.date(2025, 6, 3)), ("month", datetime.date(2025, 6, 1)), ("year", datetime.date(2025, 1, 1))],
)
def test_a_partial_access_date_never_invents_a_day(precision, stored):
    assert cleaned(accessed=ACCESSED, accessed_precision=precision).accessed == stored


def contributor(**fields):
    reference = Reference.objects.create(key=f"c{Reference.objects.count()}", title="T")
    person = Contributor(reference=reference, **fields)
    person.full_clean()
    return person


@pytest.mark.parametrize(("typed", "stored"), [("R.-J.", "R.-J."), ("Rolf-Joachim", "R.-J."), ("Alan John", "A.J.")])
def test_initials_are_stored_shortened_with_hyphens_kept(typed, stored):
    assert contributor(surname="Meyer", initials=typed).initials == stored


def test_particle_and_suffix_are_kept_trimmed():
    person = contributor(surname="King", initials="M.L.", particle=" van ", suffix="Jr.")
    assert (person.particle, person.suffix) == ("van", "Jr")
    assert str(person) == "King, M.L. van, Jr"


def test_an_organisation_has_no_particle_or_suffix():
    with pytest.raises(ValidationError):
        contributor(organisation="NHS", suffix="Jr")


@pytest.mark.parametrize(
    ("kind", "fields", "text"),
    [
        ("book", {"publisher": "P"}, "Smith, J. (2020) Why walk? P."),
        ("book", {}, "Smith, J. (2020) Why walk?"),
        ("thesis", {"genre": "PhD thesis", "publisher": "U"}, "Smith, J. (2020) Why walk? PhD thesis. U."),
        ("report", {"number": "R1", "publisher": "P"}, "Smith, J. (2020) Why walk? (R1). P."),
    ],
)
def test_a_title_ending_in_a_question_mark_takes_no_full_stop(kind, fields, text):
    assert entry(kind, title="Why walk?", **fields).harvard_text() == text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/\"'&=ibspuncl :;-")), max_size=60))
def test_no_markup_reaches_html_but_csl_rich_text(title):
    """Whatever a title holds, the HTML has only the tags rich text allows."""
    text_fields = {f.name: "" for f in Reference._meta.concrete_fields if f.get_internal_type() == "CharField"}
    dates = {"year": 2020, "issued_month": None, "issued_day": None, "accessed": None}
    reference = SimpleNamespace(
        **{**text_fields, **dates, "kind": "book", "title": title, "authors": [], "editors": []}
    )
    html = harvard.reference_html(reference)
    allowed = r"</?(?:i|b|sup|sub)>|<span class=\"small-caps\">|</span>"
    assert "<" not in re.sub(allowed, "", html)
    assert harvard.reference_text(reference).startswith(harvard.plain(title))


def test_a_title_alone_as_html_and_as_plain_text():
    reference = Reference(title='The <i>Homo</i> foot <script>x</script> <span class="nocase">iOS</span>')
    assert reference.title_html == "The <i>Homo</i> foot &lt;script&gt;x&lt;/script&gt; iOS"
    assert reference.plain_title == "The Homo foot <script>x</script> iOS"


def test_factories_make_editors_and_people_with_particles():
    reference = make_reference(key="ed", kind="book", authors=(), editors=("Lee", ("org", "NICE")), title="T")
    make_contributor(reference, "Beethoven", "Ludwig", particle="van", role="author")
    reference = fresh(reference)
    assert reference.harvard_text().startswith("Beethoven, L. van (2020) T.")
    assert [e.family for e in reference.editors] == ["Lee", "NICE"]


def test_the_year_a_citation_reads_is_the_year_a_reference_may_have():
    readable = re.compile(rf"^{normalise.YEAR}$")
    years = [year for year in range(1000, 3000) if readable.match(str(year))]
    assert years == list(range(normalise.FIRST_YEAR, normalise.LAST_YEAR + 1))
