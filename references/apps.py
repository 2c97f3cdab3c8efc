from django.apps import AppConfig


class ReferencesConfig(AppConfig):
    name = "references"
    verbose_name = "Reference library"

    def ready(self):
        from . import signals  # noqa: F401  (connects the receivers)
