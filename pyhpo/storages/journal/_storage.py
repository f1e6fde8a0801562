"""JournalStorage: a BaseStorage kept as an in-memory replay of an append-only journal."""

from __future__ import annotations

import threading
import time
import uuid
from typing import TYPE_CHECKING, Any, ClassVar

from pyhpo import logging
from pyhpo._runtime import LockFreePickle, after_fork, check_heartbeat_options
from pyhpo._values import FrozenStudy, FrozenTrial, StudyDirection, TrialState
from pyhpo.distributions import check_distribution_compatibility
from pyhpo.exceptions import UpdateFinishedTrialError
from pyhpo.storages._base import DEFAULT_STUDY_NAME_PREFIX, BaseStorage
from pyhpo.storages._heartbeat import BaseHeartbeat
from pyhpo.storages._validation import check_param, check_state, check_template, check_values
from pyhpo.storages.journal._base import BaseJournalBackend
from pyhpo.storages.journal._format import (
    HEARTBEAT_KEY,
    create_study_record,
    create_trial_record,
    delete_study_record,
    encode_records,
    intermediate_value_record,
    now_string,
    study_attr_record,
    trial_attr_record,
    trial_param_record,
    trial_state_record,
)
from pyhpo.storages.journal._reader import JournalReader
from pyhpo.storages.journal._replay import NOT_FOUND_MSG, JournalReplay, ReplayOutcome, gc_paused

if TYPE_CHECKING:
    from collections.abc import Callable, Container, Sequence

    from pyhpo.storages.journal._replay import _Trial
    from pyhpo.study import Study

__all__ = ["JournalStorage"]

_logger = logging.get_logger(__name__)

# Building this many trials at once runs with the cyclic garbage collector paused (see ``gc_paused``).
_BULK_TRIALS = 2000

_RUNNING = TrialState.RUNNING
_WAITING_ONLY = {int(TrialState.WAITING)}
_FINISHED_CODES = frozenset(int(s) for s in TrialState if s.is_finished())


class JournalStorage(LockFreePickle, BaseStorage, BaseHeartbeat):
    """Storage that writes every operation as a record to a journal and keeps the replayed state in memory.

    Any number of threads and processes may share one journal: each storage call appends its records as one
    atomic batch, then reads only what is new since its last read and replays it, its own batch included (taken
    from memory, not read back, when the backend reports that nothing was appended in between). State is a
    pure function of the log, so every process derives the same study IDs, trial IDs and trial numbers (dense
    ``0..N-1`` per study); a record that loses a race (finishing an already finished trial,
    popping a WAITING trial another worker took) is skipped at replay and the conflict is raised only to the
    worker that wrote it. The journal format is Optuna's, so the same file opens in Optuna and back.

    Args:
        log_storage:
            Where the records live (Optuna's name for the backend, so ``JournalStorage(log_storage=...)`` works): :class:`~pyhpo.storages.journal.JournalFileBackend`,
            :class:`~pyhpo.storages.journal.JournalRedisBackend`, or any
            :class:`~pyhpo.storages.journal.BaseJournalBackend`.
        heartbeat_interval:
            Seconds between heartbeats of a running trial. ``None`` (default) disables heartbeats. A trial
            whose heartbeat is older than ``grace_period`` is failed by any worker (see
            :func:`~pyhpo.storages.fail_stale_trials`). Heartbeats compare wall clocks of different hosts,
            so keep them in sync (NTP) when workers run on several machines.
        grace_period:
            Seconds without a heartbeat after which a running trial counts as stale. Defaults to twice
            ``heartbeat_interval``.
        failed_trial_callback:
            Called as ``callback(study, frozen_trial)`` for each trial this process failed as stale.
        snapshot_interval:
            Write a snapshot (see :meth:`write_snapshot`) after every this many records replayed, so a new
            process loads it and replays only the tail. ``None`` (default) writes snapshots only on request.
            Needs a file backend.
    """

    def __init__(
        self,
        log_storage: BaseJournalBackend,
        *,
        heartbeat_interval: int | None = None,
        grace_period: int | None = None,
        failed_trial_callback: Callable[[Study, FrozenTrial], None] | None = None,
        snapshot_interval: int | None = None,
    ) -> None:
        backend = log_storage
        if not isinstance(backend, BaseJournalBackend):
            raise TypeError(f"log_storage must be a BaseJournalBackend, got {type(backend).__name__}.")
        check_heartbeat_options(heartbeat_interval, grace_period)
        if snapshot_interval is not None and (
            isinstance(snapshot_interval, bool)
            or not isinstance(snapshot_interval, (int, float))
            or snapshot_interval <= 0
        ):
            raise ValueError(
                f"snapshot_interval must be a positive number or None, got {snapshot_interval!r}."
            )
        if grace_period is not None and heartbeat_interval is None:
            raise ValueError("grace_period needs heartbeat_interval to be set.")
        self._backend = backend
        self._heartbeat_interval = heartbeat_interval
        self._grace_period = (
            grace_period
            if grace_period is not None
            else (None if heartbeat_interval is None else 2 * heartbeat_interval)
        )
        self._failed_trial_callback = failed_trial_callback
        self._snapshot_interval = snapshot_interval
        if snapshot_interval is not None and not isinstance(getattr(backend, "file_path", None), str):
            raise ValueError(
                f"snapshot_interval needs a backend with a file_path to write snapshots beside; "
                f"{type(backend).__name__} has none (call write_snapshot(path) instead)."
            )
        self._init_runtime()

    # What a copy (pickle: spawned processes) leaves behind: its lock, its identity as a writer, and its
    # replay; __setstate__ gives it new ones, reading the journal (or its snapshot) again.
    _transient_: ClassVar[dict[str, Callable[[], Any]]] = {
        "_lock": threading.RLock,
        "_worker_prefix": str,
        "_reader": type(None),
    }

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        self._init_runtime()

    def _init_runtime(self) -> None:
        self._lock = threading.RLock()
        # A backend whose append also reads what came before it (Redis) makes the read ahead of a write
        # redundant where the write's own replay settles the outcome (see set_trial_state_values).
        backend = type(self._backend)
        self._appends_read = backend.append_and_read_chunk is not BaseJournalBackend.append_and_read_chunk
        self._reads_to_end = backend.read_chunk_to_end is not BaseJournalBackend.read_chunk_to_end
        self._worker_prefix = f"{uuid.uuid4()}-"
        # Trials this storage created or popped while they run: no other worker writes to them (short of
        # failing them as stale, which the owner's next write finds in its own replay), so reading them
        # needs no read of the journal. The same rule as RDBStorage's write-through copy.
        self._owned: set[int] = set()
        after_fork(self)
        reader = JournalReader(self._backend, self._snapshot_interval)
        with self._lock:
            reader.load_snapshot()
            reader.sync()
        self._reader = reader

    # ------------------------------------------------------------------------------------ machinery
    def _worker_id(self) -> str:
        return self._worker_prefix + str(threading.get_ident())

    def _after_fork_in_child(self) -> None:
        # A forked child must not pass for its parent (its records would be taken as the parent's own), and
        # must not inherit a lock some other thread of the parent held at the moment of the fork.
        self._worker_prefix = f"{uuid.uuid4()}-"
        self._lock = threading.RLock()
        self._owned = set()

    def _call(self, records: list[dict[str, Any]], *, durable: bool = False) -> ReplayOutcome:
        """Append this call's records as one batch, replay up to and past them, raise their conflicts.

        The records carry this worker's ID (from :meth:`_worker_id`, under the lock). Caller holds the lock.
        """
        reader = self._reader
        reader.check()
        batch = encode_records(records)
        cursor = reader.position.cursor
        others, span = self._backend.append_and_read_chunk(batch, cursor, durable=durable)
        if others and span is not None:
            # Others' records up to this batch came back with the append: replay them and it from memory.
            outcome = reader.sync(records[0]["worker_id"], others + batch, (cursor, span[1]))
        else:
            outcome = reader.sync(records[0]["worker_id"], batch, span)
        if outcome.error is not None:
            raise outcome.error
        return outcome

    def _read(self) -> JournalReplay:
        reader = self._reader
        if self._reads_to_end:
            # The backend says when a chunk reached the end: replay it from memory and skip the read that
            # would only find nothing more.
            reader.check()
            cursor = reader.position.cursor
            data, next_cursor, at_end = self._backend.read_chunk_to_end(cursor)
            reader.sync(None, data, (cursor, next_cursor))
            if data and not at_end:
                reader.sync()
        else:
            reader.sync()
        return reader.replay

    # ----------------------------------------------------------------------------------------- studies
    def create_new_study(self, directions: Sequence[StudyDirection], study_name: str | None = None) -> int:
        if study_name is None:
            study_name = DEFAULT_STUDY_NAME_PREFIX + str(uuid.uuid4())
        directions = [StudyDirection(d) for d in directions]
        record = create_study_record(self._worker_id(), study_name, directions)
        with self._lock:
            study_id = self._call([record], durable=True).created_study_id
        _logger.info(f"A new study created in Journal with name: {study_name}")
        return study_id

    def delete_study(self, study_id: int) -> None:
        record = delete_study_record(self._worker_id(), study_id)
        with self._lock:
            self._call([record], durable=True)

    def set_study_user_attr(self, study_id: int, key: str, value: Any) -> None:
        record = study_attr_record(self._worker_id(), study_id, key, value, system=False)
        with self._lock:
            self._call([record])

    def set_study_system_attr(self, study_id: int, key: str, value: Any) -> None:
        record = study_attr_record(self._worker_id(), study_id, key, value, system=True)
        with self._lock:
            self._call([record])

    def get_study_id_from_name(self, study_name: str) -> int:
        with self._lock:
            study_id = self._read().study_names.get(study_name)
        if study_id is None:
            raise KeyError(NOT_FOUND_MSG)  # Optuna's wording for every missing record
        return study_id

    def get_study_name_from_id(self, study_id: int) -> str:
        with self._lock:
            return self._read().study(study_id).name

    def get_study_directions(self, study_id: int) -> list[StudyDirection]:
        with self._lock:
            return list(self._read().study(study_id).directions)

    def get_study_user_attrs(self, study_id: int) -> dict[str, Any]:
        with self._lock:
            return dict(self._read().study(study_id).user_attrs)

    def get_study_system_attrs(self, study_id: int) -> dict[str, Any]:
        with self._lock:
            return dict(self._read().study(study_id).system_attrs)

    def get_all_studies(self) -> list[FrozenStudy]:
        with self._lock:
            replay = self._read()
            return [replay.frozen_study(study) for study in replay.studies.values()]

    # ------------------------------------------------------------------------------------------ trials
    def create_new_trial(self, study_id: int, template_trial: FrozenTrial | None = None) -> int:
        record = create_trial_record(self._worker_id(), study_id, template_trial)
        durable = template_trial is not None and template_trial.state.is_finished()
        with self._lock:
            if template_trial is not None:
                self._check_template(study_id, template_trial)
            trial_id = self._call([record], durable=durable).created_trial_id
            if template_trial is None or template_trial.state == _RUNNING:
                self._owned.add(trial_id)
            return trial_id

    def _check_template(self, study_id: int, template: FrozenTrial) -> None:
        """Refuse a template that cannot be stored (see ``_validation``) or whose distributions clash with the
        study's, before writing anything.

        Replay accepts such a record, as Optuna's does (so both derive the same trial IDs from any journal);
        the check here gives pyhpo's contract (ValueError) to this process's callers.
        """
        replay = self._read()
        study = replay.study(study_id)
        check_template(template, len(study.directions))
        refs = study.param_refs
        for name, dist in template.distributions.items():
            ref = refs.get(name)
            if ref is not None:
                check_distribution_compatibility(replay.distribution(ref[1]), dist)

    def set_trial_param(
        self, trial_id: int, param_name: str, param_value_internal: float, distribution: Any
    ) -> None:
        check_param(param_name, param_value_internal, distribution)
        record = trial_param_record(
            self._worker_id(), trial_id, param_name, param_value_internal, distribution
        )
        with self._lock:
            self._call([record])

    def get_trial_id_from_study_id_trial_number(self, study_id: int, trial_number: int) -> int:
        with self._lock:
            trial_ids = self._read().study(study_id).trial_ids
            if not 0 <= trial_number < len(trial_ids):
                raise KeyError(
                    f"No trial with trial_number={trial_number} exists in study with study_id={study_id}."
                )
            return trial_ids[trial_number]

    def set_trial_state_values(
        self, trial_id: int, state: TrialState, values: Sequence[float] | None = None
    ) -> bool:
        state = check_state(state)
        record = trial_state_record(self._worker_id(), trial_id, state, values)
        with self._lock:
            # Give up before writing when the outcome is already known: the trial is finished (replay would
            # reject the record and raise the same error), or someone else popped this WAITING trial.
            trial = self._trial_before_write(trial_id, state)
            if trial.state in _FINISHED_CODES:
                raise UpdateFinishedTrialError(
                    f"Trial#{trial.number} has already finished and can not be updated."
                )
            check_values(values, len(trial.study.directions))
            if state == _RUNNING and trial.state != TrialState.WAITING:
                return False
            outcome = self._call([record], durable=state.is_finished())
            if state != _RUNNING:
                self._owned.discard(trial_id)
                return True
            if outcome.popped_trial_id == trial_id:
                self._owned.add(trial_id)
                return True
            return False

    def _trial_before_write(self, trial_id: int, state: TrialState) -> _Trial:
        """The trial as the checks before a state write need it (caller holds the lock).

        Usually read fresh. When the backend reads with its appends and the write does not start the trial,
        the replay as last read will do: a finished trial stays finished, so a finished one is refused
        exactly, and for any other the write's own replay (which takes in everything before it) rejects it
        with the same error if another worker finished or deleted it meanwhile. Starting a trial needs the
        fresh state: a trial seen RUNNING here may have finished since, which is an error, not a lost pop.
        """
        if self._appends_read and state != _RUNNING:
            try:
                return self._reader.replay.trial(trial_id)
            except KeyError:
                pass  # Not read yet (created by another process): read it.
        return self._read().trial(trial_id)

    def set_trial_intermediate_value(self, trial_id: int, step: int, intermediate_value: float) -> None:
        record = intermediate_value_record(self._worker_id(), trial_id, step, intermediate_value)
        with self._lock:
            self._call([record])

    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None:
        record = trial_attr_record(self._worker_id(), trial_id, key, value, system=False)
        with self._lock:
            self._call([record])

    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        if key == HEARTBEAT_KEY:
            raise ValueError(f"The system attribute key {HEARTBEAT_KEY!r} is reserved for heartbeats.")
        record = trial_attr_record(self._worker_id(), trial_id, key, value, system=True)
        with self._lock:
            self._call([record])

    def get_trial(self, trial_id: int) -> FrozenTrial:
        with self._lock:
            # A finished trial never changes and an owned one changes only by this storage's writes: the
            # replay as last read holds either as it is (tell and ask ask for one right after writing it).
            replay = self._reader.replay
            try:
                trial = replay.trial(trial_id)
            except KeyError:
                trial = None
            if trial is None or (trial.state not in _FINISHED_CODES and trial_id not in self._owned):
                replay = self._read()
                trial = replay.trial(trial_id)
            return replay.copied_trial(trial)

    def get_all_trials(
        self, study_id: int, deepcopy: bool = True, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]:
        with self._lock:
            replay = self._read()
            trials = replay.trials
            study = replay.study(study_id)
            if states is None:
                if not deepcopy:
                    with gc_paused(len(study.trial_ids) - len(study.frozen_list) >= _BULK_TRIALS):
                        return list(replay.frozen_trials(study))
                trial_ids = study.trial_ids
            else:
                codes = {int(state) for state in TrialState if state in states}
                if codes == _WAITING_ONLY:
                    trial_ids = sorted(study.waiting)  # IDs grow with numbers within a study
                else:
                    trial_ids = [trial_id for trial_id in study.trial_ids if trials[trial_id].state in codes]
            get = replay.copied_trial if deepcopy else replay.frozen_trial
            with gc_paused(len(trial_ids) >= _BULK_TRIALS):
                return [get(trials[trial_id]) for trial_id in trial_ids]

    def get_best_trial(self, study_id: int) -> FrozenTrial:
        with self._lock:
            replay = self._read()
            study = replay.study(study_id)
            if len(study.directions) > 1:
                raise RuntimeError("Best trial can be obtained only for single-objective optimization.")
            if not study.best_exact:
                return super().get_best_trial(study_id)
            if study.best < 0:
                raise ValueError("No trials are completed yet.")
            return replay.copied_trial(replay.trials[study.best])

    # -------------------------------------------------------------------------------------- heartbeats
    def record_heartbeat(self, trial_id: int) -> None:
        with self._lock:
            if self._read().trial(trial_id).state != _RUNNING:
                return
            beat = now_string()  # taken under the lock: a wait for it must not age the heartbeat
            self._call([trial_attr_record(self._worker_id(), trial_id, HEARTBEAT_KEY, beat, system=True)])

    def _get_stale_trial_ids(self, study_id: int) -> list[int]:
        if self._grace_period is None:
            return []
        with self._lock:
            replay = self._read()
            deadline = time.time() - self._grace_period
            trials = replay.trials
            return [
                trial_id
                for trial_id, beat in replay.heartbeats.items()
                if beat < deadline and trials[trial_id].study_id == study_id
            ]

    def get_heartbeat_interval(self) -> int | None:
        return self._heartbeat_interval

    def get_heartbeat_stale_trial_callback(self) -> Callable[[Study, FrozenTrial], None] | None:
        return self._failed_trial_callback

    # --------------------------------------------------------------------------------------- snapshots
    def write_snapshot(self, path: str | None = None) -> str:
        """Write the replayed state to a snapshot file beside the journal and return its path.

        A new process opening the same journal loads the snapshot and replays only the records after it.
        The journal itself is not touched. See ``docs/journal-format.md`` for the file format.
        """
        with self._lock:
            reader = self._reader
            interval, reader.snapshot_interval = reader.snapshot_interval, None
            try:
                reader.sync()
            finally:
                reader.snapshot_interval = interval
            target = path if path is not None else reader.snapshot_path()
            reader.write_snapshot(target)
            return target
