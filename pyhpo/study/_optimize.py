"""The optimisation loop: run trials one after another, in a pool of threads, or in worker processes.

This module checks the arguments of :meth:`Study.optimize` and picks the loop; one trial is run by
:mod:`pyhpo.study._run`, the worker processes by :mod:`pyhpo.study._processes`.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import sys
import time
import warnings
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TYPE_CHECKING, Any

from pyhpo.study._processes import run_processes
from pyhpo.study._progress import ProgressBar
from pyhpo.study._run import Run, fail_trials, run_one

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from pyhpo.study._study import Study
    from pyhpo.trial import FrozenTrial, Trial


def optimize(
    study: Study,
    func: Callable[[Trial], Any],
    n_trials: int | None,
    timeout: float | None,
    n_jobs: int,
    catch: Iterable[type[Exception]] | type[Exception],
    callbacks: Iterable[Callable[[Study, FrozenTrial], None]] | None,
    gc_after_trial: bool,
    show_progress_bar: bool,
    processes: bool | str = False,
) -> None:
    """Validate the arguments of :meth:`Study.optimize` and run it."""
    if not callable(func):
        raise TypeError(f"func must be callable (the objective), got {func!r}")
    if n_trials is not None and (isinstance(n_trials, bool) or not isinstance(n_trials, int) or n_trials < 0):
        raise ValueError(f"n_trials must be None or an int >= 0, got {n_trials!r}")
    if timeout is not None and (
        isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout >= 0
    ):
        raise ValueError(f"timeout must be None or a number of seconds >= 0, got {timeout!r}")
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs == 0 or n_jobs < -1:
        raise ValueError(f"n_jobs must be a positive int or -1 (one per CPU), got {n_jobs!r}")
    if isinstance(catch, type) and issubclass(catch, BaseException):
        catch = (catch,)
    try:
        catch_tuple = tuple(catch)
    except TypeError:
        raise TypeError(
            f"The catch argument is of type '{type(catch).__name__}' but must be an exception class or an "
            "iterable of them."
        ) from None
    for c in catch_tuple:
        if not (isinstance(c, type) and issubclass(c, BaseException)):
            raise TypeError(f"catch must hold exception classes, got {c!r}")
    if callbacks is None:
        callback_list: list[Callable[[Study, FrozenTrial], None]] = []
    else:
        try:
            callback_list = list(callbacks)
        except TypeError:
            raise TypeError(f"callbacks must be a list of callables, got {callbacks!r}") from None
    for cb in callback_list:
        if not callable(cb):
            raise TypeError(f"callbacks must be callables taking (study, frozen_trial), got {cb!r}")
    for flag_name, flag in (("gc_after_trial", gc_after_trial), ("show_progress_bar", show_progress_bar)):
        if not isinstance(flag, (bool, int)):
            raise TypeError(f"{flag_name} must be a bool, got {flag!r}")
    start_method = _start_method(processes, study._storage)
    if study._thread_local.in_optimize_loop:
        raise RuntimeError("Nested invocation of `Study.optimize` method isn't allowed.")
    if show_progress_bar and n_trials is None and timeout is not None and n_jobs != 1:
        # As Optuna: no time bar with several threads; it warns and draws no bar at all.
        warnings.warn("The timeout-based progress bar is not supported with n_jobs != 1.", stacklevel=3)
        show_progress_bar = False
    if show_progress_bar and n_trials is None and timeout is None:
        warnings.warn("Progress bar won't be displayed because n_trials and timeout are None.", stacklevel=3)
    # Optuna's test, kept as is: n_trials=0 without a timeout draws no bar either (and does not warn).
    progress = (
        ProgressBar(n_trials, timeout) if show_progress_bar and (n_trials or timeout) is not None else None
    )
    if n_jobs == -1:
        n_jobs = usable_cpu_count() if start_method is not None else (os.cpu_count() or 1)

    run = Run(study, func, n_trials, timeout, catch_tuple, callback_list, gc_after_trial, progress)
    study._stop_flag = False
    try:
        if start_method is not None:
            run_processes(run, n_jobs, start_method)
        elif n_jobs == 1:
            _run_sequential(run, n_trials)
        else:
            _run_threads(run, n_jobs)
    finally:
        study._thread_local.in_optimize_loop = False
        if progress is not None:
            progress.close()


def _run_sequential(run: Run, n_trials: int | None) -> None:
    study = run.study
    study._thread_local.in_optimize_loop = True
    try:
        # The checks written out: a method call per trial is a noticeable part of a trivial trial.
        timeout, start = run.timeout, run.start
        for i in itertools.count():
            if (
                study._stop_flag
                or (n_trials is not None and i >= n_trials)
                or (timeout is not None and time.monotonic() - start >= timeout)
            ):
                break
            run_one(run)
    finally:
        study._thread_local.in_optimize_loop = False


def _run_in_worker(run: Run) -> None:
    """One trial in a pool thread. The sampler is reseeded first, as Optuna does for each task it submits, so
    threads that share a sampler never draw the same random numbers (with a fixed seed, ``n_jobs > 1`` is not
    reproducible, in Optuna as here)."""
    run.study.sampler.reseed_rng()
    _run_sequential(run, 1)


def _run_threads(run: Run, n_jobs: int) -> None:
    study = run.study
    futures: set[Future[None]] = set()
    executor = ThreadPoolExecutor(max_workers=n_jobs, thread_name_prefix="pyhpo")
    try:
        for submitted in itertools.count():
            if (
                study._stop_flag
                or run.out_of_time()
                or (run.n_trials is not None and submitted >= run.n_trials)
            ):
                break
            if len(futures) >= n_jobs:
                done, futures = wait(futures, return_when=FIRST_COMPLETED)
                for f in done:
                    f.result()
                if study._stop_flag or run.out_of_time():
                    break
            futures.add(executor.submit(_run_in_worker, run))
        for f in futures:
            f.result()
    except BaseException as e:
        study._stop_flag = True
        if isinstance(e, KeyboardInterrupt):
            # Ctrl-C: the user wants out now; fail what is in flight instead of waiting for it.
            fail_trials(study, run.running)
            executor.shutdown(wait=False, cancel_futures=True)
        else:
            # Any other error: let the trials in flight finish (as Optuna does), so no objective is still
            # running, and no trial still RUNNING, once optimize has raised.
            executor.shutdown(wait=True, cancel_futures=True)
        raise
    executor.shutdown(wait=True)


def default_start_method(storage: object = None) -> str:
    """The start method of ``processes=True``: ``fork`` where the platform has it and it is safe, else ``spawn``.

    Chosen here rather than left to :mod:`multiprocessing`, whose default changes between Python versions
    (``forkserver`` on Linux from 3.14): with ``fork`` the objective reaches the workers without being pickled
    (a lambda or a closure works) and a worker starts in milliseconds. macOS forks unsafely (system frameworks
    are not fork-safe; Python itself switched to ``spawn`` there), Windows cannot fork. A study on a gRPC proxy
    also gets ``spawn``: a process that holds gRPC channels does not survive ``fork`` (its children crash).
    """
    grpc = any(c.__name__ == "GrpcStorageProxy" for c in type(storage).__mro__)
    if not grpc and sys.platform != "darwin" and "fork" in multiprocessing.get_all_start_methods():
        return "fork"
    return "spawn"


def usable_cpu_count() -> int:
    """The CPUs this process may run on (its affinity mask where the OS has one): ``n_jobs=-1`` with processes."""
    counter = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if counter is not None:
        return int(counter() or 1)
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def _start_method(processes: object, storage: object) -> str | None:
    """None for threads; otherwise the start method of the worker processes."""
    if processes is False:
        return None
    if processes is True:
        return default_start_method(storage)
    methods = multiprocessing.get_all_start_methods()
    if isinstance(processes, str) and processes in methods:
        return processes
    raise ValueError(
        f"processes must be a bool or a start method this platform has ({', '.join(map(repr, methods))}), "
        f"got {processes!r}"
    )
