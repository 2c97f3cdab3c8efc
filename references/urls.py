from django.urls import path, register_converter

from . import views


class ExportFormat:
    """The extension of a reference download: bib, ris or json."""

    regex = "|".join(views.EXPORTS)

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ExportFormat, "export_format")

app_name = "references"

urlpatterns = [
    path("", views.reference_list, name="list"),
    # Before the detail route, so no key can shadow them.
    path("export/library.<export_format:fmt>", views.export_library, name="export-library"),
    path("export/articles/<slug:slug>.<export_format:fmt>", views.export_article, name="export-article"),
    path("<str:key>/", views.reference_detail, name="detail"),
]
