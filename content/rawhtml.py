"""The author's inline raw HTML as Python-Markdown leaves it while parsing: a placeholder per tag.

"<a href=…>see (Neumann, 2017)</a>" reaches the tree processors as placeholder, text, placeholder: the text
between is inside the link though no element says so. `RawTags` follows those placeholders through the text
of a field, in reading order, and says how deep inside tags of some names the text read so far stands.
"""

import re

from markdown.util import ETX, STX

RAW_HTML = re.compile(f"{STX}wzxhzdk:(\\d+){ETX}")
RAW_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*>")  # one tag alone: a whole stashed block closes itself


def is_raw_tag(html, names):
    """Whether a stashed piece of raw HTML is one tag alone (opening or closing) of one of `names`."""
    tag = RAW_TAG.fullmatch(html.strip())
    return bool(tag) and tag.group(2).lower() in names


class RawTags:
    def __init__(self, names, stash):
        self.names = names  # tag names, lower case
        self.stash = stash  # Python-Markdown's htmlStash.rawHtmlBlocks of the field
        self.depth = 0

    def follow(self, placeholder):
        """Read one placeholder: an opening or closing tag of `names` moves the depth."""
        stashed = RAW_HTML.fullmatch(placeholder)
        if not stashed or int(stashed.group(1)) >= len(self.stash):
            return
        tag = RAW_TAG.fullmatch(str(self.stash[int(stashed.group(1))]).strip())
        if tag and tag.group(2).lower() in self.names:
            self.depth = max(0, self.depth + (-1 if tag.group(1) else 1))
