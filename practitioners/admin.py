from django.contrib import admin

from bodylab.admin_actions import CheckedSelectionMixin
from bodylab.admin_forms import CheckedFormInput
from uploads.renditions import cached_picture

from .forms import PractitionerForm
from .models import Practitioner


@admin.register(Practitioner)
class PractitionerAdmin(CheckedFormInput, CheckedSelectionMixin, admin.ModelAdmin):
    form = PractitionerForm
    list_display = ["name", "credentials", "role", "position"]
    list_editable = ["position"]
    search_fields = ["name", "credentials", "role"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "credentials", "role", "position"]}),
        (
            "Photo",
            {
                "fields": ["photo", "photo_alt"],
                "description": "A PNG or JPEG photo. Its description (alt text) is required with a photo.",
            },
        ),
        ("About", {"fields": ["bio"]}),
    ]

    def get_changelist_formset(self, request, **kwargs):
        # The list's positions are edited a page at a time: a forged TOTAL_FORMS builds no more rows than that.
        return super().get_changelist_formset(
            request, max_num=self.list_per_page, absolute_max=self.list_per_page, **kwargs
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.photo:
            cached_picture(obj.photo.name)  # make the photo's renditions now rather than on the first visit
