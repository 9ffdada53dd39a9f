"""What a Spanish reader sees holds no catalogue key, no English and no raw id.

Every command that prints something for a person runs in Spanish (the
default) on the shipped examples and on a simulated store; the output must
not show a message key (``policy.title``), any English sentence of the
catalogue where its Spanish one belongs, an English word of the list kept in
``tests/data/spanish/english-words.txt``, an id of the shipped data
(``very_low``, ``lv-art15a``, ``lscmi@1.0.0``), an ISO date, a decimal point
or a plural written "caso(s)".
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import re
import shutil
import sqlite3
import string
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from rnr.cli import main
from rnr.definitions.library import data_dir
from rnr.render.messages import catalogue

DATA = Path(__file__).resolve().parent / "data" / "plans" / "cases"
ENGLISH = Path(__file__).resolve().parent / "data" / "spanish" / "english-words.txt"
YEAR = "2025"
#: The one line a command that writes prints on standard error when it creates the store.
CREATED = re.compile(r"^rnr: nota: se creó un registro de casos nuevo en \S+$")
#: An id of the shipped data: lower-case words joined by ``_`` or ``-``, or a versioned ref.
ID = re.compile(r"^(?:[a-z][a-z0-9]*(?:[_-][a-z0-9]+)+|[a-z][\w-]*@[\w.-]+)$")
#: What a Spanish document never shows.
FORBIDDEN = {
    "an ISO date": re.compile(r"(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-])"),
    "a decimal point": re.compile(r"(?<![\w.])\d+\.\d{1,2}(?![\w.])|(?<![\w.])0\.\d+"),
    "a plural in brackets": re.compile(r"\w\((?:s|es|n|as)\)"),
    "a snake_case id": re.compile(r"(?<![\w/.-])[a-z]+(?:_[a-z0-9]+)+(?![\w/.])"),
    "an id at a version": re.compile(r"\b[a-z][\w-]*@\d"),
}


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
        edited = folder / "editado.sqlite3"
        shutil.copyfile(db, edited)
        with contextlib.closing(sqlite3.connect(edited)) as conn, conn:
            first, second = (r[0] for r in conn.execute("SELECT case_id FROM case_index LIMIT 2"))
            conn.execute("UPDATE case_index SET unit = 'sur', rank = 0 WHERE case_id = ?", (first,))
            conn.execute("DELETE FROM case_index WHERE case_id = ?", (second,))
        out["store verify"] = rnr.run("store", "verify", "--db", edited, status=1)
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

    def run(self, *argv: str | Path, status: int = 0) -> str:
        """``status``: the exit status expected (1, a check that found problems)."""
        stdout, stderr = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            got = main([str(a) for a in argv])
        notes = [line for line in stderr.getvalue().splitlines() if not CREATED.match(line)]
        assert (status, []) == (got, notes), argv
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


def _readable(text: str) -> str:
    """What a person reads as words: no command to type (``$ rnr ...``), no file path, no markup.

    A command and a path are typed as shown, in any language; HTML loses its
    tags, styles and scripts.
    """
    text = re.sub(r"(?m)^\s*\$ .*$", " ", text)
    if "<html" in text or "<svg" in text:
        text = re.sub(r"<(style|script)\b.*?</\1>", " ", text, flags=re.S)
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return re.sub(r"\S*/\S*\.(?:json|jsonl|sqlite3|html|toml)\b", " ", text)


def _english_words() -> set[str]:
    lines = ENGLISH.read_text("utf-8").splitlines()
    return {line.split("#")[0].strip().lower() for line in lines} - {""}


def _ids(value: Any) -> Iterator[str]:
    """Every id-looking key and string of a TOML table."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _ids(item)
    elif isinstance(value, list):
        for item in value:
            yield from _ids(item)
    elif isinstance(value, str):
        yield value


def _shipped_ids() -> set[str]:
    """The ids of the shipped instruments, policies, objectives and indicators."""
    found = set()
    for path in data_dir().rglob("*.toml"):
        with contextlib.suppress(tomllib.TOMLDecodeError):  # the malformed examples
            found |= {v for v in _ids(tomllib.loads(path.read_text("utf-8"))) if ID.match(v)}
    return found


def test_spanish_output_has_no_english_word_nor_raw_id(outputs: dict[str, str]) -> None:
    """A Chilean reader meets Spanish words, Spanish figures and names, never ids."""
    english, ids = _english_words(), _shipped_ids()
    problems: dict[str, list[str]] = {}
    for name, text in outputs.items():
        shown = _readable(text)
        words = set(re.findall(r"[\w@.-]+", shown))
        found = sorted({w for w in re.findall(r"[A-Za-z]+", shown) if w.lower() in english})
        found += sorted(w for w in words if w in ids or w.rstrip(".") in ids)
        for what, pattern in FORBIDDEN.items():
            found += [f"{what}: {m}" for m in sorted(set(pattern.findall(shown)))]
        if found:
            problems[name] = found
    assert not problems, "\n".join(
        f"{name}: {', '.join(found)}" for name, found in problems.items()
    )


def test_the_word_check_finds_what_it_looks_for() -> None:
    """The check flags each kind of leak (so it can fail)."""
    text = "sexo male · very_low · lv-art15a · 2024-08-19 · 43.2 % · 3 caso(s) · lscmi@1.0.0"
    ids = _shipped_ids()
    assert "lv-art15a" in ids
    assert "male" in {w.lower() for w in re.findall(r"[A-Za-z]+", text)} & _english_words()
    assert all(pattern.search(text) for pattern in FORBIDDEN.values())


def test_every_output_was_produced(outputs: dict[str, str]) -> None:
    """Each command printed something (an empty report would pass the other tests)."""
    assert [] == [name for name, text in outputs.items() if not text.strip()]


def test_the_check_finds_english_where_it_is() -> None:
    """The same check on the English output finds English (so it can fail)."""
    case = DATA / "prueba-adulto-01.json"
    english = _english_only()
    text = _Command().run("decide", "--policy", "cl-adultos-18216", "--lang", "en", case)
    assert [f for f in english if f in text]
