"""The median stopping rule."""

from __future__ import annotations

from pyhpo.pruners._percentile import PercentilePruner

__all__ = ["MedianPruner"]


class MedianPruner(PercentilePruner):
    """Prune a trial whose best value so far is worse than the median of its peers at that step.

    This is :class:`PercentilePruner` with ``percentile=50``: at each check the trial's best
    reported value is compared with the median of the values the COMPLETE trials reported at
    the same step. NaN peer values are ignored; a trial that reported only NaNs is pruned.

    Args:
        n_startup_trials: No pruning until this many trials have completed.
        n_warmup_steps: No pruning at steps below this; the first check is at this step.
        interval_steps: Steps between checks, counted from ``n_warmup_steps``. At least 1.
        n_min_trials: No pruning at a step for which fewer than this many COMPLETE trials have
            a value. At least 1.
    """

    def __init__(
        self,
        n_startup_trials: int = 5,
        n_warmup_steps: int = 0,
        interval_steps: int = 1,
        *,
        n_min_trials: int = 1,
    ) -> None:
        super().__init__(50.0, n_startup_trials, n_warmup_steps, interval_steps, n_min_trials=n_min_trials)
