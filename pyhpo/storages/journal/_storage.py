"""JournalStorage: a BaseStorage kept as an in-memory replay of an append-only journal."""

from __future__ import annotations

import contextlib
import gc
import os
import threading
import time
import uuid
import weakref
from typing import TYPE_CHECKING, Any, NoReturn

from pyhpo import logging
from pyhpo._values import FrozenStudy, FrozenTrial, StudyDirection, TrialState
from pyhpo.distributions import check_distribution_compatibility, distribution_to_json
from pyhpo.exceptions import JournalCorruptionError, UpdateFinishedTrialError
from pyhpo.storages._base import DEFAULT_STUDY_NAME_PREFIX, BaseStorage
from pyhpo.storages._heartbeat import BaseHeartbeat
from pyhpo.storages._validation import check_param, check_state, check_template, check_values
from pyhpo.storages.journal._base import BaseJournalBackend
from pyhpo.storages.journal._format import (
    HEARTBEAT_KEY,
    decode_chunk,
    encode_records,
    format_datetime,
    now_string,
)
from pyhpo.storages.journal._format import JournalOperation as Op
from pyhpo.storages.journal._replay import NOT_FOUND_MSG, JournalReplay
from pyhpo.storages.journal._snapshot import load_snapshot, write_snapshot

if TYPE_CHECKING:
    from collections.abc import Callable, Container, Iterator, Sequence

    from pyhpo.study import Study

__all__ = ["JournalStorage"]

_logger = logging.get_logger(__name__)

# Every storage of this process, so a forked child can give each a fresh identity and lock.
_live_storages: weakref.WeakSet[JournalStorage] = weakref.WeakSet()


def _reset_storages_after_fork() -> None:
    for storage in list(_live_storages):
        storage._after_fork_in_child()


if hasattr(os, "register_at_fork"):  # not on Windows, which has no fork()
    os.register_at_fork(after_in_child=_reset_storages_after_fork)

# Bulk work (a large chunk to replay, many trials to build) runs with the cyclic garbage collector paused:
# it allocates hundreds of thousands of small containers, none of them garbage, and the collector would
# otherwise traverse them again and again (measured: about half the time of a cold load).
_BULK_BYTES = 256 * 1024
_BULK_TRIALS = 2000


@contextlib.contextmanager
def _gc_paused(bulk: bool) -> Iterator[None]:
    if not bulk or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


_RUNNING = TrialState.RUNNING
_WAITING_ONLY = {int(TrialState.WAITING)}
_FINISHED_CODES = frozenset(int(s) for s in TrialState if s.is_finished())
# Plain ints (not enum members) keep record encoding on json's fast path.
_CREATE_STUDY = int(Op.CREATE_STUDY)
_DELETE_STUDY = int(Op.DELETE_STUDY)
_SET_STUDY_USER_ATTR = int(Op.SET_STUDY_USER_ATTR)
_SET_STUDY_SYSTEM_ATTR = int(Op.SET_STUDY_SYSTEM_ATTR)
_CREATE_TRIAL = int(Op.CREATE_TRIAL)
_SET_TRIAL_PARAM = int(Op.SET_TRIAL_PARAM)
_SET_TRIAL_STATE_VALUES = int(Op.SET_TRIAL_STATE_VALUES)
_SET_TRIAL_INTERMEDIATE_VALUE = int(Op.SET_TRIAL_INTERMEDIATE_VALUE)
_SET_TRIAL_USER_ATTR = int(Op.SET_TRIAL_USER_ATTR)
_SET_TRIAL_SYSTEM_ATTR = int(Op.SET_TRIAL_SYSTEM_ATTR)


class JournalStorage(BaseStorage, BaseHeartbeat):
    """Storage that writes every operation as a record to a journal and keeps the replayed state in memory.

    Any number of threads and processes may share one journal: each storage call appends its records as one
    atomic batch, then reads only what is new since its last read (its own records included) and replays it.
    State is a pure function of the log, so every process derives the same study IDs, trial IDs and trial
    numbers (dense ``0..N-1`` per study); a record that loses a race (finishing an already finished trial,
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
        for name, value in (
            ("heartbeat_interval", heartbeat_interval),
            ("grace_period", grace_period),
            ("snapshot_interval", snapshot_interval),
        ):
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0
            ):
                raise ValueError(f"{name} must be a positive number or None, got {value!r}.")
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
        with self._lock:
            self._load_snapshot()
            self._sync()

    def _init_runtime(self) -> None:
        self._lock = threading.RLock()
        self._pid = os.getpid()
        _live_storages.add(self)
        self._worker_prefix = f"{uuid.uuid4()}-"
        self._replay = JournalReplay()
        self._cursor = 0  # Backend cursor just past the last replayed line.
        self._lines = 0  # Lines replayed so far (for line numbers in error messages).
        self._last_line = b""  # The last replayed line and its cursor, for snapshot content checks.
        self._last_line_cursor = 0
        self._records_since_snapshot = 0
        self._broken: JournalCorruptionError | None = None

    def __getstate__(self) -> dict[str, Any]:
        keep = (
            "_backend",
            "_heartbeat_interval",
            "_grace_period",
            "_failed_trial_callback",
            "_snapshot_interval",
        )
        return {key: self.__dict__[key] for key in keep}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._init_runtime()

    # ------------------------------------------------------------------------------------ machinery
    def _worker_id(self) -> str:
        return self._worker_prefix + str(threading.get_ident())

    def _after_fork_in_child(self) -> None:
        # A forked child must not pass for its parent (its records would be taken as the parent's own), and
        # must not inherit a lock some other thread of the parent held at the moment of the fork.
        self._pid = os.getpid()
        self._worker_prefix = f"{uuid.uuid4()}-"
        self._lock = threading.RLock()

    def _sync(self, until: bytes | None = None) -> None:
        """Read and replay everything appended since the last read. Caller holds the lock.

        With ``until`` (the batch this worker just appended), stop as soon as a chunk ends with it: everything
        up to our own write is then replayed, and whatever others append later is for the next call. That
        saves the read that would only confirm there is nothing more.
        """
        if self._broken is not None:
            raise self._broken
        backend = self._backend
        data, next_cursor = backend.read_chunk(self._cursor)
        if not data:
            pass
        elif len(data) < _BULK_BYTES:
            self._replay_chunks(data, next_cursor, until)
        else:
            with _gc_paused(True):
                self._replay_chunks(data, next_cursor, until)
        if self._snapshot_interval is not None and self._records_since_snapshot >= self._snapshot_interval:
            self._records_since_snapshot = 0
            self.write_snapshot()

    def _replay_chunks(self, data: bytes, next_cursor: int, until: bytes | None) -> None:
        """Replay ``data`` and whatever follows it, until the backend has nothing new (or ``until``)."""
        backend = self._backend
        replay = self._replay
        while True:
            try:
                records = decode_chunk(data, self._locator(data), backend._journal_location())
            except JournalCorruptionError as error:
                self._apply_prefix_and_fail(data, error)
            applied = replay.apply(records)
            if applied < len(records):
                self._report_bad_record(data, applied)
            last_start = data.rfind(b"\n", 0, len(data) - 1) + 1
            self._last_line = data[last_start:]
            self._last_line_cursor = backend._line_offset(self._cursor, last_start, len(records) - 1)
            self._cursor = next_cursor
            self._lines += len(records)
            self._records_since_snapshot += len(records)
            if until is not None and data.endswith(until):
                return
            data, next_cursor = backend.read_chunk(self._cursor)
            if not data:
                return

    def _locator(self, data: bytes) -> Callable[[int, int], tuple[int, int]]:
        cursor, lines = self._cursor, self._lines

        def locate(byte_in_chunk: int, line_in_chunk: int) -> tuple[int, int]:
            offset = self._backend._line_offset(cursor, byte_in_chunk, line_in_chunk)
            return offset, lines + line_in_chunk + 1

        return locate

    def _apply_prefix_and_fail(self, data: bytes, error: JournalCorruptionError) -> NoReturn:
        """Replay the complete records before an undecodable line, then fail for good."""
        good = error.line_number - self._lines - 1
        if good > 0:
            end = 0
            for _ in range(good):
                end = data.index(b"\n", end) + 1
            prefix = decode_chunk(data[:end], self._locator(data), self._backend._journal_location())
            applied = self._replay.apply(prefix)
            if applied < len(prefix):
                self._report_bad_record(data, applied)
            self._cursor = error.offset
            self._lines += good
        self._broken = error
        raise error

    def _report_bad_record(self, data: bytes, index: int) -> NoReturn:
        start = 0
        for _ in range(index):
            start = data.index(b"\n", start) + 1
        offset, line_number = self._locator(data)(start, index)
        line = data[start : data.index(b"\n", start)]
        error = JournalCorruptionError(
            self._backend._journal_location(),
            offset,
            line_number,
            f"not a valid journal record: {line[:200]!r}",
        )
        # The records before the bad one are applied; nothing after it can be trusted.
        self._broken = error
        raise error

    def _call(self, records: list[dict[str, Any]], *, durable: bool = False) -> None:
        """Append this call's records as one batch, replay up to and past them, raise their conflicts."""
        replay = self._replay
        replay.worker_id = worker_id = self._worker_id()
        replay.error = None
        replay.created_trial_id = replay.created_study_id = replay.popped_trial_id = -1
        for record in records:
            record["worker_id"] = worker_id
        if self._broken is not None:
            raise self._broken
        batch = encode_records(records)
        self._backend.append_chunk(batch, durable=durable)
        self._sync(batch)
        error, replay.error = replay.error, None
        if error is not None:
            raise error

    def _read(self) -> JournalReplay:
        self._sync()
        return self._replay

    # ----------------------------------------------------------------------------------------- studies
    def create_new_study(self, directions: Sequence[StudyDirection], study_name: str | None = None) -> int:
        if study_name is None:
            study_name = DEFAULT_STUDY_NAME_PREFIX + str(uuid.uuid4())
        directions = [StudyDirection(d) for d in directions]
        with self._lock:
            self._call(
                [
                    {
                        "op_code": _CREATE_STUDY,
                        "worker_id": "",
                        "study_name": study_name,
                        "directions": [int(d) for d in directions],
                    }
                ],
                durable=True,
            )
            study_id = self._replay.created_study_id
        _logger.info(f"A new study created in Journal with name: {study_name}")
        return study_id

    def delete_study(self, study_id: int) -> None:
        with self._lock:
            self._call([{"op_code": _DELETE_STUDY, "worker_id": "", "study_id": study_id}], durable=True)

    def set_study_user_attr(self, study_id: int, key: str, value: Any) -> None:
        with self._lock:
            self._call(
                [
                    {
                        "op_code": _SET_STUDY_USER_ATTR,
                        "worker_id": "",
                        "study_id": study_id,
                        "user_attr": {key: value},
                    }
                ]
            )

    def set_study_system_attr(self, study_id: int, key: str, value: Any) -> None:
        with self._lock:
            self._call(
                [
                    {
                        "op_code": _SET_STUDY_SYSTEM_ATTR,
                        "worker_id": "",
                        "study_id": study_id,
                        "system_attr": {key: value},
                    }
                ]
            )

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
        record: dict[str, Any] = {
            "op_code": _CREATE_TRIAL,
            "worker_id": "",
            "study_id": study_id,
            "datetime_start": now_string(),
        }
        durable = False
        if template_trial is not None:
            record.update(_template_fields(template_trial))
            durable = template_trial.state.is_finished()
        with self._lock:
            if template_trial is not None:
                self._check_template(study_id, template_trial)
            self._call([record], durable=durable)
            return self._replay.created_trial_id

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
        record = {
            "op_code": _SET_TRIAL_PARAM,
            "worker_id": "",
            "trial_id": trial_id,
            "param_name": param_name,
            "param_value_internal": param_value_internal,
            "distribution": distribution_to_json(distribution),
        }
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
        record: dict[str, Any] = {
            "op_code": _SET_TRIAL_STATE_VALUES,
            "worker_id": "",
            "trial_id": trial_id,
            "state": int(state),
            "values": None if values is None else [float(v) for v in values],
        }
        if state == _RUNNING:
            record["datetime_start"] = now_string()
        elif state.is_finished():
            record["datetime_complete"] = now_string()
        with self._lock:
            # Give up before writing when the outcome is already known: the trial is finished (replay would
            # reject the record and raise the same error), or someone else popped this WAITING trial.
            trial = self._read().trial(trial_id)
            if trial.state in _FINISHED_CODES:
                raise UpdateFinishedTrialError(
                    f"Trial#{trial.number} has already finished and can not be updated."
                )
            check_values(values, len(trial.study.directions))
            if state == _RUNNING and trial.state != TrialState.WAITING:
                return False
            self._call([record], durable=state.is_finished())
            return state != _RUNNING or self._replay.popped_trial_id == trial_id

    def set_trial_intermediate_value(self, trial_id: int, step: int, intermediate_value: float) -> None:
        record = {
            "op_code": _SET_TRIAL_INTERMEDIATE_VALUE,
            "worker_id": "",
            "trial_id": trial_id,
            "step": int(step),
            "intermediate_value": float(intermediate_value),
        }
        with self._lock:
            self._call([record])

    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None:
        with self._lock:
            self._call(
                [
                    {
                        "op_code": _SET_TRIAL_USER_ATTR,
                        "worker_id": "",
                        "trial_id": trial_id,
                        "user_attr": {key: value},
                    }
                ]
            )

    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        if key == HEARTBEAT_KEY:
            raise ValueError(f"The system attribute key {HEARTBEAT_KEY!r} is reserved for heartbeats.")
        with self._lock:
            self._call(
                [
                    {
                        "op_code": _SET_TRIAL_SYSTEM_ATTR,
                        "worker_id": "",
                        "trial_id": trial_id,
                        "system_attr": {key: value},
                    }
                ]
            )

    def get_trial(self, trial_id: int) -> FrozenTrial:
        with self._lock:
            replay = self._read()
            return replay.copied_trial(replay.trial(trial_id))

    def get_all_trials(
        self, study_id: int, deepcopy: bool = True, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]:
        with self._lock:
            replay = self._read()
            trials = replay.trials
            study = replay.study(study_id)
            if states is None:
                if not deepcopy:
                    with _gc_paused(len(study.trial_ids) - len(study.frozen_list) >= _BULK_TRIALS):
                        return list(replay.frozen_trials(study))
                trial_ids = study.trial_ids
            else:
                codes = {int(state) for state in TrialState if state in states}
                if codes == _WAITING_ONLY:
                    trial_ids = sorted(study.waiting)  # IDs grow with numbers within a study
                else:
                    trial_ids = [trial_id for trial_id in study.trial_ids if trials[trial_id].state in codes]
            get = replay.copied_trial if deepcopy else replay.frozen_trial
            with _gc_paused(len(trial_ids) >= _BULK_TRIALS):
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
            self._call(
                [
                    {
                        "op_code": _SET_TRIAL_SYSTEM_ATTR,
                        "worker_id": "",
                        "trial_id": trial_id,
                        "system_attr": {HEARTBEAT_KEY: now_string()},
                    }
                ]
            )

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
            self._sync_without_auto_snapshot()
            target = path if path is not None else self._default_snapshot_path()
            write_snapshot(
                target, self._replay, self._cursor, self._lines, self._last_line_cursor, self._last_line
            )
            return target

    def _sync_without_auto_snapshot(self) -> None:
        interval, self._snapshot_interval = self._snapshot_interval, None
        try:
            self._sync()
        finally:
            self._snapshot_interval = interval

    def _default_snapshot_path(self) -> str:
        file_path = getattr(self._backend, "file_path", None)
        if not isinstance(file_path, str):
            raise ValueError(  # noqa: TRY004 - a missing capability of the backend, not a bad argument type
                f"Snapshots need a file backend or an explicit path; {type(self._backend).__name__} has no file path."
            )
        return file_path + ".snapshot"

    def _load_snapshot(self) -> None:
        try:
            path = self._default_snapshot_path()
        except ValueError:
            return
        try:
            bulk = os.path.getsize(path) >= _BULK_BYTES
        except OSError:
            return  # no snapshot
        with _gc_paused(bulk):
            loaded = load_snapshot(path, self._backend)
        if loaded is not None:
            self._replay, self._cursor, self._lines, self._last_line_cursor, self._last_line = loaded


def _template_fields(template: FrozenTrial) -> dict[str, Any]:
    """The fields of a CREATE_TRIAL record that copies a whole trial (Optuna's layout)."""
    fields: dict[str, Any] = {"state": int(template.state)}
    values = template.values
    if values is not None and len(values) > 1:
        fields["value"] = None
        fields["values"] = list(values)
    else:
        fields["value"] = template.value
        fields["values"] = None
    start = template.datetime_start
    fields["datetime_start"] = None if start is None else format_datetime(start)
    if template.datetime_complete is not None:
        fields["datetime_complete"] = format_datetime(template.datetime_complete)
    dists = template.distributions
    fields["distributions"] = {name: distribution_to_json(dist) for name, dist in dists.items()}
    fields["params"] = {name: dists[name].to_internal_repr(value) for name, value in template.params.items()}
    fields["user_attrs"] = template.user_attrs
    fields["system_attrs"] = template.system_attrs
    fields["intermediate_values"] = template.intermediate_values
    return fields
