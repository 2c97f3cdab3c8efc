from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header

import pagecache
from articles.models import Article

from . import bibtex, csl, ris
from .models import Reference, key_validator

# Download format (also the file extension) -> (writer, content type).
EXPORTS = {
    "bib": (bibtex.to_bibtex, "application/x-bibtex"),
    "ris": (ris.to_ris, "application/x-research-info-systems"),
    "json": (csl.to_csl_json, "application/vnd.citationstyles.csl+json"),
}


@pagecache.public_page
def reference_list(request):
    """The public library: the works published articles show, in reference-list order."""
    references = sorted(Reference.objects.public().with_contributors(), key=lambda ref: ref.sort_key)
    return render(request, "references/reference_list.html", {"references": references})


@pagecache.public_page
def reference_detail(request, key):
    try:
        # A key no reference can have is not looked up: PostgreSQL refuses one with a NUL byte (a 500).
        key_validator(key)
    except ValidationError:
        raise Http404("No reference has this key.") from None
    reference = get_object_or_404(Reference.objects.public().with_contributors(), key=key)
    articles = reference.articles.published()
    return render(request, "references/reference_detail.html", {"reference": reference, "articles": articles})


def download(references, fmt, name):
    """References as a file download: `name.fmt` in one of EXPORTS."""
    write, content_type = EXPORTS[fmt]
    response = HttpResponse(write(references), content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=f"{name}.{fmt}")
    return response


def in_list_order(references):
    """As the site lists them, so a download reads like the page it came from."""
    return sorted(references.with_contributors(), key=lambda ref: ref.sort_key)


@pagecache.public_page
def export_library(request, fmt):
    return download(in_list_order(Reference.objects.public()), fmt, "the-body-lab-references")


@pagecache.public_page
def export_article(request, slug, fmt):
    """The works a published article cites; drafts and articles not yet out are not found."""
    article = get_object_or_404(Article.objects.published(), slug=slug)
    return download(in_list_order(article.references.all()), fmt, f"{article.slug}-references")
