"""Words of the policy commands (``decide``, ``policies``, ``whatif``), Spanish and English.

Identifiers (sanction codes, rule and table ids, level ids) are never
translated; policy texts (rule notes, components) are shown in the language
the policy gives them in.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["POLICY_WORDS", "pwords"]

POLICY_WORDS: Mapping[str, Mapping[str, str]] = {
    "es": {
        "none": "—",
        "yes": "sí",
        "no": "no",
        # rnr decide
        "title": "Decisión · caso {case_id} · política {ref} ({status})",
        "assessment": "evaluación: {ref} · {on} · {scale} {raw} ({level})",
        "provisional": (
            "Resultado provisorio: {n} ítem(s) omitido(s) ({items}); el nivel podría estar "
            "entre {lo} y {hi}. Complete la evaluación antes de presentarla al tribunal."
        ),
        "provisional_same": (
            "Resultado provisorio: {n} ítem(s) omitido(s) ({items}); el nivel es {lo} con "
            "cualquier respuesta a los ítems omitidos."
        ),
        "sanction": "Sanción {status}: {sanction}",
        "sanction_none": "Sanción: no indicada (solo se informa qué sanciones proceden)",
        "imposed": "impuesta",
        "considered": "considerada (aún no impuesta)",
        "sentence": "pena de {days} días",
        "allowed": "la ley permite esta sanción en este caso (cumple los requisitos objetivos)",
        "not_allowed": "la sanción NO cumple los requisitos legales en este caso: ver el motivo "
        "más abajo y las advertencias",
        "sentence_date": "sentencia {d}",
        "entry_date": "ingreso {d}",
        "eligible": "Sanciones que proceden",
        "ineligible": "No proceden",
        "no_reason": "(la política no da el motivo)",
        "risk": "Nivel de riesgo",
        "risk_computed": "{level}, calculado por el instrumento (sin ajuste profesional)",
        "risk_override": (
            "{level}, por ajuste profesional {direction} (el instrumento calculó {computed})"
        ),
        "risk_override_same": "{level}: el ajuste profesional no cambió el nivel calculado",
        "up": "al alza",
        "down": "a la baja",
        "override_detail": "motivo: {reason}{text} · aprobado por {by} el {on}{until}",
        "override_until": " · vence el {d}",
        "intensity": "Intensidad",
        "intensity_line": "{contacts} contacto(s) al mes · {hours} horas de intervención",
        "components": "componentes",
        "monitoring": "Monitoreo telemático",
        "period": "Período de intervención",
        "period_sentence": "{days} días (igual a la pena)",
        "period_range": "entre {lo} y {hi} días",
        "period_none": "no se fija un plazo",
        "deadlines": "Plazos",
        "deadline_line": "{name}: {date} · {days} días desde {start} ({from_date})",
        "deadline_suspended": "{name}: {date} · {base} días más {extra} de suspensión por "
        "exámenes, desde {start} ({from_date})",
        "reassessment_line": "{name}: {date} · contado desde {start}",
        "source": "fuente",
        "attainment": "Umbral de logro del PII: {n} % de los objetivos",
        "fit": "Ajuste de la pena al riesgo",
        "warnings": "Advertencias",
        "nearest": "Cambio más cercano",
        "nearest_override": "no se calcula cuando un ajuste profesional fija el nivel de riesgo",
        "nearest_up": "{n} punto(s) más darían riesgo {level}",
        "nearest_down": "{n} punto(s) menos darían riesgo {level}",
        "nearest_same": ", sin cambiar la intervención",
        "ch_contacts_per_month": "{v} contacto(s) al mes (ahora {was})",
        "ch_treatment_hours": "{v} horas de intervención (ahora {was})",
        "ch_telematic_monitoring_true": "con monitoreo telemático",
        "ch_telematic_monitoring_false": "sin monitoreo telemático",
        "ch_fit": "ajuste: {v}",
        "and": "y",
        "rules": "Reglas aplicadas",
        "policy_note": (
            "La decisión aplica la política {ref}; nunca cambia lo que el tribunal impuso."
        ),
        # names
        "d_pii_due": "Plan de intervención individual (PII)",
        "d_programme_due": "Aprobación del programa",
        "d_next_reassessment": "Próxima reevaluación",
        "f_entry_date": "el ingreso",
        "f_sentence_date": "la sentencia",
        "f_assessed_on": "la evaluación",
        "fit_matches": "la pena corresponde al riesgo",
        "fit_more_than_risk": "la pena impone más intervención que la que el riesgo requiere",
        "fit_less_than_risk": "la pena permite menos intervención que la que el riesgo requiere",
        "fit_not_applicable": "no aplica",
        # rnr policies
        "h_id": "id",
        "h_version": "versión",
        "h_status": "estado",
        "h_regime": "régimen",
        "h_effective": "vigencia",
        "h_title": "título",
        "status": "estado",
        "regime": "régimen",
        "effective": "vigencia",
        "instruments": "instrumentos",
        "sanctions": "sanciones",
        "file": "archivo",
        "notes": "Notas",
        "params": "Parámetros",
        "inputs": "Entradas",
        "tables": "Tablas",
        "references": "Referencias",
        "table_io": "entradas: {inputs} · salidas: {outputs}",
        "valid": "la definición es válida: {ref} (sha256 {sha})",
        "invalid": "la definición no es válida: {n} problema(s)",
        "worked": "casos resueltos {file}: {ok} de {n} se cumplen",
        "worked_other": "casos resueltos {file}: son de {ref}, no de esta versión (omitidos)",
        "worked_wrong": "casos resueltos {file}: nombran la política {ref}, no {own}",
        "summary": "{passed} verificación(es) correcta(s), {failed} fallida(s)",
        # rnr whatif
        "whatif_title": "{a} → {b}: {total} caso(s), {changed} cambian",
        "whatif_eligibility": "sanciones que proceden",
        "whatif_intensity": "intensidad (contactos, horas, componentes)",
        "whatif_monitoring": "monitoreo telemático",
        "whatif_fit": "ajuste al riesgo",
        "whatif_deadlines": "plazos",
        "whatif_people": "  {what}: {n} persona(s)",
        "h_case": "caso",
        "h_field": "campo",
        "h_before": "antes",
        "h_after": "después",
        "whatif_none": "Ningún caso cambia.",
        # rnr demo
        "demo_decisions": (
            "Decisiones de ejemplo (casos con sección legal; ninguno es una persona real)"
        ),
        "demo_decision": "── {case_id} · {ref}",
        "demo_summary": "  sanción {sanction} · riesgo {level} · proceden: {eligible}",
        "demo_fit": "  ajuste al riesgo: {fit}",
        "demo_warnings": "  advertencia: {codes}",
        "demo_hint": (
            "Para ver el informe completo de una decisión: rnr decide --policy {ref} {file}"
        ),
    },
    "en": {
        "none": "—",
        "yes": "yes",
        "no": "no",
        "title": "Decision · case {case_id} · policy {ref} ({status})",
        "assessment": "assessment: {ref} · {on} · {scale} {raw} ({level})",
        "provisional": (
            "Provisional result: {n} item(s) omitted ({items}); the level could be anywhere "
            "from {lo} to {hi}. Complete the assessment before presenting it to the court."
        ),
        "provisional_same": (
            "Provisional result: {n} item(s) omitted ({items}); the level is {lo} whatever "
            "the omitted items' answers."
        ),
        "sanction": "Sanction {status}: {sanction}",
        "sanction_none": "Sanction: not given (only which sanctions are available is reported)",
        "imposed": "imposed",
        "considered": "considered (not yet imposed)",
        "sentence": "sentence of {days} days",
        "allowed": "the law allows this sanction in this case (the objective requirements are met)",
        "not_allowed": "the sanction does NOT meet the legal requirements in this case: see the "
        "reason below and the warnings",
        "sentence_date": "sentenced {d}",
        "entry_date": "entered {d}",
        "eligible": "Available sanctions",
        "ineligible": "Not available",
        "no_reason": "(the policy gives no reason)",
        "risk": "Risk level",
        "risk_computed": "{level}, computed by the instrument (no professional override)",
        "risk_override": "{level}, by a professional override {direction} "
        "(the instrument computed {computed})",
        "risk_override_same": "{level}: the professional override did not change the computed "
        "level",
        "up": "upwards",
        "down": "downwards",
        "override_detail": "reason: {reason}{text} · approved by {by} on {on}{until}",
        "override_until": " · expires on {d}",
        "intensity": "Intensity",
        "intensity_line": "{contacts} contact(s) a month · {hours} hours of intervention",
        "components": "components",
        "monitoring": "Telematic monitoring",
        "period": "Intervention period",
        "period_sentence": "{days} days (equal to the sentence)",
        "period_range": "between {lo} and {hi} days",
        "period_none": "no period is set",
        "deadlines": "Deadlines",
        "deadline_line": "{name}: {date} · {days} days from {start} ({from_date})",
        "deadline_suspended": "{name}: {date} · {base} days plus {extra} suspended for exams, "
        "from {start} ({from_date})",
        "reassessment_line": "{name}: {date} · counted from {start}",
        "source": "source",
        "attainment": "PII attainment threshold: {n} % of the objectives",
        "fit": "Fit of the sentence to the risk",
        "warnings": "Warnings",
        "nearest": "Nearest change",
        "nearest_override": "not computed when a professional override sets the risk level",
        "nearest_up": "{n} more point(s) would give {level} risk",
        "nearest_down": "{n} fewer point(s) would give {level} risk",
        "nearest_same": ", without changing the intervention",
        "ch_contacts_per_month": "{v} contact(s) a month (now {was})",
        "ch_treatment_hours": "{v} hours of intervention (now {was})",
        "ch_telematic_monitoring_true": "with telematic monitoring",
        "ch_telematic_monitoring_false": "without telematic monitoring",
        "ch_fit": "fit: {v}",
        "and": "and",
        "rules": "Rules that fired",
        "policy_note": (
            "The decision applies policy {ref}; it never changes what the court imposed."
        ),
        "d_pii_due": "Individual intervention plan (PII)",
        "d_programme_due": "Programme approval",
        "d_next_reassessment": "Next reassessment",
        "f_entry_date": "entry",
        "f_sentence_date": "the sentence",
        "f_assessed_on": "the assessment",
        "fit_matches": "the sentence matches the risk",
        "fit_more_than_risk": "the sentence imposes more intervention than the risk calls for",
        "fit_less_than_risk": "the sentence allows less intervention than the risk calls for",
        "fit_not_applicable": "not applicable",
        "h_id": "id",
        "h_version": "version",
        "h_status": "status",
        "h_regime": "regime",
        "h_effective": "effective",
        "h_title": "title",
        "status": "status",
        "regime": "regime",
        "effective": "effective",
        "instruments": "instruments",
        "sanctions": "sanctions",
        "file": "file",
        "notes": "Notes",
        "params": "Parameters",
        "inputs": "Inputs",
        "tables": "Tables",
        "references": "References",
        "table_io": "inputs: {inputs} · outputs: {outputs}",
        "valid": "the definition is valid: {ref} (sha256 {sha})",
        "invalid": "the definition is invalid: {n} problem(s)",
        "worked": "worked cases {file}: {ok} of {n} hold",
        "worked_other": "worked cases {file}: they are for {ref}, not this version (skipped)",
        "worked_wrong": "worked cases {file}: they name policy {ref}, not {own}",
        "summary": "{passed} check(s) passed, {failed} failed",
        "whatif_title": "{a} → {b}: {total} case(s), {changed} change",
        "whatif_eligibility": "available sanctions",
        "whatif_intensity": "intensity (contacts, hours, components)",
        "whatif_monitoring": "telematic monitoring",
        "whatif_fit": "fit to the risk",
        "whatif_deadlines": "deadlines",
        "whatif_people": "  {what}: {n} person(s)",
        "h_case": "case",
        "h_field": "field",
        "h_before": "before",
        "h_after": "after",
        "whatif_none": "No case changes.",
        "demo_decisions": "Example decisions (cases with a legal section; none is a real person)",
        "demo_decision": "── {case_id} · {ref}",
        "demo_summary": "  sanction {sanction} · risk {level} · available: {eligible}",
        "demo_fit": "  fit to the risk: {fit}",
        "demo_warnings": "  warning: {codes}",
        "demo_hint": "To see a decision's full report: rnr decide --policy {ref} {file}",
    },
}


def pwords(lang: str) -> Mapping[str, str]:
    """The policy words of ``lang`` (Spanish when unknown)."""
    return POLICY_WORDS.get(lang, POLICY_WORDS["es"])
