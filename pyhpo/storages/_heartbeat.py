"""Heartbeats: how the trials of a worker that died are found and failed by the others.

A backend that can hold heartbeats subclasses :class:`BaseHeartbeat`. While a trial runs, its worker records a
heartbeat every ``heartbeat_interval`` seconds from a background thread. A RUNNING trial whose last heartbeat is
older than ``grace_period`` belongs to a dead worker: :func:`fail_stale_trials` marks it FAIL (exactly one worker
wins that change) and runs the storage's ``failed_trial_callback`` on it.
"""

from __future__ import annotations

import abc
import threading
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING

from pyhpo._experimental import experimental_func
from pyhpo._values import FrozenTrial, TrialState
from pyhpo.exceptions import UpdateFinishedTrialError
from pyhpo.logging import get_logger

if TYPE_CHECKING:
    from pyhpo.storages._base import BaseStorage
    from pyhpo.study import Study

__all__ = ["BaseHeartbeat", "fail_stale_trials", "is_heartbeat_enabled"]

_logger = get_logger(__name__)


class BaseHeartbeat(abc.ABC):
    """What a storage implements to support heartbeats (Optuna's interface)."""

    @abc.abstractmethod
    def record_heartbeat(self, trial_id: int) -> None:
        """Record that the worker running ``trial_id`` is alive now."""

    @abc.abstractmethod
    def _get_stale_trial_ids(self, study_id: int) -> list[int]:
        """Return the ids of RUNNING trials whose last heartbeat is older than the grace period."""

    @abc.abstractmethod
    def get_heartbeat_interval(self) -> int | None:
        """Seconds between heartbeats, or None when heartbeats are off."""

    @abc.abstractmethod
    def get_heartbeat_stale_trial_callback(self) -> Callable[[Study, FrozenTrial], None] | None:
        """The callback run on each trial failed for a stale heartbeat, or None (Optuna 4.9+'s name)."""

    def get_failed_trial_callback(self) -> Callable[[Study, FrozenTrial], None] | None:
        """The name before Optuna 4.9 of :meth:`get_heartbeat_stale_trial_callback`; deprecated, as in Optuna."""
        warnings.warn(
            "get_failed_trial_callback has been deprecated in v4.9.0. This feature will be removed in v6.0.0. "
            "See https://github.com/optuna/optuna/releases/tag/v4.9.0. Use `get_heartbeat_stale_trial_callback` "
            "instead.",
            FutureWarning,
            stacklevel=2,
        )
        return self.get_heartbeat_stale_trial_callback()


def is_heartbeat_enabled(storage: BaseStorage) -> bool:
    """True when ``storage`` holds heartbeats and has an interval set."""
    return isinstance(storage, BaseHeartbeat) and storage.get_heartbeat_interval() is not None


@experimental_func("2.9.0")
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
