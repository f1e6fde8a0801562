"""Search spaces inferred from the trials of a study (Optuna's ``optuna.search_space``).

The *intersection search space* is the set of parameters that every finished trial of interest
suggested with the same distribution. A relative sampler (multivariate TPE, CMA-ES) can only sample
those jointly; parameters outside it (conditional or dynamic ones) are sampled independently.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# Optuna's private name (optuna.search_space.group_decomposed), kept for code ported from it; pyhpo's samplers
# use the public name in pyhpo._group_decomposed.
from pyhpo._group_decomposed import GroupDecomposedSearchSpace as _GroupDecomposedSearchSpace  # noqa: F401
from pyhpo._values import TrialState

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pyhpo._values import FrozenTrial
    from pyhpo.distributions import BaseDistribution
    from pyhpo.study import Study

__all__ = ["IntersectionSearchSpace", "intersection_search_space"]

_PENDING = (TrialState.RUNNING, TrialState.WAITING)


def _intersect(
    space: dict[str, BaseDistribution] | None, distributions: dict[str, BaseDistribution]
) -> dict[str, BaseDistribution]:
    if space is None:
        return dict(distributions)
    return {name: d for name, d in space.items() if distributions.get(name) == d}


def _counted(trial: FrozenTrial, include_pruned: bool) -> bool:
    return trial.state == TrialState.COMPLETE or (include_pruned and trial.state == TrialState.PRUNED)


class IntersectionSearchSpace:
    """Incrementally computed intersection search space of one study.

    Each call to :meth:`calculate` looks only at trials it has not settled yet: trials below the first
    RUNNING or WAITING trial never change again, so they are folded in once.

    Args:
        include_pruned: Count PRUNED trials as well as COMPLETE ones.
    """

    def __init__(self, include_pruned: bool = False) -> None:
        self._include_pruned = include_pruned
        self._study_id: int | None = None
        self._space: dict[str, BaseDistribution] | None = None
        self._settled = 0  # every trial with a smaller number is folded into ``_space`` for good

    def calculate(self, study: Study, use_cache: bool = False) -> dict[str, BaseDistribution]:
        """Return the intersection search space, sorted by parameter name.

        Args:
            study: The study; one instance serves one study only.
            use_cache: Let the study answer from its per-trial cache of trials.

        Raises:
            ValueError: If called with a different study than before.
        """
        if self._study_id is None:
            self._study_id = study._study_id
        elif self._study_id != study._study_id:
            raise ValueError("`IntersectionSearchSpace` cannot handle multiple studies.")

        trials = study._get_trials(deepcopy=False, use_cache=use_cache)
        start = self._settled
        if not (start < len(trials) and trials[start].number == start):
            start = next((i for i, t in enumerate(trials) if t.number >= self._settled), len(trials))
        space = self._space
        settled = self._settled
        pending_seen = False
        for trial in trials[start:]:
            if trial.state in _PENDING:
                pending_seen = True
                continue
            if _counted(trial, self._include_pruned):
                space = _intersect(space, trial.distributions)
            if not pending_seen:
                settled = trial.number + 1
        # Trials after the first pending one were intersected into ``space`` but are not settled; the
        # intersection is idempotent, so folding them in again later is harmless. Only settled ones may
        # be kept in the cache, though, so recompute the cached part separately when needed.
        if pending_seen:
            self._space = _fold(trials, start, settled, self._space, self._include_pruned)
        else:
            self._space = space
        self._settled = settled
        return dict(sorted((space or {}).items()))


def _fold(
    trials: Sequence[FrozenTrial],
    start: int,
    settled: int,
    space: dict[str, BaseDistribution] | None,
    include_pruned: bool,
) -> dict[str, BaseDistribution] | None:
    for trial in trials[start:]:
        if trial.number >= settled:
            break
        if _counted(trial, include_pruned):
            space = _intersect(space, trial.distributions)
    return space


def intersection_search_space(
    trials: Sequence[FrozenTrial], include_pruned: bool = False
) -> dict[str, BaseDistribution]:
    """Return the intersection search space of ``trials``, sorted by parameter name.

    Args:
        trials: Trials to intersect; only COMPLETE ones (and PRUNED ones with ``include_pruned``) count.
        include_pruned: Count PRUNED trials too.
    """
    space: dict[str, BaseDistribution] | None = None
    for trial in trials:
        if _counted(trial, include_pruned):
            space = _intersect(space, trial.distributions)
    return dict(sorted((space or {}).items()))
