"""What a health check reports: the knowledge version serving, and whether the database answers.

Platforms' health checks and uptime monitors restart or page on anything but a 200. A bot whose
database is down still answers every FAQ and crisis message from its knowledge, so it stays
"healthy" (200) and says ``"degraded"`` in the body: restarting it would cut the answers too and
fix nothing. The database state comes from a probe the storage layer may provide; without one
there is no database to report (``"none"``). The report holds no secret and no user data.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.runtime.store import ResponderStore

log = logging.getLogger(__name__)

DatabaseProbe = Callable[[], Awaitable[bool]]
"""Answers whether the database is reachable now; async, so a slow database never blocks replies."""

PROBE_TIMEOUT = 2.0  # seconds; a database that takes longer counts as down (checks come every few seconds)


class HealthCheck:
    """Builds the report; logs only when the database state changes (checks come every few seconds)."""

    def __init__(self, store: ResponderStore, probe: DatabaseProbe | None = None,
                 timeout: float | None = None) -> None:
        self.store, self.probe = store, probe
        self.timeout = PROBE_TIMEOUT if timeout is None else timeout
        self._last_database = "none" if probe is None else "ok"

    async def report(self) -> dict[str, str]:
        """``{"status": "ok"|"degraded", "knowledge_version": ..., "database": "ok"|"down"|"none"}``."""
        database = "none" if self.probe is None else await self._database()
        if database != self._last_database:
            log.log(logging.WARNING if database == "down" else logging.INFO, "database is %s", database)
            self._last_database = database
        return {"status": "degraded" if database == "down" else "ok",
                "knowledge_version": self.store.current.knowledge.version, "database": database}

    async def _database(self) -> str:
        assert self.probe is not None
        try:
            reachable = await asyncio.wait_for(self.probe(), self.timeout)
        except Exception as exc:  # a failing probe is a down database, never a failed health check
            log.debug("database probe failed (%s)", type(exc).__name__)
            return "down"
        return "ok" if reachable else "down"
