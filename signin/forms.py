from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError

from . import two_step

CODE_WIDGET = forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8})


class StaffLoginForm(AdminAuthenticationForm):
    """The admin's login: username and password (django-axes refuses a locked-out one before it is
    checked), then, for a user with an authenticator app, its current code."""

    otp_token = forms.CharField(
        label="Code from your authenticator app",
        required=False,
        max_length=20,
        widget=CODE_WIDGET,
        help_text="Only if you have turned on two-step sign-in.",
    )

    def clean(self):
        cleaned_data = super().clean()
        user = self.get_user()
        device = two_step.confirmed_device(user)
        if device is not None:
            problem = two_step.check_code(device, cleaned_data.get("otp_token"))
            if problem:
                if cleaned_data.get("otp_token"):
                    # A wrong code counts as a failed login: django-axes locks it out like a wrong password.
                    credentials = {"username": user.get_username()}
                    user_login_failed.send(sender=__name__, credentials=credentials, request=self.request)
                raise ValidationError(problem, code="otp_token")
            user.otp_device = device  # django-otp marks the session as signed in with a code on login
        return cleaned_data


class CodeForm(forms.Form):
    code = forms.CharField(label="Code from your authenticator app", max_length=20, widget=CODE_WIDGET)

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        problem = two_step.check_code(self.device, self.cleaned_data["code"])
        if problem:
            raise ValidationError(problem)
        return self.cleaned_data["code"]
