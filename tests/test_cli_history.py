"""The case-history commands: ``rnr case``, ``rnr due`` and ``rnr store``.

In process (``rnr.cli.main``), each on its own store file under ``tmp_path``;
what a command prints is compared with the library path on the same store.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from rnr.cli import main
from rnr.history.due import due_list
from rnr.history.progress import case_change
from rnr.history.read import read_history
from rnr.store.sqlite import SQLiteStore

if TYPE_CHECKING:
    from conftest import Cli

DATA = Path(__file__).resolve().parent / "data"
ADULT = json.loads((DATA / "plans" / "cases" / "prueba-adulto-01.json").read_text("utf-8"))
CASE_ID = ADULT["case_id"]


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    """Run ``rnr argv`` in process; return the exit status, stdout and stderr."""
    status = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def write(path: Path, doc: dict[str, Any]) -> Path:
    """Write a case document."""
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def reassessment(day: str, **answers: bool) -> dict[str, Any]:
    """The adult case reassessed on ``day`` (no legal section: the stored one is kept)."""
    doc = {k: v for k, v in ADULT.items() if k != "legal"}
    return {**doc, "assessed_on": day, "responses": {**ADULT["responses"], **answers}}


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A store holding the adult case, a breach and a reassessment."""
    path = tmp_path / "rnr.sqlite3"
    case = write(tmp_path / "a.json", ADULT)
    assert 0 == run(capsys, "case", "add", case, "--db", path, "--by", "delegado-01")[0]
    event = ("case", "event", CASE_ID, "breach", "--on", "2024-12-01", "--db", path)
    assert 0 == run(capsys, *event)[0]
    again = write(tmp_path / "b.json", reassessment("2025-02-20", currently_unemployed=False))
    assert 0 == run(capsys, "case", "reassess", CASE_ID, again, "--db", path)[0]
    return path


class TestCase:
    def test_add_prints_the_decision_and_the_next_reassessment(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Opening a case says what was stored: level, intensity, plan and next date."""
        case = write(tmp_path / "a.json", ADULT)
        status, out, _ = run(capsys, "case", "add", case, "--db", tmp_path / "x.db")
        assert 0 == status
        assert "Caso prueba-adulto-01 abierto" in out
        assert ": LS/CMI, versión 1.0.0 del 19-08-2024 · riesgo Medio (Puntaje total 14)" in out
        assert "· 2 contactos al mes, 100 h · PII v1 con 3 objetivos" in out
        assert "próxima reevaluación: 02-03-2025" in out

    def test_add_reads_json_lines(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A .jsonl file opens one case per line."""
        lines = [json.dumps({**ADULT, "case_id": f"c-{n}"}) for n in range(3)]
        path = tmp_path / "cases.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        status, out, _ = run(capsys, "case", "add", path, "--db", tmp_path / "x.db", "--lang", "en")
        assert 0 == status
        assert 3 == out.count(" opened in ")

    def test_history_text_and_json_agree_with_the_library(
        self, db: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The history lists both assessments, decisions, plan versions and the event."""
        status, out, _ = run(capsys, "case", "history", CASE_ID, "--db", db)
        assert 0 == status
        assert (
            "19-08-2024  LS/CMI, versión 1.0.0 · Puntaje total 14 · Medio"
            "  (registro 2; evaluó delegado-01)"
        ) in out
        assert "persona: fecha de nacimiento 27-02-1995 · sexo femenino" in out
        assert "01-12-2024  incumplimiento  (registro 5)" in out
        assert "v3 (revisión) del 20-02-2025: 3 objetivos · 3 pendientes" in out
        assert (
            "  según Penas sustitutivas de adultos (Ley 18.216), vigente desde el 14-01-2024"
        ) in out
        assert (
            "respuesta de la política al registro de incumplimiento del 01-12-2024: subir la"
            " intensidad, aplicada: de la intensidad del nivel Medio a la del nivel Alto"
            " (4 contactos al mes, 200 h)"
        ) in out
        assert "20-02-2025  pena sustitutiva LVI · riesgo Medio · 4 contactos al mes, 200 h" in out
        assert "Registros: 10 (ninguno reemplazado por corrección)" in out
        status, out, _ = run(capsys, "case", "history", CASE_ID, "--db", db, "--json")
        with SQLiteStore(db) as store:
            expected = read_history(store, CASE_ID).to_dict()
        assert json.loads(json.dumps(expected)) == json.loads(out)

    def test_change_report(self, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """The change report shows the step, the warning and the policy's answer."""
        status, out, _ = run(capsys, "case", "change", CASE_ID, "--db", db, "--lang", "en")
        assert 0 == status
        assert (
            "Total score: 14 → 13 (-1) · Medium → Medium · reliable change: not computable" in out
        )
        window = "since the assessment of 2024-08-19, up to 2025-02-20"
        assert f"Warnings ({window})" in out
        assert "a breach of the conditions was recorded since 2024-08-19: 2024-12-01" in out
        assert (
            f"The policy's answer to what was recorded {window}: step the intensity up\n"
            "  A breach of conditions was recorded since the previous assessment"
        ) in out
        assert (
            "\n  Policy: Adult substitute sentences (Ley 18.216), in force from 2024-01-14" in out
        )
        assert "chg-" not in out
        assert f"Decisions recorded with the policy's answer ({window})" in out
        assert (
            "2025-02-20  answer to the reassessment of 2025-02-20: step the intensity up,"
            " applied: from the intensity of level Medium to that of level High"
        ) in out
        status, out, _ = run(capsys, "case", "change", CASE_ID, "--db", db, "--json")
        with SQLiteStore(db) as store:
            expected = case_change(read_history(store, CASE_ID)).to_dict()
        assert json.loads(json.dumps(expected)) == json.loads(out)

    def test_event_and_reassess_print_the_policy_answer(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A breach prints the decision it led to; a reassessment its answer, with --reliability."""
        path = tmp_path / "s.db"
        assert 0 == run(capsys, "case", "add", write(tmp_path / "a.json", ADULT), "--db", path)[0]
        status, out, _ = run(
            capsys, "case", "event", CASE_ID, "breach", "--on", "2024-12-01", "--db", path
        )
        assert 0 == status
        assert out.splitlines()[1] == (
            "  respuesta de la política al registro de incumplimiento del 01-12-2024: subir la"
            " intensidad, aplicada: de la intensidad del nivel Medio a la del nivel Alto"
            " (4 contactos al mes, 200 h)"
        )
        figures = tmp_path / "r.toml"
        figures.write_text(
            'schema = "rnr.reliability/1"\ninstrument = "lscmi"\n'
            '[scales.total]\nsd = 2.0\nr = 0.8\nsource = "estudio local"\n',
            encoding="utf-8",
        )
        better = reassessment(
            "2025-02-20",
            currently_unemployed=False,
            frequently_unemployed=False,
            drug_problem_current=False,
            unstructured_free_time=False,
        )
        again = ("case", "reassess", CASE_ID, write(tmp_path / "b.json", better), "--db", path)
        status, out, _ = run(capsys, *again, "--reliability", figures, "--lang", "en")
        assert 0 == status
        assert (
            "  the policy's answer to the reassessment of 2025-02-20: step the intensity up,"
            " applied: from the intensity of level Medium to that of level High"
        ) in out
        assert "Low risk (Total score 10)" in out
        status, out, _ = run(capsys, "case", "history", CASE_ID, "--db", path, "--json")
        decisions = json.loads(out)["decisions"]
        assert [None, "event", "reassessment"] == [
            d["step"] and d["step"]["cause"] for d in decisions
        ]
        with SQLiteStore(path) as store:
            step = store.get(decisions[-1]["id"]).data["step"]
        assert "estudio local" == step["reliability"]["total"]["source"]

    def test_change_with_the_agency_reliability_figures(
        self, db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--reliability gives the reliable change index of the agency's own figures."""
        figures = tmp_path / "r.toml"
        figures.write_text(
            'schema = "rnr.reliability/1"\ninstrument = "lscmi"\n'
            '[scales.total]\nsd = 2.0\nr = 0.8\nsource = "estudio local"\n',
            encoding="utf-8",
        )
        status, out, _ = run(
            capsys, "case", "change", CASE_ID, "--db", db, "--reliability", figures
        )
        assert 0 == status
        assert "sin cambio confiable (RCI -0,79; DE 2,0, r 0,8)" in out
        assert "Cifras de confiabilidad: estudio local" in out

    def test_review_and_closing(self, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """Reviews set objective statuses; the closing settles them all."""
        with SQLiteStore(db) as store:
            plan = read_history(store, CASE_ID).plan
        assert plan is not None
        ids = [o.id for o in plan.objectives]
        sets = [f"{ids[0]}=achieved:listo", *(f"{i}=not_achieved" for i in ids[1:])]
        args = ("case", "review", CASE_ID, "--on", "2025-06-01", "--closing", "--db", db)
        status, out, _ = run(capsys, *args, *(x for s in sets for x in ("--set", s)))
        assert 0 == status
        assert f"PII v4 (cierre) del 01-06-2025 · 1 de {len(ids)} objetivos logrados" in out

    def test_list_and_correction(
        self, db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A correction replaces an assessment; the list shows the case."""
        fixed = write(tmp_path / "c.json", reassessment("2025-02-21"))
        args = ("case", "reassess", CASE_ID, fixed, "--corrects", "8", "--db", db)
        status, out, _ = run(capsys, *args)
        assert 0 == status
        assert "registro 8 corregida (registro 11)" in out
        status, out, _ = run(capsys, "case", "list", "--db", db, "--json")
        row = json.loads(out)
        assert (CASE_ID, 2, "2025-02-21") == (row["case_id"], row["assessments"], row["latest"])
        assert ("medium", "lscmi@1.0.0") == (row["risk_level"], row["instrument"])
        status, out, _ = run(capsys, "case", "list", "--db", db)
        assert [
            "caso\trégimen\tabierto el\testado\tevaluaciones\túltima evaluación\triesgo",
            f"{CASE_ID}\tadultos\t19-08-2024\tabierto\t2\t21-02-2025\tMedio",
        ] == out.splitlines()
        status, out, _ = run(capsys, "case", "list", "--db", db, "--lang", "en")
        assert f"{CASE_ID}\tadults\t2024-08-19\topen\t2\t2025-02-21\tMedium" in out
        status, out, _ = run(capsys, "case", "history", CASE_ID, "--db", db)
        assert "      corrige el registro 8\n" in out
        assert "Registros: 12 (2 reemplazados por corrección)" in out

    @pytest.mark.parametrize(
        ("argv", "code", "fragments"),
        [
            (("case", "history", "nope"), "history.case.unknown", ("case nope: unknown case",)),
            (("case", "change", "nope"), "history.case.unknown", ("case nope: unknown case",)),
            (
                ("case", "event", "nope", "breach", "--on", "2025-01-01"),
                "history.case.unknown",
                ("case nope: unknown case",),
            ),
            (
                ("case", "event", CASE_ID, "breach", "--on", "2020-01-01"),
                "history.date.order",
                ("expected 2024-08-19 or later",),
            ),
            (
                ("case", "event", CASE_ID, "breach", "--on", "2025-01-01", "--corrects", "99"),
                "history.record.unknown",
                ("record 99: expected a event of this case",),
            ),
            (
                ("case", "event", CASE_ID, "breach", "--on", "2025-01-01", "--corrects", "2"),
                "history.refused",
                ("record 2: expected a event of this case",),
            ),
            (
                (
                    "case",
                    "event",
                    CASE_ID,
                    "breach",
                    "--on",
                    "2025-01-01",
                    "--idempotency-key",
                    " ",
                ),
                "argument.invalid",
                ("idempotency_key: got ' '",),
            ),
            (
                (
                    "case",
                    "event",
                    CASE_ID,
                    "attendance",
                    "--on",
                    "2025-01-01",
                    "--set",
                    "component=x",
                    "--set",
                    "scheduled=2",
                    "--set",
                    "attended=5",
                ),
                "history.refused",
                ("event.attended: got 5",),
            ),
            (
                ("case", "event", CASE_ID, "breach", "--on", "2025-01-01", "--set", "oops"),
                "usage.invalid",
                ("--set oops: expected FIELD=VALUE",),
            ),
            (
                ("case", "review", CASE_ID, "--on", "2025-06-01", "--set", "x=done"),
                "usage.invalid",
                ("STATUS one of",),
            ),
            (
                ("case", "review", CASE_ID, "--on", "2025-06-01", "--set", "x=achieved"),
                "decision.input.invalid",
                ("objective 'x': unknown",),
            ),
            (
                ("case", "review", "nope", "--on", "2025-06-01", "--set", "x=achieved"),
                "history.case.unknown",
                ("case nope: unknown case",),
            ),
            (
                ("case", "change", CASE_ID, "--reliability", "missing.toml"),
                "usage.file.missing",
                ("--reliability missing.toml: no such file",),
            ),
        ],
    )
    def test_bad_input_is_one_line_and_writes_nothing(
        self, db: Path, cli: Cli, argv: tuple[str, ...], code: str, fragments: tuple[str, ...]
    ) -> None:
        """Each refused command prints one error line with its code; the store is unchanged."""
        with SQLiteStore(db) as store:
            before = [r.to_dict() for r in store.records()]
        cli.error(code, *argv, "--db", db, contains=fragments)
        with SQLiteStore(db) as store:
            assert before == [r.to_dict() for r in store.records()]

    def test_reassessment_out_of_order_is_refused(self, db: Path, tmp_path: Path, cli: Cli) -> None:
        """An assessment dated before the previous one names both dates."""
        early = write(tmp_path / "e.json", reassessment("2025-01-01"))
        body = cli.error(
            "history.date.order",
            *("case", "reassess", CASE_ID, early, "--db", db),
            contains=("e.json", "got 2025-01-01, expected a date after the last assessment"),
        )
        assert (str(early), CASE_ID, "assessed_on") == (
            body["file"],
            body["case_id"],
            body["field"],
        )

    def test_a_closed_case_is_not_reassessed(self, db: Path, tmp_path: Path, cli: Cli) -> None:
        """After a discharge, a reassessment is refused as a conflict with the closed case."""
        assert 0 == cli("case", "event", CASE_ID, "discharge", "--on", "2025-03-01", "--db", db)[0]
        later = write(tmp_path / "l.json", reassessment("2025-06-01"))
        cli.error(
            "history.case.closed",
            *("case", "reassess", CASE_ID, later, "--db", db),
            contains=("the case was closed on 2025-03-01",),
        )

    def test_a_corrupt_store_is_one_line(self, tmp_path: Path, cli: Cli) -> None:
        """A file that is not an rnr store is refused with one line."""
        bad = tmp_path / "bad.db"
        bad.write_bytes(b"\x00garbage" * 600)
        cli.error(
            "store.unavailable",
            "case",
            "list",
            "--db",
            bad,
            contains=("bad.db", "not an rnr store"),
        )

    def test_a_missing_store_is_not_found(self, tmp_path: Path, cli: Cli) -> None:
        """A command that only reads refuses a store that does not exist, and creates none."""
        missing = tmp_path / "nope.db"
        for argv in (("case", "list"), ("case", "history", CASE_ID), ("store", "verify")):
            cli.error("store.missing", *argv, "--db", missing, contains=("no store at this path",))
        assert not missing.exists()


def snapshot(db: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every record and audit entry of the store at ``db``."""
    with SQLiteStore(db) as store:
        return [r.to_dict() for r in store.records()], [e.to_dict() for e in store.audit()]


class TestIdempotent:
    """A write already stored is a no-op that says so; a conflicting one is refused."""

    def test_adding_the_same_case_again_writes_nothing(
        self, db: Path, tmp_path: Path, cli: Cli
    ) -> None:
        """The same case file again: one ``sin cambios`` line, exit 0, the store unchanged."""
        before = snapshot(db)
        case = write(tmp_path / "a.json", ADULT)
        status, out, err = cli("case", "add", case, "--db", db)
        assert (0, "") == (status, err)
        assert [
            f"sin cambios: el caso {CASE_ID} ya estaba registrado con el mismo contenido"
        ] == out.splitlines()
        status, out, _ = cli("case", "add", case, "--db", db, "--lang", "en")
        assert f"no change: case {CASE_ID} was already stored with the same content\n" == out
        status, out, _ = cli("case", "add", case, "--db", db, "--json")
        assert 0 == status
        with SQLiteStore(db) as store:
            stored = json.loads(json.dumps(read_history(store, CASE_ID).to_dict()))
        assert {**stored, "already_stored": True} == json.loads(out)
        assert before == snapshot(db)

    def test_adding_the_case_with_other_content_is_a_conflict(
        self, db: Path, tmp_path: Path, cli: Cli
    ) -> None:
        """Same case id, other answers: ``history.case.exists`` (status 4), nothing written."""
        before = snapshot(db)
        other = {**ADULT, "responses": {**ADULT["responses"], "currently_unemployed": False}}
        body = cli.error(
            "history.case.exists",
            *("case", "add", write(tmp_path / "o.json", other), "--db", db),
            contains=("already in", "with other content"),
        )
        assert (CASE_ID, "case_id") == (body["case_id"], body["field"])
        assert before == snapshot(db)

    def test_every_write_repeated_is_a_no_op(self, tmp_path: Path, cli: Cli) -> None:
        """Reassess, event, review and correction repeated: each says so and writes nothing."""
        db = tmp_path / "r.db"
        assert 0 == cli("case", "add", write(tmp_path / "a.json", ADULT), "--db", db)[0]
        again = write(tmp_path / "b.json", reassessment("2025-02-20", currently_unemployed=False))
        event = ("case", "event", CASE_ID, "breach", "--on", "2024-12-01", "--note", "x")
        status, out, _ = cli("case", "reassess", CASE_ID, again, "--db", db, "--json")
        objective = json.loads(out)["plans"][-1]["plan"]["objectives"][0]["id"]
        review = ("case", "review", CASE_ID, "--on", "2025-03-01", "--set", f"{objective}=achieved")
        fixed = write(tmp_path / "c.json", reassessment("2025-02-20"))
        correction = ("case", "reassess", CASE_ID, fixed, "--corrects", "5")
        repeats = [
            (
                ("case", "reassess", CASE_ID, again),
                (
                    "sin cambios: la evaluación del 20-02-2025 del caso prueba-adulto-01 ya"
                    " estaba registrada con el mismo contenido"
                ),
            ),
            (
                event,
                (
                    "sin cambios: el evento incumplimiento del 01-12-2024 del caso"
                    " prueba-adulto-01 ya estaba registrado (registro {record})"
                ),
            ),
            (
                review,
                (
                    "sin cambios: la revisión del PII del 01-03-2025 del caso prueba-adulto-01"
                    " ya estaba registrada con el mismo contenido"
                ),
            ),
            (
                correction,
                (
                    "sin cambios: la corrección del registro 5 del caso prueba-adulto-01 ya"
                    " estaba registrada con el mismo contenido"
                ),
            ),
        ]
        for argv, _ in repeats[1:]:  # the first time: written
            status, out, err = cli(*argv, "--db", db, "--json")
            assert (0, "", False) == (status, err, json.loads(out)["already_stored"])
        event_id = next(r["id"] for r in snapshot(db)[0] if r["kind"] == "event")
        for argv, said in repeats:  # again: nothing written, and said so
            before = snapshot(db)
            status, out, err = cli(*argv, "--db", db)
            assert (0, "", [said.format(record=event_id)]) == (status, err, out.splitlines())
            status, out, _ = cli(*argv, "--db", db, "--json")
            assert (0, True) == (status, json.loads(out)["already_stored"])
            assert before == snapshot(db)
        assert 0 == cli("store", "verify", "--db", db)[0]

    def test_an_idempotency_key_returns_the_first_result(self, tmp_path: Path, cli: Cli) -> None:
        """The same key and request: the first record, nothing written; another request: 4."""
        db = tmp_path / "k.db"
        assert 0 == cli("case", "add", write(tmp_path / "a.json", ADULT), "--db", db)[0]
        event = ("case", "event", CASE_ID, "attendance", "--on", "2024-12-01")
        fields = ("--set", "component=x", "--set", "scheduled=4", "--set", "attended=3")
        key = ("--idempotency-key", "pedido-0001")
        status, out, _ = cli(*event, *fields, *key, "--db", db, "--json")
        first = json.loads(out)
        assert (0, False) == (status, first.pop("already_stored"))
        assert {"key": "pedido-0001"} == {"key": first["data"]["idempotency"]["key"]}
        before = snapshot(db)
        status, out, _ = cli(*event, *fields, *key, "--db", db, "--json")
        assert (0, {**first, "already_stored": True}) == (status, json.loads(out))
        changed = ("--set", "component=x", "--set", "scheduled=4", "--set", "attended=4")
        body = cli.error(
            "history.idempotency.conflict",
            *(*event, *changed, *key, "--db", db),
            contains=("idempotency key 'pedido-0001' was used for another request",),
        )
        assert ("idempotency_key", "pedido-0001") == (body["field"], body["value"])
        assert before == snapshot(db)
        status, out, _ = cli("case", "history", CASE_ID, "--db", db, "--json")
        attendance = json.loads(out)["events"][0]
        assert "idempotency" not in attendance, "the key is not an event field"
        assert 0 == cli("store", "verify", "--db", db)[0]

    def test_a_key_is_scoped_to_its_case(self, tmp_path: Path, cli: Cli) -> None:
        """One key for a file of several cases: each case is opened once, then none again."""
        db = tmp_path / "m.db"
        other = {**ADULT, "case_id": "prueba-adulto-02"}
        cases = tmp_path / "dos.jsonl"
        cases.write_text(f"{json.dumps(ADULT)}\n{json.dumps(other)}\n", encoding="utf-8")
        key = ("--idempotency-key", "lote-7")
        status, out, _ = cli("case", "add", cases, *key, "--db", db, "--json")
        assert (0, [False, False]) == (
            status,
            [json.loads(line)["already_stored"] for line in out.splitlines()],
        )
        before = snapshot(db)
        status, out, _ = cli("case", "add", cases, *key, "--db", db, "--json")
        assert (0, [True, True]) == (
            status,
            [json.loads(line)["already_stored"] for line in out.splitlines()],
        )
        assert before == snapshot(db)


class TestDue:
    def test_due_lists_the_interval_and_the_overdue(
        self, db: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The next reassessment follows the policy's interval; overdue days are counted."""
        status, out, _ = run(capsys, "due", "--as-of", "2025-09-01", "--db", db)
        assert 0 == status
        assert (
            f"{CASE_ID}\t20-08-2025\treevaluación periódica\tcada 6 meses\t20-02-2025\tMedio\t12"
        ) in out
        assert "1 caso abierto; 1 con la reevaluación vencida al 01-09-2025." in out
        status, out, _ = run(capsys, "due", "--as-of", "2025-09-01", "--db", db, "--json")
        row = json.loads(out)
        assert ("reassess-6m", 6, "lscmi@1.0.0", "medium", "2025-08-20") == (
            row["rule"],
            row["months"],
            row["instrument"],
            row["risk_level"],
            row["due_on"],
        )
        with SQLiteStore(db) as store:
            expected = [
                d.to_dict(dt.date(2025, 9, 1)) for d in due_list(store, dt.date(2025, 9, 1))
            ]
        assert expected == [json.loads(line) for line in out.splitlines()]

    def test_a_new_offence_brings_the_reassessment_forward(
        self, db: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A new offence after the last assessment makes it due within the policy's days."""
        run(capsys, "case", "event", CASE_ID, "new_offence", "--on", "2025-03-10", "--db", db)
        status, out, _ = run(capsys, "due", "--as-of", "2025-04-20", "--overdue", "--db", db)
        assert 0 == status
        assert f"{CASE_ID}\t09-04-2025\tnuevo delito del 10-03-2025\t30 días desde el hecho" in out
        status, out, _ = run(capsys, "due", "--as-of", "2025-04-20", "--db", db, "--lang", "en")
        assert f"{CASE_ID}\t2025-04-09\tnew offence of 2025-03-10\t30 days after the event" in out
        assert "1 open case; 1 with the reassessment overdue on 2025-04-20." in out

    def test_closed_cases_are_not_due(self, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A discharge closes the case: nothing is due after it."""
        run(capsys, "case", "event", CASE_ID, "discharge", "--on", "2025-05-01", "--db", db)
        status, out, _ = run(capsys, "due", "--as-of", "2025-09-01", "--db", db)
        assert 0 == status
        assert "Ningún caso abierto" in out


class TestJson:
    """``--json`` on every ``rnr case`` command that writes: what was stored, as data."""

    def test_add_reassess_and_review_print_the_history(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """After each write, the JSON is the case's history as the store now gives it.

        It adds ``already_stored``: false when the command wrote.
        """
        path = tmp_path / "j.db"
        case = write(tmp_path / "a.json", ADULT)
        status, out, _ = run(capsys, "case", "add", case, "--db", path, "--json")
        assert 0 == status
        with SQLiteStore(path) as store:
            opened = read_history(store, CASE_ID).to_dict()
        assert {**json.loads(json.dumps(opened)), "already_stored": False} == json.loads(out)
        again = write(tmp_path / "b.json", reassessment("2025-02-20"))
        status, out, _ = run(capsys, "case", "reassess", CASE_ID, again, "--db", path, "--json")
        assert 0 == status
        assert (2, False) == (
            len(json.loads(out)["assessments"]),
            json.loads(out)["already_stored"],
        )
        objective = json.loads(out)["plans"][-1]["plan"]["objectives"][0]["id"]
        review = ("case", "review", CASE_ID, "--on", "2025-03-01", "--set", f"{objective}=achieved")
        status, out, _ = run(capsys, *review, "--db", path, "--json")
        assert 0 == status
        with SQLiteStore(path) as store:
            reviewed = read_history(store, CASE_ID).to_dict()
        assert {**json.loads(json.dumps(reviewed)), "already_stored": False} == json.loads(out)

    def test_event_prints_the_stored_record(
        self, db: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The record as the store holds it: id, kind, date, who wrote it, its hash."""
        event = ("case", "event", CASE_ID, "new_offence", "--on", "2025-01-10", "--note", "x")
        status, out, _ = run(capsys, *event, "--db", db, "--by", "delegado-02", "--json")
        assert 0 == status
        record = json.loads(out)
        assert ("event", "2025-01-10", "delegado-02", False) == (
            record["kind"],
            record["on"],
            record["recorded_by"],
            record.pop("already_stored"),
        )
        with SQLiteStore(db) as store:
            assert [record] == [
                json.loads(json.dumps(r.to_dict())) for r in store.records() if r.id == record["id"]
            ]

    def test_store_export_and_import(
        self, db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Export to a file and import say what they did as one JSON object each."""
        exported = tmp_path / "x.jsonl"
        status, out, _ = run(capsys, "store", "export", "-o", exported, "--db", db, "--json")
        assert 0 == status
        lines = len(exported.read_text("utf-8").splitlines())
        assert {"db": str(db), "lines": lines, "output": str(exported)} == json.loads(out)
        target = tmp_path / "new.db"
        status, out, _ = run(capsys, "store", "import", exported, "--db", target, "--json")
        assert 0 == status
        data = json.loads(out)
        assert (True, 10, str(exported), []) == (
            data["ok"],
            data["records"],
            data["source"],
            data["problems"],
        )

    def test_simulate_prints_its_summary(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], cli: Cli
    ) -> None:
        """Into a store, the summary line as data; to standard output, --json is refused."""
        db = tmp_path / "sim.db"
        argv = ("simulate", "--people", "4", "--years", "1")
        status, out, _ = run(capsys, *argv, "--db", db, "--json")
        assert 0 == status
        data = json.loads(out)
        assert (0, 4, str(db), "2024-02-01") == (
            data["seed"],
            data["people"],
            data["target"],
            data["start"],
        )
        status, out, err = run(capsys, *argv, "--json")
        assert (2, "") == (status, out)
        body = cli.json_error(err)
        assert "usage.invalid" == body["code"]
        assert "--jsonl FILE" in body["message"]


class TestStore:
    def test_verify_export_import_round_trip(
        self, db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Verify passes; an export imported into a new store exports identically."""
        status, out, _ = run(capsys, "store", "verify", "--db", db)
        assert 0 == status
        assert "íntegro · 10 registros, 10 entradas de auditoría" in out
        exported = tmp_path / "x.jsonl"
        assert 0 == run(capsys, "store", "export", "-o", exported, "--db", db)[0]
        assert 0 == run(capsys, "store", "import", exported, "--db", tmp_path / "new.db")[0]
        status, out, _ = run(capsys, "store", "export", "--db", tmp_path / "new.db")
        assert exported.read_text("utf-8") == out

    def test_verify_reports_an_edited_row(
        self, db: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A row edited behind rnr's back is named, and the exit status is 1."""
        conn = sqlite3.connect(db)
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"):
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute("UPDATE records SET on_date = '2024-08-20' WHERE id = 2")
        conn.commit()
        conn.close()
        status, out, _ = run(capsys, "store", "verify", "--db", db)
        assert 1 == status
        assert "\n  registro 2: alterado después de escrito\n" in out
        status, out, _ = run(capsys, "store", "verify", "--db", db, "--lang", "en")
        assert 1 == status
        assert "\n  record 2: altered since it was written\n" in out

    def test_import_refuses_a_tampered_export(self, db: Path, tmp_path: Path, cli: Cli) -> None:
        """An export whose record was edited is refused, and no new store is left behind."""
        exported = tmp_path / "x.jsonl"
        assert 0 == cli("store", "export", "-o", exported, "--db", db)[0]
        text = exported.read_text("utf-8").replace('"2024-12-01"', '"2024-12-02"', 1)
        exported.write_text(text, "utf-8")
        body = cli.error(
            "store.integrity",
            *("store", "import", exported, "--db", tmp_path / "n.db"),
            contains=("x.jsonl:", "was edited"),
        )
        assert str(exported) in body["file"]
        assert not (tmp_path / "n.db").exists(), "a refused import leaves no store behind"

    @pytest.mark.parametrize(
        ("text", "code", "fragment"),
        [
            ("not json\n", "store.import.invalid", "expected a JSON object"),
            ('{"type": "record"}\n', "store.import.invalid", "expected the header"),
            ("", "store.import.invalid", "no header line"),
        ],
    )
    def test_import_refuses_what_is_not_an_export(
        self, tmp_path: Path, cli: Cli, text: str, code: str, fragment: str
    ) -> None:
        """A file that is not an export is bad input (status 2), and leaves no store behind."""
        source = tmp_path / "x.jsonl"
        source.write_text(text, "utf-8")
        cli.error(code, "store", "import", source, "--db", tmp_path / "n.db", contains=(fragment,))
        assert not (tmp_path / "n.db").exists()

    def test_import_refuses_a_store_that_holds_records(
        self, db: Path, tmp_path: Path, cli: Cli
    ) -> None:
        """Importing into a store that holds records is a conflict, and writes nothing."""
        exported = tmp_path / "x.jsonl"
        assert 0 == cli("store", "export", "-o", exported, "--db", db)[0]
        cli.error(
            "store.not_empty",
            *("store", "import", exported, "--db", db),
            contains=("cannot import into a store that holds records",),
        )
        assert 0 == cli("store", "verify", "--db", db)[0]

    def test_import_of_a_missing_file(self, tmp_path: Path, cli: Cli) -> None:
        """An export file that does not exist is not found (status 3)."""
        cli.error(
            "usage.file.missing",
            *("store", "import", tmp_path / "nope.jsonl", "--db", tmp_path / "n.db"),
            contains=("no such file",),
        )
        assert not (tmp_path / "n.db").exists()

    def test_a_malformed_expected_head_is_refused(self, db: Path, cli: Cli) -> None:
        """``--expect`` that is not a head is bad input."""
        cli.error(
            "argument.invalid",
            *("store", "verify", "--db", db, "--expect", "nonsense"),
            contains=("expected ENTRIES:SHA256",),
        )


class TestSimulateAndDemo:
    def test_simulate_into_a_store_and_as_json_lines(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], cli: Cli
    ) -> None:
        """The same seed gives the same store, written directly or imported from JSON Lines."""
        db = tmp_path / "sim.db"
        status, out, _ = run(capsys, "simulate", "--people", "8", "--years", "1", "--db", db)
        assert 0 == status
        assert "Cohorte simulada (semilla 0): 8 personas" in out
        lines = tmp_path / "sim.jsonl"
        run(capsys, "simulate", "--people", "8", "--years", "1", "--jsonl", lines)
        assert 0 == run(capsys, "store", "import", lines, "--db", tmp_path / "imported.db")[0]
        with SQLiteStore(db) as a, SQLiteStore(tmp_path / "imported.db") as b:
            assert [r.record for r in a.records()] == [r.record for r in b.records()]
            assert a.verify().ok
        cli.error(
            "history.case.exists",
            *("simulate", "--people", "8", "--years", "1", "--db", db),
            contains=("sim-000001: already in",),
        )

    def test_demo_ends_with_a_simulated_history(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The demo stores a small cohort and shows one person's history and change."""
        monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
        status, out, _ = run(capsys, "demo", "--lang", "en")
        assert 0 == status
        story = out[out.index("History of a simulated case") :]
        for fragment in (
            "Assessments",
            "Decisions",
            "Individual intervention plan (PII)",
            "Step 1:",
            "The policy's answer to what was recorded since the assessment of",
            "To go on with this case and the cohort:\n  $ rnr case history sim-",
        ):
            assert fragment in story
        with SQLiteStore(tmp_path / "rnr-demo" / "demo.sqlite3") as store:
            assert store.verify().ok
            assert 60 == len(store.case_ids())


#: A decision line of a young person's history: "  11-02-2024  sanción IRC · ...".
DECISION_LINE = re.compile(r"\s+\d\d-\d\d-\d{4}\s+sanción ")


def test_a_young_persons_decisions_show_the_legal_duration(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Every report that shows a sanción shows its legal duration (Ley 20.084 arts. 13-18)."""
    db = tmp_path / "casos.sqlite3"
    assert (
        0 == run(capsys, "simulate", "--people", "12", "--years", "1", "--seed", "2", "--db", db)[0]
    )
    listing = run(capsys, "case", "list", "--db", db, "--json")[1]
    young = [row["case_id"] for row in map(json.loads, listing.splitlines())
             if row["regime"] == "juvenile"]  # fmt: skip
    assert young
    for case_id in young:
        out = run(capsys, "case", "history", case_id, "--db", db)[1]
        decisions = [line for line in out.splitlines() if DECISION_LINE.match(line)]
        assert decisions
        assert all("duración legal: " in line for line in decisions), decisions
