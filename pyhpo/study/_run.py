"""One trial of ``optimize``: ask, run the objective, tell, log; shared by the thread pool and the workers."""

from __future__ import annotations

import gc
import sys
import time
from typing import TYPE_CHECKING, Any

from pyhpo.exceptions import TrialPruned, UpdateFinishedTrialError
from pyhpo.logging import get_logger
from pyhpo.storages._heartbeat import is_heartbeat_enabled
from pyhpo.study._heartbeat import HeartbeatThread, _fail_stale_trials
from pyhpo.study._tell import tell
from pyhpo.trial import FrozenTrial, Trial, TrialState

if TYPE_CHECKING:
    from collections.abc import Callable

    from pyhpo.study._progress import ProgressBar
    from pyhpo.study._study import Study

__all__ = ["Run", "fail_trials", "run_one", "run_trial"]

_logger = get_logger(__name__)

# Module globals: a member looked up on the Enum class costs several times as much, on every trial.
_COMPLETE = TrialState.COMPLETE
_PRUNED = TrialState.PRUNED
_FAIL = TrialState.FAIL


class Run:
    """What one call of ``optimize`` shares between the threads (or, in a worker process, the loop) running it."""

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
        # (sampler, pruner, has a before_trial, finishing calls a hook): the sampler's and pruner's hooks are
        # looked up once a run, and again only if the study's sampler or pruner is replaced during it. One
        # tuple, so that threads see the four together.
        self.hooks: tuple[Any, Any, bool, bool] | None = None

    def sampler_hooks(self) -> tuple[Any, Any, bool, bool]:
        """:attr:`hooks`, worked out again if the study's sampler or pruner is no longer the one it holds."""
        study = self.study
        hooks = self.hooks
        if hooks is None or hooks[0] is not study.sampler or hooks[1] is not study.pruner:
            hooks = self.hooks = (
                study.sampler,
                study.pruner,
                study._has_before_hook(),
                study._hooks_after_trial(),
            )
        return hooks

    def out_of_time(self) -> bool:
        return self.timeout is not None and time.monotonic() - self.start >= self.timeout

    def after_trial(self, frozen: FrozenTrial) -> None:
        """Callbacks first, then the bar, as in Optuna; each callback gets its own copy of the trial."""
        for callback in self.callbacks:
            callback(self.study, frozen._copy())
        if self.progress is not None:
            self.progress.update(time.monotonic() - self.start, self.study)


def fail_trials(study: Study, trial_ids: set[int] | list[int]) -> list[FrozenTrial]:
    """Mark FAIL those of ``trial_ids`` that are still unfinished (Ctrl-C, a dead worker); return them."""
    failed = []
    storage = study._storage
    for trial_id in list(trial_ids):
        try:
            if storage.get_trial(trial_id).state.is_finished():
                continue
            storage.set_trial_state_values(trial_id, TrialState.FAIL)
            failed.append(storage.get_trial(trial_id))
        except (UpdateFinishedTrialError, KeyError):
            pass
    return failed


def run_one(run: Run) -> None:
    """Ask for a trial, run it, then run the callbacks and move the bar."""
    study = run.study
    if run.heartbeat:
        _fail_stale_trials(study)
    hooks = run.sampler_hooks()
    trial = study._ask(None, hooks[2])
    run.running.add(trial._trial_id)
    try:
        frozen = run_trial(run, trial)
    finally:
        run.running.discard(trial._trial_id)
        if run.gc_after_trial:
            gc.collect()
    if run.callbacks or run.progress is not None:
        run.after_trial(frozen)


def run_trial(run: Run, trial: Trial) -> FrozenTrial:
    """Run the objective on ``trial`` and tell the outcome; re-raise an error not listed in ``catch``."""
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
    # Asked after the objective, which may have replaced the sampler or pruner.
    hooks = run.sampler_hooks()[3]
    try:
        # Shared, not copied: the trial is read here and by the log line; each callback gets its own copy.
        frozen, reason = tell(
            study,
            trial,
            None if state is not None else result,
            state,
            skip_if_finished=True,
            share=True,
            hooks=hooks,
        )
    except Exception:
        frozen = study._storage.get_trial(trial._trial_id)
        raise
    finally:
        if err is not None and state is _PRUNED:
            _logger.info(f"Trial {trial.number} pruned. {err}")
    if frozen.state is _COMPLETE:
        study._log_completed_trial(frozen)
    elif frozen.state is _FAIL and (err is not None or reason is not None):
        # Two lines, as Optuna writes them: why, then what the objective returned (None after an exception).
        why = repr(err) if err is not None else reason
        _logger.warning(
            f"Trial {frozen.number} failed with parameters: {frozen.params} because of the following error: "
            f"{why}.",
            exc_info=exc_info,
        )
        _logger.warning(f"Trial {frozen.number} failed with value {result!r}.")
    if state is _FAIL and err is not None and not isinstance(err, run.catch):
        raise err
    return frozen
