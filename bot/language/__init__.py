"""Text normalisation and terms: one spelling of a message for matching and crisis detection alike.

The bottom layer: imports nothing else of ``bot``.
"""

from bot.language.normalize import normalize

__all__ = ["normalize"]
