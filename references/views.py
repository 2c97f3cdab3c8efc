from django.shortcuts import get_object_or_404, render

from .models import Reference


def reference_list(request):
    references = sorted(Reference.objects.with_contributors(), key=lambda ref: ref.sort_key)
    return render(request, "references/reference_list.html", {"references": references})


def reference_detail(request, key):
    reference = get_object_or_404(Reference.objects.with_contributors(), key=key)
    articles = reference.articles.published()
    return render(request, "references/reference_detail.html", {"reference": reference, "articles": articles})
