"""Helpers shared by test modules (fixtures live in conftest.py)."""

from content import pipeline
from references.citations import Library


def render_text(text, library=None, where="the text"):
    """One Markdown field through the content pipeline: (html, [problem messages])."""
    document = pipeline.render([pipeline.Source(text, where)], library or Library([]))
    return document.html[0], [str(problem) for problem in document.problems]


def markdown_html(text):
    return render_text(text)[0]
