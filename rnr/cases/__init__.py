"""Case files: one person's answers with their legal, responsivity and override sections."""

from typing import TYPE_CHECKING

from rnr import _face as face

_EXPORTS = {
    "Case": "rnr.cases.parse",
    "FIELDS": "rnr.cases.parse",
    "JSONL_SUFFIXES": "rnr.cases.parse",
    "RESERVED_FIELDS": "rnr.cases.parse",
    "SCHEMA_PATH": "rnr.cases.parse",
    "STDIN": "rnr.cases.parse",
    "norm_group_for": "rnr.cases.parse",
    "parse_case": "rnr.cases.parse",
    "read_cases": "rnr.cases.parse",
    "resolve_instrument": "rnr.cases.parse",
    "score_case": "rnr.cases.parse",
}

__all__ = [
    "FIELDS",
    "JSONL_SUFFIXES",
    "RESERVED_FIELDS",
    "SCHEMA_PATH",
    "STDIN",
    "Case",
    "norm_group_for",
    "parse_case",
    "read_cases",
    "resolve_instrument",
    "score_case",
]

__getattr__, __dir__ = face(__name__, _EXPORTS)


if TYPE_CHECKING:
    from rnr.cases.parse import FIELDS as FIELDS
    from rnr.cases.parse import JSONL_SUFFIXES as JSONL_SUFFIXES
    from rnr.cases.parse import RESERVED_FIELDS as RESERVED_FIELDS
    from rnr.cases.parse import SCHEMA_PATH as SCHEMA_PATH
    from rnr.cases.parse import STDIN as STDIN
    from rnr.cases.parse import Case as Case
    from rnr.cases.parse import norm_group_for as norm_group_for
    from rnr.cases.parse import parse_case as parse_case
    from rnr.cases.parse import read_cases as read_cases
    from rnr.cases.parse import resolve_instrument as resolve_instrument
    from rnr.cases.parse import score_case as score_case
