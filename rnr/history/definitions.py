"""The definitions a history is written and replayed with.

Everything derived in a case history (scores, decisions, plans) is recomputed
from raw records with these definitions, and each record names the exact
definition it was made with by content hash, so a changed instrument, policy
or objective catalogue is detected instead of silently giving another answer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from functools import cached_property
from typing import Any

import attrs

from rnr.definitions.catalogue import Catalogue, RuleSet, shipped
from rnr.definitions.library import (
    Library,
    PolicyLibrary,
    default_library,
    policy_library,
    split_ref,
)
from rnr.definitions.policy import Policy
from rnr.history.memo import Memo
from rnr.store.records import canonical

__all__ = ["Definitions"]


def _plain(value: Any) -> Any:
    if attrs.has(type(value)):
        return {f.name: _plain(getattr(value, f.name)) for f in attrs.fields(type(value))}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@attrs.frozen
class Definitions:
    """Instruments, policies, the objective catalogue and the responsivity rules."""

    library: Library
    policies: PolicyLibrary
    catalogue: Catalogue
    rules: RuleSet
    #: What replays with these definitions keep for the next ones, shared
    #: (:meth:`remembering`), or ``None``: each write keeps its own.
    replays: Memo | None = attrs.field(default=None, init=False, eq=False, repr=False)

    @classmethod
    def shipped(cls) -> Definitions:
        """The definitions shipped with rnr."""
        catalogue, rules = shipped()
        return cls(default_library(), policy_library(), catalogue, rules)

    def remembering(self, limit: int | None) -> Definitions:
        """The same definitions, whose replays share one memo of at most ``limit`` values.

        A service keeps them for all its requests: a write that follows a
        read of its case (or another write) replays only its new records
        (:mod:`rnr.history.memo`). These definitions themselves when they
        already share one, or when ``limit`` is ``None``. A copy made with
        :func:`attrs.evolve` remembers nothing.

        Raises:
            InvalidArgumentError: ``limit`` is not a positive count or ``None``.
        """
        if self.replays is not None or limit is None:
            return self
        copy = attrs.evolve(self)
        object.__setattr__(copy, "replays", Memo(limit))
        return copy

    def memo(self) -> Memo:
        """The memo of one write: the shared one, else a new one for this write alone."""
        return self.replays if self.replays is not None else Memo()

    @cached_property
    def plan_basis(self) -> str:
        """SHA-256 of the catalogue and the rules: what a stored plan draft was built with."""
        content = {"objectives": _plain(self.catalogue), "rules": _plain(self.rules)}
        return hashlib.sha256(canonical(content).encode("utf-8")).hexdigest()

    def policy_for(self, regime: str, instrument: str, ref: str | None, *, on: dt.date) -> Policy:
        """The policy version that decides a case on ``on``.

        Args:
            regime: ``adult`` or ``juvenile``.
            instrument: the instrument id the case is scored with.
            ref: ``ID`` (the version in force on ``on``), ``ID@YYYY-MM-DD``,
                or ``None`` for the first policy of the regime that reads the
                instrument.
            on: the date the version is chosen for.

        Raises:
            UnknownPolicyError: no such policy, none in force, or none for the
                regime and instrument.
        """
        if ref is not None:
            ident, version = split_ref(ref)
            return self.policies.get(ref if version else ident, on=on)
        return self.policies.get(self.policies.id_for(regime, instrument), on=on)
