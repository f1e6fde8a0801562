"""A pyhpo storage object in optuna-dashboard, through ``pyhpo.storages.dashboard``.

The dashboard accepts only URLs and Optuna storages; ``pyhpo.storages.dashboard`` hands it a URL for a database
and a forwarding Optuna storage for everything else. The dashboard then reads pyhpo's studies and writes into
them (trials told from the web page, user attributes, notes) through pyhpo.
"""

from __future__ import annotations

import sys
import uuid
from typing import Any

import pytest

import pyhpo
from pyhpo.storages import dashboard
from tests.conftest import require_server_url

from .studies import check_dashboard, write_studies

optuna = pytest.importorskip("optuna")
optuna_dashboard = pytest.importorskip("optuna_dashboard")
webtest = pytest.importorskip("webtest")


def _storage(kind: str, tmp_path: Any, request: pytest.FixtureRequest | None = None) -> Any:
    if kind == "redis":
        redis = pytest.importorskip("redis")
        url = require_server_url("PYHPO_TEST_REDIS_URL")
        prefix = f"pyhpo-dashboard-{uuid.uuid4().hex}"

        def delete_keys() -> None:  # this test's keys only
            client = redis.Redis.from_url(url)
            keys = list(client.scan_iter(match=f"{prefix}*"))
            if keys:
                client.delete(*keys)

        assert request is not None
        request.addfinalizer(delete_keys)
        return pyhpo.storages.JournalStorage(pyhpo.storages.journal.JournalRedisBackend(url, prefix=prefix))
    if kind == "memory":
        return pyhpo.storages.InMemoryStorage()
    if kind == "journal":
        return pyhpo.storages.JournalStorage(
            pyhpo.storages.journal.JournalFileBackend(str(tmp_path / "j.log"))
        )
    return pyhpo.storages.RDBStorage(f"sqlite:///{tmp_path}/db.sqlite3")


def test_the_dashboard_alone_refuses_a_pyhpo_storage_object() -> None:
    with pytest.raises(ValueError, match="No storage matched"):
        optuna_dashboard.wsgi(pyhpo.storages.InMemoryStorage())


def test_a_database_is_handed_over_by_url_and_anything_else_by_a_forwarding_optuna_storage(
    tmp_path: Any,
) -> None:
    rdb = _storage("rdb", tmp_path)
    assert dashboard.dashboard_storage(rdb) == rdb.url
    assert dashboard.dashboard_storage("sqlite:///x.db") == "sqlite:///x.db"
    memory = pyhpo.storages.InMemoryStorage()
    forwarded = dashboard.dashboard_storage(memory)
    assert isinstance(forwarded, optuna.storages.BaseStorage)
    assert forwarded.pyhpo_storage is memory
    already = optuna.storages.InMemoryStorage()
    assert dashboard.dashboard_storage(already) is already
    with pytest.raises(TypeError, match="Expected a pyhpo storage .* got dict"):
        dashboard.dashboard_storage({})  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", ["memory", "journal", "rdb", "redis"])
def test_the_dashboard_shows_the_studies_of_a_pyhpo_storage_object(
    kind: str, tmp_path: Any, request: pytest.FixtureRequest
) -> None:
    storage = _storage(kind, tmp_path, request)
    single, two = write_studies(storage)
    app = webtest.TestApp(dashboard.wsgi(storage))
    check_dashboard(app, single, two)
    study_id = {s["study_name"]: s["study_id"] for s in app.get("/api/studies").json["study_summaries"]}
    importances = app.get(f"/api/studies/{study_id['single']}/param_importances").json["param_importances"]
    assert {i["name"] for i in importances[0]} == {"x", "kind"}


@pytest.mark.parametrize("kind", ["memory", "journal"])
def test_what_the_dashboard_writes_lands_in_the_pyhpo_storage(kind: str, tmp_path: Any) -> None:
    storage = _storage(kind, tmp_path)
    single, _ = write_studies(storage)
    app = webtest.TestApp(dashboard.wsgi(storage))
    study_id = single._study_id
    running = single.get_trials(states=(pyhpo.trial.TrialState.RUNNING,))[0]

    app.post_json(
        f"/api/trials/{running._trial_id}/user-attrs", {"user_attrs": {"checked": "yes"}}, status=204
    )
    app.post_json(
        f"/api/trials/{running._trial_id}/tell", {"state": "Complete", "values": [-99.0]}, status=204
    )
    app.put_json(f"/api/studies/{study_id}/note", {"version": 1, "body": "looks good"}, status=204)
    # Telling a finished trial again fails (the dashboard answers 500, as with Optuna's own storages), and the
    # error pyhpo raises reaches Optuna code as Optuna's exception of the same name.
    app.post_json(f"/api/trials/{running._trial_id}/tell", {"state": "Fail"}, status=500)
    with pytest.raises(optuna.exceptions.UpdateFinishedTrialError):
        dashboard.dashboard_storage(storage).set_trial_state_values(
            running._trial_id, optuna.trial.TrialState.FAIL, None
        )

    told = single.get_trials()[-1]
    assert told.state == pyhpo.trial.TrialState.COMPLETE and told.value == -99.0
    assert told.user_attrs["checked"] == "yes"
    assert single.best_trial.number == told.number
    assert (
        optuna_dashboard.get_note(
            optuna.load_study(study_name="single", storage=dashboard.dashboard_storage(storage))
        )
        == "looks good"
    )


def test_without_the_dashboard_installed_the_error_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "optuna_dashboard", None)
    with pytest.raises(ImportError, match="optuna-dashboard is missing.*pip install optuna-dashboard"):
        dashboard.wsgi(pyhpo.storages.InMemoryStorage())


def test_optuna_code_reads_a_pyhpo_study_through_the_forwarding_storage() -> None:
    storage = pyhpo.storages.InMemoryStorage()
    single, two = write_studies(storage)
    theirs = optuna.load_study(study_name="single", storage=dashboard.dashboard_storage(storage))
    assert [t.params for t in theirs.trials] == [t.params for t in single.trials]
    assert theirs.best_trial.number == single.best_trial.number
    assert theirs.best_value == single.best_value
    assert [t.state.name for t in theirs.get_trials(states=(optuna.trial.TrialState.RUNNING,))] == ["RUNNING"]
    # Copies are handed out: changing one does not change what the next caller sees.
    theirs.trials[0].user_attrs["tag"] = "changed"
    assert theirs.trials[0].user_attrs["tag"] == "t0"
    two_theirs = optuna.load_study(study_name="two", storage=dashboard.dashboard_storage(storage))
    assert sorted(t.number for t in two_theirs.best_trials) == sorted(t.number for t in two.best_trials)
