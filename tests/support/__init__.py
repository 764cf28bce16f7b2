"""Helpers shared by the tests: the Telegram harness, reply readers, fault injection, corpora."""
