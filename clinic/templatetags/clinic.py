"""`{% clinic_details as clinic %}`: the clinic's record, for the frame of every page (templates/base.html)."""

from django import template
from django.db import DatabaseError

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


@register.simple_tag(takes_context=True)
def clinic_json_ld(context, clinic):
    """The page's MedicalClinic JSON-LD (home and contact pages)."""
    from clinic.structured_data import medical_clinic_script

    request = context["request"]
    return medical_clinic_script(clinic, request, request.path)
