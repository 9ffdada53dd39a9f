"""Workspace page speed: each page of the browser workspace rendered through the ASGI app.

Run from a checkout (with the ``service`` extra)::

    python benchmarks/bench_workspace.py                           # 10,000 people, 2 years
    python benchmarks/bench_workspace.py --people 100000 --store /tmp/ws100k.sqlite3

A simulated cohort (:func:`rnr.simulate.simulate`, about four assessments per
person over two years) is stored in an SQLite store (``--store``: a file kept
and reused by a later run with the same ``--people``, ``--years`` and
``--seed``; without it, a temporary folder). What the store lacks of the
values kept beside its records (a store written by an earlier version of
rnr: scores, timelines, rows of the case index) is made first, as ``rnr
store materialise`` makes it, and timed. The workspace
(:func:`rnr.workspace.create_workspace`) serves it in this process, its
today the cohort's last day, and is asked for its pages through Starlette's
test client (the ASGI application called in process: no socket, no server),
one request at a time, as a signed-in person asks for them:

- **sign-in**: the sign-in form (``GET /espacio/entrar``), and signing in
  (the form, then its ``POST``: the password checked against its argon2id
  hash, slow by design);
- **caseload**: ``/espacio/`` as a delegado without a unit (every case);
- **case**, **decision**, **plan**, **history**: the pages of cases sampled
  across the store (each request the next case);
- **unit**, **indicators**, **validity**: the supervisor's overview and the
  analyst's reports, each over the whole store. These keep what they made
  until the store is written to. The first request (**first**, timed alone)
  starts making it: the overview answers with it; a report not made within
  0.15 s answers with a page saying it is being prepared, asked again
  every 0.2 s until the report comes (**ready after**, the time from the
  first request); the others (**kept**) answer from it.

Every request is also written to the store's access log, as in service.
Baseline: a bare endpoint of the same framework (a FastAPI route answering
a constant HTML page) through the same test client, in the same run. Each
page is asked ``--requests`` times, or for ``--seconds``, whichever ends
first (at least ``--least`` times); the median and the 99th percentile are
reported (with fewer than 100 requests the 99th percentile is the slowest).
Every answer counted must be a ``200``. Nothing here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import functools
import gc
import json
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.testclient import TestClient

from rnr.history.definitions import Definitions
from rnr.history.people import add_user, users
from rnr.history.upkeep import materialise
from rnr.simulate.engine import simulate
from rnr.simulate.load import store_cohort
from rnr.store.sqlite import SQLiteStore
from rnr.workspace import create_workspace

#: The first day of the simulation (``simulate``'s default).
START = dt.date(2024, 2, 1)
#: The password of the benchmark's accounts.
PASSWORD = "clave del banco de pruebas"
#: The accounts: name and role (no unit: each sees every case).
ACCOUNTS = (("bench.delegado", "delegado"), ("bench.supervisor", "supervisor"),
            ("bench.analista", "analista"))  # fmt: skip


def build(path: Path, people: int, years: float, seed: int, defs: Definitions) -> float:
    """Simulate the cohort and store it in ``path``; the seconds it took."""
    began = time.perf_counter()
    cohort = simulate(people, years, seed=seed, start=START)
    store = SQLiteStore(path)
    try:
        store_cohort(store, cohort, defs=defs, people_per_block=1000)
    finally:
        store.close()
    return time.perf_counter() - began


def accounts(store: SQLiteStore) -> None:
    """Make the benchmark's accounts, unless an earlier run made them."""
    made = {u.name for u in users(store) if u.active}
    for name, role in ACCOUNTS:
        if name not in made:
            add_user(store, name, role=role, password=PASSWORD, by="bench")


def bare_app() -> FastAPI:
    """The baseline: one route of the same framework answering a constant HTML page."""
    app = FastAPI()
    page = "<!DOCTYPE html><html lang=es><title>bare</title><p>bare</p></html>"

    @app.get("/bare")
    def bare() -> HTMLResponse:
        return HTMLResponse(page)

    return app


def sign_in(client: TestClient, name: str) -> None:
    """Sign ``client`` in as ``name``."""
    form = client.get("/espacio/entrar").text
    found = re.search(r'name="csrf" value="([^"]+)"', form)
    assert found is not None
    answer = client.post(
        "/espacio/entrar", data={"csrf": found.group(1), "usuario": name, "clave": PASSWORD}
    )
    assert answer.status_code == 303, answer.text[:300]


def timed(
    ask: Callable[[int], Any], requests: int, seconds: float, least: int
) -> tuple[list[float], dict[int, int]]:
    """Ask ``ask(i)`` until ``requests`` or ``seconds`` (at least ``least`` times): ms, statuses."""
    times: list[float] = []
    failed: collections.Counter[int] = collections.Counter()
    began = time.perf_counter()
    i = 0
    while i < requests and (i < least or time.perf_counter() - began < seconds):
        start = time.perf_counter()
        answer = ask(i)
        times.append((time.perf_counter() - start) * 1000)
        if answer.status_code != 200:
            failed[answer.status_code] += 1
        i += 1
    return times, dict(failed)


def figures(
    name: str, times: list[float], failed: dict[int, int], bare_p99: float | None
) -> dict[str, Any]:
    """The median and 99th percentile of ``times`` (ms), printed."""
    p50 = statistics.median(times)
    p99 = float(np.percentile(times, 99)) if len(times) >= 100 else max(times)
    ratio = "" if bare_p99 is None else f"{p99 / bare_p99:8.1f}x"
    odd = ", ".join(f"{n} answered {status}" for status, n in sorted(failed.items()))
    print(f"{name:<22} {len(times):>5} {p50:>10.1f} {p99:>10.1f} {ratio:>9}  {odd}")
    return {"n": len(times), "median_ms": p50, "p99_ms": p99, "failed": failed}


#: What a report page says while its report is being made (it then asks again by itself).
PREPARING = 'http-equiv="refresh"'


def _ask(client: TestClient, url: str, _i: int) -> Any:
    answer = client.get(url)
    assert PREPARING not in answer.text  # a kept report, never one being made
    return answer


def signed_clients(app: FastAPI) -> tuple[TestClient, TestClient, TestClient]:
    """A delegado, a supervisor and an analyst, each signed in."""
    clients = tuple(TestClient(app, follow_redirects=False) for _ in ACCOUNTS)
    for client, (name, _) in zip(clients, ACCOUNTS, strict=True):
        sign_in(client, name)
    return clients[0], clients[1], clients[2]


def time_pages(
    app: FastAPI, sample: list[str], year: int, budget: tuple[int, float, int]
) -> dict[str, Any]:
    """Time the bare endpoint, then every page of the workspace; the figures of each."""
    delegado, supervisor, analyst = signed_clients(app)
    stranger = TestClient(app, follow_redirects=False)
    bare = TestClient(bare_app())
    requests, seconds, least = budget

    def of_case(suffix: str) -> Callable[[int], Any]:
        return lambda i: delegado.get(f"/espacio/casos/{sample[i % len(sample)]}{suffix}")

    def signing_in(_i: int) -> Any:
        """The form, then the name and password sent: the session begins (a 303)."""
        stranger.cookies.clear()
        form = stranger.get("/espacio/entrar").text
        token = re.search(r'name="csrf" value="([^"]+)"', form)
        assert token is not None
        answer = stranger.post(
            "/espacio/entrar",
            data={"csrf": token.group(1), "usuario": ACCOUNTS[0][0], "clave": PASSWORD},
        )
        return SimpleNamespace(status_code=200 if answer.status_code == 303 else 500)

    print(f"{'page':<22} {'n':>5} {'median ms':>10} {'p99 ms':>10} {'p99/bare':>9}")
    pages: dict[str, Any] = {}
    pages["bare"] = figures("bare endpoint", *timed(lambda _i: bare.get("/bare"), *budget), None)
    base = pages["bare"]["p99_ms"]
    plain: list[tuple[str, Callable[[int], Any], tuple[int, float, int]]] = [
        ("sign-in form", lambda _i: stranger.get("/espacio/entrar"), budget),
        ("signing in (argon2)", signing_in, (min(requests, 50), seconds, least)),
        ("caseload", lambda _i: delegado.get("/espacio/"), budget),
        ("case", of_case(""), budget),
        ("decision", of_case("/decision"), budget),
        ("plan (PII)", of_case("/pii"), budget),
        ("plan print view", of_case("/pii/imprimir"), budget),
        ("history", of_case("/historia"), budget),
    ]
    for name, ask, limits in plain:
        pages[name] = figures(name, *timed(ask, *limits), base)
    kept = [
        ("unit overview", supervisor, "/espacio/unidad"),
        ("indicators", analyst, f"/espacio/informes/indicadores?periodo={year}"),
        ("validity", analyst, "/espacio/informes/validez?instrumento=lscmi"),
    ]
    for name, client, url in kept:
        start = time.perf_counter()
        first = client.get(url)
        cold = (time.perf_counter() - start) * 1000
        assert first.status_code == 200, first.text[-500:]
        while PREPARING in first.text:  # a report being made: ask again, as the page does
            time.sleep(0.2)
            first = client.get(url)
        ready = (time.perf_counter() - start) * 1000
        print(f"{name + ' (first)':<22} {1:>5} {cold:>10.1f}   ready after {ready / 1000:.1f} s")
        times, failed = timed(functools.partial(_ask, client, url), *budget)
        pages[name] = figures(name + " (kept)", times, failed, base) | {
            "cold_ms": cold,
            "ready_ms": ready,
        }
    return pages


def main() -> None:
    """Build or reuse the store, time every page, print (or save) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--years", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--store", type=Path, help="the store file, made when missing")
    parser.add_argument("--requests", type=int, default=300, help="requests per page at most")
    parser.add_argument("--seconds", type=float, default=30.0, help="seconds per page at most")
    parser.add_argument("--least", type=int, default=5, help="requests per page at least")
    parser.add_argument("--sample", type=int, default=200, help="cases whose pages are asked")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    defs = Definitions.shipped()
    path = args.store or Path(tempfile.mkdtemp(prefix="rnr-bench-ws-")) / "bench.sqlite3"
    out: dict[str, Any] = {"people": args.people, "years": args.years, "seed": args.seed}
    if not path.exists():
        out["build_s"] = build(path, args.people, args.years, args.seed, defs)
        print(f"stored {args.people:,} simulated people in {out['build_s']:.1f} s")
    store = SQLiteStore(path)
    began = time.perf_counter()
    out["materialised"] = materialise(store, defs=defs, by="bench")
    out["materialise_s"] = time.perf_counter() - began
    print(f"kept values the store lacked: {out['materialised']:,} in {out['materialise_s']:.1f} s")
    accounts(store)
    today = START + dt.timedelta(days=int(args.years * 365.25))
    cases = store.case_ids()
    out |= {"cases": len(cases), "records": store.count(), "today": today.isoformat()}
    print(f"{path}: {len(cases):,} cases, {out['records']:,} records; today {today}")
    sample = cases[:: max(1, len(cases) // max(args.sample, 1))][: args.sample]
    gc.collect()
    app = create_workspace(defs, store=store, today=lambda: today)
    budget = (args.requests, args.seconds, args.least)
    try:
        out["pages"] = time_pages(app, sample, today.year - 1, budget)
    finally:
        store.close()
    if args.json:
        args.json.write_text(json.dumps(out, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
