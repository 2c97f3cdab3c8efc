"""```timeline blocks: a small, accessible bar chart of how long things take.

Authors write, in Markdown::

    ```timeline
    Muscle strength and architecture | 4–6 weeks
    Tendon and ligament adaptation | 8–12+ weeks
    ```

Each line is "label | from–to weeks" ("6 weeks", "8–12+ weeks" and "12+ weeks"
work too; "+" means "or longer"), or months ("3–6 months"), drawn on the same weeks scale.
Each row becomes a text label over an inline SVG bar, all bars on one weeks scale; the labels and each bar's description
are the text alternative. The markup is built here from parsed numbers and
escaped labels and put in after the Markdown has been sanitized, so it never
passes through (or widens) the sanitizer's allow-list. A ```timeline fence inside
another fence (an example in a code sample) stays code.
"""

import bisect
import math
import re
from dataclasses import dataclass

from django.utils.html import escape
from markdown.preprocessors import Preprocessor

ROW = re.compile(
    r"^(?P<label>[^|]+?)\s*\|\s*~?(?P<start>\d+(?:\.\d+)?)(?:\s*(?:–|-|—|to)\s*(?P<end>\d+(?:\.\d+)?))?"
    r"(?P<open>\+)?\s*(?P<unit>weeks?|wks?|months?|mos?)\s*$",
    re.IGNORECASE,
)
MAX_ROWS = 12
MAX_WEEKS = 520
WEEKS_PER_MONTH = 52 / 12


class TimelineError(ValueError):
    """A malformed timeline block; the message names the line."""


@dataclass
class Row:
    """One bar; `start` and `end` in weeks (the chart's scale), `unit` as the author wrote it."""

    label: str
    start: float
    end: float
    open_ended: bool
    unit: str = "weeks"

    @property
    def spoken(self):
        scale = WEEKS_PER_MONTH if self.unit == "months" else 1
        start, end = _number(self.start / scale), _number(self.end / scale)
        span = f"{start} {self.unit}" if start == end else f"{start} to {end} {self.unit}"
        return f"{self.label}: {span}{' or longer' if self.open_ended else ''}"


def _number(value):
    return f"{value:g}"


def parse(body, first_line=1):
    """Rows of a block's body; TimelineError names every bad line at once, by its line in the block
    and in the field (the block's first line is line `first_line` of the field)."""
    rows, errors = [], []
    for number, line in enumerate(body.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"line {number} (line {number + first_line - 1} of the text)"
        match = ROW.match(line.strip())
        if not match:
            errors.append(f"{where}: “{line.strip()}” should read “label | 4–6 weeks” (or “8–12+ weeks”, “3–6 months”)")
            continue
        unit = "months" if match["unit"].lower().startswith("mo") else "weeks"
        scale = WEEKS_PER_MONTH if unit == "months" else 1
        start = float(match["start"])
        end = float(match["end"]) if match["end"] else start
        if end < start:
            errors.append(f"{where}: the range ends before it starts")
        elif end * scale > MAX_WEEKS:
            errors.append(f"{where}: {_number(end)} {unit} is more than the chart shows ({MAX_WEEKS} weeks)")
        else:
            rows.append(Row(match["label"].strip(), start * scale, end * scale, bool(match["open"]), unit))
    if errors:
        raise TimelineError("the timeline block's " + "; ".join(errors))
    if not rows:
        raise TimelineError("the timeline block is empty: write one “label | 4–6 weeks” line per bar")
    if len(rows) > MAX_ROWS:
        raise TimelineError(f"the timeline block has {len(rows)} lines; at most {MAX_ROWS} fit")
    return rows


def render_svg(rows):
    """The figure for parsed rows: HTML labels (readable at any width) over SVG bars on one weeks scale."""
    longest = max(row.end for row in rows)
    headroom = 1.25 if any(row.open_ended for row in rows) else 1
    axis_end = max(4, math.ceil(longest * headroom / 4) * 4)
    step = next(s for s in (1, 2, 4, 8, 13, 26, 52) if axis_end / s <= 10)

    def x(weeks):
        return 100 * weeks / axis_end

    # The week lines as one path: repeated in every row, one <line> each was 1.3 KB of the gait article.
    grid = "".join(f"M{x(w):.4g} 0V10" for w in range(0, axis_end + 1, step))
    grid = f'<path class="timeline-grid" d="{grid}"></path>'
    out = ['<figure class="timeline">']
    for row in rows:
        width = max(x(row.end) - x(row.start), 1)
        bar = f'<rect class="timeline-bar" x="{x(row.start):.2f}" y="2" width="{width:.2f}" height="6"></rect>'
        if row.open_ended:  # "or longer": a fading extension past the end
            tail = min(100 - x(row.end), 12)
            bar += f'<rect class="timeline-bar-open" x="{x(row.end):.2f}" y="2" width="{tail:.2f}" height="6"></rect>'
        out.append(
            f'<div class="timeline-row"><span class="timeline-label">{escape(row.spoken)}</span>'
            f'<svg class="timeline-track" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" '
            f'aria-label="{escape(_bar_words(row, axis_end))}">{grid}{bar}</svg></div>'
        )
    out.append(
        f'<div class="timeline-scale" aria-hidden="true"><span>0</span><span>{axis_end} weeks</span></div>'
        f"<figcaption>How long each change takes, in weeks on one shared scale; "
        f"a fading bar means “or longer”.</figcaption></figure>"
    )
    return "".join(out)


def _bar_words(row, axis_end):
    beyond = " and beyond" if row.open_ended else ""
    start, end = _number(round(row.start, 1)), _number(round(row.end, 1))
    return f"A bar from week {start} to week {end}{beyond}, on a scale of 0 to {axis_end} weeks"


class TimelinePreprocessor(Preprocessor):
    """Turns each top-level ```timeline fence into a token paragraph, before fenced code is read.

    Fences are followed as Python-Markdown's fenced_code reads them (at the start of a
    line, closed by the same fence), so a timeline shown as an example inside another
    fence stays code. Each chart is rendered here; `state.add_chart` keeps it and the
    pipeline puts it where the token paragraph ends up, after sanitizing.
    """

    def __init__(self, md, state):
        super().__init__(md)
        self.state = state

    def run(self, lines):
        closers = {}  # a closing fence line -> where it stands, so each opening finds its close at once
        for number, line in enumerate(lines):
            if CLOSING_LINE.match(line):
                closers.setdefault(line.rstrip(), []).append(number)
        out, index = [], 0
        while index < len(lines):
            opening = FENCE_LINE.match(lines[index])
            after = closers.get(opening["fence"], []) if opening else []
            closing = (
                after[bisect.bisect_right(after, index)] if bisect.bisect_right(after, index) < len(after) else None
            )
            if closing is None:
                if opening and opening["info"].strip().lower() == "timeline":
                    self.state.unclosed_chart(line=index + 1)
                # Not a fence, for fenced_code either; its first character written as an entity (which
                # reads the same) so that fenced_code's search, which looks for the close to the end of
                # the text from every such line, does not start here: thousands of them took seconds.
                line = lines[index]
                out.append(f"&#{ord(line[0])};{line[1:]}" if opening else line)
                index += 1
                continue
            if opening["info"].strip().lower() != "timeline":
                out.extend(lines[index : closing + 1])  # someone else's fence: left exactly as it is
            else:
                body = "\n".join(lines[index + 1 : closing])
                out.extend(["", self.state.add_chart(body, first_line=index + 2), ""])
            index = closing + 1
        return out


FENCE_LINE = re.compile(r"^(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
CLOSING_LINE = re.compile(r"^(?:`{3,}|~{3,})[ \t]*$")
