"""The group-decomposed search space: parameters split into groups that always appear together.

Optuna keeps this private (``optuna.search_space.group_decomposed._GroupDecomposedSearchSpace``); multivariate
TPE with ``group=True`` samples each group jointly. pyhpo gives it a public name in this private module, which
:mod:`pyhpo.search_space` re-exports under Optuna's name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyhpo._values import TrialState

if TYPE_CHECKING:
    from pyhpo.distributions import BaseDistribution
    from pyhpo.study import Study

__all__ = ["GroupDecomposedSearchSpace"]


class GroupDecomposedSearchSpace:
    """Partition of the parameters seen so far into groups that always appear together.

    Each finished trial's parameter set splits every existing group into the part it contains and the part
    it does not; parameters never seen before form a new group. The result is the coarsest partition in
    which every trial's parameters are a union of whole groups, so each group can be modelled jointly.
    Incremental: each trial is folded in once.

    Args:
        include_pruned: Count PRUNED trials as well as COMPLETE ones.
    """

    def __init__(self, include_pruned: bool = False) -> None:
        self._include_pruned = include_pruned
        self._study_id: int | None = None
        self._groups: list[dict[str, BaseDistribution]] = []
        self._seen: set[int] = set()

    def calculate(self, study: Study, use_cache: bool = False) -> list[dict[str, BaseDistribution]]:
        """Return the groups (each a name -> distribution dict), oldest first."""
        if self._study_id is None:
            self._study_id = study._study_id
        elif self._study_id != study._study_id:
            raise ValueError("`_GroupDecomposedSearchSpace` cannot handle multiple studies.")
        states = (TrialState.COMPLETE, TrialState.PRUNED) if self._include_pruned else (TrialState.COMPLETE,)
        trials = study._get_trials(deepcopy=False, states=states, use_cache=use_cache)
        if len(trials) != len(self._seen):
            for trial in trials:
                if trial._trial_id not in self._seen:
                    self._seen.add(trial._trial_id)
                    self._add(trial.distributions)
        return [dict(g) for g in self._groups]

    def _add(self, distributions: dict[str, BaseDistribution]) -> None:
        new_names = set(distributions)
        groups: list[dict[str, BaseDistribution]] = []
        for group in self._groups:
            inside = {n: d for n, d in group.items() if n in new_names}
            outside = {n: d for n, d in group.items() if n not in new_names}
            groups.extend(g for g in (inside, outside) if g)
            new_names -= group.keys()
        fresh = {n: d for n, d in distributions.items() if n in new_names}
        if fresh:
            groups.append(fresh)
        self._groups = groups
