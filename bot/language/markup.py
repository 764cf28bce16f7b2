"""Taking markup, links and emoji out of a message before matching it.

People paste HTML, links and emoji; none of it says what they ask, and for the lexical
matcher every unknown token counts against every entry ("<b>hi</b> <script>alert(1)</script>
how much does it cost" fell back). The crisis detector reads the raw message instead: it
must see everything.
"""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"</?[A-Za-z][^<>]{0,500}>")
_MARKDOWN_LINK = re.compile(r"\[([^\]]{0,300})\]\([^)\s]{1,2000}\)")
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
_SYMBOLS = re.compile("[\u2600-\u27bf\U0001f000-\U0001faff\ufe0f\u200d]")
_SPACES = re.compile(r"[ \t]+")


def strip_markup(text: str) -> str:
    """The message's words without HTML tags, links, Markdown link syntax and emoji.

    Only the tags go, not what they enclose: a pasted ``<b>how much</b>`` still asks how much.
    """
    text = _TAG.sub(" ", text)
    text = html.unescape(text)
    text = _MARKDOWN_LINK.sub(r"\1", text)
    text = _URL.sub(" ", text)
    text = _SYMBOLS.sub(" ", text)
    return _SPACES.sub(" ", text).strip()
