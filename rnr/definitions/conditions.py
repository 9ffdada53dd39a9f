"""Conditions over answers: data, parsed and checked, never evaluated as code.

A condition is an atom (``item`` compared with a value) or ``all`` / ``any`` of
conditions. Evaluation is three-valued (Kleene): when an answer is omitted the
condition is ``None`` unless the other answers settle it.

>>> c = AnyOf((Atom("a", "is", True), Atom("b", "is", True)))
>>> c.evaluate({"a": None, "b": True})
True
>>> c.evaluate({"a": None, "b": False}) is None
True
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Literal

import attrs

__all__ = ["AllOf", "AnyOf", "Atom", "Condition", "Operator", "Value"]

Operator = Literal["is", "in", "lt", "le", "gt", "ge"]
Value = bool | int | str
OPERATORS: tuple[Operator, ...] = ("is", "in", "lt", "le", "gt", "ge")


@attrs.frozen
class Atom:
    """``item <op> value``; ``in`` takes a tuple of values."""

    item: str
    op: Operator
    value: Value | tuple[Value, ...]

    def evaluate(self, answers: Mapping[str, Value | None]) -> bool | None:
        """Return the truth of the atom, or ``None`` when the item is omitted."""
        answer = answers.get(self.item)
        if answer is None:
            return None
        return self.test(answer)

    def test(self, answer: Value) -> bool:
        """Return whether a (present) answer satisfies the atom."""
        if self.op == "is":
            return answer == self.value and type(answer) is type(self.value)
        if self.op == "in":
            assert isinstance(self.value, tuple)
            return answer in self.value
        assert isinstance(answer, int)
        assert isinstance(self.value, int)
        if self.op == "lt":
            return answer < self.value
        if self.op == "le":
            return answer <= self.value
        if self.op == "gt":
            return answer > self.value
        return answer >= self.value

    def thresholds(self) -> tuple[int, ...]:
        """Integers where the atom's truth may change (for numeric items)."""
        if self.op in ("lt", "ge") and isinstance(self.value, int):
            return (self.value,)
        if self.op in ("le", "gt") and isinstance(self.value, int):
            return (self.value + 1,)
        if self.op == "is" and type(self.value) is int:
            return (self.value, self.value + 1)
        if self.op == "in" and isinstance(self.value, tuple):
            return tuple(t for v in self.value if type(v) is int for t in (v, v + 1))
        return ()

    def atoms(self) -> Iterator[Atom]:
        """Yield this atom."""
        yield self

    def describe(self) -> str:
        """Return a compact, readable form: ``age_at_arrest <= 20``."""
        symbol = {"is": "=", "in": "in", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}[self.op]
        value = self.value
        shown = (
            "[" + ", ".join(_show(v) for v in value) + "]"
            if isinstance(value, tuple)
            else _show(value)
        )
        return f"{self.item} {symbol} {shown}"


@attrs.frozen
class AllOf:
    """True when every part is true."""

    parts: tuple[Condition, ...]

    def evaluate(self, answers: Mapping[str, Value | None]) -> bool | None:
        """Kleene conjunction of the parts."""
        unknown = False
        for part in self.parts:
            truth = part.evaluate(answers)
            if truth is False:
                return False
            if truth is None:
                unknown = True
        return None if unknown else True

    def atoms(self) -> Iterator[Atom]:
        """Yield every atom inside."""
        for part in self.parts:
            yield from part.atoms()

    def describe(self) -> str:
        """Return ``(a and b)``."""
        return "(" + " and ".join(p.describe() for p in self.parts) + ")"


@attrs.frozen
class AnyOf:
    """True when at least one part is true."""

    parts: tuple[Condition, ...]

    def evaluate(self, answers: Mapping[str, Value | None]) -> bool | None:
        """Kleene disjunction of the parts."""
        unknown = False
        for part in self.parts:
            truth = part.evaluate(answers)
            if truth is True:
                return True
            if truth is None:
                unknown = True
        return None if unknown else False

    def atoms(self) -> Iterator[Atom]:
        """Yield every atom inside."""
        for part in self.parts:
            yield from part.atoms()

    def describe(self) -> str:
        """Return ``(a or b)``."""
        return "(" + " or ".join(p.describe() for p in self.parts) + ")"


Condition = Atom | AllOf | AnyOf


def _show(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
