"""A worker takes its own batch as read when the backend says nothing came between, and reads it otherwise."""

from __future__ import annotations

import pathlib

from pyhpo.storages.journal import JournalFileBackend, JournalStorage
from pyhpo.study._study_direction import StudyDirection
from pyhpo.trial import TrialState

MIN = [StudyDirection.MINIMIZE]


class CountingFileBackend(JournalFileBackend):
    bytes_read = 0

    def read_chunk(self, cursor: int) -> tuple[bytes, int]:
        data, next_cursor = super().read_chunk(cursor)
        self.bytes_read += len(data)
        return data, next_cursor


def test_a_lone_worker_never_reads_its_own_records_back(tmp_path: pathlib.Path) -> None:
    backend = CountingFileBackend(str(tmp_path / "journal.log"))
    storage = JournalStorage(backend)
    study_id = storage.create_new_study(MIN, "s")
    for _ in range(3):
        trial_id = storage.create_new_trial(study_id)
        storage.set_trial_user_attr(trial_id, "k", [1, 2])
        storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [1.0])
    assert backend.bytes_read == 0
    # What it replayed from memory is what the file holds: a fresh reader derives the same trials.
    fresh = JournalStorage(JournalFileBackend(str(tmp_path / "journal.log")))
    assert fresh.get_all_trials(study_id) == storage.get_all_trials(study_id)
    assert fresh._reader.position == storage._reader.position


def test_a_batch_after_someone_elses_is_read_with_it(tmp_path: pathlib.Path) -> None:
    path = str(tmp_path / "journal.log")
    a_backend = CountingFileBackend(path)
    a = JournalStorage(a_backend)
    b = JournalStorage(JournalFileBackend(path))
    study_id = a.create_new_study(MIN, "s")
    b_trial = b.create_new_trial(study_id)  # appended after a's last read
    a_trial = a.create_new_trial(study_id)
    assert a_backend.bytes_read > 0
    assert (b_trial, a_trial) == (0, 1)
    assert [t.number for t in a.get_all_trials(study_id)] == [0, 1]
