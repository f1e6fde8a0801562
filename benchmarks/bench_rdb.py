"""RDBStorage, pyhpo side by side with optuna, in one run (SQLite file and PostgreSQL).

Two measurements:

* throughput: P worker processes (P = 1, 4, 16 by default) share one study and run ``study.optimize`` with a
  trivial objective (two floats) and RandomSampler, each library opening the storage from its URL the
  default way (``storage="sqlite:///..."``). Workers import, open the study and wait at a barrier; the clock
  runs from the barrier to the last worker's end. Reported: aggregate finished trials per second, median of
  the repeats. Every run starts from a fresh database. "failed" means a worker died in one of the
  repeats (Optuna's RDBStorage raises "database is locked" on SQLite under many writers).
* per-trial cost in a big study: one process runs ``--tail`` trials in a study that already holds
  ``--big`` (10,000) finished trials, and the same in an empty study. Reported: milliseconds per trial,
  median of the repeats; "flat" means the two are about equal. The big study is written once (in the
  shared schema, so both libraries read the same rows) and copied per run.

Run: ``PYTHONPATH=. python benchmarks/bench_rdb.py [--backends sqlite postgresql] [--workers 1 4 16]
[--trials 320] [--repeats 3] [--big 10000] [--tail 100] [--only pyhpo|optuna]``.
PostgreSQL is taken from $PYHPO_TEST_POSTGRES_URL (default postgresql+psycopg2://postgres@127.0.0.1:5432/test);
each run creates its own database ``pyhpo_bench_<random>`` there and drops it afterwards.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import queue
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

LIBS = ("pyhpo", "optuna")
PG_DEFAULT = "postgresql+psycopg2://postgres@127.0.0.1:5432/test"


# -- databases ----------------------------------------------------------------------------------------------
@contextmanager
def _database(backend: str, workdir: str, template: str | None = None) -> Iterator[str]:
    """Yield a fresh database URL; ``template`` is a database to copy (a file path or a PG database name)."""
    if backend == "sqlite":
        path = os.path.join(workdir, f"{uuid.uuid4().hex}.db")
        if template is not None:
            shutil.copy(template, path)
        yield f"sqlite:///{path}"
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        return
    import sqlalchemy

    server = os.environ.get("PYHPO_TEST_POSTGRES_URL", PG_DEFAULT)
    name = f"pyhpo_bench_{uuid.uuid4().hex[:10]}"
    admin = sqlalchemy.create_engine(server, isolation_level="AUTOCOMMIT", poolclass=sqlalchemy.pool.NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
    try:
        yield sqlalchemy.make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


def _template_name(url: str) -> str:
    """The name by which ``_database`` can copy a PostgreSQL database (CREATE DATABASE ... TEMPLATE)."""
    import sqlalchemy

    parsed = sqlalchemy.make_url(url)
    return str(parsed.database)


# -- workers ------------------------------------------------------------------------------------------------
def _objective(trial: Any) -> float:
    x = trial.suggest_float("x", -10, 10)
    y = trial.suggest_float("y", -10, 10)
    return float(x * x + y)


def _load(lib: str, url: str, seed: int) -> Any:
    module = __import__(lib)
    module.logging.set_verbosity(module.logging.WARNING)
    return module.load_study(study_name="bench", storage=url, sampler=module.samplers.RandomSampler(seed))


def _worker(lib: str, url: str, n_trials: int, seed: int, barrier: Any, out: Any) -> None:
    study = _load(lib, url, seed)
    barrier.wait()
    start = time.monotonic()
    study.optimize(_objective, n_trials=n_trials)
    out.put((start, time.monotonic()))


def _create(lib: str, url: str) -> None:
    module = __import__(lib)
    module.logging.set_verbosity(module.logging.WARNING)
    module.create_study(study_name="bench", storage=url)


def throughput(lib: str, url: str, workers: int, total: int) -> float:
    """Aggregate trials/s of ``workers`` processes running ``total`` trials between them."""
    ctx = multiprocessing.get_context("spawn")
    proc = ctx.Process(target=_create, args=(lib, url))
    proc.start()
    proc.join()
    barrier, out = ctx.Barrier(workers), ctx.Queue()
    per = total // workers
    procs = [ctx.Process(target=_worker, args=(lib, url, per, i, barrier, out)) for i in range(workers)]
    for p in procs:
        p.start()
    spans: list[tuple[float, float]] = []
    deadline = time.monotonic() + 1800
    while len(spans) < workers:
        try:
            spans.append(out.get(timeout=1.0))
        except queue.Empty:
            # A worker that died (e.g. Optuna's "database is locked" on SQLite) never reports.
            if any(p.exitcode not in (None, 0) for p in procs) or time.monotonic() > deadline:
                for p in procs:
                    p.terminate()
                    p.join()
                return math.nan
    for p in procs:
        p.join()
    elapsed = max(end for _, end in spans) - min(start for start, _ in spans)
    return per * workers / elapsed


def _prefill(url: str, n: int) -> None:
    """Write a study named "bench" with ``n`` COMPLETE trials (through pyhpo's storage, one transaction each)."""
    import pyhpo
    from pyhpo.distributions import FloatDistribution
    from pyhpo.storages._rdb.storage import RDBStorage
    from pyhpo.trial import create_trial

    pyhpo.logging.set_verbosity(pyhpo.logging.WARNING)
    storage = RDBStorage(url)
    study = pyhpo.create_study(study_name="bench", storage=storage)
    dist = FloatDistribution(-10, 10)
    for i in range(n):
        x, y = (i % 200) / 10 - 10, ((i * 7) % 200) / 10 - 10
        study.add_trial(
            create_trial(params={"x": x, "y": y}, distributions={"x": dist, "y": dist}, value=x * x + y)
        )
    storage.engine.dispose()


def _tail_worker(lib: str, url: str, n: int, out: Any) -> None:
    study = _load(lib, url, 0)
    study.optimize(_objective, n_trials=3)  # warm: connections, caches, first full read
    start = time.monotonic()
    study.optimize(_objective, n_trials=n)
    out.put((time.monotonic() - start) / n * 1000)


def per_trial_ms(lib: str, url: str, n: int) -> float:
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    p = ctx.Process(target=_tail_worker, args=(lib, url, n, out))
    p.start()
    value = out.get(timeout=1800)
    p.join()
    return float(value)


# -- driver -------------------------------------------------------------------------------------------------
def _median(fn: Callable[[], float], repeats: int) -> float:
    """Median of the runs; NaN (shown as "failed") if any run had a worker die."""
    runs = [fn() for _ in range(repeats)]
    return math.nan if any(math.isnan(r) for r in runs) else statistics.median(runs)


def _fmt(value: float, width: int, digits: int = 1) -> str:
    return f"{'failed':>{width}}" if math.isnan(value) else f"{value:{width}.{digits}f}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--backends", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"]
    )
    parser.add_argument("--workers", nargs="+", type=int, default=[1, 4, 16])
    parser.add_argument("--trials", type=int, default=320, help="total trials per throughput run")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--big", type=int, default=10_000, help="finished trials already in the big study")
    parser.add_argument("--tail", type=int, default=100, help="trials timed in the big and the empty study")
    parser.add_argument("--only", choices=LIBS)
    args = parser.parse_args()
    libs = [args.only] if args.only else list(LIBS)
    sys.path.insert(0, os.getcwd())

    with tempfile.TemporaryDirectory() as workdir:
        for backend in args.backends:
            print(
                f"\n== {backend}: throughput, aggregate trials/s (median of {args.repeats}), {args.trials} trials"
            )
            print(
                f"{'P':>4} "
                + " ".join(f"{lib:>10}" for lib in libs)
                + ("     ratio" if len(libs) == 2 else "")
            )
            for workers in args.workers:
                row = {}
                for lib in libs:

                    def run(lib: str = lib, backend: str = backend, workers: int = workers) -> float:
                        with _database(backend, workdir) as url:
                            return throughput(lib, url, workers, args.trials)

                    row[lib] = _median(run, args.repeats)
                ratio = ""
                if len(libs) == 2:
                    ratio = (
                        "        -" if math.isnan(row["optuna"]) else f"{row['pyhpo'] / row['optuna']:9.1f}x"
                    )
                print(
                    f"{workers:>4} " + " ".join(_fmt(row[lib], 10) for lib in libs) + " " + ratio, flush=True
                )

            print(f"\n== {backend}: ms per trial, 1 process, {args.tail} trials (median of {args.repeats})")
            with _database(backend, workdir) as big_url:
                started = time.monotonic()
                _prefill(big_url, args.big)
                print(f"   (wrote {args.big} trials in {time.monotonic() - started:.1f}s)")
                template = (
                    big_url.split("sqlite:///", 1)[1] if backend == "sqlite" else _template_name(big_url)
                )
                if backend == "postgresql":
                    import sqlalchemy

                    # PostgreSQL copies a template only while nobody is connected to it.
                    sqlalchemy.create_engine(big_url).dispose()
                print(f"{'lib':>8} {'empty':>9} {f'{args.big} done':>12}")
                for lib in libs:

                    def empty(lib: str = lib, backend: str = backend) -> float:
                        with _database(backend, workdir) as url:
                            _create(lib, url)
                            return per_trial_ms(lib, url, args.tail)

                    def big(lib: str = lib, backend: str = backend, template: str = template) -> float:
                        with _database(backend, workdir, template=template) as url:
                            return per_trial_ms(lib, url, args.tail)

                    print(
                        f"{lib:>8} {_fmt(_median(empty, args.repeats), 9, 2)} {_fmt(_median(big, args.repeats), 12, 2)}",
                        flush=True,
                    )


if __name__ == "__main__":
    main()
