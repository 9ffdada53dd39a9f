"""A policy rule's condition in words, and the names of the facts and values it reads.

A decision's trace carries each rule's condition as data
(:attr:`rnr.policy.decision.Fired.when`: the policy inputs it reads and
their tests). A report for a person says it in words: each fact by its name
(``legal.sentence_days``: "extensión de la pena", for a young person
"extensión de la sanción"), each test in words ("más de 730 días") and each
coded value by its name: risk levels and needs by the instrument's labels,
sanctions by :func:`rnr.render.names.sanction_name`, offences by ``cases.offences``,
other codes by the ``conditions`` area of the message catalogue.

>>> from rnr.definitions.library import policy_library
>>> policy = policy_library().get("cl-adultos-18216@2024-01-14")
>>> condition_words((("sentence_days", (("gt", 730), ("le", 1095))),), policy, "es")
'extensión de la pena: más de 730 días y hasta 1.095 días'
>>> condition_words((("risk_level", (("in", frozenset({"high", "medium"})),)),), policy, "en")
'risk level: Medium or High'
>>> listing(["Medio", "Alto", "Muy alto"], "or", "es")
'Medio, Alto o Muy alto'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rnr.definitions.labels import Labels
from rnr.render.messages import catalogue
from rnr.render.names import labels_of, sanction_name

if TYPE_CHECKING:
    from rnr.definitions.policy import Policy
    from rnr.definitions.tables import InputSpec
    from rnr.policy.decision import Condition

__all__ = ["condition_words", "field_name", "listing", "value_name"]

#: How the values of a test with several values are joined before the last one.
_JOINED = {"in": "or", "not_in": "and", "any_of": "or", "all_of": "and", "none_of": "nor"}
#: Facts whose values are named by the message catalogue's areas, by fact.
_NAMED_BY = {"legal.offences": "cases.offences", "legal.art1_offences": "cases.art1_offences"}


def listing(items: Sequence[str], word: str, lang: str) -> str:
    """``a, b o c``: ``items`` joined by commas, and by ``word`` (and, or, nor) before the last.

    Spanish writes *e* for *y* before the sound i and *u* for *o* before o.
    """
    if len(items) < 2:
        return "".join(items)
    w = catalogue(lang)
    last = items[-1].lower()
    joiner = w(f"conditions.{word}")
    if word == "and" and last.startswith(("i", "hi")) and not last.startswith(("hia", "hie")):
        joiner = w("conditions.and_before_i")
    elif word == "or" and last.startswith(("o", "ho")):
        joiner = w("conditions.or_before_o")
    return ", ".join(items[:-1]) + f" {joiner} {items[-1]}"


def field_name(
    source: str, lang: str, *, regime: str = "adult", labels: Labels | None = None
) -> str:
    """The name of a fact a policy input reads (the fact itself when the catalogue has none).

    A young person's regime names the sanction and its extent in the words
    of Ley 20.084; ``need.<domain>``, ``flag.<scale>`` and ``level.<scale>``
    are named after the instrument's domain or scale (``labels``).
    """
    w = catalogue(lang)
    for key in (f"conditions.{regime}.field.{source}", f"conditions.field.{source}"):
        if key in w:
            return w(key)
    kind, _, ident = source.partition(".")
    if kind in ("need", "flag", "level") and ident:
        name = ident
        if labels is not None:
            name = labels.domain(ident) if kind == "need" else labels.scale(ident)
        return w(f"conditions.field.of.{kind}", name=name)
    return source


def value_name(
    source: str,
    value: object,
    lang: str,
    *,
    labels: Labels | None = None,
    policy: Policy | None = None,
) -> str:
    """A value of the fact ``source`` in words (its code when nothing names it)."""
    w = catalogue(lang)
    if isinstance(value, bool):
        return w("policy.yes" if value else "policy.no")
    if isinstance(value, int):
        unit = f"conditions.unit.{source}"
        return w(unit, count=value) if unit in w else w.number(value)
    if isinstance(value, dt.date):
        return w.day(value)
    code = str(value)
    if labels is not None:
        if source in ("risk_level", "computed_risk_level") or source.startswith("level."):
            return labels.level(code)
        if source == "criminogenic_needs":
            return labels.domain(code)
        if source.startswith("need."):
            return labels.need(code)
    if source == "legal.sanction":
        return sanction_name(code, lang, policy)
    for key in (f"{_NAMED_BY.get(source, '')}.{code}", f"conditions.value.{source}.{code}"):
        if key in w:
            return w(key)
    return code


def condition_words(
    when: Condition,
    policy: Policy,
    lang: str,
    *,
    labels: Labels | None = None,
    values: Mapping[str, Any] | None = None,
) -> str:
    """A rule's condition in words: ``extensión de la pena: más de 730 días``.

    Args:
        when: the condition (:attr:`rnr.policy.decision.Fired.when`).
        policy: the policy whose inputs the condition reads.
        lang: the reader's language.
        labels: the instrument's labels (default: the shipped labels of the
            policy's first instrument), for risk levels and needs.
        values: the decision's inputs; a test that holds when any of several
            values is present names only the ones the case has.
    """
    w = catalogue(lang)
    if not when:
        return w("conditions.always")
    if labels is None and policy.instruments:
        labels = labels_of(policy.instruments[0], lang)
    parts = []
    for name, tests in when:
        spec = policy.inputs.get(name)
        source = spec.source if spec is not None else name
        known = (values or {}).get(name)
        said = [
            _test(op, value, spec, source, lang, labels=labels, policy=policy, known=known)
            for op, value in tests
        ]
        field = field_name(source, lang, regime=policy.regime, labels=labels)
        parts.append(w("conditions.part", field=field, tests=listing(said, "and", lang)))
    return "; ".join(parts)


def _test(
    op: str,
    value: Any,
    spec: InputSpec | None,
    source: str,
    lang: str,
    *,
    labels: Labels | None,
    policy: Policy,
    known: Any,
) -> str:
    """One test in words: ``más de 730 días``, ``Medio, Alto o Muy alto``, ``no consta``."""
    w = catalogue(lang)
    if spec is not None and _only_absent(spec, op, value):
        return w("conditions.absent")
    if isinstance(value, bool) and op == "ne":
        op, value = "eq", not value
    if not isinstance(value, Collection) or isinstance(value, str):
        named = value_name(source, value, lang, labels=labels, policy=policy)
        return w(f"conditions.op.{op}", value=named)
    order = list(spec.values) if spec is not None else []
    if source == "legal.sanction":
        order = list(policy.sanctions)
    items = sorted(value, key=lambda v: (order.index(v) if v in order else len(order), str(v)))
    if op == "any_of" and isinstance(known, Collection) and set(items) & set(known):
        items = [v for v in items if v in known]
    names = [value_name(source, v, lang, labels=labels, policy=policy) for v in items]
    return w(f"conditions.op.{op}", values=listing(names, _JOINED.get(op, "or"), lang))


def _only_absent(spec: InputSpec, op: str, value: object) -> bool:
    """Whether a test holds only for the value an input takes when the case lacks the fact."""
    absent = spec.absent
    if not isinstance(absent, int) or isinstance(absent, bool) or isinstance(value, bool):
        return False
    if op == "eq":
        return value == absent
    lowest = spec.min == absent
    return lowest and ((op == "lt" and value == absent + 1) or (op == "le" and value == absent))
