"""Runtime: the live knowledge version (swapped atomically on reload), the folder watcher, the
operators' validation report, the health report, and per-chat state shared by the terminal and
Telegram.

Sits above ``bot.decision`` (it holds a ``Responder``); never imports a shell.
"""

from bot.runtime.chat_state import ChatStates
from bot.runtime.store import ReloadResult, ResponderStore

__all__ = ["ChatStates", "ReloadResult", "ResponderStore"]
