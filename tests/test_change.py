"""Change between assessments: RCI, transitions, data errors, versions, signals, policy.

Hand-computed figures use the two-version test instrument in
``tests/data/change/ladder`` (1.0.0: total sd 3.0, r 0.85; history sd 1.0,
r 0.7; 2.0.0 renames antisocial_peers to procriminal_peers, rescores
unemployed, drops job_history, adds housing_unstable) and the every-kind
instrument ``tests/data/kinds``. The shipped instruments declare no
reliability figures; where they are used, figures come from ``reliability=``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import shutil
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rnr
from rnr.change.between import compare
from rnr.change.delta import Change
from rnr.change.desistance import signals
from rnr.change.history import compare_history
from rnr.change.rci import CATEGORIES, category, reliable_change, reliable_change_index
from rnr.change.trend import trajectory
from rnr.definitions.crosswalk import find_crosswalk, load_crosswalk
from rnr.definitions.instrument import Reliability
from rnr.definitions.labels import Labels, load_labels
from rnr.definitions.library import policy_library
from rnr.definitions.policy import ACTIONS, ANSWER_FACTS, Policy
from rnr.definitions.policy_loader import load_policy
from rnr.definitions.ref import Ref
from rnr.errors import ChangeError, DecisionInputError, DefinitionError, InvalidArgumentError
from rnr.events import EVENT_KINDS, FOLLOW_UP_KINDS, POLICY_EVENT_KINDS
from rnr.plan.draft import Attainment
from rnr.policy.answer import (
    ChangeAnswer,
    answer_event,
    change_facts,
    decide_change,
    reassessment_trigger,
    risk_bands,
    step_intensity,
)
from rnr.policy.decision import Decision
from rnr.policy.engine import decide_facts
from rnr.render.change import named
from rnr.render.messages import say
from rnr.testing.strategies import responses
from rnr.testing.worked import load_policy_cases, run_policy_case

DATA = Path(__file__).parent / "data"
LADDER_DIR = DATA / "change"
LIBRARY = rnr.default_library().with_instruments(
    rnr.Library.from_folders(LADDER_DIR).instruments + rnr.Library.from_folders(DATA).instruments
)
LADDER1 = LIBRARY.get("ladder@1.0.0")
LADDER2 = LIBRARY.get("ladder@2.0.0")
KINDS = LIBRARY.get("kinds@1.0.0")
LSCMI = LIBRARY.get("lscmi@1.0.0")
DEMO_POLICY = load_policy(DATA / "policies" / "demo-policy" / "2024-01-01.toml")
POLICIES = list(policy_library())
D1, D2, D3 = dt.date(2024, 3, 1), dt.date(2024, 9, 2), dt.date(2025, 3, 3)
LATER = dt.date(2025, 6, 2)  # ladder 2.0.0 is in force
AGENCY = Reliability(10.0, 0.9, "an agency's own study (invented)")
#: S_diff = 2 / 1.96 to the last bit: a delta of 2 gives an RCI of exactly 1.96.
BOUNDARY = Reliability(1.020408163265306, 0.5, "invented: the 1.96 boundary")

V1 = {
    "prior_convictions": 0, "violent_history": False, "age": 30, "antisocial_peers": False,
    "peer_rating": 0, "substance_use": 0, "unemployed": False, "job_history": False,
}  # fmt: skip
V2 = {
    "prior_convictions": 0, "violent_history": False, "age": 30, "procriminal_peers": False,
    "peer_rating": 0, "substance_use": 0, "unemployed": False, "housing_unstable": False,
}  # fmt: skip
HIGH_DYNAMIC = {
    "antisocial_peers": True, "peer_rating": 3, "substance_use": 4, "unemployed": True,
    "job_history": True,
}  # fmt: skip


def ladder(day: dt.date = D1, version: int = 1, **answers: Any) -> rnr.ScoreResult:
    """Score the ladder instrument; unnamed items take their lowest answer."""
    base, instrument = (V1, LADDER1) if version == 1 else (V2, LADDER2)
    return rnr.score(instrument, {**base, **answers}, assessed_on=day, case_id="c-1")


def lscmi(points: int, day: dt.date) -> rnr.ScoreResult:
    """An LS/CMI result whose first ``points`` scored items are answered yes."""
    ids = [i.id for i in LSCMI.scored_items]
    answers = {item: n < points for n, item in enumerate(ids)}
    return rnr.score(LSCMI, answers, assessed_on=day, norm_group="male")


def kinds(day: dt.date, **answers: Any) -> rnr.ScoreResult:
    """Score the every-kind instrument, male norms."""
    base = {"age": 40, "priors": 0, "weapon": False, "housing": "stable", "peers": 3}
    return rnr.score(KINDS, {**base, "work": False, **answers}, assessed_on=day, norm_group="male")


@pytest.fixture
def without_crosswalk(tmp_path: Path) -> rnr.Library:
    """Both ladder versions, copied without their crosswalks folder."""
    folder = tmp_path / "ladder"
    folder.mkdir()
    for name in ("1.0.0.toml", "2.0.0.toml"):
        shutil.copy(LADDER_DIR / "ladder" / name, folder / name)
    return rnr.Library.from_folders(tmp_path)


# -- the index ------------------------------------------------------------------


class TestReliableChangeIndex:
    def test_hand_computed_figures(self) -> None:
        """SD 10, r 0.9: SEM 3.1623, S_diff 4.4721; -9 is reliable, -8 is not."""
        rc = reliable_change_index(-9, AGENCY)
        assert (3.1623, 4.4721) == (round(rc.sem, 4), round(rc.s_diff, 4))
        assert (-2.0125, "improvement") == (round(rc.rci, 4), rc.category)
        rc = reliable_change_index(-8, AGENCY)
        assert (-1.7889, "none") == (round(rc.rci, 4), rc.category)
        assert "deterioration" == reliable_change_index(9, AGENCY).category

    def test_exactly_at_the_boundary_is_not_reliable(self) -> None:
        """RCI = ±1.96 exactly (sd ≈ 50/49, r 0.5, delta ±2) is within measurement error."""
        figures = BOUNDARY
        assert 1.96 == reliable_change_index(2, figures).rci
        assert "none" == reliable_change_index(2, figures).category
        assert "none" == reliable_change_index(-2, figures).category
        assert "deterioration" == reliable_change_index(3, figures).category
        assert ("none", "none") == (category(1.96), category(-1.96))

    @pytest.mark.parametrize(
        ("figures", "argument"),
        [
            (Reliability(0.0, 0.9, "x"), "reliability.sd"),
            (Reliability(-1.0, 0.9, "x"), "reliability.sd"),
            (Reliability(5.0, 1.0, "x"), "reliability.r"),
            (Reliability(5.0, -0.1, "x"), "reliability.r"),
        ],
    )
    def test_unusable_figures_are_refused(self, figures: Reliability, argument: str) -> None:
        """A zero or negative SD, or r outside [0, 1), names the field."""
        with pytest.raises(InvalidArgumentError) as info:
            reliable_change_index(1, figures)
        assert argument == info.value.argument

    def test_batch_missing_totals_and_shapes(self) -> None:
        """NaN gives NaN and not_computable; arrays of other shapes are refused."""
        rci, codes = reliable_change([12.0, np.nan], [3.0, 4.0], AGENCY)
        assert ["improvement", "not_computable"] == [CATEGORIES[c] for c in codes]
        assert math.isnan(rci[1])
        with pytest.raises(InvalidArgumentError, match="current: got"):
            reliable_change([1, 2], [1, 2, 3], AGENCY)

    @given(
        pairs=st.lists(st.tuples(st.integers(-50, 50), st.integers(-50, 50)), min_size=1),
        sd=st.floats(0.1, 20.0),
        r=st.floats(0.0, 0.99),
    )
    def test_batch_equals_single(self, pairs: list[tuple[int, int]], sd: float, r: float) -> None:
        """Every element of the batch equals the single computation, bit for bit."""
        figures = Reliability(sd, r, "drawn")
        rci, codes = reliable_change([a for a, _ in pairs], [b for _, b in pairs], figures)
        for (a, b), got, code in zip(pairs, rci.tolist(), codes.tolist(), strict=True):
            one = reliable_change_index(b - a, figures)
            assert one.rci == got
            assert one.category == CATEGORIES[code]

    @given(delta=st.integers(-40, 40), sd=st.floats(0.1, 20.0), r=st.floats(0.0, 0.99))
    def test_category_agrees_with_the_threshold(self, delta: int, sd: float, r: float) -> None:
        """Reliable exactly when |RCI| > 1.96; the sign says which way."""
        rc = reliable_change_index(delta, Reliability(sd, r, "drawn"))
        assert (rc.category != "none") == (abs(rc.rci) > 1.96)
        if rc.category != "none":
            assert (rc.category == "improvement") == (rc.rci < 0)


# -- one comparison -------------------------------------------------------------


class TestCompare:
    def test_reliability_declared_by_the_instrument(self) -> None:
        """Total sd 3, r 0.85: S_diff 1.6432; -4 is a reliable improvement, -3 is not."""
        before = ladder(D1, peer_rating=3, substance_use=2)  # 5: medium
        change = compare(before, ladder(D2, peer_rating=1), library=LIBRARY)  # 1: low
        total = change.scales["total"]
        assert (5, 1, -4) == (total.previous, total.current, total.delta)
        assert (1.1619, 1.6432) == (round(total.sem or 0, 4), round(total.s_diff or 0, 4))
        assert (-2.4343, "improvement") == (round(total.rci or 0, 4), total.reliable)
        assert "invented for tests" == total.reliability.source if total.reliability else ""
        within = compare(before, ladder(D2, peer_rating=2), library=LIBRARY).scales["total"]
        assert (-1.8257, "none") == (round(within.rci or 0, 4), within.reliable)

    def test_reliability_given_replaces_the_declared(self) -> None:
        """SD 10, r 0.9 from an agency's study: -9 improves reliably, -8 does not."""
        before = ladder(D1, **HIGH_DYNAMIC)  # 10: high
        nine = compare(
            before, ladder(D2, job_history=True), library=LIBRARY, reliability={"total": AGENCY}
        )
        total = nine.scales["total"]
        assert (-9, -2.0125, "improvement") == (
            total.delta,
            round(total.rci or 0, 4),
            total.reliable,
        )
        assert AGENCY == total.reliability
        assert "invented for tests" == nine.scales["history"].reliability.source  # type: ignore[union-attr]
        eight = compare(
            before,
            ladder(D2, job_history=True, unemployed=True),
            library=LIBRARY,
            reliability={"total": AGENCY},
        )
        assert (-8, -1.7889, "none") == (
            eight.primary.delta,
            round(eight.primary.rci or 0, 4),
            eight.primary.reliable,
        )

    def test_a_delta_exactly_at_the_boundary_is_not_reliable(self) -> None:
        """RCI exactly 1.96 on a comparison is 'none'; one point more is deterioration."""
        figures = {"total": BOUNDARY}
        two = compare(ladder(D1), ladder(D2, peer_rating=2), library=LIBRARY, reliability=figures)
        assert (1.96, "none") == (two.primary.rci, two.primary.reliable)
        three = compare(ladder(D1), ladder(D2, peer_rating=3), library=LIBRARY, reliability=figures)
        assert "deterioration" == three.primary.reliable

    def test_transitions_and_domains(self) -> None:
        """Levels and need levels at both dates; up, down and same; domain deltas."""
        low, high = ladder(D1, peer_rating=1), ladder(D2, **HIGH_DYNAMIC)
        up = compare(low, high, library=LIBRARY)
        assert ("low", "high", "up") == (
            up.primary.previous_level,
            up.primary.current_level,
            up.primary.transition,
        )
        peers = up.domains["peers"]
        assert ("dynamic", 1, 4, 3, "low", "high") == (
            peers.factor,
            peers.previous,
            peers.current,
            peers.delta,
            peers.previous_need,
            peers.current_need,
        )
        assert 6 == up.domains["lifestyle"].delta
        assert 0 == up.domains["history"].delta
        down = compare(ladder(D1, **HIGH_DYNAMIC), ladder(D2, peer_rating=1), library=LIBRARY)
        assert "down" == down.primary.transition
        same = compare(low, ladder(D2, peer_rating=2), library=LIBRARY)
        assert "same" == same.primary.transition

    def test_same_answers_give_zero_deltas(self) -> None:
        """Nothing changed: every delta is 0, 'none' where figures exist."""
        change = compare(ladder(D1, **HIGH_DYNAMIC), ladder(D2, **HIGH_DYNAMIC), library=LIBRARY)
        assert all(0 == s.delta for s in change.scales.values())
        assert all(0 == d.delta for d in change.domains.values())
        assert {"none"} == {s.reliable for s in change.scales.values()}
        assert () == change.data_errors
        assert ("same_version", 185) == (change.basis, change.days)
        assert {} == dict(change.items_left_out)

    def test_without_figures_the_index_is_not_computable(self) -> None:
        """The shipped LS/CMI declares no reliability: the reason says what is missing."""
        change = compare(lscmi(15, D1), lscmi(6, D2))
        total = change.primary
        assert ("not_computable", None, "down") == (total.reliable, total.rci, total.transition)
        assert total.why is not None
        assert "the instrument (lscmi@1.0.0) declares none" in say(total.why, "en")
        assert "La escala total no tiene cifras de confiabilidad" in say(total.why)
        labels = load_labels(rnr.default_library().get("lscmi@1.0.0"), "es")
        shown = say(named(total.why, labels, "es"))
        assert (
            "La escala Puntaje total no tiene cifras de confiabilidad (desviación estándar y r):"
            " no las declara el instrumento (LS/CMI, versión 1.0.0)"
        ) in shown
        with_figures = compare(lscmi(15, D1), lscmi(6, D2), reliability={"total": AGENCY})
        assert "improvement" == with_figures.primary.reliable

    def test_a_provisional_total_has_no_index(self) -> None:
        """An omitted item feeding the scale leaves the index not computable, naming it."""
        answers = {**V1, "substance_use": None}
        partial = rnr.score(LADDER1, answers, assessed_on=D2)
        total = compare(ladder(D1), partial, library=LIBRARY).primary
        assert "not_computable" == total.reliable
        assert total.why is not None
        assert "current assessment is provisional on scale total (omitted: substance_use)" in say(
            total.why, "en"
        )
        assert "La evaluación actual es provisional en la escala total" in say(total.why)
        assert {"scale": "total", "omitted": ["substance_use"]} == total.to_dict()["why"]["params"]

    def test_a_static_item_that_improves_is_a_data_error(self) -> None:
        """Violence yes → no and 3 → 1 priors are errors; an age band is not; more is fine."""
        before = ladder(D1, violent_history=True, prior_convictions=3, age=24)
        change = compare(before, ladder(D2, prior_convictions=1, age=25), library=LIBRARY)
        errors = {e.item: e for e in change.data_errors}
        assert ["prior_convictions", "violent_history"] == sorted(errors)
        assert (True, False) == (
            errors["violent_history"].previous,
            errors["violent_history"].current,
        )
        assert {"total": (2, 1), "history": (2, 1)} == dict(errors["prior_convictions"].points)
        assert "static item violent_history went from yes to no" in say(
            errors["violent_history"].message, "en"
        )
        assert "El ítem estático violent_history pasó de sí a no" in say(
            errors["violent_history"].message
        )
        assert "change.static_fell" == errors["violent_history"].to_dict()["message"]["code"]
        more = compare(ladder(D1), ladder(D2, prior_convictions=4), library=LIBRARY)
        assert () == more.data_errors

    def test_data_errors_of_the_every_kind_instrument(self) -> None:
        """Weapon yes → no is an error; the age item falling out of its band is not."""
        change = compare(kinds(D1, age=24, weapon=True), kinds(D2, age=25), library=LIBRARY)
        assert ["weapon"] == [e.item for e in change.data_errors]
        assert {"violence": (2, 0)} == dict(change.data_errors[0].points)
        assert "not_computable" == change.scales["violence"].reliable  # no figures declared
        assert "none" == change.scales["risk"].reliable  # sd 2.5, r 0.8; -1

    def test_dates_must_ascend(self) -> None:
        """The earlier assessment comes first; the same day is refused too."""
        with pytest.raises(InvalidArgumentError, match=r"current\.assessed_on: got .* previous"):
            compare(ladder(D2), ladder(D1), library=LIBRARY)
        with pytest.raises(InvalidArgumentError, match="a date after previous.assessed_on"):
            compare(ladder(D1), ladder(D1), library=LIBRARY)

    def test_two_people_are_not_compared(self) -> None:
        """Results carrying different case ids are refused, naming both."""
        other = attrs.evolve(ladder(D2), case_id="c-2")
        with pytest.raises(
            InvalidArgumentError, match=r"current.case_id: got .c-2., expected .*\(c-1\)"
        ):
            compare(ladder(D1), other, library=LIBRARY)

    def test_a_changed_definition_is_refused(self) -> None:
        """A result whose content hash differs from the library's names both hashes."""
        tampered = attrs.evolve(ladder(D1), instrument=Ref("ladder", "1.0.0", "0" * 64))
        with pytest.raises(ChangeError, match="previous: the result was scored with ladder@1.0.0"):
            compare(tampered, ladder(D2), library=LIBRARY)

    def test_reliability_for_an_unknown_scale_is_refused(self) -> None:
        """The argument names the scale and the compared ones."""
        with pytest.raises(InvalidArgumentError, match="reliability: got 'risk'.*total, history"):
            compare(ladder(D1), ladder(D2), library=LIBRARY, reliability={"risk": AGENCY})
        with pytest.raises(InvalidArgumentError, match=r"reliability\['total'\].r"):
            compare(
                ladder(D1),
                ladder(D2),
                library=LIBRARY,
                reliability={"total": Reliability(3.0, 1.5, "x")},
            )

    def test_to_dict_is_json(self) -> None:
        """Every field is JSON-ready."""
        change = compare(ladder(D1, violent_history=True), ladder(D2), library=LIBRARY)
        data = json.loads(json.dumps(change.to_dict()))
        assert "same_version" == data["basis"]
        assert "2024-03-01" == data["previous_on"]
        assert -1 == data["scales"]["history"]["delta"]
        assert "violent_history" == data["data_errors"][0]["item"]


# -- versions and crosswalks ----------------------------------------------------


class TestVersions:
    def test_shared_items_across_versions(self, without_crosswalk: rnr.Library) -> None:
        """Totals recomputed on the shared items; levels from each result; reasons given."""
        before = ladder(D1, **HIGH_DYNAMIC, violent_history=True)  # total 11: high
        after = ladder(LATER, 2, procriminal_peers=True, peer_rating=1, unemployed=True,
                       violent_history=True)  # fmt: skip
        change = compare(before, after, library=without_crosswalk)
        assert "shared_items" == change.basis
        assert {
            "antisocial_peers": "only_previous",
            "job_history": "only_previous",
            "unemployed": "scored_differently",
            "procriminal_peers": "only_current",
            "housing_unstable": "only_current",
        } == dict(change.items_left_out)
        total = change.primary
        # shared: prior_convictions 0, violent_history 1, age 0, peer_rating 3 → 1, substance 4 → 0
        assert (8, 2, -6) == (total.previous, total.current, total.delta)
        assert ("high", "medium", "down") == (  # 2.0.0 scores unemployed 2 more: total 5
            total.previous_level,
            total.current_level,
            total.transition,
        )
        assert "not_computable" == total.reliable
        assert total.why is not None
        assert "compared on 5 of 8 items of ladder@2.0.0 (5 of 8 of ladder@1.0.0)" in say(
            total.why, "en"
        )
        history = change.scales["history"]  # identical in both versions: the index applies
        assert (0, "none") == (history.delta, history.reliable)
        assert 2 == change.domains["peers"].previous - change.domains["peers"].current

    def test_a_crosswalk_kept_beside_the_versions_is_used(self) -> None:
        """antisocial_peers ↔ procriminal_peers are compared once the crosswalk pairs them."""
        before = ladder(D1, antisocial_peers=True)
        change = compare(before, ladder(LATER, 2), library=LIBRARY)
        assert "crosswalk" == change.basis
        assert {"antisocial_peers": "procriminal_peers"} == dict(change.renamed)
        assert "procriminal_peers" in change.items_compared
        assert "antisocial_peers" not in change.items_left_out
        assert (1, 0) == (change.primary.previous, change.primary.current)
        assert change.primary.why is not None
        assert "compared on 6 of 8 items" in say(change.primary.why, "en")
        assert change.crosswalk is not None
        assert change.crosswalk.endswith("1.0.0_to_2.0.0.toml")

    def test_a_crosswalk_given_explicitly(self, without_crosswalk: rnr.Library) -> None:
        """A loaded crosswalk works with a library that does not keep it."""
        crosswalk = load_crosswalk(
            LADDER_DIR / "ladder" / "crosswalks" / "1.0.0_to_2.0.0.toml", library=LIBRARY
        )
        assert ("ladder@1.0.0", "ladder@2.0.0") == (crosswalk.from_ref, crosswalk.to_ref)
        change = compare(
            ladder(D1), ladder(LATER, 2), library=without_crosswalk, crosswalk=crosswalk
        )
        assert "crosswalk" == change.basis
        assert None is find_crosswalk(without_crosswalk, "ladder@1.0.0", "ladder@2.0.0")
        with pytest.raises(
            InvalidArgumentError, match="a crosswalk from ladder@1.0.0 to ladder@1.0.0"
        ):
            compare(ladder(D1), ladder(D2), library=LIBRARY, crosswalk=crosswalk)

    def test_different_instruments_need_a_crosswalk(self) -> None:
        """Another instrument id: the error names both refs and what would make it possible."""
        with pytest.raises(ChangeError) as info:
            compare(kinds(D1), ladder(D2), library=LIBRARY)
        message = str(info.value)
        assert "cannot compare kinds@1.0.0 with ladder@1.0.0" in message
        assert "crosswalk" in message
        assert "instruments/ladder/crosswalks/" in message
        assert ("kinds@1.0.0", "ladder@1.0.0") == (info.value.previous, info.value.current)

    def test_versions_sharing_nothing_need_a_crosswalk(self, tmp_path: Path) -> None:
        """Same id, every item renamed: nothing shared, and the error says what would help."""
        folder = tmp_path / "ladder"
        folder.mkdir()
        shutil.copy(LADDER_DIR / "ladder" / "1.0.0.toml", folder / "1.0.0.toml")
        text = (LADDER_DIR / "ladder" / "2.0.0.toml").read_text(encoding="utf-8")
        for item in V2:
            text = text.replace(f'id = "{item}"', f'id = "new_{item}"')
        (folder / "2.0.0.toml").write_text(text, encoding="utf-8")
        library = rnr.Library.from_folders(tmp_path)
        after = rnr.score(
            library.get("ladder@2.0.0"), {f"new_{k}": v for k, v in V2.items()}, assessed_on=LATER
        )
        with pytest.raises(ChangeError, match="the versions share no item.*crosswalk"):
            compare(ladder(D1), after, library=library)


class TestCrosswalkFiles:
    GOOD = (
        'schema = "rnr.crosswalk/1"\nfrom = "ladder@1.0.0"\nto = "ladder@2.0.0"\n'
        'references = ["test"]\n\n[items]\nantisocial_peers = "procriminal_peers"\n'
    )

    @pytest.mark.parametrize(
        ("old", "new", "fragments"),
        [
            ('references = ["test"]', 'references = ["test"]\nnote = "x"', ["note: unknown key"]),
            ('"rnr.crosswalk/1"', '"rnr.crosswalk/2"', ["schema: got 'rnr.crosswalk/2'"]),
            (
                'from = "ladder@1.0.0"',
                'from = "ladder@9.9.9"',
                ["from: got 'ladder@9.9.9', expected a known instrument version: ladder@1.0.0"],
            ),
            ('from = "ladder@1.0.0"', 'from = "ladder"', ["from: got 'ladder', expected an"]),
            ('to = "ladder@2.0.0"', 'to = "ladder@1.0.0"', ["to: got 'ladder@1.0.0'", "another"]),
            ('references = ["test"]', "references = []", ["references: got [], expected at least"]),
            (
                'antisocial_peers = "procriminal_peers"',
                'nope = "procriminal_peers"',
                ["items.nope: 'nope' is not an item of ladder@1.0.0"],
            ),
            (
                'antisocial_peers = "procriminal_peers"',
                'antisocial_peers = "nope"',
                ["items.antisocial_peers: got 'nope', expected an item of ladder@2.0.0"],
            ),
            (
                'antisocial_peers = "procriminal_peers"',
                'antisocial_peers = "procriminal_peers"\njob_history = "procriminal_peers"',
                ["items.job_history: 'procriminal_peers' is already the target"],
            ),
            ('[items]\nantisocial_peers = "procriminal_peers"\n', "[items]\n", ["items: got {}"]),
        ],
    )
    def test_a_malformed_crosswalk_names_file_and_path(
        self, tmp_path: Path, old: str, new: str, fragments: list[str]
    ) -> None:
        """Every check reports the file, the dotted path, the value and what was expected."""
        path = tmp_path / "bad.toml"
        assert old in self.GOOD
        path.write_text(self.GOOD.replace(old, new), encoding="utf-8")
        with pytest.raises(DefinitionError) as info:
            load_crosswalk(path, library=LIBRARY)
        message = str(info.value)
        assert message.startswith(str(path))
        for fragment in fragments:
            assert fragment in message

    def test_a_crosswalk_in_another_instruments_folder(self, tmp_path: Path) -> None:
        """A crosswalk kept under crosswalks/ belongs to one of its two instruments."""
        path = tmp_path / "kinds" / "crosswalks" / "x.toml"
        path.parent.mkdir(parents=True)
        path.write_text(self.GOOD, encoding="utf-8")
        with pytest.raises(DefinitionError, match="to: got 'ladder@2.0.0', expected an instrument"):
            load_crosswalk(path, library=LIBRARY)


# -- history, trajectory, signals ---------------------------------------------------

YEARS = [dt.date(2016, 1, 1), dt.date(2020, 1, 1), dt.date(2024, 1, 1), dt.date(2028, 1, 1)]


class TestTrajectory:
    def test_hand_computed_slope(self) -> None:
        """x = 0, 4, 8, 12 years; y = 20, 14, 11, 5: slope -96/80 = -1.2, intercept 19.7."""
        t = trajectory([lscmi(n, d) for n, d in zip([20, 14, 11, 5], YEARS, strict=True)])
        assert (4, "total", YEARS[0], YEARS[-1]) == (t.n, t.scale, t.first, t.last)
        assert (20, 14, 11, 5) == t.totals
        assert -1.2 == pytest.approx(t.slope_per_year, abs=1e-12)
        assert 19.7 == pytest.approx(t.intercept, abs=1e-12)
        assert ("lscmi@1.0.0",) == t.instruments
        assert "2016-01-01" == json.loads(json.dumps(t.to_dict()))["first"]

    def test_too_few_or_unsorted_are_refused(self) -> None:
        """Three or more assessments, in ascending date order; a known scale."""
        results = [lscmi(n, d) for n, d in zip([20, 14, 11], YEARS[:3], strict=True)]
        with pytest.raises(InvalidArgumentError, match="results: got '2 assessment"):
            trajectory(results[:2])
        with pytest.raises(InvalidArgumentError, match=r"results\[1\].assessed_on: .* ascending"):
            trajectory([results[1], results[0], results[2]])
        with pytest.raises(InvalidArgumentError, match="scale: got 'fta', expected a scale"):
            trajectory(results, scale="fta")


class TestHistory:
    def test_steps_overall_and_trajectory(self) -> None:
        """Three assessments: two steps, first → last, and the trend."""
        results = [lscmi(n, d) for n, d in zip([20, 14, 11], YEARS[:3], strict=True)]
        history = compare_history(results, reliability={"total": AGENCY})
        assert 2 == len(history.steps)
        assert (-6, -3) == tuple(s.primary.delta for s in history.steps)
        assert (-9, "improvement") == (
            history.overall.primary.delta,
            history.overall.primary.reliable,
        )
        assert history.trajectory is not None
        assert -1.125 == pytest.approx(history.trajectory.slope_per_year)
        two = compare_history(results[:2])
        assert two.overall is two.steps[0]
        assert two.trajectory is None
        assert 1 == len(json.loads(json.dumps(two.to_dict()))["steps"])

    def test_the_crosswalk_applies_to_its_own_versions(self) -> None:
        """A history across versions uses the crosswalk kept beside them."""
        results = [ladder(D1), ladder(D2, peer_rating=1), ladder(LATER, 2, peer_rating=2)]
        history = compare_history(results, library=LIBRARY)
        assert ("same_version", "crosswalk") == tuple(s.basis for s in history.steps)
        assert "crosswalk" == history.overall.basis
        assert history.trajectory is not None


def steps_of(totals: list[int], days: list[dt.date], **options: Any) -> tuple[Change, ...]:
    """The steps between LS/CMI results with these totals."""
    results = [lscmi(n, d) for n, d in zip(totals, days, strict=True)]
    return compare_history(results, **options).steps


DAYS3 = [D1, D2, D3]
ENTRY = dt.date(2023, 1, 2)


def read(steps: tuple[Change, ...], events: list[tuple[str, dt.date]] | None = None,
         **options: Any) -> tuple[str, ...]:  # fmt: skip
    """The codes of the signals read as of 2025-03-10, followed since 2023-01-02."""
    options = {"attainment": None, "followed_since": ENTRY, "window_months": 12, **options}
    found = signals(steps, events=events or [], as_of=dt.date(2025, 3, 10), **options)
    return found.codes()


class TestSignals:
    def test_sustained_reliable_improvement(self) -> None:
        """Two steps, -12 overall (RCI -2.68 with SD 10, r 0.9), the last step not worse."""
        steps = steps_of([20, 14, 8], DAYS3, reliability={"total": AGENCY})
        found = signals(
            steps, events=[], attainment=None, followed_since=ENTRY,
            as_of=dt.date(2025, 3, 10), window_months=12,
        )  # fmt: skip
        improvement = found.desistance[0]
        assert "sustained_improvement" == improvement.code
        assert -12 == improvement.evidence["delta"]
        assert -2.6833 == round(improvement.evidence["rci"], 4)
        assert "RCI -2.68" in say(improvement.message, "en")
        assert "Mejora confiable y sostenida" in say(improvement.message)
        assert json.dumps(found.to_dict())

    def test_improvement_within_error_is_not_sustained(self) -> None:
        """-8 overall with SD 10, r 0.9 is within measurement error, though the level fell."""
        steps = steps_of([14, 10, 6], DAYS3, reliability={"total": AGENCY})
        assert "sustained_improvement" not in read(steps)

    def test_without_figures_a_lower_level_counts(self) -> None:
        """No reliability figures: the level falling (medium → low) is the signal."""
        steps = steps_of([14, 12, 8], DAYS3)
        found = signals(
            steps, events=[], attainment=None, followed_since=ENTRY,
            as_of=dt.date(2025, 3, 10), window_months=12,
        )  # fmt: skip
        assert "sustained_improvement" == found.desistance[0].code
        assert "from medium to low" in say(found.desistance[0].message, "en")
        assert "sustained_improvement" not in read(steps_of([14, 12], DAYS3[:2]))  # one step only

    def test_a_last_step_that_rises_spoils_it(self) -> None:
        """A level rise or a reliable deterioration in the last step: warnings instead."""
        steps = steps_of([30, 8, 20], DAYS3, reliability={"total": AGENCY})
        codes = read(steps)
        assert "sustained_improvement" not in codes
        assert {"reliable_deterioration", "level_up"} <= set(codes)

    def test_no_new_offence_needs_the_whole_window(self) -> None:
        """12 months without a new offence, followed at least that long."""
        steps = steps_of([14, 14], DAYS3[:2])
        assert "no_new_offence" in read(steps, [("breach", dt.date(2025, 1, 5))])
        assert "no_new_offence" not in read(steps, [("new_offence", dt.date(2024, 6, 1))])
        assert "no_new_offence" in read(steps, [("new_offence", dt.date(2024, 3, 9))])
        assert "no_new_offence" not in read(steps, followed_since=dt.date(2024, 6, 1))

    def test_attainment_met(self) -> None:
        """The PII threshold reached is a desistance signal; below it, none."""
        steps = steps_of([14, 14], DAYS3[:2])
        assert "attainment_met" in read(steps, attainment=Attainment(7, 10, 70.0, 70))
        assert "attainment_met" not in read(steps, attainment=Attainment(6, 10, 60.0, 70))

    def test_events_since_the_previous_assessment_warn(self) -> None:
        """New offence, breach and revocation after the previous assessment; older ones not."""
        steps = steps_of([14, 14, 14], DAYS3)  # previous assessment of the last step: D2
        events = [
            ("new_offence", dt.date(2024, 10, 1)),
            ("breach", dt.date(2025, 1, 2)),
            ("revocation", dt.date(2025, 3, 5)),
            ("breach", dt.date(2024, 5, 1)),  # before D2
            ("attendance", dt.date(2025, 1, 2)),
        ]
        found = signals(
            steps, events=events, attainment=None, followed_since=ENTRY,
            as_of=dt.date(2025, 3, 10), window_months=12,
        )  # fmt: skip
        warnings = {w.code: w for w in found.warnings}
        assert {"new_offence", "breach", "revocation"} == set(warnings)
        assert ["2025-01-02"] == warnings["breach"].evidence["dates"]
        assert "no_new_offence" not in found.codes()

    def test_static_data_errors_warn(self) -> None:
        """A static item that fell in any step is a warning, with the item named."""
        steps = compare_history(
            [ladder(D1, violent_history=True), ladder(D2), ladder(D3)], library=LIBRARY
        ).steps
        found = signals(
            steps, events=[], attainment=None, followed_since=ENTRY,
            as_of=dt.date(2025, 3, 10), window_months=12,
        )  # fmt: skip
        error = next(w for w in found.warnings if w.code == "static_data_error")
        assert ["violent_history"] == error.evidence["items"]
        fell = steps[0].data_errors[0].message
        assert "1 ítem estático bajó entre evaluaciones: " + say(fell) == say(error.message)
        assert "1 static item fell between assessments: " + say(fell, "en") == say(
            error.message, "en"
        )
        labels = Labels(
            "ladder",
            "es",
            "Escalera",
            items={"violent_history": "Historia de violencia"},
            scales={"total": "Puntaje total", "history": "Historia"},
        )
        assert (
            "1 ítem estático bajó entre evaluaciones: El ítem estático Historia de violencia"
            " pasó de sí a no (puntos: Historia 1→0, Puntaje total 1→0)"
        ) in say(named(error.message, labels, "es"))
        assert [fell.to_dict()] == json.loads(json.dumps(found.to_dict()))["warnings"][-1][
            "message"
        ]["params"]["errors"]

    def test_several_static_data_errors_are_listed_in_each_language(self) -> None:
        """The items' sentences follow one another: a space in Spanish, a semicolon in English."""
        before = ladder(D1, violent_history=True, prior_convictions=3)
        steps = compare_history([before, ladder(D2, prior_convictions=1)], library=LIBRARY).steps
        found = signals(
            steps, events=[], attainment=None, followed_since=ENTRY,
            as_of=dt.date(2025, 3, 10), window_months=12,
        )  # fmt: skip
        error = next(w for w in found.warnings if w.code == "static_data_error")
        es, en = ([say(e.message, lang) for e in steps[0].data_errors] for lang in ("es", "en"))
        assert f"2 ítems estáticos bajaron entre evaluaciones: {' '.join(es)}" == say(error.message)
        assert f"2 static items fell between assessments: {'; '.join(en)}" == say(
            error.message, "en"
        )

    def test_bad_arguments_are_refused(self) -> None:
        """Unknown event kinds, a window below one month, as_of before follow-up."""
        steps = steps_of([14, 14], DAYS3[:2])
        with pytest.raises(InvalidArgumentError, match=r"events\[0\]: got 'arrest'"):
            read(steps, [("arrest", D1)])
        with pytest.raises(InvalidArgumentError, match="window_months: got 0"):
            read(steps, window_months=0)
        with pytest.raises(InvalidArgumentError, match="as_of: got"):
            read(steps, followed_since=dt.date(2026, 1, 1))


# -- the policy's answer --------------------------------------------------------

RULES = [
    # (transition, reliable, new_offence, breach) → action, rule
    (("down", "improvement", True, False), "step_up", "chg-new-offence"),
    (("same", "none", False, True), "step_up", "chg-breach"),
    (("up", "not_computable", False, False), "step_up", "chg-level-up"),
    (("same", "deterioration", False, False), "step_up", "chg-same-deterioration"),
    (("down", "improvement", False, False), "step_down", "chg-down-confirmed"),
    (("down", "not_computable", False, False), "step_down", "chg-down-confirmed"),
    (("down", "none", False, False), "keep", "chg-down-within-error"),
    (("same", "none", False, False), "keep", "chg-keep"),
    (("same", "improvement", False, False), "keep", "chg-keep"),
]


def facts_of(transition: str, reliable: str, offence: bool, breach: bool) -> dict[str, Any]:
    """The change.* facts by name."""
    return {
        "change.transition": transition,
        "change.reliable": reliable,
        "change.new_offence": offence,
        "change.breach": breach,
    }


class TestPolicyAnswer:
    @pytest.mark.parametrize("policy", POLICIES, ids=[p.id for p in POLICIES])
    @pytest.mark.parametrize(
        ("given", "action", "rule"), RULES, ids=[r[2] + "-" + r[0][1] for r in RULES]
    )
    def test_each_rule(
        self, policy: Policy, given: tuple[str, str, bool, bool], action: str, rule: str
    ) -> None:
        """Every rule of both shipped policies answers as written, with its source and note."""
        answer = decide_change(policy, facts_of(*given))
        assert (action, rule) == (answer.action, answer.rule)
        assert answer.source
        assert answer.note.es
        assert answer.note.en
        assert [rule] == [f.rule for f in answer.trace]
        assert json.dumps(answer.to_dict())

    def test_from_a_comparison(self) -> None:
        """change_facts reads the primary scale and the events since the previous assessment."""
        change = compare(lscmi(15, D1), lscmi(6, D2))
        facts = change_facts(change, events_since_previous=["attendance"])
        assert facts_of("down", "not_computable", False, False) == facts
        answer = decide_change(policy_library().get("cl-adultos-18216"), facts)
        assert "step_down" == answer.action
        facts = change_facts(change, events_since_previous=("breach",))
        assert "step_up" == decide_change(policy_library().get("cl-adultos-18216"), facts).action
        with pytest.raises(DecisionInputError, match="events_since_previous: got 'arrest'"):
            change_facts(change, events_since_previous=["arrest"])
        with pytest.raises(DecisionInputError, match="got the string 'breach'"):
            change_facts(change, events_since_previous="breach")

    def test_missing_table_or_fact(self) -> None:
        """No change table, a missing fact, a value the input refuses: each named."""
        with pytest.raises(
            DecisionInputError, match="tables.change: policy demo-policy@2024-01-01"
        ):
            decide_change(DEMO_POLICY, facts_of("down", "none", False, False))
        adult = policy_library().get("cl-adultos-18216")
        facts = facts_of("down", "none", False, False)
        del facts["change.breach"]
        with pytest.raises(
            DecisionInputError, match=r"change\.breach: missing, expected true or false"
        ):
            decide_change(adult, facts)
        with pytest.raises(DecisionInputError, match="change.transition: missing"):
            decide_change(adult, facts_of(None, "none", False, False))  # type: ignore[arg-type]

    @pytest.mark.parametrize("policy", POLICIES, ids=[p.id for p in POLICIES])
    def test_reassessment_triggers(self, policy: Policy) -> None:
        """New offence and breach: within 30 days; the others: no reassessment."""
        for kind in EVENT_KINDS:
            trigger = reassessment_trigger(policy, kind)
            if kind in ("new_offence", "breach"):
                assert trigger is not None
                assert (30, kind) == (trigger.days, trigger.event)
                assert dt.date(2024, 3, 31) == trigger.due(D1)
                assert trigger.note.es
                assert trigger.source
            else:
                assert trigger is None
        with pytest.raises(DecisionInputError, match="event.kind: got 'arrest', expected one of"):
            reassessment_trigger(policy, "arrest")
        with pytest.raises(DecisionInputError, match="tables.event_reassessment"):
            reassessment_trigger(DEMO_POLICY, "breach")

    @pytest.mark.parametrize("policy", POLICIES, ids=[p.id for p in POLICIES])
    @settings(max_examples=40)
    @given(
        transition=st.sampled_from(ANSWER_FACTS["change.transition"][1]),
        reliable=st.sampled_from(CATEGORIES),
        offence=st.booleans(),
        breach=st.booleans(),
    )
    def test_one_action_for_every_combination(
        self, policy: Policy, transition: str, reliable: str, offence: bool, breach: bool
    ) -> None:
        """Exactly one action always; step_up whenever there is a new offence."""
        answer = decide_change(policy, facts_of(transition, reliable, offence, breach))
        assert answer.action in ACTIONS
        assert 1 == len(answer.trace)
        if offence or breach or transition == "up":
            assert "step_up" == answer.action

    @pytest.mark.parametrize("policy", POLICIES, ids=[p.id for p in POLICIES])
    def test_the_whole_input_space(self, policy: Policy) -> None:
        """All 48 combinations answer; the decision never reads the change inputs."""
        space = itertools.product(("down", "same", "up"), CATEGORIES, (False, True), (False, True))
        actions = {decide_change(policy, facts_of(*combo)).action for combo in space}
        assert set(ACTIONS) == actions
        assert not any(
            s.source.startswith(("change.", "event.")) for s in policy.decision_inputs.values()
        )
        assert {"transition", "reliable_change", "new_offence", "breach", "event"} == (
            set(policy.inputs) - set(policy.decision_inputs) - set(policy.derived_inputs)
        )

    def test_a_decision_never_asks_for_change_facts(self) -> None:
        """decide_facts works without any change.* or event.* fact."""
        adult = policy_library().get("cl-adultos-18216")
        legal = rnr.cases.legal.parse_legal(
            {"regime": "adult", "sanction": "LV", "sentence_days": 900, "offences": [],
             "prior_convictions": 0, "entry_date": "2024-03-01"}
        )  # fmt: skip
        known = {"risk_level": "medium", "high_needs": 1, "criminogenic_needs": frozenset()}
        decision = decide_facts(adult, known, legal, assessed_on=D1)
        assert "transition" not in decision.inputs

    def test_the_vocabulary_matches_the_change_package(self) -> None:
        """change.reliable takes exactly the categories rnr.change gives."""
        assert CATEGORIES == ANSWER_FACTS["change.reliable"][1]
        assert POLICY_EVENT_KINDS == ANSWER_FACTS["event.kind"][1]
        assert set(EVENT_KINDS) == set(POLICY_EVENT_KINDS) | set(FOLLOW_UP_KINDS)


def decided_at(level: str, sanction: str = "LV", *, high_needs: int = 1) -> tuple[Decision, Any]:
    """A shipped adult decision at ``level`` under ``sanction``, and its legal context."""
    legal = rnr.cases.legal.parse_legal(
        {"regime": "adult", "sanction": sanction, "sentence_days": 900, "offences": [],
         "prior_convictions": 0, "entry_date": "2024-03-01", "sentence_date": "2024-02-20"}
    )  # fmt: skip
    known = {"risk_level": level, "high_needs": high_needs, "criminogenic_needs": frozenset()}
    return decide_facts(ADULT_POLICY, known, legal, assessed_on=D1), legal


ADULT_POLICY = policy_library().get("cl-adultos-18216")


def stepping(action: str) -> ChangeAnswer:
    """An answer of the adult policy's change table with ``action`` (rule ``test``)."""
    return attrs.evolve(
        decide_change(ADULT_POLICY, facts_of("same", "none", False, False)),
        action=action,
        rule="test",
    )


class TestAnswerActs:
    """An answer of the change table moves the intensity one band, or says why it cannot."""

    def test_an_event_is_answered_from_the_rules_that_read_no_more_than_it(self) -> None:
        """A breach or a new offence steps up; other kinds wait for the reassessment."""
        for kind, rule in (("breach", "chg-breach"), ("new_offence", "chg-new-offence")):
            answer = answer_event(ADULT_POLICY, kind)
            assert answer is not None
            assert ("step_up", rule) == (answer.action, answer.rule)
            assert {"new_offence": kind == "new_offence", "breach": kind == "breach"} == dict(
                answer.inputs
            )
        for kind in set(EVENT_KINDS) - {"breach", "new_offence"}:
            assert answer_event(ADULT_POLICY, kind) is None
        with pytest.raises(DecisionInputError, match="event.kind: got 'party'"):
            answer_event(ADULT_POLICY, "party")

    def test_an_event_read_alone_never_skips_a_rule_that_needs_the_reassessment(self) -> None:
        """A rule reading the change of score before the event's rule leaves the answer open."""
        table = ADULT_POLICY.tables["change"]
        rules = (*table.rules[2:3], *table.rules[:2], *table.rules[3:])  # chg-level-up first
        policy = attrs.evolve(
            ADULT_POLICY, tables={**ADULT_POLICY.tables, "change": attrs.evolve(table, rules=rules)}
        )
        assert answer_event(policy, "breach") is None

    def test_a_step_up_moves_the_intensity_to_the_next_band(self) -> None:
        """From medium, a step up gives the intensity of high; the risk level stays."""
        decision, legal = decided_at("medium")
        step, after = step_intensity(
            ADULT_POLICY, decision, stepping("step_up"), legal=legal, assessed_on=D1,
            band=None, cause="event",
        )  # fmt: skip
        high, _ = decided_at("high")
        assert ("applied", "medium", "high") == (step.status, step.band_before, step.band)
        assert (decision.intensity, high.intensity) == (step.before, step.after)
        assert high.intensity == after.intensity
        assert "medium" == after.risk_level
        assert ["change", "intensity"] == [f.table for f in after.trace[-2:]]

    def test_a_reassessment_step_carries_the_level_with_it(self) -> None:
        """At a reassessment a step up never ends below the new level, a step down above it."""
        decision, legal = decided_at("very_high")
        up, _ = step_intensity(
            ADULT_POLICY, decision, stepping("step_up"), legal=legal, assessed_on=D1,
            band="medium", cause="reassessment",
        )  # fmt: skip
        assert ("medium", "very_high", "applied") == (up.band_before, up.band, up.status)
        low, legal = decided_at("very_low")
        down, _ = step_intensity(
            ADULT_POLICY, low, stepping("step_down"), legal=legal, assessed_on=D1,
            band="high", cause="reassessment",
        )  # fmt: skip
        assert ("high", "very_low") == (down.band_before, down.band)
        kept, stays = step_intensity(
            ADULT_POLICY, low, stepping("keep"), legal=legal, assessed_on=D1,
            band="medium", cause="reassessment",
        )  # fmt: skip
        medium, _ = decided_at("medium")
        assert ("kept", "medium", medium.intensity) == (kept.status, kept.band, stays.intensity)

    @pytest.mark.parametrize(
        ("level", "sanction", "action", "reason"),
        [
            ("very_high", "LV", "step_up", "top"),
            ("very_low", "LV", "step_down", "bottom"),
            ("medium", "RC", "step_up", "fixed"),
            ("low", "RP", "step_down", "fixed"),
        ],
    )
    def test_a_step_the_policy_cannot_take_is_refused_with_its_reason(
        self, level: str, sanction: str, action: str, reason: str
    ) -> None:
        """No band beyond the ends; a control sentence has one intensity at every level."""
        decision, legal = decided_at(level, sanction)
        step, after = step_intensity(
            ADULT_POLICY, decision, stepping(action), legal=legal, assessed_on=D1,
            band=None, cause="event",
        )  # fmt: skip
        assert ("refused", level, level) == (step.status, step.band_before, step.band)
        assert step.reason is not None
        assert f"change.step.refused.{reason}" == step.reason.code
        assert decision.intensity == after.intensity == step.after
        assert sanction in say(step.reason)
        assert "refused" == step.to_dict()["status"]

    def test_no_intensity_rule_at_the_band_is_a_refusal(self) -> None:
        """A band the intensity table leaves without a rule cannot be stepped into."""
        table = ADULT_POLICY.tables["intensity"]
        rules = tuple(r for r in table.rules if r.id != "int-lv-lvi-high")
        policy = attrs.evolve(
            ADULT_POLICY,
            tables={**ADULT_POLICY.tables, "intensity": attrs.evolve(table, rules=rules)},
        )
        decision, legal = decided_at("medium")
        step, _ = step_intensity(
            policy, decision, stepping("step_up"), legal=legal, assessed_on=D1,
            band=None, cause="event",
        )  # fmt: skip
        assert step.reason is not None
        assert ("refused", "change.step.refused.no_rule") == (step.status, step.reason.code)

    def test_the_bands_are_the_policy_levels(self) -> None:
        """Bands are the levels of the risk_level input, lowest first."""
        assert ("very_low", "low", "medium", "high", "very_high") == risk_bands(ADULT_POLICY)
        juvenile = policy_library().get("cl-juvenil-20084")
        assert ("low", "moderate", "high", "very_high") == risk_bands(juvenile)


class TestWorkedChangeCases:
    @pytest.mark.parametrize("policy", POLICIES, ids=[p.id for p in POLICIES])
    def test_the_shipped_cases_cover_every_rule(self, policy: Policy) -> None:
        """tests/change.toml beside each policy holds and fires every answer rule."""
        assert policy.path is not None
        cases = load_policy_cases(Path(policy.path).parent / "tests" / "change.toml")
        fired = set()
        for case in cases.cases:
            assert [] == run_policy_case(policy, case), case.name
            fired.update(case.expect.get("fired", []))
        rules = {r.id for t in ("change", "event_reassessment") for r in policy.tables[t].rules}
        assert rules == fired

    HEAD = 'schema = "rnr.policy-cases/1"\npolicy = "cl-adultos-18216@2024-01-13"\n\n[[cases]]\n'

    def test_a_wrong_expectation_is_reported(self, tmp_path: Path) -> None:
        """A change case and an event case that expect the wrong answer each say how."""
        path = tmp_path / "tests" / "wrong.toml"
        path.parent.mkdir()
        path.write_text(
            self.HEAD + 'name = "wrong"\nchange = { transition = "up", reliable = "none", '
            "new_offence = false, breach = false }\n"
            'expect = { action = "keep", fired = ["chg-keep"] }\n\n[[cases]]\n'
            'name = "wrong event"\nevent = "attendance"\n'
            "expect = { reassess_within_days = 30 }\n",
            encoding="utf-8",
        )
        cases = load_policy_cases(path)
        policy = policy_library().get("cl-adultos-18216")
        change, event = (run_policy_case(policy, c) for c in cases.cases)
        assert "action: expected 'keep', got 'step_up' (rule chg-level-up)" == change[0]
        assert "fired: rule 'chg-keep' did not fire" in change[1]
        assert ["reassess_within_days: expected 30, got None"] == event

    @pytest.mark.parametrize(
        ("case", "fragment"),
        [
            (
                (
                    'name = "x"\nchange = { transition = "up", reliable = "none",'
                    ' new_offence = false }\nexpect = { action = "keep" }\n'
                ),
                "cases[0].change.breach: missing required key",
            ),
            (
                'name = "x"\nevent = "breach"\nexpect = { action = "keep" }\n',
                "cases[0].expect.action: unknown key",
            ),
            (
                'name = "x"\nevent = "breach"\nassessed_on = 2024-01-01\nexpect = {}\n',
                "cases[0].assessed_on: unknown key",
            ),
            (
                'name = "x"\nevent = "breach"\nexpect = { reassess_within_days = "30" }\n',
                "cases[0].expect.reassess_within_days: got '30', expected an integer",
            ),
        ],
    )
    def test_malformed_cases_are_refused(self, tmp_path: Path, case: str, fragment: str) -> None:
        """The allow-list of each kind of case names the dotted path at fault."""
        path = tmp_path / "bad.toml"
        path.write_text(self.HEAD + case, encoding="utf-8")
        with pytest.raises(DefinitionError, match=fragment.replace("[", r"\[").replace("]", r"\]")):
            load_policy_cases(path)


# -- properties ------------------------------------------------------------------

ANSWERS = responses(LADDER1)


@settings(max_examples=40)
@given(a=ANSWERS, b=ANSWERS)
def test_swapping_negates_every_delta_and_index(a: dict[str, Any], b: dict[str, Any]) -> None:
    """a then b, and b then a: every delta and RCI changes sign, levels swap."""
    one = compare(
        rnr.score(LADDER1, a, assessed_on=D1),
        rnr.score(LADDER1, b, assessed_on=D2),
        library=LIBRARY,
    )
    two = compare(
        rnr.score(LADDER1, b, assessed_on=D1),
        rnr.score(LADDER1, a, assessed_on=D2),
        library=LIBRARY,
    )
    for name, s in one.scales.items():
        t = two.scales[name]
        assert -s.delta == t.delta
        assert s.rci is not None
        assert t.rci is not None
        assert -s.rci == t.rci
        assert (s.previous_level, s.current_level) == (t.current_level, t.previous_level)
    for name, d in one.domains.items():
        assert -d.delta == two.domains[name].delta


@settings(max_examples=40)
@given(a=ANSWERS, b=ANSWERS)
def test_the_category_agrees_with_the_index(a: dict[str, Any], b: dict[str, Any]) -> None:
    """Every scale's category is reliable exactly when |RCI| > 1.96."""
    change = compare(
        rnr.score(LADDER1, a, assessed_on=D1),
        rnr.score(LADDER1, b, assessed_on=D2),
        library=LIBRARY,
    )
    for s in change.scales.values():
        assert s.rci is not None
        assert (s.reliable != "none") == (abs(s.rci) > 1.96)
        assert s.delta == s.current - s.previous


@settings(max_examples=40)
@given(a=ANSWERS)
def test_a_result_compared_with_itself_does_not_change(a: dict[str, Any]) -> None:
    """The same answers on two dates: zero deltas, 'none' or 'not_computable', no errors."""
    for instrument, reliability in ((LADDER1, None), (LADDER1, {"total": AGENCY})):
        change = compare(
            rnr.score(instrument, a, assessed_on=D1),
            rnr.score(instrument, a, assessed_on=D2),
            library=LIBRARY,
            reliability=reliability,
        )
        assert all(0 == s.delta for s in change.scales.values())
        assert all(0 == d.delta for d in change.domains.values())
        assert {s.reliable for s in change.scales.values()} <= {"none", "not_computable"}
        assert {"same"} >= {s.transition for s in change.scales.values()}
        assert () == change.data_errors
