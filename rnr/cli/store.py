"""``rnr store``: verify, head, export, import, copy, init, access-log.

The audit chain and its head, the store as JSON Lines, a whole store copied
between backends (an SQLite file, a PostgreSQL database), and the tables of
a PostgreSQL store created by their owner.
"""

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
    db_target,
    definitions,
    open_db,
    open_store_at,
    output_file,
    store_location,
    write_json,
    write_json_lines,
    write_lines,
)
from rnr.cli.progress import counter, each, record_counter, stages
from rnr.errors import RnrError
from rnr.render.history import verified_state, verify_lines
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

    log = sub.add_parser(
        "access-log",
        help="print the HTTP service's access log: who read or wrote which case, and when",
        description=(
            "Print every entry of the access log the HTTP service keeps in the store: when, "
            "which token (name, role), what operation, which case and the status answered; "
            "tokens made and revoked too. rnr store verify checks its chain."
        ),
    )
    log.add_argument("--case", metavar="ID", help="only the entries of this case")
    add_json(log, "one JSON line per entry")
    add_db(log)
    add_common(log)

    copy = sub.add_parser(
        "copy",
        help="copy a whole store to an empty one, between SQLite and PostgreSQL",
        description=(
            "Copy every record, audit entry and access-log entry of the store SRC into the "
            "empty store DST (each an SQLite file or a postgresql:// URL), keep the scores and "
            "timelines again, and verify both ends: DST must hold SRC's chain, head for head. "
            "Refuses a DST that holds records."
        ),
    )
    copy.add_argument(
        "--from", dest="source", required=True, type=store_location, metavar="SRC",
        help="the store to copy (read only): a file or postgresql://USER@HOST/DB",
    )  # fmt: skip
    copy.add_argument(
        "--to", dest="target", required=True, type=store_location, metavar="DST",
        help="the empty store to fill (created if missing): a file or postgresql://...",
    )  # fmt: skip
    add_json(copy, "one JSON object")
    add_common(copy)

    init = sub.add_parser(
        "init",
        help="create the store (or bring it up to date) without writing a record",
        description=(
            "Create the store's tables, or apply the steps of a newer schema, and say its "
            "version. For PostgreSQL, the owner of the schema runs it once (rnr writes "
            "through a role that may only read and append: see docs/store.md)."
        ),
    )
    add_json(init, "one JSON object")
    add_db(init)
    add_common(init)

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
    commands = {
        "verify": run_verify,
        "head": run_head,
        "export": run_export,
        "import": run_import,
        "access-log": run_access_log,
        "copy": run_copy,
        "init": run_init,
    }
    return commands[args.store_command](args, out)


def _verification(db: str, result: Verification) -> dict[str, object]:
    return {
        "db": db,
        "ok": result.ok,
        "records": result.records,
        "entries": result.entries,
        "derived": result.derived,
        "timelines": result.timelines,
        "index": result.index,
        "shares": result.shares,
        "access": result.access,
        "head": result.head,
        "problems": [p.to_dict() for p in result.problems],
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


def run_access_log(args: argparse.Namespace, out: TextIO) -> int:
    """Print the access log (of one case with ``--case``)."""
    from rnr.history.access import access_log  # noqa: PLC0415 - start-up time
    from rnr.render.access import access_lines  # noqa: PLC0415 - start-up time

    with open_db(args, read_only=True) as store:
        found = [e for e in access_log(store) if args.case is None or e.access.case_id == args.case]
        name = store.name
    if args.json:
        write_json_lines(out, ({**e.content(), "sha256": e.sha256} for e in found))
        return 0
    write_lines(out, access_lines(found, name, args.lang))
    return 0


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
    target = db_target(args)
    new = isinstance(target, Path) and not target.exists()
    try:
        with open_db(args, announce=False) as store:
            if args.file == "-":
                lines = each(args, sys.stdin, unit="lines")
                result = import_jsonl(store, lines, name="<stdin>")
            else:
                with Path(args.file).open(encoding="utf-8") as fh:
                    result = import_jsonl(store, each(args, fh, unit="lines"), name=args.file)
            materialise(store, defs=definitions(args), by="rnr store import", progress=stages(args))
            name = store.name
    except (RnrError, KeyboardInterrupt):
        if new and isinstance(target, Path):  # a refused or interrupted import leaves no file
            _remove_file(target)
        raise
    if new:
        announce_created(args.lang, target)
    if args.json:
        write_json(out, {**_verification(name, result), "source": args.file})
        return 0 if result.ok else EXIT_FAILED
    say = catalogue(args.lang)
    state = verified_state(result, say)
    line = say("history.imported", db=name, src=args.file, records=result.records, state=state)
    write_lines(out, [line])
    return 0 if result.ok else EXIT_FAILED


def _remove_file(target: Path) -> None:
    """Remove an SQLite store file and its WAL files."""
    for leftover in (target, *(Path(f"{target}{end}") for end in ("-wal", "-shm"))):
        leftover.unlink(missing_ok=True)


def run_copy(args: argparse.Namespace, out: TextIO) -> int:
    """Copy the store ``--from`` into the empty store ``--to``; verify both ends."""
    from rnr.history.upkeep import materialise  # noqa: PLC0415 - start-up time
    from rnr.store.copy import copy_store  # noqa: PLC0415

    if str(args.source) == str(args.target):
        raise UsageError(f"--from and --to name the same store ({args.source})")
    new = isinstance(args.target, Path) and not args.target.exists()
    try:
        with (
            open_store_at(args.source, read_only=True, lang=args.lang) as source,
            open_store_at(args.target, lang=args.lang, announce=False) as target,
            record_counter(args, source) as advance,
        ):
            result = copy_store(source, target, progress=advance)
            materialise(target, defs=definitions(args), by="rnr store copy", progress=stages(args))
            names = source.name, target.name
    except (RnrError, KeyboardInterrupt):
        if new and isinstance(args.target, Path):  # a refused copy leaves no file behind
            _remove_file(args.target)
        raise
    if new:
        announce_created(args.lang, args.target)
    if args.json:
        write_json(out, {**_verification(names[1], result), "source": names[0]})
        return 0 if result.ok else EXIT_FAILED
    say = catalogue(args.lang)
    state = verified_state(result, say)
    line = say("history.copied", db=names[1], src=names[0], records=result.records, state=state)
    write_lines(out, [line])
    return 0 if result.ok else EXIT_FAILED


def run_init(args: argparse.Namespace, out: TextIO) -> int:
    """Create the store, or bring its schema up to date and make what it lacks; say its version.

    What it lacks: kept scores, timelines, rows of the case index and report
    shares missing, or of an earlier format (:func:`rnr.history.upkeep.materialise`).
    """
    from rnr.history.upkeep import materialise  # noqa: PLC0415 - start-up time
    from rnr.store import _schema  # noqa: PLC0415 - start-up time

    target = db_target(args)
    existed = isinstance(target, Path) and target.exists()
    with open_db(args, announce=False) as store:
        name = store.name
        created = getattr(store, "created", not existed)
        materialise(store, defs=definitions(args), by="rnr store init", progress=stages(args))
    version = _schema.SCHEMA_VERSION
    if created:
        announce_created(args.lang, name)
    if args.json:
        write_json(out, {"db": name, "version": version, "created": created})
        return 0
    write_lines(out, [catalogue(args.lang)("history.initialised", db=name, version=version)])
    return 0
