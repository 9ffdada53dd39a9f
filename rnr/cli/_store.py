"""``rnr store``: verify the audit chain, export and import JSON Lines."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from rnr.cli._common import UsageError, add_common, write_json, write_lines
from rnr.cli._db import add_db_options, open_db
from rnr.render.history_words import hwords
from rnr.store.jsonl import export_jsonl, import_jsonl

__all__ = ["add_parser"]

EXIT_FAILED = 1


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``rnr store verify|export|import``."""
    parser = commands.add_parser(
        "store",
        help="the case store: verify its audit chain, export or import JSON Lines",
        description="Check, export or import the case store.",
    )
    sub = parser.add_subparsers(dest="store_command", metavar="COMMAND", required=True)

    verify = sub.add_parser(
        "verify",
        help="check every record against the hash-chained audit log",
        description=(
            "Check every record against the audit log; report each edited, inserted or "
            "deleted row. Exit status 1 when a problem is found."
        ),
    )
    verify.add_argument("--json", action="store_true", help="one JSON object")
    add_db_options(verify)
    add_common(verify)
    verify.set_defaults(func=run_verify)

    export = sub.add_parser(
        "export",
        help="write every record and audit entry as JSON Lines",
        description="Write the store as JSON Lines (rnr.store-export/1), to -o FILE or stdout.",
    )
    export.add_argument("--output", "-o", type=Path, metavar="FILE")
    add_db_options(export)
    add_common(export)
    export.set_defaults(func=run_export)

    load = sub.add_parser(
        "import",
        help="load an export into an empty store (checked before anything is written)",
        description="Load a JSON Lines export into an empty store; refuses a tampered file.",
    )
    load.add_argument("file", metavar="FILE", help="the export (.jsonl) or - for stdin")
    add_db_options(load)
    add_common(load)
    load.set_defaults(func=run_import)


def run_verify(args: argparse.Namespace, out: TextIO) -> int:
    """Verify the store; exit 1 on any problem."""
    with open_db(args) as store:
        result = store.verify()
        name = store.name
    if args.json:
        write_json(
            out,
            {
                "db": name,
                "ok": result.ok,
                "records": result.records,
                "entries": result.entries,
                "head": result.head,
                "problems": list(result.problems),
            },
        )
        return 0 if result.ok else EXIT_FAILED
    w = hwords(args.lang)
    if result.ok:
        line = w["verify_ok"].format(
            db=name, records=result.records, entries=result.entries, head=result.head
        )
        write_lines(out, [line])
        return 0
    head = w["verify_bad"].format(
        db=name, n=len(result.problems), records=result.records, entries=result.entries
    )
    write_lines(out, [head, *(f"  {p}" for p in result.problems)])
    return EXIT_FAILED


def run_export(args: argparse.Namespace, out: TextIO) -> int:
    """Export the store."""
    with open_db(args) as store:
        if args.output is None:
            export_jsonl(store, out)
            return 0
        args.output.parent.mkdir(parents=True, exist_ok=True)
        with args.output.open("w", encoding="utf-8") as fh:
            n = export_jsonl(store, fh)
        name = store.name
    line = hwords(args.lang)["exported"].format(db=name, n=n, out=args.output)
    write_lines(out, [line])
    return 0


def run_import(args: argparse.Namespace, out: TextIO) -> int:
    """Import an export into an empty store."""
    if args.file != "-" and not Path(args.file).is_file():
        raise UsageError(f"{args.file}: no such file")
    with open_db(args) as store:
        if args.file == "-":
            result = import_jsonl(store, sys.stdin, name="<stdin>")
        else:
            with Path(args.file).open(encoding="utf-8") as fh:
                result = import_jsonl(store, fh, name=args.file)
        name = store.name
    w = hwords(args.lang)
    state = w["ok"] if result.ok else "; ".join(result.problems)
    write_lines(
        out, [w["imported"].format(db=name, src=args.file, records=result.records, state=state)]
    )
    return 0 if result.ok else EXIT_FAILED
