"""Definitions: instrument, policy, catalogue, crosswalk, reliability and indicator files.

The bottom layer above the shared vocabulary: it reads TOML data files,
validates them and returns frozen values; it never scores, decides or renders."""

from typing import TYPE_CHECKING

from rnr import _face as face

_EXPORTS = {
    "ACTIONS": "rnr.definitions.policy",
    "ANSWER_FACTS": "rnr.definitions.policy",
    "ANSWER_PREFIXES": "rnr.definitions.policy",
    "ANSWER_TABLES": "rnr.definitions.policy",
    "AllOf": "rnr.definitions.conditions",
    "AnyOf": "rnr.definitions.conditions",
    "Atom": "rnr.definitions.conditions",
    "Band": "rnr.definitions.instrument",
    "CHOICES": "rnr.definitions.responsivity",
    "Catalogue": "rnr.definitions.catalogue",
    "Component": "rnr.definitions.indicators",
    "Condition": "rnr.definitions.conditions",
    "Crosswalk": "rnr.definitions.crosswalk",
    "DECISION_TABLES": "rnr.definitions.policy",
    "Domain": "rnr.definitions.instrument",
    "HIT_POLICIES": "rnr.definitions.tables",
    "Indicator": "rnr.definitions.indicators",
    "IndicatorSet": "rnr.definitions.indicators",
    "InputSpec": "rnr.definitions.tables",
    "Instrument": "rnr.definitions.instrument",
    "Item": "rnr.definitions.instrument",
    "LOCALES": "rnr.definitions.labels",
    "Labels": "rnr.definitions.labels",
    "Library": "rnr.definitions.library",
    "OUTCOMES": "rnr.definitions.indicators",
    "Objective": "rnr.definitions.catalogue",
    "Operator": "rnr.definitions.conditions",
    "Outcome": "rnr.definitions.instrument",
    "OutputSpec": "rnr.definitions.tables",
    "POPULATIONS": "rnr.definitions.indicators",
    "PROGRAMMES": "rnr.definitions.indicators",
    "Param": "rnr.definitions.policy",
    "Policy": "rnr.definitions.policy",
    "PolicyLibrary": "rnr.definitions.library",
    "Ref": "rnr.definitions.ref",
    "ReinsertionIndex": "rnr.definitions.indicators",
    "Reliability": "rnr.definitions.instrument",
    "ReliabilityFile": "rnr.definitions.reliability",
    "Responsivity": "rnr.definitions.responsivity",
    "ResponsivityRule": "rnr.definitions.catalogue",
    "Rule": "rnr.definitions.tables",
    "RuleSet": "rnr.definitions.catalogue",
    "SCHEMA": "rnr.definitions.crosswalk",
    "Scale": "rnr.definitions.instrument",
    "Table": "rnr.definitions.tables",
    "TableResult": "rnr.definitions.tables",
    "Term": "rnr.definitions.instrument",
    "Test": "rnr.definitions.tables",
    "Value": "rnr.definitions.conditions",
    "canonical_hash": "rnr.definitions._toml",
    "check_answer_tables": "rnr.definitions.policy",
    "check_reliability": "rnr.definitions.reliability",
    "check_table": "rnr.definitions.policy_loader",
    "data_dir": "rnr.definitions.library",
    "default_library": "rnr.definitions.library",
    "find_crosswalk": "rnr.definitions.crosswalk",
    "load_catalogue": "rnr.definitions.catalogue",
    "load_crosswalk": "rnr.definitions.crosswalk",
    "load_indicators": "rnr.definitions.indicators",
    "load_instrument": "rnr.definitions.instrument_loader",
    "load_labels": "rnr.definitions.labels",
    "load_policy": "rnr.definitions.policy_loader",
    "load_reinsertion": "rnr.definitions.indicators",
    "load_reliability": "rnr.definitions.reliability",
    "load_rules": "rnr.definitions.catalogue",
    "parse_crosswalk": "rnr.definitions.crosswalk",
    "parse_instrument": "rnr.definitions.instrument_loader",
    "parse_policy": "rnr.definitions.policy_loader",
    "parse_responsivity": "rnr.definitions.responsivity",
    "policy_library": "rnr.definitions.library",
    "shipped": "rnr.definitions.indicators",
    "split_ref": "rnr.definitions.library",
}

__all__ = [
    "ACTIONS",
    "ANSWER_FACTS",
    "ANSWER_PREFIXES",
    "ANSWER_TABLES",
    "CHOICES",
    "DECISION_TABLES",
    "HIT_POLICIES",
    "LOCALES",
    "OUTCOMES",
    "POPULATIONS",
    "PROGRAMMES",
    "SCHEMA",
    "AllOf",
    "AnyOf",
    "Atom",
    "Band",
    "Catalogue",
    "Component",
    "Condition",
    "Crosswalk",
    "Domain",
    "Indicator",
    "IndicatorSet",
    "InputSpec",
    "Instrument",
    "Item",
    "Labels",
    "Library",
    "Objective",
    "Operator",
    "Outcome",
    "OutputSpec",
    "Param",
    "Policy",
    "PolicyLibrary",
    "Ref",
    "ReinsertionIndex",
    "Reliability",
    "ReliabilityFile",
    "Responsivity",
    "ResponsivityRule",
    "Rule",
    "RuleSet",
    "Scale",
    "Table",
    "TableResult",
    "Term",
    "Test",
    "Value",
    "canonical_hash",
    "check_answer_tables",
    "check_reliability",
    "check_table",
    "data_dir",
    "default_library",
    "find_crosswalk",
    "load_catalogue",
    "load_crosswalk",
    "load_indicators",
    "load_instrument",
    "load_labels",
    "load_policy",
    "load_reinsertion",
    "load_reliability",
    "load_rules",
    "parse_crosswalk",
    "parse_instrument",
    "parse_policy",
    "parse_responsivity",
    "policy_library",
    "shipped",
    "split_ref",
]

__getattr__, __dir__ = face(__name__, _EXPORTS)


if TYPE_CHECKING:
    from rnr.definitions._toml import canonical_hash as canonical_hash
    from rnr.definitions.catalogue import (
        Catalogue as Catalogue,
    )
    from rnr.definitions.catalogue import (
        Objective as Objective,
    )
    from rnr.definitions.catalogue import (
        ResponsivityRule as ResponsivityRule,
    )
    from rnr.definitions.catalogue import (
        RuleSet as RuleSet,
    )
    from rnr.definitions.catalogue import (
        load_catalogue as load_catalogue,
    )
    from rnr.definitions.catalogue import (
        load_rules as load_rules,
    )
    from rnr.definitions.conditions import (
        AllOf as AllOf,
    )
    from rnr.definitions.conditions import (
        AnyOf as AnyOf,
    )
    from rnr.definitions.conditions import (
        Atom as Atom,
    )
    from rnr.definitions.conditions import (
        Condition as Condition,
    )
    from rnr.definitions.conditions import (
        Operator as Operator,
    )
    from rnr.definitions.conditions import (
        Value as Value,
    )
    from rnr.definitions.crosswalk import (
        SCHEMA as SCHEMA,
    )
    from rnr.definitions.crosswalk import (
        Crosswalk as Crosswalk,
    )
    from rnr.definitions.crosswalk import (
        find_crosswalk as find_crosswalk,
    )
    from rnr.definitions.crosswalk import (
        load_crosswalk as load_crosswalk,
    )
    from rnr.definitions.crosswalk import (
        parse_crosswalk as parse_crosswalk,
    )
    from rnr.definitions.indicators import (
        OUTCOMES as OUTCOMES,
    )
    from rnr.definitions.indicators import (
        POPULATIONS as POPULATIONS,
    )
    from rnr.definitions.indicators import (
        PROGRAMMES as PROGRAMMES,
    )
    from rnr.definitions.indicators import (
        Component as Component,
    )
    from rnr.definitions.indicators import (
        Indicator as Indicator,
    )
    from rnr.definitions.indicators import (
        IndicatorSet as IndicatorSet,
    )
    from rnr.definitions.indicators import (
        ReinsertionIndex as ReinsertionIndex,
    )
    from rnr.definitions.indicators import (
        load_indicators as load_indicators,
    )
    from rnr.definitions.indicators import (
        load_reinsertion as load_reinsertion,
    )
    from rnr.definitions.indicators import (
        shipped as shipped,
    )
    from rnr.definitions.instrument import (
        Band as Band,
    )
    from rnr.definitions.instrument import (
        Domain as Domain,
    )
    from rnr.definitions.instrument import (
        Instrument as Instrument,
    )
    from rnr.definitions.instrument import (
        Item as Item,
    )
    from rnr.definitions.instrument import (
        Outcome as Outcome,
    )
    from rnr.definitions.instrument import (
        Reliability as Reliability,
    )
    from rnr.definitions.instrument import (
        Scale as Scale,
    )
    from rnr.definitions.instrument import (
        Term as Term,
    )
    from rnr.definitions.instrument_loader import (
        load_instrument as load_instrument,
    )
    from rnr.definitions.instrument_loader import (
        parse_instrument as parse_instrument,
    )
    from rnr.definitions.labels import (
        LOCALES as LOCALES,
    )
    from rnr.definitions.labels import (
        Labels as Labels,
    )
    from rnr.definitions.labels import (
        load_labels as load_labels,
    )
    from rnr.definitions.library import (
        Library as Library,
    )
    from rnr.definitions.library import (
        PolicyLibrary as PolicyLibrary,
    )
    from rnr.definitions.library import (
        data_dir as data_dir,
    )
    from rnr.definitions.library import (
        default_library as default_library,
    )
    from rnr.definitions.library import (
        policy_library as policy_library,
    )
    from rnr.definitions.library import (
        split_ref as split_ref,
    )
    from rnr.definitions.policy import (
        ACTIONS as ACTIONS,
    )
    from rnr.definitions.policy import (
        ANSWER_FACTS as ANSWER_FACTS,
    )
    from rnr.definitions.policy import (
        ANSWER_PREFIXES as ANSWER_PREFIXES,
    )
    from rnr.definitions.policy import (
        ANSWER_TABLES as ANSWER_TABLES,
    )
    from rnr.definitions.policy import (
        DECISION_TABLES as DECISION_TABLES,
    )
    from rnr.definitions.policy import (
        Param as Param,
    )
    from rnr.definitions.policy import (
        Policy as Policy,
    )
    from rnr.definitions.policy import (
        check_answer_tables as check_answer_tables,
    )
    from rnr.definitions.policy_loader import (
        check_table as check_table,
    )
    from rnr.definitions.policy_loader import (
        load_policy as load_policy,
    )
    from rnr.definitions.policy_loader import (
        parse_policy as parse_policy,
    )
    from rnr.definitions.ref import Ref as Ref
    from rnr.definitions.reliability import (
        ReliabilityFile as ReliabilityFile,
    )
    from rnr.definitions.reliability import (
        check_reliability as check_reliability,
    )
    from rnr.definitions.reliability import (
        load_reliability as load_reliability,
    )
    from rnr.definitions.responsivity import (
        CHOICES as CHOICES,
    )
    from rnr.definitions.responsivity import (
        Responsivity as Responsivity,
    )
    from rnr.definitions.responsivity import (
        parse_responsivity as parse_responsivity,
    )
    from rnr.definitions.tables import (
        HIT_POLICIES as HIT_POLICIES,
    )
    from rnr.definitions.tables import (
        InputSpec as InputSpec,
    )
    from rnr.definitions.tables import (
        OutputSpec as OutputSpec,
    )
    from rnr.definitions.tables import (
        Rule as Rule,
    )
    from rnr.definitions.tables import (
        Table as Table,
    )
    from rnr.definitions.tables import (
        TableResult as TableResult,
    )
    from rnr.definitions.tables import (
        Test as Test,
    )
