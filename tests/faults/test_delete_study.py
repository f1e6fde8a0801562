"""Deleting a study while workers still run trials in it (issue 10, item 5).

Four worker processes ask, suggest, report and tell as fast as they can in one study while the main process
deletes it. The deletion must succeed and leave nothing behind; no raw SQLAlchemy error may reach anyone; each
worker must get a ``KeyError`` ("Record does not exist.", what Optuna's RDBStorage raises for a missing record); other
studies are untouched. Several rounds per database, so the deletion meets writers at different moments. The
journal runs the same scenario (its conflicts are settled at replay, and Optuna's journal words them the same).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING, Any

import pytest
import sqlalchemy

import pyhpo
from pyhpo.storages import RDBStorage
from pyhpo.trial import TrialState
from tests.conftest import require_server_url
from tests.storages.rdb.dbutil import temporary_database

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

WORKERS = 4
ROUNDS = 4
TRIALS_BEFORE_DELETE = 12  # per round: the deletion happens while trials keep coming
WORKER_DEADLINE = 120.0


def _victim(round_number: int) -> str:
    return f"victim-{round_number}"


def _work_until_deleted(url: str) -> list[tuple[str, str, str]]:
    """Run trials in each victim study until it is deleted under us; return (class, module, message) per round.

    A round whose study was already gone when we got to it counts too: the error must be just as clear.
    """
    pyhpo.logging.set_verbosity(pyhpo.logging.ERROR)
    storage = _open(url)
    seen: list[tuple[str, str, str]] = []
    deadline = time.monotonic() + WORKER_DEADLINE
    for round_number in range(ROUNDS):
        try:
            study = pyhpo.load_study(study_name=_victim(round_number), storage=storage)
            while time.monotonic() < deadline:
                trial = study.ask()
                x = trial.suggest_float("x", -1.0, 1.0)
                trial.report(x, 0)
                trial.set_user_attr("worker", "alive")
                study.tell(trial, x * x)
            seen.append(("Timeout", "", f"study {_victim(round_number)} was never deleted"))
            return seen
        except Exception as e:  # noqa: BLE001 - what reaches the user is what this test checks
            seen.append((type(e).__qualname__, type(e).__module__, "".join(traceback.format_exception(e))))
    if isinstance(storage, RDBStorage):
        storage.engine.dispose()
    return seen


def _open(url: str) -> Any:
    """A database URL, or the path of a journal file."""
    if url.endswith(".log"):
        from pyhpo.storages import JournalStorage
        from pyhpo.storages.journal import JournalFileBackend

        return JournalStorage(JournalFileBackend(url))
    return RDBStorage(url)


@contextlib.contextmanager
def _database(kind: str, tmp_path: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path}/delete.db"
        return
    if kind == "journal":
        yield str(tmp_path / "delete.log")
        return
    env = "PYHPO_TEST_POSTGRES_URL" if kind == "postgresql" else "PYHPO_TEST_MYSQL_URL"
    with temporary_database(require_server_url(env)) as url:
        yield url


def _orphans(storage: RDBStorage) -> dict[str, int]:
    """Rows whose study or trial no longer exists, per table."""
    counts = {}
    with storage.engine.connect() as conn:
        for table in ("trial_params", "trial_values", "trial_intermediate_values", "trial_user_attributes",
                      "trial_system_attributes", "trial_heartbeats"):  # fmt: skip
            counts[table] = conn.execute(sqlalchemy.text(
                f"SELECT COUNT(*) FROM {table} WHERE trial_id NOT IN (SELECT trial_id FROM trials)"
            )).scalar_one()  # fmt: skip
        for table in ("trials", "study_directions", "study_user_attributes", "study_system_attributes"):
            counts[table] = conn.execute(sqlalchemy.text(
                f"SELECT COUNT(*) FROM {table} WHERE study_id NOT IN (SELECT study_id FROM studies)"
            )).scalar_one()  # fmt: skip
    return {table: n for table, n in counts.items() if n}


@pytest.mark.parametrize("kind", ["postgresql", "mysql", "sqlite", "journal"])
def test_deleting_a_study_under_running_workers_gives_them_a_key_error_and_leaves_no_rows(
    kind: str, tmp_path: Path
) -> None:
    with _database(kind, tmp_path) as url:
        storage = _open(url)
        bystander = pyhpo.create_study(storage=storage, study_name="bystander")
        bystander.set_user_attr("kept", True)
        bystander.optimize(lambda t: t.suggest_float("y", 0.0, 1.0), n_trials=5)
        before = [(t.number, t.params, t.value) for t in bystander.get_trials()]
        victims = [pyhpo.create_study(storage=storage, study_name=_victim(r)) for r in range(ROUNDS)]

        with ProcessPoolExecutor(WORKERS, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = [pool.submit(_work_until_deleted, url) for _ in range(WORKERS)]
            for victim in victims:
                deadline = time.monotonic() + WORKER_DEADLINE
                while len(victim.get_trials(deepcopy=False)) < TRIALS_BEFORE_DELETE:
                    assert time.monotonic() < deadline, "the workers never got going"
                    assert not any(f.done() for f in futures), [f.result() for f in futures if f.done()]
                    time.sleep(0.02)
                storage.delete_study(victim._study_id)  # must not raise
            results = [f.result(timeout=WORKER_DEADLINE) for f in futures]

        for per_round in results:
            assert len(per_round) == ROUNDS, per_round
            for name, module, text in per_round:
                assert not module.startswith("sqlalchemy"), text
                assert name in ("KeyError",), text
                assert "Record does not exist." in text, text
        assert {s.study_name for s in pyhpo.get_all_study_summaries(storage)} == {"bystander"}
        if isinstance(storage, RDBStorage):
            assert _orphans(storage) == {}
        after = pyhpo.load_study(study_name="bystander", storage=storage)
        assert [(t.number, t.params, t.value) for t in after.get_trials()] == before
        assert after.user_attrs == {"kept": True}
        assert all(t.state == TrialState.COMPLETE for t in after.trials)
        if isinstance(storage, RDBStorage):
            storage.engine.dispose()


def test_deleting_a_missing_study_raises_key_error(tmp_path: Path) -> None:
    storage = RDBStorage(f"sqlite:///{tmp_path}/missing.db")
    with pytest.raises(KeyError, match="Record does not exist"):  # Optuna's RDBStorage wording
        storage.delete_study(7)


@pytest.mark.parametrize("kind", ["postgresql", "mysql"])
def test_threads_writing_one_attribute_at_once_never_see_an_integrity_error(
    kind: str, tmp_path: Path
) -> None:
    """Attributes and intermediate values are written UPDATE-then-INSERT; two writers that both find no row race
    on the INSERT. The loser must run again (its UPDATE then finds the row), not raise the unique violation."""
    import threading

    with _database(kind, tmp_path) as url:
        storage = RDBStorage(url)
        study_id = storage.create_new_study([pyhpo.study.StudyDirection.MINIMIZE], "attrs")
        trial_id = storage.create_new_trial(study_id)
        errors: list[BaseException] = []

        def write(value: int, key: str, step: int) -> None:
            try:
                storage.set_study_user_attr(study_id, key, value)
                storage.set_trial_user_attr(trial_id, key, value)
                storage.set_trial_intermediate_value(trial_id, step, float(value))
            except BaseException as e:  # noqa: BLE001 - collected and asserted on below
                errors.append(e)

        for step in range(20):
            threads = [threading.Thread(target=write, args=(i, f"k{step}", step)) for i in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        assert errors == []
        trial = storage.get_trial(trial_id)
        assert sorted(trial.user_attrs) == sorted(f"k{s}" for s in range(20))
        assert sorted(trial.intermediate_values) == list(range(20))
        storage.engine.dispose()
