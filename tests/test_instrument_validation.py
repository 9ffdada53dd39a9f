"""Every validation rule of the instrument format has a broken fixture.

Each file in ``tests/instrument_validation/`` starts with ``# expect: a; b``:
the strings the error message must contain (the dotted path and what was
expected), in the manner of OpenFisca's parameter-validation fixtures.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rnr import InstrumentDefinitionError, load_instrument

FIXTURES = sorted((Path(__file__).parent / "instrument_validation").glob("*.toml"))


def expected_fragments(path: Path) -> list[str]:
    """The ``# expect:`` fragments of a fixture."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), f"{path.name} lacks its '# expect:' line"
    return first.removeprefix("# expect: ").split("; ")


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_broken_definition_is_rejected_with_a_clear_message(path: Path) -> None:
    """Loading fails, naming the file, the dotted path and what was expected."""
    with pytest.raises(InstrumentDefinitionError) as info:
        load_instrument(path)
    message = str(info.value)
    assert message.startswith(str(path))
    for fragment in expected_fragments(path):
        assert fragment in message


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    """Two independent mistakes give two problems, not one."""
    source = (Path(__file__).parent / "data" / "demo" / "1.0.0.toml").read_text(encoding="utf-8")
    broken = source.replace('status = "unverified"', 'status = "draft"').replace(
        "range = [0, 4]", "range = [0, 5]"
    )
    path = tmp_path / "broken.toml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(InstrumentDefinitionError) as info:
        load_instrument(path)
    paths = [p.path for p in info.value.problems]
    assert "status" in paths
    assert "scales.total.range" in paths


def test_there_is_a_fixture_for_many_rules() -> None:
    """The fixture folder is not accidentally empty."""
    assert len(FIXTURES) >= 40
