"""The README's Python example runs as written, in a fresh folder, and says what it shows."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_readme_python_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every ``python`` block, in order, in one namespace, as a reader would paste them."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text("utf-8"), re.S)
    assert blocks
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        for block in blocks:
            exec(compile(block, str(README), "exec"), namespace)  # the README's own code
    assert printed.getvalue().splitlines()[-1] in {"keep", "step_down", "step_up"}
    assert (tmp_path / "rnr-ejemplo.sqlite3").is_file()
