"""Hyperband: several Successive Halving brackets, each trial hashed into one of them."""

from __future__ import annotations

import binascii
import math
from typing import TYPE_CHECKING, Any, cast

from pyhpo._values import TrialState
from pyhpo.pruners._base import BasePruner
from pyhpo.pruners._percentile import _check_int_at_least, _last_step
from pyhpo.pruners._successive_halving import SuccessiveHalvingPruner

if TYPE_CHECKING:
    from collections.abc import Container

    from pyhpo._values import FrozenTrial
    from pyhpo.study import Study


__all__ = ["HyperbandPruner"]


class HyperbandPruner(BasePruner):
    """Pruner running Hyperband (Li et al. 2018) as a set of ASHA brackets.

    Bracket ``b`` is a :class:`SuccessiveHalvingPruner` with ``min_early_stopping_rate=b``:
    bracket 0 prunes most aggressively, the last one hardly at all. There are
    ``floor(log_eta(max_resource / min_resource)) + 1`` brackets. Each trial belongs to one
    bracket, chosen by hashing ``"{study_name}_{trial.number}"`` (CRC32, as in Optuna, so a fixed
    study name gives reproducible assignments) with more trials sent to aggressive brackets, and
    is compared only with trials of its bracket (see :meth:`filter_study`).

    Args:
        min_resource: Steps in the first rung of bracket 0. At least 1.
        max_resource: Maximum steps of a trial, or ``"auto"``: the last step of the first
            COMPLETE trial plus one (no pruning before then).
        reduction_factor: ``eta``, as for :class:`SuccessiveHalvingPruner`. At least 2.
        bootstrap_count: Trials that must complete a rung before any is promoted; needs an
            explicit ``max_resource``.
    """

    def __init__(
        self,
        min_resource: int = 1,
        max_resource: str | int = "auto",
        reduction_factor: int = 3,
        bootstrap_count: int = 0,
    ) -> None:
        self._min_resource = _check_int_at_least("min_resource", min_resource, 1)
        if isinstance(max_resource, str):
            if max_resource != "auto":
                raise ValueError(f"max_resource must be 'auto' or an int >= 1, got {max_resource!r}.")
            self._max_resource: int | None = None
        else:
            self._max_resource = _check_int_at_least("max_resource", max_resource, 1)
        self._reduction_factor = _check_int_at_least("reduction_factor", reduction_factor, 2)
        self._bootstrap_count = _check_int_at_least("bootstrap_count", bootstrap_count, 0)
        if self._bootstrap_count > 0 and self._max_resource is None:
            raise ValueError(
                f"bootstrap_count={bootstrap_count} > 0 needs an explicit max_resource, not 'auto'."
            )
        self._pruners: list[SuccessiveHalvingPruner] = []
        self._budgets: list[int] = []
        self._total_budget = 0

    @property
    def _n_brackets(self) -> int:
        return len(self._pruners)

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        if not self._pruners:
            self._try_initialization(study)
            if not self._pruners:
                return False
        bracket_id = self._get_bracket_id(study, trial)
        bracket_study = cast("Study", _BracketStudy(study, self, bracket_id))
        return self._pruners[bracket_id].prune(bracket_study, trial)

    def filter_study(self, study: Study, trial: FrozenTrial) -> Study:
        """A view of ``study`` whose ``get_trials`` lists only the trials of ``trial``'s bracket.

        The study itself while there are no brackets yet (``max_resource="auto"`` before a trial completes).
        ``prune`` builds the same view itself, so pruning is per bracket either way.
        """
        # Initialise the brackets if possible so the trial lands in its final bracket.
        if not self._pruners:
            self._try_initialization(study)
        if not self._pruners:
            return study
        return cast("Study", _BracketStudy(study, self, self._get_bracket_id(study, trial)))

    def _try_initialization(self, study: Study) -> None:
        if self._max_resource is None:
            last_steps = [
                s
                for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
                if (s := _last_step(t)) is not None
            ]
            if not last_steps:
                return
            self._max_resource = max(last_steps) + 1
        # floor(log_eta(max / min)) + 1, counted in integers: math.log(243, 3) is 4.999...
        n_brackets = 0
        while self._min_resource * self._reduction_factor**n_brackets <= self._max_resource:
            n_brackets += 1
        if n_brackets == 0:
            return  # max_resource < min_resource: nothing to prune
        budgets = []
        for bracket_id in range(n_brackets):
            s = n_brackets - 1 - bracket_id
            budgets.append(math.ceil(n_brackets * self._reduction_factor**s / (s + 1)))
        pruners = [
            SuccessiveHalvingPruner(
                min_resource=self._min_resource,
                reduction_factor=self._reduction_factor,
                min_early_stopping_rate=bracket_id,
                bootstrap_count=self._bootstrap_count,
            )
            for bracket_id in range(n_brackets)
        ]
        self._budgets = budgets
        self._total_budget = sum(budgets)
        self._pruners = pruners

    def _get_bracket_id(self, study: Study, trial: FrozenTrial) -> int:
        """Bracket of ``trial``: a hash of study name and trial number spread by bracket budget."""
        if not self._pruners:
            return 0
        n = binascii.crc32(f"{study.study_name}_{trial.number}".encode()) % self._total_budget
        for bracket_id, budget in enumerate(self._budgets):
            n -= budget
            if n < 0:
                return bracket_id
        raise AssertionError("unreachable: the budgets sum to the modulus")


class _BracketStudy:
    """A view of a study whose public trial listing shows only one Hyperband bracket.

    ``get_trials`` and ``trials`` are filtered; the private ``_get_trials``, which samplers use
    and whose results they may cache per study, is not -- exactly as in Optuna, so a sampler
    sees the same trials with or without Hyperband. ``stop`` stops the real study; everything
    else is delegated to it.
    """

    def __init__(self, study: Study, pruner: HyperbandPruner, bracket_id: int) -> None:
        self._study = study
        self._hyperband = pruner
        self._bracket_id = bracket_id

    def _in_bracket(self, trials: list[FrozenTrial]) -> list[FrozenTrial]:
        return [t for t in trials if self._hyperband._get_bracket_id(self._study, t) == self._bracket_id]

    def get_trials(
        self, deepcopy: bool = True, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]:
        return self._in_bracket(self._study.get_trials(deepcopy=deepcopy, states=states))

    @property
    def trials(self) -> list[FrozenTrial]:
        return self.get_trials()

    def stop(self) -> None:
        self._study.stop()

    def __getattr__(self, name: str) -> Any:
        # Only called for attributes not defined above: delegate to the real study.
        return getattr(self._study, name)
