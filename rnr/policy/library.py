"""Find policies and choose the version in force.

>>> lib = policy_library()
>>> lib.get("cl-adultos-18216").ref
'cl-adultos-18216@2024-01-13'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import attrs

from rnr.errors import UnknownPolicyError
from rnr.library import data_dir, split_ref
from rnr.policy.loader import load_policy
from rnr.policy.model import Policy

__all__ = ["PolicyLibrary", "policy_library"]

DATED = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@attrs.frozen
class PolicyLibrary:
    """An immutable set of policy versions, looked up by id, version or date."""

    policies: tuple[Policy, ...]

    @classmethod
    def from_folders(cls, *folders: Path) -> PolicyLibrary:
        """Load every ``<id>/<YYYY-MM-DD>.toml`` below ``folders``."""
        found = [
            load_policy(path)
            for folder in folders
            for path in sorted(folder.glob("*/*.toml"))
            if DATED.match(path.stem)
        ]
        return cls(tuple(found))

    def __iter__(self) -> Iterator[Policy]:
        return iter(sorted(self.policies, key=lambda p: (p.id, p.effective_from)))

    def ids(self) -> tuple[str, ...]:
        """Every policy id, sorted."""
        return tuple(sorted({p.id for p in self.policies}))

    def versions(self, ident: str) -> tuple[Policy, ...]:
        """Every version of ``ident``, oldest first."""
        return tuple(p for p in self if p.id == ident)

    def get(self, ref: str, *, on: dt.date | None = None) -> Policy:
        """The policy named by ``ref`` (``id`` or ``id@YYYY-MM-DD``).

        A bare id takes the version in force ``on`` that date, or the newest.

        Raises:
            UnknownPolicyError: no such id or version, or none in force.
        """
        ident, version = split_ref(ref)
        candidates = self.versions(ident)
        if not candidates:
            msg = f"unknown policy {ident!r}; known: {', '.join(self.ids()) or 'none'}"
            raise UnknownPolicyError(msg, ref=ref, known=self.ids())
        if version is not None:
            for policy in candidates:
                if policy.version == version:
                    return policy
            known = [p.ref for p in candidates]
            raise UnknownPolicyError(
                f"unknown version {ref!r}; known: {', '.join(known)}", ref=ref, known=known
            )
        if on is None:
            return candidates[-1]
        in_force = [p for p in candidates if p.applies_on(on) and p.status != "retired"]
        if not in_force:
            known = [p.ref for p in candidates]
            msg = f"no version of {ident!r} is in force on {on}; versions: {', '.join(known)}"
            raise UnknownPolicyError(msg, ref=ref, known=known)
        return in_force[-1]

    def id_for(self, regime: str, instrument: str) -> str:
        """The id of the first policy of ``regime`` that reads ``instrument``.

        Raises:
            UnknownPolicyError: none does.
        """
        for policy in self:
            if policy.regime == regime and (
                not policy.instruments or instrument in policy.instruments
            ):
                return policy.id
        msg = f"no policy for the {regime} regime reads {instrument!r}"
        raise UnknownPolicyError(msg, ref=instrument, known=self.ids())


@cache
def policy_library() -> PolicyLibrary:
    """The policies shipped with rnr (loaded once; the value is immutable)."""
    return PolicyLibrary.from_folders(data_dir() / "plans" / "policies")
