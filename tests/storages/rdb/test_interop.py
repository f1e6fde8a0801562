"""Databases are shared with the real Optuna both ways: what one library writes, the other reads."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from pyhpo.distributions import (
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    distribution_to_json,
)
from pyhpo.storages._rdb.storage import RDBStorage
from pyhpo.study._study_direction import StudyDirection
from pyhpo.trial import TrialState

optuna = pytest.importorskip("optuna")

pytestmark = [pytest.mark.interop("RDB schema and rows (SQLite, PostgreSQL, MySQL)")]


def _canonical(trial: Any) -> tuple[Any, ...]:
    """Library-independent description of a FrozenTrial (either library's)."""

    def floats(values: Any) -> Any:
        return None if values is None else [("nan" if math.isnan(v) else v) for v in values]

    return (
        trial.number,
        trial.state.name,
        floats(trial.values),
        trial.params,
        {
            k: distribution_to_json(v)
            if hasattr(v, "_contains") and type(v).__module__.startswith("pyhpo")
            else optuna.distributions.distribution_to_json(v)
            for k, v in trial.distributions.items()
        },
        {k: ("nan" if math.isnan(v) else v) for k, v in trial.intermediate_values.items()},
        trial.user_attrs,
        trial.system_attrs,
        trial.datetime_start is not None,
        trial.datetime_complete is not None,
    )


def _write_with_pyhpo(url: str) -> str:
    storage = RDBStorage(url)
    study_id = storage.create_new_study([StudyDirection.MINIMIZE], "written-by-pyhpo")
    storage.set_study_user_attr(study_id, "owner", {"team": "hpo"})
    dists = {
        "x": FloatDistribution(-5.0, 5.0),
        "lr": FloatDistribution(1e-5, 1e-1, log=True),
        "n": IntDistribution(1, 64, log=True),
        "k": IntDistribution(0, 10, step=2),
        "act": CategoricalDistribution(["relu", "tanh", None, 1.5]),
    }
    externals = [
        {"x": 1.25, "lr": 1e-3, "n": 8, "k": 4, "act": "tanh"},
        {"x": -2.0, "lr": 0.05, "n": 1, "k": 10, "act": None},
        {"x": 0.0, "lr": 1e-5, "n": 64, "k": 0, "act": 1.5},
    ]
    states = [TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL]
    values: list[list[float] | None] = [[0.5], None, None]
    for ext, state, vals in zip(externals, states, values):
        trial_id = storage.create_new_trial(study_id)
        for name, value in ext.items():
            storage.set_trial_param(trial_id, name, dists[name].to_internal_repr(value), dists[name])
        storage.set_trial_intermediate_value(trial_id, 0, 3.0)
        storage.set_trial_intermediate_value(trial_id, 1, math.nan)
        storage.set_trial_intermediate_value(trial_id, 2, -math.inf)
        storage.set_trial_user_attr(trial_id, "note", [1, "two"])
        storage.set_trial_system_attr(trial_id, "sys", {"a": None})
        storage.set_trial_state_values(trial_id, state, vals)
    inf_trial = storage.create_new_trial(study_id)
    storage.set_trial_state_values(inf_trial, TrialState.COMPLETE, [math.inf])
    storage.create_new_trial(study_id)  # left RUNNING
    from pyhpo.trial import create_trial

    storage.create_new_trial(
        study_id,
        template_trial=create_trial(
            state=TrialState.WAITING, params={"x": 3.0}, distributions={"x": dists["x"]}, user_attrs={"q": 1}
        ),
    )
    storage.engine.dispose()
    return "written-by-pyhpo"


def test_sqlite_written_by_pyhpo_loads_in_optuna(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/pyhpo.db"
    name = _write_with_pyhpo(url)
    ours = RDBStorage(url)
    expected = [_canonical(t) for t in ours.get_all_trials(ours.get_study_id_from_name(name))]
    study = optuna.load_study(study_name=name, storage=url)
    assert [_canonical(t) for t in study.get_trials()] == expected
    assert len(expected) == 6
    assert study.user_attrs == {"owner": {"team": "hpo"}}
    assert study.best_trial.number == 0 and study.best_value == 0.5
    # Optuna can go on: it runs the WAITING trial (number 5), then numbering continues at 6.
    study.optimize(lambda t: t.suggest_float("x", -5.0, 5.0) ** 2, n_trials=2)
    assert [t.number for t in ours.get_all_trials(ours.get_study_id_from_name(name))] == list(range(7))


def _write_with_optuna(url: str) -> str:
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(study_name="written-by-optuna", storage=url, direction="maximize")
    study.set_user_attr("dataset", "mnist")
    study.enqueue_trial({"x": 0.5, "layers": 3, "opt": "sgd"})

    def objective(trial: Any) -> float:
        x = trial.suggest_float("x", 0.0, 1.0)
        layers = trial.suggest_int("layers", 1, 5)
        opt = trial.suggest_categorical("opt", ["adam", "sgd"])
        trial.set_user_attr("layers_x2", layers * 2)
        for step in range(3):
            trial.report(x * step, step)
        if layers == 5:
            raise optuna.TrialPruned()
        return x * layers + (opt == "adam")

    study.optimize(objective, n_trials=6)
    study.enqueue_trial({"x": 0.25})  # stays WAITING
    return "written-by-optuna"


def test_sqlite_written_by_optuna_loads_in_pyhpo(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/optuna.db"
    name = _write_with_optuna(url)
    theirs = optuna.load_study(study_name=name, storage=url)
    expected = [_canonical(t) for t in theirs.get_trials()]
    ours = RDBStorage(url)
    study_id = ours.get_study_id_from_name(name)
    assert [_canonical(t) for t in ours.get_all_trials(study_id)] == expected
    assert ours.get_study_directions(study_id) == [StudyDirection.MAXIMIZE]
    assert ours.get_study_user_attrs(study_id) == {"dataset": "mnist"}
    assert ours.get_best_trial(study_id).number == theirs.best_trial.number
    # pyhpo can go on: the WAITING trial is popped once and numbering continues.
    waiting = ours.get_all_trials(study_id, states=(TrialState.WAITING,))
    assert len(waiting) == 1 and ours.set_trial_state_values(waiting[0]._trial_id, TrialState.RUNNING)
    assert not ours.set_trial_state_values(waiting[0]._trial_id, TrialState.RUNNING)
    new_id = ours.create_new_trial(study_id)
    assert ours.get_trial(new_id).number == len(expected)


@pytest.mark.parametrize("kind", ["postgresql", "mysql"])
def test_server_databases_interoperate_both_ways(kind: str, request: pytest.FixtureRequest) -> None:
    url = request.getfixturevalue("postgres_url" if kind == "postgresql" else "mysql_url")
    name = _write_with_pyhpo(url)
    expected = [
        _canonical(t) for t in RDBStorage(url).get_all_trials(RDBStorage(url).get_study_id_from_name(name))
    ]
    assert [_canonical(t) for t in optuna.load_study(study_name=name, storage=url).get_trials()] == expected
    name = _write_with_optuna(url)
    expected = [_canonical(t) for t in optuna.load_study(study_name=name, storage=url).get_trials()]
    ours = RDBStorage(url)
    assert [_canonical(t) for t in ours.get_all_trials(ours.get_study_id_from_name(name))] == expected


MIXED_WORKER = r"""
import sys
lib, url, name = sys.argv[1], sys.argv[2], sys.argv[3]
module = __import__(lib)
module.logging.set_verbosity(module.logging.WARNING)
study = module.load_study(study_name=name, storage=url, sampler=module.samplers.RandomSampler())
study.optimize(lambda t: t.suggest_float("x", -1.0, 1.0) ** 2, n_trials=8)
"""


@pytest.mark.timeout(300)
def test_pyhpo_and_optuna_workers_share_one_study_at_once(postgres_url: str) -> None:
    import os
    import subprocess
    import sys

    root = str(Path(__file__).resolve().parents[3])
    name = "mixed-workers"
    RDBStorage(postgres_url).create_new_study([StudyDirection.MINIMIZE], name)
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", MIXED_WORKER, lib, postgres_url, name],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for lib in ("pyhpo", "optuna", "pyhpo", "optuna")
    ]
    for p in procs:
        _, err = p.communicate(timeout=240)
        assert p.returncode == 0, err[-3000:]
    ours = RDBStorage(postgres_url)
    trials = ours.get_all_trials(ours.get_study_id_from_name(name))
    assert [t.number for t in trials] == list(range(32))
    assert all(t.state == TrialState.COMPLETE for t in trials)
    assert [t.number for t in optuna.load_study(study_name=name, storage=postgres_url).trials] == list(
        range(32)
    )
