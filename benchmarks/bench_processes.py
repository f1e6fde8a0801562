"""Process-parallel optimize: a CPU-bound pure-Python objective, processes vs threads vs Optuna's threads.

Three contenders run the same objective (about 20 ms of pure-Python CPU per trial, which holds the GIL) for
the same number of trials:

* ``pyhpo processes``: ``study.optimize(objective, n_trials, n_jobs=J, processes=True)``;
* ``pyhpo threads``: the same call without ``processes`` (``n_jobs`` threads);
* ``optuna threads``: ``optuna``'s ``study.optimize(objective, n_trials, n_jobs=J)``;
* ``bare processes``: no study at all, ``J`` forked processes burning the same CPU (``n_trials / J`` objective
  bodies each): the speed-up the machine offers right now, the ceiling for the others (on a shared machine,
  where Linux's autogroup scheduler gives a login session one share however many processes it runs, it
  can be 1x).

For each ``J`` the repeats interleave the contenders (one of each per round, order rotating) so that a busy
machine slows all of them alike; the table gives median wall seconds, trials/s, the speed-up over pyhpo's
and Optuna's threads, and the CPU seconds per trial of the whole process tree (parent and workers), whose
difference at ``J=1`` is the machinery's own cost.

A second table answers how an in-memory study should reach the workers: served from the parent over the
workers' pipes (what pyhpo does) or through a temporary journal file every worker appends to and replays,
measured with a trivial objective so that only the transport counts.

Run ``python benchmarks/bench_processes.py [--trials 200] [--repeat 5] [--jobs 1 2]``, or
``pytest benchmarks/bench_processes.py --benchmark-only`` under pytest-benchmark.
"""

from __future__ import annotations

import argparse
import importlib
import os
import resource
import statistics
import tempfile
import time
from typing import TYPE_CHECKING, Any

from pyhpo.bench._workloads import CPU_LOOP, burn_cpu

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType


def cpu_objective(trial: Any) -> float:
    x = trial.suggest_float("x", -10.0, 10.0)
    burn_cpu(CPU_LOOP)
    return x * x


def trivial_objective(trial: Any) -> float:
    return trial.suggest_float("x", -10.0, 10.0) ** 2


def _load(name: str) -> ModuleType | None:
    try:
        module = importlib.import_module(name)
    except ImportError:
        return None
    module.logging.set_verbosity(module.logging.WARNING)
    return module


def _cpu_seconds() -> float:
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def timed(
    lib: ModuleType, objective: Callable[[Any], float], n_trials: int, storage: Any = None, **kwargs: Any
) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process and its workers) of one optimize call on a fresh study."""
    study = lib.create_study(storage=storage, sampler=lib.samplers.RandomSampler(seed=0))
    wall, cpu = time.perf_counter(), _cpu_seconds()
    study.optimize(objective, n_trials=n_trials, **kwargs)
    wall, cpu = time.perf_counter() - wall, _cpu_seconds() - cpu
    trials = study.get_trials(deepcopy=False)
    if len(trials) != n_trials or any(t.state.name != "COMPLETE" for t in trials):
        raise RuntimeError(f"{lib.__name__} {kwargs}: the study does not hold {n_trials} COMPLETE trials")
    return wall, cpu


def _burn(units: int) -> None:
    for _ in range(units):
        burn_cpu(CPU_LOOP)


def bare(n_trials: int, n_jobs: int) -> tuple[float, float]:
    """(wall, CPU) seconds of ``n_trials`` objective bodies shared by ``n_jobs`` forked processes, no study."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    shares = [n_trials // n_jobs + (1 if i < n_trials % n_jobs else 0) for i in range(n_jobs)]
    wall, cpu = time.perf_counter(), _cpu_seconds()
    procs = [ctx.Process(target=_burn, args=(share,)) for share in shares]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    return time.perf_counter() - wall, _cpu_seconds() - cpu


def contenders(n_jobs: int) -> dict[str, Callable[[int], tuple[float, float]]]:
    pyhpo = _load("pyhpo")
    assert pyhpo is not None
    found: dict[str, Callable[[int], tuple[float, float]]] = {
        "pyhpo processes": lambda n: timed(pyhpo, cpu_objective, n, n_jobs=n_jobs, processes=True),
        "pyhpo threads": lambda n: timed(pyhpo, cpu_objective, n, n_jobs=n_jobs),
    }
    optuna = _load("optuna")
    if optuna is not None:
        found["optuna threads"] = lambda n: timed(optuna, cpu_objective, n, n_jobs=n_jobs)
    found["bare processes"] = lambda n: bare(n, n_jobs)
    return found


def transports(n_jobs: int, tmp: str) -> dict[str, Callable[[int], tuple[float, float]]]:
    pyhpo = _load("pyhpo")
    assert pyhpo is not None
    from pyhpo.storages import JournalStorage
    from pyhpo.storages.journal import JournalFileBackend

    def journal(n: int) -> tuple[float, float]:
        path = os.path.join(tmp, f"served-{time.monotonic_ns()}.log")
        storage = JournalStorage(JournalFileBackend(path))
        return timed(pyhpo, trivial_objective, n, storage=storage, n_jobs=n_jobs, processes=True)

    return {
        "served from memory": lambda n: timed(pyhpo, trivial_objective, n, n_jobs=n_jobs, processes=True),
        "temporary journal": journal,
    }


def interleaved(
    runs: dict[str, Callable[[int], tuple[float, float]]], n_trials: int, repeat: int
) -> dict[str, list[tuple[float, float]]]:
    """Every contender ``repeat`` times, one of each per round, the order rotating between rounds."""
    names = list(runs)
    out: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    for r in range(repeat):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            out[name].append(runs[name](n_trials))
    return out


def report(title: str, results: dict[str, list[tuple[float, float]]], n_trials: int, base: list[str]) -> None:
    print(f"\n{title}")
    median = {name: statistics.median(w for w, _ in runs) for name, runs in results.items()}
    header = f"  {'':20} {'median s':>9} {'trials/s':>9} {'CPU ms/trial':>13}"
    header += "".join(f" {'vs ' + b:>18}" for b in base if b in median)
    print(header)
    for name, runs in results.items():
        cpu = statistics.median(c for _, c in runs) / n_trials * 1000
        line = f"  {name:20} {median[name]:9.2f} {n_trials / median[name]:9.1f} {cpu:13.2f}"
        line += "".join(f" {median[b] / median[name]:17.2f}x" for b in base if b in median)
        print(line)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--transport-trials", type=int, default=400)
    ns = parser.parse_args(argv)
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; {ns.repeat} repeats, medians")
    for n_jobs in ns.jobs:
        results = interleaved(contenders(n_jobs), ns.trials, ns.repeat)
        report(f"~20 ms CPU objective, {ns.trials} trials, n_jobs={n_jobs}", results, ns.trials,
               ["pyhpo threads", "optuna threads"])  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        for n_jobs in ns.jobs:
            results = interleaved(transports(n_jobs, tmp), ns.transport_trials, ns.repeat)
            report(f"in-memory study to the workers, trivial objective, {ns.transport_trials} trials, "
                   f"n_jobs={n_jobs}", results, ns.transport_trials, ["temporary journal"])  # fmt: skip


# pytest-benchmark -------------------------------------------------------------------------------------------


def test_cpu_bound_processes(benchmark: Any) -> None:
    pyhpo = _load("pyhpo")
    benchmark.pedantic(lambda: timed(pyhpo, cpu_objective, 40, n_jobs=2, processes=True), rounds=3)


def test_cpu_bound_threads(benchmark: Any) -> None:
    pyhpo = _load("pyhpo")
    benchmark.pedantic(lambda: timed(pyhpo, cpu_objective, 40, n_jobs=2), rounds=3)


def test_served_study_trivial_objective(benchmark: Any) -> None:
    pyhpo = _load("pyhpo")
    benchmark.pedantic(lambda: timed(pyhpo, trivial_objective, 200, n_jobs=2, processes=True), rounds=3)


if __name__ == "__main__":
    main()
