"""rnr: a Risk-Need-Responsivity assessment engine.

Versioned, cited instruments score static and dynamic factors exactly and
explain every point; the same answer comes out of single scoring, batch
scoring, the command line and a result read back from JSON. This namespace
holds the whole pipeline (parse a case, score, decide, draft, render, the
store and the case history, every exception) and loads each piece only when
it is first used; lower-level pieces live in the subpackages. Every
package's face is lazy the same way (:func:`_face`, written here so that
importing any module of rnr loads no helper module first).

>>> import datetime as dt
>>> import rnr
>>> lscmi = rnr.default_library().get("lscmi", on=dt.date(2025, 3, 1))
>>> answers = {item.id: False for item in lscmi.items}
>>> rnr.score(lscmi, answers, assessed_on=dt.date(2025, 3, 1), norm_group="male").risk_level
'very_low'
"""

import importlib
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any


def _face(
    package: str, exports: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return ``__getattr__`` and ``__dir__`` for a package re-exporting ``exports``.

    Args:
        package: the package's ``__name__``.
        exports: each public name and the module that defines it.
    """

    def __getattr__(name: str) -> Any:  # noqa: N807 - the module hook Python calls
        module = exports.get(name)
        if module is not None:
            return getattr(importlib.import_module(module), name)
        if name.isidentifier() and not name.startswith("__"):
            try:  # a subpackage or module, as after an eager import (``rnr.plan.draft``)
                return importlib.import_module(f"{package}.{name}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{package}.{name}":
                    raise
        msg = f"module {package!r} has no attribute {name!r}"
        raise AttributeError(msg)

    def __dir__() -> list[str]:  # noqa: N807 - the module hook Python calls
        return sorted(exports)

    return __getattr__, __dir__


_EXPORTS = {
    "BatchResult": "rnr.scoring.batch",
    "Case": "rnr.cases.parse",
    "CaseFileError": "rnr.errors",
    "CaseHistory": "rnr.history.entries",
    "Change": "rnr.change.delta",
    "ChangeError": "rnr.errors",
    "Decision": "rnr.policy.decision",
    "DecisionInputError": "rnr.errors",
    "DefinitionError": "rnr.errors",
    "HistoryError": "rnr.errors",
    "Instrument": "rnr.definitions.instrument",
    "InstrumentDefinitionError": "rnr.errors",
    "InvalidArgumentError": "rnr.errors",
    "Labels": "rnr.definitions.labels",
    "Library": "rnr.definitions.library",
    "MemoryStore": "rnr.store.memory",
    "OmissionError": "rnr.errors",
    "PlanDraft": "rnr.plan.draft",
    "Policy": "rnr.definitions.policy",
    "PolicyDefinitionError": "rnr.errors",
    "PolicyLibrary": "rnr.definitions.library",
    "RenderError": "rnr.errors",
    "RnrError": "rnr.errors",
    "SQLiteStore": "rnr.store.sqlite",
    "ScoreResult": "rnr.scoring.result",
    "ScoringInputError": "rnr.errors",
    "Store": "rnr.store.protocol",
    "StoreError": "rnr.errors",
    "StoreIntegrityError": "rnr.errors",
    "UnknownDefinitionError": "rnr.errors",
    "UnknownInstrumentError": "rnr.errors",
    "UnknownPolicyError": "rnr.errors",
    "ValidityInputError": "rnr.errors",
    "__version__": "rnr._version",
    "case_change": "rnr.history.progress",
    "compare": "rnr.change.between",
    "compare_history": "rnr.change.history",
    "decide": "rnr.policy.engine",
    "default_library": "rnr.definitions.library",
    "draft_plan": "rnr.plan.assemble",
    "explain": "rnr.render.explanation",
    "load_instrument": "rnr.definitions.instrument_loader",
    "load_labels": "rnr.definitions.labels",
    "open_case": "rnr.history.write",
    "parse_case": "rnr.cases.parse",
    "policy_library": "rnr.definitions.library",
    "read_cases": "rnr.cases.parse",
    "read_history": "rnr.history.read",
    "reassess": "rnr.history.write",
    "render_plan": "rnr.render.plan",
    "score": "rnr.scoring.single",
    "score_batch": "rnr.scoring.batch",
    "score_case": "rnr.cases.parse",
}

__all__ = [
    "BatchResult",
    "Case",
    "CaseFileError",
    "CaseHistory",
    "Change",
    "ChangeError",
    "Decision",
    "DecisionInputError",
    "DefinitionError",
    "HistoryError",
    "Instrument",
    "InstrumentDefinitionError",
    "InvalidArgumentError",
    "Labels",
    "Library",
    "MemoryStore",
    "OmissionError",
    "PlanDraft",
    "Policy",
    "PolicyDefinitionError",
    "PolicyLibrary",
    "RenderError",
    "RnrError",
    "SQLiteStore",
    "ScoreResult",
    "ScoringInputError",
    "Store",
    "StoreError",
    "StoreIntegrityError",
    "UnknownDefinitionError",
    "UnknownInstrumentError",
    "UnknownPolicyError",
    "ValidityInputError",
    "__version__",
    "case_change",
    "compare",
    "compare_history",
    "decide",
    "default_library",
    "draft_plan",
    "explain",
    "load_instrument",
    "load_labels",
    "open_case",
    "parse_case",
    "policy_library",
    "read_cases",
    "read_history",
    "reassess",
    "render_plan",
    "score",
    "score_batch",
    "score_case",
]

__getattr__, __dir__ = _face(__name__, _EXPORTS)


if TYPE_CHECKING:
    from rnr._version import __version__ as __version__
    from rnr.cases.parse import Case as Case
    from rnr.cases.parse import parse_case as parse_case
    from rnr.cases.parse import read_cases as read_cases
    from rnr.cases.parse import score_case as score_case
    from rnr.change.between import compare as compare
    from rnr.change.delta import Change as Change
    from rnr.change.history import compare_history as compare_history
    from rnr.definitions.instrument import Instrument as Instrument
    from rnr.definitions.instrument_loader import load_instrument as load_instrument
    from rnr.definitions.labels import Labels as Labels
    from rnr.definitions.labels import load_labels as load_labels
    from rnr.definitions.library import Library as Library
    from rnr.definitions.library import PolicyLibrary as PolicyLibrary
    from rnr.definitions.library import default_library as default_library
    from rnr.definitions.library import policy_library as policy_library
    from rnr.definitions.policy import Policy as Policy
    from rnr.errors import CaseFileError as CaseFileError
    from rnr.errors import ChangeError as ChangeError
    from rnr.errors import DecisionInputError as DecisionInputError
    from rnr.errors import DefinitionError as DefinitionError
    from rnr.errors import HistoryError as HistoryError
    from rnr.errors import InstrumentDefinitionError as InstrumentDefinitionError
    from rnr.errors import InvalidArgumentError as InvalidArgumentError
    from rnr.errors import OmissionError as OmissionError
    from rnr.errors import PolicyDefinitionError as PolicyDefinitionError
    from rnr.errors import RenderError as RenderError
    from rnr.errors import RnrError as RnrError
    from rnr.errors import ScoringInputError as ScoringInputError
    from rnr.errors import StoreError as StoreError
    from rnr.errors import StoreIntegrityError as StoreIntegrityError
    from rnr.errors import UnknownDefinitionError as UnknownDefinitionError
    from rnr.errors import UnknownInstrumentError as UnknownInstrumentError
    from rnr.errors import UnknownPolicyError as UnknownPolicyError
    from rnr.errors import ValidityInputError as ValidityInputError
    from rnr.history.entries import CaseHistory as CaseHistory
    from rnr.history.progress import case_change as case_change
    from rnr.history.read import read_history as read_history
    from rnr.history.write import open_case as open_case
    from rnr.history.write import reassess as reassess
    from rnr.plan.assemble import draft_plan as draft_plan
    from rnr.plan.draft import PlanDraft as PlanDraft
    from rnr.policy.decision import Decision as Decision
    from rnr.policy.engine import decide as decide
    from rnr.render.explanation import explain as explain
    from rnr.render.plan import render_plan as render_plan
    from rnr.scoring.batch import BatchResult as BatchResult
    from rnr.scoring.batch import score_batch as score_batch
    from rnr.scoring.result import ScoreResult as ScoreResult
    from rnr.scoring.single import score as score
    from rnr.store.memory import MemoryStore as MemoryStore
    from rnr.store.protocol import Store as Store
    from rnr.store.sqlite import SQLiteStore as SQLiteStore
