"""Fault injection on a Redis journal (issue 10, item 2): a lost record key is corruption, not a shorter log.

Runs against the server in PYHPO_TEST_REDIS_URL; every test works under a key prefix of its own and deletes
only its own keys.
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import TYPE_CHECKING, Any

import pytest

import pyhpo
from pyhpo.exceptions import JournalCorruptionError
from pyhpo.storages import JournalStorage
from pyhpo.storages.journal import JournalRedisBackend
from pyhpo.storages.journal import _redis as redis_backend_module
from tests.conftest import require_server_url

if TYPE_CHECKING:
    from collections.abc import Iterator

redis = pytest.importorskip("redis", reason="the redis package is needed for JournalRedisBackend")


@pytest.fixture
def url() -> str:
    return require_server_url("PYHPO_TEST_REDIS_URL")


@pytest.fixture
def prefix(url: str) -> Iterator[str]:
    name = f"pyhpo-faults-{uuid.uuid4().hex}"
    yield name
    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"{name}:*"))
    if keys:
        client.delete(*keys)


def keys_and_values(client: Any, prefix: str) -> dict[bytes, bytes]:
    return {key: client.get(key) for key in client.scan_iter(match=f"{prefix}:*")}


def five_trials(url: str, prefix: str) -> int:
    """Write a study with five finished trials; return the number of the last record."""
    pyhpo.logging.set_verbosity(pyhpo.logging.WARNING)
    study = pyhpo.create_study(
        storage=JournalStorage(JournalRedisBackend(url, prefix=prefix)), study_name="s"
    )
    study.optimize(lambda trial: trial.suggest_float("x", 0, 1), n_trials=5)
    client = redis.Redis.from_url(url)
    return int(client.get(f"{prefix}:log_number"))


def test_missing_record_key_is_reported_with_index_key_and_what_follows_not_read_as_a_shorter_log(
    url: str, prefix: str
) -> None:
    last = five_trials(url, prefix)
    client = redis.Redis.from_url(url)
    client.delete(f"{prefix}:log:6")
    before = keys_and_values(client, prefix)
    with pytest.raises(JournalCorruptionError) as info:
        pyhpo.load_study(study_name="s", storage=JournalStorage(JournalRedisBackend(url, prefix=prefix)))
    error = info.value
    assert (error.offset, error.line_number) == (6, 7)
    assert prefix in error.path
    assert f"record 6 is missing: the key '{prefix}:log:6' does not exist" in error.reason
    assert f"says records 0..{last} were written" in error.reason
    assert (
        f"{last - 6} of the {last - 6} records after it (7..{last}) exist, the first at index 7"
        in error.reason
    )
    # A writer meets the same error before it writes anything: no record lands behind the gap.
    with pytest.raises(JournalCorruptionError, match="record 6 is missing"):
        pyhpo.create_study(storage=JournalStorage(JournalRedisBackend(url, prefix=prefix)), study_name="t")
    assert keys_and_values(client, prefix) == before


def test_a_reported_gap_is_reported_again_at_once_and_a_restored_key_reads_on(url: str, prefix: str) -> None:
    five_trials(url, prefix)
    client = redis.Redis.from_url(url)
    record = client.get(f"{prefix}:log:6")
    client.delete(f"{prefix}:log:6")
    backend = JournalRedisBackend(url, prefix=prefix)
    _, cursor = backend.read_chunk(0)
    for _ in range(2):
        started = time.monotonic()
        with pytest.raises(JournalCorruptionError, match="record 6 is missing"):
            backend.read_chunk(cursor)
    assert time.monotonic() - started < 0.3  # the recheck for a slow writer is spent once per gap
    client.set(f"{prefix}:log:6", record)
    data, _ = backend.read_chunk(cursor)
    assert data.startswith(record + b"\n")


def test_missing_keys_in_a_row_name_the_first_and_count_the_rest(url: str, prefix: str) -> None:
    last = five_trials(url, prefix)
    client = redis.Redis.from_url(url)
    client.delete(f"{prefix}:log:3", f"{prefix}:log:4", f"{prefix}:log:{last}")
    backend = JournalRedisBackend(url, prefix=prefix)
    data, cursor = backend.read_chunk(0)
    assert cursor == 3 and data.count(b"\n") == 3  # the records before the gap are returned as they are
    with pytest.raises(JournalCorruptionError) as info:
        backend.read_chunk(cursor)
    assert info.value.offset == 3
    assert f"{last - 3 - 2} of the {last - 3} records after it (4..{last}) exist, the first at index 5" in (
        info.value.reason
    )


def test_missing_last_record_key_is_reported_too(url: str, prefix: str) -> None:
    last = five_trials(url, prefix)
    client = redis.Redis.from_url(url)
    client.delete(f"{prefix}:log:{last}")
    with pytest.raises(JournalCorruptionError, match=f"record {last} is missing.*it is the last record"):
        JournalStorage(JournalRedisBackend(url, prefix=prefix))


def test_deleted_log_number_is_reported_to_a_reader_that_read_past_it(url: str, prefix: str) -> None:
    backend = JournalRedisBackend(url, prefix=prefix)
    backend.append_chunk(b'{"op_code":10}\n{"op_code":10}\n')
    _, cursor = backend.read_chunk(0)
    redis.Redis.from_url(url).delete(f"{prefix}:log_number")
    with pytest.raises(JournalCorruptionError, match="says the last record is -1, but records up to 1"):
        backend.read_chunk(cursor)


def test_gap_left_for_a_moment_by_a_cluster_mode_writer_is_waited_out_on_one_server(
    url: str, prefix: str
) -> None:
    # A writer using the cluster path on a standalone server reserves the number, then sets the record.
    backend = JournalRedisBackend(url, prefix=prefix)
    client = redis.Redis.from_url(url)
    client.set(f"{prefix}:log_number", 0)
    timer = threading.Timer(0.1, client.set, args=(f"{prefix}:log:0", b'{"op_code":10}'))
    timer.start()
    try:
        assert backend.read_chunk(0) == (b'{"op_code":10}\n', 1)
    finally:
        timer.join()


def test_cluster_mode_waits_for_a_reserved_record_then_reports_a_gap_that_stays(
    url: str, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(redis_backend_module, "_CLUSTER_GAP_GRACE", 0.3)
    backend = JournalRedisBackend(url, use_cluster=True, prefix=prefix)
    backend.append_chunk(b'{"op_code":10}\n')
    client = redis.Redis.from_url(url)
    client.incrby(f"{prefix}:log_number", 2)  # records 1 and 2 reserved; only 2 is ever written
    client.set(f"{prefix}:log:2", b'{"op_code":10}')
    assert backend.read_chunk(0) == (b'{"op_code":10}\n', 1)
    assert backend.read_chunk(1) == (b"", 1)  # within the grace period: a writer may still be at work
    time.sleep(0.4)
    with pytest.raises(JournalCorruptionError, match="record 1 is missing.*1 of the 1 records after it"):
        backend.read_chunk(1)


def test_error_messages_do_not_carry_the_password_of_the_url() -> None:
    backend = JournalRedisBackend("redis://user:s3cret@127.0.0.1:6379/0", prefix="p")
    assert "s3cret" not in backend._journal_location()
    assert "redis://user:***@127.0.0.1:6379/0" in backend._journal_location()
