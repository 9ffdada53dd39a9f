"""``rnr instruments list`` and ``rnr instruments show``."""

from __future__ import annotations

import argparse
import textwrap
from typing import TextIO

from rnr.cli import _check
from rnr.cli._common import add_common, library_for, write_json, write_lines
from rnr.definitions.instrument import Band, Instrument, Item, Scale
from rnr.definitions.labels import Labels, load_labels
from rnr.render.score import effective, points_text, table, words

__all__ = ["add_parser", "run_list", "run_show", "show_lines"]

WIDTH = 100


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``rnr instruments list|show|check``."""
    parser = commands.add_parser(
        "instruments",
        help="list, show and check instrument definitions",
        description="List, show and check instrument definitions.",
    )
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = sub.add_parser(
        "list", help="every instrument version", description="List every instrument version."
    )
    listing.add_argument("--json", action="store_true", help="print the list as JSON")
    add_common(listing)
    listing.set_defaults(func=run_list)
    show = sub.add_parser(
        "show",
        help="one instrument: metadata, scales, domains, items, sources",
        description="Show one instrument version (a bare id shows the newest version).",
    )
    show.add_argument("ref", metavar="ID[@VERSION]")
    show.add_argument(
        "--json", action="store_true", help="print the full definition as JSON, with its sha256"
    )
    add_common(show)
    show.set_defaults(func=run_show)
    _check.add_parser(sub)


def run_list(args: argparse.Namespace, out: TextIO) -> int:
    """Print every instrument version of the library."""
    library = library_for(args)
    if args.json:
        data = [
            {
                "id": i.id,
                "version": i.version,
                "status": i.status,
                "effective_from": i.effective_from.isoformat(),
                "effective_until": i.effective_until.isoformat() if i.effective_until else None,
                "title": dict(i.title),
                "sha256": i.sha256,
            }
            for i in library
        ]
        write_json(out, data)
        return 0
    w = words(args.lang)
    rows = [[w["h_id"], w["h_version"], w["h_status"], w["h_effective"], w["h_title"]]]
    for inst in library:
        title = inst.title.get(args.lang) or inst.title.get("es") or inst.id
        rows.append([inst.id, inst.version, inst.status, effective(inst), title])
    write_lines(out, table(rows))
    return 0


def run_show(args: argparse.Namespace, out: TextIO) -> int:
    """Print one instrument version, readable or as JSON."""
    instrument = library_for(args).get(args.ref)
    if args.json:
        write_json(out, {**instrument.document, "sha256": instrument.sha256}, indent=2)
        return 0
    write_lines(out, show_lines(instrument, load_labels(instrument, args.lang), args.lang))
    return 0


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, width=WIDTH, subsequent_indent=indent, break_on_hyphens=False)


def _named(ident: str, label: str) -> str:
    return ident if label == ident else f"{ident} ({label})"


def _bands(bands: tuple[Band, ...], labels: Labels, *, need: bool = False) -> str:
    name = labels.need if need else labels.level
    return ", ".join(f"{_span(b.min, b.max)} {name(b.level)}" for b in bands)


def _span(lo: int, hi: int) -> str:
    """``-3..-2``, ``4`` or ``0..12`` (ranges with negative ends stay readable)."""
    return str(lo) if lo == hi else f"{lo}..{hi}"


def show_lines(instrument: Instrument, labels: Labels, lang: str) -> list[str]:
    """The readable summary of ``instrument`` that ``rnr instruments show`` prints."""
    w = words(lang)
    pop = instrument.population
    top = pop.get("max_age")
    ages = f"{pop.get('min_age')}" + ("+" if top is None else f"-{top}")
    lines = [
        f"{instrument.ref}  {labels.title}",
        (
            f"  {w['status']}: {instrument.status} · {w['effective']}: {effective(instrument)}"
            f" · {w['population']}: {pop.get('kind')}, {ages} {w['years']}"
        ),
        f"  sha256: {instrument.sha256}",
    ]
    if instrument.path:
        lines.append(f"  {w['file']}: {instrument.path}")
    lines.append(
        f"  {w['primary']}: {instrument.primary_scale}"
        f" · {w['norm_groups']}: {', '.join(instrument.norm_groups) or w['none']}"
        f" · {w['need_levels']}: {', '.join(instrument.need_levels) or w['none']}"
    )
    if instrument.criminogenic_from:
        lines.append(f"  {w['criminogenic_from']}: {instrument.criminogenic_from}")
    lines += ["", *_wrap(f"{w['license']}: {instrument.license}", "")]
    if instrument.notes:
        lines += ["", f"{w['notes']}:"]
        for note in instrument.notes:
            lines += _wrap(f"  - {note}", "    ")
    lines += ["", f"{w['scales']}:"]
    for scale in instrument.scales.values():
        lines += _scale_lines(scale, instrument, labels, lang)
    lines += ["", f"{w['domains']}:"]
    for d in instrument.domains:
        head = f"  {_named(d.id, labels.domain(d.id))}: {w[d.factor]}, {w['range']} "
        head += _span(*d.range)
        if d.max_omitted is not None:
            head += f", {w['max_omitted']} {d.max_omitted}"
        lines.append(head)
        lines.append(f"      {w['domain_items']}: {', '.join(d.items)}")
        if d.need_bands:
            lines.append(f"      {w['need_bands']}: {_bands(d.need_bands, labels, need=True)}")
        if d.source:
            lines.append(f"      {w['source']}: {d.source}")
    lines += ["", f"{w['items']}:"]
    for item in instrument.items:
        lines += _item_lines(item, labels, lang)
    if instrument.terms:
        lines += ["", f"{w['terms']}:"]
        for term in instrument.terms:
            lines.append(
                f"  {_named(term.id, labels.item(term.id))}: {term.when.describe()}"
                f" → {points_text(term.points, lang)}"
            )
            if term.source:
                lines.append(f"      {w['source']}: {term.source}")
    lines += ["", f"{w['references']}:"]
    for ref in instrument.references:
        lines += _wrap(f"  - {ref}", "    ")
    return [part for line in lines for part in _fit(line)]


def _fit(line: str) -> list[str]:
    """``line`` wrapped to the page width, continuation lines indented two more."""
    if len(line) <= WIDTH:
        return [line]
    indent = " " * (len(line) - len(line.lstrip()) + 2)
    return _wrap(line, indent)


def _scale_lines(scale: Scale, instrument: Instrument, labels: Labels, lang: str) -> list[str]:
    w = words(lang)
    lo, hi = scale.range
    lines = [
        (
            f"  {_named(scale.id, labels.scale(scale.id))}: {w['range']} {_span(lo, hi)}"
            f", {w['max_omitted']} {scale.max_omitted}"
        )
    ]
    groups: tuple[str | None, ...] = instrument.norm_groups or (None,)
    if scale.bands:
        for group in groups:
            name = w["all_groups"] if group is None else w["for_group"].format(g=group)
            text = f"      {w['bands']} ({name}): {_bands(scale.bands_for(group), labels)}"
            lines += _wrap(text, "        ")
    if scale.scaled is not None:
        pairs = ", ".join(f"{lo + i}→{s}" for i, s in enumerate(scale.scaled))
        lines.append(f"      {w['scaled_table']}: {pairs}")
    if scale.flag_min is not None:
        lines.append(f"      {w['flag_from'].format(n=scale.flag_min)}")
    lines.append(f"      {w['source']}: {scale.source}")
    return lines


def _item_lines(item: Item, labels: Labels, lang: str) -> list[str]:
    w = words(lang)
    kind: str = item.kind
    if item.kind == "age" and item.age_at:
        kind += f", {w['age_at'].format(d=item.age_at)}"
    head = f"  {_named(item.id, labels.item(item.id))}: {kind}, {w[item.factor]}, {item.domain}"
    if item.strength:
        return [f"{head}, {w['strength']}"]
    outcomes = " | ".join(f"{o.key}: {points_text(o.points, lang)}" for o in item.outcomes)
    lines = [head, *_wrap(f"      {outcomes}", "        ")]
    if item.source:
        lines.append(f"      {w['source']}: {item.source}")
    return lines
