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
'cl-adultos-18216@2024-01-13'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from rnr.definitions.instrument import Instrument
from rnr.definitions.instrument_loader import SEMVER, load_instrument
from rnr.errors import UnknownInstrumentError, UnknownPolicyError

if TYPE_CHECKING:  # policies load only when asked for (rnr score never reads one)
    from rnr.definitions.policy import Policy

__all__ = ["Library", "PolicyLibrary", "data_dir", "default_library", "policy_library", "split_ref"]


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


def _files(folder: Path, ids: Collection[str] | None) -> list[Path]:
    """The ``<id>/*.toml`` files of ``folder``, sorted (only the folders named in ``ids``)."""
    if ids is None:
        return sorted(folder.glob("*/*.toml"))
    names = [i for i in ids if i not in ("", ".", "..") and Path(i).name == i]
    return sorted(path for name in names for path in (folder / name).glob("*.toml"))


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


@attrs.frozen
class Library:
    """An immutable set of instrument versions, looked up by id, version or date."""

    instruments: tuple[Instrument, ...]

    @classmethod
    def from_folders(cls, *folders: Path, ids: Collection[str] | None = None) -> Library:
        """Load every ``<id>/<version>.toml`` below ``folders`` (only those of ``ids`` if given)."""
        found: list[Instrument] = []
        for folder in folders:
            for path in _files(folder, ids):
                if SEMVER.match(path.stem):
                    found.append(load_instrument(path))
        return cls(tuple(found))

    def __iter__(self) -> Iterator[Instrument]:
        return iter(sorted(self.instruments, key=lambda i: (i.id, _version_key(i.version))))

    def ids(self) -> tuple[str, ...]:
        """Every instrument id, sorted."""
        return tuple(sorted({i.id for i in self.instruments}))

    def versions(self, ident: str) -> tuple[Instrument, ...]:
        """Every version of ``ident``, oldest first."""
        return tuple(i for i in self if i.id == ident)

    def get(self, ref: str, *, on: dt.date | None = None) -> Instrument:
        """The instrument named by ``ref``.

        ``id@version`` names one version. A bare ``id`` takes the version in
        force ``on`` that date (the latest in force when several are), or the
        newest version when no date is given.

        Raises:
            UnknownInstrumentError: no such id, version, or none in force.
        """
        ident, version = split_ref(ref)
        candidates = self.versions(ident)
        if not candidates:
            msg = f"unknown instrument {ident!r}; known: {', '.join(self.ids()) or 'none'}"
            raise UnknownInstrumentError(msg, ref=ref, known=self.ids())
        if version is not None:
            for inst in candidates:
                if inst.version == version:
                    return inst
            known = [i.ref for i in candidates]
            msg = f"unknown version {ref!r}; known: {', '.join(known)}"
            raise UnknownInstrumentError(msg, ref=ref, known=known)
        if on is None:
            return candidates[-1]
        in_force = [i for i in candidates if i.applies_on(on) and i.status != "retired"]
        if not in_force:
            spans = [f"{i.ref} ({i.effective_from}..{i.effective_until or ''})" for i in candidates]
            msg = f"no version of {ident!r} is in force on {on}; versions: {', '.join(spans)}"
            raise UnknownInstrumentError(msg, ref=ref, known=[i.ref for i in candidates])
        return max(in_force, key=lambda i: (i.effective_from, _version_key(i.version)))

    def with_instruments(self, extra: Iterable[Instrument]) -> Library:
        """A new library with ``extra`` added (same id and version replaces)."""
        extra = tuple(extra)
        keep = tuple(i for i in self.instruments if all(i.ref != e.ref for e in extra))
        return Library(keep + extra)


@cache
def default_library() -> Library:
    """The instruments shipped with rnr (loaded once; the value is immutable)."""
    return Library.from_folders(data_dir() / "instruments")


DATED = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@attrs.frozen
class PolicyLibrary:
    """An immutable set of policy versions, looked up by id, version or date."""

    policies: tuple[Policy, ...]

    @classmethod
    def from_folders(cls, *folders: Path, ids: Collection[str] | None = None) -> PolicyLibrary:
        """Load every ``<id>/<YYYY-MM-DD>.toml`` below ``folders`` (only the ``ids`` folders)."""
        from rnr.definitions.policy_loader import load_policy  # noqa: PLC0415 - see the imports

        found = [
            load_policy(path)
            for folder in folders
            for path in _files(folder, ids)
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
