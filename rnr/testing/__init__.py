"""Hypothesis strategies for instruments and cases, and the checks built on them.

Re-exports :mod:`rnr.testing.strategies`; instrument checks live in
:mod:`rnr.testing.checks`, worked cases in :mod:`rnr.testing.worked`.
"""

from typing import TYPE_CHECKING

from rnr import _face as face

_EXPORTS = {
    "SampleCase": "rnr.testing.strategies",
    "Omissions": "rnr.testing.strategies",
    "Scope": "rnr.testing.strategies",
    "answer_cap": "rnr.testing.strategies",
    "answers": "rnr.testing.strategies",
    "batch_arrays": "rnr.testing.strategies",
    "cases": "rnr.testing.strategies",
    "exceeded_scopes": "rnr.testing.strategies",
    "invalid_answers": "rnr.testing.strategies",
    "invalid_responses": "rnr.testing.strategies",
    "omission_scopes": "rnr.testing.strategies",
    "responses": "rnr.testing.strategies",
    "row_responses": "rnr.testing.strategies",
    "to_array": "rnr.testing.strategies",
    "within_limits": "rnr.testing.strategies",
}

__all__ = [
    "Omissions",
    "SampleCase",
    "Scope",
    "answer_cap",
    "answers",
    "batch_arrays",
    "cases",
    "exceeded_scopes",
    "invalid_answers",
    "invalid_responses",
    "omission_scopes",
    "responses",
    "row_responses",
    "to_array",
    "within_limits",
]

__getattr__, __dir__ = face(__name__, _EXPORTS)


if TYPE_CHECKING:
    from rnr.testing.strategies import Omissions as Omissions
    from rnr.testing.strategies import SampleCase as SampleCase
    from rnr.testing.strategies import Scope as Scope
    from rnr.testing.strategies import answer_cap as answer_cap
    from rnr.testing.strategies import answers as answers
    from rnr.testing.strategies import batch_arrays as batch_arrays
    from rnr.testing.strategies import cases as cases
    from rnr.testing.strategies import exceeded_scopes as exceeded_scopes
    from rnr.testing.strategies import invalid_answers as invalid_answers
    from rnr.testing.strategies import invalid_responses as invalid_responses
    from rnr.testing.strategies import omission_scopes as omission_scopes
    from rnr.testing.strategies import responses as responses
    from rnr.testing.strategies import row_responses as row_responses
    from rnr.testing.strategies import to_array as to_array
    from rnr.testing.strategies import within_limits as within_limits
