from django.conf import settings
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.views.generic import ListView

import pagecache
from articles.models import Article

from .models import Topic


@pagecache.public_page
def topic_list(request):
    # order_by again: Meta.ordering does not apply to a query with an aggregate.
    topics = Topic.objects.annotate(
        article_count=Count("articles", filter=Q(articles__in=Article.objects.published()))
    ).order_by("name")
    return render(request, "topics/topic_list.html", {"topics": topics})


class TopicDetailView(ListView):
    """A topic's published articles, newest first, paginated like the home page."""

    template_name = "topics/topic_detail.html"
    context_object_name = "articles"
    paginate_by = settings.ARTICLES_PER_PAGE

    def get_queryset(self):
        self.topic = get_object_or_404(Topic, slug=self.kwargs["slug"])
        return self.topic.articles.published().cards()

    def get_context_data(self, **kwargs):
        return super().get_context_data(topic=self.topic, **kwargs)
