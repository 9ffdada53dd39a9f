"""Who may do what over HTTP: tokens, roles, units, and the access log they are kept in.

A token is granted to a person or a client system with a role and,
optionally, a unit (a CRS, a centre, a regional office). Its secret is
shown once, when it is made, and only its SHA-256 is kept: in the store's
access log (:mod:`rnr.store.access`), as a ``tokens.add`` entry; a
``tokens.revoke`` entry ends it. The tokens in force are read back from
those entries, so every grant and revocation is itself chained and logged.

==============  =============================================================
role            may
==============  =============================================================
``delegado``    read and write the cases of its unit; score, decide and draft
``supervisor``  the same, approve overrides, and see its unit's aggregates
``analista``    aggregates only: indicators, validity, due counts
``admin``       tokens and definitions; no case data
==============  =============================================================

A token with a unit sees the cases of that unit only; one without a unit
sees every case. A case's unit is the one it was opened under
(``open_case(..., unit=...)``), kept on its opening record.

>>> from rnr.store import MemoryStore
>>> store = MemoryStore()
>>> secret = add_token(store, "ana", role="delegado", unit="crs-santiago", by="admin")
>>> authenticate(store, secret)
Principal(name='ana', role='delegado', unit='crs-santiago')
>>> allowed("delegado", "case.write"), allowed("analista", "case.read")
(True, False)
>>> revoke_token(store, "ana", by="admin")
>>> authenticate(store, secret) is None
True
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType

import attrs

from rnr.errors import InvalidArgumentError, StoreError, StoreIntegrityError
from rnr.store.access import Access, AccessEntry
from rnr.store.protocol import AccessLog, CaseIndex, Store
from rnr.store.records import Stored

__all__ = [
    "PERMISSIONS",
    "ROLES",
    "Grant",
    "Principal",
    "access_log",
    "add_token",
    "allowed",
    "authenticate",
    "case_units",
    "check_name",
    "check_units",
    "granted",
    "in_force",
    "listed_units",
    "log_access",
    "log_accesses",
    "revoke_token",
    "tokens",
    "unit_cases",
    "unit_of",
]

#: The roles a token may have.
ROLES = ("delegado", "supervisor", "analista", "admin")

#: What each role may do. ``compute`` is scoring, deciding and drafting a case sent in a
#: request (a person's answers, kept nowhere); ``aggregate`` is indicators, validity and
#: due counts, which name no person.
PERMISSIONS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "delegado": frozenset({"definitions", "compute", "case.read", "case.write"}),
        "supervisor": frozenset(
            {"definitions", "compute", "case.read", "case.write", "override.approve", "aggregate"}
        ),
        "analista": frozenset({"definitions", "aggregate"}),
        "admin": frozenset({"definitions", "tokens"}),
    }
)


#: A token's name or unit: letters, digits, dots, hyphens and underscores.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
#: Tokens start with this, so a secret found in a file or a log is recognisable.
_PREFIX = "rnr_"


@attrs.frozen
class Principal:
    """Who a request acts for: a token's name, its role and its unit (``None``: every unit)."""

    name: str
    role: str
    unit: str | None

    def may(self, permission: str) -> bool:
        """Whether the role allows ``permission``."""
        return allowed(self.role, permission)

    def sees(self, unit: str | None) -> bool:
        """Whether a case of ``unit`` is within this principal's reach."""
        return self.unit is None or self.unit == unit


@attrs.frozen
class Grant:
    """A token (or a person's account, :mod:`rnr.history.people`) as listed: never its secret."""

    name: str
    role: str
    unit: str | None
    added_at: str
    added_by: str
    revoked_at: str | None = None
    revoked_by: str | None = None

    @property
    def active(self) -> bool:
        """Whether it is in force."""
        return self.revoked_at is None

    def to_dict(self) -> dict[str, str | bool | None]:
        """A JSON-ready dict."""
        return {
            "name": self.name,
            "role": self.role,
            "unit": self.unit,
            "active": self.active,
            "added_at": self.added_at,
            "added_by": self.added_by,
            "revoked_at": self.revoked_at,
            "revoked_by": self.revoked_by,
        }


def allowed(role: str, permission: str) -> bool:
    """Whether ``role`` may do ``permission``."""
    return permission in PERMISSIONS.get(role, frozenset())


def _log(store: Store) -> AccessLog:
    if not isinstance(store, AccessLog):
        msg = "this store keeps no access log (the service needs an SQLite or memory store)"
        raise StoreError(msg, path=store.name)
    return store


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def check_name(argument: str, value: str) -> str:
    if not isinstance(value, str) or not _NAME.fullmatch(value):
        raise InvalidArgumentError(
            argument, value, "1 to 64 letters, digits, dots, hyphens or underscores"
        )
    return value


def _unit(value: object) -> str | None:
    return None if value is None else str(value)


def granted(store: Store, kind: str) -> list[Grant]:
    """Every grant of ``kind`` (``tokens``, ``users``) ever made, in order, with its end if any."""
    found: dict[str, Grant] = {}
    for entry in _log(store).access_log(actions=(f"{kind}.add", f"{kind}.revoke")):
        a, name = entry.access, str(entry.access.detail.get("name", ""))
        if a.action == f"{kind}.add":
            role, unit = str(a.detail["role"]), _unit(a.detail.get("unit"))
            found[name] = Grant(name, role, unit, entry.at, a.by)
        elif name in found and found[name].active:
            found[name] = attrs.evolve(found[name], revoked_at=entry.at, revoked_by=a.by)
    return list(found.values())


def in_force(store: Store, kind: str, secret: str) -> dict[str, tuple[str, Principal]]:
    """The grants of ``kind`` in force: name → (the ``secret`` field's hash, who it acts for)."""
    held: dict[str, tuple[str, Principal]] = {}
    for entry in _log(store).access_log(actions=(f"{kind}.add", f"{kind}.revoke")):
        a, name = entry.access, str(entry.access.detail.get("name", ""))
        if a.action == f"{kind}.add":
            principal = Principal(name, str(a.detail["role"]), _unit(a.detail.get("unit")))
            held[name] = (str(a.detail.get(secret, "")), principal)
        else:
            held.pop(name, None)
    return held


def tokens(store: Store) -> list[Grant]:
    """Every token ever granted, in order, with its revocation if any."""
    return granted(store, "tokens")


def _in_force(store: Store) -> dict[str, tuple[str, Principal]]:
    """The tokens in force: name → (the SHA-256 of the secret, who it acts for)."""
    return in_force(store, "tokens", "sha256")


def add_token(store: Store, name: str, *, role: str, unit: str | None = None, by: str) -> str:
    """Grant a token and return its secret (shown once: only its hash is kept).

    Raises:
        InvalidArgumentError: a name, role or unit rnr does not accept;
            ``token.exists``, a token of that name is in force.
    """
    check_name("name", name)
    if role not in ROLES:
        raise InvalidArgumentError("role", role, "one of " + ", ".join(ROLES))
    if unit is not None:
        check_name("unit", unit)
    if name in _in_force(store):
        raise InvalidArgumentError(
            "name", name, "a name no token in force has (revoke it first)", code="token.exists"
        )
    secret = _PREFIX + secrets.token_urlsafe(32)
    detail = {"name": name, "role": role, "unit": unit, "sha256": _digest(secret)}
    log_access(store, Access(by, "-", None, "tokens.add", detail=detail))
    return secret


def revoke_token(store: Store, name: str, *, by: str) -> None:
    """End the token ``name``: it is refused from the next request on.

    Raises:
        InvalidArgumentError: ``token.unknown``, no token of that name is in force.
    """
    if name not in _in_force(store):
        raise InvalidArgumentError(
            "name", name, "the name of a token in force", code="token.unknown"
        )
    log_access(store, Access(by, "-", None, "tokens.revoke", detail={"name": name}))


def authenticate(store: Store, secret: str) -> Principal | None:
    """Who the token ``secret`` acts for, or ``None`` (unknown, revoked, malformed)."""
    if not isinstance(secret, str) or not secret.startswith(_PREFIX) or len(secret) > 200:
        return None
    digest = _digest(secret)
    for held, principal in _in_force(store).values():
        if secrets.compare_digest(held, digest):
            return principal
    return None


def log_access(store: Store, access: Access) -> AccessEntry:
    """Append ``access`` to the store's access log.

    Raises:
        StoreError: the store keeps no access log, or cannot be written.
    """
    return _log(store).log_access(access)


def log_accesses(store: Store, accesses: Sequence[Access]) -> AccessEntry:
    """Append ``accesses`` to the store's access log in one write; the last one's entry.

    Raises:
        StoreError: the store keeps no access log, or cannot be written.
    """
    return _log(store).log_access(*accesses)


def access_log(store: Store) -> Iterator[AccessEntry]:
    """Every entry of the store's access log, in order."""
    return _log(store).access_log()


def unit_of(rows: Iterable[Stored]) -> str | None:
    """The unit a case's records say it was opened under (its last opening record's)."""
    unit = None
    for row in rows:
        if row.kind == "case":
            unit = row.record.data.get("unit")
    return None if unit is None else str(unit)


def case_units(store: Store) -> dict[str, str | None]:
    """Every case's unit (``None``: opened without one), read from its opening record."""
    found: dict[str, list[Stored]] = {}
    for stored in store.records(kind="case"):
        found.setdefault(stored.case_id, []).append(stored)
    return {case_id: unit_of(rows) for case_id, rows in found.items()}


def listed_units(store: Store) -> dict[str, str | None]:
    """Every case's unit, as the case index lists it; read from the records where it cannot.

    The case of a row the store left stale (a write that kept none) is read
    from its opening records (:func:`case_units`); every case has a row (the
    store keeps one on its last record). For labels in a report; which cases
    someone may see: :func:`unit_cases`.
    """
    if not isinstance(store, CaseIndex):
        return case_units(store)
    units: dict[str, str | None] = {}
    unread: list[str] = []
    for row in store.index_rows():
        if row.stale:
            unread.append(row.case_id)
        else:
            units[row.case_id] = row.unit
    for group in store.cases(only=unread) if unread else ():
        units[group.case_id] = unit_of(group.records)
    return units


def unit_cases(store: Store, unit: str) -> frozenset[str]:
    """The ids of the cases of ``unit``: candidates, to be confirmed by :func:`check_units`.

    A store that keeps the case index answers from the rows naming ``unit``
    (one look-up in the index of units) and reads only its stale rows'
    cases from their records; another store reads every opening record.
    Whoever shows a case to someone of ``unit`` checks it first with
    :func:`check_units`: the index is a copy that ``rnr store verify``
    checks, the records are what the hashes vouch for.
    """
    if not isinstance(store, CaseIndex):
        return frozenset(c for c, u in case_units(store).items() if u == unit)
    rows = store.index_unit(unit)
    stale = [row.case_id for row in rows if row.stale]
    found = {row.case_id for row in rows if not row.stale}
    for group in store.cases(only=stale) if stale else ():
        if unit_of(group.records) == unit:
            found.add(group.case_id)
    return frozenset(found)


def check_units(store: Store, case_ids: Collection[str], unit: str | None) -> None:
    """Read ``case_ids``' opening records: each case must be held and opened under ``unit``.

    ``None`` checks nothing (someone of no unit sees every case). What a
    list shows someone of a unit passes here first, a page at a time (one
    look-up of a case's opening records per case).

    Raises:
        StoreIntegrityError: a case is not held or is of another unit (the
            case index listed it under ``unit``: ``rnr store verify`` names
            the row). The case is not named: whoever asked may not see it.
    """
    if unit is None:
        return
    for case_id in case_ids:
        opening = list(store.records(case_id=case_id, kind="case"))
        if opening and unit_of(opening) == unit:
            continue
        msg = (
            f"the case index lists under unit {unit} a case its records do not open"
            " under it; run rnr store verify, which names the row"
        )
        raise StoreIntegrityError(msg, path=store.name)
