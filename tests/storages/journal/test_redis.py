"""JournalRedisBackend on a real Redis server (PYHPO_TEST_REDIS_URL), including interop with Optuna's."""

from __future__ import annotations

import json
import os
import uuid
from typing import TYPE_CHECKING

import pytest

from pyhpo.exceptions import JournalCorruptionError
from pyhpo.storages.journal import JournalRedisBackend
from pyhpo.storages.journal._storage import JournalStorage
from pyhpo.study._study_direction import StudyDirection
from pyhpo.trial import TrialState

if TYPE_CHECKING:
    from collections.abc import Iterator

redis = pytest.importorskip("redis", reason="the redis package is needed for JournalRedisBackend")


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("PYHPO_TEST_REDIS_URL")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("PYHPO_TEST_REDIS_URL must be set when CI=true.")
        pytest.skip("PYHPO_TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379/0).")
    return url


@pytest.fixture
def prefix(redis_url: str) -> Iterator[str]:
    """A key prefix of this test's own; its keys are deleted afterwards (nothing else is touched)."""
    name = f"pyhpo-test-{uuid.uuid4().hex}"
    yield name
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{name}:*"))
    if keys:
        client.delete(*keys)


def test_batches_append_atomically_and_read_back_by_record_index(redis_url: str, prefix: str) -> None:
    backend = JournalRedisBackend(redis_url, prefix=prefix)
    assert backend.read_chunk(0) == (b"", 0)
    backend.append_chunk(b'{"a":1}\n{"a":2}\n')
    backend.append_chunk(b'{"a":3}\n')
    data, cursor = backend.read_chunk(0)
    assert (data, cursor) == (b'{"a":1}\n{"a":2}\n{"a":3}\n', 3)
    assert backend.read_chunk(cursor) == (b"", 3)
    assert backend.read_chunk(2) == (b'{"a":3}\n', 3)
    assert list(backend.read_logs(1)) == [{"a": 2}, {"a": 3}]
    with pytest.raises(ValueError, match="complete lines"):
        backend.append_chunk(b'{"a":4}')


def test_storage_over_redis_replays_like_any_backend(redis_url: str, prefix: str) -> None:
    a = JournalStorage(JournalRedisBackend(redis_url, prefix=prefix))
    b = JournalStorage(JournalRedisBackend(redis_url, prefix=prefix))
    study_id = a.create_new_study([StudyDirection.MINIMIZE], "r")
    ids = [a.create_new_trial(study_id), b.create_new_trial(study_id)]
    assert ids == [0, 1]
    a.set_trial_state_values(0, TrialState.COMPLETE, [2.0])
    assert b.get_trial(0).values == [2.0]
    assert [t.number for t in b.get_all_trials(study_id)] == [0, 1]


@pytest.mark.interop("Redis journal (key layout, records)")
@pytest.mark.filterwarnings("ignore:JournalRedisBackend is experimental")
def test_journal_in_redis_is_shared_with_optuna_both_ways(redis_url: str, prefix: str) -> None:
    optuna = pytest.importorskip("optuna", reason="the optuna package is needed for interop tests")
    theirs = optuna.storages.JournalStorage(
        optuna.storages.journal.JournalRedisBackend(redis_url, prefix=prefix)
    )
    ours = JournalStorage(JournalRedisBackend(redis_url, prefix=prefix))
    study_id = theirs.create_new_study([optuna.study.StudyDirection.MAXIMIZE], "mixed")
    t0 = theirs.create_new_trial(study_id)
    t1 = ours.create_new_trial(study_id)
    theirs.set_trial_state_values(t1, optuna.trial.TrialState.COMPLETE, [1.0])
    ours.set_trial_state_values(t0, TrialState.COMPLETE, [3.0])
    for storage in (theirs, ours):
        trials = storage.get_all_trials(study_id)
        assert [(t.number, int(t.state), t.values) for t in trials] == [(0, 1, [3.0]), (1, 1, [1.0])]


def test_corrupt_record_names_its_record_index(redis_url: str, prefix: str) -> None:
    backend = JournalRedisBackend(redis_url, prefix=prefix)
    backend.append_chunk(json.dumps({"op_code": 10}).encode() + b"\n" + b"{not json\n")
    with pytest.raises(JournalCorruptionError) as info:
        JournalStorage(backend)
    assert (info.value.offset, info.value.line_number) == (1, 2)
    assert prefix in info.value.path


def test_pickled_backend_reconnects(redis_url: str, prefix: str) -> None:
    import pickle

    backend = JournalRedisBackend(redis_url, prefix=prefix)
    backend.append_chunk(b'{"a":1}\n')
    clone = pickle.loads(pickle.dumps(backend))
    assert clone.read_chunk(0) == (b'{"a":1}\n', 1)


def test_cluster_mode_writes_with_plain_commands_and_reads_the_same(redis_url: str, prefix: str) -> None:
    # A standalone server accepts the per-key commands the cluster mode uses, so the path can be tested here.
    clustered = JournalRedisBackend(redis_url, use_cluster=True, prefix=prefix)
    clustered.append_chunk(b'{"a":1}\n{"a":2}\n')
    plain = JournalRedisBackend(redis_url, prefix=prefix)
    plain.append_chunk(b'{"a":3}\n')
    assert clustered.read_chunk(0) == plain.read_chunk(0) == (b'{"a":1}\n{"a":2}\n{"a":3}\n', 3)
    assert clustered.read_chunk(3) == (b"", 3)


def test_bad_url_is_refused_with_the_value() -> None:
    with pytest.raises(ValueError, match="redis://"):
        JournalRedisBackend("")
