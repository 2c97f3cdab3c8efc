"""Articles kept as Markdown files with YAML front matter, brought into the database.

File format::

    ---
    title: ...
    slug: ...
    subtitle: ...
    summary: ...             # required unless a draft
    status: published        # or draft
    published_at: 2025-06-03T09:00:00+01:00
    key_points:              # each may name the section it announces (all or none):
      - ...                  #   - {text: ..., section: The section's heading}
    topics: [Foot, Gait]     # optional; topics are created as needed
    authors: [alex-morgan]   # practitioners' slugs, in credit order; required unless a draft
    ---
    Intro paragraphs...

    ## First section heading
    Section body...

Everything before the first `## ` heading is the intro.
"""

import datetime
import re
from dataclasses import dataclass, field

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

import pagecache
from practitioners.models import Practitioner
from references.citations import Library
from references.errors import ImportProblem
from topics.models import Topic

from .models import CONTENT_FIELDS, Article, ArticleAuthor, KeyPoint, Section, content_fingerprint

REQUIRED = ["title", "slug", "status", "published_at"]
KNOWN = set(REQUIRED) | {"summary", "subtitle", "key_points", "topics", "authors"}
SECTION_HEADING = re.compile(r"^##\s+(.+?)\s*#*\s*$")
# A fenced code block as Python-Markdown reads one: its first line a fence with perhaps a language
# ("```python", "~~~ {.md}"), ending at a line of the same fence, no other; without one, it is no block.
FENCE = re.compile(r"^(`{3,}|~{3,})[ ]*(?:\{[^\n]*\}|\.?[\w#.+-]*)?[ ]*(?:hl_lines=\S+)?[ ]*$")


@dataclass
class ArticleFile:
    title: str
    slug: str
    subtitle: str
    summary: str
    status: str
    published_at: datetime.datetime
    intro: str
    key_points: list = field(default_factory=list)
    key_point_sections: list = field(default_factory=list)  # the heading each key point announces, or None
    sections: list = field(default_factory=list)  # [(heading, body)]
    topics: list = field(default_factory=list)  # topic names
    authors: list = field(default_factory=list)  # practitioner slugs, in credit order
    source: str = "input"

    def fingerprint(self):
        return content_fingerprint(
            **{name: getattr(self, name) for name in CONTENT_FIELDS},
            key_points=self.key_points,
            sections=self.sections,
            topics=self.topics,
            authors=self.authors,
        )


class _DatesAsText(yaml.SafeLoader):
    """YAML's own date reader raises a bare ValueError for a day that does not exist (2024-02-30): dates stay
    text here, and parse() reads them, naming the line and field."""


_DatesAsText.add_constructor("tag:yaml.org,2002:timestamp", _DatesAsText.construct_yaml_str)


def parse(text, source="input"):
    """Markdown file text -> ArticleFile; an ImportProblem names the line or field at fault."""
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != "---":
        raise ImportProblem(f"{source}: line 1: the file must start with '---' and YAML front matter")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise ImportProblem(f"{source}: the front matter has no closing '---' line") from None
    try:
        meta = yaml.load("\n".join(lines[1:end]), Loader=_DatesAsText) or {}  # a SafeLoader: no objects built
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 2}" if mark else "front matter"
        problem = getattr(error, "problem", None) or str(error)
        raise ImportProblem(f"{source}: {where}: invalid YAML: {problem}") from error
    if not isinstance(meta, dict):
        raise ImportProblem(f"{source}: line 2: the front matter must be 'name: value' lines")

    def fail(name, message):
        line = next((i + 1 for i in range(1, end) if lines[i].startswith(f"{name}:")), 1)
        raise ImportProblem(f"{source}: line {line}, field '{name}': {message}")

    for name in REQUIRED:
        if meta.get(name) in (None, ""):
            fail(name, "required")
    for name in meta:
        if name not in KNOWN:
            fail(name, f"unknown field (expected one of {', '.join(sorted(KNOWN))})")
    if meta["status"] not in Article.Status.values:
        fail("status", f"must be one of {', '.join(Article.Status.values)}")
    published_at = meta["published_at"]
    if isinstance(published_at, str):
        try:
            published_at = datetime.datetime.fromisoformat(published_at)
        except ValueError:
            fail("published_at", "use a date and time such as 2025-06-03T09:00:00+01:00")
    if not isinstance(published_at, datetime.datetime):
        fail("published_at", "use a date and time such as 2025-06-03T09:00:00+01:00")
    if timezone.is_naive(published_at):
        published_at = timezone.make_aware(published_at)
    key_points = meta.get("key_points") or []
    if not isinstance(key_points, list):
        fail("key_points", "must be a list of non-empty lines")
    if len(key_points) > KeyPoint.MAX_PER_ARTICLE:
        fail("key_points", f"{len(key_points)} key points; an article has at most {KeyPoint.MAX_PER_ARTICLE}")
    pairs = [_key_point(point, fail) for point in key_points]
    key_points, announced = [text for text, _ in pairs], [section for _, section in pairs]
    if any(announced) and not all(announced):
        fail("key_points", "name the section each key point announces, or none: some do and some do not")

    if not str(meta.get("summary") or "").strip() and Article.needs_summary(meta["status"]):
        fail("summary", "required unless the article is a draft (one or two plain sentences for lists and search)")
    topics = meta.get("topics") or []
    if not isinstance(topics, list) or not all(isinstance(t, str) and slugify(t) for t in topics):
        fail("topics", "must be a list of topic names (with letters or digits)")
    authors = meta.get("authors") or []
    if not isinstance(authors, list) or not all(isinstance(a, str) and a.strip() for a in authors):
        fail("authors", "must be a list of practitioner slugs, for example [alex-morgan]")
    if not authors and meta["status"] != Article.Status.DRAFT:
        fail("authors", "a published article needs at least one author (a practitioner's slug)")
    if len(authors) > ArticleAuthor.MAX_PER_ARTICLE:
        fail("authors", f"{len(authors)} authors; an article credits at most {ArticleAuthor.MAX_PER_ARTICLE}")
    twice = sorted({a.strip() for a in authors if [b.strip() for b in authors].count(a.strip()) > 1})
    if twice:
        fail("authors", f"{', '.join(twice)} listed more than once")

    intro, sections = _split_body(lines[end + 1 :], first_line=end + 2, source=source)
    headings = [heading for heading, _ in sections]
    for heading in announced:
        if heading and heading not in headings:
            fail("key_points", f"no section is headed “{heading}”")
    return ArticleFile(
        title=str(meta["title"]).strip(),
        slug=str(meta["slug"]).strip(),
        subtitle=str(meta.get("subtitle") or "").strip(),
        summary=str(meta.get("summary") or "").strip(),
        status=meta["status"],
        published_at=published_at,
        intro=intro,
        key_points=key_points,
        key_point_sections=announced,
        sections=sections,
        topics=sorted({t.strip() for t in topics}),
        authors=[a.strip() for a in authors],
        source=source,
    )


def _split_body(lines, first_line, source):
    intro, sections, current, fence = [], [], None, None
    for index, line in enumerate(lines):
        number = first_line + index
        fenced = fence is not None
        opening = None if fenced else FENCE.match(line)
        if opening and any(later.rstrip(" ") == opening.group(1) for later in lines[index + 1 :]):
            fence = opening.group(1)
        elif fenced and line.rstrip(" ") == fence:
            fence = None
        heading = None if fenced else SECTION_HEADING.match(line)
        if heading:
            if len(sections) == Section.MAX_PER_ARTICLE:  # the admin's form would refuse the article
                raise ImportProblem(
                    f"{source}: line {number}: a section more than an article may have "
                    f"(at most {Section.MAX_PER_ARTICLE}); merge sections or split the article"
                )
            current = (heading.group(1), [])
            sections.append(current)
        elif not fenced and re.match(r"^#\s", line):
            raise ImportProblem(
                f"{source}: line {number}: use '## ' for section headings; the title is in the front matter"
            )
        else:
            (current[1] if current else intro).append(line)
    return "\n".join(intro).strip(), [(heading, "\n".join(body).strip()) for heading, body in sections]


def import_article(parsed, force=False, library=None):
    """Create or update the article of `parsed`. Returns 'created', 'updated' or 'unchanged'.

    Refuses (ImportProblem) to overwrite an article edited since its last
    import, or one that was never imported, unless `force` is given. All or
    nothing: any problem, including a citation that matches no reference,
    leaves the database as it was.
    """
    with transaction.atomic():
        article = (
            Article.objects.filter(slug=parsed.slug)
            .prefetch_related("key_points", "sections", "topics", "authorships__practitioner")
            .first()
        )
        if article is not None:
            current = article.fingerprint()
            if current == parsed.fingerprint() and article.imported_fingerprint == current:
                return "unchanged"
            if not force and article.imported_fingerprint != current:
                raise ImportProblem(
                    f"{parsed.source}: the article '{parsed.slug}' was changed in the admin "
                    "since it was last imported; use --force to overwrite those changes"
                )
        outcome = "updated" if article else "created"
        article = article or Article(slug=parsed.slug)
        for name in CONTENT_FIELDS:
            setattr(article, name, getattr(parsed, name))
        _validate(article, parsed.source, exclude=["slug"] if outcome == "updated" else None)
        practitioners = _practitioners(parsed)
        key_points = [KeyPoint(position=n, text=text) for n, text in enumerate(parsed.key_points, start=1)]
        sections = [
            Section(position=n, heading=heading, body=body) for n, (heading, body) in enumerate(parsed.sections, 1)
        ]
        for number, row in enumerate(key_points, start=1):
            _validate(row, f"{parsed.source}: key point {number}", exclude=["article"])
        for row in sections:
            _validate(row, f"{parsed.source}: section “{row.heading}”", exclude=["article"])
        article.save()
        article.key_points.all().delete()
        article.sections.all().delete()
        article.authorships.all().delete()
        for row in key_points + sections:
            row.article = article
        Section.objects.bulk_create(sections)
        by_heading = {section.heading: section for section in sections}
        for point, heading in zip(key_points, parsed.key_point_sections, strict=False):
            point.section = by_heading.get(heading)
        KeyPoint.objects.bulk_create(key_points)
        ArticleAuthor.objects.bulk_create(
            ArticleAuthor(article=article, practitioner=p, position=n) for n, p in enumerate(practitioners, start=1)
        )
        pagecache.invalidate(*map(pagecache.tag_for, practitioners))  # bulk_create sends no signal
        article.topics.set(
            [Topic.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0] for name in parsed.topics]
        )
        if outcome == "created":  # a post brought over has no later update yet; set before its page is rendered
            Article.objects.filter(pk=article.pk).update(updated_at=article.published_at)
        problems = article.render_content(library or Library.load())
        if problems:
            raise ImportProblem(f"{parsed.source}: " + "; ".join(problems))
        article = Article.objects.prefetch_related("key_points", "sections", "topics", "authorships__practitioner").get(
            pk=article.pk
        )
        Article.objects.filter(pk=article.pk).update(imported_fingerprint=article.fingerprint())
        return outcome


def _key_point(point, fail):
    """(text, announced section's heading or None) of a front-matter key point: a line, or {text, section}."""
    if isinstance(point, dict) and set(point) <= {"text", "section"}:
        text, section = point.get("text"), point.get("section")
        if isinstance(text, str) and text.strip() and (section is None or isinstance(section, str)):
            return text.strip(), (section or "").strip() or None
    elif isinstance(point, str) and point.strip():
        return point.strip(), None
    fail("key_points", "must be a list of non-empty lines (or of {text: ..., section: heading})")


def _validate(instance, where, exclude=None):
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        fields = "; ".join(f"field '{name}': {' '.join(msgs)}" for name, msgs in error.message_dict.items())
        raise ImportProblem(f"{where}: {fields}") from error


def _practitioners(parsed):
    found = Practitioner.objects.in_bulk(parsed.authors, field_name="slug")
    missing = [slug for slug in parsed.authors if slug not in found]
    if missing:
        raise ImportProblem(
            f"{parsed.source}: field 'authors': no practitioner with the slug {', '.join(missing)} "
            "(add the profile in the admin first)"
        )
    return [found[slug] for slug in parsed.authors]
