"""Exhaustive search over a finite (possibly conditional) search space.

Trials are paths in a tree: each level is a parameter, each edge one of its values (in the order
the objective suggested them). To choose a value, the sampler builds the subtree below the
parameters the trial already has from the other trials, and picks a child that still leads to
an unexplored path -- preferring children with more of them, and avoiding paths that running
trials are exploring right now. When no unexplored path is left after a trial, the study stops.
"""

from __future__ import annotations

import decimal
import math
from numbers import Real
from typing import TYPE_CHECKING, Any

import numpy as np

from pyhpo._experimental import experimental_class
from pyhpo._values import TrialState
from pyhpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from pyhpo.samplers._base import BaseSampler
from pyhpo.samplers._lazy_random_state import LazyRandomState

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pyhpo._values import FrozenTrial
    from pyhpo.distributions import BaseDistribution
    from pyhpo.study import Study

__all__ = ["BruteForceSampler"]

# How strongly the choice of a child is flattened towards uniform over children that still
# have unexplored paths (0: proportional to their number, 1: uniform).
_FLATTEN = 0.5


def _candidates(dist: BaseDistribution) -> tuple[Any, ...]:
    """Every value of ``dist``, as used on tree edges (categorical: choice index)."""
    if isinstance(dist, CategoricalDistribution):
        return tuple(range(len(dist.choices)))
    if isinstance(dist, IntDistribution):
        return tuple(range(dist.low, dist.high + 1, dist.step))
    if isinstance(dist, FloatDistribution):
        if dist.step is None:
            raise ValueError(
                "FloatDistribution.step must be given for BruteForceSampler (otherwise, the search space "
                "will be infinite)."
            )
        # Decimal steps avoid 0.1 + 0.2 style drift in the enumerated grid.
        low, high, step = (decimal.Decimal(str(v)) for v in (dist.low, dist.high, dist.step))
        values = []
        while low <= high:
            values.append(float(low))
            low += step
        return tuple(values)
    raise TypeError(f"BruteForceSampler cannot enumerate {dist!r}.")


def _edge(dist: BaseDistribution, value: Any) -> Any:
    return int(dist.to_internal_repr(value)) if isinstance(dist, CategoricalDistribution) else value


def _same_value(a: Any, b: Any) -> bool:
    if isinstance(a, Real) and isinstance(b, Real) and math.isnan(float(a)) and math.isnan(float(b)):
        return True
    return bool(a == b)


class _Node:
    """One tree node: unexplored (``children is None``), a parameter with its values, or a leaf."""

    __slots__ = ("candidates", "children", "param_name", "running")

    def __init__(self) -> None:
        self.param_name: str | None = None
        self.candidates: tuple[Any, ...] | None = None
        self.children: dict[Any, _Node] | None = None
        self.running = False

    def expand(self, param_name: str, candidates: tuple[Any, ...]) -> None:
        if self.children is None:
            self.param_name = param_name
            self.candidates = candidates
            self.children = {}
            return
        if self.param_name != param_name or self.candidates != candidates:
            raise ValueError(
                f"BruteForceSampler needs the same search space along equal parameter values, but one trial "
                f"has {self.param_name}={self.candidates} where another has {param_name}={candidates}."
            )

    def count_open(self, exclude_running: bool) -> int:
        """Unexplored paths below this node."""
        if self.children is None:
            return 0 if (self.running and exclude_running) else 1
        if self.candidates is None:  # a finished leaf
            return 0
        return sum(
            child.count_open(exclude_running) if (child := self.children.get(value)) is not None else 1
            for value in self.candidates
        )


def _add_path(root: _Node, path: list[tuple[str, tuple[Any, ...], Any]], finished: bool) -> None:
    node = root
    for name, candidates, value in path:
        node.expand(name, candidates)
        assert node.children is not None
        if node.candidates is None or value not in node.candidates:
            return  # a value outside today's grid (older trial): not part of this tree
        node = node.children.setdefault(value, _Node())
    if finished:
        if node.children is not None and node.candidates is not None:
            raise ValueError(
                "BruteForceSampler needs a fixed search space: a trial ended where another one went on "
                f"to suggest {node.param_name!r}."
            )
        node.children = {}  # leaf: nothing below is open
        node.candidates = None
    elif node.children is None:
        node.running = True


@experimental_class("3.1.0")
class BruteForceSampler(BaseSampler):
    """Sampler that tries every combination of parameter values exactly once (if possible).

    Works for finite search spaces: categorical parameters, ints, and floats with a ``step``;
    conditional parameters are fine as long as the same choices lead to the same parameters.
    The study stops when every combination has been evaluated. With several workers, a running
    trial's path is avoided while others are open, so duplicates are rare.

    Args:
        seed: Seed of the random choice among open paths.
        avoid_premature_stop: Count paths of running trials as still open, so a worker does not
            stop while another's trial may fail. May evaluate a few paths twice.
    """

    def __init__(self, seed: int | None = None, avoid_premature_stop: bool = False) -> None:
        self._rng = LazyRandomState(seed)
        self._avoid_premature_stop = avoid_premature_stop

    def reseed_rng(self) -> None:
        self._rng.rng.seed()

    def infer_relative_search_space(self, study: Study, trial: FrozenTrial) -> dict[str, BaseDistribution]:
        return {}

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        return {}

    def sample_independent(
        self, study: Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        exclude_running = not self._avoid_premature_stop
        candidates = _candidates(param_distribution)
        others = [t for t in self._trials(study) if t.number != trial.number]
        root = self._tree(others, trial.params, trial.distributions)
        root.expand(param_name, candidates)
        assert root.children is not None
        rng = self._rng.rng
        counts = np.array(
            [
                child.count_open(exclude_running) if (child := root.children.get(v)) is not None else 1
                for v in candidates
            ],
            dtype=float,
        )
        if counts.sum() == 0:
            value = candidates[rng.randint(len(candidates))]  # all explored: any value
        else:
            weights = (1 - _FLATTEN) * counts / counts.sum() + _FLATTEN * (counts > 0) / np.count_nonzero(
                counts
            )
            running = np.array(
                [
                    (c := root.children.get(v)) is not None and c.running and c.children is None
                    for v in candidates
                ]
            )
            if np.any((weights > 0) & ~running):
                weights = np.where(running, 0.0, weights)
            value = candidates[rng.choice(len(candidates), p=weights / weights.sum())]
        if isinstance(param_distribution, CategoricalDistribution):
            return param_distribution.to_external_repr(value)
        return value

    def after_trial(
        self, study: Study, trial: FrozenTrial, state: TrialState, values: Sequence[float] | None
    ) -> None:
        exclude_running = not self._avoid_premature_stop
        others = [t for t in self._trials(study) if t.number != trial.number]
        finished_self = (trial.params, trial.distributions, True)
        # Look for an open path near this trial first (cheap), widening to the whole tree.
        names = list(trial.params)
        for keep in range(len(names), -1, -1):
            prefix = {n: trial.params[n] for n in names[:keep]}
            root = self._tree(others, prefix, trial.distributions, extra=[finished_self])
            if root.count_open(exclude_running) > 0:
                return
        study.stop()

    @staticmethod
    def _trials(study: Study) -> list[FrozenTrial]:
        states = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.RUNNING, TrialState.FAIL)
        return study._storage.get_all_trials(study._study_id, deepcopy=False, states=states)

    @staticmethod
    def _tree(
        trials: list[FrozenTrial],
        prefix: dict[str, Any],
        prefix_distributions: dict[str, BaseDistribution],
        extra: list[tuple[dict[str, Any], dict[str, BaseDistribution], bool]] | None = None,
    ) -> _Node:
        """The subtree below ``prefix`` (parameter -> value) built from the trials that share it."""
        root = _Node()
        entries = [(t.params, t.distributions, t.state.is_finished()) for t in trials] + (extra or [])
        for params, distributions, finished in entries:
            if not all(name in params and _same_value(params[name], value) for name, value in prefix.items()):
                continue
            path = [
                (name, _candidates(dist), _edge(dist, params[name]))
                for name, dist in distributions.items()
                if name not in prefix
            ]
            _add_path(root, path, finished)
        return root
