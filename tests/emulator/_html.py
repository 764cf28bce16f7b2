"""Telegram's ``parse_mode=HTML`` parser: plain text plus entities, or Telegram's parse error.

It follows the rules of the Bot API docs (and the error wording of Telegram's server) so that a bot
message that the real API would reject with "can't parse entities" fails in tests too:

* only the documented tags, case-insensitive; anything else (``<br>``, ``<p>``, ``<div>``) is an error;
* tags must be properly nested and closed;
* ``&lt; &gt; &amp; &quot;`` and numeric entities are decoded, other ``&...;`` stays literal text;
* a bare ``<`` always starts a tag, so ``a < b`` is rejected like on Telegram.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ._errors import ApiError, bad_request
from ._text import utf16_len

_TAG_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8})|([A-Za-z]+));")
_SPECIAL_RE = re.compile(r"[<&]")
_TAG_NAME_RE = re.compile(r"[^\s>]*")
_ATTR_NAME_RE = re.compile(r"[^\s=>]+")
_UNQUOTED_VALUE_RE = re.compile(r"[^\s>]*")
_SPACES_RE = re.compile(r"\s*")


@dataclass
class _OpenTag:
    """A start tag waiting for its end tag; ``entity`` is ``None`` for tags that yield none."""

    name: str
    entity: dict[str, Any] | None
    start: int
    language: str | None = None


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML into ``(plain_text, entities)``; raise a 400 :class:`ApiError` if invalid."""
    return _HtmlParser(source).parse()


def _parse_error(reason: str) -> ApiError:
    return bad_request(f"can't parse entities: {reason}")


def _decode_entity(match: re.Match[str]) -> str | None:
    """The character an HTML entity stands for, or ``None`` when Telegram keeps it literally."""
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        return _NAMED_ENTITIES.get(name)
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
        return chr(code)
    return None


def decode_entities(text: str) -> str:
    """Decode the HTML entities Telegram supports; used for attribute values such as ``href``."""
    return _ENTITY_RE.sub(lambda match: _decode_entity(match) or match.group(0), text)


class _HtmlParser:
    """Single-pass scanner; tracks the output length in UTF-16 units for entity offsets."""

    def __init__(self, source: str) -> None:
        self._src = source
        self._pos = 0
        self._out: list[str] = []
        self._out_len = 0
        self._stack: list[_OpenTag] = []
        self._entities: list[dict[str, Any]] = []

    def parse(self) -> tuple[str, list[dict[str, Any]]]:
        while self._pos < len(self._src):
            special = _SPECIAL_RE.search(self._src, self._pos)
            end = special.start() if special else len(self._src)
            self._append(self._src[self._pos : end])
            self._pos = end
            if special is None:
                break
            if special.group() == "&":
                self._parse_entity()
            elif self._src.startswith("</", self._pos):
                self._parse_end_tag()
            else:
                self._parse_start_tag()
        if self._stack:
            raise _parse_error(f'Can\'t find end tag corresponding to start tag "{self._stack[-1].name}"')
        entities = sorted(self._entities, key=lambda entity: (entity["offset"], -entity["length"]))
        return "".join(self._out), entities

    def _append(self, text: str) -> None:
        if text:
            self._out.append(text)
            self._out_len += utf16_len(text)

    def _byte_offset(self, pos: int) -> int:
        """Telegram reports positions in UTF-8 bytes of the source text."""
        return len(self._src[:pos].encode("utf-8"))

    def _parse_entity(self) -> None:
        match = _ENTITY_RE.match(self._src, self._pos)
        char = _decode_entity(match) if match else None
        if match is None or char is None:
            self._append("&")
            self._pos += 1
            return
        self._append(char)
        self._pos = match.end()

    def _parse_start_tag(self) -> None:
        begin = self._pos
        name_match = _TAG_NAME_RE.match(self._src, begin + 1)
        assert name_match is not None  # the pattern accepts the empty string
        if name_match.end() >= len(self._src):
            raise _parse_error(f"Unclosed start tag at byte offset {self._byte_offset(begin)}")
        name = name_match.group().lower()
        if name not in _TAG_TYPES:
            raise _parse_error(f'Unsupported start tag "{name}" at byte offset {self._byte_offset(begin)}')
        self._pos = name_match.end()
        attributes = self._parse_attributes(begin)
        self._stack.append(self._open_tag(name, attributes, begin))

    def _parse_attributes(self, begin: int) -> dict[str, str]:
        attributes: dict[str, str] = {}
        while True:
            self._skip_spaces()
            if self._pos >= len(self._src):
                raise _parse_error(f"Unclosed start tag at byte offset {self._byte_offset(begin)}")
            if self._src[self._pos] == ">":
                self._pos += 1
                return attributes
            name, value = self._parse_attribute(begin)
            attributes[name] = value

    def _parse_attribute(self, begin: int) -> tuple[str, str]:
        name_match = _ATTR_NAME_RE.match(self._src, self._pos)
        if name_match is None:
            raise _parse_error(f"Empty attribute name in the tag at byte offset {self._byte_offset(begin)}")
        self._pos = name_match.end()
        self._skip_spaces()
        if not self._src.startswith("=", self._pos):
            return name_match.group().lower(), ""
        self._pos += 1
        self._skip_spaces()
        return name_match.group().lower(), decode_entities(self._parse_attribute_value(begin))

    def _parse_attribute_value(self, begin: int) -> str:
        quote = self._src[self._pos : self._pos + 1]
        if quote in ("'", '"'):
            end = self._src.find(quote, self._pos + 1)
            if end < 0:
                raise _parse_error(f"Unclosed start tag at byte offset {self._byte_offset(begin)}")
            value, self._pos = self._src[self._pos + 1 : end], end + 1
            return value
        match = _UNQUOTED_VALUE_RE.match(self._src, self._pos)
        assert match is not None  # the pattern accepts the empty string
        self._pos = match.end()
        return match.group()

    def _skip_spaces(self) -> None:
        match = _SPACES_RE.match(self._src, self._pos)
        assert match is not None  # the pattern accepts the empty string
        self._pos = match.end()

    def _open_tag(self, name: str, attributes: dict[str, str], begin: int) -> _OpenTag:
        """Build the pending entity; tag-specific attribute rules live here."""
        entity: dict[str, Any] | None = {"type": _TAG_TYPES[name]}
        language = None
        if name == "a":
            href = attributes.get("href")
            entity = {"type": "text_link", "url": href} if href else None
        elif name == "span" and attributes.get("class") != "tg-spoiler":
            raise _parse_error(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self._byte_offset(begin)}'
            )
        elif name == "code" and attributes.get("class", "").startswith("language-"):
            language = attributes["class"].removeprefix("language-")
        elif name == "blockquote" and "expandable" in attributes:
            entity = {"type": "expandable_blockquote"}
        return _OpenTag(name=name, entity=entity, start=self._out_len, language=language)

    def _parse_end_tag(self) -> None:
        begin = self._pos
        end = self._src.find(">", begin)
        if end < 0:
            raise _parse_error(f"Unclosed end tag at byte offset {self._byte_offset(begin)}")
        name = self._src[begin + 2 : end].strip().lower()
        if not self._stack:
            raise _parse_error(f"Unexpected end tag at byte offset {self._byte_offset(begin)}")
        top = self._stack.pop()
        if name != top.name:
            raise _parse_error(
                f"Unmatched end tag at byte offset {self._byte_offset(begin)}, "
                f'expected "</{top.name}>", found "</{name}>"'
            )
        self._pos = end + 1
        self._close(top)

    def _close(self, tag: _OpenTag) -> None:
        """Emit the finished entity; ``<pre><code class="language-x">`` folds into one ``pre``."""
        length = self._out_len - tag.start
        if tag.entity is None or length == 0:
            return
        parent = self._stack[-1] if self._stack else None
        if tag.language and parent is not None and parent.name == "pre" and parent.start == tag.start:
            if parent.entity is not None:
                parent.entity["language"] = tag.language
            return
        self._entities.append({**tag.entity, "offset": tag.start, "length": length})
