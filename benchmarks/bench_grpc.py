"""The gRPC storage proxy, pyhpo side by side with optuna, in one run.

For each library and each worker count P (4, 16, 32 by default): one proxy server process of that
library serves a fresh SQLite file (or a PostgreSQL database with ``--url``) through the library's
``get_storage``; P worker processes connect with the library's ``GrpcStorageProxy`` and run
``study.optimize`` with RandomSampler and a trivial two-parameter objective. Workers import, connect
and load the study, then wait at a barrier; the clock runs from the barrier to the last worker's
end. Each repeat uses a new study on the same server; with a server URL, each library and P get a fresh database on that server.
Reported: aggregate finished trials per second,
median of the repeats, and the pyhpo / optuna ratio.

Run: ``PYTHONPATH=. python benchmarks/bench_grpc.py [--workers 4 16 32] [--trials 320] [--repeats 3]
[--url postgresql+psycopg2://postgres@127.0.0.1:5432/test | --url memory] [--only pyhpo|optuna] [--json out.json]``.
``--trials`` is the total per repeat, split evenly among the workers.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from typing import Any

LIBS = ("pyhpo", "optuna")

_SERVER = """
import sys, warnings
warnings.simplefilter("ignore")
lib, url, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
module = __import__(lib)
module.logging.set_verbosity(module.logging.WARNING)
from importlib import import_module
storages = import_module(lib + ".storages")
storage = storages.InMemoryStorage() if url == "memory" else storages.get_storage(url)
storages.run_grpc_proxy_server(storage, host="127.0.0.1", port=port)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _proxy(lib: str, port: int) -> Any:
    warnings.simplefilter("ignore")  # optuna marks its proxy experimental
    module = __import__(lib)
    module.logging.set_verbosity(module.logging.WARNING)
    storage = module.storages.GrpcStorageProxy(host="127.0.0.1", port=port)
    storage.wait_server_ready(timeout=60)
    return module, storage


def _worker(
    lib: str, port: int, n_trials: int, repeats: int, seed: int, ready: Any, go: Any, out: Any
) -> None:
    module, storage = _proxy(lib, port)

    def objective(trial: Any) -> float:
        x = trial.suggest_float("x", -10, 10)
        y = trial.suggest_float("y", -10, 10)
        return x * x + y

    for repeat in range(repeats):
        ready.wait()  # the parent has created this repeat's study
        study = module.load_study(
            study_name=f"bench-{repeat}",
            storage=storage,
            sampler=module.samplers.RandomSampler(seed + repeat),
        )
        go.wait()
        start = time.monotonic()
        study.optimize(objective, n_trials=n_trials)
        out.put((start, time.monotonic()))


def _start_server(lib: str, url: str, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(p for p in (os.getcwd(), os.environ.get("PYTHONPATH")) if p),
    }
    proc = subprocess.Popen([sys.executable, "-c", _SERVER, lib, url, str(port)], env=env)
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the {lib} proxy server did not start") from None
            time.sleep(0.1)


def measure(lib: str, url: str, n_workers: int, total_trials: int, repeats: int) -> list[float]:
    """Aggregate trials/s of each repeat for one library and one worker count."""
    port = _free_port()
    server = _start_server(lib, url, port)
    ctx = multiprocessing.get_context("spawn")  # no fork: grpc does not survive it
    ready, go, out = ctx.Barrier(n_workers + 1), ctx.Barrier(n_workers + 1), ctx.Queue()
    per_worker = max(1, total_trials // n_workers)
    workers = [
        ctx.Process(target=_worker, args=(lib, port, per_worker, repeats, 1000 * i, ready, go, out))
        for i in range(n_workers)
    ]
    results = []
    try:
        for w in workers:
            w.start()
        module, storage = _proxy(lib, port)
        for repeat in range(repeats):
            module.create_study(study_name=f"bench-{repeat}", storage=storage)
            ready.wait(timeout=600)
            go.wait(timeout=600)
            spans = [out.get(timeout=600) for _ in range(n_workers)]
            start = min(s for s, _ in spans)
            end = max(e for _, e in spans)
            results.append(per_worker * n_workers / (end - start))
        storage.close()
        for w in workers:
            w.join(timeout=60)
    finally:
        for w in workers:
            if w.is_alive():
                w.kill()
        server.terminate()
        server.wait(timeout=30)
    return results


def _fresh_database(url: str) -> str:
    """For a PostgreSQL/MySQL server URL: a new empty database next to it (each library and P gets its own)."""
    if url == "memory" or url.startswith("sqlite"):
        return url
    from tests.storages.rdb.dbutil import create_private_database

    return create_private_database(url)


def _drop_database(url: str) -> None:
    if url != "memory" and not url.startswith("sqlite"):
        from tests.storages.rdb.dbutil import drop_private_database

        drop_private_database(url)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[4, 16, 32])
    parser.add_argument("--trials", type=int, default=320, help="trials per repeat, split among the workers")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--url",
        help="database URL, or 'memory' for InMemoryStorage (default: a fresh SQLite file per library and P)",
    )
    parser.add_argument("--only", choices=LIBS)
    parser.add_argument("--json", help="also write the results to this file")
    ns = parser.parse_args(argv)
    libs = [ns.only] if ns.only else list(LIBS)
    rows: dict[int, dict[str, float]] = {}
    raw: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in ns.workers:
            for lib in libs:
                url = (
                    _fresh_database(ns.url)
                    if ns.url
                    else f"sqlite:///{os.path.join(tmp, f'{lib}-{n}.sqlite3')}"
                )
                try:
                    runs = measure(lib, url, n, ns.trials, ns.repeats)
                finally:
                    _drop_database(url)
                rows.setdefault(n, {})[lib] = statistics.median(runs)
                raw[f"{lib}/{n}"] = runs
                print(f"{lib:6s} P={n:<3d} trials/s: " + ", ".join(f"{r:.1f}" for r in runs), flush=True)
    backend = "SQLite" if not ns.url else "PostgreSQL" if ns.url.startswith("postgres") else ns.url
    print(
        f"\ngRPC proxy over {backend}, RandomSampler, {ns.trials} trials per repeat, median of {ns.repeats}"
    )
    print(
        f"{'P':>4} "
        + " ".join(f"{lib + ' trials/s':>16}" for lib in libs)
        + ("   ratio" if len(libs) == 2 else "")
    )
    for n, by_lib in rows.items():
        line = f"{n:>4} " + " ".join(f"{by_lib[lib]:>16.1f}" for lib in libs)
        if len(libs) == 2:
            line += f"   {by_lib['pyhpo'] / by_lib['optuna']:.2f}x"
        print(line)
    if ns.json:
        with open(ns.json, "w") as f:
            json.dump({"medians": rows, "runs": raw}, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
