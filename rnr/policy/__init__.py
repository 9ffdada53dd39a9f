"""Policies: from a score and the legal context to a decision.

A policy is a dated, cited set of decision tables (``plans/policies/<id>/
<effective-date>.toml``); :func:`decide` applies one to a scored case,
:func:`decide_change` answers a change between assessments and
:func:`reassessment_trigger` an event.
"""

from rnr.policy.answer import (
    ChangeAnswer,
    Trigger,
    change_facts,
    decide_change,
    reassessment_trigger,
)
from rnr.policy.cohort import Change, CohortCase, WhatIf, compare, decide_many
from rnr.policy.deadlines import add_months
from rnr.policy.decision import (
    Deadline,
    Decision,
    Fired,
    Intensity,
    Nearest,
    PolicyRef,
    Text,
    Warning,
)
from rnr.policy.engine import decide, decide_facts
from rnr.policy.library import PolicyLibrary, policy_library
from rnr.policy.loader import check_table, load_policy, parse_policy
from rnr.policy.model import Param, Policy
from rnr.policy.tables import InputSpec, OutputSpec, Rule, Table, Test

__all__ = [
    "Change",
    "ChangeAnswer",
    "CohortCase",
    "Deadline",
    "Decision",
    "Fired",
    "InputSpec",
    "Intensity",
    "Nearest",
    "OutputSpec",
    "Param",
    "Policy",
    "PolicyLibrary",
    "PolicyRef",
    "Rule",
    "Table",
    "Test",
    "Text",
    "Trigger",
    "Warning",
    "WhatIf",
    "add_months",
    "change_facts",
    "check_table",
    "compare",
    "decide",
    "decide_change",
    "decide_facts",
    "decide_many",
    "load_policy",
    "parse_policy",
    "policy_library",
    "reassessment_trigger",
]
