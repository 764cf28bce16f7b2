"""A Telegram Bot API emulator for end-to-end tests of the bot with the real PTB stack over HTTP.

Built on tornado (already required by PTB's webhook extra) and bound to 127.0.0.1 only, so tests
need no network and no extra dependency. Typical use::

    async with BotApiEmulator() as emu:
        app = ApplicationBuilder().token(emu.token).base_url(emu.base_url) \
            .base_file_url(emu.base_file_url).build()
        ...  # initialize, start, app.updater.start_polling(poll_interval=0, timeout=1)
        emu.user_message("/start")
        [reply] = await emu.wait_for_sent(1)

``tests/`` has no ``__init__.py``, so pytest's default import mode puts ``tests/`` on ``sys.path``
and test modules import this package as ``emulator``.
"""

from ._errors import ApiError
from ._html import parse_html
from ._records import ApiCall, FailedCall
from ._text import detect_entities, utf16_len
from ._users import DEFAULT_GROUP_CHAT_ID, DEFAULT_USER_ID
from .emulator import (
    DEFAULT_BOT_USERNAME,
    DEFAULT_TOKEN,
    SECRET_TOKEN_HEADER,
    BotApiEmulator,
    find_free_port,
)

__all__ = [
    "DEFAULT_BOT_USERNAME",
    "DEFAULT_GROUP_CHAT_ID",
    "DEFAULT_TOKEN",
    "DEFAULT_USER_ID",
    "SECRET_TOKEN_HEADER",
    "ApiCall",
    "ApiError",
    "BotApiEmulator",
    "FailedCall",
    "detect_entities",
    "find_free_port",
    "parse_html",
    "utf16_len",
]
