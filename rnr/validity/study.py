"""A whole local study as the command line reports it: validity, raters, norms, cut-offs.

:class:`Study` gathers what ``rnr validate`` computed from one CSV file so
that the JSON, the readable text and the HTML report are three views of the
same value.
"""

from __future__ import annotations

from typing import Any

import attrs

from rnr.text import Message
from rnr.validity.percentiles import Norms, Recalibration
from rnr.validity.reliability import Agreement
from rnr.validity.report import ValidityReport

__all__ = ["Study"]


@attrs.frozen
class Study:
    """What was computed from one data file.

    Attributes:
        file: the data file's name (from the store, a message naming the
            store and the selection).
        rows: the data rows read.
        score: the score column, when one was used.
        outcome: the outcome column, when one was used.
        groups: the group columns.
        level_column: the column of each person's level, when given.
        report: the validity report (with an outcome column).
        agreement: two raters' agreement (with two rater columns).
        norms: local norms of the score.
        recalibration: recalibrated cut-offs of the score.
    """

    file: str | Message
    rows: int
    score: str | None = None
    outcome: str | None = None
    groups: tuple[str, ...] = ()
    level_column: str | None = None
    report: ValidityReport | None = None
    agreement: Agreement | None = None
    norms: Norms | None = None
    recalibration: Recalibration | None = None

    def to_dict(self) -> dict[str, Any]:
        """One JSON-ready object: the file and columns, the report's keys, then the rest."""
        out: dict[str, Any] = {
            "file": self.file if isinstance(self.file, str) else self.file.to_dict(),
            "rows": self.rows,
            "columns": {
                "score": self.score,
                "outcome": self.outcome,
                "groups": list(self.groups),
                "level": self.level_column,
            },
        }
        if self.report is not None:
            out |= self.report.to_dict()
        out["reliability"] = None if self.agreement is None else self.agreement.to_dict()
        out["norms"] = None if self.norms is None else self.norms.to_dict()
        out["recalibration"] = None if self.recalibration is None else self.recalibration.to_dict()
        return out
