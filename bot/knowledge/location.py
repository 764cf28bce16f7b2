"""Where the knowledge folder is, decided in this one place.

Order: the folder given on the command line, else ``KNOWLEDGE_DIR``, else ``knowledge/`` in the
working directory. Not the package's own location: an installed package (``pip install .``, as
a container image does) lives in site-packages, where no knowledge folder is, and operators edit
their knowledge next to where they run the bot, not inside an installed package.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

ENV_VAR = "KNOWLEDGE_DIR"
DEFAULT_NAME = "knowledge"
HINT = f"run from the folder that holds {DEFAULT_NAME}/, or set {ENV_VAR} or pass --knowledge DIR"


def knowledge_dir(explicit: str | Path | None = None, environ: Mapping[str, str] = os.environ) -> Path:
    """The knowledge folder to use (it may not exist; the loader says so with :data:`HINT`)."""
    return Path(explicit or environ.get(ENV_VAR) or Path.cwd() / DEFAULT_NAME)
