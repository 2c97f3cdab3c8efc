from django.urls import path

import pagecache

from . import views

app_name = "articles"

urlpatterns = [
    path("", pagecache.public_page(views.ArticleListView.as_view()), name="list"),
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
]
