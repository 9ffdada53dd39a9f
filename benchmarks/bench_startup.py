"""Command-line start-up cost, measured against a bare interpreter in the same run.

Run from a checkout (or anywhere rnr is installed)::

    python benchmarks/bench_startup.py                 # 20 runs of each command
    python benchmarks/bench_startup.py --repeat 5 --json        # figures as JSON
    python benchmarks/bench_startup.py --json figures.json      # table, and JSON to a file
    python benchmarks/bench_startup.py --bytecode as-is         # no bytecode cache (see below)

Each command is a fresh process, timed from start to exit (wall clock, its
output thrown away):

1. **baseline**: ``python -c pass`` with the same interpreter, the floor of
   any Python command;
2. **rnr --help**: the command line's parser and nothing else
   (``python -m rnr.cli --help`` when that works, else the ``rnr`` console
   script installed beside the interpreter or on ``PATH``);
3. **rnr score**: ``rnr score --instrument lscmi CASE.json`` on one of the
   LS/CMI examples shipped with the instrument (a small case written to a
   temporary folder if none is found), printing the full explanation.

Every command is run once first and must exit with status 0. That first
run also writes the bytecode of every module it imports: an installed wheel
has its bytecode compiled at install time, so the commands are timed with a
bytecode cache, kept in a temporary folder (``PYTHONPYCACHEPREFIX``, and
``PYTHONDONTWRITEBYTECODE`` unset for the commands) so that nothing is
written into the checkout. ``--bytecode as-is`` runs them in the
environment as it is instead (with ``PYTHONDONTWRITEBYTECODE`` set, every
rnr module of a checkout is then compiled from source at each start). Then
the commands take turns, round-robin (the first to go changes every round), so
that machine noise hits all of them alike; the median and the minimum of
each are reported, and the ratio of each median to the baseline's median.
The goals are ratios too: ``rnr --help`` within 5x the baseline, ``rnr score``
within 8x. Last, it counts the ``rnr`` modules loaded by ``import rnr.errors``,
``import rnr``, ``import rnr.cli`` and ``import rnr.cli.app`` (the module
``rnr --help`` runs; each in a fresh process), and whether attrs, numpy,
jinja2 and sqlite3 come with them. Nothing here is a pass/fail test: the
script always exits 0 once the figures are printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path
from typing import Any

GOALS: dict[str, float] = {"rnr --help": 5.0, "rnr score": 8.0}
HEAVY = ("attrs", "numpy", "jinja2", "sqlite3")
IMPORTS = ("rnr.errors", "rnr", "rnr.cli", "rnr.cli.app")
PROBE = """\
import json, sys
import {module}
names = [m for m in sys.modules if m == "rnr" or m.startswith("rnr.")]
print(json.dumps({{
    "rnr_modules": len(names),
    "all_modules": len(sys.modules),
    "loaded": {{h: h in sys.modules for h in {heavy!r}}},
}}))
"""


def run(
    command: list[str], env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run ``command`` once, its output captured (for the checks)."""
    return subprocess.run(command, capture_output=True, check=False, env=env)


def environment(bytecode: str, cache: Path) -> dict[str, str]:
    """The environment of the timed commands: with a bytecode cache in ``cache``, or as it is."""
    env = dict(os.environ)
    if bytecode == "cached":
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(cache)
    return env


def rnr_command() -> tuple[list[str], str]:
    """How to start the command line: ``python -m rnr.cli`` if it works, else the script.

    Returns the command prefix and a short description of it.
    """
    module = [sys.executable, "-m", "rnr.cli"]
    if run([*module, "--help"]).returncode == 0:
        return module, "python -m rnr.cli"
    beside = Path(sysconfig.get_path("scripts")) / ("rnr.exe" if os.name == "nt" else "rnr")
    script = str(beside) if beside.is_file() else shutil.which("rnr")
    if script is not None:
        return [script], f"console script {script}"
    # No script installed: start the same entry point by hand.
    code = "import sys; from rnr.cli import main; sys.exit(main())"
    return [sys.executable, "-c", code], "python -c 'from rnr.cli import main; ...'"


def example_case(folder: Path) -> Path:
    """An LS/CMI case file: a shipped example, else a small case written into ``folder``."""
    places = [Path(__file__).resolve().parents[1] / "instruments"]
    spec = importlib.util.find_spec("rnr")  # locates the package without importing it
    for root in (spec.submodule_search_locations or []) if spec else []:
        places.append(Path(root) / "_data" / "instruments")
    for place in places:
        found = sorted((place / "lscmi" / "examples").glob("*.json"))
        if found:
            return found[0]
    # Nothing shipped: answer every item "no" (imported here, outside every clock).
    from rnr import default_library  # noqa: PLC0415

    instrument = default_library().get("lscmi")
    case = {
        "case_id": "bench-startup",
        "instrument": "lscmi",
        "assessed_on": dt.date.today().isoformat(),
        "person": {"sex": instrument.norm_groups[0]},
        "responses": {item.id: False for item in instrument.items},
    }
    path = folder / "lscmi-bench.json"
    path.write_text(json.dumps(case, indent=2) + "\n", encoding="utf-8")
    return path


def time_round_robin(
    commands: dict[str, list[str]], repeat: int, env: dict[str, str]
) -> dict[str, list[float]]:
    """Wall seconds of ``repeat`` runs of each command, the commands taking turns."""
    names = list(commands)
    seconds: dict[str, list[float]] = {name: [] for name in names}
    for k in range(repeat):
        shift = k % len(names)
        for name in names[shift:] + names[:shift]:
            start = time.perf_counter()
            subprocess.run(
                commands[name],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
                env=env,
            )
            seconds[name].append(time.perf_counter() - start)
    return seconds


def probe_imports() -> dict[str, Any]:
    """Modules loaded by each import of :data:`IMPORTS`, in a fresh process each."""
    out: dict[str, Any] = {}
    for module in IMPORTS:
        done = run([sys.executable, "-c", PROBE.format(module=module, heavy=HEAVY)])
        if done.returncode == 0:
            out[module] = json.loads(done.stdout)
        else:
            last = done.stderr.decode(errors="replace").strip().splitlines()
            out[module] = {"error": last[-1] if last else f"exit status {done.returncode}"}
    return out


def render(figures: dict[str, Any]) -> str:
    """The figures as a small text table."""
    lines = [
        (
            f"Python {figures['python']} on {figures['machine']}; "
            f"{figures['repeat']} runs of each command, round-robin; bytecode {figures['bytecode']}"
        ),
        f"command line started as: {figures['started_as']}",
        f"case: {figures['case']}",
        "",
        f"{'command':<14}{'median ms':>11}{'min ms':>9}{'x baseline':>12}{'goal':>8}{'within':>8}",
    ]
    for name, row in figures["commands"].items():
        goal = row.get("goal")
        within = "" if goal is None else ("yes" if row["ratio"] <= goal else "no")
        lines.append(
            f"{name:<14}{row['median_s'] * 1e3:>11.1f}{row['min_s'] * 1e3:>9.1f}"
            f"{row['ratio']:>12.2f}{'' if goal is None else f'{goal:g}x':>8}{within:>8}"
        )
    lines += [
        "",
        "goals (ratios of medians): rnr --help within 5x the baseline, rnr score within 8x",
        "",
        f"{'import':<14}{'rnr modules':>13}{'all modules':>13}  " + "  ".join(HEAVY),
    ]
    for module, row in figures["imports"].items():
        if "error" in row:
            lines.append(f"{module:<14}  failed: {row['error']}")
            continue
        loaded = "  ".join(f"{'yes' if row['loaded'][h] else 'no':<{len(h)}}" for h in HEAVY)
        lines.append(f"{module:<14}{row['rnr_modules']:>13}{row['all_modules']:>13}  {loaded}")
    return "\n".join(lines)


def main() -> int:
    """Run the benchmark and print (or save) the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20, help="timed runs of each command")
    parser.add_argument(
        "--json",
        nargs="?",
        const="-",
        metavar="FILE",
        help="print the figures as JSON instead of the table; with FILE, also write them there",
    )
    parser.add_argument(
        "--bytecode",
        choices=("cached", "as-is"),
        default="cached",
        help="time the commands with a bytecode cache, as an installed wheel runs (the "
        "default), or in the environment as it is",
    )
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    with tempfile.TemporaryDirectory(prefix="rnr-bench-startup-") as tmp:
        prefix, started_as = rnr_command()
        case = example_case(Path(tmp))
        commands = {
            "baseline": [sys.executable, "-c", "pass"],
            "rnr --help": [*prefix, "--help"],
            "rnr score": [*prefix, "score", "--instrument", "lscmi", str(case)],
        }
        env = environment(args.bytecode, Path(tmp) / "bytecode")
        for name, command in commands.items():  # also warms the file cache and bytecode
            done = run(command, env)
            if done.returncode != 0:
                sys.stderr.write(done.stderr.decode(errors="replace"))
                sys.exit(f"{name}: {command} exited with status {done.returncode}")
        seconds = time_round_robin(commands, args.repeat, env)

    base = statistics.median(seconds["baseline"])
    figures: dict[str, Any] = {
        "date": dt.date.today().isoformat(),
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}",
        "repeat": args.repeat,
        "bytecode": args.bytecode,
        "started_as": started_as,
        "case": str(case),
        "commands": {},
        "imports": probe_imports(),
    }
    for name, times in seconds.items():
        median = statistics.median(times)
        figures["commands"][name] = {
            "median_s": median,
            "min_s": min(times),
            "ratio": median / base,
            "goal": GOALS.get(name),
        }

    if args.json is None:
        print(render(figures))
    elif args.json == "-":
        print(json.dumps(figures, indent=2))
    else:
        print(render(figures))
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
