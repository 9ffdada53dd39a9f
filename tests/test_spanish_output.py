"""What a Spanish reader sees holds no catalogue key and no English left in place of Spanish.

Every command that prints something for a person runs in Spanish (the
default) on the shipped examples and on a simulated store; the output must
not show a message key (``policy.title``) nor any English sentence of the
catalogue where its Spanish one belongs.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import string
from collections.abc import Mapping
from pathlib import Path

import pytest

from rnr.cli import main
from rnr.render.messages import catalogue

DATA = Path(__file__).resolve().parent / "data" / "plans" / "cases"
YEAR = "2025"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The Spanish output of every command that prints for a person."""
    folder = tmp_path_factory.mktemp("es")
    db = folder / "casos.sqlite3"
    out: dict[str, str] = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder)
        rnr = _Command()
        for name in ("prueba-adulto-01", "prueba-juvenil-01"):
            case = DATA / f"{name}.json"
            regime = json.loads(case.read_text("utf-8"))["legal"]["regime"]
            policy = "cl-adultos-18216" if regime == "adult" else "cl-juvenil-20084"
            out[f"decide {name}"] = rnr.run("decide", "--policy", policy, case)
            out[f"plan md {name}"] = rnr.run("plan", "--policy", policy, case)
            html = folder / f"{name}.html"
            rnr.run("plan", "--policy", policy, "--format", "html", "-o", html, case)
            out[f"plan html {name}"] = html.read_text("utf-8")
            out[f"score {name}"] = rnr.run("score", case)
        out["demo"] = rnr.run("demo")
        rnr.run("simulate", "--people", "40", "--years", "3", "--seed", "5", "--db", db)
        listing = rnr.run("case", "list", "--db", db, "--json")
        case_id = json.loads(listing.splitlines()[0])["case_id"]
        out["case list"] = rnr.run("case", "list", "--db", db)
        out["case history"] = rnr.run("case", "history", case_id, "--db", db)
        out["case change"] = rnr.run("case", "change", case_id, "--db", db)
        out["due"] = rnr.run("due", "--db", db)
        report = folder / "indicadores.html"
        out["indicators"] = rnr.run("indicators", "--period", YEAR, "--db", db, "--html", report)
        out["indicators html"] = report.read_text("utf-8")
        validity = folder / "validez.html"
        out["validate"] = rnr.run(
            "validate", "--db", db, "--instrument", "lscmi", "--html", validity
        )
        out["validate html"] = validity.read_text("utf-8")
    return out


class _Command:
    """Runs ``rnr`` in process and returns what it printed (stdout), failing on any error."""

    def run(self, *argv: str | Path) -> str:
        stdout, stderr = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            status = main([str(a) for a in argv])
        assert (0, "") == (status, stderr.getvalue()), argv
        return stdout.getvalue()


def _forms(entry: str | Mapping[str, str]) -> list[str]:
    return [entry] if isinstance(entry, str) else list(entry.values())


def _fragments(text: str) -> list[str]:
    """The literal runs of a sentence between its placeholders."""
    return [literal for literal, *_ in string.Formatter().parse(text) if literal]


def _english_only() -> list[str]:
    """Literal English fragments (three words or more) that Spanish never says."""
    es, en = catalogue("es").entries, catalogue("en").entries
    spanish = " ".join(
        form
        for entry in es.values()
        for form in ([entry] if isinstance(entry, str) else entry.values())
    )
    found = set()
    for entry in en.values():
        for form in _forms(entry):
            for literal in _fragments(form):
                fragment = literal.strip(" .,:;()·-—")
                if len(fragment.split()) >= 3 and fragment not in spanish:
                    found.add(fragment)
    return sorted(found)


def test_spanish_output_shows_no_catalogue_key(outputs: dict[str, str]) -> None:
    """A key such as ``policy.title`` printed instead of its sentence is a bug."""
    keys = sorted(catalogue("es").entries, key=len, reverse=True)
    for name, text in outputs.items():
        shown = [k for k in keys if re.search(rf"(?<![\w/.]){re.escape(k)}(?![\w])", text)]
        assert [] == shown, name


def test_spanish_output_holds_no_english_sentence(outputs: dict[str, str]) -> None:
    """No English sentence of the catalogue appears where Spanish belongs."""
    english = _english_only()
    assert english, "the English catalogue has sentences of its own"
    for name, text in outputs.items():
        assert [] == [f for f in english if f in text], name


def test_every_output_was_produced(outputs: dict[str, str]) -> None:
    """Each command printed something (an empty report would pass the other tests)."""
    assert [] == [name for name, text in outputs.items() if not text.strip()]


def test_the_check_finds_english_where_it_is() -> None:
    """The same check on the English output finds English (so it can fail)."""
    case = DATA / "prueba-adulto-01.json"
    english = _english_only()
    text = _Command().run("decide", "--policy", "cl-adultos-18216", "--lang", "en", case)
    assert [f for f in english if f in text]
