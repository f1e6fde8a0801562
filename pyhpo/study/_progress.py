"""The tqdm progress bar of ``optimize(show_progress_bar=True)``: counts trials, or seconds under a timeout."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from pyhpo.trial import FrozenTrial, TrialState

if TYPE_CHECKING:
    from pyhpo.study._study import Study


class ProgressBar:
    """Draws trials done out of ``n_trials`` (or seconds out of ``timeout`` when there is no trial count)."""

    def __init__(self, n_trials: int | None, timeout: float | None) -> None:
        from tqdm.auto import tqdm

        self._by_time = n_trials is None and timeout is not None
        self._lock = threading.Lock()
        self._elapsed = 0.0
        if self._by_time:
            assert timeout is not None
            self._bar: Any = tqdm(total=timeout, bar_format="{l_bar}{bar}| {n:.0f}/{total:.0f} s")
        else:
            self._bar = tqdm(total=n_trials)

    def update(self, elapsed: float, study: Study, trial: FrozenTrial) -> None:
        with self._lock:
            if self._by_time:
                step = min(elapsed, self._bar.total) - self._elapsed
                self._elapsed += step
                self._bar.update(step)
            else:
                self._bar.update(1)
            if trial.state == TrialState.COMPLETE and not study._is_multi_objective():
                try:
                    best = study.best_trial
                    self._bar.set_description(f"Best trial: {best.number}. Best value: {best.value:.6g}")
                except ValueError:
                    pass

    def close(self) -> None:
        self._bar.close()
