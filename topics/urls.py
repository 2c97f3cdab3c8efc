from django.urls import path

import pagecache

from . import views

app_name = "topics"

urlpatterns = [
    path("", views.topic_list, name="list"),
    path("<slug:slug>/", pagecache.public_page(views.TopicDetailView.as_view()), name="detail"),
]
