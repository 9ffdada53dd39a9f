"""Every benchmark script runs at a tiny size, so none can break unnoticed.

The figures of a benchmark are measured by hand (docs/performance.md says
how); here each script only has to run to the end and print its figures.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
TINY = {
    "bench_case.py": ["--cases", "3", "--calls", "2"],
    "bench_caseindex.py": ["--people", "60", "--repeat", "1"],
    "bench_costs.py": ["--n", "300", "--repeat", "1"],
    "bench_decide.py": ["--n", "500", "--repeat", "1"],
    "bench_indicators.py": ["--people", "60", "--years", "3", "--intake-years", "2",
                            "--repeat", "1"],
    "bench_history.py": ["--people", "80", "--years", "2", "--sample", "2", "--writes", "5"],
    "bench_plans.py": ["--n", "20", "--repeat", "1"],
    "bench_postgres.py": ["--people", "60", "--writes", "1", "--writers", "1,2"],
    "bench_scoring.py": ["--n", "100", "--repeat", "1", "--calls", "3"],
    "bench_service.py": ["--clients", "3", "--seconds", "0.5", "--warmup", "0.2"],
    "bench_startup.py": ["--repeat", "1"],
    "bench_tallies.py": ["--people", "60", "--repeat", "1"],
    "bench_validity.py": ["--rows", "300", "--repeat", "1", "--bootstrap-rows", "50",
                          "--resamples", "10"],
    "bench_writes.py": ["--people", "40", "--writes", "6", "--way", "both"],
    "bench_workspace.py": ["--people", "60", "--requests", "3", "--seconds", "2", "--least", "2",
                           "--sample", "3"],
}  # fmt: skip


def test_every_benchmark_has_a_tiny_run() -> None:
    """A new benchmark script gets its tiny run here."""
    assert sorted(TINY) == sorted(p.name for p in BENCHMARKS.glob("bench_*.py"))


@pytest.mark.parametrize("script", sorted(TINY))
def test_the_benchmark_runs_at_a_tiny_size(tmp_path: Path, script: str) -> None:
    """The script ends with status 0 and prints its figures.

    bench_postgres.py starts a PostgreSQL server of its own: where none can
    be, it is skipped as the store tests are (never in CI).
    """
    if script == "bench_postgres.py":
        request_server = pytest.importorskip("pgserver")
        try:
            request_server.bindir()
        except request_server.Unavailable as exc:
            if os.environ.get("CI", "").lower() in {"true", "1"}:
                pytest.fail(f"CI must run bench_postgres.py: {exc}")
            pytest.skip(str(exc))
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *TINY[script]],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert 0 == done.returncode, done.stderr[-2000:]
    assert done.stdout.strip()
