"""Words of the indicator report, in Spanish (the default) and English."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["WORDS", "exclusion", "population_words"]

WORDS: Mapping[str, Mapping[str, str]] = {
    "es": {
        "title": "Indicadores de programa · {period}",
        "subtitle": "Almacén {db} · leído al {as_of} · programa: {programme}",
        "all": "todos",
        "indicator": "Indicador",
        "programmes": "Programas",
        "result": "Resultado",
        "fraction": "Numerador / denominador",
        "target": "Meta",
        "met": "Cumple",
        "yes": "sí",
        "no": "no",
        "none": "—",
        "not_computable": "no calculable",
        "why": "motivo",
        "population": "Población (denominador)",
        "outcome": "Logro (numerador)",
        "exclusions": "Exclusiones",
        "source": "Fuente",
        "note": "Nota",
        "indicators": "Indicadores",
        "chart": "Resultado y meta por indicador (%)",
        "reinsertion": "Índice de reinserción",
        "reinsertion_line": (
            "{n} egresados en {period}: media {mean}, mediana {median};"
            " {share} % con {at} o más puntos"
        ),
        "reinsertion_none": "Ningún egreso en {period}: el índice no se calcula.",
        "component": "Componente",
        "measured": "medido en",
        "mean": "media",
        "distribution": "Distribución del índice (personas por tramo)",
        "overrides": "Decisiones profesionales (override) sobre el nivel de riesgo",
        "overrides_line": (
            "{overrides} de {assessments} evaluaciones de {period} con override ({percent} %)"
        ),
        "by_assessor": "Por evaluador",
        "by_reason": "Por motivo",
        "by_direction": "Por dirección",
        "outcomes": "Nuevo delito en {months} meses (evaluaciones con seguimiento completo)",
        "overridden_up": "override hacia arriba",
        "overridden_down": "override hacia abajo",
        "not_overridden": "sin override",
        "followed": "seguidas",
        "draft_note": (
            "Informe generado por rnr a partir de los registros del almacén; cada indicador"
            " dice su definición, sus exclusiones y su fuente. Revise los no calculables."
        ),
    },
    "en": {
        "title": "Programme indicators · {period}",
        "subtitle": "Store {db} · read on {as_of} · programme: {programme}",
        "all": "all",
        "indicator": "Indicator",
        "programmes": "Programmes",
        "result": "Result",
        "fraction": "Numerator / denominator",
        "target": "Target",
        "met": "Met",
        "yes": "yes",
        "no": "no",
        "none": "—",
        "not_computable": "not computable",
        "why": "reason",
        "population": "Population (denominator)",
        "outcome": "Outcome (numerator)",
        "exclusions": "Exclusions",
        "source": "Source",
        "note": "Note",
        "indicators": "Indicators",
        "chart": "Result and target per indicator (%)",
        "reinsertion": "Reinsertion index",
        "reinsertion_line": (
            "{n} discharged in {period}: mean {mean}, median {median};"
            " {share} % scoring {at} or more"
        ),
        "reinsertion_none": "No discharge in {period}: the index is not computed.",
        "component": "Component",
        "measured": "measured for",
        "mean": "mean",
        "distribution": "Distribution of the index (people per band)",
        "overrides": "Professional overrides of the risk level",
        "overrides_line": (
            "{overrides} of {assessments} assessments of {period} overridden ({percent} %)"
        ),
        "by_assessor": "By assessor",
        "by_reason": "By reason",
        "by_direction": "By direction",
        "outcomes": (
            "New offence within {months} months (assessments followed for the whole window)"
        ),
        "overridden_up": "overridden up",
        "overridden_down": "overridden down",
        "not_overridden": "not overridden",
        "followed": "followed",
        "draft_note": (
            "Report produced by rnr from the store's records; each indicator states its"
            " definition, its exclusions and its source. Check the ones not computable."
        ),
    },
}

#: Exclusion codes in words.
EXCLUSIONS: Mapping[str, Mapping[str, str]] = {
    "es": {
        "other_discharge_reason": "egreso por otro motivo que el término de la sanción",
        "too_few_days_since_entry": "menos días desde el ingreso que los exigidos",
        "single_assessment": "una sola evaluación (no se puede medir el cambio)",
        "no_level": "evaluación sin nivel de riesgo",
        "no_objectives": "plan sin objetivos que contar",
        "window_not_over": "la ventana de seguimiento aún no termina",
        "no_attendance_recorded": "sin sesiones programadas registradas",
    },
    "en": {
        "other_discharge_reason": "discharged for another reason than the end of the sentence",
        "too_few_days_since_entry": "fewer days since entry than required",
        "single_assessment": "a single assessment (change cannot be measured)",
        "no_level": "an assessment without a risk level",
        "no_objectives": "a plan without objectives to count",
        "window_not_over": "the follow-up window is not over yet",
        "no_attendance_recorded": "no scheduled sessions recorded",
    },
}


def exclusion(code: str, lang: str) -> str:
    """An exclusion code in words (the code itself when unknown)."""
    return EXCLUSIONS[lang].get(code, code)


def population_words(kind: str, params: Mapping[str, object], lang: str) -> str:
    """A population kind and its parameters in words."""
    es = lang == "es"
    if kind == "discharged":
        offset = int(str(params.get("year_offset", 0)))
        when = (
            ("en el año anterior" if es else "in the previous year")
            if offset
            else ("en el año" if es else "in the year")
        )
        text = f"egresados {when}" if es else f"discharged {when}"
        if params.get("reason"):
            text += " por término de sanción" if es else " at the end of the sentence"
        return text
    text = "atendidos en el año" if es else "served in the year"
    if kind == "followed":
        text = (
            "con ingreso efectivo y seguimiento del PII en el año"
            if es
            else "with effective entry and PII follow-up in the year"
        )
    needs = params.get("needs")
    if isinstance(needs, list) and needs:
        joined = ", ".join(str(n) for n in needs)
        text += f", con necesidad criminógena en {joined}" if es else f", with a need in {joined}"
    days = params.get("min_days_since_entry")
    if days is not None:
        text += f", {days} o más días desde el ingreso" if es else f", {days}+ days since entry"
    return text
