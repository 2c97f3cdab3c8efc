"""The Markdown editor's server side, replacing django-markdownx's own views.

markdownx's widget posts to /markdownx/markdownify/ and /markdownx/upload/.
Its shipped views there accept anyone, return unsanitized HTML and trust the
client's idea of what an upload is. These take their place, at the same paths:
staff only, the site's own sanitizing renderer, and images checked and re-encoded
by uploads.images, as every stored image is, under a name and extension we choose.
"""

from functools import wraps

from django import forms
from django.conf import settings
from django.core.files.storage import default_storage
from django.http import HttpResponse, JsonResponse
from django.template.defaultfilters import pluralize
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from content import pipeline, readability
from glossary.terms import Glossary
from references.citations import Library
from uploads import images


def staff_only(view):
    """403 rather than a login redirect: these are called by the editor's JavaScript."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_active and request.user.is_staff):
            return JsonResponse({"error": "Log in to the admin as staff to use the editor."}, status=403)
        return view(request, *args, **kwargs)

    return wrapper


@require_POST
@staff_only
def preview(request):
    """The text as the page will show it, citations linked, with what saving would refuse said above it."""
    return HttpResponse(markdownify(request.POST.get("content", "")))


def markdownify(text):
    """markdownx's preview function (MARKDOWNX_MARKDOWNIFY_FUNCTION): one field through the content pipeline,
    with its long sentences highlighted and its reading level and glossary words said below it."""
    glossary = Glossary.load()
    document = pipeline.render([pipeline.Source(text, "this text")], Library.load(), glossary=glossary)
    html = readability.highlight_long_sentences(document.html[0])
    problems = problems_html([problem.sentence for problem in document.problems])
    return problems + html + reading_level_html(document, glossary)


def reading_level_html(document, glossary):
    """The block at the foot of the preview: how hard this text is against the clinic's target, the words
    the glossary explains, and the long or rare words it has no entry for. Advice: it never stops a save."""
    figures = readability.measure(document.html)
    if not figures.sentences:
        return ""
    target = settings.READING_AGE_TARGET
    verdict = "within the target" if figures.reading_age <= target else "harder than the target"
    explained = {form.casefold() for entry in document.explained for form in entry.forms}
    unexplained = [word for word in figures.hard_words if word not in explained and word not in glossary.by_form]
    long_sentences = len(figures.long_sentences)
    rows = [
        format_html(
            "<p><strong>Reading age {}</strong> ({}: {} or below) · Flesch Reading Ease {} · {} sentence{} over {} "
            "words{}</p>",
            figures.reading_age,
            verdict,
            target,
            figures.reading_ease,
            long_sentences,
            pluralize(long_sentences),
            readability.LONG_SENTENCE_WORDS,
            " (highlighted)" if long_sentences else "",
        ),
        _word_list("Explained from the glossary", [entry.term for entry in document.explained]),
        _word_list("Long or rare words with no glossary entry yet", unexplained),
    ]
    return format_html(
        '<div class="preview-reading-level" role="note" aria-label="Reading level">{}</div>', mark_safe("".join(rows))
    )


def _word_list(label, words):
    return format_html("<p>{}: {}</p>", label, ", ".join(words) if words else "none")


def problems_html(problems):
    if not problems:
        return ""
    items = "".join(f"<li>{escape(problem)}</li>" for problem in problems)
    return (
        f'<div class="preview-problems"><p><strong>Saving will be refused:</strong></p><ul>{items}</ul>'
        "<p>Checked in this text alone: saving checks the whole article, where year letters (2019a, 2019b) "
        "are given.</p></div>"
    )


class ImageUploadForm(forms.Form):
    image = images.ReencodedImageFormField(label="Image")

    def save(self):
        """Store the re-encoded image; returns its name in default_storage."""
        return images.store(settings.MARKDOWNX_MEDIA_PATH.rstrip("/"), self.cleaned_data["image"].image)


@require_POST
@staff_only
def upload(request):
    form = ImageUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return JsonResponse({"image": [str(e) for e in form.errors.get("image", [])]}, status=400)
    path = form.save()
    return JsonResponse({"image_code": f"![]({default_storage.url(path)})"})
