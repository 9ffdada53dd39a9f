"""``rnr case``: open, reassess, record events and reviews, and read a case's history.

.. code-block:: text

    rnr case add CASE.json|CASES.jsonl|- [--policy ID] [--assessor NAME] [--json]
    rnr case reassess ID CASE.json [--corrects RECORD] [--assessor NAME] [--reliability FILE]
                      [--json]
    rnr case event ID KIND --on DATE [--note TEXT] [--set FIELD=VALUE]... [--corrects RECORD]
    rnr case review ID --on DATE --set OBJECTIVE=STATUS[:NOTE]... [--closing] [--json]
    rnr case approve ID --on DATE --plan-version N [--reference TEXT] [--json]
    (add, reassess, event, review and approve also take [--idempotency-key KEY])
    rnr case history ID [--json]
    rnr case change ID [--json] [--reliability FILE] [--as-of DATE]
    rnr case list [--json]

Every command takes ``--db PATH``; those that write take ``--by NAME``. A
refused operation prints one line and writes nothing. With ``--json``, what
was stored (or read) is printed as data: the case's history after ``add``,
``reassess``, ``review`` and ``approve``, the stored record after ``event``. The change
policy's answer to a reassessment or an event (keep, step up or step down
the intensity, or a step refused and why) is printed with it, and shown in
``history`` and ``change``.

A write already stored with the same content, or repeated with the same
``--idempotency-key``, writes nothing, says so in one ``sin cambios`` line
and exits 0; with ``--json`` its object has ``"already_stored": true``
(``false`` when the command wrote). The same key with another request is
refused (``history.idempotency.conflict``, exit status 4).
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

from rnr.cases.parse import Case, read_cases
from rnr.cli.errors import CaseError, UsageError
from rnr.cli.options import (
    add_as_of,
    add_common,
    add_db,
    add_json,
    definitions,
    iso_date,
    open_db,
    write_json,
    write_json_lines,
    write_lines,
    writer,
)
from rnr.cli.progress import case_counter
from rnr.definitions.instrument import Reliability
from rnr.definitions.reliability import load_reliability
from rnr.errors import RnrError
from rnr.events import EVENT_KINDS
from rnr.history.amend import record_event, review_plan
from rnr.history.approval import approve_plan
from rnr.history.definitions import Definitions
from rnr.history.entries import CaseHistory
from rnr.history.idempotency import Written
from rnr.history.progress import case_change
from rnr.history.read import read_history
from rnr.history.requests import case_rows, reassess_case, written_document
from rnr.history.schedule import next_due
from rnr.history.write import open_case
from rnr.plan.draft import STATUSES, Status
from rnr.render.change import change_lines
from rnr.render.history import (
    answered_line,
    case_list_lines,
    event_line,
    history_lines,
    review_line,
    summary_line,
    unchanged_line,
)
from rnr.render.messages import catalogue
from rnr.untrusted import MAX_DIGITS

__all__ = ["add_arguments", "run"]


def _command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    help_text: str,
    *,
    writes: bool = False,
    json: str | None = None,
) -> argparse.ArgumentParser:
    parser = commands.add_parser(name, help=help_text, description=help_text)
    add_db(parser, writes=writes)
    add_common(parser)
    if json is not None:
        add_json(parser, json)
    if writes:
        parser.add_argument(
            "--idempotency-key",
            metavar="KEY",
            help=(
                "your key for this request (kept with the case): a repeat with the same key"
                " and request writes nothing; with another request it is refused"
            ),
        )
    return parser


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``rnr case`` and its subcommands."""
    parser.description = __doc__.split("\n\n")[0] if __doc__ else None
    sub = parser.add_subparsers(dest="case_command", metavar="COMMAND", required=True)
    history_json = "print the case's history as one JSON object (one line per case)"

    add = _command(
        sub,
        "add",
        "score, decide and draft a new case, and store it",
        writes=True,
        json=history_json,
    )
    add.add_argument("--policy", "-p", metavar="ID", help="the policy (default: the regime's)")
    add.add_argument("--assessor", metavar="NAME", help="who assessed (default: --by)")
    add.add_argument("case", metavar="CASE", help="case file (.json, .jsonl) or - for stdin")

    again = _command(
        sub, "reassess", "store a reassessment of an open case", writes=True, json=history_json
    )
    again.add_argument("case_id", metavar="ID")
    again.add_argument("case", metavar="CASE", help="the reassessment's case file (.json)")
    again.add_argument("--assessor", metavar="NAME", help="who assessed (default: --by)")
    again.add_argument(
        "--corrects",
        type=int,
        metavar="RECORD",
        help="correct the stored assessment RECORD instead of adding one",
    )
    _reliability_option(again, "the change policy's answer reads")

    event = _command(
        sub, "event", "record an event of a case", writes=True, json="print the stored record"
    )
    event.add_argument("case_id", metavar="ID")
    event.add_argument(
        "kind", choices=tuple(EVENT_KINDS), metavar="KIND", help=", ".join(EVENT_KINDS)
    )
    event.add_argument("--on", type=iso_date, required=True, metavar="DATE")
    event.add_argument("--note", default="", metavar="TEXT")
    event.add_argument(
        "--set",
        dest="fields",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="a field of the event (attendance: component, scheduled, attended)",
    )
    event.add_argument("--corrects", type=int, metavar="RECORD", help="correct event RECORD")

    review = _command(
        sub,
        "review",
        "record a review of the current plan",
        writes=True,
        json="print the case's history as one JSON object",
    )
    review.add_argument("case_id", metavar="ID")
    review.add_argument("--on", type=iso_date, required=True, metavar="DATE")
    review.add_argument(
        "--set",
        dest="changes",
        action="append",
        default=[],
        metavar="OBJECTIVE=STATUS[:NOTE]",
        help="status: " + ", ".join(STATUSES),
    )
    review.add_argument("--closing", action="store_true", help="the closing version of the plan")

    approve = _command(
        sub,
        "approve",
        "record the court's approval of the plan version in force (no longer a draft)",
        writes=True,
        json="print the case's history as one JSON object",
    )
    approve.add_argument("case_id", metavar="ID")
    approve.add_argument(
        "--on", type=iso_date, required=True, metavar="DATE", help="the date of the resolution"
    )
    approve.add_argument(
        "--plan-version",
        type=int,
        required=True,
        metavar="N",
        help="the plan version approved (the one in force)",
    )
    approve.add_argument(
        "--reference", metavar="TEXT", help="the resolution's RIT, RUC or a short text"
    )

    show = _command(
        sub, "history", "show a case's history, every result recomputed", json="one JSON object"
    )
    show.add_argument("case_id", metavar="ID")

    change = _command(
        sub,
        "change",
        "change between assessments, signals, the policy's answer",
        json="one JSON object",
    )
    change.add_argument("case_id", metavar="ID")
    add_as_of(change, "read signals on DATE")
    _reliability_option(change, "the report reads")

    _command(sub, "list", "list the stored cases", json="one JSON line per case")


def _reliability_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--reliability",
        type=Path,
        metavar="FILE",
        help=(
            "your agency's reliability figures (rnr.reliability/1) for the reliable change"
            f" index {what}"
        ),
    )


def _figures(args: argparse.Namespace) -> Mapping[str, Reliability] | None:
    if args.reliability is None:
        return None
    if not args.reliability.is_file():
        msg = f"--reliability {args.reliability}: no such file"
        raise UsageError(msg, code="usage.file.missing")
    return load_reliability(args.reliability).scales


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run one of the ``rnr case`` commands."""
    commands = {
        "add": run_add,
        "reassess": run_reassess,
        "event": run_event,
        "review": run_review,
        "approve": run_approve,
        "history": run_history,
        "change": run_change,
        "list": run_list,
    }
    return commands[args.case_command](args, out)


def _one_case(path: str) -> Case:
    cases = list(read_cases(path))
    if len(cases) != 1:
        raise UsageError(f"{path}: expected one case, got {len(cases)}")
    return cases[0]


def _next_due_line(history: CaseHistory, defs: Definitions, lang: str) -> list[str]:
    due = next_due(history, defs=defs)
    return [catalogue(lang)("history.next_due", date=due.due_on)] if due else []


def run_add(args: argparse.Namespace, out: TextIO) -> int:
    """Open every case of ``args.case``."""
    defs = definitions(args)
    with open_db(args) as store:
        for case in read_cases(args.case):
            try:
                done = open_case(
                    store,
                    case,
                    by=writer(args),
                    policy=args.policy,
                    assessor=args.assessor,
                    defs=defs,
                    idempotency_key=args.idempotency_key,
                    written=True,
                )
            except RnrError as exc:
                raise CaseError(case, exc) from exc
            history = done.value
            if args.json:
                write_json(out, written_document(done))
            elif done.already_stored:
                write_lines(out, [unchanged_line("case", case.case_id, args.lang)])
            else:
                line = summary_line(history, defs.library, args.lang, key="opened", db=store.name)
                write_lines(out, [line, *_next_due_line(history, defs, args.lang)])
    return 0


def run_reassess(args: argparse.Namespace, out: TextIO) -> int:
    """Store a reassessment (or correct a stored assessment)."""
    defs = definitions(args)
    case = _one_case(args.case)
    figures = _figures(args)
    with open_db(args) as store:
        try:
            done = reassess_case(
                store,
                args.case_id,
                case,
                by=writer(args),
                corrects=args.corrects,
                assessor=args.assessor,
                defs=defs,
                reliability=figures,
                idempotency_key=args.idempotency_key,
            )
        except RnrError as exc:
            raise CaseError(case, exc) from exc
        if args.corrects is not None:
            _print_correction(args, out, done)
            return 0
        history = done.value
        if args.json:
            write_json(out, written_document(done))
            return 0
        if done.already_stored:
            line = unchanged_line("assessment", case.case_id, args.lang, on=case.assessed_on)
            write_lines(out, [line])
            return 0
        line = summary_line(history, defs.library, args.lang, key="reassessed", db=store.name)
        latest = history.decisions[-1]
        answered = [answered_line(latest, defs.library, args.lang)] if latest.step else []
        write_lines(out, [line, *answered, *_next_due_line(history, defs, args.lang)])
    return 0


def _print_correction(args: argparse.Namespace, out: TextIO, done: Written[CaseHistory]) -> None:
    """What ``rnr case reassess --corrects`` prints."""
    history = done.value
    if args.json:
        write_json(out, written_document(done))
        return
    if done.already_stored:
        line = unchanged_line("correction", args.case_id, args.lang, record=args.corrects)
        write_lines(out, [line])
        return
    new = history.assessments[-1].record
    for entry in history.assessments:
        if args.corrects in entry.corrected:
            new = entry.record
    line = catalogue(args.lang)(
        "history.corrected", case_id=args.case_id, record=args.corrects, new=new
    )
    write_lines(out, [line])


def _event_fields(pairs: list[str]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"--set {pair}: expected FIELD=VALUE")
        digits = value.removeprefix("-")
        if digits.isascii() and digits.isdigit():
            if len(digits) > MAX_DIGITS:
                msg = f"--set {name}: got {len(digits)} digits, expected at most {MAX_DIGITS}"
                raise UsageError(msg)
            fields[name] = int(value)
        else:  # text, "²" among it (a digit to Unicode, not a number)
            fields[name] = value
    return fields


def run_event(args: argparse.Namespace, out: TextIO) -> int:
    """Record one event (and print the change policy's answer to it, if it recorded one)."""
    defs = definitions(args)
    with open_db(args) as store:
        done = record_event(
            store,
            args.case_id,
            args.kind,
            args.on,
            by=writer(args),
            note=args.note,
            data=_event_fields(args.fields),
            corrects=args.corrects,
            defs=defs,
            idempotency_key=args.idempotency_key,
            written=True,
        )
        stored = done.value
        if args.json:
            write_json(out, written_document(done))
            return 0
        if done.already_stored:
            line = unchanged_line(
                "event", args.case_id, args.lang, on=stored.on, kind=args.kind, record=stored.id
            )
            write_lines(out, [line])
            return 0
        history = read_history(store, args.case_id, defs=defs)
    lines = [event_line(args.case_id, args.kind, args.on, stored.id, args.lang)]
    lines += [
        answered_line(d, defs.library, args.lang)
        for d in history.decisions
        if d.event is not None and d.event.record == stored.id
    ]
    write_lines(out, lines)
    return 0


def _changes(pairs: list[str]) -> dict[str, tuple[Status, str]]:
    if not pairs:
        raise UsageError("--set OBJECTIVE=STATUS[:NOTE]: give at least one change")
    changes: dict[str, tuple[Status, str]] = {}
    for pair in pairs:
        ident, sep, rest = pair.partition("=")
        status, _, note = rest.partition(":")
        if not sep or not ident or status not in STATUSES:
            expected = ", ".join(STATUSES)
            raise UsageError(
                f"--set {pair}: expected OBJECTIVE=STATUS[:NOTE], STATUS one of {expected}"
            )
        changes[ident] = (status, note)
    return changes


def run_review(args: argparse.Namespace, out: TextIO) -> int:
    """Record a plan review."""
    defs = definitions(args)
    changes = _changes(args.changes)
    with open_db(args) as store:
        done = review_plan(
            store,
            args.case_id,
            args.on,
            changes,
            by=writer(args),
            closing=args.closing,
            defs=defs,
            idempotency_key=args.idempotency_key,
            written=True,
        )
    history = done.value
    if args.json:
        write_json(out, written_document(done))
        return 0
    if done.already_stored:
        write_lines(out, [unchanged_line("review", args.case_id, args.lang, on=args.on)])
        return 0
    assert history.plan is not None
    write_lines(out, [review_line(args.case_id, history.plan, args.lang)])
    return 0


def run_approve(args: argparse.Namespace, out: TextIO) -> int:
    """Record the court's approval of the plan version in force."""
    defs = definitions(args)
    with open_db(args) as store:
        done = approve_plan(
            store,
            args.case_id,
            args.on,
            version=args.plan_version,
            by=writer(args),
            reference=args.reference,
            defs=defs,
            idempotency_key=args.idempotency_key,
            written=True,
        )
    if args.json:
        write_json(out, written_document(done))
        return 0
    w = catalogue(args.lang)
    if done.already_stored:
        line = w("history.unchanged_approval", case_id=args.case_id, version=args.plan_version)
    else:
        line = w("history.approved", case_id=args.case_id, version=args.plan_version, on=args.on)
    write_lines(out, [line])
    return 0


def run_history(args: argparse.Namespace, out: TextIO) -> int:
    """Print a case's history."""
    defs = definitions(args)
    with open_db(args, read_only=True) as store:
        history = read_history(store, args.case_id, defs=defs)
    if args.json:
        write_json(out, history.to_dict())
    else:
        write_lines(out, history_lines(history, defs.library, args.lang))
    return 0


def run_list(args: argparse.Namespace, out: TextIO) -> int:
    """List the stored cases."""
    defs = definitions(args)
    with open_db(args, read_only=True) as store, case_counter(args, store) as advance:
        rows = case_rows(store, defs=defs, progress=advance)
        name = store.name
    if args.json:
        write_json_lines(out, rows)
        return 0
    write_lines(out, case_list_lines(rows, name, args.lang))
    return 0


def run_change(args: argparse.Namespace, out: TextIO) -> int:
    """Print a case's change report."""
    defs = definitions(args)
    figures = _figures(args)
    with open_db(args, read_only=True) as store:
        history = read_history(store, args.case_id, defs=defs)
    report = case_change(history, defs=defs, as_of=args.as_of, reliability=figures)
    if args.json:
        write_json(out, report.to_dict())
    else:
        lines = change_lines(report, defs.library, args.lang, assessments=len(history.assessments))
        write_lines(out, lines)
    return 0
