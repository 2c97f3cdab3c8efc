"""schema.org JSON-LD for an article page, built in Python and serialized so it cannot break out of its script."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from references.models import Reference

SITE_NAME = "The Body Lab"

# As django.utils.html.json_script: inside <script>, "<", ">" and "&" must not appear literally.
SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}

WORK_TYPES = {
    Reference.Kind.JOURNAL_ARTICLE: "ScholarlyArticle",
    Reference.Kind.BOOK: "Book",
    Reference.Kind.CHAPTER: "Chapter",
    Reference.Kind.WEBPAGE: "WebPage",
    Reference.Kind.REPORT: "Report",
    Reference.Kind.PREPRINT: "ScholarlyArticle",
    Reference.Kind.BLOG_POST: "BlogPosting",
    Reference.Kind.NEWSPAPER: "NewsArticle",
    Reference.Kind.MAGAZINE: "Article",
    Reference.Kind.THESIS: "Thesis",
    Reference.Kind.CONFERENCE_PAPER: "ScholarlyArticle",
    Reference.Kind.VIDEO: "VideoObject",
    Reference.Kind.PODCAST: "PodcastEpisode",
}


def json_ld_script(data):
    """`<script type="application/ld+json">` holding `data`; `</script>` in any value stays inert."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")).translate(SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


def absolute(request, url):
    return request.build_absolute_uri(url) if url else None


def practitioner_url(request, practitioner):
    """The profile page's address, once practitioner pages exist (before that, none)."""
    try:
        return absolute(request, practitioner.get_absolute_url())
    except NoReverseMatch:
        return None


def person(request, practitioner):
    return compact(
        {
            "@type": "Person",
            "name": practitioner.name,
            "jobTitle": practitioner.role or practitioner.credentials,
            "honorificSuffix": practitioner.credentials if practitioner.role else None,
            "url": practitioner_url(request, practitioner),
        }
    )


def cited_work(reference):
    """A cited work, identified: its authors, container and publisher are in the reference list on the page."""
    doi = f"https://doi.org/{reference.doi}" if reference.doi else ""
    return compact(
        {
            "@type": WORK_TYPES.get(reference.kind, "CreativeWork"),
            "name": reference.plain_title,
            "datePublished": str(reference.year) if reference.year else None,
            "url": reference.url or doi,
            "sameAs": doi,
        }
    )


def organisation(request):
    return {"@type": "Organization", "name": SITE_NAME, "url": absolute(request, reverse("articles:list"))}


def article_data(article, request):
    """The article as a schema.org MedicalWebPage. Expects `Article.objects.for_page()` prefetches."""
    url = absolute(request, article.get_absolute_url())
    image = None
    if article.featured_image:
        image = compact(
            {
                "@type": "ImageObject",
                "url": absolute(request, article.featured_image.url),
                "description": article.featured_image_alt,
            }
        )
    return compact(
        {
            "@context": "https://schema.org",
            "@type": "MedicalWebPage",
            "url": url,
            "headline": article.title,
            "alternativeHeadline": article.subtitle,
            "description": article.summary,
            "inLanguage": "en-GB",
            "image": image,
            "datePublished": article.published_at,
            "dateModified": article.updated_at,
            "author": [person(request, practitioner) for practitioner in article.ordered_authors],
            "about": [{"@type": "Thing", "name": topic.name} for topic in article.topics.all()],
            "citation": [cited_work(citation.reference) for citation in article.citations.all()],
            "lastReviewed": article.last_reviewed,
            "reviewedBy": person(request, article.reviewed_by) if article.reviewed_by else None,
            "publisher": organisation(request),
        }
    )


def compact(data):
    """Leave out what is unknown: empty values say nothing to a search engine."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def article_json_ld(article, request):
    return json_ld_script(article_data(article, request))
