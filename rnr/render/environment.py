"""The Jinja2 environments of the render layer: one per output format, strict and escaped.

Every template rnr renders (plan drafts, the validity and indicators
reports, the SVG charts) runs in :func:`environment`, built once per format:

- ``html`` autoescapes (so a case id, a group name or a chart label holding
  markup shows as text); SVG charts are HTML fragments and use it too;
- ``md`` does not (Markdown and plain text are read by a person, not a
  browser).

Both use ``StrictUndefined`` (a misspelt name is an error, never an empty
string), keep a template's trailing newline, trim the lines of block tags
and print ``None`` as a dash. Three filters write figures and dates in the
template's ``lang`` (see :mod:`rnr.render.messages`): ``{{ x | number(1) }}``
(``43,2``), ``{{ share | percent }}`` (``43,2 %``), ``{{ on | day }}``
(``02-03-2025``).

The loader looks first in :data:`REPORTS` (``rnr/render/templates``: the
reports and chart macros, part of the package) and then in :data:`PLANS`
(``plans/templates``: the shipped plan drafts); both ship inside the
package and are trusted. An agency's own plan template runs in
:func:`agency_environment`: the same options, its own folder, and Jinja's
*immutable* sandbox, so it can neither reach Python internals nor change a
list or a dict it is given (the sandbox checks every attribute access and
call, which is why rnr's own templates, about twice as fast without it, do
not run in it).

>>> environment("html").autoescape, environment("md").autoescape
(True, False)
>>> environment("md").from_string("{{ x }}").render(x=None)
'—'
>>> environment("md").from_string("{{ x | number(1) }}").render(x=1234.5, lang="es")
'1.234,5'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

import jinja2

from rnr.definitions.library import data_dir
from rnr.errors import RenderError
from rnr.render.messages import day, number, percent
from rnr.render.sandbox import AgencySandbox, agency_sandbox

__all__ = ["ESCAPED", "FILTERS", "PLANS", "REPORTS", "agency_environment", "environment"]

_Env = TypeVar("_Env", bound=jinja2.Environment)

#: Output formats, and whether each autoescapes.
ESCAPED: Mapping[str, bool] = MappingProxyType({"md": False, "html": True})
#: The report and chart templates (inside the package, so they ship in the wheel).
REPORTS = Path(__file__).parent / "templates"
#: The shipped plan templates (``plan.md.j2``, ``plan.html.j2``), data beside the instruments.
PLANS = data_dir() / "plans" / "templates"


def _finalize(value: object) -> object:
    """``None`` prints as a dash, never as ``None``."""
    return "—" if value is None else value


@jinja2.pass_context
def _number(context: jinja2.runtime.Context, value: float | None, decimals: int = 0) -> str:
    return number(value, context.get("lang", "es"), decimals)


@jinja2.pass_context
def _percent(context: jinja2.runtime.Context, share: float | None, decimals: int = 1) -> str:
    return percent(share, context.get("lang", "es"), decimals)


@jinja2.pass_context
def _day(context: jinja2.runtime.Context, value: dt.date | None) -> str:
    return day(value, context.get("lang", "es"))


#: The filters every environment has: figures and dates in the template's ``lang``.
FILTERS: Mapping[str, Any] = MappingProxyType({"number": _number, "percent": _percent, "day": _day})


def _with_filters(env: _Env) -> _Env:
    env.filters.update(FILTERS)
    return env


def _options(kind: str) -> dict[str, Any]:
    if kind not in ESCAPED:
        msg = f"format: got {kind!r}, expected one of {', '.join(ESCAPED)}"
        raise RenderError(msg, template="<format>", code="argument.invalid")
    return {
        "undefined": jinja2.StrictUndefined,
        "autoescape": ESCAPED[kind],
        "trim_blocks": True,
        "lstrip_blocks": True,
        "keep_trailing_newline": True,
        "finalize": _finalize,
    }


@cache
def environment(kind: str) -> jinja2.Environment:
    """The environment of rnr's own templates for ``kind`` (``md`` or ``html``).

    Raises:
        RenderError: another format.
    """
    loader = jinja2.FileSystemLoader([REPORTS, PLANS])
    return _with_filters(jinja2.Environment(loader=loader, **_options(kind)))


def agency_environment(kind: str, folder: str) -> AgencySandbox:
    """The environment of an agency's templates in ``folder``, for ``kind`` (``md`` or ``html``).

    A template there may ``{% include %}`` or ``{% extends %}`` the others of
    its folder, nothing else; it runs in :mod:`rnr.render.sandbox` (immutable,
    bounded, escaped by its name). A fresh environment per render: nothing a
    template does outlives its render.

    Raises:
        RenderError: another format.
    """
    options = _options(kind)
    escape = options.pop("autoescape")
    return agency_sandbox(folder, escape=escape, filters=FILTERS, **options)
