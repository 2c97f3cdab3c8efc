"""`{% site_addresses as site %}`: what every page's frame (templates/base.html) links to.

`{% url %}` and `{% static %}` cost some 50 µs each, and the frame names ten of them on every page (and
lists the site's sections twice, in the header and the footer). They only change with a deployment (or
another script prefix), so they are worked out once per process. A template tag rather than a context
processor: error pages render without a request.
"""

import functools

from django import template
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html_join

register = template.Library()


@register.simple_tag
def site_addresses():
    return _addresses(get_script_prefix())


# The site's sections, in the header's and the footer's order.
SECTIONS = (
    ("home", "Articles"),
    ("topics", "Topics"),
    ("practitioners", "Practitioners"),
    ("references", "Research we cite"),
    ("contact", "Contact"),
)


@functools.cache
def _addresses(script_prefix):
    addresses = {
        "home": reverse("articles:list"),
        "contact": reverse("clinic:contact"),
        "topics": reverse("topics:list"),
        "practitioners": reverse("practitioners:list"),
        "references": reverse("references:list"),
        "search": reverse("search:search"),
        "glossary": reverse("glossary:list"),
        "rss": reverse("feed-rss"),
        "atom": reverse("feed-atom"),
        "favicon": static("img/favicon.svg"),
        "stylesheet": static("css/site.css"),
        "script": static("js/site.js"),
    }
    sections = ((addresses[name], label) for name, label in SECTIONS)
    return addresses | {"sections": format_html_join("\n", '<li><a href="{}">{}</a></li>', sections)}
