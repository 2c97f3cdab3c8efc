"""The parts of an article page that only change when content changes, rendered once and stored.

The <article> (header, byline, featured image, intro, key points, contents, sections, references,
downloads, further reading) with the article's topics, and the head's sharing tags and JSON-LD,
are what the public sees of the article itself: `Article.store_page` renders them with the page's
own templates whenever the article is rendered, and articles.signals renders them again when an
author, a topic or a listed work changes. A public request only reads them (`stored_parts`).
What depends on other articles (neighbours, related articles) or on the request stays live.

Drafts, scheduled and archived articles (shown to staff) and the admin's preview are rendered
live from the same templates (`live_context`), so they look the same as the public page.
"""

from urllib.parse import urljoin

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

# Stands for the request's scheme and host in the stored head: absolute addresses depend on the
# request (the host it names, http or https), so they are completed per request.
ORIGIN = "https://origin.bodylab.invalid"


class _StoredRequest:
    """What the head's templates ask of a request while its parts are rendered to be stored."""

    def build_absolute_uri(self, location):
        return urljoin(ORIGIN + "/", location)  # an address that is already absolute stays as it is


def render_stored_parts(article):
    """{field: HTML} of the public page's stored parts. `article`: saved, from `Article.objects.for_page()`."""
    context = {"article": article, "public": True, "request": _StoredRequest()}
    return {
        "page_html": render_to_string("articles/_article.html", context),
        "page_head_html": render_to_string("articles/_seo_head.html", context),
    }


def stored_parts(article, request):
    """The template context for the stored parts of a public article's page, completed for this request."""
    origin = request.build_absolute_uri("/")[:-1]  # the host is one ALLOWED_HOSTS accepts: nothing to escape
    return {
        "public": True,
        "stored_page": mark_safe(article.page_html),  # our templates rendered it, escaping
        "stored_head": mark_safe(article.page_head_html.replace(ORIGIN, origin)),
    }


def live_context(article):
    """The template context for rendering the article's parts per request (staff, previews)."""
    return {"public": article.is_public}
