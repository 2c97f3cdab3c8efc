"""The Markdown editor as practitioners see it: markdownx's text box and live preview, with a
toolbar (the citation picker), a labelled preview pane and the timeline syntax beside it.

The layout lives in static/css/admin-editor.css (side by side on wide screens, preview below on
narrow ones) and the behaviour in static/js/admin-markdown-editor.js; the page's data travels in
data- attributes, so the admin needs no inline script.
"""

from django.urls import reverse
from markdownx.widgets import AdminMarkdownxWidget


class MarkdownEditor(AdminMarkdownxWidget):
    template_name = "articles/markdown_editor.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["cite_search_url"] = reverse("admin:references_reference_picker_search")
        context["widget"]["cite_add_url"] = reverse("admin:references_reference_add")
        return context
