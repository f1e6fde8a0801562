"""Replay of journal records into in-memory state.

The state is a pure function of the records in log order: study IDs count CREATE_STUDY records that took
effect, trial IDs count CREATE_TRIAL records that took effect, trial numbers count a study's trials. Every
process replaying the same log derives the same IDs, whoever wrote what.

A record can lose a race (a second worker finishing an already finished trial, two workers popping the same
WAITING trial, a study name taken in between), or carry a parameter value that would not read back (see
``pyhpo.storages._validation``; pyhpo's writers never write one). Replay skips such a record; when the record was
written by the worker doing the replay, the conflict is part of the :class:`ReplayOutcome` that
:meth:`JournalReplay.apply` returns, and the storage raises it to that worker only, as Optuna does.

Per-trial state is kept in plain slotted objects holding what the records hold (internal parameter values,
distribution JSON strings, timestamp strings); a :class:`~pyhpo.trial.FrozenTrial` is built only when asked
for and cached until the trial changes, so finished trials are built once.
"""

from __future__ import annotations

import contextlib
import copy
import gc
import math
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from pyhpo._values import FrozenStudy, FrozenTrial, StudyDirection, TrialState
from pyhpo.distributions import BaseDistribution, check_distribution_compatibility, json_to_distribution
from pyhpo.exceptions import DuplicatedStudyError, UpdateFinishedTrialError
from pyhpo.storages._validation import check_param
from pyhpo.storages.journal._format import HEARTBEAT_KEY, parse_datetime

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["JournalPosition", "JournalReplay", "ReplayOutcome", "gc_paused"]

NOT_FOUND_MSG = "Record does not exist."
UNUPDATABLE_MSG = "Trial#{trial_number} has already finished and can not be updated."

_STATES = {int(s): s for s in TrialState}
_RUNNING = int(TrialState.RUNNING)
_WAITING = int(TrialState.WAITING)
_COMPLETE = int(TrialState.COMPLETE)
_FINISHED = frozenset(int(s) for s in TrialState if s.is_finished())


class _Study:
    __slots__ = (
        "best",
        "best_exact",
        "deleted",
        "directions",
        "frozen_list",
        "name",
        "param_refs",
        "stale",
        "study_id",
        "system_attrs",
        "trial_ids",
        "user_attrs",
        "waiting",
    )  # fmt: skip

    def __init__(self, study_id: int, name: str, directions: list[StudyDirection]) -> None:
        self.study_id = study_id
        self.name = name
        self.directions = directions
        self.user_attrs: dict[str, Any] = {}
        self.system_attrs: dict[str, Any] = {}
        self.trial_ids: list[int] = []
        # Parameter name -> (lowest trial number holding it, its distribution JSON): the distribution a
        # new value of that parameter must be compatible with (Optuna checks against the first trial).
        self.param_refs: dict[str, tuple[int, str]] = {}
        # Indexes that keep the per-trial questions of the optimize loop O(1) instead of O(trials):
        self.waiting: dict[int, None] = {}  # IDs of WAITING trials (ask pops from here)
        self.best = -1  # ID of the best COMPLETE trial of a single-objective study, -1 if none
        self.best_exact = True  # False once a NaN value makes the incremental best unreliable
        self.frozen_list: list[FrozenTrial] = []  # cached FrozenTrials by number ...
        self.stale: set[int] = set()  # ... except these numbers, changed since
        self.deleted = False


class _Trial:
    __slots__ = (
        "complete",
        "dists",
        "frozen",
        "inter",
        "number",
        "params",
        "start",
        "state",
        "study",
        "study_id",
        "system_attrs",
        "trial_id",
        "user_attrs",
        "values",
    )  # fmt: skip

    def __init__(self, trial_id: int, study: _Study, number: int) -> None:
        self.trial_id = trial_id
        self.study = study
        self.study_id = study.study_id
        self.number = number
        self.state = _RUNNING
        self.values: list[float] | None = None
        self.start: str | None = None
        self.complete: str | None = None
        self.params: dict[str, Any] = {}
        self.dists: dict[str, str] = {}
        self.user_attrs: dict[str, Any] = {}
        self.system_attrs: dict[str, Any] = {}
        self.inter: dict[int, float] = {}
        self.frozen: FrozenTrial | None = None


@dataclass(frozen=True, slots=True)
class JournalPosition:
    """How far into the journal a replay has read.

    ``cursor`` is the backend cursor just past the last replayed line, ``lines`` the number of lines replayed
    (line numbers in error messages), ``last_line`` the last replayed line and ``last_line_cursor`` where it
    starts (a snapshot stores its hash to recognise the journal it was taken from).
    """

    cursor: int = 0
    lines: int = 0
    last_line: bytes = b""
    last_line_cursor: int = 0


@contextlib.contextmanager
def gc_paused(bulk: bool) -> Iterator[None]:
    """Pause the cyclic garbage collector for bulk work (a large chunk to replay, many trials to build).

    Such work allocates hundreds of thousands of small containers, none of them garbage, and the collector
    would otherwise traverse them again and again (measured: about half the time of a cold load).
    """
    if not bulk or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class ReplayOutcome(NamedTuple):
    """What applying a run of records meant for the worker that asked (its own records among them).

    ``applied`` counts the records applied: all of them, or the index of the first one that is not a valid
    journal record (the caller reports the corruption). The rest is about the worker's own records: the first
    conflict one of them lost, the study and trial it created, the WAITING trial it popped (``-1``: none).
    """

    applied: int
    error: Exception | None = None
    created_study_id: int = -1
    created_trial_id: int = -1
    popped_trial_id: int = -1

    def then(self, later: ReplayOutcome) -> ReplayOutcome:
        """The outcome of this run followed by ``later`` (the first error wins; ``applied`` is ``later``'s)."""
        return ReplayOutcome(
            later.applied,
            self.error if self.error is not None else later.error,
            later.created_study_id if later.created_study_id >= 0 else self.created_study_id,
            later.created_trial_id if later.created_trial_id >= 0 else self.created_trial_id,
            later.popped_trial_id if later.popped_trial_id >= 0 else self.popped_trial_id,
        )


class JournalReplay:
    """Everything the records say so far."""

    def __init__(self) -> None:
        self.studies: dict[int, _Study] = {}
        self.study_names: dict[str, int] = {}
        self.next_study_id = 0
        self.trials: list[_Trial] = []
        # Latest heartbeat (POSIX time) of trials that are RUNNING and have one.
        self.heartbeats: dict[int, float] = {}
        self._dist_cache: dict[str, BaseDistribution] = {}
        # Scratch of one apply() call: whose records count as own, and what became of them.
        self._worker_id: str | None = None
        self._error: Exception | None = None
        self._created_trial_id = -1
        self._created_study_id = -1
        self._popped_trial_id = -1
        self._handlers = dict(
            enumerate(
                (
                    self._create_study,
                    self._delete_study,
                    self._set_study_user_attr,
                    self._set_study_system_attr,
                    self._create_trial,
                    self._set_trial_param,
                    self._set_trial_state_values,
                    self._set_trial_intermediate_value,
                    self._set_trial_user_attr,
                    self._set_trial_system_attr,
                    self._discard_trials,
                )
            )
        )

    # ----------------------------------------------------------------------------------------- replay
    def apply(self, records: list[dict[str, Any]], worker_id: str | None = None) -> ReplayOutcome:
        """Apply records in order; those whose ``worker_id`` is ``worker_id`` are the caller's own.

        Returns:
            The outcome: how many records were applied (all, or up to the first that is not a valid journal
            record), and what became of the caller's own records.
        """
        self._worker_id = worker_id
        self._error = None
        self._created_study_id = self._created_trial_id = self._popped_trial_id = -1
        handlers = self._handlers
        applied = len(records)
        for index, record in enumerate(records):
            try:
                handlers[record["op_code"]](record)
            except (KeyError, TypeError, ValueError, IndexError, AttributeError):
                applied = index
                break
        self._worker_id = None
        return ReplayOutcome(
            applied, self._error, self._created_study_id, self._created_trial_id, self._popped_trial_id
        )

    def _own(self, record: dict[str, Any]) -> bool:
        return bool(record["worker_id"] == self._worker_id)

    def _fail(self, record: dict[str, Any], error: Exception) -> None:
        if self._error is None and record["worker_id"] == self._worker_id:
            self._error = error

    def distribution(self, text: str) -> BaseDistribution:
        dist = self._dist_cache.get(text)
        if dist is None:
            dist = self._dist_cache[text] = json_to_distribution(text)
        return dist

    def _create_study(self, record: dict[str, Any]) -> None:
        name = record["study_name"]
        directions = [StudyDirection(d) for d in record["directions"]]
        if not isinstance(name, str):
            raise TypeError(name)
        if name in self.study_names:
            self._fail(record, DuplicatedStudyError(f"Another study with name '{name}' already exists."))
            return
        study_id = self.next_study_id
        self.next_study_id += 1
        self.studies[study_id] = _Study(study_id, name, directions)
        self.study_names[name] = study_id
        if self._own(record):
            self._created_study_id = study_id

    def _live_study(self, record: dict[str, Any]) -> _Study | None:
        study = self.studies.get(record["study_id"])
        if study is None:
            self._fail(record, KeyError(NOT_FOUND_MSG))
        return study

    def _delete_study(self, record: dict[str, Any]) -> None:
        study = self._live_study(record)
        if study is not None:
            del self.studies[study.study_id]
            del self.study_names[study.name]
            study.deleted = True

    def _set_study_user_attr(self, record: dict[str, Any]) -> None:
        study = self._live_study(record)
        if study is not None:
            study.user_attrs.update(record["user_attr"])

    def _set_study_system_attr(self, record: dict[str, Any]) -> None:
        study = self._live_study(record)
        if study is not None:
            study.system_attrs.update(record["system_attr"])

    def _create_trial(self, record: dict[str, Any]) -> None:
        study = self._live_study(record)
        if study is None:
            return
        trial_id = len(self.trials)
        trial = _Trial(trial_id, study, len(study.trial_ids))
        trial.start = record["datetime_start"]
        if "state" in record:
            trial.state = _STATES[record["state"]].value
            values = record.get("values")
            if values is None and record.get("value") is not None:
                values = [record["value"]]
            trial.values = None if values is None else list(values)
            trial.complete = record.get("datetime_complete")
            dists = record.get("distributions") or {}
            params = record.get("params") or {}
            for name in params:
                self.distribution(dists[name])  # validate; the cache makes later reads free
            trial.dists = dict(dists)
            trial.params = dict(params)
            trial.user_attrs = dict(record.get("user_attrs") or {})
            system_attrs = dict(record.get("system_attrs") or {})
            system_attrs.pop(HEARTBEAT_KEY, None)
            trial.system_attrs = system_attrs
            trial.inter = {
                int(step): value for step, value in (record.get("intermediate_values") or {}).items()
            }
            refs = study.param_refs
            for name in params:
                if name not in refs:
                    refs[name] = (trial.number, dists[name])
        self.trials.append(trial)
        study.trial_ids.append(trial_id)
        if trial.state == _WAITING:
            study.waiting[trial_id] = None
        elif trial.state == _COMPLETE:
            self._consider_best(study, trial)
        if record["worker_id"] == self._worker_id:
            self._created_trial_id = trial_id

    def _updatable(self, record: dict[str, Any]) -> _Trial | None:
        trial_id = record["trial_id"]
        if type(trial_id) is not int or not 0 <= trial_id < len(self.trials):
            self._fail(record, KeyError(NOT_FOUND_MSG))
            return None
        trial = self.trials[trial_id]
        if trial.study.deleted:
            # Its study was deleted. (Optuna keeps such trials reachable; pyhpo's contract says they are gone.
            # Either way they keep their IDs, so IDs agree between the two.)
            self._fail(record, KeyError(NOT_FOUND_MSG))
            return None
        if trial.state in _FINISHED:
            self._fail(record, UpdateFinishedTrialError(UNUPDATABLE_MSG.format(trial_number=trial.number)))
            return None
        return trial

    def _set_trial_param(self, record: dict[str, Any]) -> None:
        # The hottest handler: the common case (a live trial of a live study) is checked inline.
        trial_id = record["trial_id"]
        trials = self.trials
        trial: _Trial | None
        if type(trial_id) is int and 0 <= trial_id < len(trials):
            trial = trials[trial_id]
            if trial.state in _FINISHED or trial.study.deleted:
                trial = self._updatable(record)
        else:
            trial = self._updatable(record)
        if trial is None:
            return
        name = record["param_name"]
        text = record["distribution"]
        value = record["param_value_internal"]
        dist = self._dist_cache.get(text) or self.distribution(text)
        try:
            check_param(name, value, dist)
        except (TypeError, ValueError) as err:
            # Written by a writer that did not check (an older release, another library): the value would
            # break every read of the study, so it is left out, like a record that lost a race.
            self._fail(record, err)
            return
        refs = trial.study.param_refs
        ref = refs.get(name)
        if ref is not None and ref[1] != text:
            try:
                check_distribution_compatibility(self.distribution(ref[1]), dist)
            except ValueError as err:
                self._fail(record, err)
                return
        if ref is None or ref[0] >= trial.number:
            refs[name] = (trial.number, text)
        trial.params[name] = value
        trial.dists[name] = text
        self._touch(trial)

    def _set_trial_state_values(self, record: dict[str, Any]) -> None:
        trial_id = record["trial_id"]
        trials = self.trials
        trial: _Trial | None
        if type(trial_id) is int and 0 <= trial_id < len(trials):
            trial = trials[trial_id]
            if trial.state in _FINISHED or trial.study.deleted:
                trial = self._updatable(record)
        else:
            trial = self._updatable(record)
        if trial is None:
            return
        state = _STATES[record["state"]].value
        values = record["values"]
        if state == _RUNNING:
            if trial.state == _RUNNING:
                return  # Another worker popped this WAITING trial first.
            trial.start = record["datetime_start"]
            if self._own(record):
                self._popped_trial_id = trial.trial_id
        elif state in _FINISHED:
            trial.complete = record["datetime_complete"]
            self.heartbeats.pop(trial.trial_id, None)
        old_state, trial.state = trial.state, state
        if values is not None:
            trial.values = list(values)
        self._touch(trial)
        study = trial.study
        if old_state == _WAITING:
            study.waiting.pop(trial.trial_id, None)
        if state == _WAITING:
            study.waiting[trial.trial_id] = None
        elif state == _COMPLETE:
            self._consider_best(study, trial)

    def _set_trial_intermediate_value(self, record: dict[str, Any]) -> None:
        trial = self._updatable(record)
        if trial is not None:
            trial.inter[record["step"]] = record["intermediate_value"]
            self._touch(trial)

    def _set_trial_user_attr(self, record: dict[str, Any]) -> None:
        trial = self._updatable(record)
        if trial is not None:
            trial.user_attrs.update(record["user_attr"])
            self._touch(trial)

    def _set_trial_system_attr(self, record: dict[str, Any]) -> None:
        attr = record["system_attr"]
        if HEARTBEAT_KEY in attr:
            # Heartbeats never conflict: a late one for a finished trial is simply moot.
            trial_id = record["trial_id"]
            beat = datetime.fromisoformat(attr[HEARTBEAT_KEY]).timestamp()
            if (
                type(trial_id) is int
                and 0 <= trial_id < len(self.trials)
                and self.trials[trial_id].state == _RUNNING
            ):
                self.heartbeats[trial_id] = beat
            return
        trial = self._updatable(record)
        if trial is not None:
            trial.system_attrs.update(attr)
            self._touch(trial)

    def _touch(self, trial: _Trial) -> None:
        """Forget the cached FrozenTrial of a trial that just changed."""
        if trial.frozen is not None:
            trial.frozen = None
            trial.study.stale.add(trial.number)

    def _consider_best(self, study: _Study, trial: _Trial) -> None:
        values = trial.values
        if len(study.directions) != 1 or values is None or len(values) != 1:
            return
        value = values[0]
        if math.isnan(value):
            study.best_exact = False  # NaN: leave it to a full scan
            return
        if study.best < 0:
            study.best = trial.trial_id
            return
        best = self.trials[study.best]
        best_value = best.values[0]  # type: ignore[index]
        if study.directions[0] == StudyDirection.MAXIMIZE:
            better = value > best_value
        else:
            better = value < best_value
        if better or (value == best_value and trial.number < best.number):
            study.best = trial.trial_id

    def reindex(self) -> None:
        """Rebuild the per-study indexes from the trials (after loading a snapshot)."""
        for study in self.studies.values():
            study.waiting.clear()
            study.best, study.best_exact = -1, True
            for trial_id in study.trial_ids:
                trial = self.trials[trial_id]
                if trial.state == _WAITING:
                    study.waiting[trial_id] = None
                elif trial.state == _COMPLETE:
                    self._consider_best(study, trial)

    def _discard_trials(self, record: dict[str, Any]) -> None:
        """Op 10 belongs to another implementation; Optuna skips it and so do we."""

    # ---------------------------------------------------------------------------------------- queries
    def study(self, study_id: int) -> _Study:
        study = self.studies.get(study_id)
        if study is None:
            raise KeyError(NOT_FOUND_MSG)
        return study

    def trial(self, trial_id: int) -> _Trial:
        if type(trial_id) is not int or not 0 <= trial_id < len(self.trials):
            raise KeyError(NOT_FOUND_MSG)
        trial = self.trials[trial_id]
        if trial.study.deleted:
            raise KeyError(NOT_FOUND_MSG)
        return trial

    def frozen_study(self, study: _Study) -> FrozenStudy:
        return FrozenStudy(
            study_name=study.name,
            direction=None,
            user_attrs=copy.deepcopy(study.user_attrs),
            system_attrs=copy.deepcopy(study.system_attrs),
            study_id=study.study_id,
            directions=list(study.directions),
        )

    def frozen_trials(self, study: _Study) -> list[FrozenTrial]:
        """The cached FrozenTrials of a study by number, brought up to date (shared: do not mutate)."""
        cache = study.frozen_list
        trials = self.trials
        trial_ids = study.trial_ids
        if study.stale:
            for number in study.stale:
                if number < len(cache):
                    cache[number] = self.frozen_trial(trials[trial_ids[number]])
            study.stale.clear()
        if len(cache) < len(trial_ids):
            frozen_trial = self.frozen_trial
            cache.extend(frozen_trial(trials[trial_id]) for trial_id in trial_ids[len(cache) :])
        return cache

    def frozen_trial(self, trial: _Trial) -> FrozenTrial:
        """The cached FrozenTrial of a trial (shared: callers must not mutate it)."""
        frozen = trial.frozen
        if frozen is None:
            frozen = trial.frozen = self._build(trial, trial.state in _FINISHED)
        return frozen

    def copied_trial(self, trial: _Trial) -> FrozenTrial:
        """A FrozenTrial the caller owns: copied from the cache, or built directly when nothing is cached."""
        frozen = trial.frozen
        if frozen is not None:
            return frozen._copy()
        return self._build(trial, False)

    def _build(self, trial: _Trial, share: bool) -> FrozenTrial:
        # A finished trial never changes again, so a cached FrozenTrial may share the replay's containers; a
        # live one, or one handed to a caller, gets its own (replay updates containers in place).
        distribution = self.distribution
        dists = {name: distribution(text) for name, text in trial.dists.items()}
        return FrozenTrial(
            trial.number,
            _STATES[trial.state],
            None,
            None if trial.start is None else parse_datetime(trial.start),
            None if trial.complete is None else parse_datetime(trial.complete),
            {name: dists[name].to_external_repr(value) for name, value in trial.params.items()},
            dists,
            trial.user_attrs if share else _copy_attrs(trial.user_attrs),
            trial.system_attrs if share else _copy_attrs(trial.system_attrs),
            trial.inter if share else dict(trial.inter),
            trial.trial_id,
            values=trial.values,
        )


def _copy_attrs(attrs: dict[str, Any]) -> dict[str, Any]:
    """Copy attributes; JSON values are immutable except lists and dicts, which are copied deeply."""
    if not attrs:
        return {}
    for value in attrs.values():
        if isinstance(value, (list, dict)):
            return copy.deepcopy(attrs)
    return dict(attrs)
