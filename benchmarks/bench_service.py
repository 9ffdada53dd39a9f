"""The HTTP service under load: score, decide and draft over HTTP, against a bare JSON endpoint.

Run from a checkout (or anywhere rnr and its ``service`` extra are installed)::

    python benchmarks/bench_service.py                   # 50 clients, 20 s per target
    python benchmarks/bench_service.py --clients 10 --seconds 5 --json figures.json

Two targets are served one after the other, each by uvicorn in a process of
its own on loopback (a real server, a real TCP socket), with the settings
``rnr serve`` uses (one process, rnr's garbage-collector thresholds,
``server_header=False``, uvicorn's default event loop and HTTP parser
unless ``--loop`` and ``--http`` say otherwise) but for its log: warnings
only, no access line per request:

1. **bare**: a FastAPI application of one route, ``GET /bare``, answering a
   constant JSON object: the same framework and server doing no work, the
   baseline of the same run;
2. **rnr**: :func:`rnr.service.create_app` over a SQLite store in a
   temporary folder (as ``rnr serve --db`` makes it, sharing a memo of
   :data:`~rnr.history.memo.SHARED` replays), sent
   ``POST /v1/plan`` (JSON) with the example cases that have a legal
   section (``examples/*.json``), round-robin: each request scores, decides
   and drafts one case, passes the bearer token check and is written to the
   store's access log, as in service.

The load comes from this process: ``--clients`` connections (HTTP/1.1,
kept alive), each sending its next request as soon as the last answer is
read (a closed loop), for ``--seconds`` after ``--warmup`` seconds that are
not counted. Latency is the time from writing a request to reading the
last byte of its answer. Every answer must be ``200``; before the clock
starts, the answer to each example case is checked equal to the library's
own draft (:func:`rnr.cases.path.plan_for`). The load generator shares the
machine's cores with the server: on a machine of 2 cores it takes about
one of them.

Who asks: by default the benchmark makes a supervisor's token in the store
(:func:`make_token`, the one place to change when tokens change); with
``--token`` it sends that one instead (``--db`` must then name the store that
holds it). Nothing here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import importlib.metadata
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
#: The request the rnr target is sent: score, decide and draft one case, as JSON.
PLAN = "/v1/plan?format=json"
BARE = "/bare"
#: The bare endpoint's answer.
CONSTANT = {"status": "ok", "service": "bare"}


# -- the servers (run in a process of their own) -------------------------------------------


def bare_app() -> Any:
    """The baseline: FastAPI answering a constant JSON object."""
    from fastapi import FastAPI  # noqa: PLC0415 - only the server process needs it

    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    @app.get(BARE)
    def bare() -> dict[str, str]:
        return CONSTANT

    return app


def rnr_app(db: Path) -> Any:
    """The service over the store ``db``, as ``rnr serve --db`` makes it (a shared memo)."""
    from rnr.history.definitions import Definitions  # noqa: PLC0415
    from rnr.history.memo import SHARED  # noqa: PLC0415
    from rnr.service import create_app  # noqa: PLC0415
    from rnr.store.sqlite import SQLiteStore  # noqa: PLC0415

    return create_app(Definitions.shipped(), store=SQLiteStore(db), replays=SHARED)


def factory() -> Any:
    """The application ``$RNR_BENCH_TARGET`` names (each worker process makes its own).

    The process's garbage collector gets the thresholds ``rnr serve``'s
    process has (:data:`rnr.cli.app.GC_THRESHOLD`), whichever the target.
    """
    from rnr.cli.app import GC_THRESHOLD  # noqa: PLC0415

    gc.set_threshold(*GC_THRESHOLD)
    target = os.environ["RNR_BENCH_TARGET"]
    return bare_app() if target == "bare" else rnr_app(Path(os.environ["RNR_BENCH_DB"]))


def serve(args: argparse.Namespace) -> None:
    """Serve ``args.serve`` until stopped (the server process)."""
    import uvicorn  # noqa: PLC0415

    os.environ.update(RNR_BENCH_TARGET=args.serve, RNR_BENCH_DB=str(args.db))
    options = {"server_header": False, "log_level": "warning", "loop": args.loop, "http": args.http}
    if args.workers > 1:  # worker processes: uvicorn binds the port and imports the factory
        uvicorn.run(
            f"{Path(__file__).stem}:factory",
            factory=True,
            app_dir=str(Path(__file__).parent),
            host="127.0.0.1",
            port=args.port,
            workers=args.workers,
            **options,
        )
        return
    sock = socket.socket(fileno=args.fd)  # TCP (uvicorn's fd= would take it for a Unix socket)
    uvicorn.Server(uvicorn.Config(factory(), **options)).run(sockets=[sock])


def make_token(db: Path) -> str:
    """A new supervisor's token in the store ``db``: it may score, decide and draft."""
    from rnr.history.access import add_token  # noqa: PLC0415
    from rnr.store.sqlite import SQLiteStore  # noqa: PLC0415

    with SQLiteStore(db) as store:
        return add_token(store, f"bench-{os.getpid()}", role="supervisor", by="bench")


class Server:
    """A target served by uvicorn in a child process, on a loopback port of its own."""

    def __init__(self, target: str, db: Path, args: argparse.Namespace, folder: Path) -> None:
        self.log = folder / f"{target}.log"  # what the server says on standard error
        self._err = self.log.open("wb")
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        argv = [sys.executable, __file__, "--serve", target, "--db", str(db)]
        argv += ["--loop", args.loop, "--http", args.http, "--workers", str(args.workers)]
        if args.workers > 1:  # uvicorn binds the port itself, just after this socket lets go of it
            self.sock.close()
            argv += ["--port", str(self.port)]
            fds: tuple[int, ...] = ()
        else:  # the child serves on this very socket: no port is free in between
            self.sock.listen(1024)
            fds = (self.sock.fileno(),)
            argv += ["--fd", str(self.sock.fileno())]
        self.process = subprocess.Popen(
            argv, pass_fds=fds, stdout=subprocess.DEVNULL, stderr=self._err
        )

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.sock.close()
        self._err.close()


# -- the load ----------------------------------------------------------------------------


def request(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    """The bytes of one HTTP/1.1 request, kept alive."""
    lines = [
        f"{method} {path} HTTP/1.1",
        "Host: 127.0.0.1",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    if body:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes
) -> tuple[int, bytes]:
    """Send ``raw`` and read the answer: its status and body."""
    writer.write(raw)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    return status, await reader.readexactly(length)


async def wait_ready(port: int, raw: bytes, server: Server, timeout: float = 60.0) -> None:
    """Wait until the server answers ``raw`` (it loads rnr first)."""
    start = time.monotonic()
    while True:
        if server.process.poll() is not None:
            err = server.log.read_text(errors="replace")
            raise SystemExit(f"the server stopped: {err[-2000:]}")
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            try:
                await exchange(reader, writer, raw)
            finally:
                writer.close()
            return
        except OSError:
            if time.monotonic() - start > timeout:
                raise
            await asyncio.sleep(0.1)


async def load(
    port: int, raws: list[bytes], clients: int, warmup: float, seconds: float
) -> dict[str, Any]:
    """Drive the server with ``clients`` closed-loop connections; the answers' latencies."""
    latencies: list[float] = []
    failed = 0
    clock = time.perf_counter
    start = clock()
    begin, end = start + warmup, start + warmup + seconds

    async def client(k: int) -> None:
        nonlocal failed
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        n = k
        try:
            while True:
                t0 = clock()
                if t0 >= end:
                    return
                status, _ = await exchange(reader, writer, raws[n % len(raws)])
                t1 = clock()
                n += 1
                if t0 >= begin:
                    if status == 200:
                        latencies.append(t1 - t0)
                    else:
                        failed += 1
        finally:
            writer.close()

    await asyncio.gather(*(client(k) for k in range(clients)))
    window = clock() - begin
    if not latencies:
        raise SystemExit(f"no request was answered 200 in the measured window ({failed} others)")
    latencies.sort()
    return {
        "requests": len(latencies),
        "failed": failed,
        "seconds": round(window, 3),
        "throughput_per_s": round(len(latencies) / window, 1),
        "median_ms": round(statistics.median(latencies) * 1e3, 2),
        "p90_ms": round(latencies[int(0.90 * (len(latencies) - 1))] * 1e3, 2),
        "p99_ms": round(latencies[int(0.99 * (len(latencies) - 1))] * 1e3, 2),
        "max_ms": round(latencies[-1] * 1e3, 2),
    }


# -- the cases ---------------------------------------------------------------------------


def example_cases() -> list[bytes]:
    """The example cases with a legal section (``examples/*.json``), as sent."""
    found = []
    for path in sorted((ROOT / "examples").glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(document, dict) and document.get("legal"):
            found.append(path.read_bytes())
    if not found:
        raise SystemExit("no example case with a legal section in examples/")
    return found


def expected_draft(body: bytes) -> Any:
    """The draft the library makes of a case, with its cost: what ``POST /v1/plan`` answers."""
    from rnr._frozen import json_default  # noqa: PLC0415
    from rnr.cases.parse import parse_case  # noqa: PLC0415
    from rnr.cases.path import decide_case, plan_for  # noqa: PLC0415
    from rnr.costs.plan import plan_document  # noqa: PLC0415
    from rnr.history.definitions import Definitions  # noqa: PLC0415

    defs = Definitions.shipped()
    case = parse_case(json.loads(body), file="<request>")
    draft = plan_for(decide_case(case, defs.library, defs.policies, None))
    return json.loads(json.dumps(plan_document(draft), default=json_default))


async def check(port: int, raws: list[bytes], bodies: list[bytes]) -> None:
    """Each example case's answer is 200 and the library's own draft."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for raw, body in zip(raws, bodies, strict=True):
            status, answer = await exchange(reader, writer, raw)
            if status != 200 or json.loads(answer) != expected_draft(body):
                raise SystemExit(f"POST {PLAN}: unexpected answer {status}: {answer[:300]!r}")
    finally:
        writer.close()


# -- the run -----------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    """Where the figures were measured."""
    model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = {}
    for name in ("rnr-engine", "fastapi", "starlette", "uvicorn", "uvloop", "httptools"):
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "nproc": cores,
        "cpu": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": versions,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def server_settings(args: argparse.Namespace) -> dict[str, Any]:
    """What uvicorn runs: ``auto`` resolved as uvicorn resolves it (speed-ups when installed)."""
    import importlib.util  # noqa: PLC0415

    loop = args.loop
    if loop == "auto":
        loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = args.http
    if http == "auto":
        http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return {"loop": loop, "http": http, "workers": args.workers}


def measure(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    """Serve and load each target in turn; the figures."""
    db = args.db if args.db is not None else folder / "bench.sqlite3"
    token = args.token if args.token is not None else make_token(db)
    auth = {"Authorization": f"Bearer {token}"}
    bodies = example_cases()
    targets = {
        "bare": [request("GET", BARE, {})],
        "rnr": [request("POST", PLAN, auth, body) for body in bodies],
    }
    figures: dict[str, Any] = {}
    for name, raws in targets.items():
        server = Server(name, db, args, folder)
        try:
            asyncio.run(wait_ready(server.port, raws[0], server))
            if name == "rnr":
                asyncio.run(check(server.port, raws, bodies))
            figures[name] = asyncio.run(
                load(server.port, raws, args.clients, args.warmup, args.seconds)
            )
        finally:
            server.stop()
    return figures


def main() -> None:
    """Run and print the figures (or, with ``--serve``, be one of the servers)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--clients", type=int, default=50, help="concurrent connections")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured seconds per target")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of load not counted")
    parser.add_argument("--token", help="send this bearer token (default: make one in the store)")
    parser.add_argument("--db", type=Path, help="the store served (default: a new one)")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument(
        "--loop", choices=("auto", "asyncio", "uvloop"), default="auto",
        help="uvicorn's event loop (default: auto, uvloop when installed, as rnr serve)",
    )  # fmt: skip
    parser.add_argument(
        "--http", choices=("auto", "h11", "httptools"), default="auto",
        help="uvicorn's HTTP parser (default: auto, httptools when installed, as rnr serve)",
    )  # fmt: skip
    parser.add_argument(
        "--workers", type=int, default=1, help="server processes (default: 1, as rnr serve)"
    )
    parser.add_argument("--serve", choices=("bare", "rnr"), help=argparse.SUPPRESS)
    parser.add_argument("--fd", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        serve(args)
        return
    if args.token is not None and args.db is None:
        parser.error("--token needs --db, the store that holds it")
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="rnr-bench-service-") as folder:
        figures = measure(args, Path(folder))
    where = {**machine(), "load_average": {"before": load_before, "after": os.getloadavg()}}
    settings = server_settings(args)
    bare, rnr = figures["bare"], figures["rnr"]
    ratios = {
        "throughput": round(rnr["throughput_per_s"] / bare["throughput_per_s"], 3),
        "median": round(rnr["median_ms"] / bare["median_ms"], 2),
        "p99": round(rnr["p99_ms"] / bare["p99_ms"], 2),
    }
    print(
        f"{args.clients} clients, {args.seconds:g} s per target after {args.warmup:g} s of warm-up;"
        f" {where['nproc']} cores ({where['cpu']}), shared with the load generator"
    )
    print(
        f"uvicorn: {settings['workers']} process(es), loop {settings['loop']},"
        f" http {settings['http']}; load average {load_before[0]:.2f} before,"
        f" {where['load_average']['after'][0]:.2f} after"
    )
    print(f"{'target':<34}{'req/s':>9}{'median ms':>11}{'p90 ms':>9}{'p99 ms':>9}{'failed':>8}")
    for name, label in (("bare", f"bare: GET {BARE}"), ("rnr", f"rnr: POST {PLAN}")):
        f = figures[name]
        print(
            f"{label:<34}{f['throughput_per_s']:>9,.0f}{f['median_ms']:>11.2f}"
            f"{f['p90_ms']:>9.2f}{f['p99_ms']:>9.2f}{f['failed']:>8}"
        )
    print(
        f"rnr / bare: throughput {ratios['throughput']:.2f}x, median {ratios['median']:.1f}x,"
        f" p99 {ratios['p99']:.1f}x (goal: p99 < 20 ms, throughput >= 0.5x)"
    )
    if args.json:
        out = {"clients": args.clients, "seconds": args.seconds, "warmup": args.warmup,
               "server": settings, "machine": where, "targets": figures,
               "ratios": ratios}  # fmt: skip
        Path(args.json).write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
