"""One call for the whole study: :func:`validate` scores, outcomes and groups into a report.

>>> scores = [2, 5, 9, 14, 20, 25, 31, 8, 17, 28]
>>> outcomes = [0, 0, 0, 1, 0, 1, 1, 0, 1, 1]
>>> sex = ["F", "M", "M", "F", "M", "M", "M", "F", "F", "M"]
>>> report = validate(scores, outcomes, groups={"sex": sex}, cut=15)
>>> report.n, report.base_rate, report.auc.auc
(10, 0.5, 0.92)
>>> d = report.to_dict()
>>> d["fpr"], d["ppv"], d["references"]["sex"]
(0.2, 0.8, {'value': 'M', 'chosen': 'largest'})
>>> sorted(d["groups"]["sex"]), d["differences"]["sex"]["F"]["vs_reference"]["against"]
(['F', 'M'], 'M')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, Literal

import attrs
import numpy as np
import numpy.typing as npt

from rnr._frozen import frozen_map
from rnr.errors import InvalidArgumentError
from rnr.validity._checks import (
    IntArray,
    check_level,
    check_pair,
    index_scores,
    label_codes,
)
from rnr.validity.accuracy import probabilities_of
from rnr.validity.calibrate import Expected, check_expected
from rnr.validity.classification import check_cut
from rnr.validity.discrimination import (
    AucResult,
    BootstrapResult,
    bootstrap_from_tally,
    tally_index,
)
from rnr.validity.subgroups import Difference, Figures, difference, figures_of

__all__ = ["GroupComparison", "ValidityReport", "validate"]

NO_GROUPS: Mapping[str, Sequence[str]] = MappingProxyType({})


@attrs.frozen
class GroupComparison:
    """One group set against the whole sample and against the reference group.

    Attributes:
        vs_all: the group minus the whole sample.
        vs_reference: the group minus the reference group (``None`` for the
            reference group itself).
    """

    vs_all: Difference
    vs_reference: Difference | None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "vs_all": self.vs_all.to_dict(),
            "vs_reference": None if self.vs_reference is None else self.vs_reference.to_dict(),
        }


@attrs.frozen
class ValidityReport:
    """What :func:`validate` found: the whole sample, the bootstrap, and each group.

    Attributes:
        overall: the figures of the whole sample.
        bootstrap: the bootstrap interval of the AUC, when asked for.
        expected: the expected rates compared, when given.
        level: the confidence level of every interval.
        groups: column → group value → its figures.
        references: column → the reference group's value.
        chosen: column → ``"named"`` (given as ``reference``) or ``"largest"``.
        differences: column → group value → its comparison.
    """

    overall: Figures
    bootstrap: BootstrapResult | None
    expected: Expected | None
    level: float
    groups: Mapping[str, Mapping[str, Figures]] = attrs.field(converter=frozen_map)
    references: Mapping[str, str] = attrs.field(converter=frozen_map)
    chosen: Mapping[str, Literal["named", "largest"]] = attrs.field(converter=frozen_map)
    differences: Mapping[str, Mapping[str, GroupComparison]] = attrs.field(converter=frozen_map)

    @property
    def n(self) -> int:
        """People in the sample."""
        return self.overall.n

    @property
    def base_rate(self) -> float:
        """The share of the sample with the outcome."""
        assert self.overall.base_rate is not None
        return self.overall.base_rate

    @property
    def auc(self) -> AucResult:
        """The whole sample's AUC with its DeLong interval."""
        assert self.overall.auc is not None
        return self.overall.auc

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: the whole sample's figures at the top, then groups.

        Keys: ``n``, ``positives``, ``base_rate``, ``auc``, ``auc_ci``; with a
        cut, ``accuracy``, ``sensitivity``, ``specificity``, ``fpr``, ``fnr``,
        ``ppv``, ``npv``; ``cut`` (everything at the cut, or ``null`` without
        one), ``calibration``, ``brier`` (and ``brier_detail``),
        ``bootstrap``, ``level``, ``expected``, ``groups``, ``references``
        and ``differences``.
        """
        return self.overall.to_dict() | {
            "level": self.level,
            "bootstrap": None if self.bootstrap is None else self.bootstrap.to_dict(),
            "expected": None if self.expected is None else self.expected.to_dict(),
            "groups": {
                column: {value: f.to_dict() for value, f in figures.items()}
                for column, figures in self.groups.items()
            },
            "references": {
                column: {"value": value, "chosen": self.chosen[column]}
                for column, value in self.references.items()
            },
            "differences": {
                column: {value: c.to_dict() for value, c in comparisons.items()}
                for column, comparisons in self.differences.items()
            },
        }


def _group_columns(
    groups: Mapping[str, Sequence[str]], n: int
) -> dict[str, tuple[tuple[str, ...], IntArray]]:
    if not isinstance(groups, Mapping):
        raise InvalidArgumentError("groups", groups, "a mapping column → one value per person")
    out = {}
    for column, values in groups.items():
        if not isinstance(column, str) or not column.strip():
            raise InvalidArgumentError("groups", column, "column names (non-empty text)")
        out[column] = label_codes(values, f"groups[{column!r}]", n)
    return out


def _references(
    reference: str | Mapping[str, str] | None,
    columns: Mapping[str, tuple[tuple[str, ...], IntArray]],
) -> tuple[dict[str, str], dict[str, Literal["named", "largest"]]]:
    named: dict[str, str] = {}
    if isinstance(reference, str):
        named = {c: reference for c, (names, _) in columns.items() if reference in names}
        if not named:
            known = sorted({name for names, _ in columns.values() for name in names})
            raise InvalidArgumentError(
                "reference", reference, f"a value of a group column ({', '.join(known[:20])})"
            )
    elif isinstance(reference, Mapping):
        for column, value in reference.items():
            if column not in columns:
                raise InvalidArgumentError(
                    "reference", column, f"a group column ({', '.join(columns) or 'none given'})"
                )
            if not isinstance(value, str) or not value:
                raise InvalidArgumentError(f"reference[{column!r}]", value, "a group value")
            named[column] = value
    elif reference is not None:
        raise InvalidArgumentError("reference", reference, "a group value or column → value")
    refs: dict[str, str] = {}
    chosen: dict[str, Literal["named", "largest"]] = {}
    for column, (names, codes) in columns.items():
        if column in named:
            refs[column], chosen[column] = named[column], "named"
        else:
            sizes = np.bincount(codes, minlength=len(names))
            refs[column], chosen[column] = names[int(np.argmax(sizes))], "largest"
    return refs, chosen


def _check_count(value: object, argument: str, expected: str, *, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise InvalidArgumentError(argument, value, expected)
    return value


def validate(
    scores: npt.ArrayLike,
    outcomes: npt.ArrayLike,
    *,
    groups: Mapping[str, Sequence[str]] = NO_GROUPS,
    risk_levels: Sequence[str] | None = None,
    cut: float | None = None,
    expected: Expected | None = None,
    bootstrap: int = 0,
    seed: int = 0,
    reference: str | Mapping[str, str] | None = None,
    level: float = 0.95,
) -> ValidityReport:
    """Discrimination, classification, calibration and fairness of a score on a local sample.

    Args:
        scores: one score per person (higher: more risk).
        outcomes: one 0/1 per person (1: the outcome, e.g. reoffending within
            the follow-up, happened).
        groups: column → one value per person (sex, age group, region…);
            every figure is repeated per group value.
        risk_levels: each person's level, for calibration by level.
        cut: the lowest score that counts as predicting the outcome; without
            it there are no classification figures (``cut`` is ``None``).
        expected: expected rates by score or by level, with their source.
        bootstrap: resamples for a bootstrap interval of the AUC (0: none).
        seed: the bootstrap's seed.
        reference: the reference group: a value (used in every column that
            has it), or column → value; other columns use their largest group.
        level: the confidence level of every interval.

    Returns:
        The report; ``report.to_dict()`` is JSON-ready.

    Raises:
        InvalidArgumentError: lengths differ, a score that is not a finite
            number, an outcome not 0/1, fewer than two rows, a single outcome
            class, an empty group value or level, a cut that is not a number,
            a reference no column has, a score or level with no expected
            rate, a bad ``bootstrap``, ``seed`` or ``level``.
    """
    level = check_level(level)
    s, y = check_pair(scores, outcomes)
    cut_value = None if cut is None else check_cut(cut)
    check_expected(expected, risk_levels)
    resamples = _check_count(bootstrap, "bootstrap", "0 (none) or at least 2 resamples", low=0)
    if resamples == 1:
        raise InvalidArgumentError("bootstrap", 1, "0 (none) or at least 2 resamples")
    seed = _check_count(seed, "seed", "a non-negative integer", low=0)
    levels = None
    if risk_levels is not None:
        levels = label_codes(risk_levels, "risk_levels", len(s))
    columns = _group_columns(groups, len(s))
    refs, chosen = _references(reference, columns)
    values, index = index_scores(s)
    p, source, description = probabilities_of(values, index, y, levels, expected)
    common: dict[str, Any] = {
        "expected": expected,
        "cut": cut_value,
        "level": level,
        "source": source,
        "description": description,
    }
    overall = figures_of(values, index, y, p, scores=s, levels=levels, **common)
    boot = None
    if resamples:
        counts = tally_index(values, index, y)
        boot = bootstrap_from_tally(counts, n=resamples, seed=seed, level=level)
    figures: dict[str, dict[str, Figures]] = {}
    comparisons: dict[str, dict[str, GroupComparison]] = {}
    for column, (names, codes) in columns.items():
        per: dict[str, Figures] = {}
        # One stable sort by group, then each group is a slice (not a mask per group).
        order = np.argsort(codes, kind="stable")
        bounds = np.concatenate(([0], np.cumsum(np.bincount(codes, minlength=len(names)))))
        i_o, y_o, p_o, s_o = index[order], y[order], p[order], s[order]
        level_codes = None if levels is None else levels[1][order]
        for g, name in enumerate(names):
            part = slice(int(bounds[g]), int(bounds[g + 1]))
            sub_levels = None
            if levels is not None and level_codes is not None:
                sub_levels = (levels[0], level_codes[part])
            per[name] = figures_of(
                values,
                i_o[part],
                y_o[part],
                p_o[part],
                scores=s_o[part],
                levels=sub_levels,
                **common,
            )
        ref = refs[column]
        if ref not in per:
            empty = np.zeros(0, dtype=bool)
            per[ref] = figures_of(
                values, index[empty], y[empty], p[empty], scores=s[empty], levels=None, **common
            )
        figures[column] = per
        comparisons[column] = {
            name: GroupComparison(
                difference(f, overall, against="all", independent=False, level=level),
                None
                if name == ref
                else difference(f, per[ref], against=ref, independent=True, level=level),
            )
            for name, f in per.items()
        }
    return ValidityReport(overall, boot, expected, level, figures, refs, chosen, comparisons)
