"""A real PostgreSQL server for the tests, started from the machine's own binaries (never a mock).

Debian's PostgreSQL 15 packages put ``initdb`` and ``pg_ctl`` under /usr/lib/postgresql/15/bin.
``initdb`` refuses to run as root, so as root the cluster belongs to the ``postgres`` user (a
temporary folder it owns) and both programs run as that user. The server listens on a free
loopback port only, with password authentication and TLS (a throw-away self-signed certificate)
so Heroku-style ``?sslmode=require`` URLs are tested for real.

Under ``CI=true`` a server that cannot start fails the run; elsewhere the tests that need it skip.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import asyncpg

from tests.emulator import find_free_port

USER = "bot"
PASSWORD = "s3cret:p@ss/word"  # characters that must be percent-encoded in a URL
SEARCH = ("/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin")


class PostgresUnavailable(RuntimeError):
    pass


def find_binaries() -> Path:
    for folder in (os.environ.get("PG_BIN"), *SEARCH):
        if folder and (Path(folder) / "initdb").is_file() and (Path(folder) / "pg_ctl").is_file():
            return Path(folder)
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise PostgresUnavailable("no PostgreSQL binaries (initdb, pg_ctl); install postgresql-15 or set PG_BIN")


class PostgresServer:
    """One throw-away cluster: ``start()``, ``stop()`` (and start again: a database going away), ``remove()``."""

    def __init__(self) -> None:
        self.bin = find_binaries()
        self.root = Path(tempfile.mkdtemp(prefix="bot-pg-"))
        self.data = self.root / "data"
        self.port = find_free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
        self._initdb()

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        command = [*(["runuser", "-u", "postgres", "--"] if self.as_root else []), *args]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=self.root)
        if result.returncode != 0:
            raise PostgresUnavailable(f"{Path(args[0]).name} failed: {(result.stderr or result.stdout).strip()}")
        return result

    def _initdb(self) -> None:
        password_file = self.root / "password"
        password_file.write_text(PASSWORD + "\n")
        key, cert = self.root / "server.key", self.root / "server.crt"
        subprocess.run(["openssl", "req", "-new", "-x509", "-days", "2", "-nodes", "-subj", "/CN=127.0.0.1",
                        "-newkey", "rsa:2048", "-keyout", str(key), "-out", str(cert)],
                       check=True, capture_output=True, timeout=60)
        key.chmod(0o600)
        if self.as_root:
            for path in (password_file, key, cert):
                shutil.chown(path, "postgres", "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", USER, f"--pwfile={password_file}",
                  "-A", "scram-sha-256", "-E", "UTF8", "--no-sync", "--no-instructions")

    def start(self) -> None:
        options = (f"-h 127.0.0.1 -p {self.port} -k {self.root} -c ssl=on -c ssl_cert_file={self.root}/server.crt "
                   f"-c ssl_key_file={self.root}/server.key -c fsync=off -c synchronous_commit=off "
                   "-c full_page_writes=off -c max_connections=200")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"), "-o", options,
                  "-w", "-t", "60", "start")

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        with contextlib.suppress(PostgresUnavailable):
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres", scheme: str = "postgres", query: str = "") -> str:
        """A URL as Heroku writes it (``postgres://``, the password percent-encoded)."""
        return f"{scheme}://{USER}:{quote(PASSWORD, safe='')}@127.0.0.1:{self.port}/{database}{query}"

    def new_database(self) -> str:
        """A fresh, empty database: its URL."""
        name = f"t_{uuid.uuid4().hex[:12]}"

        async def create() -> None:
            connection = await asyncpg.connect(host="127.0.0.1", port=self.port, user=USER, password=PASSWORD,
                                               database="postgres")
            try:
                await connection.execute(f'CREATE DATABASE "{name}"')
            finally:
                await connection.close()

        asyncio.run(create())
        return self.url(name)


def postgres_server() -> Iterator[PostgresServer]:
    """For a session fixture: a running server, removed at the end."""
    try:
        server = PostgresServer()
    except (OSError, subprocess.SubprocessError) as exc:
        raise PostgresUnavailable(f"{type(exc).__name__}: {exc}") from exc
    try:
        server.start()
        yield server
    finally:
        server.remove()
