"""Text that XML 1.0 can carry. Feeds and the sitemap send nothing else, whatever is stored.

Titles pasted from Word hold U+000B (a manual line break), imports and the shell can store anything,
and one such character in one title made Django's feed generator fail for every reader (a 500), or
let the sitemap out as XML that no parser reads. `typed_text` keeps them out of titles, summaries and
names as they are saved (the models' clean()); `xml_text` keeps whatever is stored out of the XML.
"""

import re
import unicodedata

from django.utils.functional import Promise

# What XML 1.0's Char production leaves out: C0 controls but tab, newline and carriage return; surrogates
# (only lone ones can be in a Python string); U+FFFE and U+FFFF.
FORBIDDEN_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value):
    """`value` without the characters XML 1.0 forbids; lists and tuples item by item; None and non-text as given."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        return FORBIDDEN_IN_XML.sub("", value)
    if isinstance(value, (list, tuple)):
        return type(value)(xml_text(item) for item in value)
    return value


_FORBIDDEN_RUN = re.compile(f" *(?:{FORBIDDEN_IN_XML.pattern})+ *")


def typed_text(value):
    """A title, summary or name as typed or pasted: each run of forbidden characters becomes one space, and
    one with nothing a reader can see (zero-width spaces, direction marks) is empty."""
    if not value:
        return value
    value = _FORBIDDEN_RUN.sub(" ", value).strip()
    return value if visible(value) else ""


def visible(value):
    """Whether a text shows anything: more than spaces and format characters (U+200B, U+200E, U+FEFF...)."""
    return any(not char.isspace() and unicodedata.category(char) != "Cf" for char in value or "")
