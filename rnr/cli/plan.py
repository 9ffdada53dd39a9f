"""``rnr plan``: score, decide and draft a PII for each case (Markdown, HTML or JSON)."""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from pathlib import Path
from typing import TextIO

from rnr.cases.parse import Case, read_cases
from rnr.cases.path import Decided, plan_for
from rnr.cli.decide import PolicyChoice, add_case_policy_options
from rnr.cli.errors import UsageError
from rnr.cli.options import (
    add_common,
    add_json,
    add_output,
    add_policies_dir,
    describe,
    write_file,
)
from rnr.cli.progress import each
from rnr.cli.score import is_batch
from rnr.costs.plan import plan_document
from rnr.definitions.labels import load_labels
from rnr.definitions.library import Library
from rnr.render.plan import FORMATS, render_plan

__all__ = ["add_arguments", "file_name", "plan_for", "run"]

HELP = """\
Score a case, decide it under a policy (as rnr decide does) and write a
draft Individual Intervention Plan (PII), marked BORRADOR / DRAFT: the
objectives chosen from the criminogenic needs, their hours, why each is
there, the responsivity adaptations, the strengths, the legal deadlines,
the review dates and space for the person's agreement. The case needs a
"legal" section and may carry a "responsivity" section.

CASE is a .json file holding one case (the draft goes to standard output,
or to -o FILE), or a .jsonl file or - (JSON Lines on standard input) with
-o DIR: one draft per case, written as DIR/<case_id>.md or .html.

--template FILE renders with an agency's own Jinja2 template (run in the
sandbox, with the same context as the shipped ones; see docs/plans.md).
--json writes the draft as data instead (one JSON line per case, or
DIR/<case_id>.json), with its expected cost ("cost"; docs/costs.md).
"""

SAFE = re.compile(r"[^A-Za-z0-9._-]+")
#: The longest file name stem taken from a case id; a longer id is cut and keeps a hash of itself.
MAX_STEM = 80


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``rnr plan``."""
    describe(parser, HELP)
    add_case_policy_options(parser)
    parser.add_argument(
        "--format",
        "-f",
        choices=tuple(FORMATS),
        default="md",
        help="md (Markdown, the default) or html (self-contained, printable)",
    )
    add_json(parser, "write the draft as JSON (one line per case) instead of a document")
    add_output(
        parser,
        metavar="FILE|DIR",
        help="write to FILE (one case) or into DIR (one file per case); default: stdout",
    )
    parser.add_argument(
        "--template",
        type=Path,
        metavar="FILE",
        help="an agency's Jinja2 template (rendered in the sandbox)",
    )
    add_common(parser)
    add_policies_dir(parser)
    parser.add_argument("case", metavar="CASE", help="case file (.json, .jsonl) or - for stdin")


def file_name(case: Case, kind: str, taken: set[str]) -> str:
    """``<case_id>.<kind>``, made safe for a file name, bounded and unique among ``taken``.

    >>> len(file_name(Case(case_id="x" * 300, assessed_on=None, responses={}), "md", set()))
    83
    """
    stem = SAFE.sub("_", case.case_id).strip("._") or "case"
    if len(stem) > MAX_STEM:  # a file system refuses names past 255 bytes
        digest = hashlib.sha256(case.case_id.encode()).hexdigest()[:12]
        stem = f"{stem[: MAX_STEM - 13]}-{digest}"
    name, n = f"{stem}.{kind}", 1
    while name in taken:
        n += 1
        name = f"{stem}-{n}.{kind}"
    taken.add(name)
    return name


def _render(done: Decided, library: Library, args: argparse.Namespace) -> str:
    plan = plan_for(done)
    if args.json:
        return json.dumps(plan_document(plan), ensure_ascii=False) + "\n"
    labels = load_labels(library.get(str(done.result.instrument)), args.lang)
    return render_plan(
        plan, format=args.format, lang=args.lang, template=args.template, labels=labels
    )


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Draft the plans of ``args.case`` and print or write them."""
    batch = is_batch(args.case)
    target: Path | None = args.output
    if batch and target is None and not args.json:
        raise UsageError(f"{args.case}: several cases need -o DIR (one draft per case)")
    if batch and target is not None and target.exists() and not target.is_dir():
        raise UsageError(f"-o {target}: not a folder (several cases write one draft each)")
    if args.template is not None and not args.template.is_file():
        raise UsageError(f"--template {args.template}: no such file", code="usage.file.missing")
    choice = PolicyChoice(args)
    kind = "json" if args.json else args.format
    into_dir = target is not None and (batch or target.is_dir())
    taken: set[str] = set()
    for case in each(args, read_cases(args.case), unit="cases"):
        done = choice.decide(case)
        ref = str(done.result.instrument)
        text = _render(done, choice.instruments(ref), args)
        if target is None:
            out.write(text)
            out.flush()
            continue
        path = target / file_name(case, kind, taken) if into_dir else target
        write_file(path, text)
        out.write(f"{path}\n")
        out.flush()
    return 0
