"""GridSampler: every point once (threads and processes), stopping, ordering, validation."""

from __future__ import annotations

import itertools
import logging
import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import optuna
import pytest

import pyhpo
from pyhpo.samplers import GridSampler
from pyhpo.trial import TrialState

_SPACE = {"x": [-2, -1, 0, 1, 2], "y": ["a", "b", "c"], "z": [0.5, None]}


def _objective(trial) -> float:  # type: ignore[no-untyped-def]
    x = trial.suggest_int("x", -2, 2)
    y = trial.suggest_categorical("y", ["a", "b", "c"])
    z = trial.suggest_categorical("z", [0.5, None])
    return x**2 + ord(y) + (z or 0.0)


def _points(study) -> list[tuple]:  # type: ignore[no-untyped-def]
    return [(t.params["x"], t.params["y"], t.params["z"]) for t in study.trials]


@pytest.fixture(autouse=True)
def _quiet() -> None:
    pyhpo.logging.set_verbosity(pyhpo.logging.WARNING)
    optuna.logging.set_verbosity(optuna.logging.WARNING)


def test_every_point_once_and_the_study_stops_by_itself() -> None:
    study = pyhpo.create_study(sampler=GridSampler(_SPACE))
    study.optimize(_objective)
    all_points = set(itertools.product(*_SPACE.values()))
    assert len(study.trials) == len(all_points) == 30
    assert set(_points(study)) == all_points


def test_four_threads_visit_every_point_exactly_once() -> None:
    study = pyhpo.create_study(sampler=GridSampler(_SPACE, seed=5))
    study.optimize(_objective, n_trials=200, n_jobs=4)
    points = _points(study)
    assert sorted(points, key=repr) == sorted(itertools.product(*_SPACE.values()), key=repr)
    assert all(t.state == TrialState.COMPLETE for t in study.trials)


def test_grid_order_depends_on_seed_and_matches_optuna() -> None:
    def order(lib, seed):  # type: ignore[no-untyped-def]
        study = lib.create_study(sampler=lib.samplers.GridSampler(_SPACE, seed=seed))
        study.optimize(_objective)
        return _points(study)

    assert order(pyhpo, 3) == order(pyhpo, 3) == order(optuna, 3)
    assert order(pyhpo, None) == order(optuna, None)
    assert order(pyhpo, 3) != order(pyhpo, 4)


def test_grid_ids_are_stored_like_optuna() -> None:
    study = pyhpo.create_study(sampler=GridSampler({"b": [1, 2], "a": [True]}))
    study.optimize(lambda t: t.suggest_int("b", 1, 2) + t.suggest_categorical("a", [True]))
    assert [t.system_attrs["grid_id"] for t in study.trials] == [0, 1]
    # Parameter names are sorted, as Optuna stores them.
    assert list(study.trials[0].system_attrs["search_space"]) == ["a", "b"]


def test_rerunning_an_exhausted_grid_reevaluates_one_point_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sampler = GridSampler({"x": [1, 2]})
    study = pyhpo.create_study(sampler=sampler)
    study.optimize(lambda t: t.suggest_int("x", 1, 2))
    assert sampler.is_exhausted(study)
    with caplog.at_level(logging.WARNING):
        study.optimize(lambda t: t.suggest_int("x", 1, 2), n_trials=5)
    assert len(study.trials) == 3
    assert "re-evaluating a configuration because the grid has been exhausted" in caplog.text


def test_a_resumed_study_evaluates_only_the_missing_points() -> None:
    study = pyhpo.create_study(sampler=GridSampler(_SPACE))
    study.optimize(_objective, n_trials=12)
    assert len(study.trials) == 12
    # A new sampler object (e.g. another process) picks up where the study stopped.
    study.sampler = GridSampler(_SPACE)
    study.optimize(_objective)
    assert len(study.trials) == 30
    assert len(set(_points(study))) == 30


def test_a_different_search_space_does_not_count_other_grids_points() -> None:
    study = pyhpo.create_study(sampler=GridSampler({"x": [1, 2]}))
    study.optimize(lambda t: t.suggest_int("x", 1, 3))
    study.sampler = GridSampler({"x": [1, 2, 3]})
    study.optimize(lambda t: t.suggest_int("x", 1, 3))
    # Points of the old grid do not count for the new one: it runs all of its three points.
    assert len(study.trials) == 5
    assert sorted(t.params["x"] for t in study.trials[2:]) == [1, 2, 3]


def test_nan_candidates_match_themselves() -> None:
    sampler = GridSampler({"x": [math.nan, 1.0]})
    assert sampler._same_search_space({"x": [math.nan, 1.0]})
    assert not sampler._same_search_space({"x": [1.0, math.nan]})
    assert not sampler._same_search_space({"y": [math.nan, 1.0]})


def test_enqueued_trials_with_all_params_are_fine_and_partial_ones_fail() -> None:
    study = pyhpo.create_study(sampler=GridSampler({"x": [1, 2, 3]}))
    study.enqueue_trial({"x": 2})
    study.optimize(lambda t: t.suggest_int("x", 1, 3), n_trials=1)
    assert study.trials[0].params == {"x": 2}
    assert "grid_id" not in study.trials[0].system_attrs

    study = pyhpo.create_study(sampler=GridSampler({"x": [1, 2, 3], "y": [0]}))
    study.enqueue_trial({"x": 2})
    with pytest.raises(ValueError, match="All parameters must be specified"):
        study.optimize(
            lambda t: t.suggest_int("x", 1, 3) + t.suggest_int("y", 0, 0) + t.suggest_int("w", 0, 1),
            n_trials=1,
        )


def test_unknown_parameter_is_named_in_the_error() -> None:
    study = pyhpo.create_study(sampler=GridSampler({"x": [1]}))
    with pytest.raises(ValueError, match="w, is not found in the given grid"):
        study.optimize(lambda t: t.suggest_float("w", 0, 1), n_trials=1)


def test_value_outside_the_distribution_is_used_with_a_warning() -> None:
    study = pyhpo.create_study(sampler=GridSampler({"x": [5.0]}))
    with pytest.warns(UserWarning, match="The value `5.0` is out of range of the parameter `x`"):
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    assert study.trials[0].params["x"] == 5.0


@pytest.mark.parametrize(
    ("space", "error", "message"),
    [
        ([("x", [1])], TypeError, "search_space must be a mapping"),
        ({"x": "abc"}, TypeError, "candidates of parameter 'x' must be a list or tuple"),
        ({"x": 3}, TypeError, "candidates of parameter 'x' must be a list or tuple"),
        ({"x": []}, ValueError, "candidates of parameter 'x' are empty"),
    ],
)
def test_bad_search_spaces_are_rejected(space, error, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=message):
        GridSampler(space)


def test_unsupported_value_types_warn() -> None:
    with pytest.warns(UserWarning, match="not supported by `GridSampler`"):
        GridSampler({"x": [[1, 2]]})  # type: ignore[list-item]


def test_large_grids_are_not_materialised() -> None:
    space = {f"p{i}": list(range(10)) for i in range(6)}  # a million points
    sampler = GridSampler(space)
    assert sampler._n_min_trials == 10**6
    point = sampler._grid_point(12345)
    assert len(point) == 6 and all(0 <= v < 10 for v in point)
    assert len({sampler._grid_point(i) for i in range(1000)}) == 1000


def test_sampler_survives_pickling_and_deepcopy() -> None:
    import copy
    import pickle

    sampler = GridSampler(_SPACE, seed=2)
    for clone in (pickle.loads(pickle.dumps(sampler)), copy.deepcopy(sampler)):
        study = pyhpo.create_study(sampler=clone)
        study.optimize(_objective)
        assert len(set(_points(study))) == 30


_WORKER = textwrap.dedent(
    """
    import sys
    import pyhpo
    from pyhpo.storages import JournalStorage
    from pyhpo.storages.journal import JournalFileBackend

    pyhpo.logging.set_verbosity(pyhpo.logging.WARNING)
    storage = JournalStorage(JournalFileBackend(sys.argv[1]))
    space = {"x": list(range(6)), "y": list(range(4))}
    study = pyhpo.load_study(study_name="grid", storage=storage, sampler=pyhpo.samplers.GridSampler(space, seed=1))
    study.optimize(lambda t: t.suggest_int("x", 0, 5) * 10 + t.suggest_int("y", 0, 3), n_trials=100)
    """
)


def test_two_processes_share_one_grid_without_repeats(tmp_path: Path) -> None:
    from pyhpo.storages import JournalStorage
    from pyhpo.storages.journal import JournalFileBackend

    path = str(tmp_path / "journal.log")
    pyhpo.create_study(study_name="grid", storage=JournalStorage(JournalFileBackend(path)))
    env = dict(os.environ, PYTHONPATH=str(Path(pyhpo.__file__).parent.parent))
    procs = [
        subprocess.Popen([sys.executable, "-c", _WORKER, path], env=env, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    study = pyhpo.load_study(study_name="grid", storage=JournalStorage(JournalFileBackend(path)))
    values = [t.value for t in study.trials]
    # Each worker stops once the grid is exhausted; at most one point per worker may be
    # re-evaluated when both race for the last points (as in Optuna).
    assert set(values) == {x * 10 + y for x in range(6) for y in range(4)}
    assert 24 <= len(values) <= 26


def test_a_grid_started_by_optuna_is_finished_by_pyhpo(tmp_path: Path) -> None:
    from optuna.storages import JournalStorage as OptunaJournal
    from optuna.storages.journal import JournalFileBackend as OptunaFile

    from pyhpo.storages import JournalStorage
    from pyhpo.storages.journal import JournalFileBackend

    path = str(tmp_path / "journal.log")
    theirs = optuna.create_study(
        study_name="grid",
        storage=OptunaJournal(OptunaFile(path)),
        sampler=optuna.samplers.GridSampler(_SPACE),
    )
    theirs.optimize(_objective, n_trials=11)
    ours = pyhpo.load_study(
        study_name="grid", storage=JournalStorage(JournalFileBackend(path)), sampler=GridSampler(_SPACE)
    )
    ours.optimize(_objective)  # runs until the grid is exhausted
    points = _points(ours)
    assert len(points) == 30
    assert set(points) == set(itertools.product(*_SPACE.values()))


def test_one_sampler_object_serves_two_studies_in_turn() -> None:
    sampler = GridSampler({"x": [1, 2, 3]})
    first = pyhpo.create_study(sampler=sampler)
    first.optimize(lambda t: t.suggest_int("x", 1, 3))
    second = pyhpo.create_study(sampler=sampler)
    second.optimize(lambda t: t.suggest_int("x", 1, 3))
    assert sorted(t.params["x"] for t in second.trials) == [1, 2, 3]
    assert sampler.is_exhausted(first) and sampler.is_exhausted(second)


def test_a_long_grid_scans_only_new_trials() -> None:
    sampler = GridSampler({"x": list(range(300))})
    study = pyhpo.create_study(sampler=sampler)
    study.optimize(lambda t: t.suggest_int("x", 0, 299))
    assert len(study.trials) == 300
    # The last scan ran in the last trial's after_trial, while it was still running.
    assert sampler._scan_from == 299
    assert sampler.is_exhausted(study)
    assert sampler._scan_from == 300
