"""The access log: who read or wrote what, chained to itself and anchored in the audit chain.

Every request of the service that touches a person's data, and every
refusal, appends one :class:`AccessEntry`: who (a token's name, its role
and unit), when, what (an operation id such as ``case.history``), which
case, and the answer's HTTP status; never a name, an answer or a body.
Tokens are granted and revoked by entries of this log too (``tokens.add``,
``tokens.revoke``), so a token nobody logged cannot exist unnoticed.

Each entry holds the SHA-256 of the entry before it and the audit chain's
head when it was written (``anchor_seq``, ``anchor``): cutting or rewriting
the audit chain breaks the anchors of every access logged after, and
:func:`check_access` names each broken link, altered entry and stray anchor.

>>> a = Access(by="ana", role="delegado", unit="crs-01", action="case.history",
...            case_id="c-1", status=200)
>>> e = next_access(None, a, at="2025-03-01T09:00:00+00:00", anchor_seq=0, anchor=GENESIS)
>>> e.seq, e.prev == GENESIS, check_access([e], {})
(1, True, [])
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from rnr._frozen import frozen_map
from rnr.store.records import GENESIS, canonical
from rnr.text import Message

__all__ = [
    "ACCESS_FIELDS",
    "Access",
    "AccessEntry",
    "chain_access",
    "check_access",
    "next_access",
    "restore_access_problem",
]

#: The columns of an access entry, in stored order.
ACCESS_FIELDS = (
    "seq",
    "at",
    "by",
    "role",
    "unit",
    "action",
    "case_id",
    "status",
    "detail",
    "anchor_seq",
    "anchor",
    "prev",
    "sha256",
)


@attrs.frozen
class Access:
    """What one request did: who, what, which case, and the answer's status.

    Attributes:
        by: the token's name (``-`` when no valid token was shown).
        role: its role (``-`` likewise).
        unit: its unit, or ``None`` for a token of the whole service.
        action: the operation, e.g. ``case.history``, ``tokens.add``.
        case_id: the case read or written, if any.
        status: the HTTP status answered (or 0 for a command-line action).
        detail: a few plain values that are not personal (a token's role and
            the SHA-256 of its secret, for ``tokens.add``).
    """

    by: str
    role: str
    unit: str | None
    action: str
    case_id: str | None = None
    status: int = 0
    detail: Mapping[str, Any] = attrs.field(converter=frozen_map, factory=dict)


@attrs.frozen
class AccessEntry:
    """An :class:`Access` as logged: its place, time, anchor in the audit chain and hashes."""

    seq: int
    at: str
    access: Access
    anchor_seq: int
    anchor: str
    prev: str
    sha256: str

    def content(self) -> dict[str, Any]:
        """Every hashed field, as plain JSON values."""
        a = self.access
        return {
            "seq": self.seq,
            "at": self.at,
            "by": a.by,
            "role": a.role,
            "unit": a.unit,
            "action": a.action,
            "case_id": a.case_id,
            "status": a.status,
            "detail": dict(a.detail),
            "anchor_seq": self.anchor_seq,
            "anchor": self.anchor,
            "prev": self.prev,
        }

    def row(self) -> tuple[Any, ...]:
        """The stored columns (:data:`ACCESS_FIELDS`; ``detail`` as canonical JSON)."""
        c = self.content()
        c["detail"] = canonical(c["detail"])
        return (*(c[name] for name in ACCESS_FIELDS[:-1]), self.sha256)

    @classmethod
    def from_row(cls, row: Iterable[Any]) -> AccessEntry:
        """An entry from its stored columns (``detail`` decoded from its JSON text)."""
        import json  # noqa: PLC0415 - only when reading rows back

        v = dict(zip(ACCESS_FIELDS, row, strict=True))
        detail = json.loads(v["detail"]) if isinstance(v["detail"], str) else v["detail"]
        access = Access(
            v["by"], v["role"], v["unit"], v["action"], v["case_id"], v["status"], detail
        )
        return cls(v["seq"], v["at"], access, v["anchor_seq"], v["anchor"], v["prev"], v["sha256"])


def _hash(content: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(content).encode("utf-8")).hexdigest()


def next_access(
    previous: AccessEntry | None, access: Access, *, at: str, anchor_seq: int, anchor: str
) -> AccessEntry:
    """The entry that follows ``previous``, anchored at audit entry ``anchor_seq`` (0: none)."""
    seq = 1 if previous is None else previous.seq + 1
    prev = GENESIS if previous is None else previous.sha256
    entry = AccessEntry(seq, at, access, anchor_seq, anchor, prev, "")
    return attrs.evolve(entry, sha256=_hash(entry.content()))


def chain_access(
    previous: AccessEntry | None,
    accesses: Sequence[Access],
    *,
    at: str,
    anchor_seq: int,
    anchor: str,
) -> list[AccessEntry]:
    """The entries of ``accesses`` chained after ``previous``, all at ``at`` and one anchor.

    Raises:
        ValueError: no access given.
    """
    if not accesses:
        msg = "no access to log"
        raise ValueError(msg)
    entries: list[AccessEntry] = []
    for access in accesses:
        entries.append(next_access(previous, access, at=at, anchor_seq=anchor_seq, anchor=anchor))
        previous = entries[-1]
    return entries


def check_access(entries: Iterable[AccessEntry], audit: Mapping[int, str]) -> list[Message]:
    """Every problem of the access log, against the audit chain's hashes by sequence number.

    An entry must follow the one before it (sequence and hash), hash to its
    own ``sha256``, and be anchored at an audit entry that still has the
    hash it names, no earlier than the anchor of the entry before it.
    """
    problems: list[Message] = []
    prev, expected, last_anchor = GENESIS, 1, 0
    for entry in entries:
        where = {"entry": entry.seq}
        if entry.seq != expected:
            problems.append(Message("verify.access_sequence", {**where, "expected": expected}))
            expected = entry.seq
        if entry.prev != prev:
            problems.append(Message("verify.access_unchained", where))
        if _hash(entry.content()) != entry.sha256:
            problems.append(Message("verify.access_altered", where))
        held = GENESIS if entry.anchor_seq == 0 else audit.get(entry.anchor_seq)
        if held != entry.anchor or entry.anchor_seq < last_anchor:
            problems.append(
                Message("verify.access_unanchored", {**where, "anchor": entry.anchor_seq})
            )
        prev, last_anchor, expected = entry.sha256, entry.anchor_seq, expected + 1
    return problems


def restore_access_problem(
    entries: list[AccessEntry], audit: Iterable[tuple[int, str]], held: int
) -> str | None:
    """The first reason not to restore ``entries`` into a log holding ``held`` entries, or None.

    ``audit``: the restored audit chain's ``(seq, sha256)`` pairs.
    """
    if held:
        return "the access log is not empty"
    problems = check_access(entries, dict(audit))
    return str(problems[0]) if problems else None
