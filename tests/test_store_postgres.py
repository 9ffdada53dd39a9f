"""What only the PostgreSQL store has: roles and grants, its guards, its schema, its URL.

The conformance suite (tests/test_store.py and the others) runs every store
test against PostgreSQL too; these are the checks that have no SQLite
counterpart: the role rnr writes with cannot rewrite a row even when the
owner has dropped the guards, ``verify`` reports guards disabled or
replaced and grants that would let a role rewrite, the schema is versioned
in the database and migrated once, the DBA's SQL of docs/store.md works as
written, and the command line takes ``postgresql://`` wherever it takes a
store.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from pathlib import Path
from typing import Any

import pytest
from storekit import Place, Places, problem_lines

from rnr.errors import StoreError
from rnr.store._pgschema import SCHEMA_VERSION
from rnr.store.records import Record

DAY = dt.date(2025, 3, 1)
ROOT = Path(__file__).resolve().parent.parent
TABLES = ("records", "audit", "derived", "case_derived", "access")
VERBS = ("UPDATE {t} SET {c} = {c}", "DELETE FROM {t}", "TRUNCATE {t} CASCADE")
KEYS = {"records": "id", "audit": "seq", "access": "seq"}


@pytest.fixture
def place(places: Places) -> Place:
    """A PostgreSQL store holding two records, one derived value, one timeline, one access."""
    from rnr.store.access import Access  # noqa: PLC0415
    from rnr.store.records import Derived  # noqa: PLC0415

    made = places("postgres")
    db = made.open()
    with db.write(by="delegada") as tx:
        first = tx.append(Record("event", "c-1", DAY, {"n": 1}))
        tx.append(Record("event", "c-1", DAY, {"n": 2}))
        tx.derive(Derived(first.id, "base", {"total": 1}))
        tx.derive_case("c-1", Derived(2, "timeline", {"seen": 2}))
    db.log_access(Access(by="ana", role="delegado", unit=None, action="case.history"))  # type: ignore[attr-defined]
    db.close()
    return made


def writer_connection(place: Place) -> Any:
    """A plain connection as the role rnr writes with."""
    import psycopg  # noqa: PLC0415

    assert isinstance(place.where, str)
    return psycopg.connect(place.where, autocommit=True)


class TestAppendOnly:
    """Triggers and privileges: two locks on every table."""

    @pytest.mark.parametrize("table", TABLES)
    @pytest.mark.parametrize("verb", VERBS)
    def test_the_writer_cannot_rewrite_even_without_the_guards(
        self, place: Place, table: str, verb: str
    ) -> None:
        """With every trigger dropped by the owner, the writing role is still refused."""
        import psycopg  # noqa: PLC0415

        with place.owner() as owner:
            owner.drop_guards()
        sql = verb.format(t=table, c=KEYS.get(table, "record_id"))
        with writer_connection(place) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(sql)

    @pytest.mark.parametrize("table", TABLES)
    @pytest.mark.parametrize("verb", VERBS)
    def test_the_guards_refuse_even_the_owner(self, place: Place, table: str, verb: str) -> None:
        """The owner, who may write anything, is stopped by the triggers."""
        import psycopg  # noqa: PLC0415

        sql = verb.format(t=table, c=KEYS.get(table, "record_id"))
        refused = pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="append-only")
        with refused, place.owner() as owner:
            owner.execute(sql)

    def test_the_writer_cannot_drop_or_switch_off_a_guard(self, place: Place) -> None:
        """Dropping or disabling a trigger, or making one, is the owner's alone."""
        import psycopg  # noqa: PLC0415

        with writer_connection(place) as conn:
            for sql in (
                "DROP TRIGGER records_no_update ON records",
                "ALTER TABLE records DISABLE TRIGGER records_no_update",
                (
                    "CREATE TRIGGER x BEFORE INSERT ON records FOR EACH ROW"
                    " EXECUTE FUNCTION rnr_append_only()"
                ),
                "CREATE TABLE y (z int)",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(sql)  # type: ignore[arg-type]

    def test_the_writer_cannot_create_the_tables(self, postgres: Any) -> None:
        """An empty schema opened by the writer: a clear refusal naming rnr store init."""
        from rnr.store.postgres import PostgresStore  # noqa: PLC0415

        schema = postgres.new_schema()
        with pytest.raises(StoreError, match="permission denied") as info:
            PostgresStore(postgres.url("rnr_writer", schema=schema))
        assert "rnr store init" in str(info.value)
        assert "store.unavailable" == info.value.code


class TestVerifyGuards:
    """verify() reports what could let a row change: a guard gone, off, replaced; a grant."""

    @pytest.mark.parametrize(
        ("statements", "found"),
        [
            (
                ["ALTER TABLE audit DISABLE TRIGGER audit_no_delete"],
                "schema: trigger audit_no_delete is disabled",
            ),
            (
                [
                    (
                        "CREATE OR REPLACE FUNCTION rnr_append_only() RETURNS trigger"
                        " LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$"
                    )
                ],
                "schema: trigger records_no_update is not the one rnr wrote",
            ),
            (
                [
                    "DROP TRIGGER derived_no_update ON derived",
                    (
                        "CREATE TRIGGER derived_no_update BEFORE UPDATE OF basis ON derived"
                        " FOR EACH ROW EXECUTE FUNCTION rnr_append_only()"
                    ),
                ],
                "schema: trigger derived_no_update is not the one rnr wrote",
            ),
            (
                [
                    (
                        "CREATE FUNCTION nothing() RETURNS trigger LANGUAGE plpgsql"
                        " AS $$ BEGIN RETURN NEW; END $$"
                    ),
                    (
                        "CREATE TRIGGER extra BEFORE INSERT ON records FOR EACH ROW"
                        " EXECUTE FUNCTION nothing()"
                    ),
                ],
                "schema: trigger extra is not rnr's (a trigger was added)",
            ),
            (
                ["DROP TRIGGER access_no_truncate ON access"],
                "schema: trigger access_no_truncate is missing",
            ),
            (
                ["GRANT UPDATE, DELETE ON records TO rnr_writer"],
                "privileges: rnr_writer may DELETE records",
            ),
            (["GRANT TRUNCATE ON audit TO PUBLIC"], "privileges: PUBLIC may TRUNCATE audit"),
        ],
    )
    def test_reported(self, place: Place, statements: list[str], found: str) -> None:
        """Each change to the guards or grants is one problem, named."""
        with place.owner() as owner:
            for statement in statements:
                owner.execute(statement)
        problems = problem_lines(place.open().verify())
        assert any(p.startswith(found) for p in problems), problems

    def test_a_clean_store_has_no_problem(self, place: Place) -> None:
        """Guards and grants as rnr and the DBA made them: nothing to report."""
        result = place.open().verify()
        assert (True, 2, 1) == (result.ok, result.records, result.access)


class TestSchema:
    """The version in the database, migrations once, and refusals."""

    def test_versions_are_rows(self, place: Place) -> None:
        """rnr_schema holds one row per step applied, by the owner."""
        with place.owner() as owner:
            rows = owner.execute("SELECT version, applied_by FROM rnr_schema").fetchall()
        assert [(v, "rnr_owner") for v in range(5, SCHEMA_VERSION + 1)] == rows

    def test_a_newer_schema_is_refused(self, place: Place) -> None:
        """A store written by a newer rnr is not opened."""
        with place.owner() as owner:
            owner.execute("INSERT INTO rnr_schema (version) VALUES (%s)", (SCHEMA_VERSION + 1,))
        newer = rf"schema version {SCHEMA_VERSION + 1} is newer than this rnr supports"
        with pytest.raises(StoreError, match=rf"{newer} \({SCHEMA_VERSION}\)"):
            place.open()

    def test_another_programs_tables_are_refused(self, postgres: Any) -> None:
        """A schema holding other tables and no rnr_schema is not taken over."""
        from rnr.store.postgres import PostgresStore  # noqa: PLC0415

        schema = postgres.new_schema()
        postgres.admin(f"CREATE TABLE {schema}.people (name text)")
        with pytest.raises(
            StoreError, match=f"not an rnr store: schema {schema} holds tables people"
        ):
            PostgresStore(postgres.url("rnr_owner", schema=schema))

    def test_read_only_never_creates(self, postgres: Any) -> None:
        """A schema without a store, opened to read: store.missing, and still nothing in it."""
        from rnr.store.postgres import PostgresStore  # noqa: PLC0415

        schema = postgres.new_schema()
        url = postgres.url("rnr_owner", schema=schema)
        with pytest.raises(StoreError, match="no rnr store in schema") as info:
            PostgresStore(url, read_only=True)
        assert "store.missing" == info.value.code
        with PostgresStore(url) as db:
            assert db.created

    def test_no_schema_at_all(self, postgres: Any) -> None:
        """A search_path naming no schema that exists: a clear refusal."""
        from rnr.store.postgres import PostgresStore  # noqa: PLC0415

        with pytest.raises(StoreError, match="no schema to keep the store in"):
            PostgresStore(postgres.url("rnr_owner", schema="nowhere"))

    def test_a_new_step_is_applied_once(
        self, place: Place, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A later version's step runs once, whoever opens first; the writer cannot run it.

        Four threads open the store as the owner at once: the step's index is
        made once and rnr_schema gains one row.
        """
        from rnr.store import _pgschema  # noqa: PLC0415

        now = _pgschema.SCHEMA_VERSION
        later = now + 1
        steps = {
            **_pgschema.MIGRATIONS,
            later: ("CREATE INDEX records_by ON records (recorded_by)",),
        }
        monkeypatch.setattr(_pgschema, "MIGRATIONS", steps)
        monkeypatch.setattr(_pgschema, "SCHEMA_VERSION", later)
        with pytest.raises(StoreError, match="permission denied"):
            place.open()  # the writer
        with pytest.raises(StoreError, match=f"schema version {now}, expected {later}"):
            place.open(read_only=True)
        from rnr.store.postgres import PostgresStore  # noqa: PLC0415

        assert place.owner_url is not None
        url = place.owner_url
        errors: list[BaseException] = []

        def open_it() -> None:
            try:
                PostgresStore(url).close()
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=open_it) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [] == errors
        with place.owner() as owner:
            assert [*range(5, later + 1)] == [
                r[0] for r in owner.execute("SELECT version FROM rnr_schema ORDER BY 1")
            ]
        db = place.open()
        assert db.verify().ok
        assert 2 == db.count()


class TestConnection:
    """The URL: its name without a password, and errors on one line."""

    def test_the_name_keeps_no_password(self) -> None:
        """user:password@ and password= are both left out of every message."""
        from rnr.store.postgres import display_name  # noqa: PLC0415

        assert "postgresql://ana@db.example:6432/rnr" == display_name(
            "postgresql://ana:secreto@db.example:6432/rnr?password=otro&sslmode=require"
        )
        assert "postgresql://ana@%2Fvar%2Frun%2Fpostgresql/rnr" == display_name(
            "host=/var/run/postgresql user=ana dbname=rnr password=secreto"
        )

    def test_a_url_that_is_not_one(self) -> None:
        """What libpq cannot read: argument.invalid."""
        from rnr.store.postgres import PostgresStore  # noqa: PLC0415

        with pytest.raises(StoreError, match="not a PostgreSQL connection URL") as info:
            PostgresStore("postgresql://ana@db.example:notaport/rnr?x=1=2")
        assert "argument.invalid" == info.value.code

    def test_no_server_is_one_line(self) -> None:
        """Nobody listening: a StoreError naming the store, no password, no traceback."""
        from rnr.store.postgres import PostgresStore  # noqa: PLC0415

        with pytest.raises(StoreError, match="cannot reach the database") as info:
            PostgresStore("postgresql://ana:secreto@127.0.0.1:1/rnr", timeout=2)
        assert "\n" not in str(info.value)
        assert "secreto" not in str(info.value)
        assert str(info.value).startswith("postgresql://ana@127.0.0.1:1/rnr: ")

    def test_read_only_connections_cannot_write(self, place: Place) -> None:
        """A store opened to read refuses blocks, and its connections refuse writes too."""
        db = place.open(read_only=True)
        with pytest.raises(StoreError, match="read-only"), db.write(by="x"):
            pass
        with pytest.raises(StoreError, match="read-only"):
            db._query(None, "INSERT INTO rnr_schema (version) VALUES (99)", ())  # type: ignore[attr-defined]


# -- the DBA's SQL of docs/store.md, as written -----------------------------------------


def _dba_sql() -> tuple[list[str], list[str]]:
    """The two parts of the SQL block under "Roles and grants": on the server, in the database."""
    page = (ROOT / "docs" / "store.md").read_text(encoding="utf-8")
    section = page[page.index("### Roles and grants") :]
    block = re.search(r"```text\n(.*?)```", section, re.DOTALL)
    assert block is not None
    server, _, database = block.group(1).partition("\\connect rnr")
    assert database, "the block switches to the database with \\connect rnr"

    def statements(text: str) -> list[str]:
        lines = [line.split("--")[0] for line in text.splitlines()]
        return [s.strip() for s in " ".join(lines).split(";") if s.strip()]

    return statements(server), statements(database)


def test_the_dba_sql_of_the_docs_works(postgres: Any, cli: Any) -> None:
    """The roles, database, schema and grants docs/store.md gives, with other names, then rnr.

    The owner creates the tables with ``rnr store init``; rnr writes as the
    writer, which cannot change a row.
    """
    import psycopg  # noqa: PLC0415

    rename = {"rnr_owner": "dba_owner", "rnr_writer": "dba_writer"}

    def renamed(sql: str) -> str:
        for old, new in rename.items():
            sql = sql.replace(old, new)
        return re.sub(r"\brnr\b", "dba", sql)

    on_server, in_database = _dba_sql()
    postgres.admin(*(renamed(s) for s in on_server), dbname="postgres")
    postgres.admin(*(renamed(s) for s in in_database), dbname="dba")
    owner = postgres.url("dba_owner", dbname="dba")
    writer = postgres.url("dba_writer", dbname="dba")
    status, out, err = cli("store", "init", "--db", owner)
    assert 0 == status, err
    assert f"{owner}: registro de casos listo · esquema versión {SCHEMA_VERSION}\n" == out
    assert f"rnr: nota: se creó un registro de casos nuevo en {owner}\n" == err
    case = ROOT / "examples" / "case.json"
    status, out, err = cli("case", "add", case, "--db", writer, "--by", "d7", "--json")
    assert 0 == status, err
    # a second write replaces the case's row of the case index: the writer may update it
    status, out, err = cli(
        "case", "event", "c-101", "breach", "--on", "2025-03-01", "--db", writer, "--by", "d7"
    )
    assert 0 == status, err
    status, out, err = cli("store", "verify", "--db", writer, "--json")
    assert (0, True) == (status, json.loads(out)["ok"]), out
    with psycopg.connect(writer, autocommit=True) as conn:
        assert "dba" == conn.execute("SELECT current_schema()").fetchone()[0]  # type: ignore[index]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM audit")


# -- the command line ----------------------------------------------------------------------


class TestCommandLine:
    """--db postgresql://..., $RNR_DB, rnr store copy both ways, the missing extra."""

    def test_case_commands_and_head(self, places: Places, cli: Any) -> None:
        """A case added through the URL reads back; head and verify --expect agree."""
        place = places("postgres")
        assert isinstance(place.where, str)
        case = ROOT / "examples" / "case.json"
        status, _, err = cli("case", "add", case, "--db", place.where, "--by", "d7")
        assert 0 == status, err
        status, head, err = cli("store", "head", "--db", place.where)
        assert 0 == status, err
        status, out, err = cli("store", "verify", "--db", place.where, "--expect", head.strip())
        assert 0 == status, out + err

    def test_rnr_db_may_be_a_url(
        self, places: Places, cli: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """$RNR_DB=postgresql://... is the store when --db is not given."""
        place = places("postgres")
        assert isinstance(place.where, str)
        monkeypatch.setenv("RNR_DB", place.where)
        status, _, err = cli("case", "add", ROOT / "examples" / "case.json", "--by", "d7")
        assert 0 == status, err
        assert 1 == len(place.open().case_ids())

    def test_copy_both_ways_keeps_the_head_and_the_access_log(
        self, places: Places, cli: Any, tmp_path: Path
    ) -> None:
        """SQLite → PostgreSQL → SQLite: the same head, the same access log, both verified."""
        from rnr.store.access import Access  # noqa: PLC0415
        from rnr.store.sqlite import SQLiteStore  # noqa: PLC0415

        first = tmp_path / "primero.sqlite3"
        status, _, err = cli("case", "add", ROOT / "examples" / "case.json", "--db", first)
        assert 0 == status, err
        with SQLiteStore(first) as db:
            db.log_access(Access(by="ana", role="delegado", unit="crs-01", action="case.history"))
            before = db.verify()
        place = places("postgres")
        assert isinstance(place.where, str)
        status, out, err = cli("store", "copy", "--from", first, "--to", place.where, "--json")
        assert 0 == status, err
        copied = json.loads(out)
        assert (True, before.head, 1, str(first)) == (
            copied["ok"],
            copied["head"],
            copied["access"],
            copied["source"],
        )
        back = tmp_path / "vuelta.sqlite3"
        status, out, err = cli("store", "copy", "--from", place.where, "--to", back)
        assert 0 == status, err
        assert "copiado desde postgresql://rnr_writer@" in out
        for where in (place.where, back):
            status, out, err = cli("store", "verify", "--db", where, "--json")
            found = json.loads(out)
            assert (0, before.head, 1, 1) == (
                status,
                found["head"],
                found["derived"],
                found["timelines"],
            ), out
        status, out, err = cli("store", "access-log", "--db", back, "--json")
        assert "crs-01" == json.loads(out)["unit"]

    def test_copy_into_a_store_that_holds_records_is_refused(
        self, places: Places, cli: Any, tmp_path: Path
    ) -> None:
        """store.not_empty, and the destination unchanged."""
        place = places("postgres")
        assert isinstance(place.where, str)
        case = ROOT / "examples" / "case.json"
        cli("case", "add", case, "--db", place.where)
        source = tmp_path / "s.sqlite3"
        cli("case", "add", case, "--db", source)
        cli.error(
            "store.not_empty",
            "store", "copy", "--from", source, "--to", place.where,
            contains=["cannot import into a store that holds records"],
        )  # fmt: skip
        assert 4 == place.open().count()

    def test_without_the_extra(self, cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        """No psycopg installed: usage.extra.missing saying what to install."""
        import sys  # noqa: PLC0415

        monkeypatch.setitem(sys.modules, "psycopg", None)
        monkeypatch.delitem(sys.modules, "rnr.store.postgres", raising=False)
        cli.error(
            "usage.extra.missing",
            "store", "verify", "--db", "postgresql://ana@db.example/rnr",
            contains=["pip install 'rnr-engine[postgres]'"],
        )  # fmt: skip


def test_the_service_runs_on_a_postgresql_store(places: Places) -> None:
    """rnr serve's application over a PostgreSQL store: a case opened, read, and the access logged.

    The same store as ``rnr serve --db postgresql://...`` opens; every
    request's access entry lands in the database's access log, chained and
    anchored, and the store verifies.
    """
    pytest.importorskip("fastapi")
    from servicekit import client_for  # noqa: PLC0415

    store = places("postgres").open()
    client = client_for("supervisor", store=store)
    body = (ROOT / "examples" / "case.json").read_bytes()
    answer = client.post("/v1/cases", content=body, headers={"Content-Type": "application/json"})
    assert 201 == answer.status_code, answer.text
    case_id = answer.json()["case_id"]
    assert case_id == client.get(f"/v1/cases/{case_id}").json()["case_id"]
    logged = [e.access.action for e in store.access_log()]  # type: ignore[attr-defined]
    assert len(logged) >= 3, logged  # the token granted, then each request
    result = store.verify()
    assert (True, len(logged)) == (result.ok, result.access)


def test_a_connection_the_server_ended_is_replaced(places: Places, postgres: Any) -> None:
    """The server ends every connection (a restart, a DBA's kill): the next write still lands.

    The pool checks a connection before lending it, so a store that outlives
    its connections (a service running for weeks) does not fail its next
    request.
    """
    store = places("postgres").open()
    with store.write(by="delegada") as tx:
        tx.append(Record("event", "c-1", DAY, {"n": 1}))
    postgres.admin(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE usename = 'rnr_writer' AND pid <> pg_backend_pid()"
    )
    with store.write(by="delegada") as tx:
        tx.append(Record("event", "c-1", DAY, {"n": 2}))
    assert (2, True) == (store.count(), store.verify().ok)
