"""Finding instruments and choosing the version in force."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

import rnr
from rnr import Library, UnknownInstrumentError

KINDS = Path(__file__).parent / "data" / "kinds" / "1.0.0.toml"


@pytest.fixture
def library(tmp_path: Path) -> Library:
    """Three versions: 1.0.0 (2020-2030), 1.1.0 (from 2025) and 0.9.0, retired."""
    folder = tmp_path / "kinds"
    folder.mkdir()
    text = KINDS.read_text(encoding="utf-8")
    (folder / "1.0.0.toml").write_text(text, encoding="utf-8")
    (folder / "1.1.0.toml").write_text(
        text.replace('version = "1.0.0"', 'version = "1.1.0"').replace(
            "effective_from = 2020-01-01\neffective_until = 2030-01-01",
            "effective_from = 2025-01-01",
        ),
        encoding="utf-8",
    )
    (folder / "0.9.0.toml").write_text(
        text.replace('version = "1.0.0"', 'version = "0.9.0"').replace(
            'status = "unverified"\n', 'status = "retired"\n', 1
        ),
        encoding="utf-8",
    )
    (folder / "notes.toml").write_text("not an instrument", encoding="utf-8")
    return Library.from_folders(tmp_path)


class TestVersionChoice:
    def test_explicit_version(self, library: Library) -> None:
        """id@version names exactly one version, retired or not."""
        assert "0.9.0" == library.get("kinds@0.9.0").version

    def test_version_in_force_on_a_date(self, library: Library) -> None:
        """Before 2025 only 1.0.0 is in force; from 2025 the later one wins."""
        assert "1.0.0" == library.get("kinds", on=dt.date(2024, 12, 31)).version
        assert "1.1.0" == library.get("kinds", on=dt.date(2025, 1, 1)).version

    def test_no_version_in_force(self, library: Library) -> None:
        """A date before every version is a clear error listing the versions."""
        with pytest.raises(
            UnknownInstrumentError, match="no version of 'kinds' is in force on 2019-01-01"
        ):
            library.get("kinds", on=dt.date(2019, 1, 1))

    def test_newest_without_date(self, library: Library) -> None:
        """A bare id without a date is the newest version."""
        assert "1.1.0" == library.get("kinds").version

    def test_unknown_id_and_version(self, library: Library) -> None:
        """Unknown ids and versions list what is known."""
        with pytest.raises(UnknownInstrumentError, match="unknown instrument 'nope'; known: kinds"):
            library.get("nope")
        with pytest.raises(UnknownInstrumentError, match=r"known: kinds@0\.9\.0, kinds@1\.0\.0"):
            library.get("kinds@2.0.0")

    def test_versions_sorted_numerically(self, library: Library) -> None:
        """0.9.0 < 1.0.0 < 1.1.0."""
        assert ["0.9.0", "1.0.0", "1.1.0"] == [i.version for i in library.versions("kinds")]


class TestContentHash:
    def test_hash_ignores_formatting_but_not_content(self, tmp_path: Path) -> None:
        """Comments and spacing do not change the hash; a changed figure does."""
        text = KINDS.read_text(encoding="utf-8")
        a, b, c = (tmp_path / n for n in ("a", "b", "c"))
        for folder in (a, b, c):
            (folder / "kinds").mkdir(parents=True)
        shutil.copy(KINDS, a / "kinds" / "1.0.0.toml")
        (b / "kinds" / "1.0.0.toml").write_text("# a comment\n\n" + text, encoding="utf-8")
        (c / "kinds" / "1.0.0.toml").write_text(
            text.replace("sd = 2.5", "sd = 2.6"), encoding="utf-8"
        )
        hashes = [Library.from_folders(f).get("kinds").sha256 for f in (a, b, c)]
        assert hashes[0] == hashes[1]
        assert hashes[0] != hashes[2]

    def test_results_carry_the_hash(self) -> None:
        """A score names the exact definition that produced it."""
        inst = rnr.load_instrument(KINDS)
        answers = {
            "age": 30,
            "priors": 0,
            "weapon": False,
            "housing": "stable",
            "peers": 3,
            "work": False,
        }
        result = rnr.score(inst, answers, assessed_on=dt.date(2024, 1, 1), norm_group="male")
        assert inst.sha256 == result.instrument.sha256
        assert 64 == len(inst.sha256)
