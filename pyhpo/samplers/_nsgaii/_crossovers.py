"""Crossover operators for NSGA-II, in the transformed (continuous, bounded) parameter space.

A crossover gets the parents as rows of an ``(n_parents, n_dims)`` array, the sampler's random
state, the study and the ``(n_dims, 2)`` bounds, and returns one child of shape ``(n_dims,)``.
A child may fall outside the bounds: the sampler then draws new parents and tries again.
Categorical parameters never reach a crossover (the sampler swaps them uniformly).
"""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING

import numpy as np

from pyhpo._experimental import experimental_class

if TYPE_CHECKING:
    from pyhpo.study import Study


__all__ = [
    "BLXAlphaCrossover",
    "BaseCrossover",
    "SBXCrossover",
    "SPXCrossover",
    "UNDXCrossover",
    "UniformCrossover",
    "VSBXCrossover",
]


def _check_probability(name: str, value: float, *, open_low: bool = False) -> float:
    value = float(value)
    ok = (0.0 < value <= 1.0) if open_low else (0.0 <= value <= 1.0)
    if not ok:
        interval = "(0.0, 1.0]" if open_low else "[0.0, 1.0]"
        raise ValueError(f"{name} must be in {interval}, got {value}.")
    return value


class BaseCrossover(abc.ABC):
    """Interface of crossover operators (Optuna's): ``n_parents`` and :meth:`crossover`."""

    def __str__(self) -> str:
        return self.__class__.__name__

    @property
    @abc.abstractmethod
    def n_parents(self) -> int:
        """How many parents one child is made of."""
        raise NotImplementedError

    @abc.abstractmethod
    def crossover(
        self,
        parents_params: np.ndarray,
        rng: np.random.RandomState,
        study: Study,
        search_space_bounds: np.ndarray,
    ) -> np.ndarray:
        """Return one child, shape ``(n_dims,)``, from ``(n_parents, n_dims)`` parents."""
        raise NotImplementedError


class UniformCrossover(BaseCrossover):
    """Each coordinate comes from the second parent with probability ``swapping_prob``."""

    n_parents = 2

    def __init__(self, swapping_prob: float = 0.5) -> None:
        self._swapping_prob = _check_probability("swapping_prob", swapping_prob)

    def crossover(
        self,
        parents_params: np.ndarray,
        rng: np.random.RandomState,
        study: Study,
        search_space_bounds: np.ndarray,
    ) -> np.ndarray:
        n_dims = len(search_space_bounds)
        take_second = rng.rand(n_dims) < self._swapping_prob
        return np.asarray(np.where(take_second, parents_params[1], parents_params[0]))


@experimental_class("3.0.0")
class BLXAlphaCrossover(BaseCrossover):
    """Blend crossover: uniform in the parents' box widened by ``alpha`` times its width."""

    n_parents = 2

    def __init__(self, alpha: float = 0.5) -> None:
        if not alpha >= 0.0:
            raise ValueError(f"alpha must be >= 0, got {alpha}.")
        self._alpha = float(alpha)

    def crossover(
        self,
        parents_params: np.ndarray,
        rng: np.random.RandomState,
        study: Study,
        search_space_bounds: np.ndarray,
    ) -> np.ndarray:
        low, high = parents_params.min(axis=0), parents_params.max(axis=0)
        margin = self._alpha * (high - low)
        return np.asarray((low - margin) + rng.rand(len(search_space_bounds)) * (high - low + 2 * margin))


def _eta(eta: float | None, study: Study) -> float:
    # Optuna's default: a narrow spread for multi-objective studies, a wide one otherwise.
    if eta is not None:
        return eta
    return 20.0 if study._is_multi_objective() else 2.0


def _mix_genes(
    rng: np.random.RandomState,
    children: tuple[np.ndarray, np.ndarray],
    parents: tuple[np.ndarray, np.ndarray],
    use_child_gene_prob: float,
    uniform_crossover_prob: float,
) -> np.ndarray:
    """Per coordinate, take the children's (or else the parents') pair, possibly swapped; then
    return one of the two resulting vectors at random."""
    n = len(children[0])
    use_child = rng.rand(n) < use_child_gene_prob
    swap = rng.rand(n) < uniform_crossover_prob
    first = np.where(use_child, children[0], parents[0])
    second = np.where(use_child, children[1], parents[1])
    first, second = np.where(swap, second, first), np.where(swap, first, second)
    return first if rng.rand() < 0.5 else second


@experimental_class("3.0.0")
class SBXCrossover(BaseCrossover):
    """Simulated binary crossover with bounds (Deb & Agrawal), as in Deb's NSGA-II code.

    Args:
        eta: Distribution index; larger keeps children closer to the parents. Defaults to 20
            for multi-objective studies and 2 otherwise.
        uniform_crossover_prob: Probability of swapping the two children's coordinate.
        use_child_gene_prob: Probability of taking a coordinate from the children rather than
            from the parents.
    """

    n_parents = 2

    def __init__(
        self, eta: float | None = None, uniform_crossover_prob: float = 0.5, use_child_gene_prob: float = 0.5
    ) -> None:
        if eta is not None and not eta >= 0.0:
            raise ValueError(f"eta must be >= 0 or None, got {eta}.")
        self._eta = eta
        self._uniform_crossover_prob = _check_probability("uniform_crossover_prob", uniform_crossover_prob)
        self._use_child_gene_prob = _check_probability(
            "use_child_gene_prob", use_child_gene_prob, open_low=True
        )

    def crossover(
        self,
        parents_params: np.ndarray,
        rng: np.random.RandomState,
        study: Study,
        search_space_bounds: np.ndarray,
    ) -> np.ndarray:
        eta = _eta(self._eta, study)
        low, high = search_space_bounds[:, 0], search_space_bounds[:, 1]
        x_min, x_max = parents_params.min(axis=0), parents_params.max(axis=0)
        spread = np.maximum(x_max - x_min, 1e-10)
        u = rng.rand(len(search_space_bounds))

        def betaq(beta: np.ndarray) -> np.ndarray:
            # Spread factor drawn from the polynomial distribution truncated at the bound.
            alpha = 2.0 - beta ** -(eta + 1.0)
            inner = np.where(u <= 1.0 / alpha, u * alpha, 1.0 / (2.0 - u * alpha))
            return inner ** (1.0 / (eta + 1.0))

        beta_low = 1.0 + 2.0 * (x_min - low) / spread
        beta_high = 1.0 + 2.0 * (high - x_max) / spread
        c1 = 0.5 * (x_min + x_max - betaq(beta_low) * spread)
        c2 = 0.5 * (x_min + x_max + betaq(beta_high) * spread)
        return _mix_genes(
            rng,
            (c1, c2),
            (parents_params[0], parents_params[1]),
            self._use_child_gene_prob,
            self._uniform_crossover_prob,
        )


@experimental_class("3.0.0")
class VSBXCrossover(BaseCrossover):
    """Modified SBX that can also produce children outside the parents' span (Pan et al.).

    Same arguments as :class:`SBXCrossover`.
    """

    n_parents = 2

    def __init__(
        self, eta: float | None = None, uniform_crossover_prob: float = 0.5, use_child_gene_prob: float = 0.5
    ) -> None:
        if eta is not None and not eta >= 0.0:
            raise ValueError(f"eta must be >= 0 or None, got {eta}.")
        self._eta = eta
        self._uniform_crossover_prob = _check_probability("uniform_crossover_prob", uniform_crossover_prob)
        self._use_child_gene_prob = _check_probability(
            "use_child_gene_prob", use_child_gene_prob, open_low=True
        )

    def crossover(
        self,
        parents_params: np.ndarray,
        rng: np.random.RandomState,
        study: Study,
        search_space_bounds: np.ndarray,
    ) -> np.ndarray:
        eta = _eta(self._eta, study)
        x1, x2 = parents_params[0], parents_params[1]
        u = rng.rand(len(search_space_bounds))
        b1 = (1.0 / np.maximum(2.0 * u, 1e-10)) ** (1.0 / (eta + 1.0))
        b2 = (1.0 / np.maximum(2.0 * (1.0 - u), 1e-10)) ** (1.0 / (eta + 1.0))
        if rng.rand() <= 0.5:
            c1 = 0.5 * ((1 + b1) * x1 + (1 - b2) * x2)
        else:
            c1 = 0.5 * ((1 - b1) * x1 + (1 + b2) * x2)
        if rng.rand() <= 0.5:
            c2 = 0.5 * ((3 - b1) * x1 - (1 - b2) * x2)
        else:
            c2 = 0.5 * (-(1 - b1) * x1 + (3 - b2) * x2)
        return _mix_genes(rng, (c1, c2), (x1, x2), self._use_child_gene_prob, self._uniform_crossover_prob)


@experimental_class("3.0.0")
class SPXCrossover(BaseCrossover):
    """Simplex crossover (Tsutsui et al.): uniform in the parents' simplex grown by ``epsilon``.

    Args:
        epsilon: Expansion rate; defaults to ``sqrt(n_dims + 2)``.
    """

    n_parents = 3

    def __init__(self, epsilon: float | None = None) -> None:
        if epsilon is not None and not epsilon >= 0.0:
            raise ValueError(f"epsilon must be >= 0 or None, got {epsilon}.")
        self._epsilon = epsilon

    def crossover(
        self,
        parents_params: np.ndarray,
        rng: np.random.RandomState,
        study: Study,
        search_space_bounds: np.ndarray,
    ) -> np.ndarray:
        n = self.n_parents - 1
        centre = parents_params.mean(axis=0)
        epsilon = np.sqrt(len(search_space_bounds) + 2) if self._epsilon is None else self._epsilon
        vertices = centre + epsilon * (parents_params - centre)
        r = rng.rand(n) ** (1.0 / (np.arange(n) + 1.0))
        offset = np.zeros(parents_params.shape[1])
        for k in range(1, self.n_parents):
            offset = r[k - 1] * (vertices[k - 1] - vertices[k] + offset)
        return np.asarray(vertices[-1] + offset)


@experimental_class("3.0.0")
class UNDXCrossover(BaseCrossover):
    """Unimodal normal distribution crossover (Ono et al.).

    The child is normal around the midpoint of the first two parents: along their difference
    with deviation ``sigma_xi``, across it with ``sigma_eta`` times the third parent's distance
    to that line.

    Args:
        sigma_xi: Spread along the line through the first two parents.
        sigma_eta: Spread orthogonal to it; defaults to ``0.35 / sqrt(n_dims)``.
    """

    n_parents = 3

    def __init__(self, sigma_xi: float = 0.5, sigma_eta: float | None = None) -> None:
        self._sigma_xi = float(sigma_xi)
        self._sigma_eta = sigma_eta

    def crossover(
        self,
        parents_params: np.ndarray,
        rng: np.random.RandomState,
        study: Study,
        search_space_bounds: np.ndarray,
    ) -> np.ndarray:
        n = len(search_space_bounds)
        p1, p2, p3 = parents_params[0], parents_params[1], parents_params[2]
        midpoint = (p1 + p2) / 2.0
        d = p1 - p2
        sigma_eta = 0.35 / np.sqrt(n) if self._sigma_eta is None else self._sigma_eta
        # Optuna draws with variance sigma ** 2 as the *scale*; kept for identical behaviour.
        etas = rng.normal(0.0, sigma_eta**2, size=n)
        xi = rng.normal(0.0, self._sigma_xi**2)
        child = midpoint + xi * d
        if n > 1:
            direction = (p2 - p1) / max(float(np.linalg.norm(p2 - p1)), 1e-10)
            v13 = p3 - p1
            distance = float(np.linalg.norm(v13 - np.dot(v13, direction) * direction))
            basis = np.identity(n)
            if np.any(direction != 0):
                basis[0] = direction
            q, _ = np.linalg.qr(basis.T)
            orthogonal = q.T[1:]  # n - 1 unit vectors orthogonal to the parents' line
            child = child + distance * (etas[: n - 1] @ orthogonal)
        return np.asarray(child)
