"""The admin's door (issue 10): failed logins locked out by username and by address (django-axes), and
two-step sign-in with an authenticator app (django-otp TOTP), required of Editors with STAFF_2FA=1."""

import datetime
import time

import pytest
from axes.models import AccessAttempt
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "a-long-test-password"
LOGIN = "/admin/login/"


@pytest.fixture(autouse=True)
def _no_wait_between_codes(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's growing wait after a wrong code: tested on its own


@pytest.fixture
def editor_user(django_user_model):
    user = django_user_model.objects.create_user("editor", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    return user


def log_in(client, username="editor", password=PASSWORD, code="", address="127.0.0.1", **headers):
    data = {"username": username, "password": password, "otp_token": code, "next": "/admin/"}
    return client.post(LOGIN, data, REMOTE_ADDR=address, **headers)


def errors(response):
    return [p.get_text(" ", strip=True) for p in BeautifulSoup(response.content, "html.parser").select(".errornote")]


def assert_logged_in(response, client):
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def assert_locked_out(response, client):
    assert response.status_code == 429
    page = BeautifulSoup(response.content, "html.parser")
    assert page.h1.get_text() == "Too many failed sign-ins"
    until = timezone.localtime(timezone.now() + datetime.timedelta(minutes=15))
    text = page.select_one("#content-main").get_text(" ", strip=True)
    # The attempt that locked it out was checked (and failed): only those after it are not.
    assert "after 5 failed attempts: until then no password is checked, not even the right one." in text
    assert f"Try again after {until:%H:%M} (15 minutes from now;" in text or (
        f"Try again after {until - datetime.timedelta(minutes=1):%H:%M}" in text  # the minute turned meanwhile
    )
    assert "Ask whoever runs the site to unlock your account" in text
    assert page.select_one("#site-name").get_text(strip=True) == "The Body Lab — content"  # the admin's look
    assert client.get("/admin/").status_code == 302  # not logged in


WRONG_LOGIN = "Please enter the correct username and password for a staff account."


# Lockout


def test_five_wrong_passwords_lock_the_account_and_the_right_one_is_then_refused(client, editor_user, settings):
    # Each from its own address (through the proxy's header): it is the username that is counted.
    settings.CLIENT_IP_HEADER = "X-Real-IP"
    for attempt in range(4):
        response = log_in(client, password="guess", HTTP_X_REAL_IP=f"203.0.113.{attempt}")
        assert response.status_code == 200
        assert WRONG_LOGIN in errors(response)[0]
    assert_locked_out(log_in(client, password="guess", HTTP_X_REAL_IP="203.0.113.4"), client)  # the fifth
    # The right password, from a new address: refused without being checked.
    assert_locked_out(log_in(client, HTTP_X_REAL_IP="203.0.113.99"), client)
    assert AccessAttempt.objects.filter(username="editor").count() == 6

    call_command("axes_reset_username", "editor", stdout=open("/dev/null", "w"))
    assert_logged_in(log_in(client, HTTP_X_REAL_IP="203.0.113.99"), client)


def test_five_wrong_logins_from_one_address_lock_it_out_for_every_username(client, editor_user):
    for name in ("alice", "bob", "carol", "dave"):
        assert log_in(client, username=name, password="guess", address="198.51.100.7").status_code == 200
    assert log_in(client, username="erin", password="guess", address="198.51.100.7").status_code == 429
    assert_locked_out(log_in(client, address="198.51.100.7"), client)
    # Another address is not locked out, nor is the account (one failure only).
    elsewhere = Client()
    assert_logged_in(log_in(elsewhere, address="198.51.100.8"), elsewhere)


def test_the_lockout_ends_after_the_cool_off(client, editor_user):
    for _ in range(5):
        log_in(client, password="guess", address="198.51.100.7")
    assert log_in(client, address="198.51.100.7").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=15, seconds=1))
    assert_logged_in(log_in(client, address="198.51.100.7"), client)


# Two-step sign-in


def code(device):
    """The code the user's app shows now, or the next one if the current one was used already."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time += (device.last_t + 1 - totp.t()) * device.step
    return f"{totp.token():0{device.digits}d}"


def enrol(client):
    page = client.get("/admin/two-step/")
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post("/admin/two-step/", {"code": code(device), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    device.refresh_from_db()
    assert device.confirmed
    return page, device


def test_a_staff_user_enrols_an_app_from_the_admin(client, editor_user):
    client.force_login(editor_user)
    assert 'href="/admin/two-step/">Two-step sign-in</a>' in client.get("/admin/").content.decode()

    page = client.get("/admin/two-step/")
    device = TOTPDevice.objects.get(user=editor_user, confirmed=False)
    html = BeautifulSoup(page.content, "html.parser")
    assert html.select_one("#two-step-uri").get_text() == device.config_url
    assert html.select_one("#two-step-uri")["href"] == device.config_url  # on the phone: a tap opens the app
    assert html.select_one('link[href*="admin-site"]')  # where its long words wrap on a phone
    assert device.config_url.startswith("otpauth://totp/The%20Body%20Lab%3Aeditor?secret=")
    secret = html.select_one("#two-step-secret").get_text().replace(" ", "")
    assert f"secret={secret}&" in device.config_url
    qr = client.get(html.select_one("img.two-step-qr")["src"])
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content

    refused = client.post("/admin/two-step/", {"code": "000000" if code(device) != "000000" else "111111"})
    assert refused.status_code == 200 and not TOTPDevice.objects.get(pk=device.pk).confirmed
    assert "That code is not right" in refused.content.decode()
    assert client.get("/admin/two-step/").context["device"] == device  # the same secret until confirmed

    response = client.post("/admin/two-step/", {"code": code(device), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert "Two-step sign-in is on for your account" in client.get("/admin/two-step/").content.decode()
    assert client.get("/admin/two-step/qr-code.svg").status_code == 404  # no second device


def test_with_an_app_the_login_asks_for_its_code(client, editor_user, settings):
    settings.STAFF_2FA = True  # so that reaching the admin proves the session was signed in with the code
    client.force_login(editor_user)
    _, device = enrol(client)
    client.logout()

    response = log_in(client)
    assert response.status_code == 200
    assert errors(response) == [
        "Enter the 6-digit code your authenticator app shows: two-step sign-in is on for this account."
    ]
    response = log_in(client, code="12345x")
    assert errors(response) == ["That code is not right, or has been used already. Enter the code your app shows now."]
    current = code(device)
    assert_logged_in(log_in(client, code=current), client)
    client.logout()
    assert errors(log_in(client, code=current))[0].startswith("That code is not right, or has been used")  # once only


def test_wrong_codes_count_as_failed_logins(client, editor_user):
    client.force_login(editor_user)
    _, device = enrol(client)
    client.logout()
    for _ in range(4):
        assert log_in(client, code="999999x").status_code == 200
    assert log_in(client, code="999999x").status_code == 429
    assert_locked_out(log_in(client, code=code(device)), client)


def test_a_wrong_code_makes_the_next_one_wait(client, editor_user, settings):
    client.force_login(editor_user)
    _, device = enrol(client)
    client.logout()
    settings.OTP_TOTP_THROTTLE_FACTOR = 3600  # an hour after one wrong code: no race with the clock
    log_in(client, code="12345x")
    response = log_in(client, code=code(device))
    assert errors(response) == ["Too many wrong codes: wait a minute, then enter the code your app shows now."]


def test_staff_2fa_sends_editors_and_superusers_to_enrol_first(settings, editor_user, django_user_model):
    settings.STAFF_2FA = True
    editor = Client()
    editor.force_login(editor_user)
    response = editor.get("/admin/articles/article/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/two-step/?next=%2Fadmin%2Farticles%2Farticle%2F"
    assert editor.post("/markdownx/markdownify/", {"content": "*hi*"}).status_code == 302
    page = editor.get(response["Location"])
    assert "It is required for your account." in page.content.decode()

    device = TOTPDevice.objects.get(user=editor_user, confirmed=False)
    response = editor.post("/admin/two-step/", {"code": code(device), "next": "/admin/articles/article/"})
    assert response["Location"] == "/admin/articles/article/"
    assert editor.get("/admin/articles/article/").status_code == 200

    superuser = Client()
    superuser.force_login(django_user_model.objects.create_superuser("root", password=PASSWORD))
    assert superuser.get("/admin/")["Location"] == "/admin/two-step/?next=%2Fadmin%2F"

    author_user = django_user_model.objects.create_user("author", password=PASSWORD, is_staff=True)
    author_user.groups.add(Group.objects.get(name="Author"))
    author = Client()
    author.force_login(author_user)
    assert author.get("/admin/").status_code == 200  # Authors choose for themselves


def test_staff_2fa_asks_an_enrolled_editor_signed_in_without_a_code_for_one(settings, editor_user):
    settings.STAFF_2FA = True
    client = Client()
    client.force_login(editor_user)
    _, device = enrol(client)
    session_without_code = Client()
    session_without_code.force_login(editor_user)
    response = session_without_code.get("/admin/")
    assert response["Location"] == "/admin/two-step/?next=%2Fadmin%2F"
    page = session_without_code.get(response["Location"])
    assert "Two-step sign-in is on for your account. Enter the code" in page.content.decode()
    assert TOTPDevice.objects.filter(user=editor_user).count() == 1  # no new device
    response = session_without_code.post(response["Location"], {"code": code(device), "next": "/admin/"})
    assert response["Location"] == "/admin/"
    assert session_without_code.get("/admin/").status_code == 200


def test_without_staff_2fa_an_editor_without_an_app_uses_the_admin(editor_user):
    client = Client()
    form = BeautifulSoup(client.get(LOGIN).content, "html.parser").select_one("#login-form")
    assert [field["name"] for field in form.select("input:not([type=hidden]):not([type=submit])")] == [
        "username",
        "password",
        "otp_token",
    ]
    assert form.select_one("label[for=id_otp_token]").get_text() == "Code from your authenticator app:"
    assert_logged_in(log_in(client), client)
