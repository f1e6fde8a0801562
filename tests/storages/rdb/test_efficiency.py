"""Cost per call does not grow with the study: statements are counted, not timed."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Connection, event

from pyhpo.distributions import FloatDistribution
from pyhpo.exceptions import UpdateFinishedTrialError
from pyhpo.storages._rdb.storage import RDBStorage
from pyhpo.study._study_direction import StudyDirection
from pyhpo.trial import TrialState, create_trial

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

DIST = FloatDistribution(0.0, 1.0)


@contextmanager
def _count(storage: RDBStorage) -> Iterator[list[str]]:
    """Collect the SQL statements (not BEGIN/COMMIT) the storage runs inside the block."""
    seen: list[str] = []

    def listener(conn: object, cursor: object, statement: str, *args: object) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA")):
            seen.append(statement)

    engines = {storage.engine, storage._read_engine}  # PostgreSQL reads have an autocommit engine
    for engine in engines:
        event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", listener)


def _study(url: str, n_finished: int, name: str = "big") -> tuple[RDBStorage, int]:
    storage = RDBStorage(url)
    study_id = storage.create_new_study([StudyDirection.MINIMIZE], name)
    for i in range(n_finished):
        storage.create_new_trial(
            study_id,
            create_trial(
                params={"x": 0.5},
                distributions={"x": DIST},
                value=float(i),
                user_attrs={"i": i},
                intermediate_values={0: 1.0},
            ),
        )
    return storage, study_id


def _costs(url: str, n_finished: int) -> dict[str, int]:
    writer, study_id = _study(url, n_finished)
    reader = RDBStorage(url)
    costs: dict[str, int] = {}
    with _count(reader) as seen:
        assert len(reader.get_all_trials(study_id)) == n_finished
    costs["first read"] = len(seen)
    with _count(reader) as seen:
        reader.get_all_trials(study_id)
    costs["poll, nothing new"] = len(seen)
    with _count(writer) as seen:
        assert writer.get_all_trials(study_id, states=(TrialState.WAITING,)) == []
    costs["WAITING poll, none waiting"] = len(seen)
    with _count(writer) as seen:
        trial_id = writer.create_new_trial(study_id)
        writer.set_trial_param(trial_id, "x", 0.25, DIST)
        writer.set_trial_state_values(trial_id, TrialState.COMPLETE, [0.0])
    costs["create + param + finish"] = len(seen)
    with _count(reader) as seen:
        assert reader.get_all_trials(study_id)[-1].params == {"x": 0.25}
    costs["poll, one new"] = len(seen)
    with _count(reader) as seen:
        reader.get_best_trial(study_id)
        reader.get_n_trials(study_id, TrialState.COMPLETE)
        reader.get_trial(trial_id)
    costs["best + count + finished trial"] = len(seen)
    return costs


def test_statement_counts_do_not_depend_on_the_number_of_trials(tmp_path: Path) -> None:
    small = _costs(f"sqlite:///{tmp_path}/small.db", 3)
    large = _costs(f"sqlite:///{tmp_path}/large.db", 300)
    assert small == large
    assert large == {
        "first read": 3,  # study joined with trials, directions, all children in one UNION ALL
        "poll, nothing new": 1,
        "WAITING poll, none waiting": 1,  # what every ask polls for: the waiting trials alone
        # lock + last number + insert; first-distribution lookup (once per process) + insert-select;
        # conditional update + upsert of the values
        "create + param + finish": 7,
        "poll, one new": 2,
        "best + count + finished trial": 2,  # two polls; the finished trial comes from the cache
    }


def test_a_workers_own_running_trial_is_read_from_what_it_wrote(any_url: str) -> None:
    """The owner of a RUNNING trial reads it without a statement, and sees what a fresh reader sees."""
    import json
    import math

    from pyhpo.distributions import CategoricalDistribution, IntDistribution

    writer = RDBStorage(any_url)
    reader = RDBStorage(any_url)
    study_id = writer.create_new_study([StudyDirection.MINIMIZE])
    with _count(writer) as seen:
        trial_id = writer.create_new_trial(study_id)
        writer.set_trial_param(trial_id, "x", 0.25, DIST)
        writer.set_trial_param(trial_id, "n", 3.0, IntDistribution(1, 5))
        writer.set_trial_param(trial_id, "c", 1.0, CategoricalDistribution(["a", None, 2.5]))
        writer.set_trial_param(trial_id, "x", 0.75, DIST)  # a second value for a set name: the first stays
        writer.set_trial_user_attr(trial_id, "tuple", (1, [2, {"k": 3}]))
        writer.set_trial_system_attr(trial_id, "s", "v")
        writer.set_trial_intermediate_value(trial_id, 0, 0.5)
        writer.set_trial_intermediate_value(trial_id, 1, float("nan"))
        writer.set_trial_intermediate_value(trial_id, 0, -math.inf)
        before = len(seen)
        running = writer.get_trial(trial_id)
        assert writer.get_trial_number_from_id(trial_id) == 0
        assert len(seen) == before  # no statement: the copy the writes kept
    fresh = reader.get_trial(trial_id)
    assert json.dumps(running.user_attrs) == json.dumps(fresh.user_attrs) == '{"tuple": [1, [2, {"k": 3}]]}'
    assert running.params == fresh.params == {"x": 0.25, "n": 3, "c": None}
    assert running.intermediate_values[0] == -math.inf and math.isnan(running.intermediate_values[1])
    assert (running.datetime_start, running.system_attrs) == (fresh.datetime_start, fresh.system_attrs)
    assert running.distributions == fresh.distributions and running.state == fresh.state == TrialState.RUNNING

    running.user_attrs["tuple"][1].append("changed")  # the caller's copy, not the storage's
    assert writer.get_trial(trial_id).user_attrs == {"tuple": [1, [2, {"k": 3}]]}

    assert writer.set_trial_state_values(trial_id, TrialState.COMPLETE, [math.inf])
    with _count(writer) as seen:
        finished = writer.get_trial(trial_id)
    assert seen == []
    assert finished.values == [math.inf] and finished.state == TrialState.COMPLETE
    # What the writer answers from memory is what the database holds, to the microsecond.
    assert finished.datetime_complete == RDBStorage(any_url).get_trial(trial_id).datetime_complete
    assert str(finished) == str(RDBStorage(any_url).get_trial(trial_id))


def test_a_trial_finished_by_someone_else_is_no_longer_answered_from_memory(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/owned.db"
    owner, sweeper = RDBStorage(url), RDBStorage(url)
    study_id = owner.create_new_study([StudyDirection.MINIMIZE])
    trial_id = owner.create_new_trial(study_id)
    assert sweeper.set_trial_state_values(trial_id, TrialState.FAIL)  # e.g. a stale-heartbeat sweep
    with pytest.raises(UpdateFinishedTrialError):
        owner.set_trial_param(trial_id, "x", 0.5, DIST)
    assert owner.get_trial(trial_id).state == TrialState.FAIL


def test_the_waiting_poll_reads_only_the_waiting_trials(any_url: str) -> None:
    storage, study_id = _study(any_url, 0)
    other = RDBStorage(any_url)
    other.get_all_trials(study_id)
    waiting = [
        storage.create_new_trial(
            study_id, create_trial(state=TrialState.WAITING, params={"x": v}, distributions={"x": DIST})
        )
        for v in (0.25, 0.75)
    ]
    finished = storage.create_new_trial(
        study_id, create_trial(params={"x": 0.5}, distributions={"x": DIST}, value=1.0)
    )
    with _count(other) as seen:
        polled = other.get_all_trials(study_id, deepcopy=False, states=(TrialState.WAITING,))
    assert [(t._trial_id, t.number, t.state, t.params) for t in polled] == [
        (waiting[0], 0, TrialState.WAITING, {"x": 0.25}),
        (waiting[1], 1, TrialState.WAITING, {"x": 0.75}),
    ]
    assert len(seen) == 2  # the waiting trials, then their children; the finished trial was not read
    assert other.set_trial_state_values(waiting[0], TrialState.RUNNING)
    assert [t._trial_id for t in other.get_all_trials(study_id, states=[TrialState.WAITING])] == [waiting[1]]
    # The next full poll still finds everything the WAITING poll left unread.
    assert [t._trial_id for t in other.get_all_trials(study_id)] == [*waiting, finished]
    with pytest.raises(KeyError):
        other.get_all_trials(study_id + 1000, states=(TrialState.WAITING,))


def test_a_known_parameter_is_written_by_one_statement_outside_a_transaction(any_url: str) -> None:
    # Once this process knows the trial's study and the parameter's first distribution, the write is the
    # conditional INSERT alone; on a server it goes out on the autocommit engine (no BEGIN, no COMMIT).
    storage, study_id = _study(any_url, 0, name="known-parameter")  # (the server databases are the module's)
    storage.set_trial_param(storage.create_new_trial(study_id), "x", 0.5, DIST)  # learns x's distribution
    trial_id = storage.create_new_trial(study_id)
    ran: list[tuple[object, str]] = []
    commits: list[object] = []

    def on_execute(conn: Connection, cursor: object, statement: str, *args: object) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA")):
            ran.append((conn.engine, statement))

    def on_commit(conn: Connection) -> None:
        commits.append(conn.engine)

    listeners = [(storage.engine, "before_cursor_execute", on_execute), (storage.engine, "commit", on_commit)]
    if storage._read_engine is not storage.engine:
        listeners.append((storage._read_engine, "before_cursor_execute", on_execute))
    for target, name, fn in listeners:
        event.listen(target, name, fn)
    try:
        storage.set_trial_param(trial_id, "x", 0.25, DIST)
    finally:
        for target, name, fn in listeners:
            event.remove(target, name, fn)
    assert len(ran) == 1 and ran[0][1].lstrip().upper().startswith("INSERT"), ran
    if any_url.startswith("sqlite"):
        assert commits == [storage.engine]  # SQLite writes take the writer lock in a transaction
    else:
        assert ran[0][0] is storage._read_engine and storage._read_engine is not storage.engine
        assert commits == []
    assert RDBStorage(any_url).get_trial(trial_id).params == {"x": 0.25}

    # The same path keeps the first value of a parameter and refuses a trial someone else finished.
    storage.set_trial_param(trial_id, "x", 0.75, DIST)
    assert RDBStorage(any_url).get_trial(trial_id).params == {"x": 0.25}
    other = storage.create_new_trial(study_id)
    RDBStorage(any_url).set_trial_state_values(other, TrialState.FAIL)
    with pytest.raises(UpdateFinishedTrialError):
        storage.set_trial_param(other, "x", 0.5, DIST)


def test_the_per_trial_writes_compile_once() -> None:
    # An expanding parameter (IN over a list) is rendered into the SQL again at every execution, ~0.1 ms of CPU
    # each time; the statements every trial runs have none.
    from sqlalchemy.dialects import mysql, postgresql, sqlite

    from pyhpo.storages._rdb import _sql

    statements = [_sql.INSERT_PARAM_IF_UNFINISHED, _sql.TO_RUNNING, _sql.TO_UNFINISHED, _sql.TO_FINISHED]
    statements += list(_sql.TO_WITH_VALUES.values())
    for dialect in (postgresql.dialect(), mysql.dialect(), sqlite.dialect()):
        for statement in statements:
            compiled = statement.compile(dialect=dialect)
            assert not any(b.expanding for b in compiled.binds.values()), (dialect.name, str(compiled))
