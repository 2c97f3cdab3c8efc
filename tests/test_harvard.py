"""Harvard (Cite Them Right, 12th edition): one test per rule."""

import datetime

import pytest

from references import harvard
from references.models import Contributor, Reference
from tests.factories import make_reference

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
