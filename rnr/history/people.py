"""People who sign in to the browser workspace: accounts with a password, kept in the access log.

An account is made for a person (a delegado, a supervisor, an analyst, an
administrator) with a role and, optionally, a unit, exactly as a token is
(:mod:`rnr.history.access`: the same roles, permissions and units). Its
password is kept only as an argon2id hash (argon2-cffi, with the first
configuration of OWASP's Password Storage Cheat Sheet: 46 MiB of memory,
one pass, one lane), in the store's access log as a ``users.add`` entry; a
``users.revoke`` entry ends it. The accounts in force are read back from
those entries, so every account made or ended is itself chained and logged.

>>> from rnr.store import MemoryStore
>>> store = MemoryStore()
>>> add_user(store, "ana", role="delegado", unit="crs-santiago",
...          password="una clave larga", by="admin")
>>> sign_in(store, "ana", "una clave larga")
Principal(name='ana', role='delegado', unit='crs-santiago')
>>> sign_in(store, "ana", "otra clave") is None
True
>>> revoke_user(store, "ana", by="admin")
>>> account(store, "ana") is None
True
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from rnr.errors import InvalidArgumentError
from rnr.history.access import ROLES, Grant, Principal, check_name, granted, in_force, log_access
from rnr.store.access import Access
from rnr.store.protocol import Store

__all__ = [
    "MAX_PASSWORD",
    "MIN_PASSWORD",
    "Grant",
    "account",
    "add_user",
    "revoke_user",
    "sign_in",
    "users",
]

#: The fewest characters of a password.
MIN_PASSWORD = 10
#: The most characters of a password (argon2 hashes any length; this bounds the work).
MAX_PASSWORD = 1024

#: argon2id as OWASP's Password Storage Cheat Sheet first recommends (m = 46 MiB, t = 1,
#: p = 1): memory-hard against a stolen store's hashes, about 40 ms a sign-in on one core
#: (argon2-cffi's defaults, RFC 9106's low-memory profile with four lanes, take about 150 ms
#: and more under load). Hashes made with other parameters still verify: each names its own.
_HASHER = PasswordHasher(time_cost=1, memory_cost=47104, parallelism=1)


@cache
def _nobody() -> str:
    """A hash no password gives, verified against when the name is unknown (made once)."""
    return _HASHER.hash("rnr: no account has this password")


def users(store: Store) -> list[Grant]:
    """Every account ever made, in order, with its end if any (the last of each name)."""
    return granted(store, "users")


def _in_force(store: Store) -> dict[str, tuple[str, Principal]]:
    """The accounts in force: name → (the argon2 hash of the password, who it acts for)."""
    return in_force(store, "users", "argon2")


def _check_password(password: str) -> None:
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        length = len(password) if isinstance(password, str) else None
        shown = f"{length} characters" if length is not None else type(password).__name__
        expected = f"a password of {MIN_PASSWORD} to {MAX_PASSWORD} characters"
        raise InvalidArgumentError("password", shown, expected)


def add_user(
    store: Store, name: str, *, role: str, unit: str | None = None, password: str, by: str
) -> None:
    """Make an account; only the argon2id hash of ``password`` is kept.

    Raises:
        InvalidArgumentError: a name, role, unit or password rnr does not
            accept (the password is never quoted: only its length);
            ``user.exists``, an account of that name is in force.
    """
    check_name("name", name)
    if role not in ROLES:
        raise InvalidArgumentError("role", role, "one of " + ", ".join(ROLES))
    if unit is not None:
        check_name("unit", unit)
    _check_password(password)
    if name in _in_force(store):
        raise InvalidArgumentError(
            "name", name, "a name no account in force has (revoke it first)", code="user.exists"
        )
    detail = {"name": name, "role": role, "unit": unit, "argon2": _HASHER.hash(password)}
    log_access(store, Access(by, "-", None, "users.add", detail=detail))


def revoke_user(store: Store, name: str, *, by: str) -> None:
    """End the account ``name``: its sessions are refused from the next request on.

    Raises:
        InvalidArgumentError: ``user.unknown``, no account of that name is in force.
    """
    if name not in _in_force(store):
        raise InvalidArgumentError(
            "name", name, "the name of an account in force", code="user.unknown"
        )
    log_access(store, Access(by, "-", None, "users.revoke", detail={"name": name}))


def account(store: Store, name: str) -> Principal | None:
    """Who the account ``name`` acts for, while it is in force (``None``: none, or ended)."""
    found = _in_force(store).get(name) if isinstance(name, str) else None
    return None if found is None else found[1]


def sign_in(store: Store, name: str, password: str) -> Principal | None:
    """Who signs in with ``name`` and ``password``, or ``None`` (unknown, ended, wrong).

    An unknown name is checked against a hash of its own, so that it takes as
    long to refuse as a wrong password.
    """
    if not isinstance(name, str) or not isinstance(password, str) or len(password) > MAX_PASSWORD:
        return None
    found = _in_force(store).get(name)
    digest, principal = found if found is not None else (_nobody(), None)
    try:
        _HASHER.verify(digest, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    return principal
