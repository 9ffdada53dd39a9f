"""Policies: from a score and the legal context to a decision.

A policy is a dated, cited set of decision tables (``plans/policies/<id>/
<effective-date>.toml``); :func:`decide` applies one to a scored case.
"""

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
from rnr.policy.engine import add_months, decide
from rnr.policy.loader import check_table, load_policy, parse_policy
from rnr.policy.model import Param, Policy
from rnr.policy.tables import InputSpec, OutputSpec, Rule, Table, Test

__all__ = [
    "Deadline",
    "Decision",
    "Fired",
    "InputSpec",
    "Intensity",
    "Nearest",
    "OutputSpec",
    "Param",
    "Policy",
    "PolicyRef",
    "Rule",
    "Table",
    "Test",
    "Text",
    "Warning",
    "add_months",
    "check_table",
    "decide",
    "load_policy",
    "parse_policy",
]
