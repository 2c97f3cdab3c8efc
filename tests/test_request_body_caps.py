"""Request bodies over the cap are refused from their declared length, before a byte is read (issue 10).

Anyone: REQUEST_BODY_MAX_BYTES (1 MiB). Staff, on the endpoints that take an image or a file:
UPLOAD_REQUEST_BODY_MAX_BYTES (6 MiB: a 5 MiB image and the form around it).
"""

import io

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

MiB = 1024 * 1024


class ReadCounting(io.BytesIO):
    """The request's input stream, counting what the server read of it."""

    bytes_read = 0

    def read(self, size=-1):
        data = super().read(size)
        self.bytes_read += len(data)
        return data

    def readline(self, size=-1):
        data = super().readline(size)
        self.bytes_read += len(data)
        return data


def post_declaring(client, path, declared_length, body=b"username=a&password=b"):
    """A POST whose headers declare `declared_length` bytes while only `body` is sent."""
    stream = ReadCounting(body)
    response = client.generic(
        "POST",
        path,
        body,
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(declared_length),
        **{"wsgi.input": stream},
    )
    return response, stream


def heading(response):
    return BeautifulSoup(response.content, "html.parser").h1.get_text()


def assert_too_large(response, limit_text):
    assert response.status_code == 413
    page = BeautifulSoup(response.content, "html.parser")
    assert page.h1.get_text() == "That was too large to send"
    assert f"({limit_text} at most)" in page.main.get_text()
    assert page.select_one("header.site-header a.brand").get_text() == "The Body Lab"  # the site's look


@pytest.mark.parametrize("path", ["/admin/login/", "/markdownx/upload/", "/search/"])
def test_an_anonymous_200_mb_post_is_refused_unread(client, db, path):
    response, stream = post_declaring(client, path, 200 * MiB)
    assert_too_large(response, "1.0\xa0MB")
    assert stream.bytes_read == 0


def test_the_cap_is_exact_and_a_body_within_it_reaches_the_view(client, db):
    response, stream = post_declaring(client, "/admin/login/", settings.REQUEST_BODY_MAX_BYTES + 1)
    assert response.status_code == 413 and stream.bytes_read == 0

    start = b"username=nobody&password=wrong&note="
    body = start + b"x" * (settings.REQUEST_BODY_MAX_BYTES - len(start))
    assert len(body) == settings.REQUEST_BODY_MAX_BYTES
    response, stream = post_declaring(client, "/admin/login/", len(body), body)
    assert response.status_code == 200  # the login page, saying the password was wrong
    assert "Please enter the correct username and password" in response.content.decode()
    assert stream.bytes_read == len(body)


def test_staff_may_send_an_image_to_the_upload_endpoints_and_no_more(staff_client):
    three_mib_file = SimpleUploadedFile("big.png", b"\x89PNG" + b"\0" * (3 * MiB), content_type="image/png")
    response = staff_client.post("/markdownx/upload/", {"image": three_mib_file})
    assert response.status_code == 400  # past the cap: the editor's own check of the file answers
    assert "image" in response.json()

    response, stream = post_declaring(staff_client, "/admin/articles/article/add/", 3 * MiB)
    assert response.status_code != 413 and stream.bytes_read > 0  # within the upload cap: read

    response, stream = post_declaring(staff_client, "/admin/articles/article/add/", 7 * MiB)
    assert_too_large(response, "6.0\xa0MB")
    assert stream.bytes_read == 0

    # Elsewhere in the admin, staff get the common cap.
    response, stream = post_declaring(staff_client, "/admin/topics/topic/add/", 3 * MiB)
    assert_too_large(response, "1.0\xa0MB")
    assert stream.bytes_read == 0


def test_a_body_without_a_length_is_refused(client, db):
    response = client.generic("POST", "/admin/login/", b"", HTTP_TRANSFER_ENCODING="chunked")
    assert response.status_code == 411
    assert heading(response) == "We couldn’t accept that request"


def test_a_length_that_is_not_a_number_is_a_400(client, db):
    response, stream = post_declaring(client, "/admin/login/", "lots")
    assert response.status_code == 400
    assert heading(response) == "We couldn’t understand that request"
    assert stream.bytes_read == 0
