"""Property tests of every shipped instrument, with the strategies of :mod:`rnr.testing.strategies`.

Each invariant runs on every instrument of :func:`rnr.default_library`, plus the
two test instruments in ``tests/data`` (one uses every response kind, a term
and norm groups). The Hypothesis profile comes from ``tests/conftest.py``
(``HYPOTHESIS_PROFILE=thorough`` for a long run).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import rnr
from rnr import Instrument, OmissionError, ScoreResult, ScoringInputError
from rnr.definitions.instrument import Band
from rnr.definitions.instrument_loader import parse_instrument
from rnr.scoring.batch import summarize
from rnr.testing.checks import CHECKS, check_instrument, monotone_scales
from rnr.testing.strategies import (
    SampleCase,
    batch_arrays,
    cases,
    exceeded_scopes,
    invalid_responses,
    omission_scopes,
    responses,
    row_responses,
    to_array,
    within_limits,
)

DATA = Path(__file__).parent / "data"
SHIPPED = list(rnr.default_library())
EXTRA = [rnr.load_instrument(DATA / name / "1.0.0.toml") for name in ("demo", "kinds")]
INSTRUMENTS = SHIPPED + EXTRA
each_instrument = pytest.mark.parametrize("instrument", INSTRUMENTS, ids=lambda i: i.ref)


def omitted_ids(instrument: Instrument, answers: Mapping[str, Any]) -> set[str]:
    """Items left out or ``None``."""
    return {i.id for i in instrument.items if answers.get(i.id) is None}


def some_cases(instrument: Instrument) -> st.SearchStrategy[SampleCase]:
    """Complete cases, and provisional ones when the instrument allows omissions."""
    try:
        return st.one_of(cases(instrument), cases(instrument, omissions="within"))
    except InvalidArgument:
        return cases(instrument)


def rank(instrument: Instrument, item_id: str, answer: Any) -> int:
    """Position of an answer in its item's answer order."""
    item = instrument.item(item_id)
    if item.kind == "categorical":
        return [o.value for o in item.outcomes].index(answer)
    return int(answer)


def test_every_shipped_instrument_is_covered() -> None:
    """The shipped library is not empty, so the properties below test real instruments."""
    assert [] != SHIPPED


class TestStrategies:
    @each_instrument
    @given(data=st.data())
    def test_complete_responses_answer_every_item(
        self, instrument: Instrument, data: st.DataObject
    ) -> None:
        """omissions="none" answers every item with a value scoring accepts."""
        answers = data.draw(responses(instrument))
        assert {i.id for i in instrument.items} == set(answers)
        assert set() == omitted_ids(instrument, answers)
        rnr.score(
            instrument,
            answers,
            assessed_on=instrument.effective_from,
            norm_group=(instrument.norm_groups or (None,))[0],
        )

    @each_instrument
    @given(data=st.data())
    def test_within_omits_something_and_respects_every_limit(
        self, instrument: Instrument, data: st.DataObject
    ) -> None:
        """omissions="within" omits at least one item and stays within every limit."""
        try:
            strategy = responses(instrument, omissions="within")
        except InvalidArgument:
            assert all(s.limit == 0 for s in omission_scopes(instrument))
            return
        gone = omitted_ids(instrument, data.draw(strategy))
        assert gone
        assert within_limits(instrument, gone)

    @each_instrument
    @given(data=st.data())
    def test_beyond_exceeds_a_limit(self, instrument: Instrument, data: st.DataObject) -> None:
        """omissions="beyond" exceeds at least one scale or domain limit."""
        gone = omitted_ids(instrument, data.draw(responses(instrument, omissions="beyond")))
        assert exceeded_scopes(instrument, gone)

    @each_instrument
    @given(data=st.data())
    def test_batch_arrays_round_trip_to_responses(
        self, instrument: Instrument, data: st.DataObject
    ) -> None:
        """Arrays have one column per item; rows read back as the responses they encode."""
        dtype = data.draw(st.sampled_from([np.float64, np.int8]))
        array = data.draw(batch_arrays(instrument, max_rows=5, omissions="mixed", dtype=dtype))
        assert array.dtype == np.dtype(dtype)
        assert len(instrument.items) == array.shape[1]
        for row in array:
            assert np.array_equal(
                row,
                to_array(instrument, [row_responses(instrument, row)], dtype=dtype)[0],
                equal_nan=dtype is np.float64,
            )

    def test_bad_arguments_are_refused(self) -> None:
        """Unknown omission modes and impossible row counts raise InvalidArgument."""
        demo = EXTRA[0]
        with pytest.raises(InvalidArgument, match="omissions='some'"):
            responses(demo, omissions="some")  # type: ignore[arg-type]
        with pytest.raises(InvalidArgument, match="min_rows=3, max_rows=2"):
            batch_arrays(demo, min_rows=3, max_rows=2)
        with pytest.raises(InvalidArgument, match="dtype=uint8"):
            batch_arrays(demo, dtype=np.uint8)

    def test_within_is_refused_when_nothing_may_be_omitted(self) -> None:
        """An instrument with max_omitted = 0 everywhere and no strengths cannot omit."""
        strict = attrs.evolve(
            EXTRA[0],
            scales={"total": attrs.evolve(EXTRA[0].scales["total"], max_omitted=0)},
            items=EXTRA[0].items[:2],
        )
        with pytest.raises(InvalidArgument, match="allows no omission"):
            responses(strict, omissions="within")


class TestInvariants:
    @each_instrument
    @given(data=st.data())
    def test_totals_stay_within_each_range(
        self, instrument: Instrument, data: st.DataObject
    ) -> None:
        """Raw totals, bounds and domain totals lie in their ranges; levels match bands."""
        case = data.draw(some_cases(instrument))
        result = case.score(instrument)
        for sid, scale in instrument.scales.items():
            s = result.scales[sid]
            lo, hi = scale.range
            assert lo <= s.raw <= hi
            if s.bounds is not None:
                assert lo <= s.bounds.min <= s.raw <= s.bounds.max <= hi
            assert scale.level(s.raw, case.norm_group) == s.level
        for domain in instrument.domains:
            d = result.domains[domain.id]
            assert domain.range[0] <= d.total <= domain.range[1]

    @each_instrument
    def test_levels_rise_with_the_total(self, instrument: Instrument) -> None:
        """For every norm group, each total has exactly one band and levels never fall."""
        for scale in instrument.scales.values():
            if not scale.bands:
                continue
            for group in instrument.norm_groups or (None,):
                ranks = []
                for total in range(scale.range[0], scale.range[1] + 1):
                    hits = [b for b in scale.bands_for(group) if b.covers(total)]
                    assert 1 == len(hits), (scale.id, group, total)
                    ranks.append(scale.level_rank(hits[0].level))
                assert sorted(ranks) == ranks, (scale.id, group)

    @each_instrument
    @given(data=st.data())
    def test_raising_an_answer_never_lowers_a_total(
        self, instrument: Instrument, data: st.DataObject
    ) -> None:
        """For items whose points rise with the answer, a higher answer never scores less."""
        qualifying = {
            i.id: good for i in instrument.items if (good := monotone_scales(instrument, i)[0])
        }
        if not qualifying:
            return
        case = data.draw(cases(instrument))
        item_id = data.draw(st.sampled_from(sorted(qualifying)))
        raised = data.draw(responses(instrument))[item_id]
        low, high = sorted(
            [case.responses[item_id], raised], key=lambda a: rank(instrument, item_id, a)
        )
        before = SampleCase({**case.responses, item_id: low}, case.assessed_on, case.norm_group)
        after = SampleCase({**case.responses, item_id: high}, case.assessed_on, case.norm_group)
        r0, r1 = before.score(instrument), after.score(instrument)
        for sid in qualifying[item_id]:
            assert r0.scales[sid].raw <= r1.scales[sid].raw, (sid, item_id, low, high)

    @each_instrument
    @given(data=st.data())
    def test_batch_equals_single(self, instrument: Instrument, data: st.DataObject) -> None:
        """Every batch row, from float, int8 or column-mapping input, equals single scoring."""
        rows = data.draw(st.lists(some_cases(instrument), min_size=1, max_size=6))
        answers = [dict(c.responses) for c in rows]
        form = data.draw(st.sampled_from(["float64", "int8", "mapping"]))
        if form == "mapping":
            batch_input: Any = {i.id: [a.get(i.id) for a in answers] for i in instrument.items}
        else:
            try:
                batch_input = to_array(instrument, answers, dtype=form)
            except ValueError:  # an answer above 127: int8 cannot hold it
                batch_input = to_array(instrument, answers)
        groups = [c.norm_group for c in rows] if instrument.norm_groups else None
        out = rnr.score_batch(instrument, batch_input, norm_group=groups)
        for n, case in enumerate(rows):
            assert summarize(case.score(instrument)) == out.row(n)

    @each_instrument
    @given(data=st.data())
    def test_json_round_trip(self, instrument: Instrument, data: st.DataObject) -> None:
        """A result read back from its JSON equals the result."""
        result = data.draw(some_cases(instrument)).score(instrument)
        assert result == ScoreResult.from_json(result.to_json())

    @each_instrument
    @given(data=st.data())
    def test_provisional_bounds_hold_every_completion(
        self, instrument: Instrument, data: st.DataObject
    ) -> None:
        """Every way of answering the omitted items scores within the bounds, which are reached."""
        try:
            case = data.draw(cases(instrument, omissions="within"))
        except InvalidArgument:
            return
        result = case.score(instrument)
        gone = [i for i in instrument.scored_items if case.responses.get(i.id) is None]
        assert bool(gone) == result.provisional
        choices = [i.representatives(instrument.thresholds.get(i.id, ())) for i in gone]
        exhaustive = math.prod(len(c) for c in choices) <= 64
        combos = (
            list(itertools.product(*choices))
            if exhaustive
            else [data.draw(st.tuples(*map(st.sampled_from, choices))) for _ in range(8)]
        )
        reached: dict[str, set[int]] = {sid: set() for sid in instrument.scales}
        for combo in combos:
            filled = {**case.responses, **{i.id: v for i, v in zip(gone, combo, strict=True)}}
            full = SampleCase(filled, case.assessed_on, case.norm_group).score(instrument)
            for sid, s in result.scales.items():
                assert s.bounds is not None or not gone
                lo, hi = (s.bounds.min, s.bounds.max) if s.bounds else (s.raw, s.raw)
                assert lo <= full.scales[sid].raw <= hi, (sid, combo)
                reached[sid].add(full.scales[sid].raw)
            for did, d in result.domains.items():
                lo, hi = d.bounds or (d.total, d.total)
                assert lo <= full.domains[did].total <= hi, (did, combo)
        if exhaustive:
            for sid, s in result.scales.items():
                if s.bounds is not None:
                    assert (s.bounds.min, s.bounds.max) == (min(reached[sid]), max(reached[sid]))

    @each_instrument
    @given(data=st.data())
    def test_too_many_omissions_name_every_missing_item_of_the_scope(
        self, instrument: Instrument, data: st.DataObject
    ) -> None:
        """Beyond a limit, single and batch scoring raise OmissionError naming the scope's items."""
        answers = data.draw(responses(instrument, omissions="beyond"))
        group = (instrument.norm_groups or (None,))[0]
        gone = omitted_ids(instrument, answers)
        exceeded = {s.name: s for s in exceeded_scopes(instrument, gone)}
        with pytest.raises(OmissionError) as single:
            rnr.score(instrument, answers, assessed_on=instrument.effective_from, norm_group=group)
        assert single.value.scope in exceeded
        expected = exceeded[single.value.scope].missing(gone)
        assert expected == single.value.missing
        assert all(i in str(single.value) for i in expected)
        with pytest.raises(OmissionError) as batch:
            rnr.score_batch(instrument, to_array(instrument, [answers]), norm_group=group)
        assert expected == batch.value.missing
        assert "row 0" in str(batch.value)

    @each_instrument
    @given(data=st.data())
    def test_invalid_answers_name_the_item(
        self, instrument: Instrument, data: st.DataObject
    ) -> None:
        """One invalid answer raises ScoringInputError (not OmissionError) naming its item."""
        answers, key = data.draw(invalid_responses(instrument))
        group = (instrument.norm_groups or (None,))[0]
        with pytest.raises(ScoringInputError) as err:
            rnr.score(instrument, answers, assessed_on=dt.date(2024, 6, 3), norm_group=group)
        assert not isinstance(err.value, OmissionError)
        assert key == err.value.item
        assert key in str(err.value)


def broken(document_changes: str) -> Instrument:
    """A small valid instrument parsed from a dict, then broken in memory.

    The loader refuses falling levels and wrong ranges, so the break is made
    on the loaded value with ``attrs.evolve``: exactly what a bug in a loader
    or a hand-built instrument would produce.
    """
    document = {
        "schema": "rnr.instrument/1",
        "id": "broken",
        "version": "1.0.0",
        "status": "unverified",
        "effective_from": dt.date(2024, 1, 1),
        "license": "test",
        "references": ["test"],
        "primary_scale": "total",
        "title": {"es": "Roto", "en": "Broken"},
        "population": {"kind": "adult", "min_age": 18},
        "domains": [{"id": "history"}],
        "items": [
            {
                "id": "priors",
                "domain": "history",
                "factor": "static",
                "kind": "count",
                "bands": [
                    {"max": 0, "points": {}},
                    {"min": 1, "max": 2, "points": {"total": 1}},
                    {"min": 3, "points": {"total": 2}},
                ],
            },
            {
                "id": "weapon",
                "domain": "history",
                "factor": "static",
                "kind": "boolean",
                "points": {"total": 1},
            },
        ],
        "scales": {
            "total": {
                "range": [0, 3],
                "max_omitted": 1,
                "levels": ["low", "high"],
                "bands": [
                    {"min": 0, "max": 1, "level": "low"},
                    {"min": 2, "max": 3, "level": "high"},
                ],
                "source": "test",
            }
        },
    }
    inst = parse_instrument(document)
    total = inst.scales["total"]
    if document_changes == "falling levels":
        total = attrs.evolve(total, bands=(Band(0, 1, "high"), Band(2, 3, "low")))
    elif document_changes == "range too narrow":
        total = attrs.evolve(total, range=(0, 2))
    return attrs.evolve(inst, scales={"total": total})


class TestCheckInstrument:
    @each_instrument
    def test_passes_on_every_instrument(self, instrument: Instrument) -> None:
        """check_instrument finds nothing wrong with the shipped and test instruments."""
        report = check_instrument(instrument, max_examples=15)
        assert [] == [f"{o.name}: {o.detail}" for o in report.failures]
        assert list(CHECKS) == [o.name for o in report.outcomes]
        assert report.ok

    def test_the_unbroken_instrument_passes(self) -> None:
        """The in-memory instrument used below passes before it is broken."""
        assert check_instrument(broken("nothing"), max_examples=20).ok

    @pytest.mark.parametrize(
        ("change", "failing"),
        [
            ("falling levels", "levels rise with the total"),
            ("range too narrow", "totals within range"),
        ],
    )
    def test_fails_on_a_broken_instrument(self, change: str, failing: str) -> None:
        """A broken instrument fails the invariant it breaks, with a counterexample."""
        report = check_instrument(broken(change), max_examples=50)
        assert not report.ok
        outcome = next(o for o in report.outcomes if o.name == failing)
        assert not outcome.passed
        assert outcome.detail

    def test_a_term_on_a_strength_is_refused_or_reported(self) -> None:
        """A term reading a strength item: the loader refuses it, or the checks report it.

        Strength items never count as omissions, so an unanswered strength
        would leave the term undecided on a result that claims to be complete.
        """
        document = {
            "schema": "rnr.instrument/1",
            "id": "strength_term",
            "version": "1.0.0",
            "status": "unverified",
            "effective_from": dt.date(2024, 1, 1),
            "license": "test",
            "references": ["test"],
            "primary_scale": "total",
            "title": {"es": "x", "en": "x"},
            "population": {"kind": "adult", "min_age": 18},
            "domains": [{"id": "d"}],
            "items": [
                {
                    "id": "q",
                    "domain": "d",
                    "factor": "static",
                    "kind": "boolean",
                    "points": {"total": 1},
                },
                {
                    "id": "s",
                    "domain": "d",
                    "factor": "dynamic",
                    "kind": "boolean",
                    "strength": True,
                },
            ],
            "terms": [
                {
                    "id": "t",
                    "domain": "d",
                    "factor": "static",
                    "when": {"item": "s", "is": True},
                    "points": {"total": 1},
                }
            ],
            "scales": {"total": {"range": [0, 2], "source": "test"}},
        }
        try:
            inst = parse_instrument(document)
        except rnr.InstrumentDefinitionError as exc:
            refused = str(exc)
        else:
            refused = ""
        if refused:
            assert "terms[0]" in refused
            return
        report = check_instrument(inst, max_examples=30)
        outcome = next(o for o in report.outcomes if o.name == "totals within range")
        assert not outcome.passed
        assert "term t" in outcome.detail

    def test_same_seed_same_report(self) -> None:
        """The checks are reproducible: the same seed gives the same report."""
        inst = broken("range too narrow")
        assert check_instrument(inst, max_examples=30, seed=3) == check_instrument(
            inst, max_examples=30, seed=3
        )
