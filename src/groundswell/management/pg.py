"""Running PostgreSQL's own tools (pg_dump, pg_restore) against a Django database entry."""

from __future__ import annotations

import glob
import os
import shutil


def pg_tool(name: str) -> str:
    """The newest installed copy of a PostgreSQL client tool (it must not be older than the server)."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    return found[-1] if found else (shutil.which(name) or name)


def pg_env(settings: dict) -> dict:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings.get(key):
            env[var] = str(settings[key])
    return env
