"""Article search: PostgreSQL full-text search in production, a simpler word search on SQLite.

`search_articles(query)` picks the backend by `connection.vendor`. Both return a `SearchResults`
that a Paginator slices, and both give every result on the page a `snippet`: safe HTML with
the matched words in `<mark>`. Only `Article.objects.published()` is ever searched.
"""

import re
import unicodedata

from django.db import connection
from django.db.models import Case, F, Func, Q, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat, Left, Length
from django.db.models.lookups import GreaterThan
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles.models import Article
from content.markup import running_text

MAX_QUERY_LENGTH = 200
SEARCH_CONFIG = "english"
# Private-use characters mark the headline's matches; the text is escaped before they become <mark>.
MARK_START, MARK_STOP = "\ue000", "\ue001"
MARKED = re.compile(f"{MARK_START}([^{MARK_START}{MARK_STOP}]*){MARK_STOP}")
SNIPPET_CHARS = 240
# A snippet comes from an article's first 2,000 characters (its summary and opening) when the words are there,
# with 400 more for the words after them.
HEADLINE_OPENING = (2000, 2400)
# Quotes and punctuation around a word are not part of it: `"heel` searches for heel.
EDGE_PUNCTUATION = "\"'`“”‘’«»()[]{}<>.,;:!?&|*+-=/\\~^%$#@"


def clean_query(raw):
    """The query as searched, and a note for the reader if it had to be shortened.

    Control characters (NUL bytes included) go: no database accepts them in a query and no
    one means them. Whitespace is collapsed. Queries over MAX_QUERY_LENGTH are cut at a word.
    """
    text = "".join(" " if unicodedata.category(char) in ("Cc", "Cs") else char for char in raw or "")
    text = " ".join(text.split())
    if len(text) <= MAX_QUERY_LENGTH:
        return text, ""
    head = text[:MAX_QUERY_LENGTH]
    if text[MAX_QUERY_LENGTH] != " " and " " in head:
        head = head.rsplit(" ", 1)[0]  # do not search for half a word
    return head.strip(), f"That search was long, so we searched for its first {MAX_QUERY_LENGTH} characters."


# A phrase in straight or curly double quotes: its words are searched for together, in that order.
PHRASE = re.compile(r'"([^"]*)"|“([^”]*)”')
STRAIGHT_QUOTES = str.maketrans("“”", '""')


def search_terms(query):
    """Words of a query without surrounding punctuation, and its quoted phrases as they are ("plantar fasciitis");
    punctuation-only tokens are dropped."""
    terms = []

    def add(term):
        if term and term.casefold() not in {t.casefold() for t in terms}:
            terms.append(term)

    position = 0
    for match in PHRASE.finditer(query):
        for token in query[position : match.start()].split():
            add(token.strip(EDGE_PUNCTUATION))
        words = [word.strip(EDGE_PUNCTUATION) for word in (match[1] or match[2] or "").split()]
        add(" ".join(word for word in words if word))
        position = match.end()
    for token in query[position:].split():
        add(token.strip(EDGE_PUNCTUATION))
    return terms


class SearchResults:
    """A ranked queryset that a Paginator can count and slice; slices come back with snippets."""

    def __init__(self, queryset, add_snippets):
        self.queryset = queryset
        self.add_snippets = add_snippets

    def count(self):
        return self.queryset.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, key):
        if isinstance(key, slice):
            articles = list(self.queryset[key])
            self.add_snippets(articles)
            return articles
        return self[key : key + 1][0]


def search_articles(query):
    """Published articles matching `query`, best first."""
    if connection.vendor == "postgresql":
        return _postgres_search(query)
    return _simple_search(query)


# PostgreSQL ---------------------------------------------------------------------------------


def stored_search_vector():
    """The article's weighted search vector, kept by PostgreSQL in a column of its own.

    articles/migrations/0014_stored_search_vector.py defines it (title weighs most, then subtitle and
    summary, then the text) and indexes it. It is not a model field, so no other query reads it.
    """
    from django.contrib.postgres.search import SearchVectorField

    table = connection.ops.quote_name(Article._meta.db_table)
    return RawSQL(f"{table}.search_vector", [], output_field=SearchVectorField())


def _postgres_search(query):
    from django.contrib.postgres.search import (
        SearchHeadline,
        SearchQuery,
        SearchRank,
        SearchVector,
        SearchVectorExact,
    )

    # websearch_to_tsquery knows only straight quotes for a phrase; phones type curly ones.
    search_query = SearchQuery(query.translate(STRAIGHT_QUOTES), search_type="websearch", config=SEARCH_CONFIG)
    vector = stored_search_vector()
    text = Concat("summary", Value("\n"), "search_document", output_field=TextField())
    opening, around_opening = (opening_of(text, length) for length in HEADLINE_OPENING)

    def headline(of):
        return SearchHeadline(
            of,
            search_query,
            config=SEARCH_CONFIG,
            start_sel=MARK_START,
            stop_sel=MARK_STOP,
            max_words=35,
            min_words=15,
            max_fragments=2,
            fragment_delimiter=" … ",
        )

    queryset = (
        Article.objects.published()
        .cards()
        .annotate(search=vector)
        .filter(search=search_query)
        .annotate(
            rank=SearchRank(vector, search_query),
            # ts_headline reads the whole text it is given (~1 ms for an article of 10,000 characters): the
            # opening alone when the query matches there (a little more of it, so that a word near its end
            # still has words after it), the whole text only when it does not. Of words joined by "or",
            # those in the opening are marked.
            headline=Case(
                When(
                    SearchVectorExact(SearchVector(opening, config=SEARCH_CONFIG), search_query),
                    then=headline(around_opening),
                ),
                default=headline(text),
            ),
        )
        .order_by("-rank", "-published_at", "-pk")
    )

    def add_snippets(articles):
        for article in articles:
            article.snippet = marked_headline(article.headline)

    return SearchResults(queryset, add_snippets)


def opening_of(text, length):
    """The first `length` characters of `text`, less a word cut in two there: a snippet never ends in half a
    word, nor matches one."""
    cut = Func(Left(text, length + 1), Value(r"\S*$"), Value(""), function="regexp_replace", output_field=TextField())
    return Case(When(GreaterThan(Length(text), length), then=cut), default=text)


def marked_headline(headline):
    """ts_headline's output as safe HTML: everything escaped, then the marked matches wrapped in <mark>."""
    html = MARKED.sub(r"<mark>\1</mark>", escape(running_text(headline)))
    return mark_safe(html.replace(MARK_START, "").replace(MARK_STOP, ""))


# SQLite (development) ------------------------------------------------------------------------

SIMPLE_FIELDS = ("title", "subtitle", "summary", "search_document")


def singular(term):
    """'knees' -> 'knee', so a plural finds the singular too (substring search finds the plural).
    A phrase is left as typed: its words must stand together."""
    if " " in term:
        return term
    return term[:-1] if len(term) > 3 and term.endswith("s") and not term.endswith("ss") else term


def _simple_search(query):
    terms = [singular(term) for term in search_terms(query)]
    if not terms:
        return SearchResults(Article.objects.none(), lambda articles: None)
    queryset = Article.objects.published().cards("search_document")  # the snippet is cut from it
    for term in terms:
        queryset = queryset.filter(Q.create([(f"{field}__icontains", term) for field in SIMPLE_FIELDS], Q.OR))

    def matches(condition):
        """How many of the terms meet `condition(term)`, as an SQL expression."""
        return sum((Case(When(condition(term), then=1), default=0) for term in terms), Value(0))

    queryset = queryset.annotate(
        title_hits=matches(lambda term: Q(title__icontains=term)),
        lede_hits=matches(lambda term: Q(subtitle__icontains=term) | Q(summary__icontains=term)),
    ).order_by(F("title_hits").desc(), F("lede_hits").desc(), "-published_at", "-pk")

    def add_snippets(articles):
        for article in articles:
            article.snippet = simple_snippet(f"{article.summary}\n{article.search_document}", terms)

    return SearchResults(queryset, add_snippets)


def simple_snippet(text, terms, length=SNIPPET_CHARS):
    """About `length` characters of `text` around the first match, escaped, matches in <mark>."""
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
    text = running_text(text)
    match = pattern.search(text)
    start, lead = 0, length // 3
    if match and match.start() > lead:
        start = match.start() - lead
        space = text.find(" ", start, match.start())
        start = space + 1 if space != -1 else start
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", match.end() if match else start, end)
        end = space if space != -1 else end
    window = text[start:end]
    pieces, position = [], 0
    for found in pattern.finditer(window):
        pieces.append(escape(window[position : found.start()]))
        pieces.append(f"<mark>{escape(found.group())}</mark>")
        position = found.end()
    pieces.append(escape(window[position:]))
    return mark_safe(("… " if start else "") + "".join(pieces) + (" …" if end < len(text) else ""))
