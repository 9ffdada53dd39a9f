"""``rnr store verify|head|export|import``: the audit chain, its head, the store as JSON Lines."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TextIO

from rnr.cli.app import EXIT_FAILED
from rnr.cli.errors import UsageError
from rnr.cli.options import (
    add_common,
    add_db,
    add_json,
    add_output,
    announce_created,
    db_path,
    definitions,
    open_db,
    output_file,
    write_json,
    write_lines,
)
from rnr.cli.progress import counter, each, record_counter
from rnr.errors import RnrError
from rnr.render.history import verify_lines
from rnr.render.messages import catalogue
from rnr.store.head import Head
from rnr.store.jsonl import export_jsonl, import_jsonl
from rnr.store.protocol import Verification

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``rnr store verify|export|import``."""
    parser.description = "Check, anchor, export or import the case store."
    sub = parser.add_subparsers(dest="store_command", metavar="COMMAND", required=True)

    verify = sub.add_parser(
        "verify",
        help="check every record against the hash-chained audit log",
        description=(
            "Check every record against the audit log; report each edited, inserted or "
            "deleted row; recompute every score kept beside an assessment from its answers "
            "and report each that differs; with --expect HEAD (from rnr store head, kept "
            "elsewhere), also a store truncated, rewritten or forked since. Exit status 1 "
            "when a problem is found."
        ),
    )
    verify.add_argument(
        "--expect", metavar="HEAD", help="a head taken earlier: the store must still extend it"
    )
    _add_key(verify)
    add_json(verify, "one JSON object")
    add_db(verify)
    add_common(verify)

    head = sub.add_parser(
        "head",
        help="print the store's head (entries and last hash) to keep outside the store",
        description=(
            "Print ENTRIES:SHA256, the head of the audit chain, on one line; keep it "
            "somewhere the store's users cannot write and check it later with "
            "rnr store verify --expect HEAD. With --key-file, the head carries an HMAC."
        ),
    )
    _add_key(head)
    add_json(head, "one JSON object")
    add_db(head)
    add_common(head)

    export = sub.add_parser(
        "export",
        help="write every record and audit entry as JSON Lines",
        description="Write the store as JSON Lines (rnr.store-export/1), to -o FILE or stdout.",
    )
    add_output(export, metavar="FILE", help="write the export to FILE (default: stdout)")
    add_json(export, "with -o FILE, print what was written as one JSON object")
    add_db(export)
    add_common(export)

    load = sub.add_parser(
        "import",
        help="load an export into an empty store (checked before anything is written)",
        description="Load a JSON Lines export into an empty store; refuses a tampered file.",
    )
    load.add_argument("file", metavar="FILE", help="the export (.jsonl) or - for stdin")
    add_json(load, "one JSON object")
    add_db(load)
    add_common(load)


def _add_key(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--key-file",
        type=Path,
        metavar="FILE",
        help="the HMAC key that signs heads, kept outside the store (default: $RNR_HEAD_KEY_FILE)",
    )


def _key(args: argparse.Namespace) -> bytes | None:
    """The head key: ``--key-file``, else ``$RNR_HEAD_KEY_FILE``, else none."""
    given = args.key_file or os.environ.get("RNR_HEAD_KEY_FILE")
    if not given:
        return None
    try:
        key = Path(given).read_bytes().strip()
    except OSError as exc:
        missing = isinstance(exc, FileNotFoundError)
        raise UsageError(
            f"{given}: cannot read the key file ({exc.strerror or exc})",
            code="usage.file.missing" if missing else "usage.invalid",
        ) from None
    if len(key) < 16:
        raise UsageError(f"{given}: got a key of {len(key)} bytes, expected at least 16")
    return key


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run ``rnr store verify``, ``head``, ``export`` or ``import``."""
    commands = {"verify": run_verify, "head": run_head, "export": run_export, "import": run_import}
    return commands[args.store_command](args, out)


def _verification(db: str, result: Verification) -> dict[str, object]:
    return {
        "db": db,
        "ok": result.ok,
        "records": result.records,
        "entries": result.entries,
        "derived": result.derived,
        "timelines": result.timelines,
        "head": result.head,
        "problems": list(result.problems),
    }


def run_verify(args: argparse.Namespace, out: TextIO) -> int:
    """Verify the store (against ``--expect HEAD`` when given); exit 1 on any problem."""
    expect = None if args.expect is None else Head.parse(args.expect)
    key = _key(args)
    if expect is not None and key is not None and not expect.valid(key):
        raise UsageError(
            "--expect: the head's HMAC does not match the key: it was not signed with it"
        )
    from rnr.history.upkeep import verify_store  # noqa: PLC0415 - start-up time

    defs = definitions(args)
    with open_db(args, read_only=True) as store, record_counter(args, store) as advance:
        result = verify_store(store, defs=defs, expect=expect, progress=advance)
        name = store.name
    if args.json:
        write_json(out, _verification(name, result))
        return 0 if result.ok else EXIT_FAILED
    write_lines(out, verify_lines(name, result, args.lang))
    return 0 if result.ok else EXIT_FAILED


def run_head(args: argparse.Namespace, out: TextIO) -> int:
    """Print the head of the store's audit chain (signed with the key when one is given)."""
    with open_db(args, read_only=True) as store, record_counter(args, store) as advance:
        result = store.verify(progress=advance)
        name = store.name
    head = Head(result.entries, result.head)
    key = _key(args)
    if key is not None:
        head = head.signed(key)
    if args.json:
        write_json(out, {"db": name, "head": str(head), "entries": head.entries, "ok": result.ok})
    else:
        write_lines(out, [str(head)])
    return 0 if result.ok else EXIT_FAILED


def run_export(args: argparse.Namespace, out: TextIO) -> int:
    """Export the store (to standard output, or to ``-o FILE`` with a line saying so)."""
    with open_db(args, read_only=True) as store:
        if args.output is None:
            export_jsonl(store, out)
            return 0
        with output_file(args.output) as fh, counter(args, unit="lines") as advance:
            n = export_jsonl(store, fh, progress=advance)
        name = store.name
    if args.json:
        write_json(out, {"db": name, "lines": n, "output": str(args.output)})
        return 0
    write_lines(out, [catalogue(args.lang)("history.exported", db=name, count=n, out=args.output)])
    return 0


def run_import(args: argparse.Namespace, out: TextIO) -> int:
    """Import an export into an empty store."""
    from rnr.history.upkeep import materialise  # noqa: PLC0415 - start-up time

    if args.file != "-" and not Path(args.file).is_file():
        raise UsageError(f"{args.file}: no such file", code="usage.file.missing")
    target = db_path(args)
    new = not target.exists()
    try:
        with open_db(args, announce=False) as store:
            if args.file == "-":
                lines = each(args, sys.stdin, unit="lines")
                result = import_jsonl(store, lines, name="<stdin>")
            else:
                with Path(args.file).open(encoding="utf-8") as fh:
                    result = import_jsonl(store, each(args, fh, unit="lines"), name=args.file)
            materialise(store, defs=definitions(args), by="rnr store import")
            name = store.name
    except (RnrError, KeyboardInterrupt):
        if new:  # a refused or interrupted import leaves no store behind
            for leftover in (target, *(Path(f"{target}{end}") for end in ("-wal", "-shm"))):
                leftover.unlink(missing_ok=True)
        raise
    if new:
        announce_created(args, target)
    if args.json:
        write_json(out, {**_verification(name, result), "source": args.file})
        return 0 if result.ok else EXIT_FAILED
    say = catalogue(args.lang)
    state = say("history.ok") if result.ok else "; ".join(result.problems)
    line = say("history.imported", db=name, src=args.file, records=result.records, state=state)
    write_lines(out, [line])
    return 0 if result.ok else EXIT_FAILED
