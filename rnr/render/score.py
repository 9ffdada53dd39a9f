"""Words and small formatters of the command line's readable output.

Spanish is the default (the language of the clinicians who read it); English
on request. Identifiers (item, scale and level ids) are never translated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rnr.definitions.instrument import Instrument
from rnr.definitions.labels import Labels
from rnr.scoring.result import ScaleScore, ScoreResult

__all__ = [
    "WORDS",
    "case_header",
    "effective",
    "points_text",
    "scale_summary",
    "table",
    "words",
    "yes_no",
]

WORDS: Mapping[str, Mapping[str, str]] = {
    "es": {
        "h_id": "id",
        "h_version": "versión",
        "h_status": "estado",
        "h_effective": "vigencia",
        "h_title": "título",
        "case": "Caso {case_id} · evaluado el {on} · grupo normativo: {group}",
        "none": "—",
        "no_points": "sin puntos",
        "yes": "sí",
        "no": "no",
        "scaled": "escalado {n}",
        "flag": "alerta {v}",
        "level": "nivel {v}",
        "score": "puntaje {n}",
        # instruments show
        "status": "estado",
        "effective": "vigencia",
        "population": "población",
        "years": "años",
        "file": "archivo",
        "primary": "escala principal",
        "norm_groups": "grupos normativos",
        "need_levels": "niveles de necesidad",
        "criminogenic_from": "criminógena desde",
        "license": "Licencia",
        "notes": "Notas",
        "scales": "Escalas",
        "domains": "Dominios",
        "items": "Ítems",
        "domain_items": "ítems",
        "terms": "Términos (puntos por combinación de respuestas)",
        "references": "Referencias",
        "range": "rango",
        "max_omitted": "máx. omitidos",
        "bands": "tramos",
        "for_group": "grupo {g}",
        "all_groups": "todos",
        "scaled_table": "puntaje escalado",
        "flag_from": "alerta desde {n}",
        "need_bands": "necesidad",
        "source": "fuente",
        "static": "estático",
        "dynamic": "dinámico",
        "strength": "fortaleza (sin puntos)",
        "age_at": "edad a {d}",
        # instruments check
        "valid": "la definición es válida: {ref} (sha256 {sha})",
        "invalid": "la definición no es válida: {n} problema(s)",
        "labels_ok": "etiquetas {locale}",
        "worked": "casos resueltos {file}: {ok} de {n} se cumplen",
        "examples": "casos de ejemplo: {ok} de {n} se puntúan",
        "no_checks": (
            "las verificaciones de invariantes requieren: pip install 'rnr[testing]' "
            "(solo se informó la validación)"
        ),
        "summary": "{passed} verificación(es) correcta(s), {failed} fallida(s)",
        # demo
        "demo_title": (
            "rnr demo: casos de ejemplo de cada instrumento (ninguno es una persona real)"
        ),
        "demo_case": "{title} {ref} · caso {case_id} · {on}",
        "demo_file": "archivo",
        "risk": "nivel de riesgo",
        "risk_none": "{ref} no asigna niveles de riesgo; ver puntajes escalados y alertas",
        "scores": "puntajes",
        "profile": "perfil de necesidades",
        "criminogenic": "criminógena",
        "strengths": "fortalezas",
        "provisional": "provisorio",
        "provisional_yes": "sí: {n} ítem(s) omitido(s): {items}",
        "between": "{scale} entre {lo} y {hi}",
        "to": "a",
        "no_examples": "{ref}: sin casos de ejemplo",
        "trace": "Para ver la traza completa de un caso: rnr score --instrument {ref} {file}",
    },
    "en": {
        "h_id": "id",
        "h_version": "version",
        "h_status": "status",
        "h_effective": "effective",
        "h_title": "title",
        "case": "Case {case_id} · assessed on {on} · norm group: {group}",
        "none": "—",
        "no_points": "no points",
        "yes": "yes",
        "no": "no",
        "scaled": "scaled {n}",
        "flag": "flag {v}",
        "level": "level {v}",
        "score": "score {n}",
        "status": "status",
        "effective": "effective",
        "population": "population",
        "years": "years",
        "file": "file",
        "primary": "primary scale",
        "norm_groups": "norm groups",
        "need_levels": "need levels",
        "criminogenic_from": "criminogenic from",
        "license": "License",
        "notes": "Notes",
        "scales": "Scales",
        "domains": "Domains",
        "items": "Items",
        "domain_items": "items",
        "terms": "Terms (points from combinations of answers)",
        "references": "References",
        "range": "range",
        "max_omitted": "max omitted",
        "bands": "bands",
        "for_group": "group {g}",
        "all_groups": "all",
        "scaled_table": "scaled score",
        "flag_from": "flag from {n}",
        "need_bands": "need",
        "source": "source",
        "static": "static",
        "dynamic": "dynamic",
        "strength": "strength (no points)",
        "age_at": "age at {d}",
        "valid": "the definition is valid: {ref} (sha256 {sha})",
        "invalid": "the definition is invalid: {n} problem(s)",
        "labels_ok": "labels {locale}",
        "worked": "worked cases {file}: {ok} of {n} hold",
        "examples": "example cases: {ok} of {n} score",
        "no_checks": (
            "invariant checks need: pip install 'rnr[testing]' (only validation was reported)"
        ),
        "summary": "{passed} check(s) passed, {failed} failed",
        "demo_title": "rnr demo: example cases of every instrument (none is a real person)",
        "demo_case": "{title} {ref} · case {case_id} · {on}",
        "demo_file": "file",
        "risk": "risk level",
        "risk_none": "{ref} assigns no risk levels; see scaled scores and flags",
        "scores": "scores",
        "profile": "need profile",
        "criminogenic": "criminogenic",
        "strengths": "strengths",
        "provisional": "provisional",
        "provisional_yes": "yes: {n} item(s) omitted: {items}",
        "between": "{scale} between {lo} and {hi}",
        "to": "to",
        "no_examples": "{ref}: no example cases",
        "trace": "To see the full trace of a case: rnr score --instrument {ref} {file}",
    },
}


def words(lang: str) -> Mapping[str, str]:
    """The words of ``lang`` (Spanish when unknown)."""
    return WORDS.get(lang, WORDS["es"])


def yes_no(value: bool, lang: str) -> str:
    """``sí`` / ``no`` (or ``yes`` / ``no``)."""
    return words(lang)["yes" if value else "no"]


def effective(instrument: Instrument) -> str:
    """``2016-01-01 →`` or ``2016-01-01 → 2020-01-01`` (the end is exclusive)."""
    until = instrument.effective_until
    return f"{instrument.effective_from} →" + (f" {until}" if until else "")


def points_text(points: Mapping[str, int], lang: str) -> str:
    """``nca +1, fta +2`` or ``sin puntos``."""
    shown = [f"{s} {p:+d}" for s, p in points.items() if p]
    return ", ".join(shown) if shown else words(lang)["no_points"]


def table(rows: Sequence[Sequence[str]]) -> list[str]:
    """Align ``rows`` (the first is the header) in columns two spaces apart."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def scale_summary(scale: ScaleScore, labels: Labels, lang: str) -> str:
    """One scale in a few words: ``FTA: puntaje 2, escalado 3, nivel Alto``."""
    w = words(lang)
    parts = [w["score"].format(n=scale.raw)]
    if scale.level is not None:
        parts.append(w["level"].format(v=labels.level(scale.level)))
    if scale.scaled is not None:
        parts.append(w["scaled"].format(n=scale.scaled))
    if scale.flag is not None:
        parts.append(w["flag"].format(v=yes_no(scale.flag, lang)))
    return f"{labels.scale(scale.id)}: " + ", ".join(parts)


def case_header(result: ScoreResult, lang: str) -> str:
    """``Caso c-001 · evaluado el 2024-05-02 · grupo normativo: male``."""
    w = words(lang)
    return w["case"].format(
        case_id=result.case_id or w["none"],
        on=result.assessed_on.isoformat(),
        group=result.norm_group or w["none"],
    )
