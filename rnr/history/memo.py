"""What replaying a case computed, kept for the next replay of it.

A write replays the case before it (to check and answer the request) and
again inside its block (a history that would not replay is refused): the
second replay takes from a :class:`Memo` what the first computed for the
same records. A service keeps one memo for all its requests
(:meth:`~rnr.history.definitions.Definitions.remembering`), so a write
that follows a read of its case, as every write over HTTP does (its
``If-Match`` names what the client read), replays only what is new, and
a replay of the very records replayed before takes the history itself.

Each value is kept under the ids and SHA-256 of every record it was
computed from (:mod:`rnr.history.read` makes the keys), and a memo belongs
to one set of definitions, so nothing else can stand in for it: a record
altered in the database has another hash (a read refuses a record whose
content and hash disagree), a record of another store with the same id
has other content, and a value is the same whoever computes it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import attrs

from rnr.errors import InvalidArgumentError

__all__ = ["SHARED", "Memo"]

T = TypeVar("T")

#: The values a service's shared memo keeps by default: about 80 MB, some
#: 400 cases of the usual size (a case's replay keeps about 20 values, its history among them).
SHARED = 8192


def _limit(_: object, __: object, value: int | None) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise InvalidArgumentError("limit", value, "a count of values of at least 1, or None")


@attrs.define
class Memo:
    """Values of a case's replay by their key, for the next replay.

    ``limit``: the most values kept, the least recently used let go first
    (``None``, no limit: a memo made for one write call). Threads may share
    one: its table is changed under a lock; a value two threads compute at
    once is computed twice and kept once.

    Raises:
        InvalidArgumentError: ``limit`` is not a positive count or ``None``.
    """

    limit: int | None = attrs.field(default=None, validator=_limit)
    found: OrderedDict[Hashable, Any] = attrs.field(factory=OrderedDict, eq=False)
    _lock: threading.Lock = attrs.field(factory=threading.Lock, init=False, eq=False, repr=False)

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        """The value kept under ``key``, else ``build()`` (kept for next time)."""
        with self._lock:
            if key in self.found:
                if self.limit is not None:
                    self.found.move_to_end(key)
                kept: T = self.found[key]
                return kept
        value = build()
        with self._lock:
            self.found[key] = value
            if self.limit is not None and len(self.found) > self.limit:
                self.found.popitem(last=False)
        return value

    def peek(self, key: Hashable) -> Any:
        """The value kept under ``key``, or ``None``; computes nothing."""
        with self._lock:
            return self.found.get(key)
