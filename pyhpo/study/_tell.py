"""Finishing a trial: validate what the objective returned and record it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pyhpo.exceptions import UpdateFinishedTrialError
from pyhpo.logging import get_logger
from pyhpo.storages import InMemoryStorage
from pyhpo.trial import FrozenTrial, Trial, TrialState

if TYPE_CHECKING:
    from pyhpo.study._study import Study

_logger = get_logger(__name__)

# Module globals: a member looked up on the Enum class costs several times as much, on every trial.
_RUNNING = TrialState.RUNNING
_COMPLETE = TrialState.COMPLETE
_PRUNED = TrialState.PRUNED
_FAIL = TrialState.FAIL


def check_values(study: Study, values: Any) -> tuple[list[float] | None, str | None]:
    """Turn what an objective returned into a list of floats, or say why it cannot be, in Optuna's words.

    As in Optuna, every value is checked and all the problems are reported (joined by "; ") before the count is
    compared with the number of objectives; any Sequence (a str too) is a sequence of values.
    """
    if values is None:
        # Optuna's text for this case ends with a period of its own (so its log line ends in ".."); kept
        # character for character so that log lines match Optuna's.
        return None, "The value None could not be cast to float."
    # A float is the usual answer, and isinstance against the Sequence ABC is the slow check.
    if type(values) is float and values == values and len(study._directions) == 1:  # (NaN != NaN)
        return [values], None
    raw = [values] if type(values) is float else list(values) if isinstance(values, Sequence) else [values]
    errors: list[str] = []
    out: list[float] = []
    for v in raw:
        try:
            f = float(v)
        except (ValueError, TypeError):
            errors.append(f"The value {v!r} could not be cast to float")
            continue
        if math.isnan(f):
            errors.append(f"The value {v} is not acceptable")
        out.append(f)
    if errors:
        return None, "; ".join(errors)
    n_objectives = len(study._directions)
    if len(out) != n_objectives:
        return (
            None,
            f"The number of the values {len(out)} did not match the number of the objectives {n_objectives}",
        )
    return out, None


def tell(
    study: Study,
    trial: Trial | int,
    values: float | Sequence[float] | None,
    state: TrialState | None,
    skip_if_finished: bool,
    share: bool = False,
    hooks: bool | None = None,
) -> tuple[FrozenTrial, str | None]:
    """Record the end of ``trial``; return the finished trial and, when values were rejected, why.

    With ``share``, the returned trial may be the storage's own object (the in-memory storage's): the caller
    reads it and never changes it. Otherwise it is the caller's copy. ``hooks`` is
    :meth:`Study._hooks_after_trial`'s answer when the caller knows it (None: ask).
    """
    study._thread_local.cached_all_trials = None
    storage = study._storage
    # The first test spares the usual case an isinstance check against an ABC.
    live = trial if type(trial) is Trial or isinstance(trial, Trial) else None
    if live is not None:
        if live.study._study_id != study._study_id or live.study._storage is not storage:
            raise ValueError("The trial belongs to another study.")
        trial_id = live._trial_id
        frozen = live._cached_frozen_trial
    elif isinstance(trial, int) and not isinstance(trial, bool):
        try:
            trial_id = storage.get_trial_id_from_study_id_trial_number(study._study_id, trial)
        except KeyError as e:
            raise ValueError(
                f"Cannot tell for trial with number {trial} since it has not been created."
            ) from e
        frozen = storage.get_trial(trial_id)
    else:
        raise TypeError("Trial must be a trial object or trial number.")

    if frozen.state is not _RUNNING:
        if frozen.state.is_finished() and skip_if_finished:
            # A Trial's cached snapshot only tracks its state; the storage has the values and completion time.
            frozen = storage.get_trial(trial_id)
            _logger.info(
                f"Skipped telling trial {frozen.number} with values {values} and state {state} since trial was "
                f"already finished. Finished trial has values {frozen.values} and state {frozen.state}."
            )
            return frozen, None
        raise ValueError(f"Cannot tell a {frozen.state.name} trial.")
    reason: str | None = None
    out_values: list[float] | None = None
    if state is None:
        # What an objective returned: values that cannot be recorded fail the trial (and the caller warns).
        if type(values) is float and values == values and len(study._directions) == 1:
            out_values, state = [values], _COMPLETE  # check_values' answer for one float, not NaN
        else:
            out_values, reason = check_values(study, values)
            state = _COMPLETE if reason is None else _FAIL
    else:
        if not isinstance(state, TrialState) or state not in (_COMPLETE, _PRUNED, _FAIL):
            # Optuna's check and words; a state that is not a TrialState at all ("COMPLETE") is refused alike.
            raise ValueError(f"Cannot tell with state {state}.")
        if (state is _PRUNED or state is _FAIL) and values is not None:
            raise ValueError(
                "Values were told. Values cannot be specified when state is TrialState.PRUNED or "
                "TrialState.FAIL."
            )
        if state is _COMPLETE and values is None:
            raise ValueError("No values were told. Values are required when state is TrialState.COMPLETE.")
        if state is _PRUNED:
            # A pruned trial keeps its last reported value, as in Optuna.
            iv = frozen.intermediate_values
            if iv and not study._is_multi_objective():
                last = iv[max(iv)]
                if not math.isnan(last):
                    out_values = [last]
        elif state is _COMPLETE:
            # An explicit COMPLETE with values that cannot be recorded is the caller's mistake: raise.
            out_values, reason = check_values(study, values)
            if reason is not None:
                raise ValueError(reason)

    # The state is stored even when the sampler's after_trial raises; its exception then propagates (a `return`
    # in the `finally` below would swallow it).
    stored: FrozenTrial | None = None
    done: FrozenTrial | None = None
    try:
        if study._hooks_after_trial() if hooks is None else hooks:
            finished = FrozenTrial(
                frozen.number,
                state,
                None,
                frozen.datetime_start,
                None,
                frozen.params,
                frozen.distributions,
                frozen.user_attrs,
                frozen.system_attrs,
                frozen.intermediate_values,
                trial_id,
                values=out_values,
            )
            # With Hyperband the sampler sees only the trial's bracket, as when it sampled the trial.
            study.sampler.after_trial(study.pruner.filter_study(study, frozen), finished, state, out_values)
    finally:
        try:
            if type(storage) is InMemoryStorage:
                # One lock and no copy for the write and the read below (not for a subclass, which may
                # override the contract's methods).
                stored = storage._finish_trial(trial_id, state, out_values)
            else:
                storage.set_trial_state_values(trial_id, state, out_values)
        except UpdateFinishedTrialError:
            # Someone else finished it (e.g. failed it for a stale heartbeat).
            done = storage.get_trial(trial_id)
            if live is not None:
                live._cached_frozen_trial.state = done.state
            if not skip_if_finished:
                raise ValueError(f"Cannot tell a {done.state.name} trial.") from None
    if done is not None:
        return done, reason
    if live is not None:
        live._cached_frozen_trial.state = state
    if stored is not None:
        return (stored if share else stored._copy()), reason
    return storage.get_trial(trial_id), reason
