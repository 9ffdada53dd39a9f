"""The sandbox an agency's template runs in: no reach, no writes, bounded size, escaped HTML.

An agency may write its own plan template. It runs in Jinja's *immutable*
sandbox (no access to Python internals, no change to a list or a dict it is
given, so a template cannot rewrite the words of a later render), with three
more fences:

- **escaping by name**: a template whose name says HTML or XML (``.html``,
  ``.htm``, ``.xml``, also before ``.j2``/``.jinja``/``.jinja2``) always
  autoescapes, whatever output format was asked for, so case data such as
  ``<script>`` never reaches a browser as markup;
- **bounded values**: ``*`` and ``**`` that would build a string or a list of
  more than :data:`MAX_SIZE` items or a number of more than
  :data:`MAX_POWER_DIGITS` digits, and a filter or method given a count or a
  width above :data:`MAX_COUNT`, stop the render;
- **bounded output**: :func:`render_bounded` stops a render whose text grows
  past :data:`MAX_OUTPUT` characters.

Each stop is a :class:`jinja2.exceptions.SecurityError`, which the plan
renderer reports as a ``RenderError`` naming the template and line.

>>> env = agency_sandbox(".", escape=False)
>>> env.from_string("{{ 'ab' * 2 }}").render()
'abab'
>>> env.from_string("{{ 'a' * 10**10 }}").render()
Traceback (most recent call last):
    ...
jinja2.exceptions.SecurityError: a value of more than 1000000 items
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from typing import Any

import jinja2
import jinja2.sandbox
from jinja2.exceptions import SecurityError

__all__ = [
    "MARKUP_SUFFIXES",
    "MAX_COUNT",
    "MAX_OUTPUT",
    "MAX_POWER_DIGITS",
    "MAX_SIZE",
    "AgencySandbox",
    "agency_sandbox",
    "autoescape_for",
    "render_bounded",
]

#: The most items a string or list built by a template may hold.
MAX_SIZE = 1_000_000
#: The largest count or width a filter or method may be given (``center``, ``lipsum``...).
MAX_COUNT = 10_000
#: The most digits the result of ``**`` may have.
MAX_POWER_DIGITS = 100
#: The most characters a rendered agency template may write (a plan is about 50,000).
MAX_OUTPUT = 5_000_000
#: Names that mean markup: a template so named always autoescapes.
MARKUP_SUFFIXES = (".html", ".htm", ".xml")
_TEMPLATE_SUFFIXES = (".j2", ".jinja", ".jinja2")


def autoescape_for(default: bool) -> Callable[[str | None], bool]:
    """Jinja's ``autoescape`` choice: on for a markup name, else ``default``.

    >>> choose = autoescape_for(False)
    >>> choose("agencia.html.j2"), choose("agencia.md.j2"), choose(None)
    (True, False, False)
    """

    def choose(name: str | None) -> bool:
        if name is None:
            return default
        lowered = name.lower()
        for suffix in _TEMPLATE_SUFFIXES:
            lowered = lowered.removesuffix(suffix)
        return lowered.endswith(MARKUP_SUFFIXES) or default

    return choose


class AgencySandbox(jinja2.sandbox.ImmutableSandboxedEnvironment):
    """The immutable sandbox with ``*`` and ``**`` and every call's sizes bounded."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(
        self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any
    ) -> Any:
        if operator == "**":
            _check_power(left, right)
        elif operator == "*":
            _check_repeat(left, right)
        return super().call_binop(context, operator, left, right)

    def call(
        __self,  # noqa: N805 - Jinja's own signature, so a template cannot pass "self"
        __context: jinja2.runtime.Context,
        __obj: Any,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        _check_sizes(args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)


def _check_power(left: Any, right: Any) -> None:
    if isinstance(left, int | float) and isinstance(right, int | float):
        magnitude = abs(float(right)) * math.log10(max(abs(float(left)), 2.0))
        if magnitude > MAX_POWER_DIGITS:
            raise SecurityError(f"a number of more than {MAX_POWER_DIGITS} digits")


def _check_repeat(left: Any, right: Any) -> None:
    for seq, count in ((left, right), (right, left)):
        sized = isinstance(seq, str | list | tuple) and isinstance(count, int)
        if sized and len(seq) * max(count, 0) > MAX_SIZE:
            raise SecurityError(f"a value of more than {MAX_SIZE} items")


def _check_sizes(args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    """Refuse a count or width (an integer argument) above :data:`MAX_COUNT`."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_COUNT:
            raise SecurityError(f"a count or width of more than {MAX_COUNT}")


def _bounded_filter(func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` with its integer arguments bounded (Jinja calls filters directly)."""

    @functools.wraps(func)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        _check_sizes(args[1:], kwargs)
        return func(*args, **kwargs)

    return bounded


def agency_sandbox(
    folder: str, *, escape: bool, filters: Mapping[str, Any] | None = None, **options: Any
) -> AgencySandbox:
    """An :class:`AgencySandbox` loading templates from ``folder`` only.

    Args:
        folder: the agency's template folder.
        escape: whether a template whose name does not say markup autoescapes
            (the output format's default).
        filters: filters added to Jinja's own; every filter is bounded.
        options: other ``jinja2.Environment`` options (not ``autoescape``).
    """
    env = AgencySandbox(
        loader=jinja2.FileSystemLoader(folder), autoescape=autoescape_for(escape), **options
    )
    every = {**env.filters, **(filters or {})}
    env.filters = {name: _bounded_filter(f) for name, f in every.items()}
    return env


def render_bounded(template: jinja2.Template, context: Mapping[str, Any]) -> str:
    """Render ``template``, stopping once its text passes :data:`MAX_OUTPUT` characters.

    Raises:
        SecurityError: the output grew too large.
    """
    parts: list[str] = []
    size = 0
    for part in template.generate(dict(context)):
        size += len(part)
        if size > MAX_OUTPUT:
            raise SecurityError(f"the output grew past {MAX_OUTPUT} characters")
        parts.append(part)
    return "".join(parts)
