"""``rnr policies list`` and ``rnr policies show`` (``check`` is in ``_policy_check``)."""

from __future__ import annotations

import argparse
import textwrap
from typing import Any, TextIO

from rnr.cli import _policy_check
from rnr.cli._common import add_common, write_json, write_lines
from rnr.cli._policy_lib import add_policy_dirs, policies_for, policy_for
from rnr.definitions.policy import Policy
from rnr.definitions.tables import InputSpec, Rule, Table
from rnr.render.policy_words import pwords
from rnr.render.score import table

__all__ = ["add_parser", "run_list", "run_show", "show_lines"]

WIDTH = 100


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``rnr policies list|show|check``."""
    parser = commands.add_parser(
        "policies",
        help="list, show and check policies (decision tables)",
        description="List, show and check policies: dated, cited decision tables.",
    )
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = sub.add_parser(
        "list", help="every policy version", description="List every policy version."
    )
    listing.add_argument("--json", action="store_true", help="print the list as JSON")
    add_common(listing)
    add_policy_dirs(listing)
    listing.set_defaults(func=run_list)
    show = sub.add_parser(
        "show",
        help="one policy: metadata, inputs, tables with rules and sources",
        description="Show one policy version (a bare id shows the newest; a path loads a file).",
    )
    show.add_argument("ref", metavar="ID[@VERSION]")
    show.add_argument(
        "--json", action="store_true", help="print the definition document as JSON, with its sha256"
    )
    add_common(show)
    add_policy_dirs(show)
    show.set_defaults(func=run_show)
    _policy_check.add_parser(sub)


def _effective(policy: Policy) -> str:
    until = policy.effective_until
    return f"{policy.effective_from} →" + (f" {until}" if until else "")


def _title(policy: Policy, lang: str) -> str:
    return policy.title.get(lang) or policy.title.get("es") or policy.id


def run_list(args: argparse.Namespace, out: TextIO) -> int:
    """Print every policy version."""
    policies = list(policies_for(args))
    if args.json:
        data = [
            {
                "id": p.id,
                "version": p.version,
                "status": p.status,
                "regime": p.regime,
                "effective_from": p.effective_from.isoformat(),
                "effective_until": p.effective_until.isoformat() if p.effective_until else None,
                "title": dict(p.title),
                "sha256": p.sha256,
            }
            for p in policies
        ]
        write_json(out, data)
        return 0
    w = pwords(args.lang)
    rows = [[w[k] for k in ("h_id", "h_version", "h_status", "h_regime", "h_effective", "h_title")]]
    rows += [
        [p.id, p.version, p.status, p.regime, _effective(p), _title(p, args.lang)] for p in policies
    ]
    write_lines(out, table(rows))
    return 0


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(
        text, width=WIDTH, initial_indent=indent, subsequent_indent=indent + "    ",
        break_on_hyphens=False,
    )  # fmt: skip


def _input(spec: InputSpec) -> str:
    if spec.type in ("enum", "set"):
        kind = f"{spec.type}: {', '.join(spec.values)}"
    elif spec.type == "int":
        lo = "" if spec.min is None else str(spec.min)
        hi = "" if spec.max is None else str(spec.max)
        kind = f"int {lo}..{hi}" if lo or hi else "int"
    else:
        kind = spec.type
    return f"{spec.name} ({kind}) ← {spec.source}"


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple | list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def _rule(rule: Rule, tab: Table, lang: str) -> list[str]:
    w = pwords(lang)
    then = ", ".join(f"{k} = {_value(v)}" for k, v in rule.then.items())
    prio = f" (priority {rule.priority})" if tab.hit == "priority" else ""
    lines = _wrap(f"{rule.id}{prio}: {rule.describe()} → {then}", "    ")
    lines += _wrap(f"{w['source']}: {rule.source}", "        ")
    return lines


def show_lines(policy: Policy, lang: str) -> list[str]:
    """A readable summary of one policy version."""
    w = pwords(lang)
    lines = [
        f"{policy.ref}  {_title(policy, lang)}",
        (
            f"  {w['status']}: {policy.status} · {w['regime']}: {policy.regime} · "
            f"{w['effective']}: {_effective(policy)}"
        ),
        (
            f"  {w['instruments']}: {', '.join(policy.instruments) or w['none']} · "
            f"{w['sanctions']}: {', '.join(policy.sanctions)}"
        ),
        f"  sha256: {policy.sha256}",
    ]
    if policy.path:
        lines.append(f"  {w['file']}: {policy.path}")
    if policy.notes:
        lines += ["", f"{w['notes']}:"]
        for note in policy.notes:
            lines += _wrap(f"- {note}", "  ")
    if policy.params:
        lines += ["", f"{w['params']}:"]
        for param in policy.params.values():
            unit = f" {param.unit}" if param.unit else ""
            lines += _wrap(f"{param.name} = {param.value}{unit}", "  ")
            lines += _wrap(f"{w['source']}: {param.source}", "      ")
    lines += ["", f"{w['inputs']}:"]
    for spec in policy.inputs.values():
        lines += _wrap(_input(spec), "  ")
    lines += ["", f"{w['tables']}:"]
    for tab in policy.tables.values():
        head = f"{tab.id} ({tab.hit}" + (f", {tab.aggregate}" if tab.aggregate else "") + ")"
        lines += _wrap(head + (f" — {tab.description}" if tab.description else ""), "  ")
        io = w["table_io"].format(inputs=", ".join(tab.inputs) or w["none"],
                                  outputs=", ".join(tab.outputs))  # fmt: skip
        lines += _wrap(io, "    ")
        for rule in tab.rules:
            lines += _rule(rule, tab, lang)
    if policy.references:
        lines += ["", f"{w['references']}:"]
        for ref in policy.references:
            lines += _wrap(f"- {ref}", "  ")
    return lines


def run_show(args: argparse.Namespace, out: TextIO) -> int:
    """Print one policy version, readable or as JSON."""
    policy = policy_for(policies_for(args), args.ref)
    if args.json:
        write_json(out, {**policy.document, "sha256": policy.sha256}, indent=2)
        return 0
    write_lines(out, show_lines(policy, args.lang))
    return 0
