"""rnr: a Risk-Need-Responsivity assessment engine.

Versioned, cited instruments score static and dynamic factors exactly and
explain every point; the same answer comes out of single scoring, batch
scoring, the command line and a result read back from JSON.

>>> import datetime as dt
>>> import rnr
>>> lscmi = rnr.default_library().get("lscmi", on=dt.date(2025, 3, 1))
>>> answers = {item.id: False for item in lscmi.items}
>>> rnr.score(lscmi, answers, assessed_on=dt.date(2025, 3, 1), norm_group="male").risk_level
'very_low'
"""

from rnr.batch import BatchResult, CompiledInstrument, compile_instrument, score_batch
from rnr.cases import Case, parse_case, read_cases, score_case
from rnr.change import Change, compare, compare_history
from rnr.conditions import AllOf, AnyOf, Atom
from rnr.errors import (
    CaseFileError,
    DecisionInputError,
    DefinitionError,
    InstrumentDefinitionError,
    OmissionError,
    PolicyDefinitionError,
    RnrError,
    ScoringInputError,
    UnknownDefinitionError,
    UnknownInstrumentError,
    UnknownPolicyError,
)
from rnr.explain import explain
from rnr.instrument import Band, Domain, Instrument, Item, Outcome, Reliability, Scale, Term
from rnr.labels import Labels, load_labels
from rnr.library import Library, data_dir, default_library
from rnr.loader import load_instrument
from rnr.plan import PlanDraft, draft_plan, render_plan
from rnr.result import (
    Bounds,
    DomainScore,
    InstrumentRef,
    ItemScore,
    ScaleScore,
    ScoreResult,
    Step,
    TermScore,
)
from rnr.scoring import age_in_years, score

__version__ = "0.1.0"

__all__ = [
    "AllOf",
    "AnyOf",
    "Atom",
    "Band",
    "BatchResult",
    "Bounds",
    "Case",
    "CaseFileError",
    "Change",
    "CompiledInstrument",
    "DecisionInputError",
    "DefinitionError",
    "Domain",
    "DomainScore",
    "Instrument",
    "InstrumentDefinitionError",
    "InstrumentRef",
    "Item",
    "ItemScore",
    "Labels",
    "Library",
    "OmissionError",
    "Outcome",
    "PlanDraft",
    "PolicyDefinitionError",
    "Reliability",
    "RnrError",
    "Scale",
    "ScaleScore",
    "ScoreResult",
    "ScoringInputError",
    "Step",
    "Term",
    "TermScore",
    "UnknownDefinitionError",
    "UnknownInstrumentError",
    "UnknownPolicyError",
    "__version__",
    "age_in_years",
    "compare",
    "compare_history",
    "compile_instrument",
    "data_dir",
    "default_library",
    "draft_plan",
    "explain",
    "load_instrument",
    "load_labels",
    "parse_case",
    "read_cases",
    "render_plan",
    "score",
    "score_batch",
    "score_case",
]
