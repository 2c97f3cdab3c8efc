from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.views.generic import ListView

import pagecache

from .models import Practitioner


@pagecache.public_page
def practitioner_list(request):
    return render(request, "practitioners/list.html", {"practitioners": Practitioner.objects.all()})


class PractitionerDetailView(ListView):
    """A practitioner's profile and their published articles, newest first, paginated like a topic's."""

    template_name = "practitioners/detail.html"
    context_object_name = "articles"
    paginate_by = settings.ARTICLES_PER_PAGE

    def get_queryset(self):
        self.practitioner = get_object_or_404(Practitioner, slug=self.kwargs["slug"])
        return self.practitioner.articles.published().cards()

    def get_context_data(self, **kwargs):
        return super().get_context_data(practitioner=self.practitioner, **kwargs)
