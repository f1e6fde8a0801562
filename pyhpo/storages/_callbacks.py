"""Callbacks for trials that failed because their worker died."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from pyhpo._experimental import experimental_class, experimental_func
from pyhpo._values import FrozenTrial, TrialState, create_trial

if TYPE_CHECKING:
    from pyhpo.study import Study

__all__ = ["RetryFailedTrialCallback", "RetryHeartbeatStaleTrialCallback"]


@experimental_class("2.8.0")
class RetryHeartbeatStaleTrialCallback:
    """Re-enqueue a trial failed by a stale heartbeat, with the same parameters (Optuna's callback).

    The new trial carries ``failed_trial`` (the number of the first failed attempt) and ``retry_history`` (the
    numbers of every earlier attempt) in its system attributes.

    Args:
        max_retry: Give up after this many retries of one trial; None retries forever.
        inherit_intermediate_values: Copy the failed trial's reported values into the retry.
    """

    def __init__(self, max_retry: int | None = None, inherit_intermediate_values: bool = False) -> None:
        if max_retry is not None and (
            isinstance(max_retry, bool) or not isinstance(max_retry, int) or max_retry < 0
        ):
            raise ValueError(f"max_retry must be None or an int >= 0, got {max_retry!r}")
        self._max_retry = max_retry
        self._inherit_intermediate_values = inherit_intermediate_values

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        system_attrs: dict[str, Any] = {
            "failed_trial": trial.number,
            "retry_history": [],
            **trial.system_attrs,
        }
        system_attrs["retry_history"] = [*list(system_attrs["retry_history"]), trial.number]
        if self._max_retry is not None and len(system_attrs["retry_history"]) > self._max_retry:
            return
        study.add_trial(
            create_trial(
                state=TrialState.WAITING,
                params=trial.params,
                distributions=trial.distributions,
                user_attrs=trial.user_attrs,
                system_attrs=system_attrs,
                intermediate_values=trial.intermediate_values if self._inherit_intermediate_values else None,
            )
        )

    @staticmethod
    @experimental_func("2.8.0")
    def retried_trial_number(trial: FrozenTrial) -> int | None:
        """The number of the first failed attempt this trial retries, or None."""
        value = trial.system_attrs.get("failed_trial")
        return None if value is None else int(value)

    @staticmethod
    @experimental_func("3.0.0")
    def retry_history(trial: FrozenTrial) -> list[int]:
        """The numbers of the earlier attempts of this trial, oldest first."""
        return list(trial.system_attrs.get("retry_history", []))


class RetryFailedTrialCallback(RetryHeartbeatStaleTrialCallback):
    """The name Optuna used before 4.9 for :class:`RetryHeartbeatStaleTrialCallback`; behaves the same.

    Deprecated in Optuna 4.9 (to be removed in 6.0): creating one warns with Optuna's FutureWarning, then with the
    ExperimentalWarning of the class it renames.
    """

    def __init__(self, max_retry: int | None = None, inherit_intermediate_values: bool = False) -> None:
        warnings.warn(
            "RetryFailedTrialCallback has been deprecated in v4.9.0. This feature will be removed in v6.0.0. "
            "See https://github.com/optuna/optuna/releases/tag/v4.9.0. Use `RetryHeartbeatStaleTrialCallback` "
            "instead.",
            FutureWarning,
            stacklevel=2,
        )
        super().__init__(max_retry, inherit_intermediate_values)
