"""Every supported driver runs the same operations: psycopg2 and psycopg (3) for PostgreSQL, PyMySQL."""

from __future__ import annotations

import math

import pytest
import sqlalchemy

from pyhpo.distributions import CategoricalDistribution, FloatDistribution
from pyhpo.storages._rdb.storage import RDBStorage
from pyhpo.study._study_direction import StudyDirection
from pyhpo.trial import TrialState, create_trial


def _with_driver(url: str, driver: str) -> str:
    return sqlalchemy.make_url(url).set(drivername=driver).render_as_string(hide_password=False)


@pytest.mark.parametrize(
    ("fixture", "driver", "module"),
    [
        ("postgres_url", "postgresql+psycopg2", "psycopg2"),
        ("postgres_url", "postgresql+psycopg", "psycopg"),
        ("mysql_url", "mysql+pymysql", "pymysql"),
    ],
)
def test_driver_round_trip(fixture: str, driver: str, module: str, request: pytest.FixtureRequest) -> None:
    pytest.importorskip(module)
    url = _with_driver(request.getfixturevalue(fixture), driver)
    storage = RDBStorage(url, heartbeat_interval=1)
    assert storage.engine.dialect.driver == driver.split("+")[1]
    study_id = storage.create_new_study([StudyDirection.MAXIMIZE], f"driver-{driver}")
    dists = {"x": FloatDistribution(-1, 1), "c": CategoricalDistribution(["a", "b"])}
    trial_id = storage.create_new_trial(study_id)
    storage.set_trial_param(trial_id, "x", 0.5, dists["x"])
    storage.set_trial_param(trial_id, "c", 1, dists["c"])
    storage.set_trial_intermediate_value(trial_id, 3, math.inf)
    storage.set_trial_user_attr(trial_id, "k", {"nested": [1]})
    storage.record_heartbeat(trial_id)
    storage.record_heartbeat(trial_id)
    assert storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [2.5])
    waiting = storage.create_new_trial(study_id, create_trial(state=TrialState.WAITING))
    assert storage.set_trial_state_values(waiting, TrialState.RUNNING)
    assert not storage.set_trial_state_values(waiting, TrialState.RUNNING)
    fresh = RDBStorage(url)
    trials = fresh.get_all_trials(study_id)
    assert [t.number for t in trials] == [0, 1]
    assert trials[0].params == {"x": 0.5, "c": "b"} and trials[0].values == [2.5]
    assert trials[0].intermediate_values == {3: math.inf} and trials[0].user_attrs == {"k": {"nested": [1]}}
    assert trials[1].state == TrialState.RUNNING
    assert fresh.get_best_trial(study_id).number == 0
    fresh.delete_study(study_id)
    with pytest.raises(KeyError):
        storage.get_study_name_from_id(study_id)
