"""Words for the service's tokens and access log (``rnr tokens``, ``rnr store access-log``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from rnr.render.messages import Catalogue, catalogue

if TYPE_CHECKING:
    from rnr.history.access import Grant
    from rnr.store.access import AccessEntry

__all__ = ["access_lines", "moment", "token_lines"]


def moment(stamp: str, lang: str) -> str:
    """An ISO time stamp as the reader writes a day, with the time in UTC to the second."""
    when = dt.datetime.fromisoformat(stamp).astimezone(dt.UTC)
    return f"{catalogue(lang).day(when.date())} {when:%H:%M:%S} UTC"


def _unit(unit: str | None, w: Catalogue) -> str:
    return unit if unit is not None else w("access.all_units")


def token_lines(tokens: Iterable[Grant], db: str, lang: str) -> list[str]:
    """One line per token: name, role, unit, and since when it is in force or when it ended."""
    w = catalogue(lang)
    out = []
    for t in tokens:
        if t.active:
            state = w("access.token_active", on=moment(t.added_at, lang), by=t.added_by)
        else:
            state = w("access.token_ended", on=moment(str(t.revoked_at), lang), by=t.revoked_by)
        out.append(
            w("access.token_line", name=t.name, role=t.role, unit=_unit(t.unit, w), state=state)
        )
    return out or [w("access.no_tokens", db=db)]


def access_lines(entries: Iterable[AccessEntry], db: str, lang: str) -> list[str]:
    """One line per access: when, who, what, which case, and the status answered."""
    w = catalogue(lang)
    out = [
        w(
            "access.access_line",
            seq=e.seq,
            at=moment(e.at, lang),
            by=e.access.by,
            role=e.access.role,
            action=e.access.action,
            case=e.access.case_id or w("access.no_case"),
            status=e.access.status or "—",
        )
        for e in entries
    ]
    return out or [w("access.no_access", db=db)]
