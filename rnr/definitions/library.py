"""Find instruments and policies, and choose the version that applies.

A :class:`Library` holds every instrument version found under one or more
folders laid out as ``<id>/<version>.toml``. The shipped library
(:func:`default_library`) reads the ``instruments/`` folder packed in the
wheel. A reference is ``id`` or ``id@version``:

>>> lib = default_library()
>>> lib.get("psa@1.0.0").version
'1.0.0'
>>> import datetime as dt
>>> lib.get("lscmi", on=dt.date(2024, 6, 1)).ref
'lscmi@1.0.0'

Policies are found the same way (:func:`policy_library`), by the date each
came into force:

>>> policy_library().get("cl-adultos-18216").ref
'cl-adultos-18216@2024-01-14'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar

import attrs

from rnr.definitions._toml import DATED
from rnr.definitions.instrument import Instrument
from rnr.definitions.instrument_loader import SEMVER, load_instrument
from rnr.errors import UnknownDefinitionError, UnknownInstrumentError, UnknownPolicyError

if TYPE_CHECKING:  # policies load only when asked for (rnr score never reads one)
    from rnr.definitions.policy import Policy

__all__ = [
    "DATED",
    "Library",
    "PolicyLibrary",
    "data_dir",
    "default_library",
    "described",
    "instrument_list",
    "policy_library",
    "policy_list",
    "split_ref",
]


def data_dir() -> Path:
    """The folder holding ``instruments/`` and ``plans/``.

    In a wheel they are packed as ``rnr/_data``; in a source checkout they sit
    beside the package.
    """
    package = Path(__file__).parent.parent
    packed = package / "_data"
    if (packed / "instruments").is_dir():
        return packed
    return package.parent


def split_ref(ref: str) -> tuple[str, str | None]:
    """Split ``"lscmi@1.0.0"`` into ``("lscmi", "1.0.0")``; the version is optional."""
    ident, _, version = ref.partition("@")
    return ident, (version or None)


#: The longest id that can name a folder (file systems stop at 255 bytes a name).
MAX_ID_BYTES = 128


def _files(
    folders: Iterable[Path], ids: Collection[str] | None, name: re.Pattern[str]
) -> Iterator[Path]:
    """The ``<id>/<name>.toml`` files of each folder, sorted (only the folders named in ``ids``)."""
    for folder in folders:
        if ids is None:
            found = folder.glob("*/*.toml")
        else:
            names = [i for i in ids if i not in ("", ".", "..") and Path(i).name == i]
            names = [i for i in names if len(i.encode()) <= MAX_ID_BYTES]  # else: no such folder
            found = (path for n in names for path in (folder / n).glob("*.toml"))
        yield from (path for path in sorted(found) if name.match(path.stem))


class _Versioned(Protocol):
    """What the lookup reads of an instrument or a policy version."""

    @property
    def id(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def ref(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def effective_from(self) -> dt.date: ...
    @property
    def effective_until(self) -> dt.date | None: ...
    def applies_on(self, day: dt.date) -> bool: ...


D = TypeVar("D", bound=_Versioned)


def _version_key(version: str) -> tuple[int, ...]:
    """``1.10.0`` after ``1.9.0``; a dated version (``2024-01-13``) in date order."""
    return tuple(int(p) for p in re.split(r"[.-]", version))


def _span(definition: _Versioned) -> str:
    """``ref`` and the dates it is in force: ``psa@1.0.0 (2020-01-01..)``.

    A dated version (a policy's) is its first date, so only its last is added,
    if it has one: ``cl-adultos-18216@2024-01-13 (..2026-01-01)``.
    """
    start, until = definition.effective_from, definition.effective_until
    if definition.version != start.isoformat():
        return f"{definition.ref} ({start}..{until or ''})"
    return definition.ref if until is None else f"{definition.ref} (..{until})"


class _Versions(Generic[D]):
    """The versions of one kind of definition, looked up by id, version or date."""

    _kind: ClassVar[str]
    _error: ClassVar[type[UnknownDefinitionError]]

    @property
    def _all(self) -> tuple[D, ...]:
        raise NotImplementedError

    def __iter__(self) -> Iterator[D]:
        return iter(sorted(self._all, key=lambda d: (d.id, _version_key(d.version))))

    def ids(self) -> tuple[str, ...]:
        """Every id, sorted."""
        return tuple(sorted({d.id for d in self._all}))

    def versions(self, ident: str) -> tuple[D, ...]:
        """Every version of ``ident``, oldest first."""
        return tuple(d for d in self if d.id == ident)

    def get(self, ref: str, *, on: dt.date | None = None) -> D:
        """The definition named by ``ref``: ``id`` or ``id@version``.

        ``id@version`` names one version. A bare ``id`` takes the version in
        force ``on`` that date (the latest in force when several are), or the
        newest version when no date is given.

        Raises:
            UnknownInstrumentError: (an instrument) no such id, version, or none in force.
            UnknownPolicyError: (a policy) no such id, version, or none in force.
        """
        ident, version = split_ref(ref)
        if version is not None:  # one version named: no need to sort them (the common case)
            for definition in self._all:
                if definition.id == ident and definition.version == version:
                    return definition
        candidates = self.versions(ident)
        if not candidates:
            msg = f"unknown {self._kind} {ident!r}; known: {', '.join(self.ids()) or 'none'}"
            raise self._error(msg, ref=ref, known=self.ids())
        known = [d.ref for d in candidates]
        if version is not None:
            for definition in candidates:
                if definition.version == version:
                    return definition
            msg = f"unknown version {ref!r}; known: {', '.join(known)}"
            raise self._error(msg, ref=ref, known=known)
        if on is None:
            return candidates[-1]
        in_force = [d for d in candidates if d.applies_on(on) and d.status != "retired"]
        if not in_force:
            spans = ", ".join(_span(d) for d in candidates)
            msg = f"no version of {ident!r} is in force on {on}; versions: {spans}"
            raise self._error(msg, ref=ref, known=known)
        return max(in_force, key=lambda d: (d.effective_from, _version_key(d.version)))


@attrs.frozen
class Library(_Versions[Instrument]):
    """An immutable set of instrument versions, looked up by id, version or date."""

    _kind = "instrument"
    _error = UnknownInstrumentError

    instruments: tuple[Instrument, ...]

    @classmethod
    def from_folders(cls, *folders: Path, ids: Collection[str] | None = None) -> Library:
        """Load every ``<id>/<version>.toml`` below ``folders`` (only those of ``ids`` if given)."""
        return cls(tuple(load_instrument(path) for path in _files(folders, ids, SEMVER)))

    @property
    def _all(self) -> tuple[Instrument, ...]:
        return self.instruments

    def with_instruments(self, extra: Iterable[Instrument]) -> Library:
        """A new library with ``extra`` added (same id and version replaces)."""
        extra = tuple(extra)
        keep = tuple(i for i in self.instruments if all(i.ref != e.ref for e in extra))
        return Library(keep + extra)


@cache
def default_library() -> Library:
    """The instruments shipped with rnr (loaded once; the value is immutable)."""
    return Library.from_folders(data_dir() / "instruments")


@attrs.frozen
class PolicyLibrary(_Versions["Policy"]):
    """An immutable set of policy versions, looked up by id, version or date."""

    _kind = "policy"
    _error = UnknownPolicyError

    policies: tuple[Policy, ...]

    @classmethod
    def from_folders(cls, *folders: Path, ids: Collection[str] | None = None) -> PolicyLibrary:
        """Load every ``<id>/<YYYY-MM-DD>.toml`` below ``folders`` (only the ``ids`` folders)."""
        from rnr.definitions.policy_loader import load_policy  # noqa: PLC0415 - see the imports

        return cls(tuple(load_policy(path) for path in _files(folders, ids, DATED)))

    @property
    def _all(self) -> tuple[Policy, ...]:
        return self.policies

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


# -- as data (rnr instruments list --json, rnr policies list --json, the HTTP service) -------


def instrument_list(library: Iterable[Instrument]) -> list[dict[str, Any]]:
    """Every instrument version as the JSON list ``rnr instruments list --json`` prints."""
    return [
        {
            "id": i.id,
            "version": i.version,
            "status": i.status,
            "effective_from": i.effective_from.isoformat(),
            "effective_until": i.effective_until.isoformat() if i.effective_until else None,
            "title": dict(i.title),
            "sha256": i.sha256,
        }
        for i in library
    ]


def policy_list(policies: Iterable[Policy]) -> list[dict[str, Any]]:
    """Every policy version as the JSON list ``rnr policies list --json`` prints."""
    return [
        {
            "id": p.id,
            "version": p.version,
            "status": p.status,
            "regime": p.regime,
            "effective_from": p.effective_from.isoformat(),
            "effective_until": p.effective_until.isoformat() if p.effective_until else None,
            "title": dict(p.title),
            "sha256": p.sha256,
        }
        for p in policies
    ]


def described(definition: Instrument | Policy) -> dict[str, Any]:
    """A definition's document with its sha256, as ``rnr instruments|policies show --json``."""
    return {**definition.document, "sha256": definition.sha256}
