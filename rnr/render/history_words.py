"""Words of the case-history commands (``case``, ``due``, ``store``, ``simulate``), es and en.

Identifiers (case ids, record ids, objective ids, level ids) are never
translated; levels are named with the instrument's labels.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["HISTORY_WORDS", "hwords"]

HISTORY_WORDS: Mapping[str, Mapping[str, str]] = {
    "es": {
        "none": "—",
        "opened": (
            "Caso {case_id} abierto en {db}: {ref} del {on} · riesgo {level} ({scale} {raw})"
            " · {contacts} contactos/mes, {hours} h · PII v{version} con {n} objetivo(s)"
        ),
        "reassessed": (
            "Caso {case_id} reevaluado: {ref} del {on} · riesgo {level} ({scale} {raw})"
            " · {contacts} contactos/mes, {hours} h · PII v{version} con {n} objetivo(s)"
        ),
        "corrected": "Caso {case_id}: evaluación del registro {record} corregida (registro {new})",
        "next_due": "  próxima reevaluación: {date}",
        "event_stored": "Caso {case_id}: evento {kind} del {on} registrado (registro {record})",
        "reviewed": (
            "Caso {case_id}: PII v{version} ({kind}) del {on} · {achieved} de {counted}"
            " objetivos logrados ({percent} %)"
        ),
        # history
        "h_title": "Caso {case_id} · {regime} · política {policy} · abierto el {on}",
        "h_open": "estado: abierto",
        "h_closed": "estado: cerrado el {on} ({kind})",
        "h_person": "persona: {text}",
        "birth_date": "nacimiento",
        "sex": "sexo",
        "h_assessments": "Evaluaciones",
        "h_assessment": "  {on}  {ref}  {scale} {raw} · {level}  (registro {record}; evaluó {by})",
        "h_corrected": "      corrige: registro(s) {ids}",
        "h_provisional": "      provisoria: {n} ítem(s) omitido(s)",
        "h_overrides": "Decisiones profesionales (override)",
        "h_override": (
            "  {on}  nivel {level} ({direction}) · {reason} · aprobó {by} (registro {record})"
        ),
        "h_decisions": "Decisiones",
        "h_decision": (
            "  {on}  {policy}  {sanction} · riesgo {level} · {contacts} contactos/mes · {hours} h"
        ),
        "h_plans": "Plan de intervención (PII)",
        "h_plan": "  v{version} {kind} {on}: {n} objetivo(s) · {summary}",
        "h_unmatched": "      revisión con objetivos que ya no están en el plan: {ids}",
        "h_events": "Eventos",
        "h_event": "  {on}  {kind}{note}  (registro {record})",
        "h_records": "Registros: {n} ({fixed} reemplazado(s) por corrección)",
        "kind_initial": "inicial",
        "kind_review": "revisión",
        "kind_closing": "cierre",
        "up": "sube",
        "down": "baja",
        "status_pending": "pendiente",
        "status_in_progress": "en curso",
        "status_achieved": "logrado",
        "status_not_achieved": "no logrado",
        "status_removed": "retirado",
        "ev_new_offence": "nuevo delito",
        "ev_breach": "incumplimiento",
        "ev_revocation": "revocación",
        "ev_discharge": "egreso",
        "ev_reentry_harsher": "reingreso a una sanción más gravosa",
        "ev_attendance": "asistencia",
        "regime_adult": "adultos",
        "regime_juvenile": "adolescentes",
        # list
        "l_header": "caso\trégimen\tabierto\testado\tevaluaciones\túltima\triesgo",
        "l_open": "abierto",
        "l_closed": "cerrado {on}",
        "l_empty": "{db}: no hay casos",
        # due
        "d_header": "caso\tvence\tbase\tregla\túltima evaluación\triesgo\tatraso (días)",
        "d_interval": "intervalo",
        "d_event": "evento {kind} del {on}",
        "d_none": "Ningún caso abierto tiene una reevaluación pendiente al {on}.",
        "d_summary": "{n} caso(s) abierto(s); {late} con la reevaluación vencida al {on}.",
        # store
        "verify_ok": (
            "{db}: íntegro · {records} registros, {entries} entradas de auditoría · cabeza {head}"
        ),
        "verify_bad": "{db}: {n} problema(s) · {records} registros, {entries} entradas",
        "exported": "{db}: {n} línea(s) exportada(s) a {out}",
        "imported": "{db}: importado desde {src} · {records} registros · verificación {state}",
        "ok": "correcta",
        # simulate
        "simulated": (
            "Cohorte simulada (semilla {seed}): {people} personas, {assessments} evaluaciones,"
            " {events} eventos, {years} años desde {start}"
        ),
        "simulated_to": "escrita en {target}",
    },
    "en": {
        "none": "—",
        "opened": (
            "Case {case_id} opened in {db}: {ref} of {on} · {level} risk ({scale} {raw})"
            " · {contacts} contacts/month, {hours} h · PII v{version} with {n} objective(s)"
        ),
        "reassessed": (
            "Case {case_id} reassessed: {ref} of {on} · {level} risk ({scale} {raw})"
            " · {contacts} contacts/month, {hours} h · PII v{version} with {n} objective(s)"
        ),
        "corrected": "Case {case_id}: assessment record {record} corrected (record {new})",
        "next_due": "  next reassessment: {date}",
        "event_stored": "Case {case_id}: {kind} event of {on} recorded (record {record})",
        "reviewed": (
            "Case {case_id}: PII v{version} ({kind}) of {on} · {achieved} of {counted}"
            " objectives achieved ({percent} %)"
        ),
        "h_title": "Case {case_id} · {regime} · policy {policy} · opened on {on}",
        "h_open": "status: open",
        "h_closed": "status: closed on {on} ({kind})",
        "h_person": "person: {text}",
        "birth_date": "born",
        "sex": "sex",
        "h_assessments": "Assessments",
        "h_assessment": (
            "  {on}  {ref}  {scale} {raw} · {level}  (record {record}; assessed by {by})"
        ),
        "h_corrected": "      corrects: record(s) {ids}",
        "h_provisional": "      provisional: {n} item(s) omitted",
        "h_overrides": "Professional overrides",
        "h_override": (
            "  {on}  level {level} ({direction}) · {reason} · approved by {by} (record {record})"
        ),
        "h_decisions": "Decisions",
        "h_decision": (
            "  {on}  {policy}  {sanction} · {level} risk · {contacts} contacts/month · {hours} h"
        ),
        "h_plans": "Intervention plan (PII)",
        "h_plan": "  v{version} {kind} {on}: {n} objective(s) · {summary}",
        "h_unmatched": "      a review named objectives no longer in the plan: {ids}",
        "h_events": "Events",
        "h_event": "  {on}  {kind}{note}  (record {record})",
        "h_records": "Records: {n} ({fixed} replaced by a correction)",
        "kind_initial": "initial",
        "kind_review": "review",
        "kind_closing": "closing",
        "up": "up",
        "down": "down",
        "status_pending": "pending",
        "status_in_progress": "in progress",
        "status_achieved": "achieved",
        "status_not_achieved": "not achieved",
        "status_removed": "removed",
        "ev_new_offence": "new offence",
        "ev_breach": "breach",
        "ev_revocation": "revocation",
        "ev_discharge": "discharge",
        "ev_reentry_harsher": "re-entry into a harsher sentence",
        "ev_attendance": "attendance",
        "regime_adult": "adults",
        "regime_juvenile": "young people",
        "l_header": "case\tregime\topened\tstatus\tassessments\tlatest\trisk",
        "l_open": "open",
        "l_closed": "closed {on}",
        "l_empty": "{db}: no cases",
        "d_header": "case\tdue\tbasis\trule\tlast assessment\trisk\tdays overdue",
        "d_interval": "interval",
        "d_event": "{kind} event of {on}",
        "d_none": "No open case has a reassessment pending on {on}.",
        "d_summary": "{n} open case(s); {late} with the reassessment overdue on {on}.",
        "verify_ok": ("{db}: intact · {records} records, {entries} audit entries · head {head}"),
        "verify_bad": "{db}: {n} problem(s) · {records} records, {entries} entries",
        "exported": "{db}: {n} line(s) exported to {out}",
        "imported": "{db}: imported from {src} · {records} records · verification {state}",
        "ok": "passed",
        "simulated": (
            "Simulated cohort (seed {seed}): {people} people, {assessments} assessments,"
            " {events} events, {years} years from {start}"
        ),
        "simulated_to": "written to {target}",
    },
}


def hwords(lang: str) -> Mapping[str, str]:
    """The words in ``lang`` (``es`` or ``en``)."""
    return HISTORY_WORDS[lang]
