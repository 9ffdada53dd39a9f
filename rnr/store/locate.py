"""Which store a name means: a PostgreSQL connection URL, or the path of an SQLite file.

Wherever rnr takes a store (``--db``, ``$RNR_DB``, ``rnr store copy``), a
name that starts ``postgresql://`` (or ``postgres://``) is a database on a
PostgreSQL server (:class:`~rnr.store.postgres.PostgresStore`, which needs
the ``postgres`` extra: ``pip install 'rnr-engine[postgres]'``); anything
else is the path of an SQLite file (:class:`~rnr.store.SQLiteStore`).

>>> is_url("postgresql://rnr@db.example/rnr"), is_url("casos.sqlite3")
(True, False)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from rnr.store.protocol import utc_now

if TYPE_CHECKING:
    from rnr.store.postgres import PostgresStore
    from rnr.store.sqlite import SQLiteStore

__all__ = ["SCHEMES", "is_url", "open_store"]

#: How a PostgreSQL URL starts (libpq reads both).
SCHEMES = ("postgresql://", "postgres://")


def is_url(where: str | Path) -> bool:
    """Whether ``where`` names a PostgreSQL database (a URL), not a file."""
    return isinstance(where, str) and where.startswith(SCHEMES)


def open_store(
    where: str | Path,
    *,
    read_only: bool = False,
    clock: Callable[[], str] = utc_now,
    timeout: float = 30.0,
) -> SQLiteStore | PostgresStore:
    """The store ``where`` names, opened (created if missing, unless ``read_only``).

    Raises:
        StoreError: as :class:`~rnr.store.SQLiteStore` or
            :class:`~rnr.store.postgres.PostgresStore` raise it.
        ModuleNotFoundError: a URL, and the ``postgres`` extra is not installed.
    """
    if is_url(where):
        from rnr.store.postgres import PostgresStore  # noqa: PLC0415 - only with the extra

        return PostgresStore(str(where), read_only=read_only, clock=clock, timeout=timeout)
    from rnr.store.sqlite import SQLiteStore  # noqa: PLC0415 - start-up time of the CLI

    return SQLiteStore(where, read_only=read_only, clock=clock, timeout=timeout)
