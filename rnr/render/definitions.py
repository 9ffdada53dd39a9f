"""Readable summaries of the definitions: ``rnr instruments`` and ``rnr policies``.

The list of every version (one row each), the summary of one version
(metadata, content hash, notes, then scales, domains, items, terms and
sources of an instrument, or the parameters, inputs and tables with their
rules of a policy) and the lines of a check report. The words are the
``cli`` area of the message catalogue (:mod:`rnr.render.messages`);
identifiers (ids, versions, statuses, rule and table ids) are never
translated, labels come from the instrument's label files and policy texts
from the policy file; a rule's condition is said in words
(:mod:`rnr.render.conditions`).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from typing import Any

from rnr.definitions.instrument import Band, Instrument, Item, Scale
from rnr.definitions.labels import Labels
from rnr.definitions.policy import Policy
from rnr.definitions.tables import InputSpec, Rule, Table
from rnr.policy.decision import condition_of
from rnr.render.conditions import condition_words
from rnr.render.messages import Catalogue, catalogue
from rnr.render.names import definition_title
from rnr.render.score import points_text, table

__all__ = [
    "WIDTH",
    "check_lines",
    "check_summary",
    "effective",
    "instrument_lines",
    "instrument_table",
    "policy_lines",
    "policy_table",
]

#: The width the summaries are wrapped to.
WIDTH = 100


def effective(definition: Instrument | Policy) -> str:
    """``2016-01-01 →`` or ``2016-01-01 → 2020-01-01`` (the end is exclusive)."""
    until = definition.effective_until
    return f"{definition.effective_from} →" + (f" {until}" if until else "")


# -- the lists ------------------------------------------------------------------------


def instrument_table(instruments: Iterable[Instrument], lang: str) -> list[str]:
    """Every instrument version in columns: id, version, status, effective dates, title."""
    w = catalogue(lang)
    head = ("id", "version", "status", "effective", "title")
    rows = [[w(f"cli.field.{name}") for name in head]]
    rows += [
        [i.id, i.version, i.status, effective(i), definition_title(i, lang)] for i in instruments
    ]
    return table(rows)


def policy_table(policies: Iterable[Policy], lang: str) -> list[str]:
    """Every policy version in columns: id, version, status, regime, effective dates, title."""
    w = catalogue(lang)
    head = ("id", "version", "status", "regime", "effective", "title")
    rows = [[w(f"cli.field.{name}") for name in head]]
    rows += [
        [p.id, p.version, p.status, p.regime, effective(p), definition_title(p, lang)]
        for p in policies
    ]
    return table(rows)


# -- rnr instruments show -------------------------------------------------------------


def _wrap(text: str, indent: str) -> list[str]:
    """``text`` wrapped to the page width, continuation lines indented by ``indent``."""
    return textwrap.wrap(text, width=WIDTH, subsequent_indent=indent, break_on_hyphens=False)


def _named(ident: str, label: str) -> str:
    return ident if label == ident else f"{ident} ({label})"


def _bands(bands: tuple[Band, ...], labels: Labels, *, need: bool = False) -> str:
    name = labels.need if need else labels.level
    return ", ".join(f"{_span(b.min, b.max)} {name(b.level)}" for b in bands)


def _span(lo: int, hi: int) -> str:
    """``-3..-2``, ``4`` or ``0..12`` (ranges with negative ends stay readable)."""
    return str(lo) if lo == hi else f"{lo}..{hi}"


def _fit(line: str) -> list[str]:
    """``line`` wrapped to the page width, continuation lines indented two more."""
    if len(line) <= WIDTH:
        return [line]
    indent = " " * (len(line) - len(line.lstrip()) + 2)
    return _wrap(line, indent)


def instrument_lines(instrument: Instrument, labels: Labels, lang: str) -> list[str]:
    """The readable summary of one instrument version (``rnr instruments show``)."""
    w = catalogue(lang)
    none = w("score.none")
    pop = instrument.population
    top = pop.get("max_age")
    ages = f"{pop.get('min_age')}" + ("+" if top is None else f"-{top}")
    lines = [
        f"{instrument.ref}  {labels.title}",
        (
            f"  {w('cli.field.status')}: {instrument.status}"
            f" · {w('cli.field.effective')}: {effective(instrument)}"
            f" · {w('cli.show.population')}: {pop.get('kind')}, {ages} {w('cli.show.years')}"
        ),
        f"  sha256: {instrument.sha256}",
    ]
    if instrument.path:
        lines.append(f"  {w('cli.field.file')}: {instrument.path}")
    lines.append(
        f"  {w('cli.show.primary')}: {instrument.primary_scale}"
        f" · {w('cli.show.norm_groups')}: {', '.join(instrument.norm_groups) or none}"
        f" · {w('cli.show.need_levels')}: {', '.join(instrument.need_levels) or none}"
    )
    if instrument.criminogenic_from:
        lines.append(f"  {w('cli.show.criminogenic_from')}: {instrument.criminogenic_from}")
    lines += ["", *_wrap(f"{w('cli.show.license')}: {instrument.license}", "")]
    if instrument.notes:
        lines += ["", f"{w('cli.show.notes')}:"]
        for note in instrument.notes:
            lines += _wrap(f"  - {note}", "    ")
    lines += ["", f"{w('cli.show.scales')}:"]
    for scale in instrument.scales.values():
        lines += _scale_lines(scale, instrument, labels, w)
    lines += ["", f"{w('cli.show.domains')}:"]
    for d in instrument.domains:
        head = f"  {_named(d.id, labels.domain(d.id))}: {w(f'cli.show.{d.factor}')}"
        head += f", {w('cli.show.range')} {_span(*d.range)}"
        if d.max_omitted is not None:
            head += f", {w('cli.show.max_omitted')} {d.max_omitted}"
        lines.append(head)
        lines.append(f"      {w('cli.show.domain_items')}: {', '.join(d.items)}")
        if d.need_bands:
            bands = _bands(d.need_bands, labels, need=True)
            lines.append(f"      {w('cli.show.need_bands')}: {bands}")
        if d.source:
            lines.append(f"      {w('cli.show.source')}: {d.source}")
    lines += ["", f"{w('cli.show.items')}:"]
    for item in instrument.items:
        lines += _item_lines(item, labels, w)
    if instrument.terms:
        lines += ["", f"{w('cli.show.terms')}:"]
        for term in instrument.terms:
            lines.append(
                f"  {_named(term.id, labels.item(term.id))}: {term.when.describe()}"
                f" → {points_text(term.points, lang)}"
            )
            if term.source:
                lines.append(f"      {w('cli.show.source')}: {term.source}")
    lines += ["", f"{w('cli.show.references')}:"]
    for ref in instrument.references:
        lines += _wrap(f"  - {ref}", "    ")
    return [part for line in lines for part in _fit(line)]


def _scale_lines(scale: Scale, instrument: Instrument, labels: Labels, w: Catalogue) -> list[str]:
    lo, hi = scale.range
    lines = [
        (
            f"  {_named(scale.id, labels.scale(scale.id))}: {w('cli.show.range')} {_span(lo, hi)}"
            f", {w('cli.show.max_omitted')} {scale.max_omitted}"
        )
    ]
    groups: tuple[str | None, ...] = instrument.norm_groups or (None,)
    if scale.bands:
        for group in groups:
            name = w("cli.show.all_groups") if group is None else w("cli.show.for_group", g=group)
            bands = _bands(scale.bands_for(group), labels)
            lines += _wrap(f"      {w('cli.show.bands')} ({name}): {bands}", "        ")
    if scale.scaled is not None:
        pairs = ", ".join(f"{lo + i}→{s}" for i, s in enumerate(scale.scaled))
        lines.append(f"      {w('cli.show.scaled_table')}: {pairs}")
    if scale.flag_min is not None:
        lines.append(f"      {w('cli.show.flag_from', n=scale.flag_min)}")
    lines.append(f"      {w('cli.show.source')}: {scale.source}")
    return lines


def _item_lines(item: Item, labels: Labels, w: Catalogue) -> list[str]:
    kind: str = item.kind
    if item.kind == "age" and item.age_at:
        kind += f", {w('cli.show.age_at', d=item.age_at)}"
    factor = w(f"cli.show.{item.factor}")
    head = f"  {_named(item.id, labels.item(item.id))}: {kind}, {factor}, {item.domain}"
    if item.strength:
        return [f"{head}, {w('cli.show.strength')}"]
    outcomes = " | ".join(f"{o.key}: {points_text(o.points, w.lang)}" for o in item.outcomes)
    lines = [head, *_wrap(f"      {outcomes}", "        ")]
    if item.source:
        lines.append(f"      {w('cli.show.source')}: {item.source}")
    return lines


# -- rnr policies show ----------------------------------------------------------------


def _indented(text: str, indent: str) -> list[str]:
    """``text`` wrapped to the page width, indented, continuation lines four more."""
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


def _rule(rule: Rule, tab: Table, policy: Policy, w: Catalogue) -> list[str]:
    then = ", ".join(f"{k} = {_value(v)}" for k, v in rule.then.items())
    prio = " " + w("cli.show.priority", n=rule.priority) if tab.hit == "priority" else ""
    condition = condition_words(condition_of(rule), policy, w.lang)
    lines = _indented(f"{rule.id}{prio}: {condition} → {then}", "    ")
    lines += _indented(f"{w('cli.show.source')}: {rule.source}", "        ")
    return lines


def policy_lines(policy: Policy, lang: str) -> list[str]:
    """The readable summary of one policy version (``rnr policies show``)."""
    w = catalogue(lang)
    none = w("policy.none")
    lines = [
        f"{policy.ref}  {definition_title(policy, lang)}",
        (
            f"  {w('cli.field.status')}: {policy.status} · {w('cli.field.regime')}: "
            f"{policy.regime} · {w('cli.field.effective')}: {effective(policy)}"
        ),
        (
            f"  {w('cli.show.instruments')}: {', '.join(policy.instruments) or none} · "
            f"{w('cli.show.sanctions')}: {', '.join(policy.sanctions)}"
        ),
        f"  sha256: {policy.sha256}",
    ]
    if policy.path:
        lines.append(f"  {w('cli.field.file')}: {policy.path}")
    if policy.notes:
        lines += ["", f"{w('cli.show.notes')}:"]
        for note in policy.notes:
            lines += _indented(f"- {note}", "  ")
    if policy.params:
        lines += ["", f"{w('cli.show.params')}:"]
        for param in policy.params.values():
            unit = f" {param.unit}" if param.unit else ""
            lines += _indented(f"{param.name} = {param.value}{unit}", "  ")
            lines += _indented(f"{w('cli.show.source')}: {param.source}", "      ")
    lines += ["", f"{w('cli.show.inputs')}:"]
    for spec in policy.inputs.values():
        lines += _indented(_input(spec), "  ")
    lines += ["", f"{w('cli.show.tables')}:"]
    for tab in policy.tables.values():
        head = f"{tab.id} ({tab.hit}" + (f", {tab.aggregate}" if tab.aggregate else "") + ")"
        lines += _indented(head + (f" — {tab.description}" if tab.description else ""), "  ")
        io = w("cli.show.table_io", inputs=", ".join(tab.inputs) or none,
               outputs=", ".join(tab.outputs))  # fmt: skip
        lines += _indented(io, "    ")
        for rule in tab.rules:
            lines += _rule(rule, tab, policy, w)
    if policy.references:
        lines += ["", f"{w('cli.show.references')}:"]
        for ref in policy.references:
            lines += _indented(f"- {ref}", "  ")
    return lines


# -- rnr instruments check, rnr policies check ----------------------------------------


def check_lines(name: str, passed: bool, detail: Sequence[str], lang: str) -> list[str]:
    """``  ok    name`` or ``  FAIL  name``, then the detail, indented."""
    mark = catalogue(lang)("cli.check.ok" if passed else "cli.check.fail")
    return [f"  {mark:<4}  {name}"] + [f"        {d}" for d in detail]


def check_summary(passed: int, failed: int, lang: str, *, notes: Sequence[str] = ()) -> list[str]:
    """The end of a check report: each note (what was not checked), then the counts."""
    w = catalogue(lang)
    return [
        *(w("cli.check.note", text=text) for text in notes),
        w(
            "cli.check.summary",
            passed=w("cli.check.passed", count=passed),
            failed=w("cli.check.failed", count=failed),
        ),
    ]
