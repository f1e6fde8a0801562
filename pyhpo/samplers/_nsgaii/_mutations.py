"""Mutation operators for NSGA-II, applied to one coordinate of the transformed space."""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING

from pyhpo._experimental import experimental_class

if TYPE_CHECKING:
    import numpy as np

    from pyhpo.study import Study


__all__ = ["BaseMutation", "PolynomialMutation"]


@experimental_class("5.0.0")
class BaseMutation(abc.ABC):
    """Interface of mutation operators (Optuna's): :meth:`mutation` of one coordinate."""

    def __str__(self) -> str:
        return self.__class__.__name__

    @abc.abstractmethod
    def mutation(
        self, param: float, rng: np.random.RandomState, study: Study, search_space_bounds: np.ndarray
    ) -> float:
        """Return a mutated value of ``param`` (a coordinate within ``search_space_bounds = (low, high)``)."""
        raise NotImplementedError


@experimental_class("5.0.0")
class PolynomialMutation(BaseMutation):
    """Polynomial mutation with bounds, as in Deb's NSGA-II code.

    The perturbation follows a polynomial distribution that shrinks towards the bound the value
    is close to, so the result stays inside ``[low, high]``.

    Args:
        eta: Distribution index; larger keeps mutated values closer to the original.
    """

    def __init__(self, eta: float = 20.0) -> None:
        if not eta >= 0.0:
            raise ValueError(f"eta must be >= 0, got {eta}.")
        self._eta = float(eta)

    def mutation(
        self, param: float, rng: np.random.RandomState, study: Study, search_space_bounds: np.ndarray
    ) -> float:
        u = rng.rand()
        low, high = float(search_space_bounds[0]), float(search_space_bounds[1])
        width = high - low
        if width <= 0.0:
            return param
        power = 1.0 / (self._eta + 1.0)
        if u <= 0.5:
            room = (param - low) / width  # distance to the lower bound, in widths
            base = 2.0 * u + (1.0 - 2.0 * u) * (1.0 - room) ** (self._eta + 1.0)
            delta = base**power - 1.0
        else:
            room = (high - param) / width
            base = 2.0 * (1.0 - u) + 2.0 * (u - 0.5) * (1.0 - room) ** (self._eta + 1.0)
            delta = 1.0 - base**power
        return float(param + delta * width)
