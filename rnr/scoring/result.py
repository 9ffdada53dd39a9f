"""The score of one case: frozen values that serialize to JSON and back exactly.

>>> import datetime as dt
>>> from rnr import default_library, score, ScoreResult
>>> psa = default_library().get("psa@1.0.0")
>>> answers = {"age_at_arrest": 30, "current_violent": False, "pending_charge": True,
...            "prior_misdemeanor": True, "prior_felony": False, "prior_violent_convictions": 0,
...            "prior_fta_past_2y": 1, "prior_fta_older": False, "prior_incarceration": False}
>>> result = score(psa, answers, assessed_on=dt.date(2024, 5, 2))
>>> ScoreResult.from_json(result.to_json()) == result
True
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import attrs

from rnr._frozen import frozen_map
from rnr.definitions.ref import Ref
from rnr.errors import ScoringInputError
from rnr.text import Message, Words, words_from_dict

__all__ = [
    "Bounds",
    "DomainScore",
    "ItemScore",
    "ScaleScore",
    "ScoreResult",
    "Step",
    "TermScore",
]

Answer = bool | int | str | None


@attrs.frozen
class ItemScore:
    """One item's answer, the outcome it fell in and the points it gave."""

    id: str
    domain: str
    factor: str
    answer: Answer
    outcome: str | None
    points: Mapping[str, int] = attrs.field(converter=frozen_map)
    omitted: bool = False
    strength: bool = False
    source: str | None = None


@attrs.frozen
class TermScore:
    """Whether a combination term held (``None`` when omissions leave it open)."""

    id: str
    domain: str
    factor: str
    condition: str
    holds: bool | None
    points: Mapping[str, int] = attrs.field(converter=frozen_map)
    source: str | None = None


@attrs.frozen
class Bounds:
    """The lowest and highest result the omitted items could give."""

    min: int
    max: int
    min_level: str | None = None
    max_level: str | None = None
    min_scaled: int | None = None
    max_scaled: int | None = None
    min_flag: bool | None = None
    max_flag: bool | None = None


@attrs.frozen
class Step:
    """The nearest total, up or down, that changes the level, scaled score or flag."""

    points: int
    raw: int
    level: str | None
    scaled: int | None
    flag: bool | None


@attrs.frozen
class ScaleScore:
    """A scale's total with its level, scaled score, flag and the distance to change."""

    id: str
    raw: int
    level: str | None
    scaled: int | None
    flag: bool | None
    band: str | None
    static: int
    dynamic: int
    bounds: Bounds | None = None
    up: Step | None = None
    down: Step | None = None


@attrs.frozen
class DomainScore:
    """A domain's total, need level and its place in the need profile."""

    id: str
    factor: str
    total: int
    max: int
    need: str | None
    criminogenic: bool
    omitted: tuple[str, ...] = ()
    bounds: tuple[int, int] | None = None


@attrs.frozen
class ScoreResult:
    """Everything one scoring produced, with a trace of every point.

    The result never stores a level apart from its score: levels come from the
    instrument's bands at scoring time and are recomputed, never edited.
    """

    instrument: Ref
    assessed_on: dt.date
    norm_group: str | None
    items: tuple[ItemScore, ...]
    terms: tuple[TermScore, ...]
    scales: Mapping[str, ScaleScore] = attrs.field(converter=frozen_map)
    domains: Mapping[str, DomainScore] = attrs.field(converter=frozen_map)
    primary_scale: str = ""
    need_profile: tuple[str, ...] = ()
    strengths: tuple[str, ...] = ()
    provisional: bool = False
    omitted: tuple[str, ...] = ()
    case_id: str | None = None
    # coded warnings a person must read with the score (score.population.*: the
    # person is outside the population the instrument was built for)
    warnings: tuple[Message, ...] = ()

    @property
    def risk_level(self) -> str | None:
        """The level of the instrument's primary scale."""
        return self.scales[self.primary_scale].level

    @property
    def criminogenic_needs(self) -> tuple[str, ...]:
        """Dynamic domains flagged criminogenic, highest need first."""
        return tuple(d for d in self.need_profile if self.domains[d].criminogenic)

    def item(self, item_id: str) -> ItemScore:
        """The score of one item (``KeyError`` if the instrument has no such item)."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    # -- JSON --------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO strings); :meth:`from_dict` reverses it."""
        return {
            "case_id": self.case_id,
            "instrument": attrs.asdict(self.instrument),
            "assessed_on": self.assessed_on.isoformat(),
            "norm_group": self.norm_group,
            "primary_scale": self.primary_scale,
            "risk_level": self.risk_level,
            "provisional": self.provisional,
            "omitted": list(self.omitted),
            "scales": {k: _plain(v) for k, v in self.scales.items()},
            "domains": {k: _plain(v) for k, v in self.domains.items()},
            "need_profile": list(self.need_profile),
            "criminogenic_needs": list(self.criminogenic_needs),
            "strengths": list(self.strengths),
            "items": {i.id: _plain(i, skip=("id",)) for i in self.items},
            "terms": {t.id: _plain(t, skip=("id",)) for t in self.terms},
            "warnings": [w.to_dict() for w in self.warnings],
        }

    def to_json(self, *, indent: int | None = None) -> str:
        """Serialize to JSON text."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScoreResult:
        """Rebuild a result from :meth:`to_dict` output.

        Raises:
            ScoringInputError: the data is not a serialized result.
        """
        try:
            scales = {
                k: ScaleScore(
                    **{
                        **v,
                        "bounds": Bounds(**v["bounds"]) if v["bounds"] else None,
                        "up": Step(**v["up"]) if v["up"] else None,
                        "down": Step(**v["down"]) if v["down"] else None,
                    }
                )
                for k, v in data["scales"].items()
            }
            domains = {
                k: DomainScore(
                    **{
                        **v,
                        "omitted": tuple(v["omitted"]),
                        "bounds": tuple(v["bounds"]) if v["bounds"] else None,
                    }
                )
                for k, v in data["domains"].items()
            }
            return cls(
                instrument=Ref(**data["instrument"]),
                assessed_on=dt.date.fromisoformat(data["assessed_on"]),
                norm_group=data["norm_group"],
                items=tuple(ItemScore(id=k, **v) for k, v in data["items"].items()),
                terms=tuple(TermScore(id=k, **v) for k, v in data["terms"].items()),
                scales=scales,
                domains=domains,
                primary_scale=data["primary_scale"],
                need_profile=tuple(data["need_profile"]),
                strengths=tuple(data["strengths"]),
                provisional=data["provisional"],
                omitted=tuple(data["omitted"]),
                case_id=data["case_id"],
                warnings=tuple(_message(w) for w in data.get("warnings", ())),
            )
        except (KeyError, TypeError, ValueError) as exc:
            msg = f"not a serialized score result: {exc!r}"
            raise ScoringInputError(
                msg,
                value=None,
                expected="the output of ScoreResult.to_dict()",
                code="argument.invalid",
            ) from exc

    @classmethod
    def from_json(cls, text: str) -> ScoreResult:
        """Rebuild a result from :meth:`to_json` output."""
        return cls.from_dict(json.loads(text))


def _plain(value: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    out = attrs.asdict(value, recurse=True)
    for key in skip:
        out.pop(key, None)
    for key, v in out.items():
        if isinstance(v, tuple):
            out[key] = list(v)
        elif isinstance(v, Mapping):
            out[key] = dict(v)
    return out


def _message(data: Mapping[str, Any]) -> Message:
    words: Words = words_from_dict(data)
    if not isinstance(words, Message):
        raise TypeError(f"a warning is a coded message, got {data!r}")
    return words
