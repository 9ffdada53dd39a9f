"""Words of the validity reports (text and HTML), Spanish and English, and number formats.

Column names and group values come from the agency's data and are never
translated.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["WORDS", "fmt", "key_text", "level_text", "pct", "pp", "signed", "vwords"]

WORDS: Mapping[str, Mapping[str, str]] = {
    "es": {
        "none": "—",
        "title": "Validez de «{score}» para predecir «{outcome}» · {file}",
        "sample": "{n} personas; {pos} con el resultado (tasa base {rate})",
        "h_discrimination": "Discriminación",
        "auc": "AUC {auc} (IC {lvl} DeLong [{lo}, {hi}]; EE {se})",
        "auc_no_ci": "AUC {auc} (sin intervalo: hay menos de dos personas con o sin el resultado)",
        "bootstrap": (
            "bootstrap estratificado ({b} remuestreos, semilla {seed}): IC {lvl} [{lo}, {hi}]"
        ),
        "auc_meaning": (
            "La AUC es la probabilidad de que una persona con el resultado tenga un puntaje "
            "mayor que una sin él (0.5: azar; 1: separación perfecta)."
        ),
        "auc_separated": (
            "Las clases no se solapan: la varianza de DeLong es 0 y el intervalo no dice nada "
            "de otra muestra (use --bootstrap o una muestra mayor)."
        ),
        "h_cut": "Punto de corte: puntaje ≥ {cut}",
        "flagged": "marcados {flagged} de {n} ({rate}) · VP {tp} · FP {fp} · VN {tn} · FN {fn}",
        "no_cut": (
            "Sin punto de corte (--cut N): no hay exactitud, tasas de falsos positivos o "
            "negativos ni valores predictivos."
        ),
        "accuracy": "exactitud",
        "sensitivity": "sensibilidad",
        "specificity": "especificidad",
        "fpr": "tasa de falsos positivos",
        "fnr": "tasa de falsos negativos",
        "ppv": "valor predictivo positivo",
        "npv": "valor predictivo negativo",
        "s_accuracy": "exact.",
        "s_sensitivity": "sensib.",
        "s_specificity": "especif.",
        "s_fpr": "TFP",
        "s_fnr": "TFN",
        "s_ppv": "VPP",
        "s_npv": "VPN",
        "undefined": "no se calcula: {why}",
        "why_sensitivity": "nadie con el resultado",
        "why_fnr": "nadie con el resultado",
        "why_specificity": "nadie sin el resultado",
        "why_fpr": "nadie sin el resultado",
        "why_ppv": "nadie en el corte o sobre él",
        "why_npv": "nadie bajo el corte",
        "h_calibration": "Calibración",
        "h_cal_level": "Calibración por nivel",
        "h_cal_score": "Calibración por puntaje",
        "level": "nivel",
        "score": "puntaje",
        "events": "con resultado",
        "observed": "observada",
        "ci": "IC {lvl}",
        "expected": "esperada",
        "difference": "diferencia",
        "by_score_elsewhere": "(la tabla por puntaje está en --json y --html)",
        "expected_source": "tasas esperadas por {by}: {source}",
        "by_score": "puntaje",
        "by_level": "nivel",
        "brier": "Brier {b} ({what})",
        "brier_reference": "referencia {ref} (la tasa base para todos) · mejora {skill}",
        "brier_expected": "con las tasas esperadas por {by}",
        "brier_in_sample": (
            "con la tasa observada de cada puntaje en esta misma muestra: dentro de la "
            "muestra, no es una prueba fuera de ella"
        ),
        "in_the_large": "tasa observada {obs} · probabilidad media {mean} · diferencia {diff}",
        "h_groups": "Grupos por «{column}» (referencia: {ref}, {why})",
        "named": "elegida",
        "largest": "el grupo más grande",
        "group": "grupo",
        "base_rate": "tasa base",
        "auc_ci": "AUC (IC)",
        "d_auc": "ΔAUC vs ref. (IC)",
        "status_empty": "sin personas en este grupo",
        "status_single-class": "todos con el mismo resultado: sin AUC ni curva ROC",
        "h_differences": "Diferencias con la referencia «{ref}» (grupo - referencia)",
        "d_line": "{value}: {parts}",
        "h_limits": "Lo que estas cifras no dicen",
        "limit_local": (
            "Es un estudio local de {n} personas ({pos} con el resultado): con otra muestra "
            "las cifras variarían; mire los intervalos, sobre todo en los grupos pequeños."
        ),
        "limit_ppv": (
            "Los valores predictivos dependen de la tasa base: con otra tasa base (otro "
            "seguimiento, otra población) cambian aunque el instrumento sea el mismo."
        ),
        "limit_fair": (
            "Comparar grupos exige datos de resultado de buena calidad: si el resultado se "
            "registra de forma distinta según el grupo (más control policial, por ejemplo), "
            "las diferencias pueden venir del registro y no del instrumento."
        ),
        "limit_cause": (
            "Una buena discriminación no dice que la intervención funcione ni que el "
            "puntaje cause el resultado."
        ),
        "h_raters": "Confiabilidad entre evaluadores: «{a}» y «{b}» · {n} casos",
        "icc": (
            "ICC(2,1) {icc} (IC {lvl} [{lo}, {hi}]): acuerdo absoluto, un evaluador, "
            "efectos aleatorios (Shrout y Fleiss 1979)"
        ),
        "icc_none": "ICC(2,1) no se calcula: todos los casos tienen el mismo puntaje medio",
        "kappa": "kappa ponderada cuadrática {k} (Cohen 1968)",
        "kappa_none": "kappa no se calcula: ambos evaluadores usaron un único valor",
        "mean_difference": "diferencia media ({b} - {a}): {d}",
        "h_norms": "Normas locales de «{score}» · {n} personas · media {mean}, DE {sd}",
        "distribution": "Personas por puntaje",
        "percentile": "percentil",
        "rank": "rango percentil",
        "cumulative": "acumulado",
        "h_recal": "Cortes recalibrados de «{score}» · {n} personas",
        "from": "desde",
        "target": "objetivo",
        "obtained": "obtenido",
        "roc_title": "Curva ROC",
        "roc_groups": "Curvas ROC por «{column}»",
        "all": "todos",
        "x_roc": "tasa de falsos positivos (1 - especificidad)",
        "y_roc": "sensibilidad (tasa de verdaderos positivos)",
        "cal_chart": "Tasa observada por {by} (IC {lvl}); la marca es la esperada",
        "cal_chart_plain": "Tasa observada por {by} (IC {lvl})",
        "html_title": "Validación local",
        "generated": "Informe generado por rnr {version}.",
        "sources": (
            "Fuentes: DeLong, DeLong y Clarke-Pearson (1988); Sun y Xu (2014); Hanley y McNeil "
            "(1982); Wilson (1927); Brier (1950); Shrout y Fleiss (1979); McGraw y Wong (1996); "
            "Cohen (1968)."
        ),
    },
    "en": {
        "none": "—",
        "title": "Validity of '{score}' for predicting '{outcome}' · {file}",
        "sample": "{n} people; {pos} with the outcome (base rate {rate})",
        "h_discrimination": "Discrimination",
        "auc": "AUC {auc} ({lvl} CI DeLong [{lo}, {hi}]; SE {se})",
        "auc_no_ci": "AUC {auc} (no interval: fewer than two people with or without the outcome)",
        "bootstrap": "stratified bootstrap ({b} resamples, seed {seed}): {lvl} CI [{lo}, {hi}]",
        "auc_meaning": (
            "The AUC is the probability that a person with the outcome scored higher than a "
            "person without it (0.5: chance; 1: perfect separation)."
        ),
        "auc_separated": (
            "The classes do not overlap: DeLong's variance is 0 and the interval says nothing "
            "about another sample (use --bootstrap or a larger sample)."
        ),
        "h_cut": "Cut-off: score ≥ {cut}",
        "flagged": "flagged {flagged} of {n} ({rate}) · TP {tp} · FP {fp} · TN {tn} · FN {fn}",
        "no_cut": (
            "No cut-off (--cut N): no accuracy, false-positive or false-negative rates, or "
            "predictive values."
        ),
        "accuracy": "accuracy",
        "sensitivity": "sensitivity",
        "specificity": "specificity",
        "fpr": "false-positive rate",
        "fnr": "false-negative rate",
        "ppv": "positive predictive value",
        "npv": "negative predictive value",
        "s_accuracy": "acc.",
        "s_sensitivity": "sens.",
        "s_specificity": "spec.",
        "s_fpr": "FPR",
        "s_fnr": "FNR",
        "s_ppv": "PPV",
        "s_npv": "NPV",
        "undefined": "not computed: {why}",
        "why_sensitivity": "no one with the outcome",
        "why_fnr": "no one with the outcome",
        "why_specificity": "no one without the outcome",
        "why_fpr": "no one without the outcome",
        "why_ppv": "no one at or above the cut",
        "why_npv": "no one below the cut",
        "h_calibration": "Calibration",
        "h_cal_level": "Calibration by level",
        "h_cal_score": "Calibration by score",
        "level": "level",
        "score": "score",
        "events": "with outcome",
        "observed": "observed",
        "ci": "{lvl} CI",
        "expected": "expected",
        "difference": "difference",
        "by_score_elsewhere": "(the table by score is in --json and --html)",
        "expected_source": "expected rates by {by}: {source}",
        "by_score": "score",
        "by_level": "level",
        "brier": "Brier {b} ({what})",
        "brier_reference": "reference {ref} (the base rate for everyone) · skill {skill}",
        "brier_expected": "with the expected rates by {by}",
        "brier_in_sample": (
            "with the observed rate at each score in this same sample: in-sample, not an "
            "out-of-sample test"
        ),
        "in_the_large": "observed rate {obs} · mean probability {mean} · difference {diff}",
        "h_groups": "Groups by '{column}' (reference: {ref}, {why})",
        "named": "chosen",
        "largest": "the largest group",
        "group": "group",
        "base_rate": "base rate",
        "auc_ci": "AUC (CI)",
        "d_auc": "ΔAUC vs ref. (CI)",
        "status_empty": "no one in this group",
        "status_single-class": "everyone has the same outcome: no AUC or ROC curve",
        "h_differences": "Differences from the reference '{ref}' (group - reference)",
        "d_line": "{value}: {parts}",
        "h_limits": "What these figures cannot say",
        "limit_local": (
            "This is a local study of {n} people ({pos} with the outcome): another sample "
            "would give other figures; read the intervals, above all for small groups."
        ),
        "limit_ppv": (
            "Predictive values depend on the base rate: with another base rate (another "
            "follow-up, another population) they change even if the instrument does not."
        ),
        "limit_fair": (
            "Comparing groups needs outcome data of good quality: if the outcome is recorded "
            "differently by group (more policing, for example), differences may come from "
            "the records, not from the instrument."
        ),
        "limit_cause": (
            "Good discrimination does not say that the intervention works, nor that the "
            "score causes the outcome."
        ),
        "h_raters": "Inter-rater reliability: '{a}' and '{b}' · {n} cases",
        "icc": (
            "ICC(2,1) {icc} ({lvl} CI [{lo}, {hi}]): absolute agreement, single rater, random "
            "effects (Shrout & Fleiss 1979)"
        ),
        "icc_none": "ICC(2,1) not computed: every case has the same mean score",
        "kappa": "quadratic weighted kappa {k} (Cohen 1968)",
        "kappa_none": "kappa not computed: both raters used a single value",
        "mean_difference": "mean difference ({b} - {a}): {d}",
        "h_norms": "Local norms of '{score}' · {n} people · mean {mean}, SD {sd}",
        "distribution": "People per score",
        "percentile": "percentile",
        "rank": "percentile rank",
        "cumulative": "cumulative",
        "h_recal": "Recalibrated cut-offs of '{score}' · {n} people",
        "from": "from",
        "target": "target",
        "obtained": "obtained",
        "roc_title": "ROC curve",
        "roc_groups": "ROC curves by '{column}'",
        "all": "all",
        "x_roc": "false-positive rate (1 - specificity)",
        "y_roc": "sensitivity (true-positive rate)",
        "cal_chart": "Observed rate by {by} ({lvl} CI); the marker is the expected rate",
        "cal_chart_plain": "Observed rate by {by} ({lvl} CI)",
        "html_title": "Local validation",
        "generated": "Report generated by rnr {version}.",
        "sources": (
            "Sources: DeLong, DeLong & Clarke-Pearson (1988); Sun & Xu (2014); Hanley & McNeil "
            "(1982); Wilson (1927); Brier (1950); Shrout & Fleiss (1979); McGraw & Wong (1996); "
            "Cohen (1968)."
        ),
    },
}


def vwords(lang: str) -> Mapping[str, str]:
    """The words of ``lang`` (Spanish for any language without its own words)."""
    return WORDS.get(lang, WORDS["es"])


def fmt(value: float | None, decimals: int = 3) -> str:
    """A number with ``decimals`` decimals, or "—".

    >>> fmt(0.71234), fmt(None)
    ('0.712', '—')
    """
    return "—" if value is None else f"{value:.{decimals}f}"


def pct(value: float | None) -> str:
    """A share as a percentage with one decimal, or "—".

    >>> pct(0.3214)
    '32.1 %'
    """
    return "—" if value is None else f"{100 * value:.1f} %"


def pp(value: float | None) -> str:
    """A difference of shares in percentage points, signed, or "—".

    >>> pp(-0.021)
    '-2.1 pp'
    """
    return "—" if value is None else f"{100 * value:+.1f} pp"


def signed(value: float | None, decimals: int = 3) -> str:
    """A signed number, or "—".

    >>> signed(0.0213)
    '+0.021'
    """
    return "—" if value is None else f"{value:+.{decimals}f}"


def level_text(level: float) -> str:
    """A confidence level as a percentage: ``0.95`` → ``95 %``."""
    return f"{100 * level:g} %"


def key_text(key: object) -> str:
    """A calibration row's key: a score without trailing zeros, or a level name."""
    return f"{key:g}" if isinstance(key, float) else str(key)
