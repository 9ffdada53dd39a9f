"""cl-juvenil-20084@2024-01-14: art. 23, the legal range of each sanction, IRC.

The worked cases beside the policy check every article with its boundary
values; these tests check what a worked case cannot: that the data agrees
with itself, that the period warning reaches the readable report in the
law's vocabulary for young people, and that the decision serializes.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rnr.cases.legal import parse_legal
from rnr.cases.parse import parse_case, score_case
from rnr.cli import main
from rnr.definitions.labels import load_labels
from rnr.definitions.library import data_dir, default_library, policy_library
from rnr.definitions.policy import Policy
from rnr.policy.decision import Decision
from rnr.policy.engine import decide, decide_facts, legal_range_days, months_to_days
from rnr.policy.many import CohortCase, decide_many
from rnr.render.decision import decision_report, fit_words, legal_range
from rnr.render.messages import say

REF = "cl-juvenil-20084@2024-01-14"
YOUTH = data_dir() / "instruments" / "ylscmi" / "examples" / "ylscmi-02-custody.json"
FACTS = {"risk_level": "moderate", "high_needs": 1, "criminogenic_needs": frozenset()}
IRC_COMPONENTS = {
    "irc-motivacion-desistimiento": "motivación al desistimiento delictual",
    "irc-apoyo-socioeducativo": "apoyo socioeducativo",
    "irc-salud-biopsicosocial": "apoyo a salud biopsicosocial",
    "irc-convivencia-residencialidad": "convivencia y residencialidad",
}


@pytest.fixture(scope="module")
def policy() -> Policy:
    return policy_library().get(REF)


def _decide(policy: Policy, sanction: str, days: int, age: int = 16) -> Decision:
    legal = parse_legal(
        {"regime": "juvenile", "sanction": sanction, "sentence_days": days, "age_at_offence": age}
    )
    return decide_facts(policy, FACTS, legal, assessed_on=dt.date(2027, 3, 1))


class TestTheData:
    def test_it_is_the_newest_version_and_the_earlier_one_is_kept(self) -> None:
        versions = [p.ref for p in policy_library().versions("cl-juvenil-20084")]
        assert versions == ["cl-juvenil-20084@2024-01-13", REF]
        assert policy_library().get("cl-juvenil-20084").ref == REF
        first = policy_library().get("cl-juvenil-20084", on=dt.date(2024, 1, 13))
        assert first.ref == "cl-juvenil-20084@2024-01-13"
        assert policy_library().get("cl-juvenil-20084", on=dt.date(2024, 1, 14)).ref == REF

    def test_the_art23_thresholds_are_the_params_the_file_cites(self, policy: Policy) -> None:
        cuts = set()
        for sanction in policy.sanctions:
            for rule in policy.eligibility_table(sanction).rules:
                for name, tests in rule.when:
                    if name == "sentence_days":
                        cuts |= {t.value for t in tests}
        params = {p.value for n, p in policy.params.items() if n.startswith("art23_")}
        assert cuts == params == {60, 540, 1095, 1825}

    def test_each_irc_component_has_its_own_rule_whose_id_is_its_id(self, policy: Policy) -> None:
        rules = {r.id: r for r in policy.tables["components"].rules}
        for ident, name in IRC_COMPONENTS.items():
            rule = rules[ident]
            assert rule.then["components"] == (name,)
            assert dict(rule.when)["sanction"][0].value == "IRC"
            assert "Internación en Régimen Cerrado" in rule.source
        assert {i for i in rules if i.startswith("irc-")} == set(IRC_COMPONENTS)

    def test_sources_cite_documents_never_internal_names(self, policy: Policy) -> None:
        texts = [r.source for t in policy.tables.values() for r in t.rules]
        texts += [p.source for p in policy.params.values()] + list(policy.references)
        for text in texts:
            assert "seed" not in text.lower(), text
            assert "FACTS" not in text, text
            assert "unverified" not in text, text  # Spanish output: "no verificado"

    def test_the_attainment_threshold_of_irc_is_read(self, policy: Policy) -> None:
        assert _decide(policy, "IRC", 1460).attainment_threshold == 70


class TestLegalRange:
    @pytest.mark.parametrize(
        ("months", "days"),
        [
            ((6, 18), (180, 548)),
            ((6, 36), (180, 1095)),
            ((0, 60), (0, 1825)),
            ((0, 120), (0, 3650)),
        ],
    )
    def test_months_read_leniently_in_days(
        self, months: tuple[int, int], days: tuple[int, int]
    ) -> None:
        assert legal_range_days(*months) == days

    def test_the_warning_names_the_sanction_the_days_and_the_range(self, policy: Policy) -> None:
        decision = _decide(policy, "LAS", 730)
        (warning,) = [w for w in decision.warnings if w.code == "period_out_of_range"]
        assert warning.source.startswith("Ley 20.084 art. 13")
        text = say(warning.message, "es")
        assert "La duración de la LAS, 730 días, está fuera del rango legal" in text
        assert "de 6 a 18 meses (de 180 a 548 días)" in text
        over = _decide(policy, "IRC", 4000)
        (warning,) = [w for w in over.warnings if w.code == "period_out_of_range"]
        assert "supera el máximo legal de 120 meses (3.650 días)" in say(warning.message, "es")

    def test_a_policy_without_a_range_never_warns(self) -> None:
        adult = policy_library().get("cl-adultos-18216@2024-01-13")
        legal = parse_legal(
            {"regime": "adult", "sanction": "LV", "sentence_days": 900, "entry_date": "2024-03-04"}
        )
        facts = {"risk_level": "medium", "high_needs": 1, "criminogenic_needs": frozenset()}
        decision = decide_facts(adult, facts, legal, assessed_on=dt.date(2024, 3, 1))
        assert "period_out_of_range" not in {w.code for w in decision.warnings}

    def test_the_decision_round_trips_through_json(self, policy: Policy) -> None:
        decision = _decide(policy, "LAS", 90)
        again = Decision.from_json(decision.to_json())
        assert again == decision
        assert again.period_months == (6, 18)

    def test_many_cases_with_different_durations_are_not_confused(self, policy: Policy) -> None:
        cases = [
            CohortCase(
                f"c-{days}",
                FACTS,
                parse_legal(
                    {
                        "regime": "juvenile",
                        "sanction": "LAS",
                        "sentence_days": days,
                        "age_at_offence": 16,
                    }
                ),
                dt.date(2027, 3, 1),
            )
            for days in (365, 730, 365, 90)
        ]
        flagged = [
            "period_out_of_range" in {w.code for w in d.warnings}
            for d in decide_many(policy, cases)
        ]
        assert flagged == [False, True, False, True]


def _case(**legal: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(YOUTH.read_text("utf-8"))
    data["legal"] = {"regime": "juvenile", "age_at_offence": 16, **legal}
    data["assessed_on"] = "2027-01-12"
    return data


class TestTheReport:
    def _report(self, policy: Policy, lang: str, **legal: Any) -> str:
        case = parse_case(_case(**legal), file="<test>")
        assert case.legal is not None
        result = score_case(case, default_library())
        decision = decide(result, case.legal, policy)
        labels = load_labels(default_library().get(str(result.instrument)), lang)
        lines = decision_report(
            decision, result=result, legal=case.legal, policy=policy, labels=labels, lang=lang
        )
        return "\n".join(lines)

    def test_the_spanish_report_speaks_of_sanctions_and_shows_the_legal_range(
        self, policy: Policy
    ) -> None:
        text = " ".join(self._report(policy, "es", sanction="LAS", sentence_days=730).split())
        assert "extensión de la sanción: 730 días · duración legal: de 6 a 18 meses" in text
        assert "730 días (igual a la extensión de la sanción)" in text
        assert "Ajuste de la sanción al riesgo: la sanción" in text
        assert "- La duración de la libertad asistida simple (LAS), 730 días, está fuera" in text
        assert "period_out_of_range" not in text
        assert "pena de" not in text
        assert "Ajuste de la pena" not in text

    def test_irc_shows_its_maximum_and_the_programme_components(self, policy: Policy) -> None:
        text = " ".join(self._report(policy, "es", sanction="IRC", sentence_days=1460).split())
        assert "duración legal: hasta 120 meses" in text
        for name in IRC_COMPONENTS.values():
            assert f"- {name}" in text

    def test_the_english_report(self, policy: Policy) -> None:
        text = " ".join(self._report(policy, "en", sanction="LAS", sentence_days=90).split())
        assert "extent of the sanction: 90 days · legal duration: 6 to 18 months" in text
        assert "is outside the legal range of 6 to 18 months (180 to 548 days)" in text

    def test_fit_words_and_legal_range_by_regime(self, policy: Policy) -> None:
        assert fit_words("matches", "es") == "la pena corresponde al riesgo"
        assert fit_words("matches", "es", regime="juvenile") == "la sanción corresponde al riesgo"
        assert legal_range(_decide(policy, "LAE", 365), "es") == "duración legal: de 6 a 36 meses"

    def test_rnr_decide_with_the_version_named(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "las.json"
        path.write_text(json.dumps(_case(sanction="LAS", sentence_days=730)), "utf-8")
        assert 0 == main(["decide", "-p", REF, str(path)])
        out = " ".join(capsys.readouterr().out.split())
        assert "duración legal: de 6 a 18 meses" in out
        assert "La duración de la libertad asistida simple (LAS), 730 días" in out
        assert "@" not in out  # the version is named, not referred to


class TestMonthsInDays:
    """One reading of a month in days, for the legal range and for durations in months."""

    @given(lo=st.integers(0, 71), span=st.integers(0, 240))
    def test_every_whole_month_of_the_range_is_within_it_and_one_more_is_not(
        self, lo: int, span: int
    ) -> None:
        """From min to max months, each whole month in days is within the legal range; one
        month over the maximum is above it, one under a minimum below it."""
        hi = lo + span
        if hi == 0:
            return
        low, high = legal_range_days(lo, hi)
        assert all(low <= months_to_days(m) <= high for m in range(lo, hi + 1))
        assert months_to_days(hi + 1) > high
        if lo > 0:
            assert months_to_days(lo - 1) < low

    @given(months=st.integers(0, 1200))
    def test_whole_years_are_365_days(self, months: int) -> None:
        """Twelve months more is 365 days more: 3 years = 1095, 5 = 1825, 10 = 3650."""
        assert months_to_days(months + 12) - months_to_days(months) == 365

    def test_a_negative_number_of_months_is_refused(self) -> None:
        """A duration is never negative."""
        with pytest.raises(ValueError, match="months must be 0 or more"):
            months_to_days(-1)

    @pytest.mark.parametrize(
        ("sanction", "age", "months", "flagged"),
        [
            ("LAS", 16, 5, True),
            ("LAS", 16, 6, False),
            ("LAS", 16, 18, False),
            ("LAS", 16, 19, True),
            ("LAE", 16, 5, True),
            ("LAE", 16, 6, False),
            ("LAE", 16, 36, False),
            ("LAE", 16, 37, True),
            ("LAEIP", 16, 60, False),
            ("LAEIP", 16, 61, True),
            ("IRC", 15, 60, False),
            ("IRC", 15, 61, True),
            ("IRC", 16, 120, False),
            ("IRC", 16, 121, True),
        ],
    )
    def test_durations_in_months_at_the_legal_limits(
        self, policy: Policy, sanction: str, age: int, months: int, flagged: bool
    ) -> None:
        """Arts. 13, 14, 18 and 23 N° 2: the limit in months is within, one month more is
        flagged (period_out_of_range), and a month less than the minimum too."""
        legal = parse_legal(
            {
                "regime": "juvenile",
                "sanction": sanction,
                "sentence_days": months_to_days(months),
                "age_at_offence": age,
                "sentence_date": "2027-02-20",
            }
        )
        decision = decide_facts(policy, FACTS, legal, assessed_on=dt.date(2027, 3, 1))
        assert flagged == ("period_out_of_range" in {w.code for w in decision.warnings})
