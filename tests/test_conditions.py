"""A rule's condition in words: every fact, value, table and sanction of a shipped policy is named.

A decision report says each rule it applied in the reader's words
(:mod:`rnr.render.conditions`); an id the catalogue does not name would leak
into a document for a person, so every one the shipped policies use is
checked here, in both locales.
"""

from __future__ import annotations

import re

import attrs
import pytest

from rnr.cases.legal import LegalContext
from rnr.definitions.library import policy_library
from rnr.definitions.policy import Policy
from rnr.policy.decision import Fired
from rnr.render.conditions import condition_words, field_name, listing, sanction_name, value_name
from rnr.render.decision import rule_lines
from rnr.render.messages import LOCALES, catalogue
from rnr.render.names import labels_of

POLICIES = [p for i in policy_library().ids() for p in policy_library().versions(i)]
#: What a rule's condition in words never shows: a snake_case id or a policy reference.
RAW = re.compile(r"(?<![\w/.-])[a-z]+(?:_[a-z0-9]+)+(?![\w/.])|\b[a-z][\w-]*@\d")


@pytest.fixture(params=POLICIES, ids=lambda p: p.ref)
def policy(request: pytest.FixtureRequest) -> Policy:
    """Each shipped policy version."""
    given: Policy = request.param
    return given


@pytest.mark.parametrize("lang", LOCALES)
class TestNames:
    def test_every_fact_a_policy_reads_has_a_name(self, policy: Policy, lang: str) -> None:
        """Each input's fact (``legal.sentence_days``) has a name, never the fact itself."""
        unnamed = [
            spec.source
            for spec in policy.inputs.values()
            if field_name(spec.source, lang, regime=policy.regime) == spec.source
        ]
        assert [] == unnamed

    def test_every_coded_value_has_a_name(self, policy: Policy, lang: str) -> None:
        """Each value an enum or set input may take is named (levels and needs by the labels)."""
        labels = labels_of(policy.instruments[0], lang)
        w = catalogue(lang)
        unnamed = [
            f"{spec.source} = {value}"
            for spec in policy.inputs.values()
            for value in spec.values
            if value_name(spec.source, value, lang, labels=labels, policy=policy) == value
            and f"conditions.value.{spec.source}.{value}" not in w  # a name spelt as the code
        ]
        assert [] == unnamed

    def test_every_sanction_and_table_has_a_name(self, policy: Policy, lang: str) -> None:
        """``remisión condicional (RC)``; each table of the trace by its name, not its id."""
        for sanction in policy.sanctions:
            assert sanction_name(sanction, lang) != sanction
            assert sanction_name(sanction, lang).endswith(f" ({sanction})")
        w = catalogue(lang)
        for table in policy.tables:
            if not table.startswith("eligibility_"):
                assert f"policy.table.{table}" in w, table

    def test_every_rule_reads_without_an_id(self, policy: Policy, lang: str) -> None:
        """Every rule of every table, applied, is said (table, outcome, condition) without an id.

        The source is the policy's own text and is left out here.
        """
        leaks = []
        for table in policy.tables.values():
            trace = tuple(attrs.evolve(Fired.of(table.id, r), source="") for r in table.rules)
            text = " ".join(rule_lines(trace, policy, lang))
            leaks += [f"{table.id}: {found}" for found in RAW.findall(text)]
        assert [] == leaks


@pytest.mark.parametrize("lang", LOCALES)
def test_every_field_of_a_legal_section_has_a_name(lang: str) -> None:
    """Any policy may read any legal fact: each has a name in every locale."""
    for field in attrs.fields(LegalContext):
        source = f"legal.{field.name}"
        assert field_name(source, lang) != source, source


class TestWords:
    def test_tests_in_words(self) -> None:
        """Ranges, lists, absent values and booleans read as a person writes them."""
        policy = policy_library().get("cl-adultos-18216@2024-01-14")

        def said(*when: tuple[str, tuple[tuple[str, object], ...]]) -> str:
            return condition_words(when, policy, "es")

        assert "extensión de la pena: más de 540 días y hasta 1.825 días" == said(
            ("sentence_days", (("gt", 540), ("le", 1825)))
        )
        assert "nivel de riesgo: Bajo o Medio" == said(
            ("risk_level", (("in", frozenset({"medium", "low"})),))
        )
        assert "nivel de riesgo: cualquiera salvo Muy alto" == said(
            ("risk_level", (("ne", "very_high"),))
        )
        assert "total de las penas anteriores: no consta" == said(
            ("prior_sentences_days", (("lt", 0),))
        )
        assert "residencia legal en Chile: sí" == said(("legal_residence", (("eq", True),)))
        assert "residencia legal en Chile: no" == said(("legal_residence", (("ne", True),)))
        assert "condenas anteriores que se cuentan: 1 o más" == said(
            ("prior_convictions", (("ge", 1),))
        )
        assert "pena sustitutiva: libertad vigilada (LV) o pena mixta (PM)" == said(
            ("sanction", (("in", frozenset({"PM", "LV"})),))
        )
        assert "siempre" == said()

    def test_a_young_person_reads_the_words_of_ley_20084(self) -> None:
        """The same facts, said for the juvenile regime: sanción, extensión de la sanción."""
        youth = policy_library().get("cl-juvenil-20084@2024-01-14")
        when = (("sanction", (("eq", "LAS"),)), ("sentence_days", (("le", 540),)))
        assert (
            "sanción: libertad asistida simple (LAS); extensión de la sanción: hasta 540 días"
            == condition_words(when, youth, "es")
        )
        english = (
            "sanction: simple assisted release (LAS); extent of the sanction: at most 540 days"
        )
        assert english == condition_words(when, youth, "en")

    def test_a_set_names_the_values_the_case_has(self) -> None:
        """A test that holds on any of several values names the ones that made it hold."""
        policy = policy_library().get("cl-adultos-18216@2024-01-14")
        needs = frozenset({"family_marital", "alcohol_drug"})
        when = (("criminogenic_needs", (("any_of", needs),)),)
        everything = condition_words(when, policy, "es")
        assert "necesidades criminógenas: con Familia y pareja o Alcohol y drogas" == everything
        mine = condition_words(
            when, policy, "es", values={"criminogenic_needs": frozenset({"alcohol_drug"})}
        )
        assert "necesidades criminógenas: con Alcohol y drogas" == mine

    @pytest.mark.parametrize(
        ("items", "word", "lang", "expected"),
        [
            (["a"], "and", "es", "a"),
            (["a", "b", "c"], "and", "es", "a, b y c"),
            (["padre", "hijo"], "and", "es", "padre e hijo"),
            (["madre", "hielo"], "and", "es", "madre y hielo"),
            (["siete", "ocho"], "or", "es", "siete u ocho"),
            (["a", "b"], "nor", "es", "a ni b"),
            (["a", "b", "c"], "or", "en", "a, b or c"),
            ([], "or", "en", ""),
        ],
    )
    def test_listing(self, items: list[str], word: str, lang: str, expected: str) -> None:
        """Commas, then the joining word; Spanish writes e before i and u before o."""
        assert expected == listing(items, word, lang)
