"""A store's head, kept outside the store: what catches a rewrite of the chain's own tail.

The audit chain inside the file proves every entry follows the one before
it, but whoever can write the file can cut its last entries, or rewrite them
and recompute every hash after them, and the chain still holds. A
:class:`Head` (how many audit entries there were, and the hash of the last
one) written down elsewhere (a log, a printed report, another system) closes
that gap: a later store must still hold that entry with that hash, or it was
truncated, rewritten or forked.

A head may carry an HMAC-SHA256 made with a key that lives outside the store,
so that nobody without the key can write a head that a forged store matches.

>>> head = Head(3, "ab" * 32)
>>> str(head) == "3:" + "ab" * 32
True
>>> Head.parse(str(head.signed(b"clave"))).valid(b"clave")
True
>>> Head.parse(str(head.signed(b"clave"))).valid(b"otra")
False
"""

from __future__ import annotations

import hashlib
import hmac
import re

import attrs

from rnr.errors import StoreError

__all__ = ["Head"]

_TEXT = re.compile(r"^(0|[1-9]\d{0,17}):([0-9a-f]{64})(?::([0-9a-f]{64}))?$")


@attrs.frozen
class Head:
    """How many audit entries a store held, the hash of the last one, and an optional HMAC."""

    entries: int
    sha256: str
    mac: str | None = None

    def __str__(self) -> str:
        """``ENTRIES:SHA256`` or ``ENTRIES:SHA256:HMAC``: one line, to keep anywhere."""
        text = f"{self.entries}:{self.sha256}"
        return text if self.mac is None else f"{text}:{self.mac}"

    @classmethod
    def parse(cls, text: str) -> Head:
        """Read a head written by ``str(head)``.

        Raises:
            StoreError: ``argument.invalid``, ``text`` is not a head.
        """
        found = _TEXT.match(text.strip())
        if found is None:
            msg = f"got {text[:80]!r}, expected ENTRIES:SHA256 or ENTRIES:SHA256:HMAC"
            raise StoreError(msg, path="head", code="argument.invalid")
        return cls(int(found.group(1)), found.group(2), found.group(3))

    def _digest(self, key: bytes) -> str:
        return hmac.new(key, f"{self.entries}:{self.sha256}".encode(), hashlib.sha256).hexdigest()

    def signed(self, key: bytes) -> Head:
        """This head with its HMAC-SHA256 under ``key``."""
        return attrs.evolve(self, mac=self._digest(key))

    def valid(self, key: bytes) -> bool:
        """Whether the head carries an HMAC and it was made with ``key``."""
        return self.mac is not None and hmac.compare_digest(self.mac, self._digest(key))
