"""Prune trials whose latest value leaves a fixed band."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from pyhpo.pruners._base import BasePruner
from pyhpo.pruners._percentile import _check_int_at_least, _is_first_in_interval_step, _last_step

if TYPE_CHECKING:
    from pyhpo._values import FrozenTrial
    from pyhpo.study import Study


__all__ = ["ThresholdPruner"]


def _as_float(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        # Optuna's words (its check is shared with reported values, hence "the `value` argument").
        raise TypeError(
            f"The `value` argument is of type '{type(value).__name__}' but supposed to be a float."
        ) from None


class ThresholdPruner(BasePruner):
    """Prune when the latest reported value is below ``lower``, above ``upper`` or NaN.

    Useful to stop diverging runs. At least one bound must be given.

    Args:
        lower: Prune when a value is smaller than this.
        upper: Prune when a value is larger than this.
        n_warmup_steps: No pruning at steps below this.
        interval_steps: Steps between checks, counted from ``n_warmup_steps``. At least 1.
    """

    def __init__(
        self,
        lower: float | None = None,
        upper: float | None = None,
        n_warmup_steps: int = 0,
        interval_steps: int = 1,
    ) -> None:
        if lower is None and upper is None:
            raise TypeError("Either lower or upper must be specified.")
        self._lower = -math.inf if lower is None else _as_float(lower)
        self._upper = math.inf if upper is None else _as_float(upper)
        if self._lower > self._upper:
            raise ValueError("lower should be smaller than upper.")
        self._n_warmup_steps = _check_int_at_least(
            "n_warmup_steps", n_warmup_steps, 0, "Number of warmup steps cannot be negative but got {value}."
        )
        self._interval_steps = _check_int_at_least(
            "interval_steps", interval_steps, 1, "Pruning interval steps must be at least 1 but got {value}."
        )

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        step = _last_step(trial)
        if step is None or step < self._n_warmup_steps:
            return False
        if not _is_first_in_interval_step(
            step, trial.intermediate_values.keys(), self._n_warmup_steps, self._interval_steps
        ):
            return False
        value = trial.intermediate_values[step]
        return math.isnan(value) or not (self._lower <= value <= self._upper)
