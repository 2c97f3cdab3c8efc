"""`{% clinic_details as clinic %}`: the clinic's record, for the frame of every page (templates/base.html)."""

from django import template
from django.db import DatabaseError
from django.template.loader import render_to_string

from clinic.models import ClinicDetails

register = template.Library()


@register.simple_tag(takes_context=True)
def clinic_details(context):
    if context.get("without_database"):  # an error page (health/unavailable.py): the database may be the error
        return ClinicDetails.cached()
    try:
        return ClinicDetails.current()
    except DatabaseError:  # the error page of a database outage must still render: the name and nothing else
        return ClinicDetails(pk=1)


# {(template, the record's values): HTML}. Per process: a deploy (new templates) starts with none, and an
# Editor's change makes new values, so nothing here is ever stale. Bounded: old values are dropped.
_RENDERED = {}
_RENDERED_MAX = 32


@register.simple_tag
def clinic_block(template_name, clinic):
    """`template_name` rendered with the clinic's record alone, once per process for each version of it.

    The blocks every page repeats (the footer's details, "When to get help") would otherwise be rendered
    again on every uncached page, the same each time.
    """
    key = (template_name, *(field.value_from_object(clinic) for field in clinic._meta.concrete_fields))
    html = _RENDERED.get(key)
    if html is None:
        if len(_RENDERED) >= _RENDERED_MAX:
            _RENDERED.clear()
        html = _RENDERED[key] = render_to_string(template_name, {"clinic": clinic})
    return html


@register.simple_tag(takes_context=True)
def clinic_json_ld(context, clinic):
    """The page's MedicalClinic JSON-LD (home and contact pages)."""
    from clinic.structured_data import medical_clinic_script

    request = context["request"]
    return medical_clinic_script(clinic, request, request.path)
