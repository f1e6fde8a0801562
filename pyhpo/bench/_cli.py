"""The command line of ``python -m pyhpo.bench`` (also ``pyhpo bench``)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from pyhpo.bench._backends import BACKENDS, DEFAULT_URLS, URL_ENV, server_urls
from pyhpo.bench._workloads import OPT_IN_WORKLOADS as _OPT_IN
from pyhpo.bench._workloads import WORKLOADS
from pyhpo.bench._workloads_tpe import TPEGrown

# Workloads that run only when named: the process-parallel pair and TPE on the big study.
OPT_IN_WORKLOADS = {**_OPT_IN, TPEGrown.name: TPEGrown()}

__all__ = ["build_parser", "main"]

_FULL: dict[str, Any] = {
    "procs": [1, 2, 4, 8, 16, 32],
    "threads": [1, 2, 4, 8, 16, 32],
    "trials": 320,
    "repeat": 3,
    "study_size": 10_000,
}
_QUICK: dict[str, Any] = {
    "procs": [1, 2],
    "threads": [2],
    "trials": 30,
    "repeat": 1,
    "study_size": 200,
    "storages": ["memory", "journal-file"],
}


def _names(choices: list[str], what: str) -> Any:
    def parse(text: str) -> list[str]:
        names = [n for n in text.split(",") if n]
        for name in names:
            if name not in choices:
                raise argparse.ArgumentTypeError(f"unknown {what} {name!r}; choose from {', '.join(choices)}")
        return names

    return parse


def _counts(text: str) -> list[int]:
    try:
        values = [int(v) for v in text.split(",") if v]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected whole numbers such as 1,2,4, got {text!r}") from None
    if not values or any(v < 1 for v in values):
        raise argparse.ArgumentTypeError(f"expected numbers >= 1, got {text!r}")
    return values


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, got {value}")
    return value


def _flat(groups: list[list[Any]] | None) -> list[Any] | None:
    if groups is None:
        return None
    return list(dict.fromkeys(v for g in groups for v in g))


def build_parser(prog: str = "python -m pyhpo.bench") -> argparse.ArgumentParser:
    storages = list(BACKENDS)
    workloads = [*WORKLOADS, *OPT_IN_WORKLOADS]
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Measure pyhpo's storages (and optionally Optuna's, side by side): trials per second for "
        "each backend x workload x number of worker processes or threads. Lists take spaces or commas.",
        epilog="Workloads: "
        + "; ".join(f"{w.name}: {w.description}" for w in [*WORKLOADS.values(), *OPT_IN_WORKLOADS.values()]),
    )
    add = parser.add_argument
    add(
        "--storages",
        nargs="+",
        type=_names(storages, "storage"),
        metavar="NAME",
        help=f"backends to measure (default: all; --quick: {','.join(_QUICK['storages'])}): {', '.join(storages)}",
    )
    add(
        "--workloads",
        nargs="+",
        type=_names(workloads, "workload"),
        metavar="NAME",
        help=f"workloads (default: all but cpu, cpu-procs): {', '.join(workloads)}",
    )
    add(
        "--procs", nargs="+", type=_counts, metavar="P", help="worker process counts (default: 1 2 4 8 16 32)"
    )
    add(
        "--threads",
        nargs="+",
        type=_counts,
        metavar="T",
        help="thread counts (n_jobs) in one process (default: 1 2 4 8 16 32)",
    )
    add("--trials", type=_positive, help="trials per measurement, shared by the workers (default: 320)")
    add("--repeat", type=_positive, help="repeats of every measurement (default: 3)")
    add(
        "--study-size",
        type=_positive,
        help="trials in the big study of the grown and cold-load workloads (default: 10000)",
    )
    add(
        "--quick",
        action="store_true",
        help="a small run (under a minute, no server needed); explicit options still win",
    )
    add(
        "--compare",
        nargs="+",
        type=lambda s: [n for n in s.split(",") if n],
        metavar="LIB",
        default=[],
        help="peer libraries with Optuna's API to run the same workloads on, e.g. optuna",
    )
    add("--json", metavar="FILE", help="write every raw figure and the machine description to FILE")
    add("--plot", metavar="FILE.png", help="draw trials/s against workers to FILE.png (needs matplotlib)")
    for key in DEFAULT_URLS:
        add(
            f"--{key}-url",
            metavar="URL",
            help=f"{key} server (default: ${URL_ENV[key]} or {DEFAULT_URLS[key]})",
        )
    add("--timeout", type=float, default=600.0, help="seconds one measurement may take (default: 600)")
    add("--seed", type=int, default=0, help="base seed of the samplers (default: 0)")
    add("--no-progress", action="store_true", help="no progress bar on stderr")
    return parser


def config_from_args(ns: argparse.Namespace) -> Any:
    """Turn parsed options into a :class:`BenchConfig` (quick defaults, then explicit options)."""
    from pyhpo.bench._runner import BenchConfig

    base = {**_FULL, **(_QUICK if ns.quick else {})}
    storages = _flat(ns.storages) or base.get("storages") or list(BACKENDS)
    names = _flat(ns.workloads) or list(WORKLOADS)
    known = {**WORKLOADS, **OPT_IN_WORKLOADS}
    return BenchConfig(
        storages=storages,
        workloads=[known[n] for n in names],
        procs=_flat(ns.procs) or base["procs"],
        threads=_flat(ns.threads) or base["threads"],
        trials=ns.trials or base["trials"],
        repeat=ns.repeat or base["repeat"],
        study_size=ns.study_size or base["study_size"],
        compare=[lib for lib in (_flat(ns.compare) or []) if lib != "pyhpo"],
        urls=server_urls({k: getattr(ns, f"{k}_url") for k in DEFAULT_URLS}),
        timeout=ns.timeout,
        progress=not ns.no_progress,
        seed=ns.seed,
    )


def _exit_cleanly_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit so that servers, temp files and studies are cleaned up on the way out."""
    import signal
    import threading

    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)


def main(argv: list[str] | None = None, prog: str = "python -m pyhpo.bench") -> int:
    """Run the benchmark; 0 when every measurement passed, 1 when one FAILED, 2 on bad usage."""
    from pyhpo.bench._report import format_table, jsonable, write_json
    from pyhpo.bench._runner import run_matrix

    parser = build_parser(prog)
    ns = parser.parse_args(argv)
    if ns.timeout <= 0:
        parser.error(f"--timeout must be positive, got {ns.timeout}")
    if ns.plot:
        try:
            import matplotlib  # noqa: F401  (fail before the run, not after it)
        except ImportError:
            parser.error("--plot needs matplotlib: pip install 'pyhpo-opt[bench]'")
    cfg = config_from_args(ns)
    _exit_cleanly_on_sigterm()
    command = " ".join([prog] + (sys.argv[1:] if argv is None else list(argv)))
    result = run_matrix(cfg)
    result["command"] = command
    print(format_table(result))
    if ns.json:
        settings = {
            "storages": cfg.storages,
            "workloads": [w.name for w in cfg.workloads],
            "procs": cfg.procs,
            "threads": cfg.threads,
            "trials": cfg.trials,
            "repeat": cfg.repeat,
            "study_size": cfg.study_size,
            "compare": cfg.compare,
            "timeout": cfg.timeout,
            "seed": cfg.seed,
        }
        write_json(ns.json, result, settings)
    if ns.plot:
        from pyhpo.bench._plot import plot

        plot(jsonable(result), ns.plot)
    failed = [r for r in result["rows"] if r["status"] == "FAILED"]
    if failed:
        print(f"\n{len(failed)} measurement(s) FAILED.", file=sys.stderr)
        return 1
    return 0
