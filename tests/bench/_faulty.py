"""Workloads that break on purpose, so that the tests can prove the integrity check catches them.

They live here, not in pyhpo.bench: production workloads have no fault switches. Worker processes import this
module by its path (``tests.bench._faulty:SkipsOneTrial``).
"""

from __future__ import annotations

from typing import Any

from pyhpo.bench._workloads import RandomOverhead


class SkipsOneTrial(RandomOverhead):
    """Runs one trial fewer than asked in every worker: the study ends up short."""

    name = "skip-one"

    def run(self, state: Any, n_trials: int, n_jobs: int) -> int:
        return super().run(state, n_trials - 1, n_jobs)


class FailsOneTrial(RandomOverhead):
    """Trial number 1's objective raises, so that trial ends FAIL instead of COMPLETE."""

    name = "fail-one"

    def run(self, state: Any, n_trials: int, n_jobs: int) -> int:
        state.optimize(self.objective, n_trials=n_trials, n_jobs=n_jobs, catch=(RuntimeError,))
        return n_trials

    @staticmethod
    def objective(trial: Any) -> float:
        if trial.number == 1:
            raise RuntimeError("deliberate failure")
        return RandomOverhead.objective(trial)
