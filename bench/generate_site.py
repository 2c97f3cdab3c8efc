"""Grow the demo site into a large one for the benchmark: 2,000 references, 20 topics, 500 published articles.

Run after `load_demo_content` against the benchmark's throwaway database (never a real one):

    DATABASE_URL=... SECRET_KEY=... .venv/bin/python bench/generate_site.py

Everything is made with the app's own models, and every article is rendered by the app's own
`Article.render_content()`, so pages hold what practitioners' articles hold: sections with lists,
pull quotes, emphasis and an occasional timeline chart, key points that link to the sections they
announce, and citations in every form the README lists ((Surname, year), Surname (year), several
works in one bracket, page numbers, [@key], [@a; @b], [see @key, p. 45]), resolved against the whole
library. Rows are inserted with bulk_create (no signals fire: nothing is rendered twice); the only
per-article work is the rendering itself. The output is the same on every run (a fixed seed).
"""

import datetime
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bodylab.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.text import slugify  # noqa: E402

from articles.models import Article, ArticleAuthor, KeyPoint, Section  # noqa: E402
from practitioners.models import Practitioner  # noqa: E402
from references.citations import Library  # noqa: E402
from references.models import Contributor, Reference  # noqa: E402
from topics.models import Topic  # noqa: E402

ARTICLES = int(os.environ.get("BENCH_ARTICLES", "500"))
REFERENCES = int(os.environ.get("BENCH_REFERENCES", "2000"))
TOPICS = int(os.environ.get("BENCH_TOPICS", "20"))
SEED = 9

rng = random.Random(SEED)

TOPIC_NAMES = [
    "Foot", "Gait", "Knee", "Tendons", "Hip", "Ankle", "Running", "Plantar heel pain", "Achilles", "Footwear",
    "Orthotics", "Strength training", "Balance", "Posture", "Children's feet", "Older adults", "Sport injuries",
    "Arthritis", "Recovery", "Pain science", "Hamstrings", "Calf", "Pelvis", "Spine",
]  # fmt: skip
SURNAME_HEADS = [
    "Hal", "Mor", "Bren", "Cal", "Dun", "Fen", "Gar", "Hol", "Ket", "Lind", "Mar", "Nor", "Pel", "Quin", "Ros",
    "Sel", "Tor", "Ul", "Ver", "Wes", "Yar", "Zim", "Ash", "Bel", "Cor", "Dal", "Eck", "Fal", "Gil", "Har",
]  # fmt: skip
SURNAME_TAILS = [
    "ley", "ton", "sen", "berg", "wick", "ford", "man", "dale", "more", "ard", "ing", "stein", "holm", "by",
    "ett", "ridge", "well", "son", "ini", "ez",
]  # fmt: skip
# A few names with accents, apostrophes and particles, as real libraries have them.
SPECIAL_SURNAMES = ["Lindstrøm", "Müller", "O’Hara", "Sørensen", "Núñez", "de Vries", "van der Berg", "D’Souza"]
ORGANISATIONS = [
    "National Institute for Health and Care Excellence", "NHS England", "World Health Organization",
    "Chartered Society of Physiotherapy", "Royal College of Podiatry", "Versus Arthritis",
    "British Orthopaedic Association", "Public Health England",
]  # fmt: skip
JOURNALS = [
    "Journal of Foot and Ankle Research", "Gait & Posture", "Clinical Biomechanics", "British Journal of Sports "
    "Medicine", "Journal of Orthopaedic & Sports Physical Therapy", "Scandinavian Journal of Medicine & Science in "
    "Sports", "Journal of Biomechanics", "Physical Therapy in Sport", "The Foot", "Journal of Applied Physiology",
]  # fmt: skip
PUBLISHERS = [("London", "Elsevier"), ("Philadelphia", "Wolters Kluwer"), ("Champaign, IL", "Human Kinetics"),
              ("Oxford", "Oxford University Press"), ("St. Louis, MO", "Mosby")]  # fmt: skip
WORDS = (
    "load tendon muscle joint ankle knee hip foot heel arch calf stride gait walking running stiffness strength "
    "tissue collagen pain recovery rehabilitation loading capacity fatigue balance control movement rotation "
    "pressure footwear surface training adaptation weeks months patients clinicians evidence pattern timing "
    "nervous system stability mobility range motion force cadence posture habit sleep activity rest progress"
).split()
VERBS = "changes improves reduces shifts supports limits increases affects protects adapts".split()
OPENERS = [
    "Most people notice", "Research suggests", "In clinic we often see", "Over time", "When load rises quickly",
    "A common pattern is that", "For many patients", "It helps to remember that", "After an injury",
]  # fmt: skip
TIMELINE = "Muscle strength and architecture | 4–6 weeks\nTendon and ligament adaptation | 8–12+ weeks"
TITLE_SHAPES = [
    "Why {a} pain keeps coming back", "{A} and {b}: what the evidence says", "How {a} {verb} your {b}",
    "Getting back to walking after {a} pain", "What {a} stiffness tells us", "{A} loading: how long change takes",
    "Five questions about {a} and {b}", "When {a} pain is really a {b} problem", "Rebuilding {a} capacity",
]  # fmt: skip


def sentence(citation=None):
    words = rng.sample(WORDS, rng.randint(7, 14))
    if rng.random() < 0.2:
        i = rng.randrange(len(words))
        words[i] = f"*{words[i]}*"
    text = f"{rng.choice(OPENERS)} {' '.join(words[:3])} {rng.choice(VERBS)} {' '.join(words[3:])}"
    if citation:
        if citation.startswith(("(", "[")):
            return f"{text} {citation}."
        return f"{citation} showed that {text[0].lower()}{text[1:]}."
    return text + "."


# References -------------------------------------------------------------------------------------


def surname_pool():
    names = [head + tail for head in SURNAME_HEADS for tail in SURNAME_TAILS]
    rng.shuffle(names)
    return SPECIAL_SURNAMES + names


def make_references(count):
    """`count` references whose first author and year differ, so each (Surname, year) names one work."""
    demo_families = set(Contributor.objects.values_list("surname", flat=True))
    surnames = [s for s in surname_pool() if s not in demo_families]
    taken, references, people = set(), [], []
    for n in range(count):
        kind = rng.choices(["article-journal", "book", "chapter", "webpage", "report"], weights=[70, 12, 6, 6, 6], k=1)[
            0
        ]
        while True:
            year = rng.randint(1985, 2025)
            first = rng.choice(ORGANISATIONS) if kind in ("webpage", "report") else rng.choice(surnames)
            if (first, year) not in taken:
                taken.add((first, year))
                break
        title_words = rng.sample(WORDS, rng.randint(5, 11))
        title = " ".join(title_words).capitalize()
        ref = Reference(key=f"{slugify(first).replace('-', '')[:40]}{year}g{n}", kind=kind, year=year, title=title)
        if kind == "article-journal":
            ref.container_title = rng.choice(JOURNALS)
            ref.volume, ref.issue = str(rng.randint(1, 60)), str(rng.randint(1, 12))
            start = rng.randint(1, 900)
            ref.pages = f"{start}-{start + rng.randint(5, 20)}"
            ref.doi = f"https://doi.org/10.{rng.randint(1000, 9999)}/bench.{n}"
        elif kind in ("book", "chapter"):
            ref.place, ref.publisher = rng.choice(PUBLISHERS)
            ref.edition = rng.choice(["", "", "2", "3", "5"])
            if kind == "chapter":
                ref.container_title = " ".join(rng.sample(WORDS, 4)).capitalize()
                start = rng.randint(1, 400)
                ref.pages = f"{start}-{start + rng.randint(10, 30)}"
        elif kind == "webpage":
            ref.container_title = first
            ref.url = f"https://www.example.org/health/{slugify(title)}"
            ref.accessed = datetime.date(2025, rng.randint(1, 12), rng.randint(1, 28))
        else:
            ref.collection_title, ref.number = "Clinical guideline", f"CG{rng.randint(1, 300)}"
            ref.place, ref.publisher = "London", first
        ref.clean()
        references.append(ref)
        if kind in ("webpage", "report"):
            people.append([Contributor(organisation=first)])
        else:
            authors = [first] + rng.sample(
                [s for s in surnames[:200] if s != first], rng.choice([0, 0, 1, 1, 2, 2, 3, 4, 5])
            )
            people.append(
                [Contributor(surname=name, initials=rng.choice(["A.J.", "M.", "S.", "K.L.", "T."])) for name in authors]
            )
            if kind == "chapter":
                people[-1] += [Contributor(role="editor", surname=rng.choice(surnames), initials="R.")]
    Reference.objects.bulk_create(references)
    contributors = []
    for ref, group in zip(references, people, strict=True):
        for position, contributor in enumerate(group, start=1):
            contributor.reference, contributor.position = ref, position
            contributor.clean()
            contributors.append(contributor)
    Contributor.objects.bulk_create(contributors)
    return {ref.key for ref in references}, len(contributors)


# Citations --------------------------------------------------------------------------------------


def strip_accents(text):
    return text.replace("ø", "o").replace("ü", "u").replace("ú", "u").replace("ñ", "n").replace("’", "'")


def citation(refs):
    """One citation of one or more works, in one of the forms practitioners write."""
    ref = refs[0]
    label = ref.citation_label
    if rng.random() < 0.15:
        label = strip_accents(label)  # typed without accents: still found
    form = rng.random()
    if len(refs) > 1:
        if form < 0.5:
            return "[" + "; ".join(f"@{r.key}" for r in refs) + "]"
        return "(" + "; ".join(f"{r.citation_label}, {r.year}" for r in refs) + ")"
    if form < 0.40:
        return f"({label}, {ref.year})"
    if form < 0.55:
        return f"{label} ({ref.year})"
    if form < 0.65:
        return f"({label}, {ref.year}, p. {rng.randint(2, 300)})"
    if form < 0.70:
        return f"(see {label}, {ref.year})"
    if form < 0.88:
        return f"[@{ref.key}]"
    if form < 0.95:
        return f"[see @{ref.key}, p. {rng.randint(2, 300)}]"
    return f"@{ref.key}"


def paragraph(cited):
    sentences = []
    for _ in range(rng.randint(2, 5)):
        cite = None
        if rng.random() < 0.35:
            works = rng.sample(cited, min(len(cited), rng.choice([1, 1, 1, 2])))
            cite = citation(works)
        sentences.append(sentence(cite))
    return " ".join(sentences)


def section_body(cited):
    blocks = [paragraph(cited) for _ in range(rng.randint(2, 4))]
    if rng.random() < 0.6:
        blocks.insert(1, "\n".join(f"- {sentence()[:-1]}" for _ in range(rng.randint(3, 6))))
    if rng.random() < 0.3:
        blocks.append(f"> {sentence()}")
    if rng.random() < 0.08:
        blocks.append("```timeline\n" + TIMELINE + "\n```")
    return "\n\n".join(blocks)


# Articles ---------------------------------------------------------------------------------------


def make_articles(count, library, generated_keys, topics, practitioners):
    generated = [ref for ref in library.references if ref.key in generated_keys]
    now = timezone.now()
    titles, articles, plans = set(), [], []
    for n in range(count):
        a, b = rng.sample(["foot", "knee", "heel", "tendon", "hip", "ankle", "calf", "arch", "stride", "balance"], 2)
        title = rng.choice(TITLE_SHAPES).format(a=a, b=b, A=a.capitalize(), verb=rng.choice(VERBS))
        while title in titles:
            title += f" (part {n})"
        titles.add(title)
        cited = rng.sample(generated, rng.randint(5, 16))
        headings = [
            f"{rng.choice(['Why', 'How', 'When', 'What'])} {' '.join(rng.sample(WORDS, 3))}"
            for _ in range(rng.randint(4, 8))
        ]
        article = Article(
            title=title,
            slug=slugify(title)[:190],
            subtitle=f"Understanding {a} and {b} as one system",
            summary=f"{sentence()} {sentence()}"[:400],
            intro="\n\n".join(paragraph(cited) for _ in range(rng.randint(1, 3))),
            status=Article.Status.PUBLISHED,
            published_at=now - datetime.timedelta(minutes=rng.randint(60, 6 * 365 * 24 * 60)),
            reviewed_by=rng.choice([None, *practitioners]),
            last_reviewed=rng.choice([None, now.date() - datetime.timedelta(days=rng.randint(1, 300))]),
            next_review_due=now.date() + datetime.timedelta(days=rng.randint(-20, 400)),
        )
        articles.append(article)
        plans.append(
            {
                "headings": headings,
                "bodies": [section_body(cited) for _ in headings],
                "points": [
                    f"{h} and why it matters" for h in rng.sample(headings, min(len(headings), rng.randint(2, 4)))
                ]
                + [sentence()[:-1]],
                "topics": rng.sample(topics, rng.randint(1, 3)),
                "authors": rng.sample(practitioners, rng.choice([1, 1, 2])),
                "further": rng.sample(generated, rng.choice([0, 0, 1, 2])),
            }
        )
    Article.objects.bulk_create(articles)
    sections, points, authorships, topic_rows, further_rows = [], [], [], [], []
    for article, plan in zip(articles, plans, strict=True):
        for position, (heading, body) in enumerate(zip(plan["headings"], plan["bodies"], strict=True), start=1):
            sections.append(Section(article=article, position=position, heading=heading, body=body))
        for position, text in enumerate(plan["points"], start=1):
            points.append(KeyPoint(article=article, position=position, text=text[:300]))
        for position, practitioner in enumerate(plan["authors"], start=1):
            authorships.append(ArticleAuthor(article=article, practitioner=practitioner, position=position))
        topic_rows += [Article.topics.through(article=article, topic=topic) for topic in plan["topics"]]
        further_rows += [Article.further_reading.through(article=article, reference=ref) for ref in plan["further"]]
    Section.objects.bulk_create(sections)
    KeyPoint.objects.bulk_create(points)
    ArticleAuthor.objects.bulk_create(authorships)
    Article.topics.through.objects.bulk_create(topic_rows)
    Article.further_reading.through.objects.bulk_create(further_rows)
    return articles


def main():
    started = time.monotonic()
    with transaction.atomic():
        team = Practitioner.objects.get(slug="the-body-lab-team")
        practitioners = [team] + [
            Practitioner.objects.get_or_create(
                slug=f"practitioner-{n}",
                defaults={"name": f"{rng.choice(SURNAME_HEADS)}{rng.choice(SURNAME_TAILS)} {n}", "role": "Podiatrist"},
            )[0]
            for n in range(1, 7)
        ]
        topics = list(Topic.objects.all())
        for name in TOPIC_NAMES:
            if len(topics) >= TOPICS:
                break
            topic, _ = Topic.objects.get_or_create(
                slug=slugify(name), defaults={"name": name, "description": f"Articles about {name.lower()}."}
            )
            if topic not in topics:
                topics.append(topic)
        generated_keys, n_people = make_references(REFERENCES)
    print(
        f"  {len(generated_keys)} references ({n_people} contributors), {len(topics)} topics: "
        f"{time.monotonic() - started:.1f} s"
    )

    library = Library.load()
    with transaction.atomic():
        articles = make_articles(ARTICLES, library, generated_keys, topics, practitioners)
    print(f"  {len(articles)} articles inserted: {time.monotonic() - started:.1f} s")

    problems = []
    render_started = time.monotonic()
    with transaction.atomic():
        for article in Article.objects.filter(pk__in=[a.pk for a in articles]).prefetch_related(
            "key_points", "sections"
        ):
            problems += [f"{article.slug}: {p}" for p in article.render_content(library)]
    render_seconds = time.monotonic() - render_started
    print(
        f"  {len(articles)} articles rendered by Article.render_content(): {render_seconds:.1f} s "
        f"({render_seconds / len(articles) * 1000:.0f} ms each)"
    )
    if problems:
        print("\n".join(problems[:20]), file=sys.stderr)
        sys.exit(f"{len(problems)} citations did not resolve: the generator wrote citations the library cannot read.")
    if connection.vendor == "postgresql":
        # As autovacuum keeps a live database: planner statistics for the new rows, and the visibility map
        # that lets an index answer alone. Measured otherwise, the first runs would measure a fresh load.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"  VACUUM ANALYZE done: {time.monotonic() - started:.1f} s")
    published = Article.objects.published().count()
    print(
        f"  site: {published} published articles, {Reference.objects.count()} references, "
        f"{Topic.objects.count()} topics; {time.monotonic() - started:.1f} s in all"
    )


if __name__ == "__main__":
    main()
