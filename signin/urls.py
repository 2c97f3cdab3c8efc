from django.contrib import admin
from django.urls import path

from . import views

app_name = "signin"
urlpatterns = [
    path("", admin.site.admin_view(views.two_step_page), name="two_step"),
    path("qr-code.svg", admin.site.admin_view(views.qr_code), name="qr_code"),
]
