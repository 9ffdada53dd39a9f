"""The decision: what a delegado acts on and a court can read, with its trace."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from rnr._frozen import frozen_map
from rnr.cases.overrides import Override, parse_override
from rnr.definitions.ref import Ref
from rnr.errors import DecisionInputError
from rnr.text import Text, Words, words_from_dict, words_to_dict

if TYPE_CHECKING:
    from rnr.definitions.tables import Rule

__all__ = [
    "Condition",
    "Deadline",
    "Decision",
    "DecisionWarning",
    "Fired",
    "Intensity",
    "Nearest",
    "condition_of",
]


@attrs.frozen
class Intensity:
    """How much supervision and treatment the risk calls for."""

    contacts_per_month: int
    treatment_hours: int
    components: tuple[str, ...] = ()
    label: str = ""


@attrs.frozen
class Deadline:
    """A legal or programme deadline and the rule that set it."""

    name: str
    date: dt.date
    days: int
    counted_from: str
    rule: str
    source: str


@attrs.frozen
class DecisionWarning:
    """Something the delegado or the court should know (e.g. against the risk principle).

    ``message`` is the policy rule's note (a :class:`~rnr.text.Text`), or a
    coded message (``policy.warning.<code>``) for a warning the engine raises.
    """

    code: str
    message: Words
    source: str = ""


#: A rule's condition as data: for each input it reads (by the policy's input
#: name), its tests as ``(operator, value)`` pairs; empty when the rule always holds.
Condition = tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]


def condition_of(rule: Rule) -> Condition:
    """The condition of ``rule`` as data."""
    return rule.condition


@attrs.frozen
class Fired:
    """One rule that fired: the table, the rule, its condition, source and outputs.

    ``condition`` is the rule's condition in short notation (``sentence_days >
    730``), ``when`` the same condition as data, which a report puts into words.
    """

    table: str
    rule: str
    condition: str
    source: str
    outputs: Mapping[str, Any] = attrs.field(converter=frozen_map)
    when: Condition = ()

    @classmethod
    def of(cls, table: str, rule: Rule) -> Fired:
        """The trace entry of ``rule`` of ``table``."""
        return cls(table, rule.id, rule.description, rule.source, rule.then, rule.condition)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (values of sets and dates as in :meth:`Decision.to_dict`)."""
        return {
            "table": self.table,
            "rule": self.rule,
            "condition": self.condition,
            "source": self.source,
            "outputs": {k: _plain(v) for k, v in self.outputs.items()},
            "when": [
                {"input": name, "tests": [{"op": op, "value": _plain(v)} for op, v in tests]}
                for name, tests in self.when
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Fired:
        """Rebuild an entry from :meth:`to_dict` output (one without ``when`` has none)."""
        when = tuple(
            (str(part["input"]), tuple((str(t["op"]), _unplain(t["value"])) for t in part["tests"]))
            for part in data.get("when", ())
        )
        outputs = {k: _unplain(v) for k, v in data["outputs"].items()}
        return cls(data["table"], data["rule"], data["condition"], data["source"], outputs, when)


@attrs.frozen
class Nearest:
    """The nearest score change that would change the decision.

    ``message`` is the coded ``policy.nearest_up`` / ``policy.nearest_down``
    with the points and the level id; ``changes`` holds what would change.
    """

    direction: str
    points: int
    level: str
    changes: Mapping[str, tuple[Any, Any]] = attrs.field(converter=frozen_map)
    message: Words = Text("")


@attrs.frozen
class Decision:
    """A frozen decision; :meth:`to_dict` / :meth:`from_dict` round-trip exactly."""

    policy: Ref
    case_id: str | None
    regime: str
    sanction: str | None
    sanction_status: str
    eligible_sanctions: tuple[str, ...]
    ineligible: Mapping[str, Text] = attrs.field(converter=frozen_map)
    risk_level: str = ""
    computed_risk_level: str = ""
    override: Override | None = None
    override_changed: bool = False
    intensity: Intensity = Intensity(0, 0)
    telematic_monitoring: bool = False
    monitoring_reason: Text = Text("")
    period_days: tuple[int, int] | None = None
    period_months: tuple[int, int] | None = None
    deadlines: Mapping[str, Deadline] = attrs.field(converter=frozen_map, factory=dict)
    attainment_threshold: int | None = None
    fit: str = "not_applicable"
    fit_message: Text = Text("")
    warnings: tuple[DecisionWarning, ...] = ()
    nearest: tuple[Nearest, ...] = ()
    inputs: Mapping[str, Any] = attrs.field(converter=frozen_map, factory=dict)
    trace: tuple[Fired, ...] = ()
    instrument: Ref | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (dates ISO, sets as sorted lists)."""
        return {
            "case_id": self.case_id,
            "policy": attrs.asdict(self.policy),
            "instrument": attrs.asdict(self.instrument) if self.instrument else None,
            "regime": self.regime,
            "sanction": self.sanction,
            "sanction_status": self.sanction_status,
            "eligible_sanctions": list(self.eligible_sanctions),
            "ineligible": {k: words_to_dict(v) for k, v in self.ineligible.items()},
            "risk_level": self.risk_level,
            "computed_risk_level": self.computed_risk_level,
            "override": self.override.to_dict() if self.override else None,
            "override_changed": self.override_changed,
            "intensity": {
                "contacts_per_month": self.intensity.contacts_per_month,
                "treatment_hours": self.intensity.treatment_hours,
                "components": list(self.intensity.components),
                "label": self.intensity.label,
            },
            "telematic_monitoring": self.telematic_monitoring,
            "monitoring_reason": words_to_dict(self.monitoring_reason),
            "period_days": list(self.period_days) if self.period_days else None,
            "period_months": list(self.period_months) if self.period_months else None,
            "deadlines": {
                k: {**attrs.asdict(d), "date": d.date.isoformat()}
                for k, d in self.deadlines.items()
            },
            "attainment_threshold": self.attainment_threshold,
            "fit": self.fit,
            "fit_message": words_to_dict(self.fit_message),
            "warnings": [
                {"code": w.code, "message": words_to_dict(w.message), "source": w.source}
                for w in self.warnings
            ],
            "nearest": [
                {
                    "direction": n.direction,
                    "points": n.points,
                    "level": n.level,
                    "changes": {k: list(v) for k, v in n.changes.items()},
                    "message": words_to_dict(n.message),
                }
                for n in self.nearest
            ],
            "inputs": {k: _plain(v) for k, v in self.inputs.items()},
            "trace": [f.to_dict() for f in self.trace],
        }

    def to_json(self, *, indent: int | None = None) -> str:
        """Serialize to JSON text."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Decision:
        """Rebuild a decision from :meth:`to_dict` output."""
        try:
            return cls(
                policy=Ref(**data["policy"]),
                instrument=Ref(**data["instrument"]) if data["instrument"] else None,
                case_id=data["case_id"],
                regime=data["regime"],
                sanction=data["sanction"],
                sanction_status=data["sanction_status"],
                eligible_sanctions=tuple(data["eligible_sanctions"]),
                ineligible={k: Text(**v) for k, v in data["ineligible"].items()},
                risk_level=data["risk_level"],
                computed_risk_level=data["computed_risk_level"],
                override=parse_override(data["override"]) if data["override"] else None,
                override_changed=data["override_changed"],
                intensity=Intensity(
                    data["intensity"]["contacts_per_month"],
                    data["intensity"]["treatment_hours"],
                    tuple(data["intensity"]["components"]),
                    data["intensity"]["label"],
                ),
                telematic_monitoring=data["telematic_monitoring"],
                monitoring_reason=Text(**data["monitoring_reason"]),
                period_days=_pair(data["period_days"]),
                period_months=_pair(data["period_months"]),
                deadlines={
                    k: Deadline(**{**v, "date": dt.date.fromisoformat(v["date"])})
                    for k, v in data["deadlines"].items()
                },
                attainment_threshold=data["attainment_threshold"],
                fit=data["fit"],
                fit_message=Text(**data["fit_message"]),
                warnings=tuple(
                    DecisionWarning(w["code"], words_from_dict(w["message"]), w["source"])
                    for w in data["warnings"]
                ),
                nearest=tuple(
                    Nearest(
                        n["direction"],
                        n["points"],
                        n["level"],
                        {k: tuple(v) for k, v in n["changes"].items()},
                        words_from_dict(n["message"]),
                    )
                    for n in data["nearest"]
                ),
                inputs={k: _unplain(v) for k, v in data["inputs"].items()},
                trace=tuple(Fired.from_dict(f) for f in data["trace"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            msg = f"not a serialized decision: {exc!r}"
            raise DecisionInputError(
                msg, field="decision", expected="Decision.to_dict() output"
            ) from exc

    @classmethod
    def from_json(cls, text: str) -> Decision:
        """Rebuild a decision from :meth:`to_json` output."""
        return cls.from_dict(json.loads(text))


def _pair(value: Any) -> tuple[int, int] | None:
    return (int(value[0]), int(value[1])) if value else None


def _plain(value: Any) -> Any:
    if isinstance(value, frozenset):
        return {"set": sorted(value)}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, tuple):
        return list(value)
    return value


def _unplain(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"set"}:
        return frozenset(value["set"])
    if isinstance(value, dict) and set(value) == {"date"}:
        return dt.date.fromisoformat(value["date"])
    if isinstance(value, list):
        return tuple(value)
    return value
