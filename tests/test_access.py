"""Tokens, roles and the access log: in the store, on the command line, at the service's door.

The access log is chained to itself and anchored in the audit chain; tokens
are granted and revoked by its entries. These tests tamper with it as an
attacker with the file would, export and import it, and knock on the
service's door with no token, a wrong one, a revoked one, and too often.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from storekit import problem_lines

from rnr.errors import InvalidArgumentError, StoreError
from rnr.history.access import (
    PERMISSIONS,
    ROLES,
    access_log,
    add_token,
    authenticate,
    revoke_token,
    tokens,
)
from rnr.schemas import schema
from rnr.store import MemoryStore, Record, SQLiteStore, export_jsonl, import_jsonl
from rnr.store.access import Access
from rnr.store.protocol import Store

ROOT = Path(__file__).parent.parent
CLOCK = "2025-03-01T09:00:00+00:00"


def _stores(tmp_path: Path) -> list[Store]:
    return [
        MemoryStore(clock=lambda: CLOCK),
        SQLiteStore(tmp_path / "s.sqlite3", clock=lambda: CLOCK),
    ]


def _written(store: Store, n: int = 2) -> None:
    with store.write(by="delegada-01") as tx:
        for k in range(n):
            tx.append(Record("event", f"c-{k}", dt.date(2025, 1, k + 1), {"kind": "breach"}))


class TestTokens:
    def test_granted_found_listed_and_revoked(self, tmp_path: Path) -> None:
        for store in _stores(tmp_path):
            secret = add_token(store, "ana", role="delegado", unit="crs-1", by="admin")
            other = add_token(store, "sistema-gendarmeria", role="analista", by="admin")
            assert secret.startswith("rnr_")
            assert len(secret) > 40
            assert secret != other
            found = authenticate(store, secret)
            assert found is not None
            assert ("ana", "delegado", "crs-1") == attrs.astuple(found)
            assert authenticate(store, secret + "x") is None
            assert authenticate(store, "Bearer " + secret) is None
            revoke_token(store, "ana", by="admin")
            assert authenticate(store, secret) is None
            assert authenticate(store, other) is not None
            listed = {t.name: t for t in tokens(store)}
            assert not listed["ana"].active
            assert "admin" == listed["ana"].revoked_by
            assert listed["sistema-gendarmeria"].active
            again = add_token(store, "ana", role="supervisor", by="admin")  # a name freed
            assert "supervisor" == authenticate(store, again).role  # type: ignore[union-attr]
            assert authenticate(store, secret) is None

    def test_only_the_hash_of_a_secret_is_kept(self, tmp_path: Path) -> None:
        path = tmp_path / "s.sqlite3"
        with SQLiteStore(path) as store:
            secret = add_token(store, "ana", role="delegado", by="admin")
        held = b"".join(p.read_bytes() for p in tmp_path.iterdir())
        assert secret.encode() not in held
        assert secret.removeprefix("rnr_").encode() not in held

    @pytest.mark.parametrize(
        ("kw", "code", "field"),
        [
            ({"name": "ana pérez", "role": "delegado"}, "argument.invalid", "name"),
            ({"name": "", "role": "delegado"}, "argument.invalid", "name"),
            ({"name": "ana", "role": "jefe"}, "argument.invalid", "role"),
            ({"name": "ana", "role": "delegado", "unit": "a/b"}, "argument.invalid", "unit"),
            ({"name": "luis", "role": "delegado"}, "token.exists", "name"),
        ],
    )
    def test_refused(self, kw: dict[str, Any], code: str, field: str) -> None:
        store = MemoryStore()
        add_token(store, "luis", role="analista", by="admin")
        with pytest.raises(InvalidArgumentError) as caught:
            add_token(store, by="admin", **kw)
        assert (code, field) == (caught.value.code, caught.value.argument)
        with pytest.raises(InvalidArgumentError) as caught:
            revoke_token(store, "nadie", by="admin")
        assert "token.unknown" == caught.value.code

    @settings(max_examples=60, deadline=None)
    @given(
        st.lists(
            st.tuples(st.sampled_from(["add", "revoke"]), st.sampled_from(["a", "b", "c"])),
            max_size=12,
        )
    )
    def test_tokens_in_force_follow_every_grant_and_revocation(
        self, steps: list[tuple[str, str]]
    ) -> None:
        """Whatever the sequence, exactly the last secret of each name in force is accepted."""
        store = MemoryStore()
        model: dict[str, str] = {}
        ever: list[str] = []
        for action, name in steps:
            if action == "add":
                if name in model:
                    with pytest.raises(InvalidArgumentError):
                        add_token(store, name, role="delegado", by="x")
                    continue
                model[name] = add_token(store, name, role="delegado", by="x")
                ever.append(model[name])
            elif name in model:
                revoke_token(store, name, by="x")
                del model[name]
        for secret in ever:
            found = authenticate(store, secret)
            in_force = [n for n, s in model.items() if s == secret]
            assert (found.name if found else None) == (in_force[0] if in_force else None)
        assert {t.name for t in tokens(store) if t.active} == set(model)
        assert store.verify().ok


class TestAccessLog:
    def test_chained_anchored_and_verified(self, tmp_path: Path) -> None:
        for store in _stores(tmp_path):
            first = store.log_access(Access("ana", "delegado", None, "case.history", "c-1", 200))  # type: ignore[attr-defined]
            _written(store)
            second = store.log_access(Access("ana", "delegado", None, "case.event", "c-1", 201))  # type: ignore[attr-defined]
            assert (0, 2) == (first.anchor_seq, second.anchor_seq)
            assert second.prev == first.sha256
            result = store.verify()
            assert result.ok
            assert 2 == result.access
            assert [first, second] == list(access_log(store))

    def test_several_at_once_are_chained_in_one_write(self, tmp_path: Path) -> None:
        for store in _stores(tmp_path):
            _written(store)
            batch = [
                Access(f"p{n}", "delegado", None, "case.history", "c-1", 200) for n in range(3)
            ]
            last = store.log_access(*batch)  # type: ignore[attr-defined]
            logged = list(access_log(store))
            assert [a.by for a in batch] == [e.access.by for e in logged]
            assert last == logged[-1]
            assert logged[1].prev == logged[0].sha256
            assert {2} == {e.anchor_seq for e in logged}
            assert store.verify().ok

    def test_the_table_is_append_only(self, tmp_path: Path) -> None:
        path = tmp_path / "s.sqlite3"
        with SQLiteStore(path) as store:
            store.log_access(Access("ana", "delegado", None, "case.history", "c-1", 200))
        conn = sqlite3.connect(path)
        for sql in ("UPDATE access SET status = 500", "DELETE FROM access"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                conn.execute(sql)
        conn.close()

    @pytest.mark.parametrize(
        ("sql", "found"),
        [
            ("UPDATE access SET case_id = 'c-9' WHERE seq = 2", "access entry 2: altered"),
            ("DELETE FROM access WHERE seq = 2", "access entry 3: out of sequence"),
            ("DELETE FROM access WHERE seq = 3", None),  # the tail: only a head kept outside
            (
                "UPDATE audit SET sha256 = '" + "0" * 64 + "' WHERE seq = 2",
                "access entry 3: anchored",
            ),
        ],
    )
    def test_tampering_is_reported(self, tmp_path: Path, sql: str, found: str | None) -> None:
        path = tmp_path / "s.sqlite3"
        with SQLiteStore(path) as store:
            store.log_access(Access("ana", "delegado", None, "case.history", "c-1", 200))
            _written(store)
            store.log_access(Access("ana", "delegado", None, "case.event", "c-1", 201))
            store.log_access(Access("luis", "analista", None, "indicators", None, 200))
        conn = sqlite3.connect(path)
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        ).fetchall():
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute(sql)
        conn.commit()
        conn.close()
        with SQLiteStore(path, read_only=True) as store:
            problems = problem_lines(store.verify())
        if found is None:
            assert not any(p.startswith("access") for p in problems), problems
        else:
            assert any(p.startswith(found) for p in problems), problems


class TestExport:
    def test_round_trip_keeps_the_access_log(self, tmp_path: Path) -> None:
        store = MemoryStore(clock=lambda: CLOCK)
        add_token(store, "ana", role="delegado", unit="crs-1", by="admin")
        _written(store)
        store.log_access(Access("ana", "delegado", "crs-1", "case.history", "c-1", 200))
        out = io.StringIO()
        assert 1 + 2 + 2 + 2 == export_jsonl(store, out)
        lines = out.getvalue().splitlines()
        header = json.loads(lines[0])
        assert ("rnr.store-export/2", 2) == (header["format"], header["access"])
        check = Draft202012Validator(schema("store-export"))
        for line in lines:
            check.validate(json.loads(line))
        for copy in (MemoryStore(), SQLiteStore(tmp_path / "copia.sqlite3")):
            result = import_jsonl(copy, io.StringIO(out.getvalue()), name="copia.jsonl")
            assert result.ok
            assert 2 == result.access
            again = io.StringIO()
            export_jsonl(copy, again)
            assert out.getvalue() == again.getvalue()
            assert "crs-1" == tokens(copy)[0].unit

    def test_a_store_without_access_log_still_exports_format_1(self) -> None:
        store = MemoryStore(clock=lambda: CLOCK)
        _written(store)
        out = io.StringIO()
        export_jsonl(store, out)
        assert "rnr.store-export/1" == json.loads(out.getvalue().splitlines()[0])["format"]

    def test_an_edited_access_line_is_refused(self) -> None:
        store = MemoryStore(clock=lambda: CLOCK)
        _written(store)
        store.log_access(Access("ana", "delegado", None, "case.history", "c-1", 200))
        lines = io.StringIO()
        export_jsonl(store, lines)
        text = lines.getvalue().replace('"case_id":"c-1","detail"', '"case_id":"c-2","detail"')
        copy = MemoryStore()
        with pytest.raises(
            StoreError, match=r"import refused: verify.access_altered \(entry 1\)"
        ) as caught:
            import_jsonl(copy, io.StringIO(text), name="b.jsonl")
        assert "store.integrity" == caught.value.code
        assert 0 == copy.count()  # nothing written


class TestCommandLine:
    def test_tokens_add_list_revoke(self, cli: Any, tmp_path: Path) -> None:
        db = tmp_path / "s.sqlite3"
        status, out, _ = cli(
            "tokens",
            "add",
            "ana",
            "--role",
            "delegado",
            "--unit",
            "crs-1",
            "--db",
            db,
            "--by",
            "jefa",
        )
        assert 0 == status
        line, keep = out.splitlines()
        secret = line.rsplit(": ", 1)[1]
        assert line.startswith("token de ana (delegado, crs-1): rnr_")
        assert "no vuelve" in keep
        with SQLiteStore(db) as store:
            assert "ana" == authenticate(store, secret).name  # type: ignore[union-attr]
        status, out, _ = cli("tokens", "add", "luis", "--role", "analista", "--db", db, "--json")
        assert 0 == status
        assert json.loads(out)["token"].startswith("rnr_")
        status, out, _ = cli("tokens", "list", "--db", db)
        assert "ana · delegado · crs-1 · vigente desde el " in out
        assert "luis · analista · todas las unidades" in out
        assert "rnr_" not in out
        status, out, _ = cli("tokens", "revoke", "ana", "--db", db, "--by", "jefa")
        assert (0, "token de ana revocado: se rechaza desde la próxima solicitud\n") == (
            status,
            out,
        )
        status, out, _ = cli("tokens", "list", "--db", db, "--json")
        listed = json.loads(out)
        assert [False, True] == [t["active"] for t in listed]
        assert "jefa" == listed[0]["revoked_by"]
        cli.error("token.unknown", "tokens", "revoke", "ana", "--db", db, as_json=False)
        cli.error("token.exists", "tokens", "add", "luis", "--role", "admin", "--db", db)
        cli.refused("tokens", "add", "x", "--role", "jefe", "--db", db, contains=["--role"])
        status, out, _ = cli("store", "access-log", "--db", db)
        assert 3 == len(out.splitlines())
        assert "jefa (-) · tokens.revoke · sin caso" in out
        status, out, _ = cli("store", "access-log", "--db", db, "--json")
        assert ["tokens.add", "tokens.add", "tokens.revoke"] == [
            json.loads(line)["action"] for line in out.splitlines()
        ]
        status, out, _ = cli("store", "verify", "--db", db, "--json")
        assert (0, 3) == (status, json.loads(out)["access"])


def test_every_role_has_permissions_and_only_known_ones() -> None:
    known = {
        "definitions",
        "compute",
        "case.read",
        "case.write",
        "override.approve",
        "aggregate",
        "tokens",
    }
    assert set(ROLES) == set(PERMISSIONS)
    assert set().union(*PERMISSIONS.values()) == known
    assert not {"case.read", "case.write", "compute"} & (
        PERMISSIONS["analista"] | PERMISSIONS["admin"]
    )


class TestTheDoor:
    """The service's door: 401, 429 and what its own log never holds."""

    def _app(self, store: Store, **kw: Any) -> Any:
        from fastapi.testclient import TestClient  # noqa: PLC0415

        from rnr.service import create_app  # noqa: PLC0415

        return TestClient(create_app(store=store), **kw)

    def test_no_token_a_wrong_one_and_a_revoked_one(self) -> None:
        store = MemoryStore()
        client = self._app(store)
        secret = add_token(store, "ana", role="delegado", by="admin")
        for headers in ({}, {"Authorization": "Bearer rnr_x"}, {"Authorization": secret}):
            answer = client.get("/v1/instruments", headers=headers)
            assert 401 == answer.status_code
            assert "request.unauthenticated" == answer.json()["code"]
            assert 'Bearer realm="rnr"' == answer.headers["www-authenticate"]
        ok = {"Authorization": f"Bearer {secret}"}
        assert 200 == client.get("/v1/instruments", headers=ok).status_code
        revoke_token(store, "ana", by="admin")
        assert 401 == client.get("/v1/instruments", headers=ok).status_code
        assert 200 == client.get("/health").status_code
        assert 200 == client.get("/openapi.json").status_code
        logged = [(e.access.by, e.access.status) for e in access_log(store)]
        assert [("-", 401)] * 3 + [("ana", 200), ("-", 401)] == [
            x for x in logged if x[0] != "admin"
        ]

    def test_too_many_failures_wait(self) -> None:
        store = MemoryStore()
        client = self._app(store)
        secret = add_token(store, "ana", role="delegado", by="admin")
        for _ in range(10):
            assert 401 == client.get("/v1/policies").status_code
        answer = client.get("/v1/policies", headers={"Authorization": f"Bearer {secret}"})
        assert 429 == answer.status_code
        assert "request.throttled" == answer.json()["code"]
        assert 1 <= int(answer.headers["retry-after"]) <= 61

    def test_the_service_log_holds_no_token_body_nor_case(
        self, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        import rnr.service.app  # noqa: PLC0415

        store = MemoryStore()
        secret = add_token(store, "ana", role="supervisor", by="admin")
        client = self._app(store)
        case = json.loads((ROOT / "examples/case.json").read_text("utf-8"))
        case["person"]["birth_date"] = "1986-09-12"

        def broken(*_: object, **__: object) -> None:
            raise RuntimeError(f"detail of {case['case_id']}")

        caplog.set_level("DEBUG")
        ok = {"Authorization": f"Bearer {secret}"}
        client.post("/v1/score", json=case, headers=ok)
        client.post("/v1/score", json={**case, "responses": {}}, headers=ok)
        client.post("/v1/score", json=case, headers={"Authorization": f"Bearer {secret}x"})
        monkeypatch.setattr(rnr.service.app, "score_one", broken)
        crashing = self._app(store, raise_server_exceptions=False)
        assert 500 == crashing.post("/v1/score", json=case, headers=ok).status_code
        text = "\n".join(r.getMessage() for r in caplog.records)
        assert "RuntimeError" in text  # the bug is logged, by its type
        born = case["person"]["birth_date"]
        for secret_part in (secret, secret[4:], case["case_id"], born, "detail of"):
            assert secret_part not in text


class TestGroupCommit:
    """Concurrent requests' entries are written together; none lost, a failure reaches each."""

    def test_many_threads_every_entry_once_in_a_valid_chain(self, tmp_path: Path) -> None:
        import threading  # noqa: PLC0415

        from rnr.service.identity import _Batches  # noqa: PLC0415

        with SQLiteStore(tmp_path / "s.sqlite3") as store:
            batches = _Batches(store)

            def knock(n: int) -> None:
                for k in range(10):
                    batches.write(Access(f"t{n}", "delegado", None, "case.history", f"c-{k}", 200))

            threads = [threading.Thread(target=knock, args=(n,)) for n in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            logged = [(e.access.by, e.access.case_id) for e in access_log(store)]
            assert sorted(logged) == sorted(
                (f"t{n}", f"c-{k}") for n in range(8) for k in range(10)
            )
            assert store.verify().ok

    def test_a_failed_write_fails_its_requests(self) -> None:
        from rnr.service.identity import _Batches  # noqa: PLC0415

        class Broken(MemoryStore):
            def log_access(self, _: Access) -> Any:
                raise StoreError("disk full", path=self.name)

        batches = _Batches(Broken())
        with pytest.raises(StoreError, match="disk full"):
            batches.write(Access("ana", "delegado", None, "case.history", "c-1", 200))
