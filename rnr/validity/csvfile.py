"""Reading a validation study from a CSV file: one row per person, a header row.

The file is UTF-8 text (a byte-order mark is allowed) whose first line names
the columns. The separator is a comma, or a semicolon or tab when the header
line has one of those and no comma (spreadsheets in Spanish often save with
semicolons; then a decimal comma, ``12,5``, is read as ``12.5``). Blank lines
are skipped. Each requested column is read as:

- **numbers** (scores, raters' scores): a finite number;
- **outcomes**: ``0`` or ``1``; the file must hold both;
- **labels** (groups, levels): any non-empty text.

Every problem raises :class:`~rnr.errors.ValidityInputError` naming the
file, the line and the column, in one line.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import attrs
import numpy as np

from rnr._frozen import frozen_map
from rnr.errors import ValidityInputError
from rnr.text import Message
from rnr.validity._checks import BoolArray, FloatArray

__all__ = ["Table", "read_table"]


@attrs.frozen(eq=False)
class Table:
    """The requested columns of a CSV file (or of the case store).

    Attributes:
        file: the file name, as given (from the store, a message naming the
            store and the selection: ``service.store_selection``).
        rows: data rows read.
        numbers: column → float array.
        outcomes: column → boolean array.
        labels: column → one text per row.
        header: every column of the file, in order.
    """

    file: str | Message
    rows: int
    numbers: Mapping[str, FloatArray] = attrs.field(converter=frozen_map)
    outcomes: Mapping[str, BoolArray] = attrs.field(converter=frozen_map)
    labels: Mapping[str, tuple[str, ...]] = attrs.field(converter=frozen_map)
    header: tuple[str, ...]


def _lines(path: Path, name: str) -> list[str]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ValidityInputError("no such file", file=name, code="usage.file.missing") from None
    except OSError as exc:
        raise ValidityInputError(f"cannot be read ({exc.strerror})", file=name) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        msg = f"not UTF-8 text (byte {data[exc.start]:#04x}); save the file as CSV UTF-8"
        raise ValidityInputError(msg, file=name, line=line) from None
    return text.splitlines(keepends=True)


def _dialect(header: str) -> str:
    if "," in header:
        return ","
    if ";" in header:
        return ";"
    if "\t" in header:
        return "\t"
    return ","


def _records(lines: list[str], sep: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(lines, delimiter=sep)
    for fields in reader:
        if fields and any(f.strip() for f in fields):
            yield reader.line_num, [f.strip() for f in fields]


def _number(text: str, sep: str) -> float | None:
    if sep == ";" and "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _numbers(texts: list[str], sep: str, name: str, lines: list[int], column: str) -> FloatArray:
    """Parse a column of numbers at numpy speed; on failure, name the first bad value."""
    converted = [t.replace(",", ".") if "." not in t else t for t in texts] if sep == ";" else texts
    try:
        parsed = np.asarray(converted, dtype=np.float64)
    except ValueError:
        parsed = np.full(len(texts), np.nan)
    if np.isfinite(parsed).all():
        return parsed
    for i, text in enumerate(texts):
        value = _number(text, sep)
        if value is None:
            raise ValidityInputError(
                f"{text!r} is not a number", file=name, line=lines[i], column=column
            )
        parsed[i] = value
    return parsed


def read_table(
    path: str | Path,
    *,
    numbers: Sequence[str] = (),
    outcomes: Sequence[str] = (),
    labels: Sequence[str] = (),
) -> Table:
    """Read the named columns of a CSV file.

    Args:
        path: the CSV file.
        numbers: columns of numbers (scores).
        outcomes: columns of 0/1 outcomes.
        labels: columns of text (groups, levels).

    Returns:
        The columns, one value per data row.

    Raises:
        ValidityInputError: the file is missing, not UTF-8, empty or has no
            data rows (fewer than two); a duplicated or empty header name; a
            requested column is missing (the message lists those there are);
            a row with another number of fields than the header; an empty
            value; a value that is not a number or not 0/1; an outcome
            column with a single class.
    """
    name = str(path)
    lines = _lines(Path(path), name)
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise ValidityInputError("empty file: expected a header row and rows of data", file=name)
    sep = _dialect(lines[first])
    records = _records(lines, sep)
    header_line, header = next(records)
    seen: set[str] = set()
    for column in header:
        if not column:
            raise ValidityInputError(
                "an empty column name in the header", file=name, line=header_line
            )
        if column in seen:
            raise ValidityInputError(
                "appears twice in the header", file=name, line=header_line, column=column
            )
        seen.add(column)
    wanted = list(dict.fromkeys([*numbers, *outcomes, *labels]))
    for column in wanted:
        if column not in seen:
            msg = f"no column {column!r} (columns: {', '.join(header)})"
            raise ValidityInputError(msg, file=name, line=header_line)
    where = {column: header.index(column) for column in wanted}
    raw: dict[str, list[str]] = {column: [] for column in wanted}
    lines_of: list[int] = []
    for line, fields in records:
        if len(fields) != len(header):
            msg = f"{len(fields)} values, expected {len(header)} (one per column of the header)"
            raise ValidityInputError(msg, file=name, line=line)
        for column in wanted:
            value = fields[where[column]]
            if not value:
                kind = (
                    "a number"
                    if column in numbers
                    else "0 or 1"
                    if column in outcomes
                    else "a value"
                )
                raise ValidityInputError(
                    f"empty value, expected {kind}", file=name, line=line, column=column
                )
            raw[column].append(value)
        lines_of.append(line)
    if len(lines_of) < 2:
        msg = f"{len(lines_of)} row(s) of data, expected at least 2"
        raise ValidityInputError(msg, file=name)
    out_numbers: dict[str, FloatArray] = {}
    for column in numbers:
        out_numbers[column] = _numbers(raw[column], sep, name, lines_of, column)
    out_outcomes: dict[str, BoolArray] = {}
    for column in outcomes:
        flags = np.empty(len(lines_of), dtype=bool)
        for i, text in enumerate(raw[column]):
            if text not in ("0", "1"):
                raise ValidityInputError(
                    f"{text!r} is not 0 or 1", file=name, line=lines_of[i], column=column
                )
            flags[i] = text == "1"
        positives = int(flags.sum())
        if positives in (0, len(flags)):
            msg = (
                f"every row is {int(positives > 0)}: the study needs people with (1) "
                "and without (0) the outcome"
            )
            raise ValidityInputError(msg, file=name, column=column)
        out_outcomes[column] = flags
    out_labels = {column: tuple(raw[column]) for column in labels}
    return Table(name, len(lines_of), out_numbers, out_outcomes, out_labels, tuple(header))
