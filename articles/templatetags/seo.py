"""Absolute addresses and structured data for the page head: `{% load seo %}`."""

from django import template

from articles.structured_data import article_json_ld

register = template.Library()


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """This page's address without tracking or other parameters; a later page of a list keeps its number.

    Empty where there is no request (the 500 page is rendered without one).
    """
    request = context.get("request")
    if request is None:
        return ""
    url = request.build_absolute_uri(request.path)
    page = request.GET.get("page", "")
    return f"{url}?page={int(page)}" if page.isdigit() and int(page) > 1 else url


@register.simple_tag(takes_context=True)
def absolute_url(context, url):
    request = context.get("request")
    return request.build_absolute_uri(url) if request is not None and url else url


@register.simple_tag(takes_context=True)
def article_structured_data(context, article):
    """The article's schema.org JSON-LD script (see articles/structured_data.py)."""
    request = context.get("request")
    return article_json_ld(article, request) if request is not None else ""
