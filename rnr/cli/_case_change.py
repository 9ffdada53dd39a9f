"""``rnr case change``: change between a case's assessments, its signals, the policy's answer."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from rnr.change.delta import Change
from rnr.cli._common import UsageError, write_json, write_lines
from rnr.cli._db import definitions, open_db
from rnr.cli._policy_lib import iso_date
from rnr.definitions.labels import Labels, load_labels
from rnr.definitions.library import Library
from rnr.definitions.reliability import load_reliability
from rnr.history.progress import CaseChange, case_change
from rnr.history.read import read_history

__all__ = ["add_change_parser", "change_lines"]

WORDS = {
    "es": {
        "title": "Cambio · caso {case_id} · {n} evaluación(es) · al {on}",
        "one": "  Una sola evaluación: no hay cambio que medir todavía.",
        "step": "Paso {n}: {a} → {b} ({days} días) · {ref} · base: {basis}",
        "overall": "De la primera a la última: {a} → {b} ({days} días)",
        "scale": "  {scale}: {x} → {y} ({delta:+d}) · {levels} · cambio confiable: {reliable}",
        "rci": " (RCI {rci:.2f}; DE {sd}, r {r})",
        "sources": "Cifras de confiabilidad: {sources}",
        "why": " ({why})",
        "domains": "  dominios que cambiaron: {items}",
        "left_out": "  ítems no comparados: {items}",
        "data_error": "  ERROR DE DATOS: {text}",
        "trajectory": "Trayectoria ({scale}): {slope:+.1f} puntos por año en {n} evaluaciones",
        "attainment": "Logro del PII: {achieved} de {counted} objetivos ({percent} %)",
        "threshold_met": " · umbral {t} %: alcanzado",
        "threshold_not": " · umbral {t} %: no alcanzado",
        "desistance": "Señales de desistimiento",
        "warnings": "Alertas",
        "none_found": "  ninguna",
        "answer": "Respuesta de la política {policy}: {action} (regla {rule})",
        "no_answer": (
            "Respuesta de la política: ninguna (se necesitan dos evaluaciones con niveles)"
        ),
        "keep": "mantener la intensidad",
        "step_down": "bajar la intensidad",
        "step_up": "subir la intensidad",
        "same_version": "misma versión",
        "shared_items": "ítems comunes a ambas versiones",
        "crosswalk": "tabla de equivalencias",
        "improvement": "mejora confiable",
        "none": "sin cambio confiable",
        "deterioration": "deterioro confiable",
        "not_computable": "no calculable",
    },
    "en": {
        "title": "Change · case {case_id} · {n} assessment(s) · as of {on}",
        "one": "  One assessment only: no change to measure yet.",
        "step": "Step {n}: {a} → {b} ({days} days) · {ref} · basis: {basis}",
        "overall": "First to last: {a} → {b} ({days} days)",
        "scale": "  {scale}: {x} → {y} ({delta:+d}) · {levels} · reliable change: {reliable}",
        "rci": " (RCI {rci:.2f}; SD {sd}, r {r})",
        "sources": "Reliability figures: {sources}",
        "why": " ({why})",
        "domains": "  domains that changed: {items}",
        "left_out": "  items not compared: {items}",
        "data_error": "  DATA ERROR: {text}",
        "trajectory": "Trajectory ({scale}): {slope:+.1f} points per year over {n} assessments",
        "attainment": "PII attainment: {achieved} of {counted} objectives ({percent} %)",
        "threshold_met": " · threshold {t} %: met",
        "threshold_not": " · threshold {t} %: not met",
        "desistance": "Desistance signals",
        "warnings": "Warnings",
        "none_found": "  none",
        "answer": "The policy {policy} answers: {action} (rule {rule})",
        "no_answer": "The policy answers nothing (two assessments with levels are needed)",
        "keep": "keep the intensity",
        "step_down": "step the intensity down",
        "step_up": "step the intensity up",
        "same_version": "same version",
        "shared_items": "items both versions share",
        "crosswalk": "crosswalk",
        "improvement": "reliable improvement",
        "none": "no reliable change",
        "deterioration": "reliable deterioration",
        "not_computable": "not computable",
    },
}


def add_change_parser(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``rnr case change`` to its parser."""
    parser.add_argument("case_id", metavar="ID")
    parser.add_argument("--json", action="store_true", help="one JSON object")
    parser.add_argument("--as-of", type=iso_date, metavar="DATE", help="read signals on DATE")
    parser.add_argument(
        "--reliability",
        type=Path,
        metavar="FILE",
        help="your agency's reliability figures (rnr.reliability/1) for the reliable change index",
    )
    parser.set_defaults(func=run_change)


def _step_lines(change: Change, labels: Labels, lang: str, head: str) -> list[str]:
    w = WORDS[lang]
    lines = [head]
    for scale in change.scales.values():
        levels = "—"
        if scale.previous_level or scale.current_level:
            before, after = scale.previous_level or "", scale.current_level or ""
            levels = f"{labels.level(before)} → {labels.level(after)}"
        line = w["scale"].format(
            scale=labels.scale(scale.scale),
            x=scale.previous,
            y=scale.current,
            delta=scale.delta,
            levels=levels,
            reliable=w[scale.reliable],
        )
        if scale.rci is not None and scale.reliability is not None:
            line += w["rci"].format(rci=scale.rci, sd=scale.reliability.sd, r=scale.reliability.r)
        elif scale.why is not None:
            line += w["why"].format(why=scale.why(lang))
        lines.append(line)
    moved = [
        f"{labels.domain(d.domain)} {d.previous} → {d.current}"
        for d in change.domains.values()
        if d.delta
    ]
    if moved:
        lines.append(w["domains"].format(items=", ".join(moved)))
    if change.items_left_out:
        lines.append(w["left_out"].format(items=", ".join(change.items_left_out)))
    lines += [w["data_error"].format(text=e.message(lang)) for e in change.data_errors]
    return lines


def change_lines(report: CaseChange, library: Library, lang: str, *, assessments: int) -> list[str]:
    """The readable change report."""
    w = WORDS[lang]
    lines = [w["title"].format(case_id=report.case_id, n=assessments, on=report.as_of)]
    history = report.history
    if history is None:
        lines.append(w["one"])
    else:
        labels = _labels(history.overall, library, lang)
        for n, step in enumerate(history.steps, start=1):
            head = w["step"].format(
                n=n,
                a=step.previous_on,
                b=step.current_on,
                days=step.days,
                ref=step.current,
                basis=w[step.basis],
            )
            lines += _step_lines(step, labels, lang, head)
        if len(history.steps) > 1:
            overall = history.overall
            head = w["overall"].format(
                a=overall.previous_on, b=overall.current_on, days=overall.days
            )
            lines += _step_lines(overall, labels, lang, head)
        sources = {
            s.reliability.source
            for step in (*history.steps, history.overall)
            for s in step.scales.values()
            if s.rci is not None and s.reliability is not None
        }
        if sources:
            lines.append(w["sources"].format(sources="; ".join(sorted(sources))))
        if history.trajectory is not None:
            t = history.trajectory
            lines.append(
                w["trajectory"].format(scale=labels.scale(t.scale), slope=t.slope_per_year, n=t.n)
            )
    done = report.attainment
    if done is not None:
        line = w["attainment"].format(
            achieved=done.achieved, counted=done.counted, percent=done.percent
        )
        if done.threshold is not None:
            line += (w["threshold_met"] if done.met else w["threshold_not"]).format(
                t=done.threshold
            )
        lines.append(line)
    for title, found in (
        ("desistance", report.signals.desistance),
        ("warnings", report.signals.warnings),
    ):
        lines.append(w[title])
        lines += [f"  - {s.message(lang)}" for s in found] or [w["none_found"]]
    answer = report.answer
    if answer is None:
        lines.append(w["no_answer"])
    else:
        lines.append(
            w["answer"].format(policy=answer.policy, action=w[answer.action], rule=answer.rule)
        )
        lines.append(f"  {answer.note(lang)} ({answer.source})")
    return lines


def _labels(change: Change, library: Library, lang: str) -> Labels:
    return load_labels(library.get(str(change.current)), lang)


def run_change(args: argparse.Namespace, out: TextIO) -> int:
    """Print a case's change report."""
    defs = definitions(args)
    figures = None
    if args.reliability is not None:
        if not args.reliability.is_file():
            raise UsageError(f"--reliability {args.reliability}: no such file")
        figures = load_reliability(args.reliability).scales
    with open_db(args) as store:
        history = read_history(store, args.case_id, defs=defs)
    report = case_change(history, defs=defs, as_of=args.as_of, reliability=figures)
    if args.json:
        write_json(out, report.to_dict())
    else:
        lines = change_lines(report, defs.library, args.lang, assessments=len(history.assessments))
        write_lines(out, lines)
    return 0
