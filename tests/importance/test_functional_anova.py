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


def test_a_fitted_forest_tree_agrees_with_brute_force_over_every_cell() -> None:
    # Independent of how TreePartition sums: predict the tree at the centre of every cell of the full grid that
    # its thresholds draw, weight by cell volume, and take the variance of the per-axis averages.
    ensemble = pytest.importorskip("sklearn.ensemble")
    rng = np.random.default_rng(0)
    bounds = np.array([[0.0, 1.0], [-2.0, 3.0], [0.0, 10.0]])
    x = rng.uniform(bounds[:, 0], bounds[:, 1], size=(60, 3))
    y = np.sin(4 * x[:, 0]) + x[:, 1] ** 2 + 0.3 * x[:, 0] * x[:, 2] + rng.normal(0, 0.1, 60)
    forest = ensemble.RandomForestRegressor(n_estimators=3, random_state=0).fit(x, y)
    for estimator in forest.estimators_:
        tree = estimator.tree_
        edges = [
            np.unique(np.concatenate(([lo, hi], tree.threshold[tree.feature == c])))
            for c, (lo, hi) in enumerate(bounds)
        ]
        centres = [(e[1:] + e[:-1]) / 2 for e in edges]
        widths = [np.diff(e) / (e[-1] - e[0]) for e in edges]
        grid = np.stack(np.meshgrid(*centres, indexing="ij"), axis=-1).reshape(-1, 3)
        values = estimator.predict(grid).reshape([len(c) for c in centres])
        weight = np.einsum("i,j,k->ijk", *widths)
        mean = np.sum(weight * values)
        part = TreePartition(tree, bounds)
        assert part.mean == pytest.approx(mean)
        assert part.variance == pytest.approx(np.sum(weight * (values - mean) ** 2))
        for axis in range(3):
            others = tuple(a for a in range(3) if a != axis)
            marginal = np.sum(weight * values, axis=others) / widths[axis]
            expected = np.sum(widths[axis] * (marginal - mean) ** 2)
            assert part.marginal_variance(np.array([axis])) == pytest.approx(expected, rel=1e-9, abs=1e-12)
        pair_marginal = np.sum(weight * values, axis=2) / np.outer(widths[0], widths[1])
        pair_expected = np.sum(np.outer(widths[0], widths[1]) * (pair_marginal - mean) ** 2)
        assert part.marginal_variance(np.array([0, 1])) == pytest.approx(pair_expected, rel=1e-9)
