"""JournalRedisBackend's one-round-trip paths: an append that reads what came before it, the storage's use of it,
its own connection (fork, NOSCRIPT, a dropped connection). Runs on the server in PYHPO_TEST_REDIS_URL."""

from __future__ import annotations

import multiprocessing
import threading
import uuid
from typing import TYPE_CHECKING

import pytest

from pyhpo.exceptions import JournalCorruptionError, UpdateFinishedTrialError
from pyhpo.storages.journal import JournalRedisBackend
from pyhpo.storages.journal import _redis as redis_backend_module
from pyhpo.storages.journal._storage import JournalStorage
from pyhpo.study._study_direction import StudyDirection
from pyhpo.trial import TrialState, create_trial
from tests.conftest import require_server_url

if TYPE_CHECKING:
    from collections.abc import Iterator

redis = pytest.importorskip("redis", reason="the redis package is needed for JournalRedisBackend")

MIN = [StudyDirection.MINIMIZE]


@pytest.fixture
def url() -> str:
    return require_server_url("PYHPO_TEST_REDIS_URL")


@pytest.fixture
def prefix(url: str) -> Iterator[str]:
    """A key prefix of this test's own; its keys are deleted afterwards (nothing else is touched)."""
    name = f"pyhpo-test-rt-{uuid.uuid4().hex}"
    yield name
    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"{name}:*"))
    if keys:
        client.delete(*keys)


class CountingRedisBackend(JournalRedisBackend):
    """Counts reads (``read_chunk`` goes through ``read_chunk_to_end``)."""

    reads = 0

    def read_chunk_to_end(self, cursor: int) -> tuple[bytes, int, bool]:
        self.reads += 1
        return super().read_chunk_to_end(cursor)


def test_append_returns_what_others_appended_since_the_cursor_and_the_batch_span(
    url: str, prefix: str
) -> None:
    mine = JournalRedisBackend(url, prefix=prefix)
    other = JournalRedisBackend(url, prefix=prefix)
    assert mine.append_and_read_chunk(b'{"a":0}\n', 0) == (b"", (0, 1))
    other.append_chunk(b'{"b":1}\n{"b":2}\n')
    assert mine.append_and_read_chunk(b'{"a":3}\n{"a":4}\n', 1) == (b'{"b":1}\n{"b":2}\n', (3, 5))
    assert mine.append_and_read_chunk(b'{"a":5}\n', 5) == (b"", (5, 6))
    assert mine.read_chunk(0) == (b'{"a":0}\n{"b":1}\n{"b":2}\n{"a":3}\n{"a":4}\n{"a":5}\n', 6)
    with pytest.raises(ValueError, match="complete lines"):
        mine.append_and_read_chunk(b'{"a":6}', 6)
    with pytest.raises(ValueError, match="-1"):
        mine.append_and_read_chunk(b'{"a":6}\n', -1)


def test_append_over_a_missing_record_reads_nothing_and_the_reader_reports_the_gap(
    url: str, prefix: str
) -> None:
    backend = JournalRedisBackend(url, prefix=prefix)
    backend.append_chunk(b'{"a":0}\n{"a":1}\n{"a":2}\n')
    redis.Redis.from_url(url).delete(f"{prefix}:log:1")
    assert backend.append_and_read_chunk(b'{"a":3}\n', 0) == (b"", (3, 4))
    assert backend.read_chunk(0) == (b'{"a":0}\n', 1)
    with pytest.raises(JournalCorruptionError, match="record 1 is missing"):
        backend.read_chunk(1)


def test_a_write_takes_in_others_records_without_a_read_of_its_own(url: str, prefix: str) -> None:
    backend = CountingRedisBackend(url, prefix=prefix)
    a = JournalStorage(backend)
    b = JournalStorage(JournalRedisBackend(url, prefix=prefix))
    study_id = b.create_new_study(MIN, "s")
    b.create_new_trial(study_id)
    reads = backend.reads
    assert a.create_new_trial(study_id) == 1  # b's study and trial came back with the append
    assert backend.reads == reads
    assert [t.number for t in a.get_all_trials(study_id)] == [0, 1]
    fresh = JournalStorage(JournalRedisBackend(url, prefix=prefix))
    assert fresh.get_all_trials(study_id) == a.get_all_trials(study_id)
    assert fresh._reader.position == a._reader.position


def test_a_read_that_reaches_the_end_is_not_followed_by_one_that_finds_nothing(url: str, prefix: str) -> None:
    backend = CountingRedisBackend(url, prefix=prefix)
    a = JournalStorage(backend)
    b = JournalStorage(JournalRedisBackend(url, prefix=prefix))
    study_id = b.create_new_study(MIN, "s")
    b.create_new_trial(study_id)
    reads = backend.reads
    assert [t.number for t in a.get_all_trials(study_id)] == [0]
    assert backend.reads == reads + 1
    assert backend.read_chunk_to_end(0) == (backend.read_chunk(0)[0], 2, True)
    assert backend.read_chunk_to_end(2) == (b"", 2, True)


def test_a_read_that_stops_short_of_the_end_reads_on(
    url: str, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(redis_backend_module, "_READ_BATCH_ARG", b"2")
    backend = CountingRedisBackend(url, prefix=prefix)
    a = JournalStorage(backend)
    b = JournalStorage(JournalRedisBackend(url, prefix=prefix))
    study_id = b.create_new_study(MIN, "s")
    for _ in range(4):
        b.create_new_trial(study_id)
    assert backend.read_chunk_to_end(0)[1:] == (2, False)
    reads = backend.reads
    assert [t.number for t in a.get_all_trials(study_id)] == [0, 1, 2, 3]
    # Records 0-1 (not the end), then the reader's own loop: 2-3, 4, and the read that finds nothing more.
    assert backend.reads == reads + 4


def test_finishing_a_trial_reads_only_the_write(url: str, prefix: str) -> None:
    backend = CountingRedisBackend(url, prefix=prefix)
    storage = JournalStorage(backend)
    study_id = storage.create_new_study(MIN, "s")
    trial_id = storage.create_new_trial(study_id)
    reads = backend.reads
    assert storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [1.0])
    assert backend.reads == reads
    with pytest.raises(UpdateFinishedTrialError):
        storage.set_trial_state_values(trial_id, TrialState.FAIL)
    assert backend.reads == reads


def test_finishing_a_trial_someone_else_finished_meanwhile_raises_and_changes_nothing(
    url: str, prefix: str
) -> None:
    a = JournalStorage(JournalRedisBackend(url, prefix=prefix))
    b = JournalStorage(JournalRedisBackend(url, prefix=prefix))
    study_id = a.create_new_study(MIN, "s")
    trial_id = a.create_new_trial(study_id)
    b.get_trial(trial_id)
    a.set_trial_state_values(trial_id, TrialState.COMPLETE, [1.0])
    with pytest.raises(UpdateFinishedTrialError, match="Trial#0 has already finished"):
        b.set_trial_state_values(trial_id, TrialState.FAIL)
    for storage in (a, b, JournalStorage(JournalRedisBackend(url, prefix=prefix))):
        trial = storage.get_trial(trial_id)
        assert (trial.state, trial.values) == (TrialState.COMPLETE, [1.0])


def test_a_trial_created_elsewhere_and_not_read_yet_can_be_finished(url: str, prefix: str) -> None:
    a = JournalStorage(JournalRedisBackend(url, prefix=prefix))
    b = JournalStorage(JournalRedisBackend(url, prefix=prefix))
    study_id = a.create_new_study(MIN, "s")
    b.get_all_studies()
    trial_id = a.create_new_trial(study_id)
    assert b.set_trial_state_values(trial_id, TrialState.COMPLETE, [2.0])
    # a owns the trial, so its get_trial may answer from its own copy (the ownership rule); a read shows it.
    assert [t.values for t in a.get_all_trials(study_id)] == [[2.0]]
    assert a.get_trial(trial_id).values == [2.0]


def test_starting_a_waiting_trial_someone_else_started_returns_false(url: str, prefix: str) -> None:
    a = JournalStorage(JournalRedisBackend(url, prefix=prefix))
    b = JournalStorage(JournalRedisBackend(url, prefix=prefix))
    study_id = a.create_new_study(MIN, "s")
    waiting = a.create_new_trial(study_id, create_trial(state=TrialState.WAITING))
    b.get_trial(waiting)
    assert a.set_trial_state_values(waiting, TrialState.RUNNING)
    assert not b.set_trial_state_values(waiting, TrialState.RUNNING)


def _append_in_child(backend: JournalRedisBackend, record: bytes) -> None:
    backend.append_chunk(record)
    backend.read_chunk(0)


def test_a_forked_child_talks_on_a_connection_of_its_own(url: str, prefix: str) -> None:
    backend = JournalRedisBackend(url, prefix=prefix)
    backend.append_chunk(b'{"a":0}\n')  # the parent's connection is open when the child is forked
    child = multiprocessing.get_context("fork").Process(target=_append_in_child, args=(backend, b'{"a":1}\n'))
    child.start()
    child.join(30)
    assert child.exitcode == 0
    assert backend.append_and_read_chunk(b'{"a":2}\n', 1) == (b'{"a":1}\n', (2, 3))
    assert backend.read_chunk(0) == (b'{"a":0}\n{"a":1}\n{"a":2}\n', 3)


def test_a_script_the_server_does_not_know_is_loaded_and_sent_again(url: str, prefix: str) -> None:
    backend = JournalRedisBackend(url, prefix=prefix)
    backend.append_chunk(b'{"a":0}\n')
    real = backend._read_script.sha
    backend._read_script.sha = "0" * 40  # what a restarted server's empty script cache answers: NOSCRIPT
    assert backend.read_chunk(0) == (b'{"a":0}\n', 1)
    assert backend._read_script.sha == real


def test_a_dropped_connection_falls_back_to_the_client_and_appends_once(url: str, prefix: str) -> None:
    backend = JournalRedisBackend(url, prefix=prefix)
    backend.append_chunk(b'{"a":0}\n')
    client = redis.Redis.from_url(url)
    address = "{}:{}".format(*backend._connection._sock.getsockname()[:2])
    assert client.client_kill_filter(_id=None, addr=address) == 1  # as a server restart or a proxy would
    assert backend.append_and_read_chunk(b'{"a":1}\n', 1) == (b"", (1, 2))
    assert backend.read_chunk(0) == (b'{"a":0}\n{"a":1}\n', 2)


def _lose_next_reply(backend: JournalRedisBackend) -> None:
    """The server runs the next script, but its reply is lost: the connection drops before it is read."""
    connection = backend._connection
    assert connection is not None
    read_response = connection.read_response

    def lost(*args: object, **kwargs: object) -> object:
        read_response(*args, **kwargs)  # the server did the work...
        connection.read_response = read_response
        raise redis.exceptions.ConnectionError("connection reset before the reply was read")

    connection.read_response = lost


@pytest.mark.parametrize("with_read", [True, False], ids=["append-and-read", "append"])
def test_an_append_resent_after_its_reply_was_lost_is_applied_once(
    url: str, prefix: str, with_read: bool
) -> None:
    backend = JournalRedisBackend(url, prefix=prefix)
    other = JournalRedisBackend(url, prefix=prefix)
    backend.append_chunk(b'{"a":0}\n')
    other.append_chunk(b'{"b":1}\n')
    _lose_next_reply(backend)
    if with_read:
        assert backend.append_and_read_chunk(b'{"a":2}\n{"a":3}\n', 1) == (b'{"b":1}\n', (2, 4))
    else:
        assert backend.append_chunk(b'{"a":2}\n{"a":3}\n') == (2, 4)
    data, cursor = other.read_chunk(0)
    assert (data, cursor) == (b'{"a":0}\n{"b":1}\n{"a":2}\n{"a":3}\n', 4)  # not twice
    assert backend.append_chunk(b'{"a":4}\n') == (4, 5)  # the next call is a new batch


def test_a_trial_finished_while_its_reply_was_lost_is_finished_once_without_an_error(
    url: str, prefix: str
) -> None:
    storage = JournalStorage(JournalRedisBackend(url, prefix=prefix))
    study_id = storage.create_new_study(MIN, "s")
    trial_id = storage.create_new_trial(study_id)
    _lose_next_reply(storage._backend)
    assert storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [1.0])
    fresh = JournalStorage(JournalRedisBackend(url, prefix=prefix))
    assert [(t.state, t.values) for t in fresh.get_all_trials(study_id)] == [(TrialState.COMPLETE, [1.0])]
    assert fresh._reader.position == storage._reader.position


def test_writers_in_two_threads_and_a_forked_child_have_their_own_writer_keys(url: str, prefix: str) -> None:
    backend = JournalRedisBackend(url, prefix=prefix)
    keys = {backend._once_args()[0]}
    thread = threading.Thread(target=lambda: keys.add(backend._once_args()[0]))
    thread.start()
    thread.join()
    backend._after_fork_in_child()
    keys.add(backend._once_args()[0])
    assert len(keys) == 3
    assert all(key.startswith(f"{prefix}:".encode()) for key in keys)  # cleaned up with the journal's keys
