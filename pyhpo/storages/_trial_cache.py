"""What a process remembers of the trials it has read from a shared storage, for the RDB storage and the gRPC
client alike.

A finished trial never changes again (the storage contract), so once read it is kept for good, by id, and a
poll of a study asks the storage only for what may have changed: trials above the highest id seen and the ones
seen unfinished. A RUNNING trial belongs to the worker that created it, and only that worker writes to it, so
the worker keeps a write-through copy of its own running trials and reads them without a round trip. :class:`TrialCache` holds those finished trials and one :class:`StudyTrials` per study; the
backend decides how it fetches, this module only what it keeps.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from pyhpo._values import FrozenTrial, StudyDirection, TrialState

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["StudyTrials", "TrialCache", "rebuild_trial"]


def rebuild_trial(trial: FrozenTrial, **changes: Any) -> FrozenTrial:
    """A copy of ``trial`` with some fields replaced, built through the public constructor (which checks them)."""
    fields: dict[str, Any] = {
        "number": trial.number,
        "state": trial.state,
        "value": None,
        "values": trial.values,
        "datetime_start": trial.datetime_start,
        "datetime_complete": trial.datetime_complete,
        "params": dict(trial.params),
        "distributions": dict(trial.distributions),
        "user_attrs": dict(trial.user_attrs),
        "system_attrs": dict(trial.system_attrs),
        "intermediate_values": dict(trial.intermediate_values),
        "trial_id": trial._trial_id,
    }
    fields.update(changes)
    return FrozenTrial(**fields)


class StudyTrials:
    """What one process knows about the trials of one study.

    ``trials`` maps trial id to trial in number order. Finished trials in it are final; unfinished ones are
    replaced on every poll. ``last_id`` is the highest trial id seen (a poll asks for ids above it).
    """

    __slots__ = (
        "_in_order",
        "best",
        "counts",
        "directions",
        "id_by_number",
        "last_id",
        "max_number",
        "name",
        "trials",
        "unfinished",
    )

    def __init__(self, name: str, directions: list[StudyDirection]) -> None:
        self.name = name
        self.directions = directions
        self.trials: dict[int, FrozenTrial] = {}
        self.unfinished: set[int] = set()
        self.last_id = -1
        self.id_by_number: dict[int, int] = {}
        self.best: FrozenTrial | None = None
        self.counts: dict[TrialState, int] = {}
        self.max_number = -1
        self._in_order = True

    def has_gaps(self) -> bool:
        """True when a number below the highest seen is missing: a trial became visible after one with a higher
        id did (concurrent transactions), so a poll above ``last_id`` would never see it. Poll everything then."""
        return len(self.id_by_number) != self.max_number + 1

    def select(self, states: Any) -> list[FrozenTrial]:
        """The trials in ``states`` (None: all), by number, without scanning finished trials for the usual
        question "which are RUNNING/WAITING"."""
        if not self._in_order:
            self.trials = dict(sorted(self.trials.items(), key=lambda item: item[1].number))
            self._in_order = True
        if states is None:
            return list(self.trials.values())
        listed = isinstance(states, (tuple, list, set, frozenset))
        if listed and all(isinstance(s, TrialState) and not s.is_finished() for s in states):
            picked: Iterable[FrozenTrial] = sorted(
                (self.trials[i] for i in self.unfinished), key=lambda t: t.number
            )
        else:
            picked = self.trials.values()
        return [t for t in picked if t.state in states]

    def absorb(self, trial: FrozenTrial) -> None:
        """Take in a trial read from the storage (a finished one already known is kept as it is)."""
        old = self.trials.get(trial._trial_id)
        if old is not None:
            if old.state.is_finished():
                return  # a concurrent poll with an older snapshot must not undo what we know
            self.counts[old.state] -= 1
        elif trial.number < self.max_number:
            self._in_order = False
        self.counts[trial.state] = self.counts.get(trial.state, 0) + 1
        self.trials[trial._trial_id] = trial
        self.id_by_number[trial.number] = trial._trial_id
        self.max_number = max(self.max_number, trial.number)
        self.last_id = max(self.last_id, trial._trial_id)
        if trial.state.is_finished():
            self.unfinished.discard(trial._trial_id)
            if trial.state == TrialState.COMPLETE and len(self.directions) == 1:
                self._consider_best(trial)
        else:
            self.unfinished.add(trial._trial_id)

    def _consider_best(self, trial: FrozenTrial) -> None:
        if self.best is None:
            self.best = trial
            return
        assert trial.value is not None and self.best.value is not None
        better = (
            trial.value > self.best.value
            if self.directions[0] == StudyDirection.MAXIMIZE
            else trial.value < self.best.value
        )
        # Ties go to the lower number, which is what a scan in number order would keep.
        if better or (trial.value == self.best.value and trial.number < self.best.number):
            self.best = trial


class TrialCache:
    """Finished trials by id, and a :class:`StudyTrials` per study, behind one lock.

    ``finished_trial`` is a plain dictionary read, safe without the lock; everything that changes the cache or
    reads a :class:`StudyTrials` holds ``lock``.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.finished: dict[int, FrozenTrial] = {}
        self.studies: dict[int, StudyTrials] = {}
        self.owned: dict[int, FrozenTrial] = {}  # this worker's RUNNING trials, as it wrote them

    def finished_trial(self, trial_id: int) -> FrozenTrial | None:
        """The trial if this process has seen it finished, else None."""
        return self.finished.get(trial_id)

    def keep_finished(self, trial: FrozenTrial) -> None:
        """Remember a finished trial read on its own (not through a poll of its study)."""
        with self.lock:
            self.finished[trial._trial_id] = trial

    def forget_trial(self, trial_id: int) -> None:
        """Forget a trial id: a storage that hands out ids of deleted trials again (SQLite) just did."""
        with self.lock:
            self.finished.pop(trial_id, None)
            self.owned.pop(trial_id, None)

    def own(self, trial: FrozenTrial) -> None:
        """Keep a copy of a RUNNING trial this worker created; its writes keep it up to date (``update_owned``)."""
        with self.lock:
            self.finished.pop(trial._trial_id, None)
            self.owned[trial._trial_id] = trial

    def owned_trial(self, trial_id: int) -> FrozenTrial | None:
        return self.owned.get(trial_id)

    def update_owned(self, trial_id: int, **changes: Any) -> None:
        """Apply a write that succeeded to the copy of an owned trial (nothing when the trial is not owned)."""
        with self.lock:
            trial = self.owned.get(trial_id)
            if trial is not None:
                self.owned[trial_id] = rebuild_trial(trial, **changes)

    def disown(self, trial_id: int) -> FrozenTrial | None:
        """Stop answering for a trial (finished, or a write found it changed by someone else); return the copy."""
        with self.lock:
            return self.owned.pop(trial_id, None)

    def finish_owned(self, trial_id: int, **changes: Any) -> None:
        """An owned trial was finished by this worker: what it wrote is the finished trial, final from now on.

        Kept among finished trials, and in its study's view when a poll has seen it (a trial a poll has not seen
        is left to the next poll: adding it would move the poll's high-water mark past trials not yet read).
        """
        with self.lock:
            trial = self.owned.pop(trial_id, None)
            if trial is None:
                return
            final = rebuild_trial(trial, **changes)
            self.finished[trial_id] = final
            for view in self.studies.values():
                if trial_id in view.trials:
                    view.absorb(final)
                    break

    def study(self, study_id: int) -> StudyTrials | None:
        return self.studies.get(study_id)

    def absorb(
        self,
        study_id: int,
        trials: Iterable[FrozenTrial],
        name: str = "",
        directions: list[StudyDirection] | None = None,
    ) -> StudyTrials:
        """Take in trials a poll of ``study_id`` returned; return the study's view.

        A new ``name`` (or ``directions`` given, as on a first read) starts the study's view over: the id was
        reused for another study, and nothing remembered of the old one may leak into the new one. Call with
        ``lock`` held.
        """
        view = self.studies.get(study_id)
        if directions is not None or view is None or view.name != name:
            view = StudyTrials(name, directions if directions is not None else [])
            self.studies[study_id] = view
        for trial in trials:
            view.absorb(trial)
            if trial.state.is_finished():
                self.finished[trial._trial_id] = view.trials[trial._trial_id]
            else:  # a reused id (SQLite) of a finished trial of a deleted study
                self.finished.pop(trial._trial_id, None)
        return view

    def drop_study(self, study_id: int) -> None:
        with self.lock:
            self.studies.pop(study_id, None)

    def clear(self) -> None:
        """Forget everything (after a study was deleted, when which trials were its is not known)."""
        with self.lock:
            self.studies.clear()
            self.finished.clear()
            self.owned.clear()
