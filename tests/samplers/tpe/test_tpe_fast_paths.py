"""The large-study paths of TPE (sorted history rows, partitioned split) give what a full sort gives."""

from __future__ import annotations

import numpy as np

import pyhpo
from pyhpo.distributions import FloatDistribution
from pyhpo.samplers._tpe._history import _History, _split
from pyhpo.samplers._tpe.parzen_estimator import _bandwidths, _Params


def test_bandwidths_from_given_column_orders_equal_sorting_here() -> None:
    params = _Params(True, 1.0, True, False, None)
    rng = np.random.RandomState(0)
    for n in (2, 30, 300, 3000):
        mus = rng.rand(n, 3)
        orders = [np.argsort(mus[:, 0], kind="stable"), None, np.argsort(mus[:, 2], kind="stable")]
        assert np.array_equal(_bandwidths(mus, n + 1, params, orders), _bandwidths(mus, n + 1, params))


def test_partitioned_split_picks_the_rows_a_full_sort_picks() -> None:
    rng = np.random.RandomState(1)
    for _ in range(200):
        n = rng.randint(1, 3000)
        keys = np.column_stack(
            [
                rng.permutation(n),
                rng.choice([0.0, 1.0, 2.0], n),
                rng.choice([0.0, 1.0, 2.0, np.inf], n) if rng.rand() < 0.5 else rng.rand(n),
                rng.choice([0.0, 1.0, np.nan], n),
            ]
        ).astype(float)
        for n_below in (1, 25, n // 10 + 1):
            expected = np.zeros(n, dtype=bool)
            expected[np.lexsort((keys[:, 0], keys[:, 3], keys[:, 2], keys[:, 1]))[:n_below]] = True
            assert np.array_equal(_split(keys, keys[:, 2:3], n_below), expected)


def test_history_sorted_rows_follow_values_as_trials_arrive() -> None:
    study = pyhpo.create_study(sampler=pyhpo.samplers.RandomSampler(seed=0))
    history = _History()
    dist = FloatDistribution(0.0, 1.0)
    for batch in (1, 3, 20, 1, 1):
        study.optimize(lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=batch)
        history.scan(study.get_trials(deepcopy=False), study.directions)
        rows, values = history.sorted_rows("x", dist)
        column = history.column("x", dist)
        assert np.array_equal(rows, np.argsort(column, kind="stable"))
        assert np.array_equal(values, column[rows])


def test_plain_split_of_complete_trials_in_number_order_equals_the_full_sort() -> None:
    rng = np.random.RandomState(2)
    for _ in range(200):
        n = rng.randint(1, 1100)
        key1 = rng.choice([0.0, 1.0, 2.5, np.inf], n) if rng.rand() < 0.5 else rng.rand(n)  # ties, or none
        keys = np.column_stack([np.arange(n), np.zeros(n), key1, np.zeros(n)]).astype(float)
        for n_below in (1, 25, n // 10 + 1):
            expected = _split(keys, keys[:, 2:3], n_below)
            assert np.array_equal(_split(keys, keys[:, 2:3], n_below, plain=True), expected)


def test_history_tells_when_rows_are_plain_and_in_number_order() -> None:
    study = pyhpo.create_study(sampler=pyhpo.samplers.RandomSampler(seed=0))
    history = _History()
    study.optimize(lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=5)
    history.scan(study.get_trials(deepcopy=False), study.directions)
    assert history._in_number_order and history._all_feasible_complete
    late = study.ask()
    study.optimize(lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=2)
    history.scan(study.get_trials(deepcopy=False), study.directions)
    study.tell(late, state=pyhpo.trial.TrialState.PRUNED)
    history.scan(study.get_trials(deepcopy=False), study.directions)
    assert not history._in_number_order and not history._all_feasible_complete
    below, order = history.split(study.directions, lambda n: 3)
    assert order is not None and [history.numbers[i] for i in order] == sorted(history.numbers)
    assert below.sum() == 3 and not below[history.numbers.index(late.number)]


def test_history_matrix_grows_with_the_columns_and_notices_missing_values() -> None:
    study = pyhpo.create_study(sampler=pyhpo.samplers.RandomSampler(seed=0))
    history = _History()
    x, y = FloatDistribution(0.0, 1.0), FloatDistribution(-1.0, 1.0, log=False)
    items = [("x", x), ("y", y)]
    space = object()
    for batch, with_y in ((3, True), (20, True), (1, False), (2, True)):

        def objective(t: pyhpo.Trial, with_y: bool = with_y) -> float:
            return t.suggest_float("x", 0.0, 1.0) + (t.suggest_float("y", -1.0, 1.0) if with_y else 0.0)

        study.optimize(objective, n_trials=batch)
        history.scan(study.get_trials(deepcopy=False), study.directions)
        values, complete = history.matrix(space, items)
        expected = np.column_stack([history.column("x", x), history.column("y", y)])
        assert np.array_equal(values, expected, equal_nan=True)
        assert complete == (not np.isnan(expected).any())
    assert not complete
