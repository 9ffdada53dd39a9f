"""The legal context of a case (the case file's ``legal`` section).

>>> ctx = parse_legal({"regime": "adult", "sanction": "LVI", "sentence_days": 600,
...                    "offences": ["vif"], "prior_convictions": 0})
>>> ctx.sanction, sorted(ctx.offences)
('LVI', ['vif'])

The facts Ley 18.216 reads beyond the sentence: the art. 1 bars, earlier
drug-law convictions, the earlier sentences' total (art. 8), nationality and
residence (art. 34):

>>> ctx = parse_legal({"regime": "adult", "sentence_days": 400, "prior_convictions": 1,
...                    "prior_sentences_days": 300, "nationality": "extranjera",
...                    "legal_residence": False, "art1_offences": ["cp390"]})
>>> ctx.prior_sentences_days, ctx.nationality, ctx.legal_residence, sorted(ctx.art1_offences)
(300, 'extranjera', False, ['cp390'])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Literal, NoReturn

import attrs

from rnr.cases._formats import integral
from rnr.dates import DATE_RANGE, parse_date
from rnr.errors import DecisionInputError

__all__ = ["ART1_OFFENCES", "NATIONALITIES", "OFFENCES", "LegalContext", "parse_legal"]


#: Offence categories the policies read; the catalogue's ``cases.offences``
#: area names each one with the law that defines it.
OFFENCES = (
    "vif", "sexual", "drugs_art4", "traffic_196", "excluded_art1",
    "drugs_other", "property_t9", "customs_168", "trafficking_411",
)  # fmt: skip
#: The offences by which Ley 18.216 art. 1 bars substitute sentences, one code
#: each (the catalogue's ``cases.art1_offences`` names them): the consummated
#: offences of inc. 2 the person is convicted of as author (Código Penal
#: articles, a weapon of Ley 17.798 used, an officer as victim), terrorist
#: offences, Ley 17.798 (arms) crimes and simple delitos, and CP art. 436 inc. 1
#: after an earlier conviction under arts. 433, 436 or 440. Which of them bar
#: which sanction on a given date is the policy's to say.
ART1_OFFENCES = (
    "cp141", "cp142", "cp150a", "cp150b", "cp293", "cp361", "cp362", "cp363", "cp365bis",
    "cp366", "cp366bis", "cp372bis", "cp390", "cp390bis", "cp390ter", "cp391", "cp411quater",
    "weapon_used", "officer_victim", "terrorist", "arms_crime", "arms_simple", "cp436_repeat",
)  # fmt: skip
#: ``nationality``: a Chilean or a foreign national (Ley 18.216 art. 34).
NATIONALITIES = ("chilena", "extranjera")
FIELDS = (
    "regime", "sanction", "sanction_status", "sentence_days", "offences", "prior_convictions",
    "age_at_offence", "sentence_date", "entry_date", "exam_suspension_days",
    "art1_offences", "prior_drug_convictions", "prior_sentences_days", "prior_rp",
    "nationality", "legal_residence", "one_third_served",
)  # fmt: skip


@attrs.frozen
class LegalContext:
    """What the court imposed (or is considering) and the facts the law reads."""

    regime: Literal["adult", "juvenile"]
    sanction: str | None = None
    sanction_status: Literal["imposed", "considered"] = "imposed"
    sentence_days: int | None = None
    offences: frozenset[str] = frozenset()
    prior_convictions: int = 0
    age_at_offence: int | None = None
    sentence_date: dt.date | None = None
    entry_date: dt.date | None = None
    exam_suspension_days: int = 0
    #: Ley 18.216 art. 1 bars (codes of :data:`ART1_OFFENCES`).
    art1_offences: frozenset[str] = frozenset()
    #: Earlier convictions for crimes or simple delitos of Leyes 20.000, 19.366 and
    #: 18.403, served or not (art. 1 inc. 3).
    prior_drug_convictions: int = 0
    #: Total days of the custodial or restrictive sentences of the earlier
    #: convictions that count (art. 8 b); ``None``: not recorded.
    prior_sentences_days: int | None = None
    #: Reclusiones parciales imposed within the ten or five years before the new
    #: offence (art. 8 b).
    prior_rp: int = 0
    nationality: Literal["chilena", "extranjera"] | None = None
    #: Whether a foreign national resides legally in Chile (art. 34).
    legal_residence: bool | None = None
    #: Whether a third of the custodial sentence has been served effectively
    #: (art. 33 c, the pena mixta).
    one_third_served: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; :func:`parse_legal` reads it back."""
        out: dict[str, Any] = {}
        for field in FIELDS:
            value = getattr(self, field)
            if isinstance(value, frozenset):
                value = sorted(value)
            elif isinstance(value, dt.date):
                value = value.isoformat()
            out[field] = value
        return out


def parse_legal(data: object, *, where: str = "legal") -> LegalContext:
    """Check a ``legal`` section and build the context.

    An integer may be written as a number with no fractional part (``400.0``).

    Raises:
        DecisionInputError: naming the field, the value and what was expected;
            coded ``case.field.type`` (not an object), ``case.field.unknown``,
            ``case.field.missing`` (no regime), ``case.date.invalid`` or
            ``decision.input.invalid`` (a value the section refuses).
    """
    if not isinstance(data, Mapping):
        _bad(where, data, "an object", code="case.field.type")
    for key in data:
        if key not in FIELDS:
            expected = "a known field: " + ", ".join(FIELDS)
            _bad(f"{where}.{key}", data[key], expected, unknown=True, code="case.field.unknown")
    if "regime" not in data:
        _bad(f"{where}.regime", None, "adult or juvenile (required)", code="case.field.missing")
    regime = data["regime"]
    if regime not in ("adult", "juvenile"):
        _bad(f"{where}.regime", regime, "adult or juvenile")
    sanction = data.get("sanction")
    if sanction is not None and (not isinstance(sanction, str) or not sanction):
        _bad(f"{where}.sanction", sanction, "a sanction code such as LV, LVI, LAS, LAE")
    status = data.get("sanction_status", "imposed")
    if status not in ("imposed", "considered"):
        _bad(f"{where}.sanction_status", status, "imposed or considered")
    offences = data.get("offences", [])
    if not isinstance(offences, list) or any(o not in OFFENCES for o in offences):
        bad = (
            offences
            if not isinstance(offences, list)
            else next(o for o in offences if o not in OFFENCES)
        )
        _bad(f"{where}.offences", bad, "a list drawn from " + ", ".join(OFFENCES))
    art1 = _codes(data, "art1_offences", where, ART1_OFFENCES)
    prior = _int(data, "prior_convictions", where, 0, 999) or 0
    prior_days = _int(data, "prior_sentences_days", where, 0, 36_500)
    if prior_days and not prior:
        _bad(
            f"{where}.prior_sentences_days", prior_days,
            "0 or nothing when prior_convictions is 0 (the total of the earlier sentences)",
        )  # fmt: skip
    nationality = data.get("nationality")
    if nationality is not None and nationality not in NATIONALITIES:
        _bad(f"{where}.nationality", nationality, " or ".join(NATIONALITIES))
    residence = _bool(data, "legal_residence", where)
    if residence is not None and nationality != "extranjera":
        _bad(
            f"{where}.legal_residence", residence,
            "nothing unless nationality is extranjera (residence is asked of a foreign national)",
        )  # fmt: skip
    return LegalContext(
        regime=regime,
        sanction=sanction,
        sanction_status=status,
        sentence_days=_int(data, "sentence_days", where, 1, 36_500),
        offences=frozenset(offences),
        prior_convictions=prior,
        age_at_offence=_int(data, "age_at_offence", where, 10, 120),
        sentence_date=_date(data, "sentence_date", where),
        entry_date=_date(data, "entry_date", where),
        exam_suspension_days=_int(data, "exam_suspension_days", where, 0, 365) or 0,
        art1_offences=art1,
        prior_drug_convictions=_int(data, "prior_drug_convictions", where, 0, 999) or 0,
        prior_sentences_days=prior_days,
        prior_rp=_int(data, "prior_rp", where, 0, 999) or 0,
        nationality=nationality,
        legal_residence=residence,
        one_third_served=_bool(data, "one_third_served", where),
    )


def _bad(
    field: str,
    value: object,
    expected: str,
    *,
    unknown: bool = False,
    code: str = "decision.input.invalid",
) -> NoReturn:
    what = "unknown field" if unknown else f"got {value!r}"
    msg = f"{field}: {what}, expected {expected}"
    raise DecisionInputError(msg, field=field, value=value, expected=expected, code=code)


def _int(data: Mapping[str, Any], key: str, where: str, lo: int, hi: int) -> int | None:
    value = integral(data.get(key))
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
        _bad(f"{where}.{key}", value, f"an integer from {lo} to {hi}")
    return value


def _bool(data: Mapping[str, Any], key: str, where: str) -> bool | None:
    value = data.get(key)
    if value is not None and not isinstance(value, bool):
        _bad(f"{where}.{key}", value, "true or false")
    return value


def _codes(data: Mapping[str, Any], key: str, where: str, known: tuple[str, ...]) -> frozenset[str]:
    value = data.get(key)
    if value is None:
        return frozenset()
    if not isinstance(value, list):
        _bad(f"{where}.{key}", value, "a list drawn from " + ", ".join(known))
    for code in value:
        if code not in known:
            _bad(f"{where}.{key}", code, "a list drawn from " + ", ".join(known))
    return frozenset(value)


def _date(data: Mapping[str, Any], key: str, where: str) -> dt.date | None:
    value = data.get(key)
    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError:
        _bad(f"{where}.{key}", value, DATE_RANGE, code="case.date.invalid")
