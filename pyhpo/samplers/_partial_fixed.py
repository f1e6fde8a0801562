"""A sampler wrapper that pins some parameters to fixed values."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from pyhpo._experimental import experimental_class
from pyhpo.samplers._base import BaseSampler

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pyhpo._values import FrozenTrial, TrialState
    from pyhpo.distributions import BaseDistribution
    from pyhpo.study import Study

__all__ = ["PartialFixedSampler"]


@experimental_class("2.4.0")
class PartialFixedSampler(BaseSampler):
    """Sample with ``base_sampler`` except for the parameters in ``fixed_params``.

    Fixed parameters are removed from the base sampler's relative search space and always take
    their fixed value (a value outside the suggested distribution is used with a warning), so
    e.g. a TPE search can continue with one hyperparameter frozen.

    Example:
        >>> import pyhpo
        >>> sampler = pyhpo.samplers.PartialFixedSampler({"y": 0}, pyhpo.samplers.RandomSampler(seed=0))
        >>> study = pyhpo.create_study(sampler=sampler)
        >>> study.optimize(lambda t: t.suggest_float("x", -1, 1) + t.suggest_int("y", -1, 1), n_trials=3)
        >>> {t.params["y"] for t in study.trials}
        {0}

    Args:
        fixed_params: Parameter name -> value (external representation).
        base_sampler: Sampler for every other parameter.
    """

    def __init__(self, fixed_params: dict[str, Any], base_sampler: BaseSampler) -> None:
        if not isinstance(fixed_params, dict):
            raise TypeError(
                f"fixed_params must be a dict of name -> value, got {type(fixed_params).__name__}."
            )
        if not isinstance(base_sampler, BaseSampler):
            raise TypeError(f"base_sampler must be a BaseSampler, got {base_sampler!r}.")
        self._fixed_params = dict(fixed_params)
        self._base_sampler = base_sampler

    def reseed_rng(self) -> None:
        self._base_sampler.reseed_rng()

    def infer_relative_search_space(self, study: Study, trial: FrozenTrial) -> dict[str, BaseDistribution]:
        space = self._base_sampler.infer_relative_search_space(study, trial)
        return {name: dist for name, dist in space.items() if name not in self._fixed_params}

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        return self._base_sampler.sample_relative(study, trial, search_space)

    def sample_independent(
        self, study: Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        if param_name not in self._fixed_params:
            return self._base_sampler.sample_independent(study, trial, param_name, param_distribution)
        value = self._fixed_params[param_name]
        if not param_distribution._contains(param_distribution.to_internal_repr(value)):
            warnings.warn(
                f"Fixed parameter '{param_name}' with value {value} is out of range for distribution "
                f"{param_distribution}.",
                stacklevel=2,
            )
        return value

    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        self._base_sampler.before_trial(study, trial)

    def after_trial(
        self, study: Study, trial: FrozenTrial, state: TrialState, values: Sequence[float] | None
    ) -> None:
        self._base_sampler.after_trial(study, trial, state, values)
