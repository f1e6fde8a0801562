"""Quasi-Monte Carlo sampling: Sobol and Halton low-discrepancy sequences, in numpy.

Trial ``k`` of a study (counted per search space in a study system attribute, as Optuna does)
takes point ``k`` of the sequence, so points spread evenly over the search space however many
workers draw them. Both engines are written here; scipy is not needed.

* Sobol: base-2 digital sequence in Gray-code order (the order scipy and Optuna use), with
  Joe & Kuo's direction numbers (``new-joe-kuo-6.21201``) for the first 21 dimensions. Optional
  scrambling: a random linear matrix scramble plus a random digital shift.
* Halton: radical inverses in the first ``d`` prime bases, any dimension. Optional scrambling:
  an independent random permutation of the digits at every digit position of every base.

Unscrambled sequences do not depend on the seed and equal scipy's (so pyhpo and Optuna studies
with the same search space draw the same points).
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from typing import TYPE_CHECKING, Any

import numpy as np

from pyhpo._experimental import experimental_class
from pyhpo._transform import SearchSpaceTransform
from pyhpo._values import TrialState
from pyhpo.distributions import CategoricalDistribution, FloatDistribution
from pyhpo.logging import get_logger
from pyhpo.samplers._base import _INDEPENDENT_SAMPLING_WARNING_TEMPLATE, BaseSampler
from pyhpo.samplers._random import RandomSampler

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pyhpo._values import FrozenTrial
    from pyhpo.distributions import BaseDistribution
    from pyhpo.study import Study


__all__ = ["QMCSampler"]

_logger = get_logger(__name__)

# Serialises the read-increment-write of the per-study sample counter between threads.
_counter_lock = threading.Lock()

# Bits of precision of the Sobol engine: points are multiples of 2 ** -52, exact in float64.
_SOBOL_BITS = 52

# Joe & Kuo direction numbers for Sobol dimensions 2..21 (dimension 1 is van der Corput):
# (degree s, coefficient bits a of the primitive polynomial, initial values m_1..m_s).
_JOE_KUO: tuple[tuple[int, int, tuple[int, ...]], ...] = (
    (1, 0, (1,)),
    (2, 1, (1, 3)),
    (3, 1, (1, 3, 1)),
    (3, 2, (1, 1, 1)),
    (4, 1, (1, 1, 3, 3)),
    (4, 4, (1, 3, 5, 13)),
    (5, 2, (1, 1, 5, 5, 17)),
    (5, 4, (1, 1, 5, 5, 5)),
    (5, 7, (1, 1, 7, 11, 19)),
    (5, 11, (1, 1, 5, 1, 1)),
    (5, 13, (1, 1, 1, 3, 11)),
    (5, 14, (1, 3, 5, 5, 31)),
    (6, 1, (1, 3, 3, 9, 7, 49)),
    (6, 13, (1, 1, 1, 15, 21, 21)),
    (6, 16, (1, 3, 1, 13, 27, 49)),
    (6, 19, (1, 1, 1, 15, 7, 5)),
    (6, 22, (1, 3, 1, 15, 13, 25)),
    (6, 25, (1, 1, 5, 5, 19, 61)),
    (7, 1, (1, 3, 7, 11, 23, 15, 103)),
    (7, 4, (1, 3, 7, 13, 13, 15, 69)),
)

_SOBOL_MAX_DIM = len(_JOE_KUO) + 1


def _sobol_direction_integers(dim: int) -> list[list[int]]:
    """Direction numbers ``v_k * 2 ** B`` (k = 1..B) of the first ``dim`` Sobol coordinates."""
    bits = _SOBOL_BITS
    directions = [[1 << (bits - k) for k in range(1, bits + 1)]]  # van der Corput
    for s, a, m_init in _JOE_KUO[: dim - 1]:
        m = list(m_init)
        for k in range(s, bits):
            # m_k = 2 a_1 m_{k-1} ^ 4 a_2 m_{k-2} ^ ... ^ 2^s m_{k-s} ^ m_{k-s}
            value = m[k - s] ^ (m[k - s] << s)
            for i in range(1, s):
                if (a >> (s - 1 - i)) & 1:
                    value ^= m[k - i] << i
            m.append(value)
        directions.append([m[k] << (bits - 1 - k) for k in range(bits)])
    return directions


class _SobolEngine:
    """Point ``n`` of a (optionally scrambled) Sobol sequence, computed directly from ``n``."""

    def __init__(self, dim: int, scramble: bool, seed: int) -> None:
        if not 1 <= dim <= _SOBOL_MAX_DIM:
            raise ValueError(
                f"The Sobol engine supports 1 to {_SOBOL_MAX_DIM} dimensions, but the search space has "
                f"{dim}; use QMCSampler(qmc_type='halton') for more parameters."
            )
        directions = _sobol_direction_integers(dim)
        shift = [0] * dim
        if scramble:
            rng = np.random.default_rng(seed)
            directions = [_linear_matrix_scramble(v, rng) for v in directions]
            shift = [int(rng.integers(0, 1 << 62)) >> (62 - _SOBOL_BITS) for _ in range(dim)]
        self._directions = np.array(directions, dtype=np.uint64).T  # (bits, dim)
        self._shift = np.array(shift, dtype=np.uint64)

    def point(self, index: int) -> np.ndarray:
        if not 0 <= index < 1 << _SOBOL_BITS:
            raise ValueError(f"Sobol point index must be in [0, 2**{_SOBOL_BITS}), got {index}.")
        gray = index ^ (index >> 1)
        mask = np.array([(gray >> k) & 1 for k in range(_SOBOL_BITS)], dtype=bool)
        integers = (
            np.bitwise_xor.reduce(self._directions[mask], axis=0)
            if mask.any()
            else np.zeros_like(self._shift)
        )
        return (integers ^ self._shift).astype(np.float64) / float(1 << _SOBOL_BITS)


def _linear_matrix_scramble(direction: list[int], rng: np.random.Generator) -> list[int]:
    """Multiply each direction integer (as a bit vector, most significant digit first) by a random
    lower-triangular binary matrix with unit diagonal."""
    bits = _SOBOL_BITS
    # Row i (digit i, weight 2^-(i+1)) mixes digits 0..i; as a mask over the integer's bits.
    rows = []
    for i in range(bits):
        lower = rng.integers(0, 2, size=i)
        mask = 1 << (bits - 1 - i)
        for l_index in np.flatnonzero(lower):
            mask |= 1 << (bits - 1 - int(l_index))
        rows.append(mask)
    scrambled = []
    for v in direction:
        out = 0
        for i, mask in enumerate(rows):
            if (v & mask).bit_count() & 1:
                out |= 1 << (bits - 1 - i)
        scrambled.append(out)
    return scrambled


def _first_primes(n: int) -> list[int]:
    primes: list[int] = []
    candidate = 2
    while len(primes) < n:
        if all(candidate % p for p in primes if p * p <= candidate):
            primes.append(candidate)
        candidate += 1
    return primes


class _HaltonEngine:
    """Point ``n`` of a (optionally digit-permuted) Halton sequence."""

    def __init__(self, dim: int, scramble: bool, seed: int) -> None:
        if dim < 1:
            raise ValueError(f"The Halton engine needs at least one dimension, got {dim}.")
        self._bases = _first_primes(dim)
        # Enough digits to reach float64 resolution in every base.
        self._n_digits = [math.ceil(53 / math.log2(b)) for b in self._bases]
        rng = np.random.default_rng(seed)
        self._permutations: list[np.ndarray] | None = None
        if scramble:
            self._permutations = [
                np.array([rng.permutation(b) for _ in range(n)]) for b, n in zip(self._bases, self._n_digits)
            ]

    def point(self, index: int) -> np.ndarray:
        if index < 0:
            raise ValueError(f"Halton point index must be >= 0, got {index}.")
        out = np.empty(len(self._bases))
        for j, (base, n_digits) in enumerate(zip(self._bases, self._n_digits)):
            digits = []
            rest = index
            for _ in range(n_digits):
                rest, digit = divmod(rest, base)
                digits.append(digit)
            if self._permutations is not None:
                digits = [int(self._permutations[j][i][d]) for i, d in enumerate(digits)]
            # Sum from the least significant term for accuracy.
            value = 0.0
            for i in reversed(range(n_digits)):
                value = (value + digits[i]) / base
            out[j] = value
        return out


@experimental_class("3.0.0")
class QMCSampler(BaseSampler):
    """Sampler drawing points of a Sobol or Halton sequence (Optuna's ``QMCSampler``).

    The search space is fixed by the first trial (sampled by ``independent_sampler``); later
    parameters outside it are sampled independently, with a warning. The sequence position is
    counted per search space in a study system attribute, so parallel workers continue one
    sequence (threads never share a position; processes rarely may, as in Optuna).

    Args:
        qmc_type: ``"sobol"`` (up to 21 parameters) or ``"halton"``.
        scramble: Randomise the sequence (keeps its low discrepancy). Unscrambled sequences
            start at the lower corner of the search space.
        seed: Seed of the scrambling and of the default independent sampler. With
            ``scramble=True`` give every worker the same seed.
        independent_sampler: Sampler for the first trial and for parameters outside the
            search space; defaults to :class:`RandomSampler`.
        warn_asynchronous_seeding: Warn when ``scramble=True`` without a seed.
        warn_independent_sampling: Warn when a parameter falls back to the independent sampler.
    """

    def __init__(
        self,
        *,
        qmc_type: str = "sobol",
        scramble: bool = False,
        seed: int | None = None,
        independent_sampler: BaseSampler | None = None,
        warn_asynchronous_seeding: bool = True,
        warn_independent_sampling: bool = True,
    ) -> None:
        if qmc_type not in ("sobol", "halton"):
            raise ValueError(f"The `qmc_type={qmc_type!r}` is invalid. Choose either `halton` or `sobol`.")
        if independent_sampler is not None and not isinstance(independent_sampler, BaseSampler):
            raise TypeError(
                f"independent_sampler must be a BaseSampler or None, got {independent_sampler!r}."
            )
        self._qmc_type = qmc_type
        self._scramble = bool(scramble)
        self._seed = int(np.random.PCG64().random_raw()) if seed is None else int(seed)
        self._independent_sampler = independent_sampler or RandomSampler(seed=seed)
        self._warn_independent_sampling = warn_independent_sampling
        self._engines: dict[int, _SobolEngine | _HaltonEngine] = {}
        if seed is None and scramble and warn_asynchronous_seeding:
            _logger.warning(
                "No seed is provided for `QMCSampler` and the seed is set randomly. "
                "If you are running multiple `QMCSampler`s in parallel and/or distributed "
                " environment, the same seed must be used in all samplers to ensure that resulting "
                "samples are taken from the same QMC sequence. "
            )

    def reseed_rng(self) -> None:
        # The sequence seed must stay: every worker has to walk the same sequence.
        self._independent_sampler.reseed_rng()

    def infer_relative_search_space(self, study: Study, trial: FrozenTrial) -> dict[str, BaseDistribution]:
        past = study._get_trials(
            deepcopy=False, states=(TrialState.COMPLETE, TrialState.PRUNED), use_cache=True
        )
        if past:
            # The first finished trial defines the search space.
            return dict(min(past, key=lambda t: t.number).distributions)
        running = study._get_trials(deepcopy=False, states=(TrialState.RUNNING,), use_cache=True)
        union: dict[str, BaseDistribution] = {}
        common: set[str] | None = None
        for t in running:
            union.update(t.distributions)
            if common is None:
                common = set(t.distributions)
            elif t.distributions:
                common &= set(t.distributions)
        if common is not None and common != set(union):
            _logger.warning(
                "`QMCSampler` assumes that the search space does not include any conditions. "
                "Please make sure the provided search space is non-conditional."
            )
        return union

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        if not search_space:
            return {}
        categorical: dict[str, CategoricalDistribution] = {
            n: d for n, d in search_space.items() if isinstance(d, CategoricalDistribution)
        }
        # A categorical parameter takes one coordinate over [0, n_choices); its floor is the
        # choice, uniformly (one-hot columns would waste dimensions and break uniformity).
        space = {
            n: (FloatDistribution(0, len(categorical[n].choices)) if n in categorical else d)
            for n, d in search_space.items()
        }
        transform = SearchSpaceTransform(space, transform_0_1=True)
        sample_id = self._next_sample_id(study, search_space)
        point = self._engine(len(search_space)).point(sample_id)
        params = transform.untransform(point)
        for name, dist in categorical.items():
            params[name] = dist.to_external_repr(min(int(params[name]), len(dist.choices) - 1))
        return params

    def sample_independent(
        self, study: Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:

        if self._warn_independent_sampling and study._get_trials(
            deepcopy=False, states=(TrialState.COMPLETE, TrialState.PRUNED), use_cache=True
        ):
            _logger.warning(
                _INDEPENDENT_SAMPLING_WARNING_TEMPLATE.format(
                    param_name=param_name,
                    trial_number=trial.number,
                    independent_sampler_name=self._independent_sampler.__class__.__name__,
                    sampler_name=self.__class__.__name__,
                    fallback_reason="dynamic search space is not supported by `QMCSampler`",
                )
            )
        return self._independent_sampler.sample_independent(study, trial, param_name, param_distribution)

    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        self._independent_sampler.before_trial(study, trial)

    def after_trial(
        self, study: Study, trial: FrozenTrial, state: TrialState, values: Sequence[float] | None
    ) -> None:
        self._independent_sampler.after_trial(study, trial, state, values)

    def _engine(self, dim: int) -> _SobolEngine | _HaltonEngine:
        engine = self._engines.get(dim)
        if engine is None:
            if self._qmc_type == "sobol":
                engine = _SobolEngine(dim, self._scramble, self._seed)
            else:
                engine = _HaltonEngine(dim, self._scramble, self._seed)
            self._engines[dim] = engine
        return engine

    def _next_sample_id(self, study: Study, search_space: dict[str, BaseDistribution]) -> int:
        """Claim the next sequence position for this search space (Optuna's key and counter)."""
        qmc_vars: dict[str, Any] = {
            "qmc_type": self._qmc_type,
            "search_space": {name: str(dist) for name, dist in sorted(search_space.items())},
        }
        if self._scramble:
            qmc_vars.update(scramble=True, seed=self._seed)
        else:
            qmc_vars.update(scramble=False)
        key = "qmc:" + hashlib.sha256(json.dumps(qmc_vars).encode()).hexdigest()
        with _counter_lock:
            sample_id = study._storage.get_study_system_attrs(study._study_id).get(key, -1) + 1
            study._storage.set_study_system_attr(study._study_id, key, sample_id)
        return int(sample_id)
