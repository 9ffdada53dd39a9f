"""Batch scoring: input forms, norm groups, errors, and agreement with single scoring.

Hand-computed figures come from ``tests/data/kinds/1.0.0.toml`` (columns:
age, priors, weapon, housing, peers, work, family_support; housing codes
0 stable, 1 unstable, 2 homeless) and the PSA worked cases.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import rnr
from rnr import Instrument, OmissionError, ScoringInputError
from rnr.definitions.instrument_loader import parse_instrument
from rnr.definitions.library import data_dir
from rnr.scoring.batch import compile_instrument, score_reference, summarize
from rnr.scoring.compiled import answer_matrix
from rnr.scoring.single import normalize_responses
from rnr.testing.strategies import to_array
from rnr.testing.worked import load_worked_cases

DAY = dt.date(2024, 1, 1)
NAN = np.nan
KINDS = rnr.load_instrument(Path(__file__).parent / "data" / "kinds" / "1.0.0.toml")
FULL = {
    "age": 20,
    "priors": 3,
    "weapon": True,
    "housing": "homeless",
    "peers": 0,
    "work": True,
    "family_support": True,
}
# FULL scores risk 10 (high, scaled 6) and violence 5 (flag).
FULL_ROW = [20, 3, 1, 2, 0, 1, 1]
# age 40, no priors, stable, peers 1, work: risk 0 + 0 + 0 + 1 + 1 = 2, violence 0.
LOW_ROW = [40, 0, 0, 0, 1, 1, 0]
# FULL without age: risk 8..10, violence 3..5 (see tests/test_scoring.py).
NO_AGE_ROW = [NAN, 3, 1, 2, 0, 1, 1]


def psa() -> Instrument:
    """The shipped PSA."""
    return rnr.default_library().get("psa@1.0.0")


def yesno() -> Instrument:
    """An all-boolean instrument, parsed from a dict, for the int8 fast path."""
    items = [
        {
            "id": f"q{n}",
            "domain": "a" if n < 3 else "b",
            "factor": "static" if n < 3 else "dynamic",
            "kind": "boolean",
            "points": {"total": 1},
        }
        for n in range(6)
    ]
    return parse_instrument(
        {
            "schema": "rnr.instrument/1",
            "id": "yesno",
            "version": "1.0.0",
            "status": "unverified",
            "effective_from": DAY,
            "license": "test",
            "references": ["test"],
            "primary_scale": "total",
            "need_levels": ["low", "high"],
            "title": {"es": "Sí/no", "en": "Yes/no"},
            "population": {"kind": "adult", "min_age": 18},
            "domains": [
                {"id": "a"},
                {
                    "id": "b",
                    "max_omitted": 1,
                    "need_bands": [
                        {"min": 0, "max": 1, "level": "low"},
                        {"min": 2, "max": 3, "level": "high"},
                    ],
                },
            ],
            "items": items,
            "scales": {
                "total": {
                    "range": [0, 6],
                    "max_omitted": 2,
                    "levels": ["low", "high"],
                    "bands": [
                        {"min": 0, "max": 2, "level": "low"},
                        {"min": 3, "max": 6, "level": "high"},
                    ],
                    "source": "test",
                }
            },
        }
    )


def single(instrument: Instrument, answers: dict[str, Any], group: str | None) -> dict[str, Any]:
    """Single scoring in the form of a batch row."""
    return summarize(rnr.score(instrument, answers, assessed_on=DAY, norm_group=group))


class TestInputForms:
    def test_float_array_with_nan_for_omissions(self) -> None:
        """Float rows score exactly; NaN makes a row provisional with bounds."""
        out = rnr.score_batch(KINDS, np.array([FULL_ROW, LOW_ROW, NO_AGE_ROW]), norm_group="male")
        assert [10, 2, 8] == out.raw("risk").tolist()  # provisional raw: the answered points
        assert ["high", "low", "high"] == out.level("risk").tolist()
        assert [6, 2, 5] == out.scaled("risk").tolist()  # type: ignore[union-attr]
        assert [True, False, True] == out.flag("violence").tolist()  # type: ignore[union-attr]
        assert [False, False, True] == out.provisional.tolist()
        lows, highs = out.bounds("risk")
        assert ([10, 2, 8], [10, 2, 10]) == (lows.tolist(), highs.tolist())
        lows, highs = out.bounds("violence")
        assert ([5, 0, 3], [5, 0, 5]) == (lows.tolist(), highs.tolist())
        assert 3 == len(out)

    def test_int8_array_with_minus_one_for_omissions(self) -> None:
        """int8 input with -1 gives the same scores as float input with NaN."""
        rows = np.array([FULL_ROW, LOW_ROW, NO_AGE_ROW])
        as_int = np.where(np.isnan(rows), -1, rows).astype(np.int8)
        a = rnr.score_batch(KINDS, rows, norm_group="female")
        b = rnr.score_batch(KINDS, as_int, norm_group="female")
        assert [a.row(n) for n in range(3)] == [b.row(n) for n in range(3)]

    def test_int8_boolean_fast_path(self) -> None:
        """An all-yes/no instrument scores int8 0/1/-1 directly, omissions included."""
        inst = yesno()
        rows = np.array(
            [[0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1], [1, -1, 0, 1, -1, 0]], dtype=np.int8
        )
        out = rnr.score_batch(inst, rows)
        assert [0, 6, 2] == out.raw("total").tolist()
        assert [[0, 6, 2], [0, 6, 4]] == [b.tolist() for b in out.bounds("total")]
        assert [False, False, True] == out.provisional.tolist()
        assert [0, 3, 1] == out.domain_total("b").tolist()
        assert ["low", "high", "low"] == out.need("b").tolist()
        for n in range(3):
            answers = {f"q{j}": None if v == -1 else bool(v) for j, v in enumerate(rows[n])}
            assert single(inst, answers, None) == out.row(n)

    def test_bool_array(self) -> None:
        """A numpy bool array is read as 0/1."""
        rows = np.array([[True, False, True, False, True, False]])
        assert [3] == rnr.score_batch(yesno(), rows).raw("total").tolist()

    def test_mapping_of_columns_with_category_names(self) -> None:
        """Columns by item id; categorical answers by name; None and absent columns omit."""
        columns = {
            "age": [20, 40],
            "priors": [3, 0],
            "weapon": [True, False],
            "housing": ["homeless", None],
            "peers": [0, 1],
            "work": [True, True],
        }
        out = rnr.score_batch(KINDS, columns, norm_group="male")
        assert single(KINDS, FULL, "male") == out.row(0)
        second = {k: v[1] for k, v in columns.items()}
        assert single(KINDS, second, "male") == out.row(1)
        assert [False, True] == out.provisional.tolist()

    def test_object_array_with_category_names(self) -> None:
        """An object array is read column by column, like a mapping."""
        rows = np.array([[20, 3, True, "homeless", 0, True, True]], dtype=object)
        assert single(KINDS, FULL, "male") == rnr.score_batch(KINDS, rows, norm_group="male").row(0)

    def test_compiled_instrument_is_reusable(self) -> None:
        """Compiling once and scoring twice gives the same rows as scoring directly."""
        compiled = compile_instrument(KINDS)
        rows = np.array([FULL_ROW, NO_AGE_ROW])
        direct = rnr.score_batch(KINDS, rows, norm_group="male")
        again = rnr.score_batch(compiled, rows, norm_group="male")
        assert [direct.row(n) for n in range(2)] == [again.row(n) for n in range(2)]


class TestNormGroups:
    def test_per_row_norm_groups(self) -> None:
        """A total of 4 is medium for a man and low for a woman, in the same batch."""
        row = [40, 0, 0, 1, 1, 1, 0]  # unstable 1 + term 1 + peers 1 + work 1 = 4
        out = rnr.score_batch(KINDS, np.array([row, row]), norm_group=["male", "female"])
        assert [4, 4] == out.raw("risk").tolist()
        assert ["medium", "low"] == out.level("risk").tolist()
        assert "low" == out.row(1)["scales"]["risk"]["level"]

    def test_one_group_per_row_is_required(self) -> None:
        """A list of groups must have one entry per row."""
        with pytest.raises(ScoringInputError, match="got 1 groups, expected one per row"):
            rnr.score_batch(KINDS, np.array([FULL_ROW, FULL_ROW]), norm_group=["male"])

    def test_unknown_group_names_the_row(self) -> None:
        """An unknown group is refused, naming the first row that has it."""
        with pytest.raises(ScoringInputError) as info:
            rnr.score_batch(KINDS, np.array([FULL_ROW, FULL_ROW]), norm_group=["male", "other"])
        assert "row 1" == info.value.case_id
        assert "got 'other'" in str(info.value)

    def test_missing_group_is_refused(self) -> None:
        """An instrument with norm groups needs one."""
        with pytest.raises(ScoringInputError, match="needs a norm group"):
            rnr.score_batch(KINDS, np.array([FULL_ROW]))


class TestErrors:
    @pytest.mark.parametrize("shape", [(7,), (2, 6), (2, 8), (1, 7, 1)])
    def test_bad_shape(self, shape: tuple[int, ...]) -> None:
        """Anything but (n, one column per item) is refused, saying what was expected."""
        with pytest.raises(ScoringInputError, match=r"expected \(n, 7\)"):
            rnr.score_batch(KINDS, np.zeros(shape), norm_group="male")

    @pytest.mark.parametrize(
        ("column", "value", "item", "expected"),
        [
            (4, 7, "peers", "an integer from 0 to 3"),
            (4, 1.5, "peers", "an integer from 0 to 3"),
            (2, 2, "weapon", "true or false"),
            (3, 3, "housing", "one of stable, unstable, homeless"),
            (0, 17, "age", "years from 18 to 99"),
            (1, -2, "priors", "an integer >= 0"),
        ],
    )
    def test_bad_value_names_row_item_value_and_expectation(
        self, column: int, value: float, item: str, expected: str
    ) -> None:
        """The error names the row, the item, the value and what was expected."""
        rows = np.array([FULL_ROW, FULL_ROW, FULL_ROW], dtype=np.float64)
        rows[2, column] = value
        with pytest.raises(ScoringInputError) as info:
            rnr.score_batch(KINDS, rows, norm_group="male")
        assert (item, expected) == (info.value.item, info.value.expected)
        assert str(info.value).startswith(f"row 2: item {item}: got {value!r}")

    def test_bad_value_uses_the_case_id(self) -> None:
        """With case ids, the error names the case instead of the row number."""
        rows = np.array([FULL_ROW, FULL_ROW], dtype=np.float64)
        rows[1, 4] = 9
        with pytest.raises(ScoringInputError) as info:
            rnr.score_batch(KINDS, rows, norm_group="male", case_ids=["c-1", "c-2"])
        assert "c-2" in str(info.value)
        assert "item peers: got 9.0" in str(info.value)

    def test_unknown_category_name_in_a_mapping(self) -> None:
        """A category name the item lacks is refused, naming the row and item."""
        columns = {k: [v, v] for k, v in FULL.items()}
        columns["housing"] = ["stable", "street"]
        with pytest.raises(ScoringInputError, match="row 1: item housing: got 'street'"):
            rnr.score_batch(KINDS, columns, norm_group="male")

    def test_unknown_column_and_uneven_columns(self) -> None:
        """A mapping names only known items, each with the same number of rows."""
        with pytest.raises(ScoringInputError, match="unknown item 'ghost'"):
            rnr.score_batch(KINDS, {"ghost": [1]}, norm_group="male")
        with pytest.raises(ScoringInputError, match=r"different lengths: \[1, 2\]"):
            rnr.score_batch(KINDS, {"age": [20], "priors": [1, 2]}, norm_group="male")

    def test_too_many_omissions_name_the_row_and_the_items(self) -> None:
        """lifestyle allows one omission: row 1 omits two, and both are named."""
        rows = np.array([FULL_ROW, [20, 3, 1, 2, NAN, NAN, 1]])
        with pytest.raises(OmissionError) as info:
            rnr.score_batch(KINDS, rows, norm_group="male")
        assert ("peers", "work") == info.value.missing
        assert "domain lifestyle" == info.value.scope
        assert "row 1" in str(info.value)
        assert "domain lifestyle: 2 items omitted" in str(info.value)
        with pytest.raises(OmissionError) as info:
            rnr.score_batch(
                KINDS,
                np.array([[NAN, NAN, 1, NAN, 0, 1, 1]]),
                norm_group="male",
                case_ids=["k-9"],
            )
        assert ("age", "priors", "housing") == info.value.missing
        assert "k-9" in str(info.value)
        assert "scale risk: 3 items omitted" in str(info.value)

    def test_the_omission_message_is_single_scorings_after_the_row(self) -> None:
        """A batch row over a limit says what single scoring says, after the row's name."""
        answers = {**FULL, "peers": None, "work": None}
        with pytest.raises(OmissionError) as single:
            rnr.score(KINDS, answers, assessed_on=DAY, norm_group="male")
        rows = np.array([FULL_ROW, [20, 3, 1, 2, NAN, NAN, 1]])
        with pytest.raises(OmissionError) as batch:
            rnr.score_batch(KINDS, rows, norm_group="male")
        assert f"row 1: {single.value}" == str(batch.value)

    def test_case_ids_must_match_the_rows(self) -> None:
        """One case id per row."""
        with pytest.raises(ScoringInputError, match="got 1 ids, expected one per row"):
            rnr.score_batch(KINDS, np.array([FULL_ROW] * 2), norm_group="male", case_ids=["a"])


def worked_case_files() -> list[Path]:
    """Every worked-case file shipped with an instrument or kept with the test data."""
    roots = [data_dir() / "instruments", Path(__file__).parent / "data"]
    return sorted(p for root in roots for p in root.glob("*/tests/*.toml"))


class TestAgreement:
    @pytest.mark.parametrize(
        "path", worked_case_files(), ids=lambda p: f"{p.parent.parent.name}/{p.stem}"
    )
    def test_batch_equals_single_on_the_worked_cases(self, path: Path) -> None:
        """Every worked case that scores gives the same row in one batch of the whole file."""
        cases = load_worked_cases(path)
        inst = cases.load_instrument()
        scorable = [c for c in cases.cases if "error" not in c.expect]
        if not scorable:
            pytest.skip("every case in this file expects an error")
        rows = [
            normalize_responses(
                inst,
                c.responses,
                assessed_on=c.assessed_on,
                birth_date=c.birth_date,
                dates=c.dates,
            )
            for c in scorable
        ]
        groups = [str(c.norm_group) for c in scorable] if inst.norm_groups else None
        for dtype in (np.float64, np.int16):
            out = rnr.score_batch(inst, to_array(inst, rows, dtype=dtype), norm_group=groups)
            for n, case in enumerate(scorable):
                result = rnr.score(
                    inst,
                    case.responses,
                    assessed_on=case.assessed_on,
                    norm_group=case.norm_group,
                    birth_date=case.birth_date,
                    dates=case.dates,
                )
                assert summarize(result) == out.row(n), case.name

    def test_provisional_psa_rows_with_entangled_terms_equal_single_scoring(self) -> None:
        """Omitting an item a term reads widens bounds through the term, as in single scoring."""
        inst = psa()
        base: dict[str, Any] = {
            "age_at_arrest": 30,
            "current_violent": False,
            "pending_charge": False,
            "prior_misdemeanor": False,
            "prior_felony": False,
            "prior_violent_convictions": 0,
            "prior_fta_past_2y": 0,
            "prior_fta_older": False,
            "prior_incarceration": False,
        }
        rows = [
            # age omitted, current violent: the young term is open (worked case: NVCA 3..4)
            base | {"age_at_arrest": None, "current_violent": True, "pending_charge": True},
            # current violent omitted at 19: item and young term together (NVCA 1..4)
            base | {"age_at_arrest": 19, "current_violent": None, "pending_charge": True},
            # misdemeanour omitted, no felony: prior-conviction term open
            base | {"prior_misdemeanor": None, "prior_fta_past_2y": 1},
            # felony omitted, misdemeanour true: the term is settled, only the item is open
            base | {"prior_felony": None, "prior_misdemeanor": True},
            base,
        ]
        out = rnr.score_batch(inst, to_array(inst, rows))
        assert [True, True, True, True, False] == out.provisional.tolist()
        lows, highs = out.bounds("nvca")
        assert ([3, 1], [4, 4]) == (lows[:2].tolist(), highs[:2].tolist())
        lows, highs = out.bounds("nca")
        assert ([3, 5], [5, 5]) == (lows[:2].tolist(), highs[:2].tolist())
        for n, answers in enumerate(rows):
            assert single(inst, answers, None) == out.row(n)
        with_ints = rnr.score_batch(inst, to_array(inst, rows, dtype=np.int8))
        assert [out.row(n) for n in range(5)] == [with_ints.row(n) for n in range(5)]


# -- the int8 fast path (integer sums, bit counts) against the reference path --------


def weighted_yesno(weights: list[int], domains: list[int], limit: int) -> Instrument:
    """An all-yes/no instrument with the given points per item and a domain per item.

    Domain "d<k>" holds the items whose entry in ``domains`` is k; a second
    scale, "other", gives each item its point negated (an instrument whose
    first scale is not the sum of its domains when weights vary).
    """
    items = [
        {
            "id": f"q{n}",
            "domain": f"d{domains[n]}",
            "factor": "dynamic",
            "kind": "boolean",
            "points": {"total": w, "other": -w} if w else {},
        }
        for n, w in enumerate(weights)
    ]
    lo = sum(w for w in weights if w < 0)
    hi = sum(w for w in weights if w > 0)

    def scale(lowest: int, highest: int) -> dict[str, Any]:
        cut = (lowest + highest) // 2
        return {
            "range": [lowest, highest],
            "max_omitted": limit,
            "levels": ["low", "high"],
            "bands": [
                {"min": lowest, "max": cut, "level": "low"},
                {"min": cut + 1, "max": highest, "level": "high"},
            ]
            if highest > lowest
            else [{"min": lowest, "max": highest, "level": "low"}],
            "source": "test",
        }

    return parse_instrument(
        {
            "schema": "rnr.instrument/1",
            "id": "weighted",
            "version": "1.0.0",
            "status": "unverified",
            "effective_from": DAY,
            "license": "test",
            "references": ["test"],
            "primary_scale": "total",
            "need_levels": ["low"],
            "title": {"es": "Pesos", "en": "Weights"},
            "population": {"kind": "adult", "min_age": 18},
            "domains": [{"id": f"d{k}"} for k in sorted(set(domains))],
            "items": items,
            "scales": {"total": scale(lo, hi), "other": scale(-hi, -lo)},
        }
    )


def reference(instrument: Instrument, values: np.ndarray[Any, Any], group: str | None) -> Any:
    """The reference path's totals and bounds for ``values`` (which it reads row-major)."""
    compiled = compile_instrument(instrument)
    totals = np.empty((len(values), len(compiled.targets)), dtype=np.int32)
    rows, lows, highs = score_reference(compiled, np.ascontiguousarray(values), None, totals)
    return totals, rows, lows, highs


def same_as_reference(
    instrument: Instrument, values: np.ndarray[Any, Any], group: str | None = None
) -> rnr.scoring.batch.BatchResult:
    """Score ``values`` (any layout) and check totals and bounds equal the reference path's."""
    out = rnr.score_batch(instrument, values, norm_group=group)
    totals, rows, lows, highs = reference(instrument, values, group)
    assert totals.tolist() == out.totals.tolist()
    assert rows.tolist() == out.bounded_rows.tolist()
    assert lows.tolist() == out.bounded_lows.tolist()
    assert highs.tolist() == out.bounded_highs.tolist()
    return out


class TestInt8FastPath:
    @given(data=st.data())
    def test_fast_path_equals_reference_and_single_scoring(self, data: st.DataObject) -> None:
        """Any weights (negative, zero, large), any layout, omissions: rows equal single scoring."""
        m = data.draw(st.integers(1, 70), label="items")
        weights = data.draw(st.lists(st.integers(-4, 9), min_size=m, max_size=m), label="weights")
        domains = data.draw(st.lists(st.integers(0, 3), min_size=m, max_size=m), label="domains")
        inst = weighted_yesno(weights, domains, limit=m)
        rows = data.draw(
            st.lists(st.lists(st.sampled_from([0, 1, 1, -1]), min_size=m, max_size=m), max_size=12)
        )
        if not rows:
            return
        values = np.array(rows, dtype=np.int8).reshape(len(rows), m)
        layout = data.draw(st.sampled_from(["C", "F", "strided", "mapping"]), label="layout")
        given_values: Any = {
            "C": values,
            "F": np.asfortranarray(values),
            "strided": np.repeat(values, 2, axis=1)[:, ::2],
            "mapping": {
                f"q{j}": [None if v == -1 else bool(v) for v in values[:, j]] for j in range(m)
            },
        }[layout]
        out = rnr.score_batch(inst, given_values)
        totals, bounded, lows, highs = reference(inst, values, None)
        assert totals.tolist() == out.totals.tolist()
        assert (bounded.tolist(), lows.tolist(), highs.tolist()) == (
            out.bounded_rows.tolist(),
            out.bounded_lows.tolist(),
            out.bounded_highs.tolist(),
        )
        for n, row in enumerate(values.tolist()):
            answers = {f"q{j}": None if v == -1 else bool(v) for j, v in enumerate(row)}
            assert single(inst, answers, None) == out.row(n)

    @pytest.mark.parametrize("layout", ["C", "F"])
    @pytest.mark.parametrize("ref", ["lscmi", "ylscmi"])
    def test_large_batches_cross_every_block_boundary(self, layout: str, ref: str) -> None:
        """70,001 rows (two blocks of 65,536 rows, an odd tail) with 1% omissions: the reference."""
        inst = rnr.default_library().get(ref)
        rng = np.random.default_rng(14)
        values = (rng.random((70_001, len(inst.items))) < 0.4).astype(np.int8)
        gone = rng.choice(len(values), size=700, replace=False)
        values[gone, rng.integers(0, 3, size=gone.size)] = -1
        group = inst.norm_groups[0] if inst.norm_groups else None
        shaped = values if layout == "C" else np.asfortranarray(values)
        out = same_as_reference(inst, shaped, group)
        assert sorted(gone.tolist()) == out.bounded_rows.tolist()

    def test_a_bad_answer_is_named_as_by_the_reference_path(self) -> None:
        """A 2 among 0/1 answers, in either layout, names its row and item as before."""
        values = np.zeros((5000, 6), dtype=np.int8)
        values[4321, 4] = 2
        values[10, 1] = -1
        for shaped in (values, np.asfortranarray(values)):
            with pytest.raises(ScoringInputError, match=r"^row 4321: item q4: got 2, expected"):
                rnr.score_batch(yesno(), shaped)

    def test_too_many_omissions_name_the_first_row_in_either_layout(self) -> None:
        """Rows scored again after the fast path name their batch row in an OmissionError."""
        values = np.zeros((3000, 6), dtype=np.int8)
        values[7, 0] = -1
        values[2500, 3:5] = -1  # domain b allows one omission
        for shaped in (values, np.asfortranarray(values)):
            with pytest.raises(OmissionError, match=r"^row 2500: "):
                rnr.score_batch(yesno(), shaped, case_ids=None)
            with pytest.raises(OmissionError, match=r"^c2500: "):
                rnr.score_batch(yesno(), shaped, case_ids=[f"c{k}" for k in range(3000)])

    def test_levels_by_codes_and_names(self) -> None:
        """level() is level_names() taken at level_codes(), per-row norm groups included."""
        inst = rnr.default_library().get("lscmi")
        rng = np.random.default_rng(3)
        values = (rng.random((400, len(inst.items))) < 0.5).astype(np.int8)
        groups = [("male", "female")[k % 2] for k in range(400)]
        out = rnr.score_batch(inst, values, norm_group=groups)
        names = out.level_names("total")
        assert [*inst.scales["total"].levels, None] == list(names)
        assert [names[c] for c in out.level_codes("total")] == out.level("total").tolist()
        spec = inst.scales["total"]
        expected = [spec.level(int(x), g) for x, g in zip(out.raw("total"), groups, strict=True)]
        assert expected == out.level("total").tolist()


class TestMappingInput:
    def test_plain_columns_become_a_column_major_int8_matrix(self) -> None:
        """Lists of booleans and None, and integer arrays with -1, read as int8 columns."""
        compiled = compile_instrument(yesno())
        columns = {
            "q0": [True, None, False],
            "q1": np.array([1, -1, 0], dtype=np.int64),
            "q2": np.array([True, False, True]),
        }
        values = answer_matrix(compiled, columns)
        assert np.int8 == values.dtype
        assert values.flags.f_contiguous
        assert [[1, 1, 1, -1, -1, -1], [-1, -1, 0, -1, -1, -1], [0, 0, 1, -1, -1, -1]] == (
            values.tolist()
        )

    @pytest.mark.parametrize(
        ("column", "message"),
        [
            ([1, -1], "row 1: item priors: got -1.0, expected an integer >= 0"),
            ([True, 2], "row 0: item priors: got True, expected an integer >= 0"),
            (np.array([2, 300]), "row 1: item peers: got 300.0"),
            ([1.5, 2], "row 0: item priors: got 1.5"),
        ],
    )
    def test_what_is_not_plain_is_read_and_named_as_before(self, column: Any, message: str) -> None:
        """A wrong type or value takes the float reading, whose message names it as always."""
        item = "peers" if "peers" in message else "priors"
        columns = {k: [v, v] for k, v in FULL.items() if k != item} | {item: column}
        with pytest.raises(ScoringInputError) as info:
            rnr.score_batch(KINDS, columns, norm_group="male")
        assert str(info.value).startswith(message)

    def test_mapping_of_columns_equals_the_array(self) -> None:
        """LS/CMI columns as int8 arrays or lists with None give the array's rows."""
        inst = rnr.default_library().get("lscmi")
        rng = np.random.default_rng(5)
        values = (rng.random((300, len(inst.items))) < 0.4).astype(np.int8)
        values[rng.integers(0, 300, 20), rng.integers(0, 43, 20)] = -1
        as_array = rnr.score_batch(inst, values, norm_group="female")
        arrays = {item.id: values[:, j].copy() for j, item in enumerate(inst.items)}
        lists = {
            item.id: [None if v == -1 else bool(v) for v in values[:, j]]
            for j, item in enumerate(inst.items)
        }
        for columns in (arrays, lists):
            out = rnr.score_batch(inst, columns, norm_group="female")
            assert [as_array.row(n) for n in range(300)] == [out.row(n) for n in range(300)]
