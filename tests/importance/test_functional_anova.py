"""The functional ANOVA of a tree, checked against decompositions worked out by hand."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from pyhpo.importance._functional_anova import TreePartition


def _tree(nodes: list[tuple[int, float, int, int, float]]) -> SimpleNamespace:
    """A tree in scikit-learn's arrays: (feature, threshold, left, right, value) per node, -1 for leaves."""
    feature, threshold, left, right, value = (np.array(column) for column in zip(*nodes))
    return SimpleNamespace(
        feature=feature,
        threshold=threshold.astype(float),
        children_left=left,
        children_right=right,
        value=value.astype(float).reshape(-1, 1, 1),
    )


LEAF = -2


def test_an_additive_tree_splits_its_variance_between_its_two_columns() -> None:
    # f(x, y) = 4 [x > 1] + 2 [y > 0.5] on [0, 4] x [0, 1]: x > 1 on 3/4 of the box, y > 0.5 on half.
    tree = _tree(
        [
            (0, 1.0, 1, 4, 0.0),
            (1, 0.5, 2, 3, 0.0),
            (LEAF, 0.0, -1, -1, 0.0),
            (LEAF, 0.0, -1, -1, 2.0),
            (1, 0.5, 5, 6, 0.0),
            (LEAF, 0.0, -1, -1, 4.0),
            (LEAF, 0.0, -1, -1, 6.0),
        ]
    )
    part = TreePartition(tree, np.array([[0.0, 4.0], [0.0, 1.0]]))
    var_x = 16 * 0.75 * 0.25  # variance of 4 Bernoulli(3/4)
    var_y = 4 * 0.5 * 0.5
    assert part.mean == pytest.approx(4 * 0.75 + 2 * 0.5)
    assert part.variance == pytest.approx(var_x + var_y)
    assert part.marginal_variance(np.array([0])) == pytest.approx(var_x)
    assert part.marginal_variance(np.array([1])) == pytest.approx(var_y)
    assert part.marginal_variance(np.array([0, 1])) == pytest.approx(var_x + var_y)


def test_a_pure_interaction_has_no_main_effects() -> None:
    # XOR on the unit square: every one-column marginal is flat, all variance is in the pair.
    tree = _tree(
        [
            (0, 0.5, 1, 4, 0.0),
            (1, 0.5, 2, 3, 0.0),
            (LEAF, 0.0, -1, -1, 1.0),
            (LEAF, 0.0, -1, -1, -1.0),
            (1, 0.5, 5, 6, 0.0),
            (LEAF, 0.0, -1, -1, -1.0),
            (LEAF, 0.0, -1, -1, 1.0),
        ]
    )
    part = TreePartition(tree, np.array([[0.0, 1.0], [0.0, 1.0], [0.0, 7.0]]))
    assert part.variance == pytest.approx(1.0)
    assert part.marginal_variance(np.array([0])) == pytest.approx(0.0, abs=1e-15)
    assert part.marginal_variance(np.array([1])) == pytest.approx(0.0, abs=1e-15)
    assert part.marginal_variance(np.array([2])) == pytest.approx(0.0, abs=1e-15)  # never split on
    assert part.marginal_variance(np.array([0, 1])) == pytest.approx(1.0)


def test_unequal_cells_are_weighted_by_their_width() -> None:
    # One column, leaves [0, 1) -> 0, [1, 3) -> 3, [3, 10] -> 1: widths 1, 2, 7 out of 10.
    tree = _tree(
        [
            (0, 3.0, 1, 4, 0.0),
            (0, 1.0, 2, 3, 0.0),
            (LEAF, 0.0, -1, -1, 0.0),
            (LEAF, 0.0, -1, -1, 3.0),
            (LEAF, 0.0, -1, -1, 1.0),
        ]
    )
    part = TreePartition(tree, np.array([[0.0, 10.0]]))
    weights, values = np.array([0.1, 0.2, 0.7]), np.array([0.0, 3.0, 1.0])
    mean = weights @ values
    assert part.variance == pytest.approx(weights @ (values - mean) ** 2)
    assert part.marginal_variance(np.array([0])) == pytest.approx(part.variance)


def test_a_tree_that_names_a_column_without_bounds_is_refused() -> None:
    tree = _tree([(3, 0.5, 1, 2, 0.0), (LEAF, 0.0, -1, -1, 0.0), (LEAF, 0.0, -1, -1, 1.0)])
    with pytest.raises(ValueError, match="splits on columns the 1 bounds do not describe"):
        TreePartition(tree, np.array([[0.0, 1.0]]))
