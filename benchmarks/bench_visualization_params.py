"""Parameter plots on large studies: pyhpo.visualization vs optuna.visualization, same trials in both.

Workloads (every study holds the same trials in both libraries, added with ``create_trial``/``add_trial``):

* ``parallel_coordinate``: 10,000 trials x 20 float/int/log/categorical parameters (plotly: one line per trial);
* ``slice`` and ``rank``: 10,000 trials x 3 parameters;
* ``contour``: 10,000 trials on two int parameters (0..100 and log 1..1000: a few hundred distinct values per
  axis), and 2,000 trials on two continuous floats (Optuna's grid has one row and column per distinct value,
  so at 10,000 continuous trials it would allocate an 800 MB matrix; pyhpo is also timed there alone);
* matplotlib: ``parallel_coordinate`` and ``contour`` on the same studies.

Run ``python benchmarks/bench_visualization_params.py [repeats]`` for a table of medians, or
``python -m pytest benchmarks/bench_visualization_params.py --benchmark-only`` under pytest-benchmark.
"""

from __future__ import annotations

import functools
import importlib
import statistics
import sys
import time
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

PACKAGES = ("pyhpo", "optuna")
N_TRIALS = 10_000


def _load(name: str) -> ModuleType | None:
    try:
        module = importlib.import_module(name)
        importlib.import_module(f"{name}.visualization")
    except ImportError:
        return None
    module.logging.set_verbosity(module.logging.ERROR)
    return module


def _distributions(lib: ModuleType, n_params: int) -> dict[str, Any]:
    d = lib.distributions
    kinds = [
        lambda: d.FloatDistribution(-5.0, 5.0),
        lambda: d.FloatDistribution(1e-4, 1e2, log=True),
        lambda: d.IntDistribution(0, 100),
        lambda: d.IntDistribution(1, 1000, log=True),
        lambda: d.CategoricalDistribution(["a", "b", "c", None]),
    ]
    return {f"p{i:02d}": kinds[i % len(kinds)]() for i in range(n_params)}


def _value(rng: np.random.Generator, dist: Any) -> Any:
    name = type(dist).__name__
    if name == "CategoricalDistribution":
        return dist.choices[int(rng.integers(len(dist.choices)))]
    if dist.log:
        v = float(np.exp(rng.uniform(np.log(dist.low), np.log(dist.high))))
        return min(max(round(v), dist.low), dist.high) if name == "IntDistribution" else v
    if name == "IntDistribution":
        return int(rng.integers(dist.low, dist.high + 1))
    return float(rng.uniform(dist.low, dist.high))


@functools.cache
def study(lib_name: str, n_trials: int, n_params: int, only: tuple[str, ...] = ()) -> Any:
    """A study of ``lib_name`` with ``n_trials`` COMPLETE trials (the same ones for every library)."""
    lib = importlib.import_module(lib_name)
    dists = _distributions(lib, n_params)
    if only:
        dists = {k: v for k, v in dists.items() if k in only}
    rng = np.random.default_rng(0)
    s = lib.create_study()
    for _ in range(n_trials):
        params = {k: _value(rng, v) for k, v in dists.items()}
        s.add_trial(lib.trial.create_trial(params=params, distributions=dists, value=float(rng.normal())))
    return s


def _plot(lib: ModuleType, backend: str, name: str) -> Callable[..., Any]:
    """``lib.visualization[.matplotlib].plot_<name>``; pyhpo's private module until the package exports it."""
    package = importlib.import_module(f"{lib.__name__}.visualization" + (".matplotlib" if backend else ""))
    fn = getattr(package, f"plot_{name}", None)
    if fn is None:
        fn = getattr(importlib.import_module(f"{package.__name__}._{name}"), f"plot_{name}")
    return fn  # type: ignore[no-any-return]


def workloads() -> dict[str, tuple[Callable[[ModuleType], Any], tuple[int, int, tuple[str, ...]], bool]]:
    """name -> (plot call on a library, study shape, whether Optuna runs it too)."""
    return {
        "plotly parallel_coordinate 10k x 20": (
            lambda lib: _plot(lib, "", "parallel_coordinate"),
            (N_TRIALS, 20, ()),
            True,
        ),
        "plotly slice 10k x 3": (lambda lib: _plot(lib, "", "slice"), (N_TRIALS, 3, ()), True),
        "plotly rank 10k x 3": (lambda lib: _plot(lib, "", "rank"), (N_TRIALS, 3, ()), True),
        "plotly contour 10k ints": (
            lambda lib: _plot(lib, "", "contour"),
            (N_TRIALS, 4, ("p02", "p03")),
            True,
        ),
        "plotly contour 2k floats": (
            lambda lib: _plot(lib, "", "contour"),
            (2_000, 2, ()),
            True,
        ),
        "plotly contour 10k floats": (
            lambda lib: _plot(lib, "", "contour"),
            (N_TRIALS, 2, ()),
            False,
        ),
        "matplotlib parallel_coordinate 10k x 20": (
            lambda lib: _plot(lib, "matplotlib", "parallel_coordinate"),
            (N_TRIALS, 20, ()),
            True,
        ),
        "matplotlib contour 10k ints": (
            lambda lib: _plot(lib, "matplotlib", "contour"),
            (N_TRIALS, 4, ("p02", "p03")),
            True,
        ),
    }


def run(lib_name: str, workload: str) -> float:
    """Seconds for one plot call (the study is built beforehand and cached)."""
    lib = importlib.import_module(lib_name)
    call, shape, _ = workloads()[workload]
    s = study(lib_name, *shape)
    fn = call(lib)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        fn(s)
        elapsed = time.perf_counter() - start
    if "matplotlib" in workload:
        import matplotlib.pyplot as plt

        plt.close("all")
    return elapsed


def _pytest_cases() -> list[tuple[str, str]]:
    return [
        (pkg, name)
        for name, (_, _, both) in workloads().items()
        for pkg in PACKAGES
        if both or pkg == "pyhpo"
    ]


try:
    import pytest
except ImportError:  # pragma: no cover - the script mode does not need pytest
    pytest = None  # type: ignore[assignment]

if pytest is not None:

    @pytest.mark.parametrize(("package", "workload"), _pytest_cases())
    def test_plot(benchmark: Any, package: str, workload: str) -> None:
        if _load(package) is None:
            pytest.skip(f"{package} is not installed")
        if "matplotlib" in workload:
            import matplotlib

            matplotlib.use("Agg")
        _, shape, _ = workloads()[workload]
        study(package, *shape)
        benchmark.pedantic(run, args=(package, workload), rounds=3, iterations=1)


def main(repeats: int = 3) -> None:
    import matplotlib

    matplotlib.use("Agg")
    packages = [p for p in PACKAGES if _load(p) is not None]
    print(f"median of {repeats} runs, seconds")
    print(f"| workload | {' | '.join(packages)} | optuna / pyhpo |")
    print(f"|---|{'---|' * len(packages)}---|")
    for name, (_, _, both) in workloads().items():
        medians: dict[str, float] = {}
        for pkg in packages:
            if pkg != "pyhpo" and not both:
                continue
            run(pkg, name)  # warm-up: imports and caches, not timed
            medians[pkg] = statistics.median(run(pkg, name) for _ in range(repeats))
        cells = [f"{medians[p]:.3f}" if p in medians else "-" for p in packages]
        ratio = f"{medians['optuna'] / medians['pyhpo']:.1f}x" if "optuna" in medians else "-"
        print(f"| {name} | {' | '.join(cells)} | {ratio} |", flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
