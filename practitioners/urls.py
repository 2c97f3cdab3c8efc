from django.urls import path

import pagecache

from . import views

app_name = "practitioners"

urlpatterns = [
    path("", views.practitioner_list, name="list"),
    path("<slug:slug>/", pagecache.public_page(views.PractitionerDetailView.as_view()), name="detail"),
]
