"""Who an instrument applies to: the declared population, checked when a case is scored.

An instrument file declares its population (sex, age range at the
assessment) and what scoring a person outside it gives, as the instrument's
manual directs: Static-99R 1.1.0 refuses a woman or a minor (error); the
YLS/CMI (12 to 18) and the adult instruments (18 and over) give a coded
warning that ``rnr score`` prints first.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import rnr
from rnr.cases.parse import parse_case, read_cases, score_case
from rnr.cli import main
from rnr.definitions.library import data_dir, default_library
from rnr.errors import ScoringInputError
from rnr.render.messages import say
from rnr.scoring.batch import score_batch, summarize
from rnr.scoring.result import ScoreResult
from rnr.scoring.single import check_population
from rnr.testing.strategies import SampleCase, cases, to_array
from rnr.text import Message

EXAMPLES = data_dir() / "instruments"
S99 = EXAMPLES / "static99r" / "examples" / "static99r-01-older-single-offence.json"
YOUTH = EXAMPLES / "ylscmi" / "examples" / "ylscmi-02-custody.json"


def _case(path: Path, **changes: object) -> dict[str, Any]:
    """The example case of ``path`` with ``person.sex``, ``person.birth_date`` or fields changed."""
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    person = dict(data.get("person") or {})
    for key in ("sex", "birth_date"):
        if key in changes:
            person[key] = changes.pop(key)
    data["person"] = person
    data.update(changes)
    return data


def _score(data: dict[str, Any]) -> ScoreResult:
    return score_case(parse_case(data, file="<test>"), default_library())


class TestStatic99R:
    def test_the_new_version_declares_adult_males_and_refuses_outside(self) -> None:
        s99 = default_library().get("static99r")
        assert s99.ref == "static99r@1.1.0"
        assert s99.population["sex"] == ("male",)
        assert s99.population["outside"] == "error"
        assert "Coding Rules" in s99.population["source"]

    def test_a_woman_is_refused_naming_the_field_and_the_manual(self) -> None:
        with pytest.raises(ScoringInputError) as info:
            _score(_case(S99, sex="female"))
        message = str(info.value)
        assert info.value.item == "person.sex"
        assert "static99r@1.1.0" in message
        assert "expected male" in message
        assert "Coding Rules" in message
        assert message.startswith("case ejemplo-s99r-01: ")

    def test_a_man_scores_exactly_as_with_the_first_version(self) -> None:
        lib = default_library()
        for path in sorted((EXAMPLES / "static99r" / "examples").glob("*.json")):
            case = next(read_cases(path))
            new = score_case(case, lib, "static99r@1.1.0")
            old = score_case(case, lib, "static99r@1.0.0")
            assert new.warnings == ()
            assert {k: (s.raw, s.level) for k, s in new.scales.items()} == {
                k: (s.raw, s.level) for k, s in old.scales.items()
            }

    def test_a_minor_on_the_day_of_the_assessment_is_refused(self) -> None:
        data = _case(S99, birth_date="2006-09-17", dates={"release_date": "2024-10-01"})
        with pytest.raises(ScoringInputError, match=r"person\.birth_date.*18 or over"):
            _score(data)

    def test_the_first_version_declares_no_sex_and_still_scores_a_woman(self) -> None:
        """A released file never changes: 1.0.0 keeps scoring, replays stay exact."""
        case = parse_case(_case(S99, sex="female"), file="<test>")
        result = score_case(case, default_library(), "static99r@1.0.0")
        assert result.warnings == ()

    def test_the_rnr_score_command_refuses_a_woman_with_one_error_line(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "mujer.json"
        path.write_text(json.dumps(_case(S99, sex="female")), "utf-8")
        assert 2 == main(["score", str(path)])
        err = capsys.readouterr().err
        assert "person.sex" in err
        assert "Traceback" not in err


class TestYouthLevelOfService:
    def test_a_twenty_year_old_is_scored_with_a_warning_in_the_result(self) -> None:
        result = _score(_case(YOUTH, birth_date="2004-09-01"))
        assert result.risk_level is not None
        (warning,) = result.warnings
        assert warning.code == "score.population.age"
        assert dict(warning.params) == {
            "instrument": "ylscmi@1.0.0",
            "age": 20,
            "min_age": 12,
            "max_age": 18,
        }
        text = say(warning, "es")
        assert "de 12 a 18 años" in text
        assert "tenía 20 años" in text

    @pytest.mark.parametrize(
        ("birth", "warned"),
        [
            ("2012-10-02", False),  # 12 on the day of the assessment (2024-10-02)
            ("2012-10-03", True),  # 11: a day short of 12
            ("2005-10-03", False),  # 18
            ("2005-10-02", True),  # 19 on the day
        ],
    )
    def test_the_age_boundaries_at_the_assessment(self, birth: str, warned: bool) -> None:
        result = _score(_case(YOUTH, birth_date=birth))
        assert bool(result.warnings) is warned

    def test_without_a_birth_date_the_age_is_not_checked(self) -> None:
        data = _case(YOUTH)
        data["person"] = {"sex": "male"}
        assert _score(data).warnings == ()

    def test_both_sexes_are_within_the_population(self) -> None:
        assert _score(_case(YOUTH, sex="female")).warnings == ()

    def test_the_warning_round_trips_through_json(self) -> None:
        result = _score(_case(YOUTH, birth_date="2004-09-01"))
        again = ScoreResult.from_json(result.to_json())
        assert again == result
        assert again.warnings[0].code == "score.population.age"

    def test_a_result_serialized_before_warnings_existed_reads_back(self) -> None:
        data = _score(_case(YOUTH)).to_dict()
        del data["warnings"]
        assert ScoreResult.from_dict(data).warnings == ()

    def test_rnr_score_prints_the_warning_first_in_spanish(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "joven.json"
        path.write_text(json.dumps(_case(YOUTH, birth_date="2004-09-01")), "utf-8")
        assert 0 == main(["score", str(path)])
        lines = capsys.readouterr().out.splitlines()
        assert lines[2].startswith("ADVERTENCIA: ylscmi@1.0.0 está normado para personas de 12")
        assert 0 == main(["score", "--lang", "en", str(path)])
        out = capsys.readouterr().out
        assert "WARNING: ylscmi@1.0.0 is normed for people aged 12 to 18" in out

    def test_the_json_output_carries_the_coded_warning(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "joven.json"
        path.write_text(json.dumps(_case(YOUTH, birth_date="2004-09-01")), "utf-8")
        assert 0 == main(["score", "--json", str(path)])
        data = json.loads(capsys.readouterr().out)
        assert data["warnings"][0]["code"] == "score.population.age"


class TestCheckPopulation:
    """The check itself, on the shipped instruments."""

    def test_an_adult_instrument_warns_for_a_minor_with_no_upper_age(self) -> None:
        lscmi = default_library().get("lscmi")
        (warning,) = check_population(
            lscmi, assessed_on=dt.date(2024, 5, 1), birth_date=dt.date(2007, 5, 2)
        )
        assert warning == Message(
            "score.population.age_min", {"instrument": lscmi.ref, "age": 16, "min_age": 18}
        )
        assert "de 18 años o más" in say(warning, "es")

    def test_a_sex_outside_a_warning_population_is_said_in_words(self) -> None:
        s99 = default_library().get("static99r@1.1.0")
        lenient = attrs_evolve_population(s99, outside="warning")
        (warning,) = check_population(lenient, assessed_on=dt.date(2024, 5, 1), sex="Female")
        text = say(warning, "es")
        assert text.startswith("static99r@1.1.0 fue construido y normado para hombres;")
        assert "la persona evaluada es una mujer." in text
        assert "built and normed for men; the person assessed is a woman" in say(warning, "en")
        (other,) = check_population(lenient, assessed_on=dt.date(2024, 5, 1), sex="x")
        assert "la persona evaluada es x" in say(other, "es")

    def test_nothing_given_nothing_checked(self) -> None:
        s99 = default_library().get("static99r@1.1.0")
        assert check_population(s99, assessed_on=dt.date(2024, 5, 1)) == ()

    def test_rnr_score_is_the_public_path(self) -> None:
        s99 = default_library().get("static99r@1.1.0")
        answers = json.loads(S99.read_text("utf-8"))["responses"]
        with pytest.raises(ScoringInputError, match="person.sex"):
            rnr.score(s99, answers, assessed_on=dt.date(2024, 9, 16), sex="female")


def attrs_evolve_population(instrument: rnr.Instrument, **changes: object) -> rnr.Instrument:
    """``instrument`` with its population changed (a test double, never a shipped file)."""
    return attrs.evolve(instrument, population={**instrument.population, **changes})


# -- batch scoring checks the population as single scoring does -----------------

#: Instruments whose population differs: refused outside (Static-99R 1.1.0), a range with a
#: warning (YLS/CMI 12-18), a minimum age with a warning (LS/CMI 18 and over).
POPULATIONS = ("static99r@1.1.0", "ylscmi@1.0.0", "lscmi@1.0.0")
#: Sexes as case files write them: within, outside, spelled loosely, or not given.
SEXES = st.sampled_from(["male", "female", " Female ", "x", None])


@st.composite
def births(draw: st.DrawFn, on: dt.date) -> dt.date | None:
    """No birth date, any birth date, or one within two days of a birthday at a boundary age."""
    kind = draw(st.sampled_from(["none", "any", "boundary"]))
    if kind == "none":
        return None
    if kind == "any":
        return draw(st.dates(on - dt.timedelta(days=365 * 70), on - dt.timedelta(days=365 * 9)))
    age = draw(st.sampled_from([11, 12, 17, 18, 19, 20]))
    day = on.replace(year=on.year - age, day=min(on.day, 28))
    return day + dt.timedelta(days=draw(st.integers(-2, 2)))


@st.composite
def people(
    draw: st.DrawFn, instrument: rnr.Instrument
) -> tuple[SampleCase, dt.date | None, str | None]:
    """A whole case of ``instrument`` with a birth date and a sex, often outside its population."""
    case = draw(cases(instrument))
    return case, draw(births(case.assessed_on)), draw(SEXES)


def _single(
    instrument: rnr.Instrument, n: int, person: tuple[SampleCase, dt.date | None, str | None]
) -> dict[str, Any] | ScoringInputError:
    case, born, sex = person
    try:
        result = rnr.score(
            instrument,
            case.responses,
            assessed_on=case.assessed_on,
            norm_group=case.norm_group,
            birth_date=born,
            sex=sex,
            case_id=f"p{n}",
        )
    except ScoringInputError as exc:
        return exc
    return summarize(result)


class TestBatchPopulation:
    """Batch scoring checks each row against the instrument's population, as single scoring."""

    @pytest.mark.parametrize("ref", POPULATIONS)
    @given(data=st.data())
    def test_each_row_has_the_outcome_of_single_scoring(
        self, ref: str, data: st.DataObject
    ) -> None:
        """Every row's scores and population warnings equal single scoring's; when single
        scoring refuses a person, the batch is refused naming the first such row."""
        instrument = default_library().get(ref)
        rows = data.draw(st.lists(people(instrument), min_size=1, max_size=8), label="rows")
        singles = [_single(instrument, n, row) for n, row in enumerate(rows)]

        def batch() -> Any:
            return score_batch(
                instrument,
                to_array(instrument, [c.responses for c, _, _ in rows]),
                norm_group=[str(c.norm_group) for c, _, _ in rows]
                if instrument.norm_groups
                else None,
                case_ids=[f"p{n}" for n in range(len(rows))],
                assessed_on=[c.assessed_on for c, _, _ in rows],
                birth_date=[b for _, b, _ in rows],
                sex=[s for _, _, s in rows],
            )

        refused = [s for s in singles if isinstance(s, ScoringInputError)]
        if refused:
            with pytest.raises(ScoringInputError) as info:
                batch()
            first = refused[0]
            assert (first.case_id, first.item, str(first)) == (
                info.value.case_id,
                info.value.item,
                str(info.value),
            )
            return
        out = batch()
        assert singles == [out.row(n) for n in range(len(rows))]

    def test_a_twenty_year_old_in_a_youth_batch_is_warned_as_alone(self) -> None:
        """YLS/CMI rows of 17 and 20 years: only the second carries score.population.age."""
        ylscmi = default_library().get("ylscmi")
        day = dt.date(2024, 10, 2)
        rows = np.zeros((2, len(ylscmi.items)), dtype=np.int8)
        out = score_batch(
            ylscmi, rows, assessed_on=day, birth_date=[dt.date(2007, 1, 1), dt.date(2004, 9, 1)]
        )
        assert () == out.row_warnings(0)
        alone = check_population(ylscmi, assessed_on=day, birth_date=dt.date(2004, 9, 1))
        assert alone == out.row_warnings(1) == out.row(1)["warnings"]
        assert {1} == set(out.warnings)

    def test_a_woman_in_a_static99r_batch_refuses_the_batch_naming_her_row(self) -> None:
        """The refusal names the row (or its case id) and the field, as single scoring does."""
        s99 = default_library().get("static99r@1.1.0")
        rows = np.zeros((3, len(s99.items)), dtype=np.int8)
        rows[:, 0] = 30  # the age item, answered
        with pytest.raises(ScoringInputError, match="person.sex: got 'female'") as info:
            score_batch(s99, rows, sex=["male", "female", "female"])
        assert ("row 1", "person.sex") == (info.value.case_id, info.value.item)
        with pytest.raises(ScoringInputError) as info:
            score_batch(s99, rows, sex="female", case_ids=["a", "b", "c"])
        assert "a" == info.value.case_id

    def test_without_sex_or_birth_date_nothing_is_checked(self) -> None:
        """As single scoring: what is not given is not checked."""
        s99 = default_library().get("static99r@1.1.0")
        rows = np.zeros((2, len(s99.items)), dtype=np.int8)
        rows[:, 0] = 30
        assert {} == dict(score_batch(s99, rows).warnings)
        assert {} == dict(score_batch(s99, rows, sex=[None, "male"]).warnings)

    def test_birth_dates_need_assessment_dates(self) -> None:
        """An age is the age on the assessment day: without one, the batch is refused."""
        ylscmi = default_library().get("ylscmi")
        rows = np.zeros((1, len(ylscmi.items)), dtype=np.int8)
        with pytest.raises(ScoringInputError, match="assessed_on: missing"):
            score_batch(ylscmi, rows, birth_date=dt.date(2004, 9, 1))

    def test_a_column_of_the_wrong_length_is_named(self) -> None:
        """One value per row, or one for all."""
        ylscmi = default_library().get("ylscmi")
        rows = np.zeros((2, len(ylscmi.items)), dtype=np.int8)
        with pytest.raises(ScoringInputError, match="sex: got 1 values, expected one per row"):
            score_batch(ylscmi, rows, sex=["male"])

    def test_dates_as_numpy_columns_with_nat(self) -> None:
        """datetime64 columns work; NaT is a birth date not given."""
        ylscmi = default_library().get("ylscmi")
        rows = np.zeros((2, len(ylscmi.items)), dtype=np.int8)
        out = score_batch(
            ylscmi,
            rows,
            assessed_on=np.array(["2024-10-02", "2024-10-02"], dtype="datetime64[D]"),
            birth_date=np.array(["NaT", "2004-09-01"], dtype="datetime64[D]"),
        )
        assert [0, 1] == [len(out.row_warnings(i)) for i in range(2)]
