"""Functional ANOVA of a regression tree: how much of its variance one parameter explains on its own.

A fitted tree predicts a constant on each leaf, and its leaves cut the search box ``B`` into boxes. Under the
uniform measure on ``B`` (Hutter, Hoos and Leyton-Brown, ICML 2014):

* the tree's mean is the volume-weighted mean of the leaf values, and its total variance is the
  volume-weighted variance of the leaf values;
* the marginal of a set of columns ``S`` (one parameter: one column, or the one-hot columns of a categorical
  parameter) is ``a(x_S) = mean of the tree over the other columns``. It is constant on every cell of the grid
  that the tree's thresholds on ``S`` draw over ``B_S``: on such a cell it is the sum, over the leaves whose
  projection on ``S`` holds the cell, of the leaf value times the fraction of ``B_{-S}`` the leaf covers;
* the importance of ``S`` is ``Var(a) / total variance``, ``Var(a)`` taken over the cells weighted by their
  volume.

Each leaf covers a block of consecutive cells along every column of ``S``, so ``a`` on the whole grid comes from
one scatter of ``2^|S|`` signed corner terms per leaf followed by a cumulative sum along each axis (a
multi-dimensional difference array): linear in leaves plus cells, with no walk of the tree per cell.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

__all__ = ["TreePartition"]


class TreePartition:
    """The leaves of one fitted scikit-learn regression tree, as boxes of the search box.

    Args:
        tree: A fitted ``sklearn.tree._tree.Tree`` (an estimator's ``tree_``), single output.
        bounds: ``(n_columns, 2)`` lower and upper bound of each input column.
    """

    def __init__(self, tree: Any, bounds: np.ndarray) -> None:
        bounds = np.asarray(bounds, dtype=np.float64)
        feature = np.asarray(tree.feature, dtype=np.int64)
        threshold = np.asarray(tree.threshold, dtype=np.float64)
        left = np.asarray(tree.children_left, dtype=np.int64)
        right = np.asarray(tree.children_right, dtype=np.int64)
        value = np.asarray(tree.value, dtype=np.float64)[:, 0, 0]
        n_nodes, n_columns = len(feature), len(bounds)
        if n_columns == 0 or (feature >= n_columns).any():
            raise ValueError(f"The tree splits on columns the {n_columns} bounds do not describe.")

        low = np.empty((n_nodes, n_columns))
        high = np.empty((n_nodes, n_columns))
        low[0], high[0] = bounds[:, 0], bounds[:, 1]
        # Walk down one depth at a time: a child's box is its parent's, cut at the parent's threshold.
        level = np.array([0])
        while level.size:
            inner = level[feature[level] >= 0]
            cols, cut = feature[inner], threshold[inner]
            for children, side in ((left[inner], high), (right[inner], low)):
                low[children], high[children] = low[inner], high[inner]
                side[children, cols] = cut
            level = np.concatenate((left[inner], right[inner]))

        leaves = feature < 0
        extent = bounds[:, 1] - bounds[:, 0]
        self._low = low[leaves]
        self._high = high[leaves]
        self._values = value[leaves]
        # Fraction of the box each leaf covers along each column.
        self._fractions = (self._high - self._low) / extent
        self._bounds = bounds
        self._extent = extent
        self._thresholds = [np.unique(threshold[(feature == c)]) for c in range(n_columns)]

        weights = np.prod(self._fractions, axis=1)
        self.mean = float(weights @ self._values)
        self.variance = float(weights @ (self._values - self.mean) ** 2)

    def marginal_variance(self, columns: np.ndarray) -> float:
        """Variance, over the columns ``columns``, of the tree averaged over every other column."""
        columns = np.asarray(columns, dtype=np.int64)
        if columns.size == 0:
            raise ValueError("A marginal needs at least one column.")
        others = np.ones(len(self._bounds), dtype=bool)
        others[columns] = False
        # Each leaf's value times the share of the other columns' box it covers.
        mass = self._values * np.prod(self._fractions[:, others], axis=1)

        edges = [
            np.concatenate(([self._bounds[c, 0]], self._thresholds[c], [self._bounds[c, 1]])) for c in columns
        ]
        first = [np.searchsorted(e, self._low[:, c]) for e, c in zip(edges, columns)]
        stop = [np.searchsorted(e, self._high[:, c]) for e, c in zip(edges, columns)]
        shape = tuple(len(e) for e in edges)  # one more than the cells per axis, for the difference array

        grid = np.zeros(int(np.prod(shape)))
        for corner in itertools.product((0, 1), repeat=len(columns)):
            index = np.ravel_multi_index(
                tuple(stop[d] if up else first[d] for d, up in enumerate(corner)), shape
            )
            grid += np.bincount(index, weights=mass if sum(corner) % 2 == 0 else -mass, minlength=grid.size)
        grid = grid.reshape(shape)
        for axis in range(len(columns)):
            grid = np.cumsum(grid, axis=axis)
        marginal = grid[tuple(slice(0, n - 1) for n in shape)]

        cell_weight = np.ones(())
        for e, c in zip(edges, columns):
            cell_weight = np.multiply.outer(cell_weight, np.diff(e) / self._extent[c])
        mean = float(np.sum(cell_weight * marginal))
        return max(float(np.sum(cell_weight * (marginal - mean) ** 2)), 0.0)
