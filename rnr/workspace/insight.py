"""The workspace's pages of a case's history, a unit's overview and the analyst's reports.

.. code-block:: text

    GET  /espacio/casos/{id}/historia        the case's timeline, each change, the trajectory chart
    GET  /espacio/unidad                     the open cases of the unit in counts (no case named)
    GET  /espacio/informes/indicadores       the programme indicators of a year (periodo, programa)
    GET  /espacio/informes/validez           the local validity study of the store
                                             (instrumento, evento, ventana)

The history page needs ``case.read`` and a case of the person's unit, as a
case page does. The overview and the reports need ``aggregate`` (a
supervisor, an analyst): they name no case, no person and no answer; the
overview counts the cases of the person's unit (every case without one).
The reports are the command line's own (:func:`rnr.render.indicators.report_html`,
:func:`rnr.render.validity_html.study_html`) placed inside the workspace's
layout (:func:`rnr.render.embedded.embedded`).

A report or an overview reads the whole store; each is kept, by what was
asked, with the store's record count, so asking again before anything is
written answers at once; after a write the next request makes it anew (a
report is trusted for up to 30 seconds without counting: :class:`Kept`).
Every page is logged in the access log like the others
(``workspace.history``, ``workspace.unit``, ``workspace.indicators``,
``workspace.validity``), refusals included.
"""

from __future__ import annotations

import collections
import datetime as dt
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

import attrs
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response

from rnr.definitions.indicators import PROGRAMMES
from rnr.errors import RnrError
from rnr.history.access import Principal
from rnr.history.caseload import overview
from rnr.history.programme import programme_report
from rnr.history.progress import CaseChange, case_change
from rnr.history.requests import store_study
from rnr.indicators.overview import UnitOverview
from rnr.render.embedded import embedded
from rnr.render.indicators import report_html
from rnr.render.names import instrument_name, sanction_name
from rnr.render.validity_html import study_html
from rnr.workspace.chronicle import chronicle
from rnr.workspace.door import Visit
from rnr.workspace.pages import PREFIX, Pages
from rnr.workspace.views import CHANGES, LabelsOf

__all__ = ["OUTCOMES", "Insight", "Kept", "Ready"]

T = TypeVar("T")

#: The events a validity study may take as its outcome, in the order offered.
OUTCOMES = ("new_offence", "breach", "revocation", "reentry_harsher")
#: The follow-up windows offered, in months.
WINDOWS = (6, 12, 18, 24, 36)
#: The earliest year the indicators page offers.
FIRST_YEAR = 2020
#: Seconds after which a page showing a report being prepared or updated asks again by itself.
REFRESH = 2


@attrs.frozen
class Ready(Generic[T]):
    """What :meth:`Kept.ask` has for a report: its value, when it was made, whether it is current.

    Attributes:
        value: the report (``None``: none made yet; it is being made).
        made_at: the wall-clock time it was made (``None`` with no value).
        current: whether it was made from the store as it is now (else the
            store has changed since, and a new one is being made).
    """

    value: T | None
    made_at: dt.datetime | None
    current: bool


@attrs.frozen
class _Entry:
    """A report kept: the store's record count it was made at, when last checked, when made."""

    value: Any
    version: int
    checked: float
    made_at: dt.datetime


class _Job:
    """A report being made on a thread of its own: its value or error once done."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None


class Kept:
    """The last few reports made, each with the store's record count it was made at.

    A write to the store adds records, so it changes the count and the next
    request makes its report again; the access log is not counted (reading a
    page writes to it). Counting a large store's records takes a moment
    (tens of milliseconds at two million), so a kept report is trusted
    without counting for ``fresh`` seconds after it was made or last
    checked: a report is at most that old. Held per workspace, bounded,
    behind a lock.

    :meth:`get` makes a missing value in the request; :meth:`ask` makes it on
    a thread of its own and waits at most ``wait`` seconds for it, so that a
    report reading every case of a large store never holds a page (nor a
    proxy's time limit): the page says the report is being prepared and
    asks again by itself, and an outdated report is shown, marked as such,
    while its successor is made. One report of each kind is made at a time.

    Args:
        size: how many reports are kept (the least recently asked goes first).
        fresh: seconds a report is given without counting the store's records.
        clock: the clock (tests pass their own).
        wait: seconds :meth:`ask` waits for a report being made.
        now: the wall clock of ``made_at`` (tests pass their own).
    """

    def __init__(
        self,
        size: int = 8,
        *,
        fresh: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        wait: float = 0.15,
        now: Callable[[], dt.datetime] = dt.datetime.now,
    ) -> None:
        self.size, self.fresh, self.clock, self.wait, self.now = size, fresh, clock, wait, now
        self._held: collections.OrderedDict[Hashable, _Entry] = collections.OrderedDict()
        self._jobs: dict[Hashable, _Job] = {}
        self._lock = threading.Lock()

    def _kept(
        self, key: Hashable, version: Callable[[], int]
    ) -> tuple[_Entry | None, bool, int | None]:
        """The entry kept for ``key`` (or ``None``), whether it is current, the count if taken."""
        now = self.clock()
        with self._lock:
            found = self._held.get(key)
            if found is not None:
                self._held.move_to_end(key)
                if now - found.checked < self.fresh:
                    return found, True, None
        current = version()
        if found is None or found.version != current:
            return found, False, current
        with self._lock:
            self._held[key] = attrs.evolve(found, version=current, checked=now)
        return found, True, current

    def _keep(self, key: Hashable, value: Any, version: int) -> None:
        with self._lock:
            self._held[key] = _Entry(value, version, self.clock(), self.now())
            self._held.move_to_end(key)
            while len(self._held) > self.size:
                self._held.popitem(last=False)

    def get(self, key: Hashable, version: Callable[[], int], make: Callable[[], T]) -> T:
        """The value kept for ``key`` while ``version()`` is unchanged, else ``make()``'s, kept."""
        found, current, counted = self._kept(key, version)
        if found is not None and current:
            kept: T = found.value
            return kept
        made = make()
        self._keep(key, made, version() if counted is None else counted)
        return made

    def ask(self, key: Hashable, version: Callable[[], int], make: Callable[[], T]) -> Ready[T]:
        """The report kept for ``key``, or the one being made, waiting at most ``wait`` seconds.

        Raises:
            Exception: what ``make`` raised, to the request that waited for it
                (the next request makes the report again).
        """
        found, current, counted = self._kept(key, version)
        if found is not None and current:
            return Ready(found.value, found.made_at, True)
        made_from = version() if counted is None else counted
        with self._lock:
            job = self._jobs.get(key)
            if job is None:
                job = self._jobs[key] = _Job()
                threading.Thread(
                    target=self._make, args=(key, job, made_from, make), daemon=True
                ).start()
        if job.done.wait(self.wait):
            if job.error is not None:
                raise job.error
            return Ready(job.value, self.now(), True)
        if found is not None:
            return Ready(found.value, found.made_at, False)
        return Ready(None, None, False)

    def _make(self, key: Hashable, job: _Job, version: int, make: Callable[[], Any]) -> None:
        """Make one report on this thread, keep it, and let those waiting for it go on."""
        try:
            job.value = make()
            self._keep(key, job.value, version)
        except Exception as error:  # handed to the request that waits for it
            job.error = error
        finally:
            with self._lock:
                self._jobs.pop(key, None)
            job.done.set()


class Insight:
    """The history, overview and report pages, on the workspace's :class:`Pages`."""

    def __init__(self, pages: Pages, kept: Kept | None = None) -> None:
        self.pages = pages
        self.kept = kept if kept is not None else Kept()

    def mount(self, app: FastAPI) -> None:
        """Add the routes (before the workspace's fallback)."""
        pages = self.pages
        pages.get(app, PREFIX + "/casos/{case_id}/historia", self.history)
        pages.get(app, PREFIX + "/unidad", self.unit)
        pages.get(app, PREFIX + "/informes/indicadores", self.indicators)
        pages.get(app, PREFIX + "/informes/validez", self.validity)

    # -- a case's history ---------------------------------------------------------------------

    def history(self, request: Request, case_id: str) -> Response:
        """A case's timeline, the change at each reassessment and the trajectory."""
        pages, w = self.pages, self.pages.w

        def show(visit: Visit, principal: Principal) -> Response:
            history = pages.history(principal, case_id)
            change: CaseChange | None = None
            refused = None
            if len(history.assessments) >= 2:
                try:
                    change = case_change(history, defs=pages.defs, as_of=pages.today())
                except RnrError as error:  # incomparable assessments: the page says why
                    refused = error.code
            view = chronicle(
                history,
                change,
                refused,
                defs=pages.defs,
                labels_of=LabelsOf(pages.defs, pages.lang),
                w=w,
            )
            title = w("workspace.history.title", case_id=case_id)
            return pages.render("history", visit, title=title, case=view)

        return pages.guarded(request, "workspace.history", "case.read", show, case_id=case_id)

    # -- a unit's overview --------------------------------------------------------------------

    def overview(self, principal: Principal, as_of: dt.date) -> UnitOverview:
        """The counts of the open cases the principal's unit holds (every case without one)."""
        store, defs = self.pages.store, self.pages.defs

        def make() -> UnitOverview:
            return overview(store, as_of=as_of, defs=defs, unit=principal.unit)

        return self.kept.get(("unit", principal.unit, as_of), store.count, make)

    def unit(self, request: Request) -> Response:
        """The unit's open cases by risk level, overdue and soon due, by sanction and by change."""
        pages, w = self.pages, self.pages.w

        def show(visit: Visit, principal: Principal) -> Response:
            as_of = pages.today()
            found = self.overview(principal, as_of)
            labels_of = LabelsOf(pages.defs, pages.lang)
            levels: list[dict[str, Any]] = []
            for row in found.levels:
                instrument = pages.defs.library.get(row.instrument)
                scale = instrument.scales[instrument.primary_scale]
                rank = scale.levels.index(row.level) if row.level in scale.levels else -1
                levels.append(
                    {
                        "instrument": instrument_name(row.instrument, w.lang),
                        "level": labels_of(row.instrument).level(row.level),
                        "rank": rank,
                        "open": row.open,
                        "overdue": row.overdue,
                        "due_soon": row.due_soon,
                    }
                )
            levels.sort(key=lambda r: (str(r["instrument"]), int(r["rank"])))
            sanctions = [
                {
                    "sanction": s.sanction,
                    "name": sanction_name(s.sanction, w.lang) if s.sanction else None,
                    "open": s.open,
                    "overdue": s.overdue,
                }
                for s in found.sanctions
            ]
            words = {v: k for k, v in CHANGES.items()}  # each category's filter of the caseload
            changes = [
                {
                    "change": w(
                        "workspace.unit.no_change"
                        if c.reliable is None
                        else f"change.report.reliable.{c.reliable}"
                    ),
                    "filter": words.get(c.reliable or ""),
                    "open": c.open,
                }
                for c in found.changes
            ]
            unit = principal.unit or w("workspace.all_units")
            return pages.render(
                "unit",
                visit,
                title=w("workspace.unit.title", unit=unit),
                overview=found,
                levels=levels,
                sanctions=sanctions,
                changes=changes,
                sees_cases=principal.may("case.read"),
            )

        return pages.guarded(request, "workspace.unit", "aggregate", show)

    # -- the analyst's reports ----------------------------------------------------------------

    def indicators(self, request: Request) -> Response:
        """The programme indicators of a year, the command line's report inside the workspace."""
        pages, w = self.pages, self.pages.w

        def show(visit: Visit, principal: Principal) -> Response:
            del principal
            last = pages.today().year - 1
            years = list(range(max(FIRST_YEAR, last - 9), pages.today().year + 1))
            asked = request.query_params.get("periodo", "")
            period = int(asked) if asked.isdigit() and int(asked) in years else last
            programme = request.query_params.get("programa", "")
            programme = programme if programme in PROGRAMMES else ""

            def make() -> str:
                report = programme_report(
                    pages.store, period=period, programme=programme or None, defs=pages.defs
                )
                return embedded(report_html(report, pages.lang))

            key = ("indicators", period, programme, pages.lang)
            ready = self.kept.ask(key, pages.store.count, make)
            return pages.render(
                "report",
                visit,
                title=w("workspace.reports.indicators_title", period=period),
                kind="indicadores",
                fields=[
                    {
                        "name": "periodo",
                        "label": w("workspace.reports.period"),
                        "choices": [(str(y), str(y)) for y in reversed(years)],
                        "chosen": str(period),
                    },
                    {
                        "name": "programa",
                        "label": w("workspace.reports.programme"),
                        "choices": [("", w("workspace.reports.all_programmes"))]
                        + [(p, p) for p in PROGRAMMES],
                        "chosen": programme,
                    },
                ],
                body=ready.value,
                problem=None,
                **self.readiness(ready),
            )

        return pages.guarded(request, "workspace.indicators", "aggregate", show)

    def readiness(self, ready: Ready[Any]) -> dict[str, Any]:
        """What the report page says of a report being prepared or updated."""
        made = ready.made_at
        return {
            "preparing": ready.value is None,
            "updating": ready.value is not None and not ready.current,
            "made_at": None if made is None else made.strftime("%d-%m-%Y %H:%M"),
            "refresh": REFRESH if not ready.current else None,
        }

    def instruments(self) -> list[tuple[str, str]]:
        """The instruments a policy decides with today: id and name."""
        pages = self.pages
        found = []
        for ident in pages.defs.library.ids():
            try:
                instrument = pages.defs.library.get(ident, on=pages.today())
                kind = instrument.population.get("kind")
                regime = "juvenile" if kind == "juvenile" else "adult"
                pages.defs.policy_for(regime, instrument.id, None, on=pages.today())
            except RnrError:
                continue
            found.append((instrument.id, instrument_name(instrument.ref, pages.lang)))
        return found

    def validity(self, request: Request) -> Response:
        """The local validity study of the store's baseline assessments, inside the workspace."""
        pages, w = self.pages, self.pages.w

        def show(visit: Visit, principal: Principal) -> Response:
            del principal
            params = request.query_params
            choices = self.instruments()
            ids = [i for i, _ in choices]
            instrument = params.get("instrumento", "")
            instrument = instrument if instrument in ids else (ids[0] if ids else "")
            event = params.get("evento", "")
            event = event if event in OUTCOMES else OUTCOMES[0]
            window = params.get("ventana", "")
            months = int(window) if window.isdigit() and int(window) in WINDOWS else 12

            def make() -> tuple[str, str | None]:
                from rnr.validity.request import StudyRequest  # noqa: PLC0415 - a study only

                try:
                    study = store_study(
                        pages.store,
                        StudyRequest(),
                        instrument=instrument or None,
                        event=event,
                        window=months,
                        defs=pages.defs,
                    )
                except RnrError as error:  # too few cases, or none with the instrument
                    return "", error.code
                return embedded(study_html(study, pages.lang)), None

            key = ("validity", instrument, event, months, pages.lang)
            ready = self.kept.ask(key, pages.store.count, make)
            body, problem = ready.value or (None, None)
            return pages.render(
                "report",
                visit,
                title=w("workspace.reports.validity_title"),
                kind="validez",
                fields=[
                    {
                        "name": "instrumento",
                        "label": w("workspace.reports.instrument"),
                        "choices": choices,
                        "chosen": instrument,
                    },
                    {
                        "name": "evento",
                        "label": w("workspace.reports.event"),
                        "choices": [(e, w(f"history.ev_{e}")) for e in OUTCOMES],
                        "chosen": event,
                    },
                    {
                        "name": "ventana",
                        "label": w("workspace.reports.window"),
                        "choices": [
                            (str(m), w("workspace.reports.months", count=m)) for m in WINDOWS
                        ],
                        "chosen": str(months),
                    },
                ],
                body=body,
                problem=problem,
                **self.readiness(ready),
            )

        return pages.guarded(request, "workspace.validity", "aggregate", show)
