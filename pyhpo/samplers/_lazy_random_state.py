"""A numpy random state that is created on first use.

Samplers are deep-copied (``n_jobs > 1`` gives each worker its own copy). A generator created eagerly
would be copied with them and every worker would draw the same numbers; creating it on first use, and
reseeding copies through :meth:`BaseSampler.reseed_rng`, keeps workers apart while a seeded sampler
stays reproducible.
"""

from __future__ import annotations

import numpy as np

__all__: list[str] = []


class LazyRandomState:
    """Holds a :class:`numpy.random.RandomState`, built the first time :attr:`rng` is read.

    Args:
        seed: Seed for the generator; ``None`` seeds it from the operating system.
    """

    def __init__(self, seed: int | None = None) -> None:
        self._rng: np.random.RandomState | None = None
        if seed is not None:
            self.rng.seed(seed=seed)

    @property
    def rng(self) -> np.random.RandomState:
        """The generator (created unseeded on first access)."""
        if self._rng is None:
            self._rng = np.random.RandomState()
        return self._rng
