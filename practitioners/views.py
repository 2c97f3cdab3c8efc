from django.shortcuts import get_object_or_404, render

import pagecache

from .models import Practitioner


@pagecache.public_page
def practitioner_list(request):
    return render(request, "practitioners/list.html", {"practitioners": Practitioner.objects.all()})


@pagecache.public_page
def practitioner_detail(request, slug):
    practitioner = get_object_or_404(Practitioner, slug=slug)
    context = {"practitioner": practitioner, "articles": practitioner.articles.published()}
    return render(request, "practitioners/detail.html", context)
