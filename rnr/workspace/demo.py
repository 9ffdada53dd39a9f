"""``rnr serve --demo``: the workspace on a simulated caseload, with an account for each role.

:func:`demo_store` fills an empty store with a simulated cohort (no real
person: :mod:`rnr.simulate`) whose last day is today, so the caseload has
open cases, some with their reassessment overdue, and makes one account per
role with a new random password, returned so that ``rnr serve --demo`` can
print them. The simulated cases have no unit, so the demo accounts have none
either: each sees every case its role may see.

>>> import datetime as dt
>>> from rnr.store import MemoryStore
>>> store = MemoryStore()
>>> accounts = demo_store(store, people=3, today=dt.date(2025, 6, 1))
>>> [(a.name, a.role) for a in accounts]  # doctest: +NORMALIZE_WHITESPACE
[('delegada.demo', 'delegado'), ('supervisora.demo', 'supervisor'),
 ('analista.demo', 'analista'), ('admin.demo', 'admin')]
>>> len(store.case_ids())
3
"""

from __future__ import annotations

import datetime as dt
import secrets

import attrs

from rnr.history.definitions import Definitions
from rnr.history.people import add_user
from rnr.simulate.engine import simulate
from rnr.simulate.load import store_cohort
from rnr.store.protocol import Store

__all__ = ["DEMO_PEOPLE", "DEMO_YEARS", "EARLIEST", "Account", "demo_store"]

#: The simulated people of the demo.
DEMO_PEOPLE = 150
#: The simulated years, ending today.
DEMO_YEARS = 2.0
#: The first day a simulation may start (the shipped policies are in force from then).
EARLIEST = dt.date(2024, 2, 1)
#: Who makes the demo's records and accounts (kept in the audit and access logs).
WRITER = "rnr serve --demo"
#: The demo accounts: a name for each role.
ACCOUNTS = (
    ("delegada.demo", "delegado"),
    ("supervisora.demo", "supervisor"),
    ("analista.demo", "analista"),
    ("admin.demo", "admin"),
)


@attrs.frozen
class Account:
    """A demo account: its name, role and password (made for this run only)."""

    name: str
    role: str
    password: str = attrs.field(repr=False)


def demo_store(
    store: Store,
    *,
    people: int = DEMO_PEOPLE,
    years: float = DEMO_YEARS,
    seed: int = 16,
    today: dt.date | None = None,
    defs: Definitions | None = None,
) -> list[Account]:
    """Fill the empty ``store`` with a simulated caseload ending ``today``; make the demo accounts.

    Returns:
        The accounts, one per role, with their passwords.
    """
    defs = defs or Definitions.shipped()
    end = today or dt.date.today()
    start = max(EARLIEST, end - dt.timedelta(days=round(365.25 * years)))
    span = max(0.1, (end - start).days / 365.25)
    cohort = simulate(
        people,
        span,
        seed=seed,
        start=start,
        library=defs.library,
        intake_years=span * 0.8,
    )
    store_cohort(store, cohort, by=WRITER, defs=defs)
    accounts = [Account(name, role, secrets.token_urlsafe(12)) for name, role in ACCOUNTS]
    for a in accounts:
        add_user(store, a.name, role=a.role, password=a.password, by=WRITER)
    return accounts
