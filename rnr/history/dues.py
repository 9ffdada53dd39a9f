"""Each case's next reassessment on every day up to its latest record, kept in its index row.

A case's row of the index holds the case on the day of its latest record,
which answers a due list of that day or any later one. A due list of an
earlier day (``rnr due --as-of``) must not, for that, read the timeline of
every case with a later record. A case's next reassessment on a day depends
only on its records up to that day (:func:`rnr.history.summary.due_at`),
and changes only on the days of its assessments and decisions, of its
closing events and of the events a policy of the case makes a reassessment
due after. So each row also keeps the case's **dues**: each of
those days on which the next reassessment changed, and what it was from
then on (:func:`dues_text`); a due list of a day before the latest record
takes each case's from them (:func:`due_in_force`).

The dues are one line per change, each a JSON array: ``[day]`` (none from
that day: not yet decided, or closed), ``[day, "replay"]`` (only a replay
of the case says) or ``[day, due_on, basis, policy, rule, last_assessed_on,
risk_level, instrument]``, with the event and its date after them when the
basis is ``event``. The citation and the interval are the policy's, looked
up by its rule (:class:`~rnr.history.summary.Reading`): a row is trusted
only while the definitions it names are loaded with the same hashes, so the
policy is the one the dues were made with. ``rnr store verify`` makes every
row, dues and all, again from the records.

>>> dues = '["2025-01-10","replay"]\\n["2025-08-01"]'
>>> [in_force(dues, day) for day in ("2025-01-09", "2025-03-01", "2025-08-01")]
[None, '["2025-01-10","replay"]', '["2025-08-01"]']
"""

from __future__ import annotations

import json
from typing import Any

from rnr.events import CLOSING_EVENTS
from rnr.history.summary import REPLAY, Reading, policy_due_at
from rnr.history.timeline import Timeline
from rnr.indicators.caseload import Due
from rnr.store.caseindex import iso_day

__all__ = ["due_in_force", "dues_text", "in_force"]


def dues_text(timeline: Timeline, reading: Reading) -> str | None:
    """The case's dues, as its row keeps them (``None``: a case without an assessment)."""
    doc = timeline.doc
    if not doc["assessments"]:
        return None
    policies = list(doc["policies"])
    moving = {
        kind
        for _, kind, _ in doc["events"]
        if kind in CLOSING_EVENTS or any(reading.trigger(p, kind) for p in policies)
    }
    days = sorted(
        {str(row[0]) for part in ("assessments", "decisions") for row in doc[part]}
        | {str(on) for on, kind, _ in doc["events"] if kind in moving}
    )
    lines: list[str] = []
    last: list[Any] | None = None
    for day in days:
        policy, due = policy_due_at(timeline, as_of=reading.day(day), reading=reading)
        entry = _entry(policy, due)
        if entry != last:
            lines.append(json.dumps([day, *entry], ensure_ascii=False, separators=(",", ":")))
            last = entry
    return "\n".join(lines)


def _entry(policy: str, due: Due | None) -> list[Any]:
    """What a line says after its day."""
    if due is None:
        return []
    if due is REPLAY:
        return ["replay"]
    found: list[Any] = [
        due.due_on.isoformat(),
        due.basis,
        policy,
        due.rule,
        due.last_assessed_on.isoformat(),
        due.risk_level,
        due.instrument,
    ]
    if due.basis == "event":
        found += [due.event, None if due.event_on is None else due.event_on.isoformat()]
    return found


def in_force(dues: str, day: str) -> str | None:
    """The line of ``dues`` in force on ``day`` (ISO text); ``None`` before the first.

    Looked for from the last line back: a list of an earlier day is most
    often about the case's latest changes, and a case keeps a few lines.
    """
    for line in reversed(dues.split("\n")):
        if line[2:12] <= day:
            return line
    return None


def due_in_force(case_id: str, dues: str, day: str, reading: Reading) -> Due | None:
    """The next reassessment of ``case_id`` on ``day`` (ISO text), from its dues.

    :data:`~rnr.history.summary.REPLAY` when only a replay of the case says.
    What each line says is made once per ``reading`` (cases decided on the
    same day under the same rule share their lines).

    Raises:
        ValueError: the dues are not what a row keeps (edited by hand).
        KeyError: they name a rule, an event or a policy the definitions do not have.
    """
    if not isinstance(dues, str):
        raise ValueError(f"dues {dues!r}")
    line = in_force(dues, day)
    if line is None:  # the first line is after the day: read it all the same, to be sure
        line = dues.split("\n", 1)[0]
        _said(line, reading)
        return None
    said = _said(line, reading)
    return Due(case_id, *said) if isinstance(said, tuple) else said


def _said(line: str, reading: Reading) -> tuple[Any, ...] | Due | None:
    """What a line says: a next reassessment's fields after its case, ``REPLAY`` or ``None``."""
    if line not in reading.dues:
        found = json.loads(line)
        if not isinstance(found, list) or not found or line[2:12] != found[0]:
            raise ValueError(f"line {line!r}")
        iso_day(found[0])
        reading.dues[line] = _fields(found[1:], reading)
    said: tuple[Any, ...] | Due | None = reading.dues[line]
    return said


def _fields(rest: list[Any], reading: Reading) -> tuple[Any, ...] | Due | None:
    """What a line's fields after its day say (:func:`_said`)."""
    if not rest:
        return None
    if rest == ["replay"]:
        return REPLAY
    if len(rest) not in (7, 9) or not all(isinstance(f, str) for f in rest):
        raise ValueError(f"fields {rest!r}")
    due_on, basis, policy, rule, last, risk, instrument, *event = rest
    if basis == "interval" and not event:
        try:
            source, months = reading.rule(policy, rule)
        except StopIteration as exc:  # no such rule in the policy's table
            raise KeyError(f"rule {rule!r} of policy {policy!r}") from exc
        kind, on = None, None
    elif basis == "event" and event:
        kind, on, months = event[0], iso_day(event[1]), None
        trigger = reading.trigger(policy, kind)
        if trigger is None or trigger.rule != rule:
            raise KeyError(f"rule {rule!r} of policy {policy!r} after {kind!r}")
        source = trigger.source
    else:
        raise ValueError(f"basis {basis!r} with {event!r}")
    return (iso_day(due_on), basis, rule, source, iso_day(last), risk, kind, on, instrument, months)
