"""Labels live apart from scoring; an agency can load its own wording."""

from __future__ import annotations

from pathlib import Path

import pytest

import rnr
from rnr import DefinitionError

PSA = rnr.default_library().get("psa@1.0.0")


def write_labels(tmp_path: Path, body: str, *, locale: str = "es") -> Path:
    """A label file for PSA with the given body."""
    path = tmp_path / f"{locale}.toml"
    header = f'schema = "rnr.labels/1"\ninstrument = "psa"\nlocale = "{locale}"\n'
    path.write_text(header + body, encoding="utf-8")
    return path


def test_shipped_labels_cover_everything_in_both_languages() -> None:
    """Every domain, item, term and scale of every shipped instrument has es and en labels."""
    for instrument in rnr.default_library():
        for locale in ("es", "en"):
            labels = rnr.load_labels(instrument, locale)
            assert labels.title != instrument.id
            for domain in instrument.domains:
                assert domain.id in labels.domains, (instrument.ref, locale, domain.id)
            for item in (*instrument.items, *instrument.terms):
                assert item.id in labels.items, (instrument.ref, locale, item.id)
            for scale in instrument.scales:
                assert scale in labels.scales, (instrument.ref, locale, scale)
            for level in instrument.levels():
                assert level in labels.levels, (instrument.ref, locale, level)


def test_an_agency_loads_its_own_wording_without_changing_scores(tmp_path: Path) -> None:
    """A licensed label file replaces the words; the instrument hash is unchanged."""
    path = write_labels(
        tmp_path, 'title = "PSA (texto oficial)"\n[items]\npending_charge = "Texto licenciado"\n'
    )
    labels = rnr.load_labels(PSA, "es", path=path)
    assert "Texto licenciado" == labels.item("pending_charge")
    assert "prior_felony" == labels.item("prior_felony")  # unlabelled: shown by id
    assert PSA.sha256 == rnr.default_library().get("psa@1.0.0").sha256


def test_a_label_for_something_undeclared_is_an_error(tmp_path: Path) -> None:
    """Labels that label nothing are refused, naming the key."""
    path = write_labels(tmp_path, 'title = "x"\n[items]\nghost = "Fantasma"\n')
    with pytest.raises(DefinitionError, match=r"items\.ghost: labels nothing"):
        rnr.load_labels(PSA, "es", path=path)


def test_wrong_locale_or_instrument_is_an_error(tmp_path: Path) -> None:
    """The file must say which instrument and locale it labels."""
    path = write_labels(tmp_path, 'title = "x"\n', locale="en")
    with pytest.raises(DefinitionError, match="locale: got 'en', expected 'es'"):
        rnr.load_labels(PSA, "es", path=path)


def test_missing_label_file_falls_back_to_ids(tmp_path: Path) -> None:
    """An instrument without label files still explains itself by id."""
    source = Path(__file__).parent / "data" / "kinds" / "1.0.0.toml"
    labels = rnr.load_labels(rnr.load_instrument(source), "es")
    assert "Instrumento de prueba" == labels.title
    assert "peers" == labels.item("peers")
