"""The message catalogues: every word a person reads, per locale, in data.

A locale's catalogue is the folder ``rnr/render/messages/<lang>/``: one TOML
file per area (``plan.toml``, ``policy.toml``, ...). A key is addressed as
``<area>.<key>``; a table of names nests (``plan.status_names.achieved``).
A value is a sentence with ``{name}`` placeholders (a format spec is
allowed: ``{share:.1f}``), or, for a sentence that depends on a count, a
table of plural forms ``one`` and ``other`` chosen by the ``count``
parameter:

.. code-block:: toml

    items_omitted = { one = "{count} ítem omitido", other = "{count} ítems omitidos" }

Spanish (``es``) is the default; English (``en``) must hold exactly the same
keys and placeholders (the test suite checks it). Placeholders name
parameters only: no attribute or index access, so a catalogue cannot reach
into the values it is given.

Numbers and dates are written as the reader writes them (:func:`localise`):
in Spanish a decimal comma and a thousands point (``{share:.1f}`` gives
``43,2``, ``{days:,}`` gives ``1.000``) and dates dd-mm-aaaa; in English
the same figures with a decimal point and ISO dates. A year or a record
number is a plain ``{year}``: without a spec an integer is never grouped.

>>> es = catalogue("es")
>>> es("plan.draft")
'BORRADOR'
>>> catalogue("en").section("plan")["draft"]
'DRAFT'
>>> import datetime
>>> number(1234.5, "es", 1), number(1000, "es"), percent(0.4321, "es")
('1.234,5', '1.000', '43,2 %')
>>> given = Catalogue("es", {"x.due": "vence el {on} ({days:,} días)"})
>>> given("x.due", on=datetime.date(2025, 3, 2), days=1000)
'vence el 02-03-2025 (1.000 días)'
>>> day(datetime.date(2025, 3, 2), "es"), day(datetime.date(2025, 3, 2), "en")
('02-03-2025', '2025-03-02')
"""

from __future__ import annotations

import datetime as dt
import string
import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import attrs

from rnr._frozen import frozen_map
from rnr.errors import RenderError
from rnr.text import Message, Text

__all__ = [
    "FOLDER",
    "LOCALES",
    "NONE",
    "Catalogue",
    "catalogue",
    "day",
    "localise",
    "number",
    "percent",
    "placeholders",
    "say",
]

#: Where the catalogues live (inside the package, so they ship in the wheel).
FOLDER = Path(__file__).parent / "messages"
#: The locales every catalogue is written in; the first is the default.
LOCALES = ("es", "en")
PLURAL_FORMS = ("one", "other")

Entry = str | Mapping[str, str]
_FORMATTER = string.Formatter()
#: What a figure that cannot be given prints as.
NONE = "—"
#: Spanish swaps the decimal point and the thousands comma of Python's format.
_SPANISH_FIGURES = str.maketrans(",.", ".,")


def localise(value: object, spec: str, lang: str) -> str:
    """``format(value, spec)`` as a reader of ``lang`` writes it.

    A number keeps the spec's digits and takes the locale's separators
    (``es``: ``1.234,5``); a date without a spec is ``dd-mm-aaaa`` in Spanish
    and ISO in English (a spec is a ``strftime`` pattern); anything else is
    formatted as Python does.
    """
    if isinstance(value, dt.date) and not spec:
        return day(value, lang)
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = format(value, spec)
        return text.translate(_SPANISH_FIGURES) if lang == "es" else text
    return format(value, spec)


def number(value: float | None, lang: str = "es", decimals: int = 0) -> str:
    """A figure with ``decimals`` decimals and thousands grouped, or a dash.

    >>> number(1234567, "es"), number(0.5, "es", 2), number(1234.5, "en", 1), number(None)
    ('1.234.567', '0,50', '1,234.5', '—')
    """
    return NONE if value is None else localise(value, f",.{decimals}f", lang)


def percent(share: float | None, lang: str = "es", decimals: int = 1) -> str:
    """A share (0 to 1) as a percentage: ``43,2 %`` in Spanish, ``43.2 %`` in English."""
    return NONE if share is None else f"{number(100 * share, lang, decimals)} %"


def day(value: dt.date | None, lang: str = "es") -> str:
    """A date as the reader writes it: ``dd-mm-aaaa`` in Spanish, ISO in English.

    A date and time keeps its hour and minute.
    """
    if value is None:
        return NONE
    if isinstance(value, dt.datetime):
        return value.strftime("%d-%m-%Y %H:%M") if lang == "es" else value.isoformat("T", "minutes")
    return value.strftime("%d-%m-%Y") if lang == "es" else value.isoformat()


class _Formatter(string.Formatter):
    """Fills a sentence's placeholders with figures and dates written the locale's way."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        return localise(value, format_spec, self.lang)


def placeholders(text: str) -> frozenset[str]:
    """The parameter names a sentence uses.

    Raises:
        RenderError: a placeholder that is not a plain name (``{a.b}``, ``{a[0]}``, ``{}``),
            or a brace left open or unmatched (``{name``, ``}``).
    """
    names = set()
    try:
        parsed = list(_FORMATTER.parse(text))
    except ValueError as exc:
        msg = f"{text[:60]!r}: {exc} (a literal brace is written {{{{ or }}}})"
        raise RenderError(msg, template=str(FOLDER)) from None
    for _, field, _, _ in parsed:
        if field is None:
            continue
        if not field.isidentifier():
            msg = f"placeholder {{{field}}} in {text!r} must be a plain parameter name"
            raise RenderError(msg, template=str(FOLDER))
        names.add(field)
    return frozenset(names)


@attrs.frozen
class Catalogue:
    """One locale's words: ``catalogue("es")("area.key", **params)``.

    Args:
        lang: the locale.
        given: the entries, for a catalogue built in code; ``None`` (the
            shipped catalogue) reads each area's file the first time one of
            its keys is asked for, so a command reads only the areas it says.
    """

    lang: str
    given: Mapping[str, Entry] | None = attrs.field(
        default=None, converter=attrs.converters.optional(frozen_map)
    )

    @property
    def entries(self) -> Mapping[str, Entry]:
        """Every entry, keyed ``area.key`` (all areas read)."""
        if self.given is not None:
            return self.given
        out: dict[str, Entry] = {}
        for area in _areas(self.lang):
            out.update(_area(self.lang, area))
        return out

    def __contains__(self, key: object) -> bool:
        """Whether the catalogue has ``key`` (reads only that key's area)."""
        return isinstance(key, str) and self._entry(key) is not None

    def _entry(self, key: str) -> Entry | None:
        if self.given is not None:
            return self.given.get(key)
        area = key.partition(".")[0]
        return _area(self.lang, area).get(key) if area in _areas(self.lang) else None

    def __call__(self, key: str, /, **params: Any) -> str:
        """The sentence of ``key`` with its parameters filled in.

        Raises:
            RenderError: an unknown key, a missing parameter, or a plural
                entry called without ``count``.
        """
        entry = self._entry(key)
        if entry is None:
            msg = f"no message {key!r} in the {self.lang!r} catalogue"
            raise RenderError(msg, template=str(FOLDER / self.lang))
        if not isinstance(entry, str):
            if "count" not in params:
                msg = f"message {key!r} has plural forms and needs a count"
                raise RenderError(msg, template=str(FOLDER / self.lang))
            entry = entry["one"] if params["count"] == 1 else entry["other"]
        try:
            return _formatter(self.lang).vformat(entry, (), params)
        except KeyError as exc:
            msg = f"message {key!r} needs the parameter {exc.args[0]!r}"
            raise RenderError(msg, template=str(FOLDER / self.lang)) from None

    def section(self, area: str) -> dict[str, Any]:
        """Every entry of one area, keyed without the area, tables of names nested."""
        out: dict[str, Any] = {}
        prefix = area + "."
        entries = self.given if self.given is not None else _area(self.lang, area)
        for key, value in entries.items():
            if not key.startswith(prefix):
                continue
            *parents, name = key[len(prefix) :].split(".")
            node = out
            for parent in parents:
                node = node.setdefault(parent, {})
            node[name] = value
        return out

    def number(self, value: float | None, decimals: int = 0) -> str:
        """:func:`number` in this locale."""
        return number(value, self.lang, decimals)

    def percent(self, share: float | None, decimals: int = 1) -> str:
        """:func:`percent` in this locale."""
        return percent(share, self.lang, decimals)

    def day(self, value: dt.date | None) -> str:
        """:func:`day` in this locale."""
        return day(value, self.lang)

    def say(self, words: Message | Text) -> str:
        """A coded message or a sentence from a definition file, in this locale.

        A message's parameter that is itself words (a rule's note quoted in a
        warning) is said in the same locale first; a list or tuple is said
        item by item and joined by its placeholder's format spec
        (``{errors:; }``), ``", "`` without one.
        """
        if isinstance(words, Message):
            return self(words.code, **{k: self._said(v) for k, v in words.params.items()})
        return words(self.lang)

    def _said(self, value: Any) -> Any:
        """A message's parameter ready to fill in (see :meth:`say`)."""
        if isinstance(value, Message | Text):
            return self.say(value)
        if isinstance(value, list | tuple):  # each item a figure or a date the reader's way
            return Listed(
                v if isinstance(v, str) else localise(v, "", self.lang)
                for v in map(self._said, value)
            )
        return value


class Listed(tuple[Any, ...]):
    """Values a sentence lists: the placeholder's format spec is the separator.

    >>> "{xs} / {xs:; }".format(xs=Listed(["a", "b"]))
    'a, b / a; b'
    """

    __slots__ = ()

    def __format__(self, spec: str) -> str:
        return (spec or ", ").join(str(v) for v in self)


def _load_area(path: Path, area: str) -> dict[str, Entry]:
    try:
        with path.open("rb") as fh:
            table = tomllib.load(fh)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        msg = f"cannot read the message catalogue: {exc}"
        raise RenderError(msg, template=str(path), code="definition.invalid") from None
    out: dict[str, Entry] = {}
    _flatten(path, area, table, out)
    return out


def _flatten(path: Path, prefix: str, table: Mapping[str, Any], out: dict[str, Entry]) -> None:
    """Entries under dotted keys; a table of names (``status_names.achieved``) nests."""
    for key, value in table.items():
        dotted = f"{prefix}.{key}"
        if isinstance(value, str):
            _checked(path, dotted, value)
            out[dotted] = value
        elif isinstance(value, dict) and set(value) == set(PLURAL_FORMS):
            if not all(isinstance(v, str) for v in value.values()):
                msg = f"{dotted}: plural forms must be strings"
                raise RenderError(msg, template=str(path), code="definition.invalid")
            for form in value.values():
                _checked(path, dotted, form)
            out[dotted] = value
        elif isinstance(value, dict):
            _flatten(path, dotted, value, out)
        else:
            msg = f"{dotted}: expected a string, plural forms (one, other) or a table of names"
            raise RenderError(msg, template=str(path), code="definition.invalid")


def _checked(path: Path, key: str, sentence: str) -> None:
    """:func:`placeholders` of one entry, its error naming the file and the key."""
    try:
        placeholders(sentence)
    except RenderError as exc:
        reason = str(exc).removeprefix(f"{exc.template}: ")
        raise RenderError(
            f"{key}: {reason}", template=str(path), code="definition.invalid"
        ) from None


@cache
def _areas(lang: str) -> frozenset[str]:
    """The areas a shipped locale has (one file each)."""
    return frozenset(path.stem for path in (FOLDER / lang).glob("*.toml"))


@cache
def _area(lang: str, area: str) -> Mapping[str, Entry]:
    """One area of a shipped locale, read once per process (empty when it has none)."""
    if area not in _areas(lang):
        return {}
    return frozen_map(_load_area(FOLDER / lang / f"{area}.toml", area))


@cache
def _formatter(lang: str) -> _Formatter:
    return _Formatter(lang)


@cache
def catalogue(lang: str = "es") -> Catalogue:
    """The shipped catalogue of ``lang``; each area is read when first used.

    Raises:
        RenderError: an unknown locale (a malformed file when its area is read).
    """
    if lang not in LOCALES:
        msg = f"lang: got {lang!r}, expected one of {', '.join(LOCALES)}"
        raise RenderError(msg, template=str(FOLDER), code="argument.invalid")
    return Catalogue(lang)


def say(words: Message | Text, lang: str = "es") -> str:
    """A coded message or a sentence from a definition file, in ``lang``."""
    return catalogue(lang).say(words)
