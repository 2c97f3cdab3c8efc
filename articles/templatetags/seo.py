"""Absolute addresses and structured data for the page head: `{% load seo %}`."""

from django import template
from django.core.exceptions import DisallowedHost

from articles.structured_data import article_json_ld

register = template.Library()


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """This page's address without tracking or other parameters; a later page of a list keeps its number.

    Empty where there is no request (the 500 page is rendered without one), or where the request
    names a host we do not serve (the 400 page it gets must not fail on the same host again).
    """
    request = context.get("request")
    if request is None:
        return ""
    try:
        url = request.build_absolute_uri(request.path)
    except DisallowedHost:
        return ""
    page = request.GET.get("page", "")
    # ASCII digits only: "²".isdigit() is true but int("²") fails.
    return f"{url}?page={int(page)}" if page.isascii() and page.isdigit() and int(page) > 1 else url


@register.simple_tag(takes_context=True)
def absolute_url(context, url):
    request = context.get("request")
    return request.build_absolute_uri(url) if request is not None and url else url


@register.simple_tag(takes_context=True)
def article_structured_data(context, article):
    """The article's schema.org JSON-LD script (see articles/structured_data.py)."""
    request = context.get("request")
    return article_json_ld(article, request) if request is not None else ""
