"""Small helpers that read TOML data against an allow-list and collect problems.

A :class:`Checker` walks a parsed document; each ``want_*`` method returns the
value when it is well formed, or records a :class:`~rnr.errors.Problem` with
the dotted path, the value and what was expected, and returns ``None``. The
caller raises once, with every problem, at the end (:meth:`Checker.checked`).
What every definition file shares is here too: reading it with its top level
and ``schema`` (:func:`read_definition`), the dates it is in force, the folder
it sits in, its words in both languages and the hash of its content
(:func:`canonical_hash`). A loader reads what is specific to its kind of file
and ends with :meth:`Checker.checked`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import tomllib
from collections.abc import Callable, Collection, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

from rnr.errors import DefinitionError, Problem
from rnr.untrusted import MAX_DEPTH, check_value

__all__ = [
    "DATED",
    "ID_PATTERN",
    "Checker",
    "a_type",
    "canonical_hash",
    "read_definition",
    "read_toml",
    "show",
]

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
#: The name of a dated version's file (a policy's ``<id>/<YYYY-MM-DD>.toml``).
DATED = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LANGUAGES = ("es", "en")

T = TypeVar("T")


def show(value: object) -> str:
    """Render a value the way it appears in TOML, shortened."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = repr(value)
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{k} = {show(v)}" for k, v in value.items()) + "}"
    elif isinstance(value, list):
        text = "[" + ", ".join(show(v) for v in value) + "]"
    else:
        text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def read_toml(
    path: Path,
    error: type[DefinitionError] = DefinitionError,
    *,
    parse_float: Callable[[str], Any] = float,
) -> dict[str, Any]:
    """Parse a TOML file, turning every way it can be unreadable into ``error`` naming the file.

    Besides syntax errors: text that is not UTF-8, nesting deeper than
    :data:`rnr.untrusted.MAX_DEPTH`, an integer too long to read and a lone
    surrogate in a string. ``parse_float``: what a TOML float becomes
    (:class:`~decimal.Decimal` keeps every digit written; the caller then
    checks its size and that it is finite).
    """
    try:
        with path.open("rb") as fh:
            document = tomllib.load(fh, parse_float=parse_float)
        check_value(document)
    except FileNotFoundError as exc:
        problems = [Problem("", f"cannot read file ({exc.strerror})")]
        raise error(str(path), problems, code="usage.file.missing") from exc
    except OSError as exc:
        raise error(str(path), [Problem("", f"cannot read file ({exc.strerror})")]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise error(str(path), [Problem("", f"invalid TOML: {exc}")]) from exc
    except UnicodeDecodeError as exc:
        raise error(str(path), [Problem("", "cannot read file (not UTF-8 text)")]) from exc
    except RecursionError:
        raise error(str(path), [Problem("", f"nested more than {MAX_DEPTH} levels deep")]) from None
    except ValueError as exc:  # an integer of thousands of digits; UntrustedInput
        raise error(str(path), [Problem("", f"unreadable value: {exc}")]) from exc
    return document


def read_definition(
    path: Path,
    schema: str,
    *,
    required: Collection[str],
    optional: Collection[str] = (),
    parse_float: Callable[[str], Any] = float,
) -> tuple[Checker, dict[str, Any]]:
    """Read the ``schema`` file ``path`` and check its top-level keys.

    Returns:
        A checker holding the problems found so far, and the document.

    Raises:
        DefinitionError: the file cannot be read or is not TOML.
    """
    document = read_toml(path, parse_float=parse_float)
    check = Checker()
    check.top(document, schema, required=required, optional=optional)
    return check, document


def canonical_hash(document: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON form of a parsed definition."""
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), default=_json_default)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _json_default(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(type(value).__name__)  # pragma: no cover - tomllib yields no other types


class Checker:
    """Collects problems while reading one definition file."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, path: str, value: object, expected: str) -> None:
        """Record that ``path`` holds ``value`` where ``expected`` was wanted."""
        self.problems.append(Problem(path, f"got {show(value)}, expected {expected}"))

    def note(self, path: str, message: str) -> None:
        """Record a problem described in full by ``message``."""
        self.problems.append(Problem(path, message))

    def checked(
        self, value: T | None, source: str, error: type[DefinitionError] = DefinitionError
    ) -> T:
        """``value`` when no problem was recorded.

        Raises:
            DefinitionError: ``error``, naming ``source`` and listing every problem.
        """
        if self.problems or value is None:
            raise error(source, self.problems)
        return value

    def top(
        self,
        document: object,
        schema: str,
        *,
        required: Collection[str],
        optional: Collection[str] = (),
    ) -> dict[str, Any] | None:
        """Check the top level of a file: its keys, and ``schema`` as its ``schema``."""
        table = self.table(document, "", required=required, optional=optional)
        if table is not None and table.get("schema") != schema:
            self.fail("schema", table.get("schema"), repr(schema))
        return table

    def effective(self, table: Mapping[str, Any]) -> tuple[dt.date | None, dt.date | None]:
        """Read ``effective_from`` and the optional, later ``effective_until``."""
        start = self.want_date(table, "effective_from", "")
        until = self.want_date(table, "effective_until", "")
        if start and until and until <= start:
            self.fail("effective_until", until, f"a date after {start}")
        return start, until

    def in_folder(self, source: str, ident: str | None) -> None:
        """Check the file ``source`` sits in a folder named for its id (``<id>/<version>.toml``)."""
        folder = Path(source).parent.name
        if ident is not None and folder != ident:
            self.fail("id", ident, f"the folder name {folder!r}")

    def want_text(self, table: Mapping[str, Any], key: str, path: str) -> dict[str, str]:
        """Read a table of words in every language (``{ es = "...", en = "..." }``)."""
        where = _join(path, key)
        words = self.table(table.get(key), where, required=LANGUAGES)
        if words is None:
            return {}
        return {lang: self.want_str(words, lang, where) or "" for lang in LANGUAGES}

    def entries(
        self,
        table: Mapping[str, Any],
        key: str,
        *,
        required: Collection[str],
        optional: Collection[str] = (),
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        """Each well-formed table of the array ``key`` (``[[key]]``), with its path ``key[i]``.

        A table with a wrong key is recorded and still given; anything but a
        table is recorded and skipped.
        """
        value = table.get(key)
        if value is None:
            return
        if not isinstance(value, list):
            self.fail(key, value, f"an array of tables ([[{key}]])")
            return
        for i, entry in enumerate(value):
            where = f"{key}[{i}]"
            if self.table(entry, where, required=required, optional=optional) is not None:
                yield where, entry

    def table(
        self,
        value: object,
        path: str,
        *,
        required: Collection[str] = (),
        optional: Collection[str] = (),
    ) -> dict[str, Any] | None:
        """Check ``value`` is a table with only the allowed keys and all required ones."""
        if not isinstance(value, dict):
            self.fail(path or "(top level)", value, "a table")
            return None
        allowed = set(required) | set(optional)
        for key in value:
            if key not in allowed:
                where = f"{path}.{key}" if path else key
                self.note(where, f"unknown key; allowed here: {', '.join(sorted(allowed))}")
        for key in required:
            if key not in value:
                where = f"{path}.{key}" if path else key
                self.note(where, "missing required key")
        return value

    def want_str(
        self,
        table: Mapping[str, Any],
        key: str,
        path: str,
        *,
        pattern: re.Pattern[str] | None = None,
        choices: Collection[str] | None = None,
        what: str = "a string",
    ) -> str | None:
        """Read a string, optionally matching ``pattern`` or one of ``choices``."""
        if key not in table:
            return None
        value = table[key]
        where = _join(path, key)
        if not isinstance(value, str) or not value:
            self.fail(where, value, what if choices is None else "one of " + ", ".join(choices))
            return None
        if choices is not None and value not in choices:
            self.fail(where, value, "one of " + ", ".join(choices))
            return None
        if pattern is not None and not pattern.match(value):
            self.fail(where, value, what)
            return None
        return value

    def want_int(
        self,
        table: Mapping[str, Any],
        key: str,
        path: str,
        *,
        min_value: int | None = None,
    ) -> int | None:
        """Read an integer (booleans refused), optionally ``>= min_value``."""
        if key not in table:
            return None
        value = table[key]
        where = _join(path, key)
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail(where, value, "an integer")
            return None
        if min_value is not None and value < min_value:
            self.fail(where, value, f"an integer >= {min_value}")
            return None
        return value

    def want_number(self, table: Mapping[str, Any], key: str, path: str) -> float | None:
        """Read an integer or float."""
        if key not in table:
            return None
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(_join(path, key), value, "a number")
            return None
        return float(value)

    def want_bool(self, table: Mapping[str, Any], key: str, path: str) -> bool | None:
        """Read a boolean."""
        if key not in table:
            return None
        value = table[key]
        if not isinstance(value, bool):
            self.fail(_join(path, key), value, "true or false")
            return None
        return value

    def want_date(self, table: Mapping[str, Any], key: str, path: str) -> dt.date | None:
        """Read a TOML local date (``2024-01-13``), not a date-time."""
        if key not in table:
            return None
        value = table[key]
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            self.fail(_join(path, key), value, "a date such as 2024-01-13 (no quotes)")
            return None
        return value

    def want_list(
        self, table: Mapping[str, Any], key: str, path: str, *, of: type = object
    ) -> list[Any] | None:
        """Read an array whose elements are all of type ``of``."""
        if key not in table:
            return None
        value = table[key]
        where = _join(path, key)
        if not isinstance(value, list):
            self.fail(where, value, "an array")
            return None
        for i, element in enumerate(value):
            bad_bool = of is int and isinstance(element, bool)
            if not isinstance(element, of) or bad_bool:
                self.fail(f"{where}[{i}]", element, a_type(of))
                return None
        return value

    def want_pair(self, table: Mapping[str, Any], key: str, path: str) -> tuple[int, int] | None:
        """Read ``[lo, hi]`` integers with ``lo <= hi``."""
        value = self.want_list(table, key, path, of=int)
        if value is None:
            return None
        if len(value) != 2 or value[0] > value[1]:
            self.fail(_join(path, key), value, "[lo, hi] with lo <= hi")
            return None
        return (value[0], value[1])


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def a_type(of: type) -> str:
    """What a value of type ``of`` is called in a TOML file: ``an integer``, ``a table``."""
    names = {
        int: "an integer",
        str: "a string",
        dict: "a table",
        float: "a number",
        list: "an array",
    }
    return names.get(of, f"a {of.__name__}")
