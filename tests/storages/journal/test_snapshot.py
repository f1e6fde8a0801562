"""Snapshots: a new process loads the snapshot and replays only the tail; a stale one is ignored loudly."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest
from conftest import MemoryJournalBackend

from pyhpo.distributions import CategoricalDistribution, FloatDistribution
from pyhpo.storages.journal._snapshot import SNAPSHOT_VERSION
from pyhpo.storages.journal._storage import JournalStorage
from pyhpo.study._study_direction import StudyDirection
from pyhpo.trial import TrialState


class FileLikeBackend(MemoryJournalBackend):
    """A memory journal that claims a file path, so snapshots go beside it; counts bytes read."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.file_path = str(path)
        self.bytes_read = 0

    def read_chunk(self, cursor: int) -> tuple[bytes, int]:
        data, next_cursor = super().read_chunk(cursor)
        self.bytes_read += len(data)
        return data, next_cursor


@pytest.fixture
def backend(tmp_path: Path) -> FileLikeBackend:
    return FileLikeBackend(tmp_path / "journal.log")


def _fill(storage: JournalStorage, study_name: str, n: int) -> int:
    study_id = storage.create_new_study([StudyDirection.MINIMIZE], study_name)
    storage.set_study_user_attr(study_id, "k", [1])
    for i in range(n):
        trial_id = storage.create_new_trial(study_id)
        storage.set_trial_param(trial_id, "x", i / n, FloatDistribution(0, 1))
        storage.set_trial_param(trial_id, "c", i % 2, CategoricalDistribution(["a", "b"]))
        storage.set_trial_intermediate_value(trial_id, 2, float(i))
        storage.set_trial_user_attr(trial_id, "u", {"i": i})
        if i % 3:
            storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [float(i)])
    return study_id


def _state(storage: JournalStorage) -> list:
    return [(study, storage.get_all_trials(study._study_id)) for study in storage.get_all_studies()]


def test_new_storage_loads_the_snapshot_and_reads_only_the_tail(backend: FileLikeBackend) -> None:
    writer = JournalStorage(backend)
    study_id = _fill(writer, "s", 12)
    path = writer.write_snapshot()
    assert path == backend.file_path + ".snapshot"
    snapshot_end = len(backend.buffer)
    trial_id = writer.create_new_trial(study_id)
    writer.set_trial_param(trial_id, "x", 0.5, FloatDistribution(0, 1))
    backend.bytes_read = 0
    reader = JournalStorage(backend)
    # The tail, plus (for the content check) the last line before the snapshot and the tail once more.
    tail = len(backend.buffer) - snapshot_end
    last_line = snapshot_end - (backend.buffer.rfind(b"\n", 0, snapshot_end - 1) + 1)
    assert tail <= backend.bytes_read <= 2 * tail + last_line < len(backend.buffer) // 4
    assert _state(reader) == _state(writer)
    # Conflict checks work across the snapshot boundary (the parameter reference survived).
    with pytest.raises(ValueError):
        reader.set_trial_param(trial_id, "c", 0, FloatDistribution(0, 1))
    assert reader.create_new_trial(study_id) == trial_id + 1


def test_snapshot_is_versioned_json_and_leaves_no_temporary_files(backend: FileLikeBackend) -> None:
    storage = JournalStorage(backend)
    _fill(storage, "s", 3)
    path = Path(storage.write_snapshot())
    document = json.loads(path.read_text())
    assert document["format"] == "pyhpo-journal-snapshot"
    assert document["version"] == SNAPSHOT_VERSION
    assert document["journal"]["cursor"] == len(backend.buffer)
    assert sorted(os.listdir(path.parent)) == ["journal.log.snapshot"]


def test_snapshot_of_another_journal_is_ignored_with_a_warning(
    backend: FileLikeBackend, caplog: pytest.LogCaptureFixture
) -> None:
    storage = JournalStorage(backend)
    _fill(storage, "old", 4)
    storage.write_snapshot()
    # The journal is replaced by a different one of the same length or longer.
    other = MemoryJournalBackend()
    _fill(JournalStorage(other), "new", 6)
    backend.buffer = other.buffer
    with caplog.at_level(logging.WARNING):
        reloaded = JournalStorage(backend)
    assert "does not match the journal" in caplog.text
    assert [s.study_name for s in reloaded.get_all_studies()] == ["new"]
    assert len(reloaded.get_all_trials(0)) == 6


def test_snapshot_of_a_truncated_journal_is_ignored(
    backend: FileLikeBackend, caplog: pytest.LogCaptureFixture
) -> None:
    storage = JournalStorage(backend)
    _fill(storage, "s", 4)
    storage.write_snapshot()
    del backend.buffer[len(backend.buffer) // 2 :]
    backend.buffer[:] = backend.buffer[: backend.buffer.rfind(b"\n") + 1]
    with caplog.at_level(logging.WARNING):
        JournalStorage(backend)
    assert "Ignoring journal snapshot" in caplog.text


@pytest.mark.parametrize(
    "content, message",
    [
        (b"not json", "not a valid snapshot"),
        (b'{"format": "something-else"}', "not a pyhpo journal snapshot"),
        (b'{"format": "pyhpo-journal-snapshot", "version": 99}', "unknown snapshot version 99"),
        (b'{"format": "pyhpo-journal-snapshot", "version": 1}', "not a valid snapshot"),
    ],
)
def test_unreadable_snapshot_is_ignored_with_a_warning(
    backend: FileLikeBackend, caplog: pytest.LogCaptureFixture, content: bytes, message: str
) -> None:
    storage = JournalStorage(backend)
    _fill(storage, "s", 2)
    Path(backend.file_path + ".snapshot").write_bytes(content)
    with caplog.at_level(logging.WARNING):
        reloaded = JournalStorage(backend)
    assert message in caplog.text
    assert _state(reloaded) == _state(storage)


def test_snapshots_are_written_automatically_every_n_records(backend: FileLikeBackend) -> None:
    storage = JournalStorage(backend, snapshot_interval=20)
    _fill(storage, "s", 10)
    path = Path(backend.file_path + ".snapshot")
    assert path.exists()
    cursor = json.loads(path.read_text())["journal"]["cursor"]
    assert 0 < cursor <= len(backend.buffer)
    assert _state(JournalStorage(backend)) == _state(storage)


def test_storage_without_a_file_path_needs_an_explicit_snapshot_path(tmp_path: Path) -> None:
    storage = JournalStorage(MemoryJournalBackend())
    with pytest.raises(ValueError, match="explicit path"):
        storage.write_snapshot()
    assert storage.write_snapshot(str(tmp_path / "x.snapshot")) == str(tmp_path / "x.snapshot")


def test_snapshot_beside_a_real_journal_file_with_a_deleted_study_and_a_waiting_trial(tmp_path: Path) -> None:
    from pyhpo.storages.journal import JournalFileBackend
    from pyhpo.trial import create_trial

    path = str(tmp_path / "journal.log")
    writer = JournalStorage(JournalFileBackend(path))
    gone = writer.create_new_study([StudyDirection.MINIMIZE], "gone")
    writer.create_new_trial(gone)
    writer.delete_study(gone)
    study_id = _fill(writer, "kept", 5)
    waiting = writer.create_new_trial(study_id, create_trial(state=TrialState.WAITING))
    assert writer.write_snapshot() == path + ".snapshot"
    reader = JournalStorage(JournalFileBackend(path))
    assert _state(reader) == _state(writer)
    assert reader.get_best_trial(study_id).number == writer.get_best_trial(study_id).number
    assert [t._trial_id for t in reader.get_all_trials(study_id, states=(TrialState.WAITING,))] == [waiting]
    assert reader.set_trial_state_values(waiting, TrialState.RUNNING)
    assert writer.get_trial(waiting).state == TrialState.RUNNING
    # Optuna knows nothing of the snapshot and still reads the journal itself.
    optuna = pytest.importorskip("optuna", reason="the optuna package is needed for interop checks")
    theirs = optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(path))
    assert [t.number for t in theirs.get_all_trials(study_id)] == [
        t.number for t in reader.get_all_trials(study_id)
    ]


def test_automatic_snapshots_need_a_backend_with_a_file_path() -> None:
    with pytest.raises(ValueError, match="snapshot_interval needs a backend with a file_path"):
        JournalStorage(MemoryJournalBackend(), snapshot_interval=10)
