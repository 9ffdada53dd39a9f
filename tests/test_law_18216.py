"""Ley 18.216 in the legal section and the policy format: the facts the adult policy reads.

The rules themselves are hand-computed worked cases beside the policy
(``plans/policies/cl-adultos-18216/tests/``); here: the legal section's new
fields (parsed, refused, written back, in the JSON Schema and the
catalogue), an input's ``absent`` value, the derived fact
``decision.sanction_eligible`` and the classes the loader checks.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from rnr.cases._sections import legal_section
from rnr.cases.legal import ART1_OFFENCES, OFFENCES, parse_legal
from rnr.cases.parse import SCHEMA_PATH
from rnr.definitions.library import policy_library
from rnr.definitions.policy_loader import representatives
from rnr.definitions.tables import InputSpec
from rnr.definitions.tables import Test as Cond
from rnr.errors import CaseFileError, DecisionInputError
from rnr.policy.engine import decide_facts, resolve_inputs
from rnr.render.messages import LOCALES, catalogue

ADULT = policy_library().get("cl-adultos-18216@2024-01-14")
MEDIUM = {"risk_level": "medium", "high_needs": 1, "criminogenic_needs": frozenset()}
DAY = dt.date(2024, 3, 1)


def adult(**fields: Any) -> dict[str, Any]:
    """A legal section of the adult regime."""
    return {"regime": "adult", **fields}


class TestLegalSection:
    def test_the_new_fields_are_read_and_written_back(self) -> None:
        """Every new field survives to_dict and parse_legal; left out, each has its default."""
        given = adult(
            sanction="EXP", sentence_days=900, offences=["property_t9"],
            art1_offences=["arms_simple"], prior_convictions=2, prior_drug_convictions=1,
            prior_sentences_days=500, prior_rp=1, nationality="extranjera",
            legal_residence=True, one_third_served=False,
        )  # fmt: skip
        legal = parse_legal(given)
        assert frozenset({"arms_simple"}) == legal.art1_offences
        assert (1, 500, 1) == (
            legal.prior_drug_convictions,
            legal.prior_sentences_days,
            legal.prior_rp,
        )
        assert ("extranjera", True, False) == (
            legal.nationality,
            legal.legal_residence,
            legal.one_third_served,
        )
        assert legal == parse_legal(json.loads(json.dumps(legal.to_dict())))
        bare = parse_legal(adult())
        assert (frozenset(), 0, None, 0, None, None, None) == (
            bare.art1_offences,
            bare.prior_drug_convictions,
            bare.prior_sentences_days,
            bare.prior_rp,
            bare.nationality,
            bare.legal_residence,
            bare.one_third_served,
        )

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"art1_offences": ["cp399"]}, "legal.art1_offences: got 'cp399'"),
            ({"art1_offences": "cp390"}, "legal.art1_offences: got 'cp390', expected a list"),
            ({"offences": ["arms_crime"]}, "legal.offences: got 'arms_crime'"),
            ({"prior_sentences_days": 10}, "legal.prior_sentences_days: got 10, expected 0 or"),
            ({"prior_sentences_days": -1, "prior_convictions": 1}, "an integer from 0 to 36500"),
            ({"prior_drug_convictions": True}, "legal.prior_drug_convictions: got True"),
            ({"prior_rp": -1}, "legal.prior_rp: got -1"),
            ({"nationality": "peruana"}, "legal.nationality: got 'peruana'"),
            ({"legal_residence": True}, "legal.legal_residence: got True, expected nothing unless"),
            ({"nationality": "chilena", "legal_residence": False}, "legal.legal_residence"),
            ({"nationality": "extranjera", "legal_residence": "sí"}, "expected true or false"),
            ({"one_third_served": 1}, "legal.one_third_served: got 1, expected true or false"),
        ],
    )
    def test_bad_values_are_refused_naming_the_field(
        self, fields: dict[str, Any], message: str
    ) -> None:
        with pytest.raises(DecisionInputError, match=message.replace("(", r"\(")):
            parse_legal(adult(**fields))

    def test_a_case_file_names_the_file_and_the_field(self) -> None:
        """Through the case-file section, a refusal is a CaseFileError on the field."""
        with pytest.raises(CaseFileError) as info:
            legal_section(adult(nationality="chilena", legal_residence=True), file="c.json")
        assert "legal.legal_residence" == info.value.field
        given = legal_section(adult(nationality=None, legal_residence=None), file="c.json")
        assert given is not None
        assert (None, None) == (given.nationality, given.legal_residence)

    def test_the_schema_agrees_with_the_parser(self) -> None:
        """The JSON Schema accepts what the parser accepts and refuses what it refuses."""
        jsonschema = pytest.importorskip("jsonschema")
        schema = json.loads(Path(SCHEMA_PATH).read_text(encoding="utf-8"))
        validator = jsonschema.Draft202012Validator(schema)
        legal = schema["properties"]["legal"]["properties"]
        assert list(OFFENCES) == legal["offences"]["items"]["enum"]
        assert list(ART1_OFFENCES) == legal["art1_offences"]["items"]["enum"]

        def case(**fields: Any) -> dict[str, Any]:
            return {"case_id": "c", "assessed_on": "2024-05-02", "responses": {},
                    "legal": adult(**fields)}  # fmt: skip

        good = [
            case(art1_offences=["cp390"], prior_drug_convictions=0, prior_rp=0),
            case(prior_convictions=1, prior_sentences_days=730),
            case(prior_sentences_days=0),
            case(nationality="extranjera", legal_residence=False, one_third_served=True),
            case(nationality="chilena"),
        ]
        bad = [
            case(art1_offences=["cp399"]),
            case(prior_sentences_days=10),
            case(legal_residence=True),
            case(nationality="chilena", legal_residence=False),
            case(nationality="peruana"),
            case(one_third_served="yes"),
        ]
        for document in good:
            assert validator.is_valid(document), document
            parse_legal(document["legal"])
        for document in bad:
            assert not validator.is_valid(document), document
            with pytest.raises(DecisionInputError):
                parse_legal(document["legal"])

    @pytest.mark.parametrize("lang", LOCALES)
    def test_every_art1_code_is_described_in_the_catalogue(self, lang: str) -> None:
        """Core keeps the art. 1 codes; the catalogue says them, in every locale."""
        assert sorted(ART1_OFFENCES) == sorted(catalogue(lang).section("cases")["art1_offences"])

    @pytest.mark.parametrize("lang", LOCALES)
    def test_the_plan_names_every_adult_sanction_and_offence(self, lang: str) -> None:
        """No raw code in a plan: every sanction and offence category has a name."""
        words = catalogue(lang)
        assert set(ADULT.sanctions) <= set(words.section("policy")["sanctions"])
        assert set(OFFENCES) <= set(words.section("plan")["offence_names"])


class TestAbsent:
    def test_a_left_out_field_takes_the_inputs_absent_value(self) -> None:
        """nationality, prior_sentences_days, legal_residence, one_third_served: absent values."""
        legal = parse_legal(adult(sanction="RP", sentence_days=400))
        values = decide_facts(ADULT, MEDIUM, legal, assessed_on=DAY).inputs
        assert ("no_informada", -1, False, False) == (
            values["nationality"],
            values["prior_sentences_days"],
            values["legal_residence"],
            values["one_third_served"],
        )

    def test_a_required_field_is_still_required(self) -> None:
        """An input without an absent value refuses a case that leaves its field out."""
        legal = parse_legal(adult(sanction="RP"))
        with pytest.raises(DecisionInputError, match="legal.sentence_days: missing"):
            decide_facts(ADULT, MEDIUM, legal, assessed_on=DAY)

    def test_a_given_field_is_read_as_given(self) -> None:
        known = {"legal.nationality": "chilena", "legal.prior_sentences_days": 0}
        inputs = {n: ADULT.inputs[n] for n in ("nationality", "prior_sentences_days")}
        assert {"nationality": "chilena", "prior_sentences_days": 0} == resolve_inputs(
            ADULT, known, inputs=inputs
        )


class TestDerived:
    def test_the_decision_derives_whether_its_sanction_is_eligible(self) -> None:
        """decision.sanction_eligible is never asked of the case; the decision computes it."""
        assert "sanction_eligible" not in ADULT.decision_inputs
        assert ["sanction_eligible"] == list(ADULT.derived_inputs)
        for days, eligible in ((540, False), (541, True)):
            legal = parse_legal(
                adult(sanction="LVI", sentence_days=days, offences=["vif"], entry_date="2024-03-04")
            )
            decision = decide_facts(ADULT, MEDIUM, legal, assessed_on=DAY)
            assert eligible is decision.inputs["sanction_eligible"]
            assert eligible is decision.telematic_monitoring

    def test_a_fact_given_for_it_is_ignored(self) -> None:
        """A caller cannot claim eligibility: the eligibility tables decide it."""
        legal = parse_legal(
            adult(sanction="LVI", sentence_days=540, offences=["vif"], entry_date="2024-03-04")
        )
        claimed = {**MEDIUM, "decision.sanction_eligible": True}
        decision = decide_facts(ADULT, claimed, legal, assessed_on=DAY)
        assert decision.inputs["sanction_eligible"] is False
        assert decision.telematic_monitoring is False


class TestClasses:
    def test_a_set_has_one_class_per_block_state(self) -> None:
        """Twenty members named by one test are one block: absent or present."""
        spec = InputSpec("codes", "set", tuple(f"c{i}" for i in range(20)))
        tests = [Cond("any_of", frozenset(spec.values))]
        assert [frozenset(), frozenset({"c0"})] == representatives(spec, tests)
        split = [Cond("any_of", frozenset({"c0", "c1"})), Cond("none_of", frozenset({"c1"}))]
        assert 4 == len(representatives(spec, split))
        whole = [Cond("all_of", frozenset({"c0", "c1"}))]
        assert [frozenset(), {"c0"}, {"c0", "c1"}] == representatives(spec, whole)

    def test_an_ordered_input_has_one_class_per_interval(self) -> None:
        """le 540 and gt 1095 cut 1..36500 into three intervals, each by its first day."""
        spec = InputSpec("days", "int", min=1, max=36_500)
        tests = [Cond("le", 540), Cond("gt", 1095), Cond("gt", 540)]
        assert [1, 541, 1096] == representatives(spec, tests)
        assert [0, 1, 2] == representatives(InputSpec("n", "int", min=0), [Cond("eq", 1)])

    def test_the_adult_policy_loads_quickly(self) -> None:
        """Its art. 1 codes do not blow up the checked input space."""
        sizes = []
        for table in ADULT.tables.values():
            size = 1
            for name in table.inputs:
                tests = [t for r in table.rules for n, ts in r.when if n == name for t in ts]
                size *= len(representatives(ADULT.inputs[name], tests))
            sizes.append(size)
        assert max(sizes) < 10_000
