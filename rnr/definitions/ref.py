"""Which definition was used: an instrument or a policy, by id, version and content hash.

A score names the instrument that gave it, a decision the policy (and the
instrument) behind it, a plan both; each with the same :class:`Ref`, so a
stored record can be checked against the definition that made it.

>>> ref = Ref("psa", "1.0.0", "0" * 64)
>>> str(ref)
'psa@1.0.0'
"""

from __future__ import annotations

import attrs

__all__ = ["Ref"]


@attrs.frozen
class Ref:
    """Exactly which definition (instrument or policy) scored or decided.

    Attributes:
        id: the definition's id (``lscmi``, ``cl-adultos-18216``).
        version: its version (``1.0.0``, or the date a policy came into force).
        sha256: the hash of its canonical content
            (:func:`rnr.definitions.canonical_hash`).
    """

    id: str
    version: str
    sha256: str

    def __str__(self) -> str:
        return f"{self.id}@{self.version}"
