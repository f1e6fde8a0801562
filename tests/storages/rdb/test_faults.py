"""Faults: a PostgreSQL restart under running workers is retried through; errors are classified right."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy
from sqlalchemy import exc as sa_exc

from pyhpo.storages._rdb._retry import Backoff, is_transient
from pyhpo.storages._rdb.storage import RDBStorage
from pyhpo.study._study_direction import StudyDirection
from pyhpo.trial import TrialState

ROOT = str(Path(__file__).resolve().parents[3])

STEADY_WORKER = r"""
import sys, time
from pyhpo.storages._rdb.storage import RDBStorage
from pyhpo.distributions import FloatDistribution
from pyhpo.trial import TrialState
url, name, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
storage = RDBStorage(url)
study_id = storage.get_study_id_from_name(name)
dist = FloatDistribution(0.0, 1.0)
for i in range(n):
    trial_id = storage.create_new_trial(study_id)
    storage.set_trial_param(trial_id, "x", 0.5, dist)
    storage.set_trial_intermediate_value(trial_id, 0, 1.0)
    time.sleep(0.05)  # the "objective"
    storage.get_all_trials(study_id, deepcopy=False)
    assert storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [float(i)])
"""


def _cluster() -> list[str]:
    versions = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    if (
        not versions
        or subprocess.run(["which", "pg_ctlcluster"], check=False, capture_output=True).returncode != 0
    ):
        pytest.skip("no local PostgreSQL cluster managed by pg_ctlcluster")
    return [versions[-1], "main"]


def _wait_until_up(url: str, timeout: float = 60.0) -> None:
    engine = sqlalchemy.create_engine(url, poolclass=sqlalchemy.pool.NullPool)
    deadline = time.monotonic() + timeout
    while True:
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
            break
        except sa_exc.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    engine.dispose()


def _postmaster_start(url: str) -> object:
    engine = sqlalchemy.create_engine(url, poolclass=sqlalchemy.pool.NullPool)
    with engine.connect() as conn:
        started = conn.exec_driver_sql("SELECT pg_postmaster_start_time()").scalar()
    engine.dispose()
    return started


@pytest.mark.server_restart
@pytest.mark.timeout(300)
def test_workers_ride_through_a_postgresql_restart(postgres_url: str) -> None:
    cluster = _cluster()
    storage = RDBStorage(postgres_url)
    name = f"restart-{time.time_ns()}"
    study_id = storage.create_new_study([StudyDirection.MINIMIZE], name)
    workers, per_worker = 4, 60
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", STEADY_WORKER, postgres_url, name, str(per_worker)],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(workers)
    ]
    try:
        deadline = time.monotonic() + 60
        while storage.get_n_trials(study_id, TrialState.COMPLETE) < 12:
            assert time.monotonic() < deadline, "workers made no progress before the restart"
            time.sleep(0.1)
        booted = _postmaster_start(postgres_url)
        # The restart must hit running workers, or the test proves nothing.
        assert all(p.poll() is None for p in procs), "workers finished before the restart"
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", *cluster, "restart"],
            check=True,
            capture_output=True,
            timeout=60,
        )
    finally:
        # Whatever happened, the server is left running for everyone else.
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", *cluster, "start"],
            check=False,
            capture_output=True,
            timeout=60,
        )
        _wait_until_up(postgres_url)
    logs = [p.communicate(timeout=240)[1] for p in procs]
    for p, log in zip(procs, logs):
        assert p.returncode == 0, f"worker failed across the restart:\n{log[-3000:]}"
    assert _postmaster_start(postgres_url) != booted  # the server really restarted
    trials = RDBStorage(postgres_url).get_all_trials(study_id)
    assert [t.number for t in trials] == list(range(workers * per_worker))  # none lost, none doubled
    assert all(t.state == TrialState.COMPLETE for t in trials)
    assert all(t.params == {"x": 0.5} and t.intermediate_values == {0: 1.0} for t in trials)


class _Orig(Exception):
    def __init__(self, *args: object, pgcode: str | None = None) -> None:
        super().__init__(*args)
        self.pgcode = pgcode


def _wrapped(orig: Exception, cls: type[sa_exc.DBAPIError] = sa_exc.OperationalError) -> sa_exc.DBAPIError:
    return cls("SELECT 1", {}, orig)


@pytest.mark.parametrize(
    ("error", "dialect", "expected"),
    [
        (_wrapped(_Orig("deadlock", pgcode="40P01")), "postgresql", True),
        (_wrapped(_Orig("could not serialize", pgcode="40001")), "postgresql", True),
        (
            _wrapped(_Orig("terminating connection due to administrator command", pgcode="57P01")),
            "postgresql",
            True,
        ),
        (_wrapped(_Orig("connection refused")), "postgresql", True),
        (_wrapped(_Orig('FATAL: database "x" does not exist')), "postgresql", False),
        (_wrapped(_Orig("syntax error", pgcode="42601"), sa_exc.ProgrammingError), "postgresql", False),
        (_wrapped(_Orig(1213, "Deadlock found")), "mysql", True),
        (_wrapped(_Orig(2013, "Lost connection")), "mysql", True),
        (_wrapped(_Orig(1045, "Access denied")), "mysql", False),
        (_wrapped(_Orig("database is locked")), "sqlite", True),
        (_wrapped(_Orig("no such table: trials")), "sqlite", False),
        (ValueError("not a database error"), "postgresql", False),
    ],
)
def test_transient_errors_are_told_apart(error: Exception, dialect: str, expected: bool) -> None:
    assert is_transient(error, dialect) is expected


def test_backoff_gives_up_when_its_budget_is_spent() -> None:
    backoff = Backoff(budget=0.05, base=0.01, cap=0.02)
    started = time.monotonic()
    while backoff.wait():
        pass
    assert 0.04 <= time.monotonic() - started < 1.0
    assert backoff.attempt >= 2
