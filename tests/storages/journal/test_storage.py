"""JournalStorage over an in-process backend: replay, conflicts, batching, incremental reads, corruption."""

from __future__ import annotations

import json
import os
import pickle
import threading
from typing import Any

import pytest
from conftest import MemoryJournalBackend

from pyhpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from pyhpo.exceptions import DuplicatedStudyError, JournalCorruptionError, UpdateFinishedTrialError
from pyhpo.storages.journal._storage import JournalStorage
from pyhpo.study._study_direction import StudyDirection
from pyhpo.trial import TrialState, create_trial

MIN = [StudyDirection.MINIMIZE]


def _records(backend: MemoryJournalBackend) -> list[dict[str, Any]]:
    return [json.loads(line) for line in bytes(backend.buffer).splitlines()]


class CountingBackend(MemoryJournalBackend):
    def __init__(self, max_read: int | None = None) -> None:
        super().__init__(max_read)
        self.bytes_read = 0
        self.reads = 0
        self.before_append: list[Any] = []

    def read_chunk(self, cursor: int) -> tuple[bytes, int]:
        data, next_cursor = super().read_chunk(cursor)
        self.reads += 1
        self.bytes_read += len(data)
        return data, next_cursor

    def append_chunk(self, data: bytes, *, durable: bool = True) -> None:
        while self.before_append:
            self.before_append.pop(0)()
        super().append_chunk(data, durable=durable)


def test_two_storages_on_one_journal_derive_the_same_ids_and_numbers(
    memory_backend: MemoryJournalBackend,
) -> None:
    a = JournalStorage(memory_backend)
    b = JournalStorage(memory_backend)
    s1 = a.create_new_study(MIN, "one")
    s2 = b.create_new_study(MIN, "two")
    ids = [a.create_new_trial(s1), b.create_new_trial(s1), b.create_new_trial(s2), a.create_new_trial(s1)]
    assert ids == [0, 1, 2, 3]
    for storage in (a, b):
        assert storage.get_study_id_from_name("two") == s2
        assert [t.number for t in storage.get_all_trials(s1)] == [0, 1, 2]
        assert [t._trial_id for t in storage.get_all_trials(s1)] == [0, 1, 3]
        assert storage.get_trial_id_from_study_id_trial_number(s1, 2) == 3


def test_finishing_a_finished_trial_raises_only_to_the_worker_that_tried() -> None:
    backend = CountingBackend()
    a = JournalStorage(backend)
    b = JournalStorage(backend)
    study_id = a.create_new_study(MIN)
    trial_id = a.create_new_trial(study_id)
    # a finishes the trial after b checked it was running but before b's record lands: replay rejects b's.
    backend.before_append.append(lambda: a.set_trial_state_values(trial_id, TrialState.COMPLETE, [1.0]))
    with pytest.raises(UpdateFinishedTrialError):
        b.set_trial_state_values(trial_id, TrialState.FAIL)
    assert [r["op_code"] for r in _records(backend)].count(6) == 2
    for storage in (a, b, JournalStorage(backend)):
        trial = storage.get_trial(trial_id)
        assert trial.state == TrialState.COMPLETE and trial.values == [1.0]
    # Once the trial is known to be finished, the error comes without writing anything.
    n = len(backend.buffer)
    with pytest.raises(UpdateFinishedTrialError):
        b.set_trial_state_values(trial_id, TrialState.FAIL)
    assert len(backend.buffer) == n


def test_two_workers_popping_one_waiting_trial_only_the_first_gets_it() -> None:
    backend = CountingBackend()
    a = JournalStorage(backend)
    b = JournalStorage(backend)
    study_id = a.create_new_study(MIN)
    trial_id = a.create_new_trial(study_id, create_trial(state=TrialState.WAITING))
    b.get_trial(trial_id)
    # a pops the trial after b checked it was WAITING but before b's record lands.
    backend.before_append.append(lambda: a.set_trial_state_values(trial_id, TrialState.RUNNING))
    assert b.set_trial_state_values(trial_id, TrialState.RUNNING) is False
    assert b.get_trial(trial_id).state == TrialState.RUNNING
    assert a.set_trial_state_values(trial_id, TrialState.COMPLETE, [0.0])
    # Popping a trial that is RUNNING already answers False without writing.
    other = a.create_new_trial(study_id)
    n = len(backend.buffer)
    assert b.set_trial_state_values(other, TrialState.RUNNING) is False
    assert len(backend.buffer) == n


def test_duplicate_study_name_raises_to_the_second_creator_only(memory_backend: MemoryJournalBackend) -> None:
    a = JournalStorage(memory_backend)
    b = JournalStorage(memory_backend)
    a.create_new_study(MIN, "same")
    with pytest.raises(DuplicatedStudyError):
        b.create_new_study(MIN, "same")
    assert [s.study_name for s in a.get_all_studies()] == ["same"]


def test_operations_on_missing_studies_and_trials_raise_key_error(
    memory_backend: MemoryJournalBackend,
) -> None:
    storage = JournalStorage(memory_backend)
    with pytest.raises(KeyError):
        storage.create_new_trial(5)
    with pytest.raises(KeyError):
        storage.set_trial_user_attr(9, "k", 1)
    with pytest.raises(KeyError):
        storage.get_trial(-1)
    with pytest.raises(KeyError):
        storage.get_study_name_from_id(0)
    with pytest.raises(KeyError):
        storage.get_study_id_from_name("nope")
    study_id = storage.create_new_study(MIN)
    with pytest.raises(KeyError):
        storage.get_trial_id_from_study_id_trial_number(study_id, 0)
    storage.delete_study(study_id)
    with pytest.raises(KeyError):
        storage.get_all_trials(study_id)


def test_threads_sharing_storages_get_dense_trial_numbers(memory_backend: MemoryJournalBackend) -> None:
    storages = [JournalStorage(memory_backend), JournalStorage(memory_backend)]
    study_id = storages[0].create_new_study(MIN)
    got: list[int] = []

    def work(storage: JournalStorage) -> None:
        for _ in range(25):
            trial_id = storage.create_new_trial(study_id)
            storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [0.0])
            got.append(trial_id)

    threads = [threading.Thread(target=work, args=(storages[i % 2],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(got) == list(range(100))
    for storage in storages:
        trials = storage.get_all_trials(study_id)
        assert [t.number for t in trials] == list(range(100))
        assert all(t.state == TrialState.COMPLETE for t in trials)


def test_each_call_appends_one_batch_and_only_creation_and_finishing_are_durable(
    memory_backend: MemoryJournalBackend,
) -> None:
    storage = JournalStorage(memory_backend)
    study_id = storage.create_new_study(MIN)
    trial_id = storage.create_new_trial(study_id)
    storage.set_trial_param(trial_id, "x", 0.5, FloatDistribution(0, 1))
    storage.set_trial_intermediate_value(trial_id, 1, 0.25)
    storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [0.5])
    storage.get_all_trials(study_id)
    assert [durable for _, durable in memory_backend.appends] == [True, False, False, False, True]
    assert all(data.count(b"\n") == 1 for data, _ in memory_backend.appends)


def test_template_trial_is_written_as_one_record_and_reads_back_whole(
    memory_backend: MemoryJournalBackend,
) -> None:
    storage = JournalStorage(memory_backend)
    study_id = storage.create_new_study([StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE])
    template = create_trial(
        state=TrialState.COMPLETE,
        values=[1.0, 2.0],
        params={"x": 0.5, "n": 3, "c": "b"},
        distributions={
            "x": FloatDistribution(0, 1),
            "n": IntDistribution(1, 5),
            "c": CategoricalDistribution(["a", "b"]),
        },
        user_attrs={"u": [1, 2]},
        system_attrs={"s": "v"},
        intermediate_values={0: 3.0, 4: 1.0},
    )
    before = len(memory_backend.appends)
    trial_id = storage.create_new_trial(study_id, template)
    assert len(memory_backend.appends) == before + 1
    assert memory_backend.appends[-1][1] is True  # finished trial: durable
    for reader in (storage, JournalStorage(memory_backend)):
        trial = reader.get_trial(trial_id)
        assert trial.state == TrialState.COMPLETE
        assert trial.values == [1.0, 2.0]
        assert trial.params == {"x": 0.5, "n": 3, "c": "b"}
        assert trial.distributions == template.distributions
        assert trial.user_attrs == {"u": [1, 2]} and trial.system_attrs == {"s": "v"}
        assert trial.intermediate_values == {0: 3.0, 4: 1.0}
        assert trial.datetime_start == template.datetime_start
        assert trial.datetime_complete == template.datetime_complete


def test_reads_cost_only_the_new_bytes() -> None:
    backend = CountingBackend()
    writer = JournalStorage(backend)
    reader = JournalStorage(backend)
    study_id = writer.create_new_study(MIN)
    for _ in range(20):
        trial_id = writer.create_new_trial(study_id)
        writer.set_trial_state_values(trial_id, TrialState.COMPLETE, [1.0])
        reader.get_all_trials(study_id)
    # Every byte was read once by the writer and once by the reader, never again.
    assert backend.bytes_read == 2 * len(backend.buffer)


def test_the_owner_reads_its_running_trial_and_anyone_a_finished_one_without_a_read() -> None:
    backend = CountingBackend()
    owner = JournalStorage(backend)
    other = JournalStorage(backend)
    study_id = owner.create_new_study(MIN)
    trial_id = owner.create_new_trial(study_id)
    reads = backend.reads
    assert owner.get_trial(trial_id).state == TrialState.RUNNING
    assert backend.reads == reads  # owned: nobody else writes to it
    other.set_trial_user_attr(trial_id, "seen", 1)  # not the owner's to write, but a reader of it...
    assert other.get_trial(trial_id).user_attrs == {"seen": 1}
    reads = backend.reads
    other.get_trial(trial_id)
    assert backend.reads == reads + 1  # ...that does not own a running trial reads it fresh
    owner.set_trial_state_values(trial_id, TrialState.COMPLETE, [1.0])
    reads = backend.reads
    assert owner.get_trial(trial_id).values == [1.0]
    assert backend.reads == reads  # finished: it never changes again
    assert other.get_trial(trial_id).values == [1.0]  # not seen finished yet: read
    reads = backend.reads
    assert other.get_trial(trial_id).state == TrialState.COMPLETE
    assert backend.reads == reads


def test_a_claimed_waiting_trial_is_owned_and_a_lost_claim_is_not() -> None:
    backend = CountingBackend()
    a = JournalStorage(backend)
    b = JournalStorage(backend)
    study_id = a.create_new_study(MIN)
    waiting = a.create_new_trial(study_id, create_trial(state=TrialState.WAITING))
    b.get_all_trials(study_id)
    assert a.set_trial_state_values(waiting, TrialState.RUNNING)
    assert not b.set_trial_state_values(waiting, TrialState.RUNNING)
    reads = backend.reads
    a.get_trial(waiting)
    assert backend.reads == reads
    b.get_trial(waiting)
    assert backend.reads == reads + 1


def test_replay_across_small_chunks_equals_replay_in_one() -> None:
    big = MemoryJournalBackend()
    storage = JournalStorage(big)
    study_id = storage.create_new_study(MIN)
    for i in range(10):
        trial_id = storage.create_new_trial(study_id)
        storage.set_trial_param(trial_id, "x", i / 10, FloatDistribution(0, 1))
        storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [float(i)])
    small = MemoryJournalBackend(max_read=150)
    small.buffer = big.buffer
    assert JournalStorage(small).get_all_trials(study_id) == storage.get_all_trials(study_id)


def test_deepcopy_false_shares_cached_trials_and_deepcopy_true_copies(
    memory_backend: MemoryJournalBackend,
) -> None:
    storage = JournalStorage(memory_backend)
    study_id = storage.create_new_study(MIN)
    trial_id = storage.create_new_trial(study_id)
    storage.set_trial_user_attr(trial_id, "l", [1])
    storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [1.0])
    shared = storage.get_all_trials(study_id, deepcopy=False)
    assert storage.get_all_trials(study_id, deepcopy=False)[0] is shared[0]
    copied = storage.get_all_trials(study_id)[0]
    copied.user_attrs["l"].append(2)
    copied.params["y"] = 1
    assert storage.get_trial(trial_id).user_attrs == {"l": [1]}
    assert storage.get_trial(trial_id).params == {}
    assert storage.get_all_trials(study_id, states=(TrialState.RUNNING,)) == []


def test_incompatible_distribution_is_rejected_for_its_writer(memory_backend: MemoryJournalBackend) -> None:
    storage = JournalStorage(memory_backend)
    study_id = storage.create_new_study(MIN)
    first = storage.create_new_trial(study_id)
    storage.set_trial_param(first, "x", 0.5, FloatDistribution(0, 1))
    second = storage.create_new_trial(study_id)
    storage.set_trial_param(second, "x", 0.7, FloatDistribution(0, 2))  # same kind: fine
    with pytest.raises(ValueError):
        storage.set_trial_param(second, "x", 1, IntDistribution(0, 3))
    assert storage.get_trial(second).params == {"x": 0.7}


def test_discard_trials_records_are_skipped(memory_backend: MemoryJournalBackend) -> None:
    storage = JournalStorage(memory_backend)
    study_id = storage.create_new_study(MIN)
    memory_backend.append_chunk(b'{"op_code":10,"worker_id":"rust","study_id":0,"trial_ids":[0]}\n')
    assert storage.create_new_trial(study_id) == 0


def test_corrupt_complete_line_raises_with_position_and_the_storage_stays_failed(
    memory_backend: MemoryJournalBackend,
) -> None:
    storage = JournalStorage(memory_backend)
    study_id = storage.create_new_study(MIN)
    offset = len(memory_backend.buffer)
    memory_backend.append_chunk(b'{"op_code":4,"worker_id":"x",\n')
    memory_backend.append_chunk(b'{"op_code":4,"worker_id":"x","study_id":0,"datetime_start":null}\n')
    for _ in range(2):
        with pytest.raises(JournalCorruptionError) as info:
            storage.get_all_trials(study_id)
        assert (info.value.offset, info.value.line_number) == (offset, 2)
    with pytest.raises(JournalCorruptionError):
        JournalStorage(memory_backend)


def test_valid_json_that_is_not_a_record_is_corruption(memory_backend: MemoryJournalBackend) -> None:
    storage = JournalStorage(memory_backend)
    storage.create_new_study(MIN)
    offset = len(memory_backend.buffer)
    memory_backend.append_chunk(b'{"op_code":4,"worker_id":"x"}\n')
    with pytest.raises(JournalCorruptionError) as info:
        storage.get_all_studies()
    assert (info.value.offset, info.value.line_number) == (offset, 2)
    memory_backend.buffer[offset:] = b'{"op_code":42,"worker_id":"x"}\n'
    with pytest.raises(JournalCorruptionError):
        JournalStorage(memory_backend)


def test_pickled_storage_replays_again_as_a_new_worker(memory_backend: MemoryJournalBackend) -> None:
    storage = JournalStorage(memory_backend)
    study_id = storage.create_new_study(MIN)
    trial_id = storage.create_new_trial(study_id)
    clone = pickle.loads(pickle.dumps(storage))
    assert clone._worker_prefix != storage._worker_prefix
    assert clone.get_trial(trial_id).number == 0
    clone.set_trial_state_values(trial_id, TrialState.COMPLETE, [1.0])
    # The clone is another worker: storage sees its write on a read (its own get_trial of a trial it owns
    # may answer from its copy, the ownership rule), and from then on in get_trial too.
    assert [t.state for t in storage.get_all_trials(study_id)] == [TrialState.COMPLETE]
    assert storage.get_trial(trial_id).state == TrialState.COMPLETE


def test_heartbeat_key_is_reserved(memory_backend: MemoryJournalBackend) -> None:
    storage = JournalStorage(memory_backend)
    trial_id = storage.create_new_trial(storage.create_new_study(MIN))
    with pytest.raises(ValueError, match="reserved"):
        storage.set_trial_system_attr(trial_id, "pyhpo:heartbeat", "x")


@pytest.mark.parametrize(
    "kwargs",
    [{"heartbeat_interval": 0}, {"heartbeat_interval": -1}, {"grace_period": 5}, {"snapshot_interval": "3"}],
)
def test_bad_arguments_are_refused_with_their_name(
    memory_backend: MemoryJournalBackend, kwargs: dict
) -> None:
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        JournalStorage(memory_backend, **kwargs)


def test_backend_of_the_wrong_type_is_refused() -> None:
    with pytest.raises(TypeError, match="BaseJournalBackend"):
        JournalStorage("journal.log")  # type: ignore[arg-type]


def test_corrupt_line_in_a_journal_file_names_the_file_offset_and_line(tmp_path: Any) -> None:
    from pyhpo.storages.journal import JournalFileBackend

    path = str(tmp_path / "journal.log")
    storage = JournalStorage(JournalFileBackend(path))
    study_id = storage.create_new_study(MIN, "s")
    storage.create_new_trial(study_id)
    bad_offset = os.path.getsize(path)
    backend = JournalFileBackend(path)
    backend.append_chunk(b'{"op_code":6,"worker_id":"x","trial_id":0,"state":1,"val\n')
    backend.append_chunk(b'{"op_code":10,"worker_id":"x"}\n')
    for reader in (storage, None):
        with pytest.raises(JournalCorruptionError) as info:
            (reader or JournalStorage(JournalFileBackend(path))).get_all_trials(study_id)
        assert info.value.path == path
        assert (info.value.offset, info.value.line_number) == (bad_offset, 3)
        assert path in str(info.value) and str(bad_offset) in str(info.value)


def test_forked_child_writes_as_a_new_worker_even_if_a_thread_held_the_lock(
    memory_backend: MemoryJournalBackend, tmp_path: Any
) -> None:
    storage = JournalStorage(memory_backend)
    study_id = storage.create_new_study(MIN)
    out = tmp_path / "child.txt"
    with storage._lock:  # as if another thread were inside a storage call at the moment of fork
        pid = os.fork()
        if pid == 0:  # child: must not deadlock, and must not pass for the parent
            try:
                out.write_text(f"{storage._worker_prefix} {storage.create_new_trial(study_id)}")
            finally:
                os._exit(0)
    os.waitpid(pid, 0)
    prefix, trial_id = out.read_text().split()
    assert prefix != storage._worker_prefix
    assert trial_id == "0"


def test_records_before_an_undecodable_line_in_the_same_chunk_are_replayed(
    memory_backend: MemoryJournalBackend,
) -> None:
    writer = JournalStorage(memory_backend)
    study_id = writer.create_new_study(MIN, "s")
    reader = JournalStorage(memory_backend)
    writer.create_new_trial(study_id)
    memory_backend.append_chunk(b"garbage\n")
    with pytest.raises(JournalCorruptionError) as info:
        reader.get_all_trials(study_id)
    assert info.value.line_number == 3
    # The line before the bad one was applied.
    assert len(reader._reader.replay.study(study_id).trial_ids) == 1
    with pytest.raises(JournalCorruptionError):
        reader.get_study_directions(study_id)


def test_a_backend_written_for_optunas_two_methods_drives_journal_storage() -> None:
    import pyhpo
    from pyhpo.samplers import RandomSampler
    from pyhpo.storages import JournalStorage
    from pyhpo.storages.journal import BaseJournalBackend

    class ListBackend(BaseJournalBackend):
        """Only Optuna's interface: records as dicts, numbered from 0."""

        def __init__(self) -> None:
            self.logs: list[dict] = []

        def read_logs(self, log_number_from: int):  # type: ignore[override]
            return iter(self.logs[log_number_from:])

        def append_logs(self, logs: list[dict]) -> None:
            self.logs.extend(logs)

    backend = ListBackend()
    study = pyhpo.create_study(storage=JournalStorage(backend), sampler=RandomSampler(seed=1))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
    assert [r["op_code"] for r in backend.logs][:2] == [0, 4]
    again = pyhpo.load_study(study_name=study.study_name, storage=JournalStorage(backend))
    assert [t.params for t in again.trials] == [t.params for t in study.trials]


def test_a_backend_with_neither_interface_says_what_to_implement() -> None:
    from pyhpo.storages.journal import BaseJournalBackend

    with pytest.raises(NotImplementedError, match="read_chunk or read_logs"):
        BaseJournalBackend().read_chunk(0)
