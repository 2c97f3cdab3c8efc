from django.urls import path
from django.views.generic import RedirectView

import pagecache

from . import views

app_name = "articles"

urlpatterns = [
    path("", pagecache.public_page(views.ArticleListView.as_view()), name="list"),
    # An article's address trimmed by a reader: the list of articles is the home page.
    path("articles/", RedirectView.as_view(pattern_name="articles:list", permanent=True)),
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
]
