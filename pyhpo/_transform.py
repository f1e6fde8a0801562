"""Map parameter configurations to points of a box in R^n and back.

Samplers that work in a continuous space (NSGA-II crossovers, QMC, CMA-ES) need every parameter as
real coordinates with bounds. :class:`SearchSpaceTransform` provides that:

* a float or int parameter is one column: its value, or its log with ``log=True``;
* with ``transform_step``, a stepped parameter's bounds are widened by half a step on each side,
  so every grid point owns an equal share of the box (rounding back is then unbiased);
* a categorical parameter is one-hot encoded (one column per choice, bounds ``[0, 1]``); going
  back picks the column with the largest value;
* with ``transform_0_1`` every column is further scaled to ``[0, 1]``.

Going back (:meth:`SearchSpaceTransform.untransform`) clips to the bounds and rounds onto the
step grid, so any point of R^n maps to a valid configuration.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from pyhpo.distributions import BaseDistribution, CategoricalDistribution, FloatDistribution, IntDistribution

__all__ = ["SearchSpaceTransform"]


class SearchSpaceTransform:
    """Bijection-up-to-rounding between configurations and points of a box.

    Args:
        search_space: Parameter name -> distribution; the column order follows its order.
        transform_log: Use the log of ``log=True`` parameters as their coordinate.
        transform_step: Widen stepped parameters' bounds by half a step on each side.
        transform_0_1: Scale every coordinate to ``[0, 1]``.
    """

    def __init__(
        self,
        search_space: dict[str, BaseDistribution],
        transform_log: bool = True,
        transform_step: bool = True,
        transform_0_1: bool = False,
    ) -> None:
        if not search_space:
            raise ValueError("Cannot build a transform of an empty search space.")
        self._search_space = dict(search_space)
        self._transform_log = transform_log
        self._transform_0_1 = transform_0_1

        bounds: list[tuple[float, float]] = []
        columns: list[np.ndarray] = []
        owners: list[int] = []
        for index, dist in enumerate(self._search_space.values()):
            start = len(bounds)
            if isinstance(dist, CategoricalDistribution):
                bounds.extend([(0.0, 1.0)] * len(dist.choices))
            elif isinstance(dist, (FloatDistribution, IntDistribution)):
                bounds.append(self._numerical_bounds(dist, transform_step))
            else:
                raise TypeError(f"Unsupported distribution {dist!r} for a search space transform.")
            columns.append(np.arange(start, len(bounds)))
            owners.extend([index] * (len(bounds) - start))
        self._raw_bounds = np.asarray(bounds, dtype=float)
        self._column_to_encoded_columns = columns
        self._encoded_column_to_column = np.asarray(owners, dtype=np.int64)

    def _numerical_bounds(
        self, dist: FloatDistribution | IntDistribution, transform_step: bool
    ) -> tuple[float, float]:
        step = dist.step
        half = 0.5 * step if (step is not None and transform_step) else 0.0
        if dist.log and self._transform_log:
            # Log parameters have no step for floats and step 1 for ints.
            return math.log(dist.low - half), math.log(dist.high + half)
        return float(dist.low) - half, float(dist.high) + half

    @property
    def search_space(self) -> dict[str, BaseDistribution]:
        """The transformed parameters, in column order."""
        return self._search_space

    @property
    def bounds(self) -> np.ndarray:
        """``(n_columns, 2)`` lower and upper bound of every column."""
        if self._transform_0_1:
            return np.tile([0.0, 1.0], (len(self._raw_bounds), 1))
        return self._raw_bounds.copy()

    @property
    def column_to_encoded_columns(self) -> list[np.ndarray]:
        """For each parameter (in search-space order), the indices of its columns."""
        return self._column_to_encoded_columns

    @property
    def encoded_column_to_column(self) -> np.ndarray:
        """For each column, the index of the parameter it encodes."""
        return self._encoded_column_to_column

    def transform(self, params: dict[str, Any]) -> np.ndarray:
        """The point of the box for a configuration (which must hold every parameter)."""
        point = np.zeros(len(self._raw_bounds))
        for (name, dist), cols in zip(self._search_space.items(), self._column_to_encoded_columns):
            if name not in params:
                raise KeyError(f"The configuration has no value for parameter {name!r}.")
            value = params[name]
            if isinstance(dist, CategoricalDistribution):
                point[cols[int(dist.to_internal_repr(value))]] = 1.0
            elif isinstance(dist, (FloatDistribution, IntDistribution)) and dist.log and self._transform_log:
                point[cols[0]] = math.log(value)
            else:
                point[cols[0]] = float(value)
        if self._transform_0_1:
            low, high = self._raw_bounds[:, 0], self._raw_bounds[:, 1]
            width = high - low
            flat = width == 0
            point = np.where(flat, 0.5, (point - low) / np.where(flat, 1.0, width))
        return point

    def untransform(self, point: np.ndarray) -> dict[str, Any]:
        """The configuration for a point (clipped to the bounds and rounded onto step grids)."""
        point = np.asarray(point, dtype=float)
        if point.shape != (len(self._raw_bounds),):
            raise ValueError(f"Expected a point of shape ({len(self._raw_bounds)},), got {point.shape}.")
        if self._transform_0_1:
            point = self._raw_bounds[:, 0] + point * (self._raw_bounds[:, 1] - self._raw_bounds[:, 0])
        params: dict[str, Any] = {}
        for (name, dist), cols in zip(self._search_space.items(), self._column_to_encoded_columns):
            if isinstance(dist, CategoricalDistribution):
                params[name] = dist.to_external_repr(int(np.argmax(point[cols])))
            elif isinstance(dist, (FloatDistribution, IntDistribution)):
                low, high = self._raw_bounds[cols[0]]
                # Clip first: far-out points must not overflow exp() for log parameters.
                params[name] = self._untransform_numerical(min(max(float(point[cols[0]]), low), high), dist)
        return params

    def _untransform_numerical(self, x: float, dist: FloatDistribution | IntDistribution) -> Any:
        value = math.exp(x) if (dist.log and self._transform_log) else x
        if isinstance(dist, IntDistribution):
            steps = round((value - dist.low) / dist.step)
            value = dist.low + steps * dist.step
            return int(min(max(value, dist.low), dist.high - (dist.high - dist.low) % dist.step))
        if dist.step is not None:
            n_steps = math.floor((dist.high - dist.low) / dist.step + 1e-8)
            steps = min(max(round((value - dist.low) / dist.step), 0), n_steps)
            return float(min(dist.low + steps * dist.step, dist.high))
        return float(min(max(value, dist.low), dist.high))
