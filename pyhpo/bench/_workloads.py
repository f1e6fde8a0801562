"""What the workers do: one class per workload, shared by every library under test.

Each workload runs in two steps inside a worker process: :meth:`Workload.prepare` (imports, open the storage,
load the study -- untimed, before the start signal) and :meth:`Workload.run` (timed). The same code drives
pyhpo and its peers: ``lib`` is whatever module ``importlib.import_module`` returned.

A workload is found in a worker by its import path (``module:Class``), so tests can define their own -- for
instance one that deliberately loses a trial, to prove that the integrity check catches it.
"""

from __future__ import annotations

import importlib
import math
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ClassVar

from pyhpo.bench._backends import Unsupported, open_storage, storage_factory

__all__ = [
    "OPT_IN_WORKLOADS",
    "WORKLOADS",
    "CPUProcesses",
    "CPUThreads",
    "ColdLoad",
    "GrownStudy",
    "RandomOverhead",
    "TPECost",
    "Workload",
    "load_workload",
    "seed_study",
    "summarize",
]


def summarize(trials: list[Any]) -> dict[str, Any]:
    """What the integrity check needs to know about a study's trials."""
    numbers = sorted(t.number for t in trials)
    states: dict[str, int] = {}
    for t in trials:
        states[t.state.name] = states.get(t.state.name, 0) + 1
    return {
        "total": len(trials),
        "complete": states.get("COMPLETE", 0),
        "states": states,
        "dense": numbers == list(range(len(numbers))),
    }


def seed_study(lib: Any, study: Any, size: int, threads: int = 1) -> None:
    """Fill ``study`` with ``size`` finished trials (two float params, a value), ``threads`` inserts at a time."""
    dist = lib.distributions.FloatDistribution(-10.0, 10.0)
    distributions = {"x": dist, "y": dist}

    def make(i: int) -> Any:
        x = 20.0 * ((i * 0.6180339887) % 1.0) - 10.0
        y = 20.0 * ((i * 0.7548776662) % 1.0) - 10.0
        return lib.trial.create_trial(params={"x": x, "y": y}, distributions=distributions, value=x * x + y)

    if threads <= 1:
        for i in range(size):
            study.add_trial(make(i))
        return
    with ThreadPoolExecutor(threads) as pool:
        for _ in pool.map(lambda i: study.add_trial(make(i)), range(size)):
            pass


def optimize(study: Any, objective: Any, n_trials: int, n_jobs: int, **kwargs: Any) -> None:
    """``study.optimize``, passing ``n_jobs`` only when it is not 1 (not every peer library takes it)."""
    if n_jobs != 1:
        kwargs["n_jobs"] = n_jobs
    study.optimize(objective, n_trials=n_trials, **kwargs)


def check_threads(study: Any, n_jobs: int) -> None:
    """Raise :class:`Unsupported` when ``n_jobs`` > 1 but the library's ``optimize`` has no ``n_jobs``."""
    import inspect

    if n_jobs == 1:
        return
    try:
        params = inspect.signature(study.optimize).parameters
    except (TypeError, ValueError):  # a compiled method without a signature: try it and see
        return
    if "n_jobs" not in params and not any(p.kind is p.VAR_KEYWORD for p in params.values()):
        raise Unsupported(f"{type(study).__module__.split('.')[0]}'s Study.optimize has no n_jobs")


class Workload:
    """A benchmark workload. Subclasses set the class attributes and may override the two steps."""

    #: Name used by ``--workloads`` and in the table.
    name: ClassVar[str] = ""
    #: One line for ``--help`` and the docs: what the figure measures.
    description: ClassVar[str] = ""
    #: Runs on the study that already holds ``--study-size`` trials.
    big_study: ClassVar[bool] = False
    #: Only reads: the study must hold exactly what it held before.
    read_only: ClassVar[bool] = False
    #: Can run as threads of one process (``n_jobs``).
    threads_ok: ClassVar[bool] = True

    def sampler(self, lib: Any, seed: int) -> Any:
        return lib.samplers.RandomSampler(seed=seed)

    @staticmethod
    def objective(trial: Any) -> float:
        x = trial.suggest_float("x", -10.0, 10.0)
        y = trial.suggest_float("y", -10.0, 10.0)
        return float(x * x + y)

    def prepare(self, lib: Any, spec: dict[str, Any], study_name: str, seed: int, study_size: int) -> Any:
        """Untimed: open the storage and load the study (an in-memory study is created here)."""
        storage = open_storage(lib, spec)
        if spec["kind"] == "memory":
            study = lib.create_study(storage=storage, study_name=study_name)
            if self.big_study:
                seed_study(lib, study, study_size)
        return lib.load_study(study_name=study_name, storage=storage, sampler=self.sampler(lib, seed))

    def check(self, state: Any, n_jobs: int) -> None:
        """Untimed, before READY: raise :class:`Unsupported` if this library cannot run the configuration."""
        check_threads(state, n_jobs)

    def run(self, state: Any, n_trials: int, n_jobs: int) -> int:
        """Timed: run ``n_trials`` trials; return how many trials the run produced or read."""
        optimize(state, self.objective, n_trials, n_jobs)
        return n_trials

    def after(self, state: Any, spec: dict[str, Any]) -> dict[str, Any] | None:
        """Untimed, after the run: a :func:`summarize` of what this worker alone can see, if anything.

        Only an in-memory study needs it (no other process can read it); the harness checks shared studies
        itself.
        """
        return summarize(state.trials) if spec["kind"] == "memory" else None


class RandomOverhead(Workload):
    name = "random"
    description = "trivial objective, RandomSampler: the storage's own cost per trial"


class TPECost(Workload):
    name = "tpe"
    description = (
        "a 5-D sphere (five floats), TPESampler with its defaults: the sampler's cost on top of the storage"
    )

    def sampler(self, lib: Any, seed: int) -> Any:
        return lib.samplers.TPESampler(seed=seed)

    @staticmethod
    def objective(trial: Any) -> float:
        # Five floats, as in benchmarks/bench_overhead.py: a proposal's cost grows with the dimensions.
        return float(sum(trial.suggest_float(f"x{i}", -10.0, 10.0) ** 2 for i in range(5)))


class GrownStudy(Workload):
    name = "grown"
    description = "RandomSampler on a study that already holds --study-size trials: cost as the study grows"
    big_study = True


class ColdLoad(Workload):
    name = "cold-load"
    description = (
        "a fresh process opens the storage and reads all --study-size trials (figure: trials read/s)"
    )
    big_study = True
    read_only = True
    threads_ok = False

    def prepare(self, lib: Any, spec: dict[str, Any], study_name: str, seed: int, study_size: int) -> Any:
        if spec["kind"] == "memory":
            raise ValueError("an in-memory study dies with its process: there is nothing to load cold")
        # Import now what loading will use (pyhpo imports storages and samplers lazily, Optuna eagerly):
        # the clock measures reading the study, not importing modules.
        factory = storage_factory(lib, spec)
        getattr(lib.samplers, "TPESampler", None)
        return {"lib": lib, "factory": factory, "study_name": study_name}

    def check(self, state: Any, n_jobs: int) -> None:
        pass

    def run(self, state: Any, n_trials: int, n_jobs: int) -> int:
        lib = state["lib"]
        study = lib.load_study(study_name=state["study_name"], storage=state["factory"]())
        state["trials"] = study.trials
        return len(state["trials"])

    def after(self, state: Any, spec: dict[str, Any]) -> dict[str, Any] | None:
        return summarize(state["trials"])


#: Iterations of :func:`burn_cpu` in one trial of the CPU workloads: about 20 ms on a 2020s x86 core.
CPU_LOOP = 350_000


def burn_cpu(n: int) -> int:
    """Pure-Python work that holds the GIL throughout (no C call releases it)."""
    acc = 0
    for i in range(n):
        acc = (acc + i * i) % 1_000_003
    return acc


class CPUThreads(Workload):
    name = "cpu"
    description = (
        "a pure-Python objective of ~20 ms CPU, n_jobs threads (the GIL lets one run at a time); "
        "run it by name, with --storages memory"
    )

    @staticmethod
    def objective(trial: Any) -> float:
        x = trial.suggest_float("x", -10.0, 10.0)
        burn_cpu(CPU_LOOP)
        return float(x * x)


class CPUProcesses(CPUThreads):
    name = "cpu-procs"
    description = (
        "the cpu objective with processes=True: n_jobs worker processes in one optimize call (a peer "
        "without processes= runs its n_jobs threads, its best in one call); run it by name"
    )

    def run(self, state: Any, n_trials: int, n_jobs: int) -> int:
        import inspect

        kwargs: dict[str, Any] = {"n_jobs": n_jobs}
        if "processes" in inspect.signature(state.optimize).parameters:
            kwargs["processes"] = True
        state.optimize(self.objective, n_trials=n_trials, **kwargs)
        return n_trials


#: The built-in workloads run by default, in table order.
WORKLOADS: dict[str, Workload] = {w.name: w for w in (RandomOverhead(), TPECost(), GrownStudy(), ColdLoad())}

#: Workloads that run only when named in ``--workloads`` (each trial burns CPU: minutes per matrix).
OPT_IN_WORKLOADS: dict[str, Workload] = {w.name: w for w in (CPUThreads(), CPUProcesses())}


def workload_ref(workload: Workload) -> str:
    """The import path by which a worker process finds ``workload``'s class."""
    cls = type(workload)
    return f"{cls.__module__}:{cls.__qualname__}"


def load_workload(ref: str) -> Workload:
    """Instantiate the workload class at ``module:Class``."""
    module, _, qualname = ref.partition(":")
    obj: Any = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    if not (isinstance(obj, type) and issubclass(obj, Workload)):
        raise TypeError(f"{ref!r} is not a Workload subclass")
    return obj()


def split(n_trials: int, n_procs: int) -> list[int]:
    """Share ``n_trials`` between ``n_procs`` workers as evenly as possible."""
    base, extra = divmod(n_trials, n_procs)
    return [base + (1 if i < extra else 0) for i in range(n_procs)]


def spread(values: list[float]) -> tuple[float, float, float]:
    """Median, min and max of ``values`` (NaN for none)."""
    if not values:
        return math.nan, math.nan, math.nan
    ordered = sorted(values)
    mid = len(ordered) // 2
    median = ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
    return median, ordered[0], ordered[-1]
