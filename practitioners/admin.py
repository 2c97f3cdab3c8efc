from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from bodylab.admin_actions import CheckedSelectionMixin
from bodylab.admin_forms import CheckedFormInput
from uploads.renditions import cached_picture

from .forms import PractitionerForm, PractitionerUserForm
from .models import Practitioner

# Who keeps every profile (and the team page's order): an Editor. An Author keeps their own.
EDITOR_PERMISSION = "articles.publish_article"


@admin.register(Practitioner)
class PractitionerAdmin(CheckedFormInput, CheckedSelectionMixin, admin.ModelAdmin):
    form = PractitionerForm
    list_display = ["name", "credentials", "role", "position"]
    list_editable = ["position"]
    search_fields = ["name", "credentials", "role"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "credentials", "role", "position", "user"]}),
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

    def keeps_every_profile(self, request):
        return request.user.has_perm(EDITOR_PERMISSION)

    def has_add_permission(self, request):
        if not super().has_add_permission(request):
            return False
        # An Author adds one profile: their own.
        return self.keeps_every_profile(request) or not Practitioner.objects.filter(user=request.user).exists()

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or self.keeps_every_profile(request) or obj.user_id == request.user.pk

    def get_fieldsets(self, request, obj=None):
        if self.keeps_every_profile(request):
            return self.fieldsets
        # Their login and the team page's order are an Editor's to set.
        mine = [name for name in self.fieldsets[0][1]["fields"] if name not in ("position", "user")]
        return [(None, {"fields": mine}), *self.fieldsets[1:]]

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        if not self.keeps_every_profile(request):
            changelist.list_editable = ()  # the order of the whole team is not an Author's to change
        return changelist

    def save_model(self, request, obj, form, change):
        if not change and not self.keeps_every_profile(request):
            obj.user = request.user
        super().save_model(request, obj, form, change)
        if obj.photo:
            cached_picture(obj.photo.name)  # make the photo's renditions now rather than on the first visit

    # One page that adds a practitioner's login and profile together.

    def get_urls(self):
        add_user = self.admin_site.admin_view(self.add_user_view)
        return [path("add-user/", add_user, name="practitioners_practitioner_add_user"), *super().get_urls()]

    def may_add_users(self, request):
        return request.user.has_perm("auth.add_user") and super().has_add_permission(request)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "may_add_users": self.may_add_users(request)}
        return super().changelist_view(request, extra_context)

    def add_user_view(self, request):
        if not self.may_add_users(request):
            raise PermissionDenied
        form = PractitionerUserForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            practitioner = form.save()
            messages.success(
                request,
                f"{practitioner.name} can now log in as “{practitioner.user.get_username()}”, "
                f"as {form.cleaned_data['group'].name}. Add their photo and introduction below.",
            )
            return redirect(reverse("admin:practitioners_practitioner_change", args=[practitioner.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Add a practitioner who writes",
            "form": form,
            "sections": [
                ("Their login", [form[name] for name in ["username", "email", "password1", "password2", "group"]]),
                ("Their profile on the team page", [form[name] for name in ["name", "credentials", "role"]]),
            ],
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/practitioners/practitioner/add_user.html", context)
