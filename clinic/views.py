from django.shortcuts import render

import pagecache

from .models import ClinicDetails


@pagecache.public_page
def contact(request):
    """/contact/: how to reach and book the clinic, from its record; what is empty is left out."""
    return render(request, "clinic/contact.html", {"clinic": ClinicDetails.current()})
