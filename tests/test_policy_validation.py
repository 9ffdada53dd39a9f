"""Every policy check has a broken fixture; messages name the table and rule.

Each file in ``tests/policy_validation/`` starts with ``# expect: a; b``.
The fixtures are copies of ``tests/data/policies/demo-policy/2024-01-01.toml``
with one thing broken, so each is named ``2024-01-01``-agnostic: the loader
checks the file-name date only for files named like a date.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rnr.definitions.policy_loader import load_policy
from rnr.errors import PolicyDefinitionError

HERE = Path(__file__).parent
FIXTURES = sorted((HERE / "policy_validation").glob("*.toml"))


def expected_fragments(path: Path) -> list[str]:
    """The ``# expect:`` fragments of a fixture."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: ")
    return first.removeprefix("# expect: ").split("; ")


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_broken_policy_is_rejected_with_a_clear_message(path: Path, tmp_path: Path) -> None:
    """Loading fails, naming the file, the table, the rule and what was expected."""
    target = path
    if path.stem == "file_date_mismatch":
        target = tmp_path / "demo-policy" / "2024-01-01.toml"
        target.parent.mkdir()
        target.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(PolicyDefinitionError) as info:
        load_policy(target)
    message = str(info.value)
    assert message.startswith(str(target))
    for fragment in expected_fragments(path):
        assert fragment in message


def test_the_demo_policy_itself_loads() -> None:
    """The fixtures' base is valid, so each fixture fails for its one reason."""
    policy = load_policy(HERE / "data" / "policies" / "demo-policy" / "2024-01-01.toml")
    assert "demo-policy@2024-01-01" == policy.ref
