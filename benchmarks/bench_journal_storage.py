"""JournalStorage on one journal file, pyhpo side by side with optuna, in one run.

Two measurements:

* throughput: P worker processes (P = 1, 4, 16 by default) run ``study.optimize`` with a trivial objective and
  RandomSampler on one journal file with each library's default durability (pyhpo: ``fdatasync`` once per
  finished trial, ``sync="trial"``; Optuna: fsync on every append). Workers import, open the study and wait at a barrier; the clock runs from the barrier to the last
  worker's end. Reported: aggregate finished trials per second, median of the repeats.
* cold load: a fresh process runs ``load_study`` and reads ``study.trials`` of a journal with N finished
  trials (50,000 by default). Reported: seconds from after the imports to the trials in hand, median of the
  repeats. The journal is generated once in Optuna's format and read by both libraries.

Run: ``PYTHONPATH=. python benchmarks/bench_journal_storage.py [--workers 1 4 16] [--trials 480]
[--repeats 3] [--cold-trials 50000] [--only pyhpo|optuna]``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

LIBS = ("pyhpo", "optuna")


def _open_storage(lib: str, path: str) -> Any:
    if lib == "pyhpo":
        from pyhpo.storages import JournalStorage
        from pyhpo.storages.journal import JournalFileBackend

        return JournalStorage(JournalFileBackend(path))
    import optuna

    return optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(path))


def _worker(lib: str, path: str, n_trials: int, seed: int, barrier: Any, out: Any) -> None:
    module = __import__(lib)
    module.logging.set_verbosity(module.logging.WARNING)
    storage = _open_storage(lib, path)
    study = module.load_study(
        study_name="bench", storage=storage, sampler=module.samplers.RandomSampler(seed)
    )

    def objective(trial: Any) -> float:
        x = trial.suggest_float("x", -10, 10)
        y = trial.suggest_float("y", -10, 10)
        return x * x + y

    barrier.wait()
    start = time.monotonic()
    study.optimize(objective, n_trials=n_trials)
    out.put((start, time.monotonic()))


def throughput(lib: str, workers: int, total_trials: int) -> float:
    """Aggregate trials/s of ``workers`` processes sharing one journal file."""
    module = __import__(lib)
    module.logging.set_verbosity(module.logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "journal.log")
        module.create_study(
            study_name="bench", storage=_open_storage(lib, path), sampler=module.samplers.RandomSampler()
        )
        context = multiprocessing.get_context("fork")
        barrier = context.Barrier(workers)
        out = context.Queue()
        per_worker = max(1, total_trials // workers)
        procs = [
            context.Process(target=_worker, args=(lib, path, per_worker, seed, barrier, out))
            for seed in range(workers)
        ]
        for proc in procs:
            proc.start()
        spans = [out.get(timeout=600) for _ in procs]
        for proc in procs:
            proc.join()
            if proc.exitcode != 0:
                raise RuntimeError(f"{lib} worker exited with {proc.exitcode}")
        elapsed = max(end for _, end in spans) - min(start for start, _ in spans)
        study = module.load_study(
            study_name="bench", storage=_open_storage(lib, path), sampler=module.samplers.RandomSampler()
        )
        trials = study.trials
        numbers = sorted(t.number for t in trials)
        if numbers != list(range(per_worker * workers)):
            raise AssertionError(f"{lib}: trial numbers are not dense 0..{per_worker * workers - 1}")
        return len(trials) / elapsed


def write_big_journal(path: str, n_trials: int) -> None:
    """A journal of ``n_trials`` finished trials as four workers would write it (Optuna's bytes)."""
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from pyhpo.distributions import FloatDistribution, distribution_to_json
    from pyhpo.storages.journal._format import encode_records

    workers = [f"00000000-0000-4000-8000-00000000000{i}-1234{i}" for i in range(4)]
    dist_x = distribution_to_json(FloatDistribution(-10, 10))
    dist_y = distribution_to_json(FloatDistribution(-10, 10))
    stamp = "2025-01-01T00:00:00.000000+00:00"
    records: list[dict[str, Any]] = [
        {"op_code": 0, "worker_id": workers[0], "study_name": "bench", "directions": [1]}
    ]
    for trial_id in range(n_trials):
        w = workers[trial_id % 4]
        x, y = (trial_id % 2000) / 100 - 10, (trial_id % 777) / 40 - 9
        records.append({"op_code": 4, "worker_id": w, "study_id": 0, "datetime_start": stamp})
        records.append(
            {
                "op_code": 5,
                "worker_id": w,
                "trial_id": trial_id,
                "param_name": "x",
                "param_value_internal": x,
                "distribution": dist_x,
            }
        )
        records.append(
            {
                "op_code": 5,
                "worker_id": w,
                "trial_id": trial_id,
                "param_name": "y",
                "param_value_internal": y,
                "distribution": dist_y,
            }
        )
        records.append(
            {
                "op_code": 6,
                "worker_id": w,
                "trial_id": trial_id,
                "state": 1,
                "values": [x * x + y],
                "datetime_complete": stamp,
            }
        )
    with open(path, "wb") as f:
        f.write(encode_records(records))


_COLD = """
import sys, time
lib, path = sys.argv[1], sys.argv[2]
module = __import__(lib)
module.logging.set_verbosity(module.logging.WARNING)
if lib == "pyhpo":
    from pyhpo.storages import JournalStorage
    from pyhpo.storages.journal import JournalFileBackend
    make = lambda: JournalStorage(JournalFileBackend(path))
else:
    make = lambda: module.storages.JournalStorage(module.storages.journal.JournalFileBackend(path))
sampler = module.samplers.RandomSampler()  # imports numpy for pyhpo (optuna imported it already)
start, cpu = time.perf_counter(), time.process_time()
study = module.load_study(study_name="bench", storage=make(), sampler=sampler)
n = len(study.trials)
print(time.perf_counter() - start, time.process_time() - cpu, n)
"""


def cold_load(lib: str, path: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of ``load_study`` + ``study.trials`` in a fresh process."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [os.getcwd(), env.get("PYTHONPATH")]))
    out = subprocess.run(
        [sys.executable, "-c", _COLD, lib, path], capture_output=True, text=True, env=env, check=True
    ).stdout.split()
    return float(out[0]), float(out[1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--trials", type=int, default=480, help="trials per throughput run (all workers)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cold-trials", type=int, default=50_000)
    parser.add_argument("--only", choices=LIBS)
    parser.add_argument("--skip-cold", action="store_true")
    args = parser.parse_args()
    libs = [args.only] if args.only else list(LIBS)
    results: dict[str, Any] = {}
    for workers in args.workers:
        row = {}
        for lib in libs:
            runs = [throughput(lib, workers, args.trials) for _ in range(args.repeats)]
            row[lib] = statistics.median(runs)
        results[f"throughput_P{workers}"] = row
        print(
            f"P={workers:>2}  "
            + "  ".join(f"{lib}: {row[lib]:8.1f} trials/s" for lib in libs)
            + (f"  ratio {row['pyhpo'] / row['optuna']:.1f}x" if len(libs) == 2 else ""),
            flush=True,
        )
    if not args.skip_cold:
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "big.log")
            write_big_journal(path, args.cold_trials)
            runs = {lib: [cold_load(lib, path) for _ in range(args.repeats)] for lib in libs}
            row = {lib: statistics.median(wall for wall, _ in runs[lib]) for lib in libs}
            cpu = {lib: statistics.median(c for _, c in runs[lib]) for lib in libs}
            results["cold_load_s"] = row
            results["cold_load_cpu_s"] = cpu
            print(
                f"cold load of {args.cold_trials} trials ({os.path.getsize(path) / 1e6:.1f} MB)  "
                + "  ".join(f"{lib}: {row[lib]:.2f} s wall, {cpu[lib]:.2f} s CPU" for lib in libs)
                + (
                    f"  ratio {row['optuna'] / row['pyhpo']:.1f}x wall, {cpu['optuna'] / cpu['pyhpo']:.1f}x CPU"
                    if len(libs) == 2
                    else ""
                ),
                flush=True,
            )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
