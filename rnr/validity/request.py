"""What a local validity study is asked for, checked alike by every face.

``rnr validate`` (its options) and the HTTP service's ``GET /v1/validity``
(its query parameters) take the same parameters: :class:`StudyRequest` holds
them, :meth:`StudyRequest.check` refuses a combination that cannot be
computed, and :func:`run_study` computes the :class:`~rnr.validity.study.Study`
from the columns read (a CSV file, or the case store:
:func:`rnr.history.requests.store_study`).

Each face names a parameter its own way (``--expected-by`` on the command
line, ``expected_by`` in a query): a refusal names it as the face spells it,
with the ``spell`` function the face passes.

>>> StudyRequest(score="total", outcome="reincide", group=("sexo",), cut=20.0).check()
>>> StudyRequest(score="total", cut=20.0).check(spell=lambda name: "--" + name)
Traceback (most recent call last):
...
rnr.validity.request.StudyRequestError: nothing to do: give --score and --outcome, \
--raters COL COL, --norms or --recalibrate
>>> parse_shares("recalibrate", "bajo=0.5, medio=30%,alto=0.2")
{'bajo': 0.5, 'medio': 0.3, 'alto': 0.2}
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Literal

import attrs

from rnr.errors import RnrError
from rnr.validity.calibrate import Expected
from rnr.validity.csvfile import Table
from rnr.validity.percentiles import norms, recalibrate
from rnr.validity.reliability import agreement
from rnr.validity.report import validate
from rnr.validity.study import Study

__all__ = [
    "Spell",
    "StudyRequest",
    "StudyRequestError",
    "as_named",
    "parse_shares",
    "run_study",
]

#: How a face writes a parameter's name in a message (``"expected_by"`` → ``"--expected-by"``).
Spell = Callable[[str], str]


def as_named(name: str) -> str:
    """A parameter's name as the library and a query string write it (unchanged)."""
    return name


class StudyRequestError(RnrError, ValueError):
    """A study asked for with parameters that do not go together (``argument.invalid``).

    Attributes:
        argument: the parameter at fault, as the face spells it.
    """

    default_code = "argument.invalid"

    def __init__(self, message: str, *, argument: str) -> None:
        self.argument = argument
        super().__init__(message)


def _share(option: str, key: str, text: str) -> float:
    raw = text.strip()
    percent = raw.endswith("%")
    try:
        value = float(raw.rstrip("%").strip().replace(",", "."))
    except ValueError:
        msg = f"{option} {key}={text}: not a number (write 0.25 or 25%)"
        raise StudyRequestError(msg, argument=option) from None
    value = value / 100 if percent else value
    if not 0 <= value <= 1:
        msg = f"{option} {key}={text}: expected a share from 0 to 1 (or 0% to 100%)"
        raise StudyRequestError(msg, argument=option)
    return value


def parse_shares(option: str, text: str) -> dict[str, float]:
    """``"low=0.5,high=50%"`` as ``{"low": 0.5, "high": 0.5}``; ``option`` names it in a refusal.

    Raises:
        StudyRequestError: an entry without ``=``, a repeated key, a share
            that is not a number from 0 to 1 (or a percentage).
    """
    out: dict[str, float] = {}
    for entry in text.split(","):
        key, sep, value = entry.partition("=")
        key = key.strip()
        if not sep or not key:
            msg = f"{option}: {entry.strip()!r} is not KEY=VALUE (e.g. bajo=0.5)"
            raise StudyRequestError(msg, argument=option)
        if key in out:
            raise StudyRequestError(f"{option}: {key!r} appears twice", argument=option)
        out[key] = _share(option, key, value)
    return out


def _texts(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _pair(raters: tuple[str, ...] | None) -> tuple[str, str] | None:
    if raters is None:
        return None
    first, second = raters
    return first, second


@attrs.frozen
class StudyRequest:
    """The parameters of a study, each named as the command line's option without its dashes.

    Attributes:
        score: the column of scores (higher: more risk).
        outcome: the column of outcomes (0 or 1).
        group: the group columns.
        level: the column of each person's risk level.
        cut: scores of ``cut`` or more predict the outcome.
        reference: the reference group: one value, or ``COLUMN=VALUE`` entries.
        bootstrap: bootstrap resamples of the AUC.
        seed: the bootstrap's seed.
        expected: expected outcome rates, ``KEY=RATE,...``.
        expected_by: what ``expected`` is keyed by (default: level with ``level``).
        expected_source: where the expected rates come from.
        raters: two raters' score columns.
        norms: local percentiles of ``score``.
        recalibrate: cut-offs for target shares per level, ``LEVEL=SHARE,...``.
    """

    score: str | None = None
    outcome: str | None = None
    group: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    level: str | None = None
    cut: float | None = None
    reference: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    bootstrap: int = 0
    seed: int = 0
    expected: str | None = None
    expected_by: Literal["level", "score"] | None = None
    expected_source: str | None = None
    raters: tuple[str, str] | None = attrs.field(default=None, converter=_pair)
    norms: bool = False
    recalibrate: str | None = None

    def for_store(self, event: str) -> StudyRequest:
        """The request on the case store's columns: ``score``, the event's kind and ``level``."""
        return attrs.evolve(
            self,
            score=self.score or "score",
            outcome=self.outcome or event,
            level=self.level or "level",
        )

    def check(self, *, spell: Spell = as_named) -> None:
        """Refuse parameters that do not go together.

        Raises:
            StudyRequestError: nothing to compute; a score missing where one
                is needed; a parameter that needs ``outcome`` without it;
                ``expected`` without its source (or the reverse), or keyed by
                level without ``level``; unreadable shares or references.
        """
        wants_score = self.outcome or self.norms or self.recalibrate
        if not (self.outcome or self.raters or self.norms or self.recalibrate):
            msg = (
                f"nothing to do: give {spell('score')} and {spell('outcome')},"
                f" {spell('raters')} COL COL, {spell('norms')} or {spell('recalibrate')}"
            )
            raise StudyRequestError(msg, argument=spell("outcome"))
        if wants_score and not self.score:
            msg = (
                f"{spell('score')} COL is needed with {spell('outcome')}, {spell('norms')}"
                f" and {spell('recalibrate')}"
            )
            raise StudyRequestError(msg, argument=spell("score"))
        if not self.outcome:
            for name, given in (
                ("group", self.group),
                ("level", self.level),
                ("cut", self.cut is not None),
                ("reference", self.reference),
                ("bootstrap", self.bootstrap),
                ("expected", self.expected),
            ):
                if given:
                    msg = (
                        f"{spell(name)} needs {spell('outcome')} COL"
                        " (the outcome to validate against)"
                    )
                    raise StudyRequestError(msg, argument=spell(name))
        if self.expected and not self.expected_source:
            needs = f"{spell('expected')} needs {spell('expected_source')}"
            msg = f'{needs} "where the rates come from"'
            raise StudyRequestError(msg, argument=spell("expected_source"))
        if self.expected_source and not self.expected:
            msg = f"{spell('expected_source')} without {spell('expected')}"
            raise StudyRequestError(msg, argument=spell("expected"))
        if self.expected_by == "level" and not self.level:
            msg = f"{spell('expected_by')} level needs {spell('level')} COL"
            raise StudyRequestError(msg, argument=spell("level"))
        self.expected_rates(spell=spell)
        self.shares(spell=spell)
        self.references(spell=spell)

    def expected_rates(self, *, spell: Spell = as_named) -> Expected | None:
        """The expected rates asked for, keyed by level or by score; ``None`` without them."""
        if not self.expected:
            return None
        by: Literal["score", "level"] = self.expected_by or ("level" if self.level else "score")
        rates: dict[str, float] = parse_shares(spell("expected"), self.expected)
        keyed: dict[Any, float] = rates
        if by == "score":
            try:
                keyed = {float(k): v for k, v in rates.items()}
            except ValueError:
                msg = (
                    f"{spell('expected')}: keys must be scores (numbers); for levels add"
                    f" {spell('level')} COL"
                )
                raise StudyRequestError(msg, argument=spell("expected")) from None
        return Expected(keyed, by=by, source=str(self.expected_source))

    def shares(self, *, spell: Spell = as_named) -> dict[str, float] | None:
        """The target shares of ``recalibrate``, or ``None``."""
        return parse_shares(spell("recalibrate"), self.recalibrate) if self.recalibrate else None

    def references(self, *, spell: Spell = as_named) -> str | dict[str, str] | None:
        """The reference group: one value, or a value per group column; ``None``: the largest."""
        entries = self.reference

        def is_pair(entry: str) -> bool:
            column, sep, _ = entry.partition("=")
            return bool(sep) and column in self.group

        if not entries:
            return None
        if len(entries) == 1 and not is_pair(entries[0]):
            return entries[0]
        named: dict[str, str] = {}
        for entry in entries:
            if not is_pair(entry):
                msg = (
                    f"{spell('reference')} {entry}: with several references, write COLUMN=VALUE"
                    f" with a {spell('group')} column ({', '.join(self.group) or 'none given'})"
                )
                raise StudyRequestError(msg, argument=spell("reference"))
            column, _, value = entry.partition("=")
            named[column] = value
        return named

    @property
    def numbers(self) -> list[str]:
        """The numeric columns read: the score and the raters'."""
        return [*([self.score] if self.score else []), *(self.raters or ())]

    @property
    def labels(self) -> list[str]:
        """The text columns read: the groups and the level."""
        return [*self.group, *([self.level] if self.level else [])]

    def columns(self) -> list[tuple[str, str]]:
        """Every column read, with the parameter that names it."""
        named = [("score", self.score), ("outcome", self.outcome), ("level", self.level)]
        named += [("group", g) for g in self.group]
        named += [("raters", r) for r in self.raters or ()]
        return [(parameter, column) for parameter, column in named if column]


def run_study(table: Table, request: StudyRequest, *, spell: Spell = as_named) -> Study:
    """The study ``request`` asks for, computed from the columns of ``table``.

    Raises:
        StudyRequestError: the request does not go together (:meth:`StudyRequest.check`).
        InvalidArgumentError: a column cannot be used (too few rows, one outcome only).
    """
    request.check(spell=spell)
    scores = table.numbers[request.score] if request.score else None
    report = None
    if request.outcome and scores is not None:
        report = validate(
            scores,
            table.outcomes[request.outcome],
            groups={column: table.labels[column] for column in request.group},
            risk_levels=table.labels[request.level] if request.level else None,
            cut=request.cut,
            expected=request.expected_rates(spell=spell),
            bootstrap=request.bootstrap,
            seed=request.seed,
            reference=request.references(spell=spell),
        )
    pair = None
    if request.raters:
        first, second = request.raters
        pair = agreement(table.numbers[first], table.numbers[second], raters=(first, second))
    shares = request.shares(spell=spell)
    return Study(
        file=table.file,
        rows=table.rows,
        score=request.score,
        outcome=request.outcome,
        groups=request.group,
        level_column=request.level,
        report=report,
        agreement=pair,
        norms=norms(scores) if request.norms and scores is not None else None,
        recalibration=recalibrate(scores, shares) if shares and scores is not None else None,
    )
