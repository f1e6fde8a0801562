"""Tests for pyhpo._multi_objective: Pareto fronts and non-domination ranks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from pyhpo._multi_objective import _calculate_nondomination_rank
from pyhpo._multi_objective import fast_non_domination_rank as _fast_non_domination_rank
from pyhpo._multi_objective import is_pareto_front as _is_pareto_front


def _brute_dominated(losses: np.ndarray) -> np.ndarray:
    """Row i is dominated iff some row j is <= everywhere and < somewhere (all pairs compared)."""
    if len(losses) == 0:
        return np.zeros(0, dtype=bool)
    le = np.all(losses[:, None, :] <= losses[None, :, :], axis=2)  # [j, i]: j <= i everywhere
    lt = np.any(losses[:, None, :] < losses[None, :, :], axis=2)
    return np.any(le & lt, axis=0)


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


@settings(max_examples=100, deadline=None)
@given(_losses)
def test_pareto_front_equals_brute_force(losses: np.ndarray) -> None:
    np.testing.assert_array_equal(_is_pareto_front(losses), ~_brute_dominated(losses))


@settings(max_examples=100, deadline=None)
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


# Trial-level helpers ----------------------------------------------------------------------

from pyhpo._multi_objective import (
    _get_feasible_trials,
)
from pyhpo._multi_objective import (
    dominates as _dominates,
)
from pyhpo._multi_objective import (
    get_pareto_front_trials as _get_pareto_front_trials,
)
from pyhpo.study import StudyDirection
from pyhpo.trial import (
    TrialState,
    create_trial,
)

_MIN, _MAX = StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE


def _trial(values, number, state=TrialState.COMPLETE, system_attrs=None):  # type: ignore[no-untyped-def]
    t = create_trial(
        state=state, values=values if state == TrialState.COMPLETE else None, system_attrs=system_attrs or {}
    )
    t.number = number
    return t


def test_pareto_front_trials_respect_directions_and_states() -> None:
    trials = [
        _trial([1.0, 1.0], 0),
        _trial([2.0, 2.0], 1),
        _trial([0.0, 0.5], 2),
        _trial(None, 3, state=TrialState.FAIL),
        _trial([3.0, 0.0], 4),
        _trial([1.0, 1.0], 5),  # duplicate of trial 0: both stay
    ]
    assert [t.number for t in _get_pareto_front_trials(trials, [_MIN, _MIN])] == [2, 4]
    assert [t.number for t in _get_pareto_front_trials(trials, [_MAX, _MAX])] == [1, 4]
    assert [t.number for t in _get_pareto_front_trials(trials, [_MIN, _MAX])] == [0, 1, 2, 5]
    assert [t.number for t in _get_pareto_front_trials(trials[:2] + trials[5:], [_MIN, _MIN])] == [0, 5]
    assert _get_pareto_front_trials([], [_MIN, _MIN]) == []


def test_pareto_front_with_constraints_drops_infeasible_trials() -> None:
    trials = [
        _trial([0.0, 0.0], 0, system_attrs={"constraints": [1.0]}),
        _trial([1.0, 1.0], 1, system_attrs={"constraints": [0.0, -1.0]}),
        _trial([2.0, 0.5], 2, system_attrs={"constraints:a": -0.5}),
        _trial([3.0, 3.0], 3),
    ]
    assert [t.number for t in _get_feasible_trials(trials)] == [1, 2, 3]
    assert [t.number for t in _get_pareto_front_trials(trials, [_MIN, _MIN])] == [0]
    assert [t.number for t in _get_pareto_front_trials(trials, [_MIN, _MIN], consider_constraint=True)] == [
        1,
        2,
    ]


def test_value_count_mismatch_names_the_trial() -> None:
    with pytest.raises(ValueError, match="Trial 7 has values \\[1.0\\].*2 objective"):
        _get_pareto_front_trials([_trial([1.0], 7)], [_MIN, _MIN])


def test_dominates() -> None:
    a, b, c = _trial([1.0, 1.0], 0), _trial([1.0, 2.0], 1), _trial([1.0, 1.0], 2)
    failed = _trial(None, 3, state=TrialState.FAIL)
    assert _dominates(a, b, [_MIN, _MIN]) and not _dominates(b, a, [_MIN, _MIN])
    assert _dominates(b, a, [_MIN, _MAX])
    assert not _dominates(a, c, [_MIN, _MIN])
    assert _dominates(a, failed, [_MIN, _MIN]) and not _dominates(failed, a, [_MIN, _MIN])
    with pytest.raises(ValueError, match="different numbers of objectives"):
        _dominates(a, _trial([1.0], 4), [_MIN, _MIN])


def test_study_best_trials_uses_the_front() -> None:
    import pyhpo

    study = pyhpo.create_study(
        directions=["minimize", "maximize"], sampler=pyhpo.samplers.RandomSampler(seed=0)
    )
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)), n_trials=40)
    expected = [
        t.number for t in study.trials if not any(_dominates(o, t, study.directions) for o in study.trials)
    ]
    assert sorted(t.number for t in study.best_trials) == expected


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 3)), max_size=15),
    st.lists(st.sampled_from([_MIN, _MAX]), min_size=3, max_size=3),
)
def test_front_of_trials_equals_pairwise_dominance(rows, directions) -> None:  # type: ignore[no-untyped-def]
    trials = [_trial([float(v) for v in r], i) for i, r in enumerate(rows)]
    expected = [t.number for t in trials if not any(_dominates(o, t, directions) for o in trials)]
    assert [t.number for t in _get_pareto_front_trials(trials, directions)] == expected
