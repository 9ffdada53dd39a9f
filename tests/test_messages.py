"""The message catalogues: same keys and placeholders in every locale, safe to fill."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from rnr.errors import RenderError
from rnr.render.history import problem_words
from rnr.render.messages import LOCALES, Catalogue, _load_area, catalogue, placeholders, say
from rnr.text import Message, Text, words_from_dict, words_to_dict


def _forms(entry: object) -> list[str]:
    return [entry] if isinstance(entry, str) else list(entry.values())  # type: ignore[attr-defined]


def _shape(entry: object) -> tuple[str, frozenset[str]]:
    """Whether an entry is a sentence or plural forms, and the placeholders it uses."""
    kind = "sentence" if isinstance(entry, str) else "plural"
    return kind, frozenset().union(*(placeholders(f) for f in _forms(entry)))


def test_every_locale_has_exactly_the_same_keys() -> None:
    """A key present in one locale and missing in another is a bug in the catalogue."""
    default = catalogue(LOCALES[0])
    for lang in LOCALES[1:]:
        other = catalogue(lang)
        assert sorted(default.entries) == sorted(other.entries), lang


def test_every_key_has_the_same_placeholders_in_every_locale() -> None:
    """A translation names the same parameters and keeps plural forms plural."""
    default = catalogue(LOCALES[0])
    for lang in LOCALES[1:]:
        other = catalogue(lang).entries
        for key, entry in default.entries.items():
            assert _shape(entry) == _shape(other[key]), f"{lang}: {key}"


@pytest.mark.parametrize("lang", LOCALES)
def test_no_entry_is_empty_or_a_key(lang: str) -> None:
    """Every sentence says something, and never its own key."""
    for key, entry in catalogue(lang).entries.items():
        for form in _forms(entry):
            assert form.strip() or key.endswith(".none"), key
            assert key not in form


def test_plural_forms_follow_the_count() -> None:
    """``one`` for exactly one, ``other`` otherwise (zero included)."""
    words = Catalogue("es", {"t.items": {"one": "{count} ítem", "other": "{count} ítems"}})
    assert "1 ítem" == words("t.items", count=1)
    assert "0 ítems" == words("t.items", count=0)
    assert "35 ítems" == words("t.items", count=35)


def test_unknown_keys_and_missing_parameters_are_render_errors() -> None:
    """A wrong key or a forgotten parameter is a clear error, never a half sentence."""
    words = Catalogue("es", {"t.hello": "Hola, {name}", "t.n": {"one": "uno", "other": "más"}})
    with pytest.raises(RenderError, match="no message 't.bye'"):
        words("t.bye")
    with pytest.raises(RenderError, match="needs the parameter 'name'"):
        words("t.hello")
    with pytest.raises(RenderError, match="needs a count"):
        words("t.n")


@pytest.mark.parametrize("field", ["{a.__class__}", "{a[0]}", "{}", "{0}"])
def test_placeholders_cannot_reach_into_values(field: str) -> None:
    """Only plain parameter names: no attribute, index or positional access."""
    with pytest.raises(RenderError, match="plain parameter name"):
        placeholders(f"x {field} y")


def test_unknown_locale_is_refused() -> None:
    """Only the shipped locales."""
    with pytest.raises(RenderError, match="expected one of es, en"):
        catalogue("fr")


def test_say_renders_codes_and_definition_texts() -> None:
    """A coded message goes through the catalogue; a definition's text picks its language."""
    assert "BORRADOR" == say(Message("plan.draft"))
    assert "DRAFT" == say(Message("plan.draft"), "en")
    assert "Sí" == say(Text("Sí", "Yes"))
    assert "Yes" == say(Text("Sí", "Yes"), "en")
    assert Message("a.b", {"n": 1}) == Message("a.b", {"n": 1})


def test_list_parameters_are_said_and_joined_by_the_format_spec() -> None:
    """A list is said item by item in the same locale and joined by its spec, ", " by default."""
    words = Catalogue("en", {"t.yes": "yes", "t.all": "{xs}", "t.semi": "{xs:; }"})
    listed = Message("t.all", {"xs": (1, Message("t.yes"), Text("sí", "yes"))})
    assert "1, yes, yes" == words.say(listed)
    assert "a; b" == words.say(Message("t.semi", {"xs": ["a", "b"]}))
    assert listed == words_from_dict(json.loads(json.dumps(words_to_dict(listed))))


def test_membership_reads_one_area() -> None:
    """``key in catalogue`` answers for shipped and given catalogues alike."""
    assert "plan.draft" in catalogue("es")
    assert "plan.no_such_key" not in catalogue("es")
    assert "nowhere.draft" not in catalogue("es")
    assert "t.x" in Catalogue("es", {"t.x": "x"})


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("title = \n", "cannot read the message catalogue"),
        ("title = 3\n", "expected a string, plural forms (one, other) or a table of names"),
        ('title = { one = "a", other = 2 }\n', "plural forms must be strings"),
        ('title = "{a.b}"\n', "plain parameter name"),
        ('title = "x } y"\n', "area.title: 'x } y': Single '}' encountered"),
        ('title = { one = "{count", other = "b" }\n', "area.title: '{count': expected '}'"),
    ],
)
def test_a_malformed_catalogue_file_is_a_render_error(
    tmp_path: Path, text: str, fragment: str
) -> None:
    """A broken area file names itself and what is wrong, never a traceback."""
    path = tmp_path / "area.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RenderError, match=re.escape(fragment)):
        _load_area(path, "area")


def test_listed_values_are_written_the_readers_way() -> None:
    """Dates and figures inside a listed parameter follow the locale, like single ones."""
    words = {"x.a": "fechas {d}; cifras {n:; }"}
    message = Message("x.a", {"d": (dt.date(2025, 1, 2), dt.date(2025, 3, 4)), "n": (0.5, 2)})
    assert "fechas 02-01-2025, 04-03-2025; cifras 0,5; 2" == Catalogue("es", words).say(message)
    assert "fechas 2025-01-02, 2025-03-04; cifras 0.5; 2" == Catalogue("en", words).say(message)


@pytest.mark.parametrize("lang", LOCALES)
def test_every_verification_problem_is_said_with_its_parameters(lang: str) -> None:
    """Each ``verify`` problem renders from the parameters a verification gives it.

    Numbers for what counts or names a record, entry or year (a grouped
    figure such as ``{records:,}`` needs one), names for the rest, a tuple of
    columns; a part the catalogue names is said by its name, another as it is.
    """
    words = catalogue(lang)
    numbers = {"record", "entry", "expected", "first", "count", "anchor", "year", "records"}
    numbers |= {"entries", "source_records", "source_entries"}
    for key, entry in words.section("verify").items():
        if key == "parts":
            continue
        names = frozenset().union(*(placeholders(f) for f in _forms(entry)))
        params = {
            name: 3 if name in numbers else ("risk_level", "rank") if name == "columns" else "x"
            for name in names
        }
        said = problem_words(Message(f"verify.{key}", params), words)
        assert "{" not in said, key
    named = Message("verify.index_differs", {"case": "c-1", "columns": ("unit", "hecho_nuevo")})
    expected = {"es": "unidad, hecho_nuevo", "en": "unit, hecho_nuevo"}[lang]
    assert problem_words(named, words).endswith(f"en {expected}" if lang == "es" else expected)
