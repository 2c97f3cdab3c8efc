from itertools import groupby

from django.db.models import Prefetch
from django.shortcuts import render

import pagecache
from articles.models import Article
from references.models import Reference

from .models import GlossaryEntry


@pagecache.public_page
def glossary(request):
    """The terms A to Z, each with the published articles that explain it."""
    entries = GlossaryEntry.objects.order_by("term").prefetch_related(
        Prefetch("reference", queryset=Reference.objects.with_contributors()),
        Prefetch("articles", queryset=Article.objects.published().only("title", "slug").order_by("title")),
    )
    letters = [(letter, list(group)) for letter, group in groupby(entries, key=lambda entry: entry.term[:1].upper())]
    return render(request, "glossary/glossary.html", {"letters": letters})
