"""The citation picker's search: the reference library as JSON, for the Markdown editor's script.

Staff only. It searches the way the reference admin's own search box does (its `search_fields`,
through `ModelAdmin.get_search_results`), plus the year, so the picker and the reference list
never disagree about what "Neumann" finds.
"""

import re

from django.contrib import admin
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from .models import Reference
from .normalise import YEAR

MAX_RESULTS = 20
# A search may be typed the way a citation is written, "Neumann, 2017." or "(Kjaer et al., 2009a)":
# its punctuation separates words, "et al." and "and" join names rather than name anything, and a year
# may carry its letter.
SEPARATORS = re.compile(r"[\s,;()\[\]&@]+")
JOINING_WORDS = {"et", "al", "and"}
YEAR_WORD = re.compile(rf"({YEAR})[a-z]?")


def search_library(request, query):
    """The references the admin's search finds for `query` (a year matches as a year), best known first."""
    words = [word.rstrip(".") for word in SEPARATORS.split(query)]
    words = [word for word in words if word and word.lower() not in JOINING_WORDS]
    if not words:
        return Reference.objects.none()  # "and" alone: no search, not the whole library
    references, rest = Reference.objects.with_contributors(), []
    for word in words:
        year = YEAR_WORD.fullmatch(word)
        if year:
            references = references.filter(year=int(year.group(1)))
        else:
            rest.append(word)
    rest = " ".join(rest)
    if rest:
        reference_admin = admin.site.get_model_admin(Reference)
        references, _ = reference_admin.get_search_results(request, references, rest)
    return references.distinct().order_by("key")


def as_choice(reference):
    """What the picker shows of a work: plain text only (the script puts it in with textContent)."""
    return {
        "id": reference.pk,
        "key": reference.key,
        "cited_as": f"{reference.citation_label}, {reference.year_label}",
        "title": reference.plain_title,
    }


@require_GET
def picker_search(request):
    """?q=words (author, title, year or key) or ?id=pk (the work just added in the pop-up)."""
    # Mounted with admin_view (staff only, never cached); the library itself needs its view permission.
    if not request.user.has_perm("references.view_reference"):
        return JsonResponse({"error": "You may not see the reference library."}, status=403)
    if "id" in request.GET:
        try:
            references = Reference.objects.with_contributors().filter(pk=int(request.GET["id"]))
        except ValueError:
            return JsonResponse({"error": "id: give the number of a reference."}, status=400)
    else:
        query = request.GET.get("q", "").strip()[:200]
        references = search_library(request, query)
    results = [as_choice(reference) for reference in references[:MAX_RESULTS]]
    return JsonResponse({"results": results, "add_url": reverse("admin:references_reference_add")})
