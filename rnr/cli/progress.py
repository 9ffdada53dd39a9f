"""Progress of long work on a terminal (tqdm), silent otherwise.

A bar shows on standard error only when it is a terminal and the command was
not asked for ``--json``; piped, redirected or read by a program, the
output holds nothing but the results. ``RNR_PROGRESS=0`` turns bars off.
The library reports progress through callbacks and iterators; only this
face draws it.

Over a case store, :func:`records_read` counts the records a report reads
(passed to the library as ``rows=``) and :func:`records_checked` those a
verification checks (its ``progress=``); both know the total from
:meth:`~rnr.store.Store.count`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, TypeVar

from rnr.render.messages import catalogue

if TYPE_CHECKING:
    from rnr.store.protocol import Store
    from rnr.store.records import Stored

__all__ = ["counter", "each", "records_checked", "records_read", "shown"]

T = TypeVar("T")

#: Records read between two moves of a bar (an update per record costs more than it shows).
STEP = 1000


def shown(args: argparse.Namespace) -> bool:
    """Whether a bar is drawn: standard error is a terminal, no ``--json``, not turned off."""
    if getattr(args, "json", False) or os.environ.get("RNR_PROGRESS") == "0":
        return False
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty and isatty())


def _ignore(n: int) -> None:
    """A counter's function when no bar is drawn."""


@contextlib.contextmanager
def counter(
    args: argparse.Namespace, *, unit: str, total: int | None = None
) -> Iterator[Callable[[int], None]]:
    """A function that moves a bar forward by ``n`` (does nothing when not :func:`shown`).

    Args:
        args: the command line (``--json``, ``--lang``).
        unit: the catalogue key (under ``cli.progress``) of what is counted.
        total: how many there will be, when known.
    """
    if not shown(args):
        yield _ignore
        return
    from tqdm import tqdm  # noqa: PLC0415 - only on a terminal

    word = catalogue(getattr(args, "lang", "es"))(f"cli.progress.{unit}")
    with tqdm(
        desc=word,
        total=total,
        unit=f" {word}",
        file=sys.stderr,
        leave=True,
        dynamic_ncols=True,
    ) as bar:

        def advance(n: int) -> None:
            bar.update(n)

        yield advance


def each(
    args: argparse.Namespace, items: Iterable[T], *, unit: str, total: int | None = None
) -> Iterator[T]:
    """``items``, one by one, counted on a bar when :func:`shown`.

    Args:
        args: the command line (``--json``, ``--lang``).
        items: what the command works through.
        unit: the catalogue key (under ``cli.progress``) of what is counted.
        total: how many there are, when known.
    """
    with counter(args, unit=unit, total=total) as advance:
        for item in items:
            yield item
            advance(1)


@contextlib.contextmanager
def records_checked(args: argparse.Namespace, store: Store) -> Iterator[Callable[[int], None]]:
    """A counter of the records of ``store`` (the ``progress`` of :meth:`~rnr.store.Store.verify`).

    The store is counted only when a bar is drawn.
    """
    total = store.count() if shown(args) else None
    with counter(args, unit="records", total=total) as advance:
        yield advance


@contextlib.contextmanager
def records_read(args: argparse.Namespace, store: Store) -> Iterator[Iterable[Stored] | None]:
    """The records of ``store`` counted on a bar as they are read, for the library's ``rows=``.

    ``None`` when no bar is drawn, so the library reads the store its own
    way. The bar stays open until the block ends: its final time is that
    of the whole work, not only of the reading.
    """
    if not shown(args):
        yield None
        return
    with counter(args, unit="records", total=store.count()) as advance:
        yield _counted(store.records(), advance)


def _counted(items: Iterable[T], advance: Callable[[int], None]) -> Iterator[T]:
    """``items``, reported to ``advance`` every :data:`STEP` and at the end."""
    n = 0
    for item in items:
        yield item
        n += 1
        if n == STEP:
            advance(n)
            n = 0
    advance(n)
