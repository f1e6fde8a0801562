"""Tests for pyhpo._multi_objective: Pareto fronts and non-domination ranks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from pyhpo._multi_objective import _calculate_nondomination_rank
from pyhpo._multi_objective import _fast_non_domination_rank
from pyhpo._multi_objective import _is_pareto_front


def _brute_dominated(losses: np.ndarray) -> np.ndarray:
    n = len(losses)
    dominated = np.zeros(n, dtype=bool)
    for i in range(n):
        for j in range(n):
            if np.all(losses[j] <= losses[i]) and np.any(losses[j] < losses[i]):
                dominated[i] = True
    return dominated


def _brute_ranks(losses: np.ndarray) -> np.ndarray:
    ranks = np.full(len(losses), -1)
    rank = 0
    remaining = np.arange(len(losses))
    while remaining.size:
        front = ~_brute_dominated(losses[remaining])
        ranks[remaining[front]] = rank
        remaining = remaining[~front]
        rank += 1
    return ranks


# Small integer grids make ties and duplicates common, which is where bugs hide.
_losses = st.integers(1, 4).flatmap(
    lambda m: hnp.arrays(
        np.float64,
        st.tuples(st.integers(0, 30), st.just(m)),
        elements=st.integers(-3, 3).map(float),
    )
)


@settings(max_examples=150, deadline=None)
@given(_losses)
def test_pareto_front_equals_brute_force(losses: np.ndarray) -> None:
    np.testing.assert_array_equal(_is_pareto_front(losses), ~_brute_dominated(losses))


@settings(max_examples=150, deadline=None)
@given(_losses)
def test_nondomination_rank_equals_repeated_brute_force_fronts(losses: np.ndarray) -> None:
    np.testing.assert_array_equal(_calculate_nondomination_rank(losses), _brute_ranks(losses))


@settings(max_examples=100, deadline=None)
@given(_losses, st.integers(1, 30))
def test_rank_with_n_below_is_exact_for_the_top_trials(losses: np.ndarray, n_below: int) -> None:
    full = _brute_ranks(losses)
    partial = _calculate_nondomination_rank(losses, n_below=n_below)
    if len(losses) == 0:
        return
    # Ranks of the first fronts that together hold n_below trials are exact; the rest are
    # lumped into one rank that is worse than all of them.
    order = np.sort(full)
    cutoff = order[min(n_below, len(losses)) - 1]
    exact = full <= cutoff
    np.testing.assert_array_equal(partial[exact], full[exact])
    assert np.all(partial[~exact] > cutoff)


def test_float_noise_points_in_three_objectives() -> None:
    rng = np.random.default_rng(0)
    losses = rng.random((300, 3))
    np.testing.assert_array_equal(_is_pareto_front(losses), ~_brute_dominated(losses))


def test_penalty_ranks_feasible_first_then_by_violation() -> None:
    losses = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 3.0], [0.0, 0.0], [0.0, 0.0]])
    penalty = np.array([0.0, -1.0, 0.0, 2.0, 0.5])
    ranks = _fast_non_domination_rank(losses, penalty=penalty)
    # Feasible: rows 0,1 on front 0, row 2 on front 1; infeasible by penalty: 4 then 3.
    np.testing.assert_array_equal(ranks, [0, 0, 1, 3, 2])


def test_penalty_shape_mismatch_is_rejected() -> None:
    with pytest.raises(ValueError, match="penalty must have shape"):
        _fast_non_domination_rank(np.zeros((3, 2)), penalty=np.zeros(2))


def test_non_positive_n_below_is_rejected() -> None:
    with pytest.raises(ValueError, match="n_below"):
        _fast_non_domination_rank(np.zeros((3, 2)), n_below=0)


def test_single_objective_rank_is_position_among_distinct_values() -> None:
    np.testing.assert_array_equal(
        _calculate_nondomination_rank(np.array([[3.0], [1.0], [3.0], [2.0]])), [2, 0, 2, 1]
    )


def test_one_dimensional_input_is_rejected() -> None:
    with pytest.raises(ValueError, match="2-D"):
        _is_pareto_front(np.zeros(3))
