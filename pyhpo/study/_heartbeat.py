"""Heartbeat orchestration: fail the trials of dead workers, and beat for the trials this worker runs.

A storage that can hold heartbeats implements :class:`~pyhpo.storages.BaseHeartbeat` (floor 2: record a beat,
list the stale trials). Driving them is a study's business (floor 4): while a trial runs, its worker records a
heartbeat every ``heartbeat_interval`` seconds from a :class:`HeartbeatThread`; before a new trial starts, a
RUNNING trial whose last heartbeat is older than ``grace_period`` belongs to a dead worker, and
:func:`fail_stale_trials` marks it FAIL (exactly one worker wins that change) and runs the storage's
``failed_trial_callback`` on it.

Optuna users find :func:`fail_stale_trials` as ``optuna.storages.fail_stale_trials``; ``pyhpo.storages`` names it
too, loading it from here when first asked for.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from pyhpo._experimental import experimental_func
from pyhpo._values import TrialState
from pyhpo.exceptions import UpdateFinishedTrialError
from pyhpo.logging import get_logger
from pyhpo.storages import BaseHeartbeat, BaseStorage
from pyhpo.storages._heartbeat import is_heartbeat_enabled

if TYPE_CHECKING:
    from pyhpo.study._study import Study

__all__ = ["HeartbeatThread", "fail_stale_trials"]

_logger = get_logger(__name__)


# The warning names the function where Optuna has it (optuna.storages._heartbeat), as pyhpo always did.
@experimental_func("2.9.0", name="pyhpo.storages._heartbeat.fail_stale_trials")
def fail_stale_trials(study: Study) -> None:
    """Mark FAIL the RUNNING trials of ``study`` whose workers stopped sending heartbeats.

    Safe to call from many workers at once: each stale trial is failed by exactly one of them, and only that
    one runs the failed-trial callback. Experimental in Optuna, so calling it warns (``ExperimentalWarning``);
    :meth:`Study.optimize` and :meth:`Study.ask` use it without the warning.
    """
    _fail_stale_trials(study)


def _fail_stale_trials(study: Study) -> None:
    """:func:`fail_stale_trials` without the experimental warning, for pyhpo's own callers."""
    storage = study._storage
    if not is_heartbeat_enabled(storage):
        return
    assert isinstance(storage, BaseHeartbeat)
    failed: list[int] = []
    for trial_id in storage._get_stale_trial_ids(study._study_id):
        try:
            if storage.set_trial_state_values(trial_id, state=TrialState.FAIL):
                failed.append(trial_id)
        except UpdateFinishedTrialError:
            pass  # another worker failed it first
    callback = storage.get_heartbeat_stale_trial_callback()
    if callback is None:
        return
    for trial_id in failed:
        callback(study, storage.get_trial(trial_id))


class HeartbeatThread:
    """Records heartbeats for one trial from a daemon thread between :meth:`start` and :meth:`stop`."""

    def __init__(self, trial_id: int, storage: BaseStorage) -> None:
        self._trial_id = trial_id
        self._storage = storage
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Record a first heartbeat now, then one every interval until :meth:`stop`."""
        assert isinstance(self._storage, BaseHeartbeat)
        interval = self._storage.get_heartbeat_interval()
        assert interval is not None
        self._storage.record_heartbeat(self._trial_id)
        self._thread = threading.Thread(
            target=self._beat, args=(float(interval),), name=f"pyhpo-heartbeat-{self._trial_id}", daemon=True
        )
        self._thread.start()

    def _beat(self, interval: float) -> None:
        assert isinstance(self._storage, BaseHeartbeat)
        while not self._stop.wait(interval):
            try:
                self._storage.record_heartbeat(self._trial_id)
            except Exception as e:  # noqa: BLE001 - a missed beat is retried next interval
                _logger.debug(f"Heartbeat of trial {self._trial_id} failed, retrying next interval: {e!r}")

    def stop(self) -> None:
        """Stop beating and wait for the thread to end."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
