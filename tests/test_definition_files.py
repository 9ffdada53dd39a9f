"""One way to load a definition file, and one lookup for instrument and policy versions.

The loaders of ``rnr.definitions`` share their reading, top-level and schema
check and final error; the two libraries share their lookup by id, version
or date. These tests cover what the per-kind tests do not: the reliability
file, the wording shared by every loader and the policy side of the lookup.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from rnr import DefinitionError, Library, PolicyLibrary, UnknownInstrumentError
from rnr.definitions.catalogue import load_catalogue
from rnr.definitions.indicators import load_indicators, load_reinsertion
from rnr.definitions.labels import load_labels
from rnr.definitions.library import data_dir, default_library
from rnr.definitions.reliability import load_reliability
from rnr.errors import UnknownPolicyError

DATA = Path(__file__).parent / "data"
KINDS = DATA / "kinds" / "1.0.0.toml"
DEMO_POLICY = DATA / "policies" / "demo-policy" / "2024-01-01.toml"
INDICATORS = data_dir() / "plans" / "indicators"
RELIABILITY = (
    'schema = "rnr.reliability/1"\ninstrument = "lscmi"\n'
    '[scales.total]\nsd = 2.0\nr = 0.8\nsource = "estudio local"\n'
)


class TestReliabilityFile:
    def test_a_good_file_loads(self, tmp_path: Path) -> None:
        """The figures of each scale, with their source and status."""
        path = tmp_path / "r.toml"
        path.write_text(RELIABILITY, encoding="utf-8")
        figures = load_reliability(path)
        assert "lscmi" == figures.instrument
        assert (2.0, 0.8, "estudio local", "validated") == (
            figures.scales["total"].sd,
            figures.scales["total"].r,
            figures.scales["total"].source,
            figures.scales["total"].status,
        )

    @pytest.mark.parametrize(
        ("old", "new", "fragment"),
        [
            (
                '"rnr.reliability/1"',
                '"rnr.reliability/2"',
                "schema: got 'rnr.reliability/2', expected 'rnr.reliability/1'",
            ),
            ('instrument = "lscmi"\n', "", "instrument: missing required key"),
            ('instrument = "lscmi"', "instrument = 3", "instrument: got 3, expected a string"),
            (
                'instrument = "lscmi"\n',
                'instrument = "lscmi"\nnote = 1\n',
                "note: unknown key; allowed here: instrument, scales, schema",
            ),
            (
                "sd = 2.0",
                "sd = -1",
                "scales.total.sd: got -1.0, expected a positive standard deviation",
            ),
            (
                "r = 0.8",
                "r = 1.5",
                "scales.total.r: got 1.5, expected a reliability coefficient in [0, 1)",
            ),
            ("r = 0.8", 'r = "x"', "scales.total.r: got 'x', expected a number"),
            ('source = "estudio local"\n', "", "scales.total.source: missing required key"),
            (
                '[scales.total]\nsd = 2.0\nr = 0.8\nsource = "estudio local"\n',
                "scales = {}\n",
                "scales: got {}, expected a table of [scales.<id>] with sd, r and source",
            ),
            (
                '[scales.total]\nsd = 2.0\nr = 0.8\nsource = "estudio local"\n',
                "scales = { total = 3 }\n",
                "scales.total: got 3, expected a table",
            ),
            ("r = 0.8\n", "r = 0.8\nr = 0.9\n", "invalid TOML"),
        ],
        ids=[
            "schema",
            "no-instrument",
            "instrument-not-text",
            "unknown-key",
            "negative-sd",
            "r-above-one",
            "r-not-number",
            "no-source",
            "no-scale",
            "scale-not-table",
            "invalid-toml",
        ],
    )
    def test_a_broken_file_names_file_path_and_expectation(
        self, tmp_path: Path, old: str, new: str, fragment: str
    ) -> None:
        """Each broken reliability file is refused with the file and the dotted path."""
        assert old in RELIABILITY
        path = tmp_path / "r.toml"
        path.write_text(RELIABILITY.replace(old, new, 1), encoding="utf-8")
        with pytest.raises(DefinitionError) as info:
            load_reliability(path)
        message = str(info.value)
        assert message.startswith(str(path))
        assert fragment in message


class TestSharedWording:
    def test_an_array_of_tables_that_is_not_an_array(self, tmp_path: Path) -> None:
        """``objectives = 3`` is named once, not element by element."""
        text = (DATA / "plan_catalogue" / "objectives" / "kinds.toml").read_text(encoding="utf-8")
        head = text.split("[[objectives]]")[0]
        (tmp_path / "kinds.toml").write_text(head + "objectives = 3\n", encoding="utf-8")
        with pytest.raises(DefinitionError) as info:
            load_catalogue(tmp_path, library=Library.from_folders(DATA))
        assert "objectives: got 3, expected an array of tables ([[objectives]])" in str(info.value)

    def test_a_malformed_id_says_what_an_id_is(self, tmp_path: Path) -> None:
        """An id that breaks its pattern is not called 'not a string'."""
        text = (INDICATORS / "programas.toml").read_text(encoding="utf-8")
        path = tmp_path / "programas.toml"
        path.write_text(text.replace('id = "pla-logro-70"', 'id = "Pla Logro"', 1), "utf-8")
        with pytest.raises(
            DefinitionError, match=r"indicators\[1\].id: got 'Pla Logro', expected an id"
        ):
            load_indicators(path)

    def test_parameter_types_are_named_as_in_toml(self, tmp_path: Path) -> None:
        """``an integer``, not ``a int``."""
        text = (INDICATORS / "programas.toml").read_text(encoding="utf-8")
        old = 'outcome = { kind = "attainment_at_least", percent = 70 }'
        path = tmp_path / "programas.toml"
        path.write_text(text.replace(old, old.replace("70", '"70"'), 1), encoding="utf-8")
        with pytest.raises(DefinitionError, match="percent: got '70', expected an integer$"):
            load_indicators(path)

    def test_the_references_of_the_index_are_checked(self, tmp_path: Path) -> None:
        """The reinsertion index reads its references like every other file."""
        text = (INDICATORS / "reinsercion.toml").read_text(encoding="utf-8")
        start = text.index("references = [")
        end = text.index("]\n", start) + 2
        path = tmp_path / "reinsercion.toml"
        path.write_text(text[:start] + 'references = "one"\n' + text[end:], encoding="utf-8")
        with pytest.raises(DefinitionError, match="references: got 'one', expected an array"):
            load_reinsertion(path)

    def test_a_category_label_for_nothing(self, tmp_path: Path) -> None:
        """The section ``categories`` speaks of a category."""
        path = tmp_path / "es.toml"
        path.write_text(
            'schema = "rnr.labels/1"\ninstrument = "psa"\nlocale = "es"\ntitle = "x"\n'
            '[categories]\nghost.value = "Fantasma"\n',
            encoding="utf-8",
        )
        with pytest.raises(DefinitionError, match="has no such category$"):
            load_labels(default_library().get("psa"), "es", path=path)


@pytest.fixture
def policies(tmp_path: Path) -> Path:
    """Two versions of the demo policy: from 2024-01-01, and from 2025-01-01 (until 2026)."""
    folder = tmp_path / "demo-policy"
    folder.mkdir()
    text = DEMO_POLICY.read_text(encoding="utf-8")
    shutil.copy(DEMO_POLICY, folder / "2024-01-01.toml")
    (folder / "2025-01-01.toml").write_text(
        text.replace(
            "effective_from = 2024-01-01",
            "effective_from = 2025-01-01\neffective_until = 2026-01-01",
        ),
        encoding="utf-8",
    )
    (folder / "notes.toml").write_text("not a policy", encoding="utf-8")
    return tmp_path


class TestPolicyLookup:
    def test_the_version_in_force_on_a_date(self, policies: Path) -> None:
        """A bare id takes the version in force on the date, else the newest."""
        library = PolicyLibrary.from_folders(policies)
        assert "2024-01-01" == library.get("demo-policy", on=dt.date(2024, 12, 31)).version
        assert "2025-01-01" == library.get("demo-policy", on=dt.date(2025, 6, 1)).version
        assert "2024-01-01" == library.get("demo-policy", on=dt.date(2026, 6, 1)).version
        assert "2025-01-01" == library.get("demo-policy").version
        assert ["2024-01-01", "2025-01-01"] == [p.version for p in library.versions("demo-policy")]

    def test_unknown_id_version_or_date(self, policies: Path) -> None:
        """Each failure is an UnknownPolicyError listing what is known."""
        library = PolicyLibrary.from_folders(policies)
        with pytest.raises(UnknownPolicyError, match="^unknown policy 'nope'; known: demo-policy$"):
            library.get("nope")
        with pytest.raises(
            UnknownPolicyError,
            match="^unknown version 'demo-policy@2023-01-01'; known: "
            "demo-policy@2024-01-01, demo-policy@2025-01-01$",
        ) as info:
            library.get("demo-policy@2023-01-01")
        assert ("demo-policy@2024-01-01", "demo-policy@2025-01-01") == info.value.known
        with pytest.raises(
            UnknownPolicyError,
            match=r"^no version of 'demo-policy' is in force on 2023-06-01; versions: "
            r"demo-policy@2024-01-01, demo-policy@2025-01-01 \(\.\.2026-01-01\)$",
        ):
            library.get("demo-policy", on=dt.date(2023, 6, 1))

    def test_only_the_named_folders_load(self, policies: Path) -> None:
        """``ids=`` reads only the folders it names (never a path outside)."""
        assert ("demo-policy",) == PolicyLibrary.from_folders(policies, ids=("demo-policy",)).ids()
        assert () == PolicyLibrary.from_folders(policies, ids=("nope", "..", "")).ids()


class TestInstrumentLookup:
    def test_the_versions_in_force_are_listed_with_their_dates(self, tmp_path: Path) -> None:
        """An instrument's version is not a date, so the message gives its dates."""
        (tmp_path / "kinds").mkdir()
        shutil.copy(KINDS, tmp_path / "kinds" / "1.0.0.toml")
        library = Library.from_folders(tmp_path)
        with pytest.raises(
            UnknownInstrumentError,
            match=r"^no version of 'kinds' is in force on 2019-01-01; "
            r"versions: kinds@1\.0\.0 \(2020-01-01\.\.2030-01-01\)$",
        ):
            library.get("kinds", on=dt.date(2019, 1, 1))

    def test_only_the_named_folders_load(self, tmp_path: Path) -> None:
        """``ids=`` reads only the folders it names."""
        for name in ("kinds", "other"):
            (tmp_path / name).mkdir()
        shutil.copy(KINDS, tmp_path / "kinds" / "1.0.0.toml")
        (tmp_path / "other" / "1.0.0.toml").write_text("not even TOML [", encoding="utf-8")
        assert ("kinds",) == Library.from_folders(tmp_path, ids=("kinds",)).ids()
        with pytest.raises(DefinitionError, match="invalid TOML"):
            Library.from_folders(tmp_path)
