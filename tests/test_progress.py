"""Progress on a terminal, silence elsewhere, and Ctrl-C that leaves the store whole."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnr.cli import main
from rnr.store.sqlite import SQLiteStore

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


class Terminal(io.StringIO):
    """Standard error as a terminal shows it."""

    def isatty(self) -> bool:
        return True


def run(*argv: str | Path, terminal: bool = True) -> tuple[int, str, str]:
    """Run ``rnr argv`` with standard error a terminal (or not); (status, stdout, stderr)."""
    out, err = io.StringIO(), Terminal() if terminal else io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main([str(a) for a in argv])
    return status, out.getvalue(), err.getvalue()


def test_a_terminal_sees_a_bar_and_the_results_are_the_same() -> None:
    """On a terminal the batch is counted on standard error; standard output does not change."""
    cases = EXAMPLES / "cohort.jsonl"
    status, out, err = run("score", cases, terminal=True)
    assert 0 == status
    assert "4 casos" in err
    assert (0, out, "") == run("score", cases, terminal=False)
    _, _, err_en = run("score", cases, "--lang", "en", terminal=True)
    assert "4 cases" in err_en


@pytest.mark.parametrize("extra", [["--json"], []], ids=["json", "turned-off"])
def test_no_bar_with_json_or_when_turned_off(
    extra: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--json`` output and ``RNR_PROGRESS=0`` keep standard error empty."""
    if not extra:
        monkeypatch.setenv("RNR_PROGRESS", "0")
    status, _, err = run("score", EXAMPLES / "cohort.jsonl", *extra)
    assert (0, "") == (status, err)


def test_a_simulation_counts_people_and_an_import_counts_lines(tmp_path: Path) -> None:
    """``simulate --db`` counts people; ``store import`` counts the lines it reads."""
    db = tmp_path / "s.sqlite3"
    status, _, err = run("simulate", "--people", "30", "--years", "1", "--db", db)
    assert 0 == status
    assert "personas: 100%" in err
    assert "30/30" in err
    export = tmp_path / "s.jsonl"
    status, _, err = run("store", "export", "-o", export, "--db", db)
    lines = len(export.read_text(encoding="utf-8").splitlines())
    assert 0 == status
    assert f"{lines} líneas" in err
    status, out, err = run("store", "import", export, "--db", tmp_path / "copy.sqlite3")
    assert 0 == status
    assert f"{lines} líneas" in err
    # then what the store keeps beside the records is made: scores, timelines, index rows,
    # report shares
    assessments = sum('"kind":"assessment"' in line for line in export.read_text().splitlines())
    assert f"registros: {assessments} registros" in err, err
    # three bars reach 30 cases (a bar may redraw its last state before it closes its line)
    assert 3 == sum("casos: 30 casos" in bar for bar in err.split("\n")), err
    status, same, quiet = run(
        "store", "import", export, "--db", tmp_path / "again.sqlite3", terminal=False
    )
    assert 0 == status
    assert "registros:" not in quiet
    assert "casos:" not in quiet
    assert out.replace("copy.sqlite3", "X") == same.replace("again.sqlite3", "X")


def test_ctrl_c_stops_with_130_and_the_store_keeps_its_complete_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Interrupted in its second block, a simulation keeps the first block, which verifies."""
    from rnr.simulate import load  # noqa: PLC0415

    written = 0
    write = load._Writer.write

    def interrupted(self: load._Writer) -> None:
        nonlocal written
        written += 1
        if written > 260:  # blocks of 250 people: the second one is open
            raise KeyboardInterrupt
        write(self)

    monkeypatch.setattr(load._Writer, "write", interrupted)
    db = tmp_path / "s.sqlite3"
    status, out, err = run("simulate", "--people", "300", "--years", "1", "--db", db)
    assert (130, "") == (status, out)
    assert err.endswith("rnr: interrumpido: nada quedó escrito a medias\n")
    store = SQLiteStore(db, read_only=True)
    try:
        assert store.verify().ok
        assert 250 == len(store.case_ids())
    finally:
        store.close()


def test_an_interrupted_import_leaves_no_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C during an import into a new store leaves no file behind."""
    import rnr.cli.store as cli_store  # noqa: PLC0415

    db = tmp_path / "s.sqlite3"
    assert 0 == run("simulate", "--people", "5", "--years", "1", "--db", db, terminal=False)[0]
    export = tmp_path / "s.jsonl"
    assert 0 == run("store", "export", "-o", export, "--db", db, terminal=False)[0]

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_store, "import_jsonl", interrupted)
    target = tmp_path / "copy.sqlite3"
    status, _, err = run("store", "import", export, "--db", target, terminal=False)
    assert 130 == status
    assert "interrumpido" in err
    assert not target.exists()


@pytest.mark.parametrize("people", [1, 60])
def test_an_export_reports_every_line_it_writes(people: int) -> None:
    """The export's progress calls add up to the lines it wrote, in steps of at most 1,000."""
    from rnr.simulate.engine import simulate  # noqa: PLC0415
    from rnr.simulate.load import store_cohort  # noqa: PLC0415
    from rnr.store.jsonl import export_jsonl  # noqa: PLC0415
    from rnr.store.memory import MemoryStore  # noqa: PLC0415

    store = MemoryStore()
    store_cohort(store, simulate(people, 2, seed=3))
    steps: list[int] = []
    out = io.StringIO()
    written = export_jsonl(store, out, progress=steps.append)
    assert written == len(out.getvalue().splitlines()) == sum(steps)
    assert all(0 <= step <= 1000 for step in steps)


# -- commands that read a whole store -------------------------------------------------

#: Each command over a store, as ``rnr`` takes it (``--db`` is added).
OVER_A_STORE = {
    "store verify": ["store", "verify"],
    "store head": ["store", "head"],
    "due": ["due", "--as-of", "2026-01-01"],
    "indicators": ["indicators", "--period", "2025"],
    "validate --db": ["validate", "--instrument", "lscmi"],
    "case list": ["case", "list"],
}


@pytest.fixture(scope="module")
def cohort_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of 40 simulated people followed for two years."""
    db = tmp_path_factory.mktemp("progress") / "s.sqlite3"
    status, _, _ = run("simulate", "--people", "40", "--years", "2", "--db", db, terminal=False)
    assert 0 == status
    return db


def counted_in(db: Path, command: list[str]) -> tuple[int, str, str]:
    """What the bar of ``command`` counts over ``db``, counted by reading the records.

    A verification checks every record; a report reads every case.
    """
    store = SQLiteStore(db, read_only=True)
    try:
        rows = list(store.records())
    finally:
        store.close()
    if command[0] == "store":
        return len(rows), "registros", "records"
    return len({r.case_id for r in rows}), "casos", "cases"


@pytest.mark.parametrize("command", OVER_A_STORE.values(), ids=OVER_A_STORE)
def test_a_command_over_a_store_counts_to_the_last_on_a_terminal(
    command: list[str], cohort_db: Path
) -> None:
    """On a terminal the records or cases are counted to the last; piped, the same, no bar."""
    total, unit, unit_en = counted_in(cohort_db, command)
    status, out, err = run(*command, "--db", cohort_db, terminal=True)
    assert 0 == status
    assert f"{unit}: 100%" in err
    assert f"{total}/{total}" in err
    assert (0, out, "") == run(*command, "--db", cohort_db, terminal=False)
    _, out_en, err_en = run(*command, "--db", cohort_db, "--lang", "en", terminal=True)
    assert f"{unit_en}: 100%" in err_en
    assert (0, out_en, "") == run(*command, "--db", cohort_db, "--lang", "en", terminal=False)


@pytest.mark.parametrize("command", OVER_A_STORE.values(), ids=OVER_A_STORE)
def test_a_command_over_a_store_draws_nothing_with_json_or_turned_off(
    command: list[str], cohort_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--json`` on a terminal, and ``RNR_PROGRESS=0``, keep standard error empty."""
    status, out, err = run(*command, "--db", cohort_db, "--json", terminal=True)
    assert (0, "") == (status, err)
    assert (0, out, "") == run(*command, "--db", cohort_db, "--json", terminal=False)
    monkeypatch.setenv("RNR_PROGRESS", "0")
    status, _, err = run(*command, "--db", cohort_db, terminal=True)
    assert (0, "") == (status, err)


def test_a_failing_command_over_a_store_ends_its_bar_before_the_error(cohort_db: Path) -> None:
    """An error raised while the cases are read (or after) still comes as one last line."""
    status, out, err = run("validate", "--db", cohort_db, "--instrument", "psa", terminal=True)
    assert (2, "") == (status, out)
    assert "casos" in err
    assert err.splitlines()[-1].startswith("rnr: error: ")
    assert "Traceback" not in err


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
@pytest.mark.parametrize("people", [0, 1, 80])
def test_a_verification_reports_every_record_it_checks(
    kind: str, people: int, tmp_path: Path
) -> None:
    """``verify``'s progress calls add up to the records it checked, which ``count`` gives."""
    from rnr.simulate.engine import simulate  # noqa: PLC0415
    from rnr.simulate.load import store_cohort  # noqa: PLC0415
    from rnr.store.memory import MemoryStore  # noqa: PLC0415
    from rnr.store.protocol import Store  # noqa: PLC0415

    store: Store = MemoryStore() if kind == "memory" else SQLiteStore(tmp_path / "s.sqlite3")
    try:
        if people:
            store_cohort(store, simulate(people, 2, seed=3))
        steps: list[int] = []
        result = store.verify(progress=steps.append)
        assert result == store.verify()
        assert result.ok
        assert result.records == store.count() == len(list(store.records())) == sum(steps)
        assert all(0 < step <= 1000 for step in steps)
        assert (people > 0) == bool(steps)
    finally:
        store.close()


def table_of(table: object) -> dict[str, object]:
    """A store's data set as plain values (its arrays as lists)."""
    from rnr.validity.csvfile import Table  # noqa: PLC0415

    assert isinstance(table, Table)
    return {
        "file": str(table.file),
        "rows": table.rows,
        "header": table.header,
        "labels": dict(table.labels),
        "numbers": {k: v.tolist() for k, v in table.numbers.items()},
        "outcomes": {k: v.tolist() for k, v in table.outcomes.items()},
    }


@settings(max_examples=8, deadline=None)
@given(people=st.integers(1, 30), seed=st.integers(0, 2**16), chunk=st.integers(1, 7))
def test_reports_read_case_by_case_equal_those_of_a_whole_reading(
    people: int, seed: int, chunk: int
) -> None:
    """Streamed in chunks of any size, the reports are those of the records held at once.

    Their progress adds up to every case of the store, once.
    """
    from rnr.errors import ValidityInputError  # noqa: PLC0415
    from rnr.history import bulk  # noqa: PLC0415
    from rnr.history.due import due_list  # noqa: PLC0415
    from rnr.history.overrides import override_report  # noqa: PLC0415
    from rnr.history.programme import programme_report  # noqa: PLC0415
    from rnr.history.validity import store_table  # noqa: PLC0415
    from rnr.simulate.engine import simulate  # noqa: PLC0415
    from rnr.simulate.load import store_cohort  # noqa: PLC0415
    from rnr.store.memory import MemoryStore  # noqa: PLC0415

    store = MemoryStore()
    store_cohort(store, simulate(people, 2, seed=seed))
    on = dt.date(2025, 6, 30)
    held = bulk.summarize(store, as_of=on, rows=list(store.records()))
    read: list[int] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bulk, "_CHUNK", chunk)
        assert held == bulk.summarize(store, as_of=on, progress=read.append)
        due = [s.next_due for s in held if s.next_due is not None]
        assert sorted(due, key=lambda d: (d.due_on, d.case_id)) == due_list(store, on)
        report = programme_report(store, period=2025, progress=read.append)
    assert 2 * len(store.case_ids()) == sum(read)
    assert report.overrides == override_report(store, period=2025, rows=list(store.records()))
    latest = max(r.on for r in store.records())
    try:
        table = table_of(store_table(store, instrument="lscmi"))
    except ValidityInputError as exc:  # too few people followed for a year
        with pytest.raises(ValidityInputError, match=re.escape(str(exc))):
            store_table(store, instrument="lscmi", as_of=latest)
    else:
        assert table == table_of(store_table(store, instrument="lscmi", as_of=latest))


def test_filling_the_case_index_counts_the_cases_it_makes(tmp_path: Path) -> None:
    """``rnr store init`` over rows of an older format makes them again, counted on a bar."""
    import shutil  # noqa: PLC0415
    import sqlite3  # noqa: PLC0415

    db = tmp_path / "s.sqlite3"
    status, _, _ = run("simulate", "--people", "12", "--years", "1", "--db", db, terminal=False)
    assert 0 == status
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("UPDATE case_index SET basis = replace(basis, 'case-index/2', 'case-index/1')")
    copy = tmp_path / "copia.sqlite3"
    shutil.copy(db, copy)
    status, out, err = run("store", "init", "--db", db, terminal=True)
    assert 0 == status
    assert "casos: 12 casos" in err, err  # every case's row made again
    status, same, quiet = run("store", "init", "--db", copy, terminal=False)
    assert (0, "") == (status, quiet)
    assert out.replace(str(db), "X") == same.replace(str(copy), "X")
