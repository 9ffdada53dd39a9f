"""The workspace's history, unit overview and analyst pages (rnr.workspace.insight) over HTTP.

A case with two assessments, a plan review and an event is read back on its
history page: the timeline, the change with its reliable change, the
trajectory chart (inline SVG with a title, a description and no style) and
the same figures as a table. A supervisor sees their unit's counts; an
analyst sees the indicators and validity reports of a simulated store, and
no case id, name or birth date appears in them; an analyst is refused a
case. Every page is logged, refusals included.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import threading
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from workspacekit import CASE, accounts, sign_in, signed_in

from rnr.cases.parse import parse_case
from rnr.errors import ChangeError, InvalidArgumentError, RenderError
from rnr.history.access import access_log
from rnr.history.amend import record_event, review_plan
from rnr.history.programme import programme_report
from rnr.history.read import read_history
from rnr.history.write import open_case, reassess
from rnr.indicators.caseload import Due
from rnr.indicators.overview import OpenCase, unit_overview
from rnr.render.embedded import embedded
from rnr.render.trajectory import trajectory_chart
from rnr.store import MemoryStore
from rnr.store.protocol import Store
from rnr.workspace import create_workspace, insight
from rnr.workspace.demo import demo_store
from rnr.workspace.insight import Kept, Ready
from rnr.workspace.pages import PAGE_POLICY

#: The day the simulated store ends (and the workspace's today for its pages).
DEMO_DAY = dt.date(2025, 6, 1)


def _document(case_id: str, on: str, flip: int = 0) -> dict[str, Any]:
    """The example case as ``case_id`` on ``on``, with its first ``flip`` yes answers made no."""
    responses = dict(CASE["responses"])
    for item in [k for k, v in responses.items() if v is True][:flip]:
        responses[item] = False
    legal = {**CASE["legal"], "sentence_date": "2025-01-10", "entry_date": "2025-01-10"}
    return {**CASE, "case_id": case_id, "assessed_on": on, "legal": legal, "responses": responses}


def _two_assessments(store: Store, case_id: str = "c-hist", unit: str | None = "crs-1") -> None:
    """Open a case on 10-01-2025, review its plan, record an event, reassess on 25-01-2025."""
    open_case(store, parse_case(_document(case_id, "2025-01-10"), file="<t>"), by="t", unit=unit)
    plan = read_history(store, case_id).plan
    assert plan is not None
    first = plan.objectives[0].id
    review_plan(store, case_id, dt.date(2025, 1, 15), {first: ("in_progress", "")}, by="t")
    record_event(store, case_id, "breach", dt.date(2025, 1, 20), by="t", note="no se presentó")
    doc = _document(case_id, "2025-01-25", flip=6)
    reassess(store, case_id, parse_case(doc, file="<t>"), by="t")


def _store() -> Store:
    store = accounts(MemoryStore())
    _two_assessments(store)
    return store


def _logged(store: Store, action: str) -> list[Any]:
    return [e.access for e in access_log(store) if e.access.action == action]


@functools.cache
def _demo() -> MemoryStore:
    """A simulated store of 120 people ending on :data:`DEMO_DAY`, with the test accounts."""
    store = MemoryStore()
    demo_store(store, people=120, today=DEMO_DAY)
    accounts(store)
    return store


def _on_demo_day(name: str, store: Store) -> TestClient:
    """A client signed in as ``name`` to a workspace whose today is :data:`DEMO_DAY`."""
    # a report is made on a thread of its own; these pages wait for it (TestPreparing: the page
    # that does not)
    app = create_workspace(store=store, today=lambda: DEMO_DAY, reports=Kept(wait=60.0))
    c = TestClient(app, follow_redirects=False)
    assert 303 == sign_in(c, name).status_code
    return c


# -- the history page -------------------------------------------------------------------------


class TestHistoryPage:
    def test_the_change_its_reliable_change_and_the_trajectory(self) -> None:
        """Two assessments: their change, the reliable change, a chart and its table."""
        store = _store()
        page = signed_in("ana", store).get("/espacio/casos/c-hist/historia")
        assert 200 == page.status_code
        html = page.text
        assert "Historia · caso c-hist" in html
        assert "Del 10-01-2025 al 25-01-2025 (15 días)" in html
        assert "Cambio confiable" in html
        assert "<td>12</td><td>6</td><td>-6</td>" in html
        # the chart: inline SVG named by its title and description, no style attribute
        svg = re.search(r"<svg.*?</svg>", html, re.DOTALL)
        assert svg is not None
        assert 'role="img"' in svg.group(0)
        assert 'aria-labelledby="trayectoria-t trayectoria-d"' in svg.group(0)
        assert '<desc id="trayectoria-d">' in svg.group(0)
        assert "style=" not in svg.group(0)
        assert 2 == svg.group(0).count("<circle")
        # the same figures as a table
        assert "Los datos del gráfico" in html
        assert re.search(r"<th scope=\"row\">10-01-2025</th><td>LS/CMI[^<]*</td><td>\d+</td>", html)
        assert [("ana", "c-hist", 200)] == [
            (a.by, a.case_id, a.status) for a in _logged(store, "workspace.history")
        ]

    def test_the_timeline_holds_every_kind_of_entry_newest_first(self) -> None:
        """Assessments, decisions, PII versions, a review's statuses and the event, newest first."""
        html = signed_in("ana", _store()).get("/espacio/casos/c-hist/historia").text
        timeline = html.split('<ol class="timeline">', 1)[1].split("</ol>\n</section>", 1)[0]
        kinds = re.findall(r'<li class="tl-(\w+)">', timeline)
        assert {"assessment", "decision", "plan", "review", "event"} <= set(kinds)
        days = re.findall(r"<li class=\"tl-\w+\"><p><strong>(\d\d-\d\d-\d{4})</strong>", timeline)
        as_dates = [dt.datetime.strptime(d, "%d-%m-%Y").date() for d in days]
        assert as_dates == sorted(as_dates, reverse=True)
        assert "no se presentó" in timeline
        assert "en curso" in timeline  # the review's status of the objective
        assert "/espacio/casos/c-hist/decision?n=" in timeline

    def test_three_assessments_have_each_step_the_overall_change_and_the_trend(self) -> None:
        """Two steps (newest first), first to last, and the least-squares trend per year."""
        store = _store()
        doc = _document("c-hist", "2025-01-31", flip=3)
        reassess(store, "c-hist", parse_case(doc, file="<t>"), by="t")
        html = signed_in("ana", store).get("/espacio/casos/c-hist/historia").text
        steps = re.findall(r"<h3>Del (\S+) al (\S+) \(", html)
        assert [("25-01-2025", "31-01-2025"), ("10-01-2025", "25-01-2025")] == steps
        assert "<h3>De la primera evaluación (10-01-2025) a la última (31-01-2025)</h3>" in html
        assert re.search(r"Tendencia de 3 evaluaciones: [+-]\d+,\d\d puntos por año\.", html)
        assert 3 == html.count("<circle")

    def test_one_assessment_has_a_chart_and_no_change(self) -> None:
        """A case assessed once: one point, and the page says there is no change yet."""
        store = accounts(MemoryStore())
        doc = _document("c-uno", "2025-01-10")
        open_case(store, parse_case(doc, file="<t>"), by="t", unit="crs-1")
        html = signed_in("ana", store).get("/espacio/casos/c-uno/historia").text
        assert 1 == html.count("<circle")
        assert "todavía no hay cambio que medir" in html

    def test_assessments_that_cannot_be_compared_are_said_so(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A change the library refuses: the page says why, with its code, and shows the rest."""

        def refuse(*args: Any, **kwargs: Any) -> Any:
            raise ChangeError("no crosswalk", previous="a@1", current="b@1")

        monkeypatch.setattr("rnr.workspace.insight.case_change", refuse)
        page = signed_in("ana", _store()).get("/espacio/casos/c-hist/historia")
        assert 200 == page.status_code
        assert "No se puede calcular el cambio entre estas evaluaciones (código" in page.text
        assert "change.incomparable" in page.text
        assert 2 == page.text.count("<circle")
        assert '<ol class="timeline">' in page.text

    def test_the_case_page_links_to_it(self) -> None:
        html = signed_in("ana", _store()).get("/espacio/casos/c-hist").text
        assert 'href="/espacio/casos/c-hist/historia"' in html

    def test_another_unit_an_analyst_and_no_case_are_refused_and_logged(self) -> None:
        """403 for another unit's delegado and for an analyst, 404 for no case; all logged."""
        store = _store()
        assert 403 == signed_in("beto", store).get("/espacio/casos/c-hist/historia").status_code
        analyst = signed_in("alba", store)
        assert 403 == analyst.get("/espacio/casos/c-hist/historia").status_code
        assert 403 == analyst.get("/espacio/casos/c-hist").status_code
        assert 404 == signed_in("ana", store).get("/espacio/casos/nada/historia").status_code
        statuses = [(a.by, a.status) for a in _logged(store, "workspace.history")]
        assert [("beto", 403), ("alba", 403), ("ana", 404)] == statuses
        assert [403] == [a.status for a in _logged(store, "workspace.case") if a.by == "alba"]

    def test_in_english(self) -> None:
        html = signed_in("ana", _store(), lang="en").get("/espacio/casos/c-hist/historia").text
        assert "History · case c-hist" in html
        assert "From 2025-01-10 to 2025-01-25 (15 days)" in html
        assert "Historia" not in html

    def test_markup_in_a_note_is_shown_as_text(self) -> None:
        store = _store()
        record_event(store, "c-hist", "breach", dt.date(2025, 1, 28), by="t", note="<b>x</b>")
        html = signed_in("ana", store).get("/espacio/casos/c-hist/historia").text
        assert "&lt;b&gt;x&lt;/b&gt;" in html
        assert "<b>x</b>" not in html


# -- the last change in the caseload ----------------------------------------------------------


class TestLastChangeInTheCaseload:
    """The caseload shows each case's last change and filters on its reliable category."""

    @staticmethod
    def _store() -> Store:
        store = _store()  # c-hist: 6 points less at its reassessment
        open_case(store, parse_case(_document("c-nuevo", "2025-01-28"), file="<t>"), by="t",
                  unit="crs-1")  # fmt: skip
        return store

    def test_the_column_shows_the_category_and_the_points(self) -> None:
        """Shipped instruments give no reliability figures: the change is not computable."""
        page = signed_in("ana", self._store()).get("/espacio/").text
        assert '<th scope="col">Último cambio</th>' in page
        row = page.split('href="/espacio/casos/c-hist"')[1].split("</tr>")[0]
        assert "<td>no calculable (-6 puntos)</td>" in row  # signed as the case page signs it
        row = page.split('href="/espacio/casos/c-nuevo"')[1].split("</tr>")[0]
        assert "<td>—</td>" in row  # one assessment: no change yet

    def test_the_filter_keeps_one_category(self) -> None:
        """cambio=… lists the cases of that category; an unknown value lists every case."""
        c = signed_in("ana", self._store())
        found = c.get("/espacio/", params={"cambio": "no-calculable"}).text
        assert "c-hist" in found
        assert "c-nuevo" not in found
        assert '<option value="no-calculable" selected>no calculable</option>' in found
        assert "Página 1 de 1" in found
        none = c.get("/espacio/", params={"cambio": "mejora"}).text
        assert "No hay casos abiertos que coincidan." in none
        every = c.get("/espacio/", params={"cambio": "<x>"})
        assert 200 == every.status_code
        assert "c-hist" in every.text
        assert "c-nuevo" in every.text
        assert "cambio=no-calculable" in found  # the orders' links keep the filter

    def test_the_overview_counts_each_category(self) -> None:
        """One row per category and one for the cases without a change, with a link to them."""
        page = signed_in("sara", self._store()).get("/espacio/unidad").text
        table = page.split("Casos abiertos por cambio confiable")[1].split("</table>")[0]
        rows = re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)', table)
        assert [
            ("mejora confiable", "0"),
            ("sin cambio confiable", "0"),
            ("deterioro confiable", "0"),
            ("no calculable", "1"),
            ("sin reevaluación comparable", "1"),
        ] == rows
        assert 'href="/espacio/?cambio=no-calculable"' in table
        assert "?cambio=mejora" not in table  # no case to see


# -- the unit's overview -----------------------------------------------------------------------


class TestUnitOverview:
    def test_a_supervisor_sees_their_units_counts(self) -> None:
        """Counts of the unit's open cases only, with no case named."""
        store = _store()
        _two_assessments(store, "c-otra", unit="crs-2")
        page = signed_in("sara", store).get("/espacio/unidad")
        assert 200 == page.status_code
        assert "Resumen de la unidad · crs-1" in page.text
        assert "1 caso abierto al 01-02-2025" in page.text
        assert "c-hist" not in page.text
        assert "c-otra" not in page.text
        assert [("sara", None, 200)] == [
            (a.by, a.case_id, a.status) for a in _logged(store, "workspace.unit")
        ]

    def test_in_english(self) -> None:
        page = signed_in("sara", _store(), lang="en").get("/espacio/unidad").text
        assert "Unit overview · crs-1" in page
        assert "1 open case on 2025-02-01" in page
        assert "Resumen" not in page

    def test_a_delegado_is_refused_and_an_analyst_sees_every_unit(self) -> None:
        store = _store()
        assert 403 == signed_in("ana", store).get("/espacio/unidad").status_code
        page = signed_in("alba", store).get("/espacio/unidad")
        assert 200 == page.status_code
        assert "todas las unidades" in page.text
        assert "ver los casos vencidos" not in page.text  # an analyst has no case to see

    def test_the_counts_add_up(self) -> None:
        """On a simulated store: the rows by level and by sanction add up to the open cases."""
        page = _on_demo_day("alba", _demo()).get("/espacio/unidad").text
        opened = int(re.search(r"([\d.]+) casos abiertos al", page).group(1).replace(".", ""))  # type: ignore[union-attr]
        levels, sanctions = (t.split("</tbody>")[0] for t in page.split("<tbody>")[1:3])
        by_level = re.findall(r"</td><th scope=\"row\">[^<]+</th><td>([\d.]+)</td>", levels)
        by_sanction = re.findall(r"</th><td>([\d.]+)</td><td>[\d.]+</td></tr>", sanctions)
        assert opened > 0
        assert opened == sum(int(n.replace(".", "")) for n in by_level)
        assert opened == sum(int(n.replace(".", "")) for n in by_sanction)


def _open_case(due_in: int | None, level: str, sanction: str) -> OpenCase:
    on = dt.date(2025, 1, 1)
    due = (
        None
        if due_in is None
        else Due("c", on + dt.timedelta(days=due_in), "interval", "r", "s", on, level)
    )
    return OpenCase("lscmi@1.0.0", level, sanction, due)


class TestOverviewCounts:
    @settings(max_examples=60, deadline=None)
    @given(
        st.lists(
            st.tuples(
                st.one_of(st.none(), st.integers(-90, 120)),
                st.sampled_from(["low", "medium", "high"]),
                st.sampled_from(["LV", "LVI", "LAS"]),
            ),
            max_size=30,
        )
    )
    def test_every_open_case_is_counted_once(
        self, cases: list[tuple[int | None, str, str]]
    ) -> None:
        """Open = rows by level = rows by sanction; overdue, soon and unscheduled never overlap."""
        found = unit_overview([_open_case(*c) for c in cases], as_of=dt.date(2025, 1, 1))
        assert len(cases) == found.open == sum(r.open for r in found.levels)
        assert len(cases) == sum(s.open for s in found.sanctions)
        assert found.overdue == sum(r.overdue for r in found.levels)
        assert found.overdue == sum(s.overdue for s in found.sanctions)
        assert found.due_soon == sum(r.due_soon for r in found.levels)
        assert found.overdue + found.due_soon + found.not_due <= found.open
        assert sum(1 for d, _, _ in cases if d is not None and d < 0) == found.overdue
        assert sum(1 for d, _, _ in cases if d is None) == found.not_due

    def test_a_negative_window_is_refused(self) -> None:
        with pytest.raises(InvalidArgumentError, match="soon_days"):
            unit_overview([], as_of=dt.date(2025, 1, 1), soon_days=-1)


# -- the analyst's reports ---------------------------------------------------------------------

#: What names a person in the simulated store: its case ids, and dates written as birth dates are.
_CASE_ID = re.compile(r"sim-\d{6}")


def _people(store: Store) -> tuple[set[str], set[str]]:
    """Every case id of ``store``, and every birth date (ISO and dd-mm-aaaa) of its people."""
    births: set[str] = set()
    for case_id in store.case_ids():
        person = read_history(store, case_id).person
        born = person.get("birth_date")
        if born:
            day = dt.date.fromisoformat(str(born))
            births |= {day.isoformat(), day.strftime("%d-%m-%Y")}
    return set(store.case_ids()), births


class TestAnalystReports:
    @pytest.mark.parametrize(
        "path",
        [
            "/espacio/informes/indicadores?periodo=2024",
            "/espacio/informes/indicadores?periodo=2024&programa=LAS",
            "/espacio/informes/validez?instrumento=lscmi&ventana=12",
            "/espacio/informes/validez?instrumento=ylscmi&evento=breach&ventana=6",
            "/espacio/unidad",
        ],
    )
    def test_no_person_appears(self, path: str) -> None:
        """No case id, name or birth date of the store appears in an analyst's page."""
        store = _demo()
        page = _on_demo_day("alba", store).get(path)
        assert 200 == page.status_code, page.text[-500:]
        ids, births = _people(store)
        assert ids
        assert births
        assert not _CASE_ID.search(page.text)
        assert not [i for i in ids if i in page.text]
        assert not [b for b in births if b in page.text]
        assert "/espacio/casos/" not in page.text

    def test_the_indicators_report_inside_the_workspace(self) -> None:
        """The command line's report, under the page's heading, with no inline style."""
        page = _on_demo_day("alba", _demo()).get("/espacio/informes/indicadores?periodo=2024")
        html = page.text
        assert 1 == html.count("<h1>")
        assert "<h1>Indicadores de programa · 2024</h1>" in html
        assert "<style" not in html
        assert " style=" not in html
        assert "<svg" in html
        assert PAGE_POLICY == page.headers["content-security-policy"]
        assert '<option value="2024" selected>' in html

    def test_the_validity_report_and_a_study_with_no_case(self) -> None:
        """The study is shown; a study the store cannot give says so, with its code."""
        c = _on_demo_day("alba", _demo())
        html = c.get("/espacio/informes/validez?instrumento=lscmi").text
        assert "AUC" in html
        assert "<svg" in html
        assert "<style" not in html
        empty = _on_demo_day("alba", accounts(MemoryStore()))
        refused = empty.get("/espacio/informes/validez")
        assert 200 == refused.status_code
        assert "No hay datos suficientes para este estudio" in refused.text

    def test_unknown_parameters_fall_back_to_their_defaults(self) -> None:
        c = _on_demo_day("alba", _demo())
        html = c.get("/espacio/informes/indicadores?periodo=abc&programa=<x>").text
        assert "Indicadores de programa · 2024" in html
        html = c.get("/espacio/informes/validez?instrumento=nada&ventana=999").text
        assert '<option value="12" selected>' in html

    def test_a_delegado_is_refused_and_every_page_is_logged(self) -> None:
        store = accounts(MemoryStore())
        for path in ("/espacio/informes/indicadores", "/espacio/informes/validez"):
            assert 403 == signed_in("ana", store).get(path).status_code
            assert 403 == signed_in("adan", store).get(path).status_code
        reports = ("workspace.indicators", "workspace.validity")
        logged = [e.access.status for e in access_log(store) if e.access.action in reports]
        assert [403, 403, 403, 403] == logged

    def test_the_navigation_shows_the_reports_to_whom_may_see_them(self) -> None:
        store = accounts(MemoryStore())
        assert "/espacio/informes/indicadores" in signed_in("alba", store).get("/espacio/").text
        assert "/espacio/unidad" in signed_in("sara", store).get("/espacio/").text
        assert "/espacio/informes/" not in signed_in("ana", store).get("/espacio/").text

    def test_a_report_asked_again_is_the_one_kept(self) -> None:
        """The overview asked twice is made once (the second answer is the kept page's)."""
        store = accounts(MemoryStore())
        _two_assessments(store, unit=None)
        c = signed_in("alba", store)
        first = c.get("/espacio/unidad").text
        assert "1 caso abierto" in first
        assert first == c.get("/espacio/unidad").text


class TestPolicy:
    def test_no_page_holds_inline_script_style_or_handler(self) -> None:
        """The history, the overview and both reports keep to the pages' CSP: nothing inline."""
        history = signed_in("ana", _store()).get("/espacio/casos/c-hist/historia")
        analyst = _on_demo_day("alba", _demo())
        answers = [history] + [
            analyst.get(p)
            for p in (
                "/espacio/unidad",
                "/espacio/informes/indicadores?periodo=2024",
                "/espacio/informes/validez",
            )
        ]
        for answer in answers:
            html = answer.text
            assert PAGE_POLICY == answer.headers["content-security-policy"]
            assert not re.search(r"<script(?![^>]*\bsrc=)", html)
            assert "<style" not in html
            assert not re.search(r"\son[a-z]+=", html)
            assert not re.search(r"<[^>]*\sstyle=", html)


class TestKept:
    def test_it_keeps_the_last_few(self) -> None:
        kept = Kept(size=2)
        made: list[int] = []

        def make(n: int) -> int:
            made.append(n)
            return n * 10

        got = [kept.get(n, lambda: 0, functools.partial(make, n)) for n in (1, 2, 1, 3, 2)]
        assert [10, 20, 10, 30, 20] == got
        assert [1, 2, 3, 2] == made

    def test_a_new_version_is_seen_once_the_kept_value_is_no_longer_fresh(self) -> None:
        """Within ``fresh`` seconds the kept value is given uncounted; then the version decides."""
        now = [0.0]
        version = [1]
        counted: list[int] = []
        kept = Kept(fresh=10.0, clock=lambda: now[0])

        def count() -> int:
            counted.append(version[0])
            return version[0]

        def ask() -> int:
            return kept.get("k", count, lambda: version[0] * 100)

        assert 100 == ask()
        version[0] = 2
        now[0] = 5.0
        assert 100 == ask()  # fresh: not counted
        now[0] = 16.0
        assert 200 == ask()  # counted, changed: made again
        now[0] = 30.0
        assert 200 == ask()  # counted, unchanged: kept, fresh again
        now[0] = 35.0
        assert 200 == ask()
        assert [1, 2, 2] == counted

    def test_a_report_being_made_is_not_waited_for_beyond_the_wait(self) -> None:
        """The first ask says "being made"; one report is made for many asks; then it is given."""
        gate, made = threading.Event(), []
        kept = Kept(wait=0.0, now=lambda: dt.datetime(2026, 12, 6, 10, 30))

        def make() -> str:
            made.append(1)
            gate.wait(5)
            return "informe"

        assert Ready(None, None, False) == kept.ask("k", lambda: 1, make)
        assert Ready(None, None, False) == kept.ask("k", lambda: 1, make)
        gate.set()
        assert _eventually(lambda: kept.ask("k", lambda: 1, make).value == "informe")
        assert Ready("informe", dt.datetime(2026, 12, 6, 10, 30), True) == kept.ask(
            "k", lambda: 1, make
        )
        assert [1] == made

    def test_an_outdated_report_is_given_while_the_next_is_made(self) -> None:
        """After a write, the report made before it is given, marked not current, until the new."""
        gate = threading.Event()
        version = [1]
        kept = Kept(wait=0.0, fresh=0.0)

        def make() -> int:
            if version[0] > 1:
                gate.wait(5)
            return version[0] * 100

        assert _eventually(lambda: kept.ask("k", lambda: version[0], make).value == 100)
        version[0] = 2
        old = kept.ask("k", lambda: version[0], make)
        assert (100, False) == (old.value, old.current)
        gate.set()
        assert _eventually(lambda: kept.ask("k", lambda: version[0], make).current)
        assert 200 == kept.ask("k", lambda: version[0], make).value

    def test_an_error_reaches_the_request_that_waits_and_the_next_ask_tries_again(self) -> None:
        tries: list[int] = []
        kept = Kept(wait=5.0)

        def make() -> int:
            tries.append(1)
            if len(tries) == 1:
                raise InvalidArgumentError("period", "x", "a year")
            return 7

        with pytest.raises(InvalidArgumentError):
            kept.ask("k", lambda: 1, make)
        assert 7 == kept.ask("k", lambda: 1, make).value
        assert 2 == len(tries)


def _eventually(test: Any, seconds: float = 10.0) -> bool:
    """Whether ``test()`` holds within ``seconds`` (asked every 10 ms)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if test():
            return True
        time.sleep(0.01)
    return False


class TestPreparing:
    def test_the_page_of_a_report_being_prepared_asks_again_by_itself(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A report not ready within the wait: a notice and a refresh; then the report itself."""
        gate = threading.Event()
        real = programme_report

        def slow(*args: Any, **kw: Any) -> Any:
            gate.wait(10)
            return real(*args, **kw)

        monkeypatch.setattr(insight, "programme_report", slow)
        store = _demo()
        app = create_workspace(store=store, today=lambda: DEMO_DAY, reports=Kept(wait=0.05))
        c = TestClient(app, follow_redirects=False)
        assert 303 == sign_in(c, "alba").status_code
        path = "/espacio/informes/indicadores?periodo=2024"
        first = c.get(path)
        assert 200 == first.status_code
        assert "El informe se está preparando" in first.text
        assert '<meta http-equiv="refresh" content="2">' in first.text
        assert "<svg" not in first.text
        assert PAGE_POLICY == first.headers["content-security-policy"]
        gate.set()
        assert _eventually(lambda: "<svg" in c.get(path).text)
        done = c.get(path).text
        assert "http-equiv" not in done
        assert "se está preparando" not in done


# -- the pieces: the chart and the embedded report -------------------------------------------


class TestPieces:
    def test_the_chart_refuses_what_it_cannot_draw(self) -> None:
        day = dt.date(2025, 1, 1)
        common: dict[str, Any] = {"bands": [], "title": "t", "desc": "d", "ident": "x"}
        with pytest.raises(InvalidArgumentError, match="points"):
            trajectory_chart([], y_range=(0, 1), tips=[], **common)
        with pytest.raises(InvalidArgumentError, match="tips"):
            trajectory_chart([(day, 1)], y_range=(0, 1), tips=[], **common)
        with pytest.raises(InvalidArgumentError, match="ascending"):
            trajectory_chart([(day, 1), (day, 2)], y_range=(0, 3), tips=["a", "b"], **common)
        with pytest.raises(InvalidArgumentError, match="y_range"):
            trajectory_chart([(day, 1)], y_range=(3, 3), tips=["a"], **common)

    @settings(max_examples=40, deadline=None)
    @given(st.lists(st.integers(0, 43), min_size=1, max_size=12), st.integers(1, 400))
    def test_every_point_is_inside_the_frame(self, totals: list[int], gap: int) -> None:
        """Each assessment is one point, drawn inside the plot, higher for a higher total."""
        days = [dt.date(2024, 1, 1) + dt.timedelta(days=gap * i) for i in range(len(totals))]
        svg = trajectory_chart(
            list(zip(days, totals, strict=True)),
            y_range=(0, 43),
            bands=[(0, 10, "a"), (11, 19, "b"), (20, 43, "c")],
            tips=[str(t) for t in totals],
            title="t",
            desc="d",
            ident="x",
        )
        points = [(float(x), float(y)) for x, y in re.findall(r'cx="([\d.]+)" cy="([\d.]+)"', svg)]
        assert len(totals) == len(points)
        frame = re.search(
            r'<rect x="44" y="12" width="([\d.]+)" height="([\d.]+)" fill="none"', svg
        )
        assert frame is not None
        width, height = float(frame.group(1)), float(frame.group(2))
        for x, y in points:
            assert 44 <= x <= 44 + width
            assert 12 <= y <= 12 + height
        for (t1, (_, y1)), (t2, (_, y2)) in zip(
            zip(totals, points, strict=True), zip(totals[1:], points[1:], strict=True), strict=False
        ):
            assert (t1 < t2) == (y1 > y2) or t1 == t2

    def test_embedding_keeps_the_body_and_moves_headings_down(self) -> None:
        page = "<html><head><style>x</style></head><body><h1>A</h1><h5>B</h5></body></html>"
        assert "<h2>A</h2><h6>B</h6>" == embedded(page)
        with pytest.raises(RenderError):
            embedded("<p>no body</p>")
        with pytest.raises(RenderError):
            embedded('<body><p style="color:red">x</p></body>')
