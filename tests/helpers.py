"""Helpers shared by test modules (fixtures live in conftest.py)."""

import io

from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from content import pipeline
from references.citations import Library


def render_text(text, library=None, where="the text"):
    """One Markdown field through the content pipeline: (html, [problem messages])."""
    document = pipeline.render([pipeline.Source(text, where)], library or Library([]))
    return document.html[0], [str(problem) for problem in document.problems]


def markdown_html(text):
    return render_text(text)[0]


# --- Media, through the storage API only (tests run with more than one storage: see conftest.media_storage) ------


def store_image(name, size, image_format="PNG", **save_options):
    """An image saved in default_storage as `name`, as the editor or an ImageField would store it."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 120, 110)).save(buffer, image_format, **save_options)
    saved = default_storage.save(name, ContentFile(buffer.getvalue()))
    assert saved == name
    return name


def stored_files(folder):
    """The names of every file default_storage holds under `folder`, sorted; [] if there is no such folder."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    names = [f"{folder}/{file}" for file in files]
    for sub in folders:
        names += stored_files(f"{folder}/{sub}")
    return sorted(names)


def stored_image(name):
    """The stored image `name`, read through default_storage and loaded."""
    with default_storage.open(name, "rb") as file:
        image = Image.open(io.BytesIO(file.read()))
        image.load()
    return image


def admin_form_data(html):
    """What a browser would post from the admin's change form, with its own values (bs4 reads the form)."""
    form = BeautifulSoup(html, "html.parser").find("form", id="article_form")
    data = {}

    def add(name, value):
        if "__prefix__" in name:  # the hidden template row for "Add another"
            return
        data.setdefault(name, []).append(value)

    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or field.has_attr("disabled"):
            continue
        if field.name == "input":
            kind = field.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                continue
            if kind in ("checkbox", "radio") and not field.has_attr("checked"):
                continue
            add(name, field.get("value", "on" if kind in ("checkbox", "radio") else ""))
        elif field.name == "textarea":
            add(name, field.text.removeprefix("\r\n").removeprefix("\n"))  # a browser drops the first newline
        else:
            options = field.find_all("option")
            chosen = [o for o in options if o.has_attr("selected")]
            if not chosen and options and not field.has_attr("multiple"):
                chosen = options[:1]
            for option in chosen:
                add(name, option.get("value", option.text))
    data["_save"] = ["Save"]
    return data
