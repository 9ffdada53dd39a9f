"""Progress of long work on a terminal (tqdm), silent otherwise.

A bar shows on standard error only when it is a terminal and the command was
not asked for ``--json``; piped, redirected or read by a program, the
output holds nothing but the results. ``RNR_PROGRESS=0`` turns bars off.
The library reports progress through callbacks and iterators; only this
face draws it.

Over a case store, :func:`record_counter` counts the records a verification
checks, with the total from :meth:`~rnr.store.Store.count`, and
:func:`case_counter` the cases a report reads (the library's ``progress=``).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, TypeVar

from rnr.render.messages import catalogue

if TYPE_CHECKING:
    from rnr.store.protocol import Store

__all__ = ["case_counter", "counter", "each", "record_counter", "shown", "stages"]

T = TypeVar("T")


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
def record_counter(args: argparse.Namespace, store: Store) -> Iterator[Callable[[int], None]]:
    """A counter of the records of ``store``, for a whole-store reading's ``progress=``.

    The store is counted only when a bar is drawn.
    """
    total = store.count() if shown(args) else None
    with counter(args, unit="records", total=total) as advance:
        yield advance


def stages(
    args: argparse.Namespace,
) -> Callable[[str], AbstractContextManager[Callable[[int], None]]]:
    """A bar for each stage of a long operation, by what it counts (a catalogue key)."""
    return lambda unit: counter(args, unit=unit)


@contextlib.contextmanager
def case_counter(args: argparse.Namespace, store: Store) -> Iterator[Callable[[int], None]]:
    """A counter of the cases of ``store``, for a whole-store report's ``progress=``.

    The cases are counted only when a bar is drawn.
    """
    total = len(store.case_ids()) if shown(args) else None
    with counter(args, unit="cases", total=total) as advance:
        yield advance
