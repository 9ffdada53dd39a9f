"""Progress on a terminal, silence elsewhere, and Ctrl-C that leaves the store whole."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

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
    status, _, err = run("store", "import", export, "--db", tmp_path / "copy.sqlite3")
    assert 0 == status
    assert f"{lines} líneas" in err


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
