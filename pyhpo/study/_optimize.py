"""The optimisation loop: run trials one after another, or in a pool of threads."""

from __future__ import annotations

import gc
import itertools
import os
import sys
import time
import warnings
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TYPE_CHECKING, Any

from pyhpo.exceptions import TrialPruned, UpdateFinishedTrialError
from pyhpo.logging import get_logger
from pyhpo.storages._heartbeat import is_heartbeat_enabled
from pyhpo.study._heartbeat import HeartbeatThread, _fail_stale_trials
from pyhpo.study._progress import ProgressBar
from pyhpo.study._tell import tell
from pyhpo.trial import FrozenTrial, Trial, TrialState

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from pyhpo.study._study import Study

_logger = get_logger(__name__)


class _Run:
    """What one call of ``optimize`` shares between its threads."""

    def __init__(
        self,
        study: Study,
        func: Callable[[Trial], Any],
        n_trials: int | None,
        timeout: float | None,
        catch: tuple[type[Exception], ...],
        callbacks: list[Callable[[Study, FrozenTrial], None]],
        gc_after_trial: bool,
        progress: ProgressBar | None,
    ) -> None:
        self.study = study
        self.func = func
        self.n_trials = n_trials
        self.timeout = timeout
        self.catch = catch
        self.callbacks = callbacks
        self.gc_after_trial = gc_after_trial
        self.progress = progress
        self.start = time.monotonic()
        self.running: set[int] = set()
        self.heartbeat = is_heartbeat_enabled(study._storage)

    def out_of_time(self) -> bool:
        return self.timeout is not None and time.monotonic() - self.start >= self.timeout


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
        n_jobs = os.cpu_count() or 1

    run = _Run(study, func, n_trials, timeout, catch_tuple, callback_list, gc_after_trial, progress)
    study._stop_flag = False
    try:
        if n_jobs == 1:
            _run_sequential(run, n_trials)
        else:
            _run_threads(run, n_jobs)
    finally:
        study._thread_local.in_optimize_loop = False
        if progress is not None:
            progress.close()


def _run_sequential(run: _Run, n_trials: int | None) -> None:
    study = run.study
    study._thread_local.in_optimize_loop = True
    try:
        for i in itertools.count():
            if study._stop_flag or run.out_of_time() or (n_trials is not None and i >= n_trials):
                break
            _run_one(run)
    finally:
        study._thread_local.in_optimize_loop = False


def _run_in_worker(run: _Run) -> None:
    """One trial in a pool thread. The sampler is reseeded first, as Optuna does for each task it submits, so
    threads that share a sampler never draw the same random numbers (with a fixed seed, ``n_jobs > 1`` is not
    reproducible, in Optuna as here)."""
    run.study.sampler.reseed_rng()
    _run_sequential(run, 1)


def _run_threads(run: _Run, n_jobs: int) -> None:
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
            _fail_running(run)
            executor.shutdown(wait=False, cancel_futures=True)
        else:
            # Any other error: let the trials in flight finish (as Optuna does), so no objective is still
            # running, and no trial still RUNNING, once optimize has raised.
            executor.shutdown(wait=True, cancel_futures=True)
        raise
    executor.shutdown(wait=True)


def _fail_running(run: _Run) -> None:
    """On Ctrl-C, mark the trials this run still has in flight FAIL so no RUNNING trial is left behind."""
    storage = run.study._storage
    for trial_id in list(run.running):
        try:
            storage.set_trial_state_values(trial_id, TrialState.FAIL)
        except (UpdateFinishedTrialError, KeyError):
            pass


def _run_one(run: _Run) -> None:
    study = run.study
    if run.heartbeat:
        _fail_stale_trials(study)
    trial = study.ask()
    run.running.add(trial._trial_id)
    try:
        frozen = _run_trial(run, trial)
    finally:
        run.running.discard(trial._trial_id)
        if run.gc_after_trial:
            gc.collect()
    # Callbacks first, then the bar, as in Optuna; each callback gets its own copy of the trial.
    for callback in run.callbacks:
        callback(study, frozen._copy())
    if run.progress is not None:
        run.progress.update(time.monotonic() - run.start, study)


def _run_trial(run: _Run, trial: Trial) -> FrozenTrial:
    study = run.study
    state: TrialState | None = None
    result: Any = None
    err: BaseException | None = None
    exc_info: Any = None
    heartbeat = HeartbeatThread(trial._trial_id, study._storage) if run.heartbeat else None
    if heartbeat is not None:
        heartbeat.start()
    try:
        result = run.func(trial)
    except TrialPruned as e:
        state, err = TrialState.PRUNED, e
    except (Exception, KeyboardInterrupt) as e:  # noqa: BLE001 - any failure of the objective fails the trial
        state, err, exc_info = TrialState.FAIL, e, sys.exc_info()
    finally:
        if heartbeat is not None:
            heartbeat.stop()
    try:
        frozen, reason = tell(
            study, trial, None if state is not None else result, state, skip_if_finished=True
        )
    except Exception:
        frozen = study._storage.get_trial(trial._trial_id)
        raise
    finally:
        if err is not None and state == TrialState.PRUNED:
            _logger.info(f"Trial {trial.number} pruned. {err}")
    if frozen.state == TrialState.COMPLETE:
        study._log_completed_trial(frozen)
    elif frozen.state == TrialState.FAIL and (err is not None or reason is not None):
        # Two lines, as Optuna writes them: why, then what the objective returned (None after an exception).
        why = repr(err) if err is not None else reason
        _logger.warning(
            f"Trial {frozen.number} failed with parameters: {frozen.params} because of the following error: "
            f"{why}.",
            exc_info=exc_info,
        )
        _logger.warning(f"Trial {frozen.number} failed with value {result!r}.")
    if state == TrialState.FAIL and err is not None and not isinstance(err, run.catch):
        raise err
    return frozen
