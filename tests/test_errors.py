"""The exception tree: structured attributes and one-line messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from rnr import errors

Raise = Callable[..., errors.RnrError]
ABOUT_A_CASE: list[tuple[Raise, dict[str, Any]]] = [
    (errors.ScoringInputError, {"item": "peers"}),
    (errors.DecisionInputError, {"field": "legal.sentence_days"}),
    (errors.HistoryError, {"field": "assessed_on"}),
]


@pytest.mark.parametrize(("error", "where"), ABOUT_A_CASE, ids=["scoring", "decision", "history"])
class TestErrorsAboutACase:
    def test_the_message_starts_with_the_case_when_known(
        self, error: Raise, where: dict[str, Any]
    ) -> None:
        """``case <id>: `` comes first when the case is known, nothing otherwise."""
        assert "case c-1: got 9" == str(error("got 9", case_id="c-1", **where))
        assert "got 9" == str(error("got 9", **where))

    def test_the_value_and_the_expectation_are_kept(
        self, error: Raise, where: dict[str, Any]
    ) -> None:
        """The value, what was expected and the case stay as attributes."""
        exc: Any = error("got 9", value=9, expected="0..3", case_id="c-1", **where)
        assert (9, "0..3", "c-1") == (exc.value, exc.expected, exc.case_id)
        assert isinstance(exc, ValueError)
