"""pyhpo._hypervolume: exact hypervolume and greedy subset selection, checked against Optuna."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from optuna._hypervolume import _solve_hssp as optuna_hssp
from optuna._hypervolume import compute_hypervolume as optuna_hv

from pyhpo._hypervolume import compute_hypervolume
from pyhpo._hypervolume import solve_hssp as _solve_hssp


def _inclusion_exclusion(points: np.ndarray, reference: np.ndarray) -> float:
    """Brute force: sum over non-empty subsets of (-1)^(k+1) * volume of their intersection."""
    total = 0.0
    for k in range(1, len(points) + 1):
        for subset in itertools.combinations(range(len(points)), k):
            corner = points[list(subset)].max(axis=0)
            total += (-1) ** (k + 1) * float(np.prod(reference - corner))
    return total


_points = st.integers(1, 4).flatmap(
    lambda m: hnp.arrays(
        np.float64, st.tuples(st.integers(0, 8), st.just(m)), elements=st.integers(0, 5).map(float)
    )
)


@settings(max_examples=100, deadline=None)
@given(_points)
def test_hypervolume_equals_inclusion_exclusion(points: np.ndarray) -> None:
    reference = np.full(points.shape[1], 6.0)
    assert compute_hypervolume(points, reference) == pytest.approx(_inclusion_exclusion(points, reference))


@settings(max_examples=100, deadline=None)
@given(st.integers(2, 5), st.integers(1, 25), st.integers(0, 10**6))
def test_hypervolume_matches_optuna_on_random_fronts(m: int, n: int, seed: int) -> None:
    points = np.random.default_rng(seed).random((n, m))
    reference = np.full(m, 1.1)
    assert compute_hypervolume(points, reference) == pytest.approx(optuna_hv(points, reference), rel=1e-10)


def test_assume_pareto_gives_the_same_value() -> None:
    front = np.array([[0.0, 1.0, 0.5], [1.0, 0.0, 0.5], [0.5, 0.5, 0.0]])
    reference = np.array([2.0, 2.0, 2.0])
    assert compute_hypervolume(front, reference, assume_pareto=True) == compute_hypervolume(front, reference)


def test_edge_cases() -> None:
    assert compute_hypervolume(np.zeros((0, 2)), np.ones(2)) == 0.0
    assert compute_hypervolume(np.array([[0.5]]), np.array([2.0])) == 1.5
    assert compute_hypervolume(np.array([[0.0, 0.0]]), np.array([np.inf, 1.0])) == np.inf
    with pytest.raises(ValueError, match="must dominate or equal the reference point"):
        compute_hypervolume(np.array([[2.0, 0.0]]), np.array([1.0, 1.0]))
    with pytest.raises(ValueError, match="loss_vals must be \\(n, m\\)"):
        compute_hypervolume(np.zeros(3), np.ones(3))


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 4), st.integers(2, 15), st.data(), st.integers(0, 10**6))
def test_greedy_subset_matches_optuna(m: int, n: int, data: st.DataObject, seed: int) -> None:
    rng = np.random.default_rng(seed)
    # Points on a front (sum of squares = 1), so every point matters.
    points = np.abs(rng.normal(size=(n, m)))
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    k = data.draw(st.integers(1, n))
    indices = np.arange(100, 100 + n)
    reference = np.full(m, 1.5)
    ours = _solve_hssp(points, indices, k, reference)
    theirs = optuna_hssp(points, indices, k, reference)
    assert sorted(ours.tolist()) == sorted(theirs.tolist())


def test_subset_prefers_distinct_points_and_checks_size() -> None:
    points = np.array([[0.0, 1.0], [0.0, 1.0], [1.0, 0.0], [0.5, 0.5]])
    indices = np.array([10, 11, 12, 13])
    assert sorted(_solve_hssp(points, indices, 3, np.array([2.0, 2.0])).tolist()) == [10, 12, 13]
    dup = np.array([[0.0, 1.0], [0.0, 1.0], [0.0, 1.0]])
    assert sorted(_solve_hssp(dup, np.array([1, 2, 3]), 2, np.array([2.0, 2.0])).tolist()) == [1, 2]
    with pytest.raises(ValueError, match="subset_size must be in \\[0, 4\\], got 5"):
        _solve_hssp(points, indices, 5, np.array([2.0, 2.0]))
