"""Heartbeats, the storage side: how a backend records that a worker is alive and lists the trials of dead ones.

A backend that can hold heartbeats subclasses :class:`BaseHeartbeat`. While a trial runs, its worker records a
heartbeat every ``heartbeat_interval`` seconds; a RUNNING trial whose last heartbeat is older than
``grace_period`` belongs to a dead worker. Driving this (the heartbeat thread, and ``fail_stale_trials``, which
marks those trials FAIL and runs the storage's ``failed_trial_callback``) is a study's business and lives in
:mod:`pyhpo.study._heartbeat`; this module names ``fail_stale_trials`` too, for code written for Optuna's
``optuna.storages._heartbeat``: the ``pyhpo`` facade sets the name (storages sit below studies).
"""

from __future__ import annotations

import abc
import warnings
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from pyhpo._values import FrozenTrial
    from pyhpo.storages._base import BaseStorage
    from pyhpo.study import Study
    from pyhpo.study._heartbeat import fail_stale_trials  # noqa: TC004 - set at run time by the pyhpo facade

__all__ = ["BaseHeartbeat", "fail_stale_trials", "is_heartbeat_enabled"]


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
