"""Shared test set-up: Hypothesis profiles, and ``rnr`` in process with its error contract.

Worked cases (``instruments/<id>/tests/*.toml``) are collected by rnr's own
pytest plugin, :mod:`rnr.testing.pytest_plugin`, registered as a ``pytest11`` entry
point, so they run here and in an agency's own repository alike.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give every test a node id of its own, or stop the run.

    The suite runs on every core (pytest-xdist, ``-n auto`` in ``pyproject.toml``),
    and xdist hands tests to its workers by node id: tests sharing one would
    run as one, and the others would be lost without a word. Schemathesis
    names its test of each operation ``test…[GET /health]`` but, on pytest 9.2,
    leaves the operation out of the node id; it is put back here.
    """
    for item in items:
        label = getattr(item, "operation_label", None)
        if label is not None and not item.nodeid.endswith("]"):
            item._id = item.parent.id.child(item.name)  # type: ignore[attr-defined, union-attr]
    shared = [nodeid for nodeid, n in Counter(item.nodeid for item in items).items() if n > 1]
    if shared:
        raise pytest.UsageError(f"tests share a node id and would run as one: {shared[:5]}")


@pytest.fixture(autouse=True)
def _own_data_folder(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test has its own data folder: a default store is never the user's own."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("data")))


# -- the command line and the contract of its errors (docs/errors.md) -------------------


class Cli:
    """``rnr`` run in process, and the contract every refusal keeps (docs/errors.md).

    ``cli(*argv)`` gives ``(status, stdout, stderr)``. ``cli.error(code, *argv)``
    asserts a refusal twice: as text (the exit status of ``code``, one ``rnr:
    error:`` line, no traceback) and, with ``--json`` added, as one JSON line on
    standard error that validates against ``rnr schema show error`` and names
    ``code``. ``cli.refused(*argv)`` asserts argparse's refusal the same two ways.
    """

    def __call__(self, *argv: str | Path, stdin: str | None = None) -> tuple[int, str, str]:
        """Run ``rnr argv`` (``stdin`` as standard input); any other exception escapes."""
        from rnr.cli import main  # noqa: PLC0415 - conftest loads before the tests

        out, err = io.StringIO(), io.StringIO()
        with (
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
            pytest.MonkeyPatch.context() as mp,
        ):
            if stdin is not None:
                mp.setattr("sys.stdin", io.StringIO(stdin))
            status = main([str(a) for a in argv])
        return status, out.getvalue(), err.getvalue()

    def error(
        self,
        code: str,
        *argv: str | Path,
        contains: Sequence[str] = (),
        stdin: str | None = None,
        lines: int = 1,
        out: str = "",
        as_json: bool = True,
    ) -> dict[str, Any]:
        """Assert ``rnr argv`` is refused with ``code``, as text and as JSON.

        Args:
            code: the expected code (one of ``rnr.errors.CODES``).
            argv: the command line.
            contains: fragments the message holds (text and JSON alike).
            stdin: standard input, given afresh to each run.
            lines: at most this many ``rnr: error:`` lines (a definition's problems).
            out: what standard output holds before the error (the results of
                the lines of a batch read before the bad one), the same with
                and without ``--json``.
            as_json: also run with ``--json`` (``False`` for a command without it).

        Returns:
            The error object of the JSON run (the text run's, rebuilt, without it).
        """
        from rnr.errors import CODES  # noqa: PLC0415

        assert code in CODES, f"{code} is not in rnr.errors.CODES"
        expected = int(CODES[code])
        status, text_out, err = self(*argv, stdin=stdin)
        assert (expected, out) == (status, text_out), err
        assert "Traceback" not in err
        said = err.splitlines()
        assert 1 <= len(said) <= lines, err
        assert all(line.startswith("rnr: error: ") for line in said), err
        message = "\n".join(line.removeprefix("rnr: error: ") for line in said)
        for fragment in contains:
            assert fragment in message, message
        if not as_json:
            return {"code": code, "message": message}
        status, json_out, err = self(*argv, "--json", stdin=stdin)
        assert (expected, out) == (status, json_out), err
        body = one_json_error(err)
        assert code == body["code"], body
        for fragment in contains:
            assert fragment in body["message"], body
        return body

    @staticmethod
    def json_error(err: str) -> dict[str, Any]:
        """The error object of ``err`` (standard error), checked as :func:`one_json_error` does."""
        return one_json_error(err)

    def refused(self, *argv: str | Path, contains: Sequence[str] = ()) -> None:
        """Assert argparse refuses ``argv``: its usage and ``rnr …: error:`` line, or JSON.

        Either way the status is ``usage.invalid``'s (2) and standard output is empty.
        """
        from rnr.errors import CODES  # noqa: PLC0415

        status, out, err = self(*argv)
        assert (int(CODES["usage.invalid"]), "") == (status, out), err
        said = err.splitlines()
        assert said[0].startswith("usage: rnr"), err
        assert re.match(r"rnr( [a-z]+)*: error: ", said[-1]), err
        for fragment in contains:
            assert fragment in said[-1], err
        status, out, err = self(*argv, "--json")
        assert (int(CODES["usage.invalid"]), "") == (status, out), err
        body = one_json_error(err)
        assert "usage.invalid" == body["code"], body
        for fragment in contains:
            assert fragment in body["message"], body


def one_json_error(err: str) -> dict[str, Any]:
    """The error object of ``err``: exactly one JSON line, valid under the error schema."""
    from jsonschema import Draft202012Validator  # noqa: PLC0415 - only the CLI tests need it

    from rnr.schemas import schema  # noqa: PLC0415

    assert err.endswith("\n"), err
    assert 1 == err.count("\n"), err
    document = json.loads(err)
    Draft202012Validator(schema("error")).validate(document)
    body: dict[str, Any] = document["error"]
    return body


@pytest.fixture
def cli() -> Cli:
    """``rnr`` in process, with the assertions of its error contract (see :class:`Cli`)."""
    return Cli()


# -- stores of every backend, and the test session's PostgreSQL server ------------------


@pytest.fixture(scope="session")
def postgres() -> Any:
    """The session's own PostgreSQL server (tests/pgserver.py), started on first use.

    Where none can be started (no server programs, no driver), the tests that
    need it are skipped with the reason, except in CI (``CI=true``), where
    they fail: a CI run never passes without testing the PostgreSQL store.
    """
    import pgserver  # noqa: PLC0415 - only the store tests need it

    try:
        import psycopg  # noqa: F401, PLC0415
        import psycopg_pool  # noqa: F401, PLC0415

        server = pgserver.start()
    except (ImportError, pgserver.Unavailable) as exc:
        reason = f"no PostgreSQL server for the store tests: {exc}"
        if os.environ.get("CI", "").lower() in {"true", "1"}:
            pytest.fail(f"{reason} (CI must test the PostgreSQL store: .ci/run installs it)")
        pytest.skip(reason)
    yield server
    server.stop()


@pytest.fixture
def places(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """``places(backend)``: a new empty place for a store of that backend (tests/storekit.py)."""
    from storekit import Places  # noqa: PLC0415

    made = Places(tmp_path, lambda: request.getfixturevalue("postgres"))
    yield made
    made.close()
