"""The PostgreSQL store's schema: its versions, its guards, and what ``verify`` checks of them.

A PostgreSQL store is the set of rnr's tables in one schema of a database
(the first schema of the connection's ``search_path``). The table
``rnr_schema`` holds one row per step of :data:`MIGRATIONS` applied (its
version, when, by which role): a schema that holds it is an rnr store, and
its largest version is the store's. The versions are the SQLite store's
(:mod:`rnr.store._schema`): version 5 has the same tables and columns in
both, so a store copies between them row for row. PostgreSQL stores start
at version 5; a later version adds a step to both.

Opening a store applies the missing steps in one transaction, holding an
advisory lock on the schema, so two processes opening an old store at once
migrate it once. Only a role that may create tables in the schema (its
owner) can; the role rnr writes with cannot, and is told so.

Every table is append-only twice over: triggers (``BEFORE UPDATE``,
``BEFORE DELETE`` for each row, ``BEFORE TRUNCATE``) raise an error, and the
role rnr writes with is granted nothing but ``SELECT`` and ``INSERT``
(docs/store.md gives the DBA's SQL), so even a guard dropped by the owner
does not let it change a row. ``verify`` checks every guard is there,
enabled, unconditional and calling rnr's function with rnr's body, that no
other trigger was added, and that no role but the tables' owner may
``UPDATE``, ``DELETE`` or ``TRUNCATE`` them.

Step 5 is frozen: change the schema by adding a step, never by editing one.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs

from rnr.errors import StoreError
from rnr.store.caseindex import (
    CASE_INDEX_V7,
    CASE_INDEX_V8,
    CASE_INDEX_V10,
    STALE_EVERY_CASE,
)
from rnr.store.totals import CASE_TOTALS_V9
from rnr.text import Message

__all__ = [
    "GUARDS",
    "LOCK_CLASS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "TABLES",
    "prepare",
    "schema_problems",
]

#: The first key of rnr's advisory locks: the bytes ``rnr1`` (the SQLite ``application_id``).
LOCK_CLASS = int.from_bytes(b"rnr1", "big")

#: The tables every step up to :data:`SCHEMA_VERSION` creates.
TABLES = (
    "access",
    "audit",
    "case_derived",
    "case_index",
    "case_totals",
    "derived",
    "records",
    "rnr_schema",
)
_GUARDED = ("records", "audit", "derived", "case_derived", "access")

_FUNCTION = "rnr_append_only"
#: The body of the guards' function (``verify`` compares it, spaces aside).
_BODY = """
BEGIN
    RAISE EXCEPTION 'rnr % are append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END
"""

# pg_trigger.tgtype bits
_ROW, _BEFORE, _DELETE, _UPDATE, _TRUNCATE = 1, 2, 8, 16, 32
_VERBS = {"update": _ROW | _BEFORE | _UPDATE, "delete": _ROW | _BEFORE | _DELETE}
_VERBS["truncate"] = _BEFORE | _TRUNCATE


def _guards(*tables: str) -> dict[str, tuple[str, int]]:
    return {f"{t}_no_{verb}": (t, kind) for t in tables for verb, kind in _VERBS.items()}


#: The guards, by name: the table each watches and its ``pg_trigger.tgtype``.
GUARDS: Mapping[str, tuple[str, int]] = MappingProxyType(_guards(*_GUARDED))


def _trigger_sql(name: str, table: str, kind: int) -> str:
    verb = "UPDATE" if kind & _UPDATE else "DELETE" if kind & _DELETE else "TRUNCATE"
    each = "ROW" if kind & _ROW else "STATEMENT"
    return (
        f"CREATE TRIGGER {name} BEFORE {verb} ON {table}"
        f" FOR EACH {each} EXECUTE FUNCTION {_FUNCTION}()"
    )


def _grant_update(table: str) -> str:
    """SQL granting ``UPDATE`` on a derived ``table`` to every other role that may insert in it."""
    return f"""DO $grant$ DECLARE who text; BEGIN
    FOR who IN SELECT DISTINCT grantee FROM information_schema.role_table_grants
        WHERE table_schema = current_schema() AND table_name = '{table}'
        AND privilege_type = 'INSERT' AND grantee <> current_user
    LOOP
        EXECUTE format('GRANT UPDATE ON {table} TO %I', who);
    END LOOP;
END $grant$"""


_V5 = (
    """CREATE TABLE rnr_schema (
    version integer PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now(),
    applied_by text NOT NULL DEFAULT current_user
)""",
    """CREATE TABLE records (
    id bigint PRIMARY KEY,
    kind text NOT NULL,
    case_id text COLLATE "C" NOT NULL,
    on_date text NOT NULL,
    data text NOT NULL,
    corrects bigint,
    recorded_at text NOT NULL,
    recorded_by text NOT NULL,
    sha256 text NOT NULL
)""",
    "CREATE INDEX records_case ON records (case_id, id)",
    "CREATE INDEX records_kind_on ON records (kind, on_date)",
    """CREATE TABLE audit (
    seq bigint PRIMARY KEY,
    at text NOT NULL,
    by text NOT NULL,
    action text NOT NULL,
    record_id bigint NOT NULL REFERENCES records (id),
    record_sha256 text NOT NULL,
    prev text NOT NULL,
    sha256 text NOT NULL
)""",
    """CREATE TABLE derived (
    record_id bigint PRIMARY KEY REFERENCES records (id),
    basis text NOT NULL,
    data text NOT NULL
)""",
    """CREATE TABLE case_derived (
    record_id bigint NOT NULL REFERENCES records (id),
    case_id text COLLATE "C" NOT NULL,
    basis text NOT NULL,
    data text NOT NULL,
    PRIMARY KEY (record_id, basis)
)""",
    """CREATE TABLE access (
    seq bigint PRIMARY KEY,
    at text NOT NULL,
    by text NOT NULL,
    role text NOT NULL,
    unit text,
    action text NOT NULL,
    case_id text,
    status integer NOT NULL,
    detail text NOT NULL,
    anchor_seq bigint NOT NULL,
    anchor text NOT NULL,
    prev text NOT NULL,
    sha256 text NOT NULL
)""",
    "CREATE INDEX access_action ON access (action, seq)",
    f"CREATE FUNCTION {_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $guard${_BODY}$guard$",
    *(_trigger_sql(name, table, kind) for name, (table, kind) in GUARDS.items()),
)

#: The case index (:mod:`rnr.store.caseindex`): derived, one row per case, upserted at each
#: write, so the roles that may insert its rows (the default privileges) may update them too.
_V6 = (
    """CREATE TABLE case_index (
    case_id text COLLATE "C" PRIMARY KEY,
    record_id bigint NOT NULL,
    basis text COLLATE "C" NOT NULL,
    folded text COLLATE "C" NOT NULL,
    unit text COLLATE "C",
    regime text,
    instrument text,
    sanction text COLLATE "C",
    risk_level text,
    rank integer,
    opened_on text COLLATE "C",
    assessed_on text COLLATE "C",
    latest_on text COLLATE "C",
    closed_on text COLLATE "C",
    due_on text COLLATE "C",
    due text,
    replay integer NOT NULL DEFAULT 0
)""",
    "CREATE INDEX case_index_basis ON case_index (basis)",
    "CREATE INDEX case_index_unit ON case_index (unit, case_id)",
    "CREATE INDEX case_index_due ON case_index (due_on, case_id)",
    STALE_EVERY_CASE,
    _grant_update("case_index"),
)

#: Each case index row's ``baseline`` (what a validity study reads), and indexes of the open
#: cases, so that a caseload page walks an index instead of sorting every case
#: (:data:`rnr.store.caseindex.CASE_INDEX_V7`).
_V7 = CASE_INDEX_V7

#: Each case index row's last change and its reliable change category, which the index of the
#: open cases holds too (:data:`rnr.store.caseindex.CASE_INDEX_V8`).
_V8 = CASE_INDEX_V8

#: Each case index row's counts, and the running totals the store keeps of them
#: (:data:`rnr.store.totals.CASE_TOTALS_V9`): derived and added to at each write, so the roles
#: that may insert totals may update them too.
_V9 = (*CASE_TOTALS_V9, _grant_update("case_totals"))

#: Each case index row's dues (:data:`rnr.store.caseindex.CASE_INDEX_V10`).
_V10 = CASE_INDEX_V10

#: The steps, by the version each brings a store to (from the one before it, or from nothing).
MIGRATIONS: Mapping[int, tuple[str, ...]] = MappingProxyType(
    {5: _V5, 6: _V6, 7: _V7, 8: _V8, 9: _V9, 10: _V10}
)

#: The schema version this rnr writes.
SCHEMA_VERSION = max(MIGRATIONS)


#: The oid of the schema named by the query's first parameter.
_NAMESPACE = "(SELECT oid FROM pg_namespace WHERE nspname = %s)"


@attrs.frozen
class _State:
    """What a schema says about itself before rnr touches it."""

    schema: str | None
    version: int
    tables: tuple[str, ...]


def _read_state(conn: Any) -> _State:
    schema = conn.execute("SELECT current_schema()").fetchone()[0]
    if schema is None:
        return _State(None, 0, ())
    tables = tuple(
        row[0]
        for row in conn.execute(
            f"SELECT c.relname FROM pg_class c WHERE c.relnamespace = {_NAMESPACE}"
            " AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY c.relname",
            (schema,),
        )
    )
    version = 0
    if "rnr_schema" in tables:
        version = conn.execute("SELECT coalesce(max(version), 0) FROM rnr_schema").fetchone()[0]
    return _State(schema, version, tables)


def _check_state(state: _State, name: str) -> None:
    """Refuse a schema that is not an rnr store, or is newer than this rnr."""
    if state.schema is None:
        msg = (
            "no schema to keep the store in: the connection's search_path names no existing"
            " schema (create one, see docs/store.md, or name one with"
            " ?options=-csearch_path%3DSCHEMA)"
        )
        raise StoreError(msg, path=name)
    if state.tables and "rnr_schema" not in state.tables:
        msg = (
            f"not an rnr store: schema {state.schema} holds tables {', '.join(state.tables)}"
            " and no rnr_schema table (another program's tables); give rnr a schema of its own"
        )
        raise StoreError(msg, path=name)
    if state.version > SCHEMA_VERSION:
        msg = (
            f"schema version {state.version} is newer than this rnr supports"
            f" ({SCHEMA_VERSION}); upgrade rnr"
        )
        raise StoreError(msg, path=name)


def prepare(conn: Any, name: str, *, read_only: bool = False) -> int:
    """Recognise the schema behind ``conn`` (autocommit) and apply the missing steps.

    Returns:
        The schema version the store had when opened (0 for a new store).

    Raises:
        StoreError: not an rnr store, a newer schema than this rnr knows, no
            schema to create the tables in; with ``read_only``, no store
            (``store.missing``) or an older one.
        psycopg.Error: the database refused (the caller words it).
    """
    first = _read_state(conn)
    _check_state(first, name)
    if read_only:
        if first.version == 0:
            msg = (
                f"no rnr store in schema {first.schema} of this database, expected one"
                " (a command that only reads never creates one)"
            )
            raise StoreError(msg, path=name, code="store.missing")
        if first.version != SCHEMA_VERSION:
            msg = (
                f"the store has schema version {first.version}, expected {SCHEMA_VERSION}:"
                " have the owner of its tables open it once to bring it up to date"
                " (rnr store init)"
            )
            raise StoreError(msg, path=name)
        return first.version
    if first.version == SCHEMA_VERSION:
        return first.version
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(current_schema()))", (LOCK_CLASS,))
        state = _read_state(conn)  # another process may have migrated meanwhile
        _check_state(state, name)
        for version, step in sorted(MIGRATIONS.items()):
            if version <= state.version:
                continue
            for statement in step:
                conn.execute(statement)
            conn.execute("INSERT INTO rnr_schema (version) VALUES (%s)", (version,))
    return first.version


def schema_problems(conn: Any) -> list[Message]:
    """The guards, each as rnr made it and enabled, no other trigger, no role that may rewrite.

    Run inside the verification's transaction.
    """
    schema = conn.execute("SELECT current_schema()").fetchone()[0]
    found = {
        row[0]: row[1:]
        for row in conn.execute(
            "SELECT t.tgname, c.relname, t.tgtype, t.tgenabled, p.proname, n.nspname,"
            " l.lanname, p.prosrc, t.tgqual IS NOT NULL, cardinality(t.tgattr::int2[]) > 0"
            " FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " JOIN pg_proc p ON p.oid = t.tgfoid"
            " JOIN pg_namespace n ON n.oid = p.pronamespace"
            " JOIN pg_language l ON l.oid = p.prolang"
            f" WHERE c.relnamespace = {_NAMESPACE} AND NOT t.tgisinternal",
            (schema,),
        )
    }
    problems: list[Message] = []
    body = " ".join(_BODY.split())
    for name, (table, kind) in GUARDS.items():
        if name not in found:
            problems.append(Message("verify.trigger_missing", {"trigger": name}))
            continue
        on, tgtype, enabled, function, where, language, source, when, columns = found[name]
        if (on, tgtype, function, where, language, when, columns) != (
            table,
            kind,
            _FUNCTION,
            schema,
            "plpgsql",
            False,
            False,
        ) or " ".join(str(source).split()) != body:
            problems.append(Message("verify.trigger_replaced", {"trigger": name}))
        elif enabled not in ("O", "A"):
            problems.append(Message("verify.trigger_disabled", {"trigger": name}))
    problems += [
        Message("verify.trigger_added", {"trigger": name})
        for name in sorted(found)
        if name not in GUARDS
    ]
    problems += [
        Message("verify.privilege", {"grantee": grantee, "verb": verb, "table": table})
        for table, grantee, verb in conn.execute(
            "SELECT c.relname, CASE WHEN a.grantee = 0 THEN 'PUBLIC'"
            " ELSE pg_get_userbyid(a.grantee) END, a.privilege_type"
            " FROM pg_class c, aclexplode(c.relacl) a"
            f" WHERE c.relnamespace = {_NAMESPACE} AND c.relname = ANY(%s)"
            " AND a.grantee <> c.relowner"
            " AND a.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')"
            " ORDER BY 1, 2, 3",
            (schema, list(_GUARDED)),
        )
    ]
    return problems
