"""Pure formatting for Telegram: HTML-escaped texts, inline keyboards, callback data, message splitting.

No network and no state: every function maps knowledge and decisions to what a Telegram
message should look like, so it can be tested without a bot. Everything that comes from the
knowledge files is escaped with :func:`html.escape`; only the tags added here are markup.

Callback data (at most 64 bytes, Telegram's limit) is a short prefix and a stable id:

* ``a:<entry-id>`` show an answer            * ``c:<category-id>`` its questions in a new message
* ``m:<category-id>`` its questions, in place * ``menu``            back to the categories, in place
* ``topics`` the categories in a new message  * ``r:<REGION>``      choose the hotline region
* ``+:<entry-id>:<version>`` / ``-:<entry-id>:<version>`` 👍 / 👎 on an answer of that knowledge version

Data from a button press comes back from the user, so :func:`parse_callback` accepts only
these shapes; the handler still checks that the id exists in the current knowledge.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.decision import ANSWER, CLARIFY, FALLBACK, SUPPORT, Decision
from bot.knowledge.model import CrisisPolicy, Knowledge

MAX_MESSAGE_CHARS = 4096  # Telegram's limit on a message's text after entity parsing
MAX_CALLBACK_BYTES = 64

ANSWER_PREFIX, CATEGORY_PREFIX, MENU_PREFIX, REGION_PREFIX = "a", "c", "m", "r"
MENU, TOPICS = "menu", "topics"
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\Z")
VOTE_PATTERN = r"^([+-]):([A-Za-z0-9][A-Za-z0-9_.-]*):([0-9a-f]{1,16})\Z"  # a CallbackQueryHandler pattern
UP_LABEL, DOWN_LABEL = "👍", "👎"

# Interface words of the Telegram shell (button labels and menu prompts). Everything the bot
# *says* about ketamine therapy or crises comes from the knowledge files, never from here.
TOPICS_PROMPT = "Choose a topic:"
QUESTIONS_PROMPT = "Choose a question:"
BACK_LABEL = "« All topics"
BROWSE_LABEL = "Browse topics"
REGION_PROMPT = "Where are you? I'll show the crisis lines for that region. Now: {name}."
REGION_CHOSEN = "Crisis lines set to {name}."
CRISIS_ALERT = "A crisis escalation happened at {time} (region {region}, category {category})."


@dataclass(frozen=True)
class Block:
    """A paragraph of plain text and how to show it: ``None`` (plain), ``"b"`` or ``"i"``."""

    text: str
    style: str | None = None


@dataclass(frozen=True)
class Outgoing:
    """One Telegram message: HTML text and an optional inline keyboard."""

    text: str
    reply_markup: InlineKeyboardMarkup | None = None


# --- escaping and splitting ----------------------------------------------------------------------


def escape(text: str) -> str:
    return html.escape(text, quote=False)  # quotes matter only inside attributes, which never hold knowledge text


def paragraphs(text: str, style: str | None = None) -> list[Block]:
    """Split plain text into paragraph blocks (blank lines separate paragraphs)."""
    return [Block(p.strip("\n"), style) for p in re.split(r"\n[ \t]*\n", text.strip()) if p.strip()]


def telegram_length(text: str) -> int:
    """Length as Telegram may count it: UTF-16 code units (never less than code points)."""
    return len(text.encode("utf-16-le")) // 2


def _split_long(text: str, limit: int) -> list[str]:
    """Pieces of one over-long paragraph: by lines, then by words, then hard cuts."""
    pieces: list[str] = []
    for separator in ("\n", " "):
        parts = text.split(separator)
        if len(parts) > 1:
            current = ""
            for part in parts:
                candidate = f"{current}{separator}{part}" if current else part
                if telegram_length(candidate) <= limit:
                    current = candidate
                    continue
                if current:
                    pieces.append(current)
                current = part
            pieces.append(current)
            return [p for piece in pieces for p in (_split_long(piece, limit)
                                                    if telegram_length(piece) > limit else [piece])]
    while telegram_length(text) > limit:  # one giant word: cut it, keeping surrogate pairs whole
        cut = limit
        while telegram_length(text[:cut]) > limit:
            cut -= 1
        pieces.append(text[:cut])
        text = text[cut:]
    return [*pieces, text] if text else pieces


def render(blocks: Iterable[Block]) -> str:
    """Blocks as Telegram HTML, separated by blank lines."""
    parts = []
    for block in blocks:
        body = escape(block.text)
        parts.append(f"<{block.style}>{body}</{block.style}>" if block.style else body)
    return "\n\n".join(parts)


def split_blocks(blocks: Sequence[Block], limit: int = MAX_MESSAGE_CHARS) -> list[list[Block]]:
    """Pack blocks into messages of at most ``limit`` visible characters, breaking between paragraphs.

    A single paragraph longer than a message is broken at line ends, then between words.
    """
    chunks: list[list[Block]] = []
    current: list[Block] = []
    size = 0
    for block in blocks:
        pieces = [block] if telegram_length(block.text) <= limit else [
            Block(piece, block.style) for piece in _split_long(block.text, limit)]
        for piece in pieces:
            length = telegram_length(piece.text)
            if current and size + 2 + length > limit:
                chunks.append(current)
                current, size = [], 0
            size += length + (2 if current else 0)
            current.append(piece)
    if current:
        chunks.append(current)
    return chunks


def messages(blocks: Sequence[Block], keyboard: InlineKeyboardMarkup | None = None,
             limit: int = MAX_MESSAGE_CHARS) -> list[Outgoing]:
    """The messages for ``blocks``; the keyboard goes on the last one, under the end of the text."""
    chunks = split_blocks(blocks, limit)
    return [Outgoing(render(chunk), keyboard if n == len(chunks) - 1 else None) for n, chunk in enumerate(chunks)]


def split_text(text: str, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Plain text split into message-sized parts on paragraph boundaries (not escaped)."""
    return ["\n\n".join(b.text for b in chunk) for chunk in split_blocks(paragraphs(text), limit)]


# --- callback data ---------------------------------------------------------------------------------


def callback(prefix: str, value: str) -> str | None:
    """``prefix:value`` if it fits Telegram's 64 bytes and the id is a plain id, else ``None``."""
    data = f"{prefix}:{value}"
    return data if _ID.match(value) and len(data.encode("utf-8")) <= MAX_CALLBACK_BYTES else None


def parse_callback(data: str | None) -> tuple[str, str] | None:
    """``(prefix, value)`` for well-formed data, ``("menu"|"topics", "")`` for those, else ``None``."""
    if not data or len(data.encode("utf-8", "surrogatepass")) > MAX_CALLBACK_BYTES:  # forged data may be any str
        return None
    if data in (MENU, TOPICS):
        return data, ""
    prefix, _, value = data.partition(":")
    if prefix not in (ANSWER_PREFIX, CATEGORY_PREFIX, MENU_PREFIX, REGION_PREFIX) or not _ID.match(value):
        return None
    return prefix, value


# --- keyboards -------------------------------------------------------------------------------------


def _keyboard(rows: Iterable[Sequence[tuple[str, str | None]]]) -> InlineKeyboardMarkup | None:
    """Buttons from ``(label, data)`` pairs; pairs without data (too long) are left out."""
    built = [[InlineKeyboardButton(label, callback_data=data) for label, data in row if data] for row in rows]
    built = [row for row in built if row]
    return InlineKeyboardMarkup(built) if built else None


def questions_keyboard(knowledge: Knowledge, entry_ids: Iterable[str],
                       extra: Sequence[tuple[str, str]] = ()) -> InlineKeyboardMarkup | None:
    """One button per known entry (its question), one per row; ``extra`` buttons on a last row."""
    rows: list[list[tuple[str, str | None]]] = [
        [(knowledge.by_id[i].question, callback(ANSWER_PREFIX, i))] for i in entry_ids if i in knowledge.by_id]
    if extra:
        rows.append(list(extra))
    return _keyboard(rows)


def vote_datas(knowledge: Knowledge, entry_id: str) -> list[str]:
    """The 👍 and 👎 callback data of an answer; none when the entry id is too long for 64 bytes."""
    datas = [f"{sign}:{entry_id}:{knowledge.version}" for sign in "+-"]
    return datas if all(len(d.encode("utf-8")) <= MAX_CALLBACK_BYTES and _ID.match(entry_id) for d in datas) else []


def parse_vote(data: str | None) -> tuple[bool, str, str] | None:
    """``(up, entry_id, version)`` for 👍/👎 data, else ``None``."""
    match = re.match(VOTE_PATTERN, data or "")
    return (match[1] == "+", match[2], match[3]) if match else None


def without_votes(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """An answer's keyboard once it was rated: the same buttons, minus 👍/👎 (one vote per answer)."""
    rows = [[b for b in row if parse_vote(str(b.callback_data)) is None] for row in (markup.inline_keyboard
                                                                                       if markup else ())]
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(rows) if rows else None


def categories_keyboard(knowledge: Knowledge, prefix: str = CATEGORY_PREFIX) -> InlineKeyboardMarkup | None:
    """The categories that have entries, two per row, in the order of settings.yaml."""
    buttons = [(c.title, callback(prefix, c.id)) for c in knowledge.categories if knowledge.in_category(c.id)]
    return _keyboard(buttons[i:i + 2] for i in range(0, len(buttons), 2))


def category_view(knowledge: Knowledge, category_id: str) -> Outgoing | None:
    """A category's questions as buttons with a way back to all topics; ``None`` if unknown."""
    category = next((c for c in knowledge.categories if c.id == category_id), None)
    if category is None:
        return None
    ids = [e.id for e in knowledge.in_category(category.id)]
    text = render([Block(category.title, "b"), Block(QUESTIONS_PROMPT)])
    return Outgoing(text, questions_keyboard(knowledge, ids, extra=[(BACK_LABEL, MENU)]))


def topics_view(knowledge: Knowledge) -> Outgoing:
    """The topics menu: categories that open in place."""
    return Outgoing(render([Block(TOPICS_PROMPT)]), categories_keyboard(knowledge, MENU_PREFIX))


def browse_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(BROWSE_LABEL, callback_data=TOPICS)]])


def regions_keyboard(policy: CrisisPolicy) -> InlineKeyboardMarkup | None:
    buttons = [(region.name, callback(REGION_PREFIX, code)) for code, region in policy.regions.items()]
    return _keyboard(buttons[i:i + 2] for i in range(0, len(buttons), 2))


def region_view(policy: CrisisPolicy, current: str | None) -> Outgoing:
    name = policy.region(current).name
    return Outgoing(render([Block(REGION_PROMPT.format(name=name))]), regions_keyboard(policy))


def region_chosen_view(policy: CrisisPolicy, code: str, footer: str) -> Outgoing:
    """Confirmation of a /region choice, with that region's one-line hotline footer."""
    return Outgoing(render([Block(REGION_CHOSEN.format(name=policy.region(code).name)), Block(footer, "i")]))


# --- decisions and fixed texts ---------------------------------------------------------------------


def fixed_text(text: str, footer: str | None = None,
               keyboard: InlineKeyboardMarkup | None = None) -> list[Outgoing]:
    """A fixed knowledge text (start, help, non_text, ...) with an optional hotline footer."""
    blocks = paragraphs(text) + ([Block(footer, "i")] if footer else [])
    return messages(blocks, keyboard)


def format_decision(decision: Decision, knowledge: Knowledge) -> list[Outgoing]:
    """The messages for a decision: escaped text, footer in italics, and the buttons its kind calls for.

    Crisis decisions are plain text without buttons: nothing may distract from the hotlines.
    """
    blocks = paragraphs(decision.body or decision.reply)
    if decision.footer:
        blocks.append(Block(decision.footer, "i"))
    keyboard = None
    if decision.kind == ANSWER and decision.id:  # every FAQ answer can be rated; a crisis reply never
        votes = vote_datas(knowledge, decision.id)
        keyboard = questions_keyboard(knowledge, decision.related,
                                      extra=list(zip((UP_LABEL, DOWN_LABEL), votes, strict=False)))
        if any(i in knowledge.by_id for i in decision.related):
            blocks.append(Block(knowledge.texts.related_heading, "b"))
    elif decision.kind in (CLARIFY, SUPPORT) and decision.options:  # support: the entries a fallback would offer
        keyboard = questions_keyboard(knowledge, decision.options)
    elif decision.kind == FALLBACK and decision.options:  # the nearest entries the bot does have
        keyboard = questions_keyboard(knowledge, decision.options, extra=[(BROWSE_LABEL, TOPICS)])
    elif decision.kind == FALLBACK:
        keyboard = browse_keyboard()
    return messages(blocks, keyboard)
