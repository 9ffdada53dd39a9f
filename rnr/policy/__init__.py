"""Policies: from a score and the legal context to a decision.

A policy is a dated, cited set of decision tables (``plans/policies/<id>/
<effective-date>.toml``); :func:`decide` applies one to a scored case,
:func:`decide_change` answers a change between assessments and
:func:`reassessment_trigger` an event.
"""

from typing import TYPE_CHECKING

from rnr import _face as face

_EXPORTS = {
    "DecisionChange": "rnr.policy.many",
    "ChangeAnswer": "rnr.policy.answer",
    "CohortCase": "rnr.policy.many",
    "Deadline": "rnr.policy.decision",
    "Decision": "rnr.policy.decision",
    "Fired": "rnr.policy.decision",
    "InputSpec": "rnr.definitions.tables",
    "Intensity": "rnr.policy.decision",
    "Nearest": "rnr.policy.decision",
    "OutputSpec": "rnr.definitions.tables",
    "Param": "rnr.definitions.policy",
    "Policy": "rnr.definitions.policy",
    "PolicyLibrary": "rnr.definitions.library",
    "Ref": "rnr.definitions.ref",
    "Rule": "rnr.definitions.tables",
    "Table": "rnr.definitions.tables",
    "Test": "rnr.definitions.tables",
    "Text": "rnr.text",
    "Trigger": "rnr.policy.answer",
    "DecisionWarning": "rnr.policy.decision",
    "WhatIf": "rnr.policy.many",
    "change_facts": "rnr.policy.answer",
    "check_table": "rnr.definitions.policy_loader",
    "compare_policies": "rnr.policy.many",
    "decide": "rnr.policy.engine",
    "decide_change": "rnr.policy.answer",
    "decide_facts": "rnr.policy.engine",
    "decide_many": "rnr.policy.many",
    "load_policy": "rnr.definitions.policy_loader",
    "parse_policy": "rnr.definitions.policy_loader",
    "policy_library": "rnr.definitions.library",
    "reassessment_trigger": "rnr.policy.answer",
}

__all__ = [
    "ChangeAnswer",
    "CohortCase",
    "Deadline",
    "Decision",
    "DecisionChange",
    "DecisionWarning",
    "Fired",
    "InputSpec",
    "Intensity",
    "Nearest",
    "OutputSpec",
    "Param",
    "Policy",
    "PolicyLibrary",
    "Ref",
    "Rule",
    "Table",
    "Test",
    "Text",
    "Trigger",
    "WhatIf",
    "change_facts",
    "check_table",
    "compare_policies",
    "decide",
    "decide_change",
    "decide_facts",
    "decide_many",
    "load_policy",
    "parse_policy",
    "policy_library",
    "reassessment_trigger",
]

__getattr__, __dir__ = face(__name__, _EXPORTS)


if TYPE_CHECKING:
    from rnr.definitions.library import (
        PolicyLibrary as PolicyLibrary,
    )
    from rnr.definitions.library import (
        policy_library as policy_library,
    )
    from rnr.definitions.policy import Param as Param
    from rnr.definitions.policy import Policy as Policy
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
        Test as Test,
    )
    from rnr.policy.answer import (
        ChangeAnswer as ChangeAnswer,
    )
    from rnr.policy.answer import (
        Trigger as Trigger,
    )
    from rnr.policy.answer import (
        change_facts as change_facts,
    )
    from rnr.policy.answer import (
        decide_change as decide_change,
    )
    from rnr.policy.answer import (
        reassessment_trigger as reassessment_trigger,
    )
    from rnr.policy.decision import (
        Deadline as Deadline,
    )
    from rnr.policy.decision import (
        Decision as Decision,
    )
    from rnr.policy.decision import (
        DecisionWarning as DecisionWarning,
    )
    from rnr.policy.decision import (
        Fired as Fired,
    )
    from rnr.policy.decision import (
        Intensity as Intensity,
    )
    from rnr.policy.decision import (
        Nearest as Nearest,
    )
    from rnr.policy.engine import decide as decide
    from rnr.policy.engine import decide_facts as decide_facts
    from rnr.policy.many import (
        CohortCase as CohortCase,
    )
    from rnr.policy.many import (
        DecisionChange as DecisionChange,
    )
    from rnr.policy.many import (
        WhatIf as WhatIf,
    )
    from rnr.policy.many import (
        compare_policies as compare_policies,
    )
    from rnr.policy.many import (
        decide_many as decide_many,
    )
    from rnr.text import Text as Text
