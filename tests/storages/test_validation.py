"""pyhpo/storages/_validation.py: the rule itself, and a journal in which another writer left a bad value."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pytest

from pyhpo.distributions import (
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    distribution_to_json,
)
from pyhpo.storages import JournalStorage
from pyhpo.storages._validation import check_param, check_values
from pyhpo.storages.journal import JournalFileBackend
from pyhpo.study import StudyDirection
from pyhpo.trial import TrialState

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.parametrize(
    ("value", "distribution"),
    [
        (math.nan, FloatDistribution(0, 1)),
        (-math.inf, FloatDistribution(0, 1)),
        (7.0, FloatDistribution(0, 1)),
        (0.3, FloatDistribution(0, 1, step=0.5)),
        (-5.0, FloatDistribution(1, 10, log=True)),
        (11.0, IntDistribution(0, 10)),
        (3, IntDistribution(0, 4, step=2)),
        (True, CategoricalDistribution([1, 2])),
        (1.0, CategoricalDistribution([1, 2])),
    ],
)
def test_values_that_read_back_as_themselves_are_accepted(value: float, distribution: object) -> None:
    check_param("p", value, distribution)  # type: ignore[arg-type]


def test_values_per_objective_are_counted_and_none_is_always_accepted() -> None:
    check_values(None, 2)
    check_values([1.0, math.inf], 2)
    with pytest.raises(ValueError, match="values 0 did not match the number of the objectives 1"):
        check_values([], 1)


def test_journal_replay_leaves_out_a_parameter_another_writer_stored_outside_its_choices(
    tmp_path: Path,
) -> None:
    path = str(tmp_path / "journal.log")
    storage = JournalStorage(JournalFileBackend(path))
    study_id = storage.create_new_study([StudyDirection.MINIMIZE], "foreign")
    trial_id = storage.create_new_trial(study_id)
    # What a writer that does not check (Optuna, an older pyhpo) appends for an index past the end.
    foreign = {
        "op_code": 5,
        "worker_id": "someone-else",
        "trial_id": trial_id,
        "param_name": "c",
        "param_value_internal": 99.0,
        "distribution": distribution_to_json(CategoricalDistribution(["a", "b"])),
    }
    JournalFileBackend(path).append_logs([foreign])
    storage.set_trial_param(trial_id, "x", 0.5, FloatDistribution(0, 1))
    storage.set_trial_state_values(trial_id, TrialState.COMPLETE, [1.0])
    for reader in (storage, JournalStorage(JournalFileBackend(path))):
        (trial,) = reader.get_all_trials(study_id)
        assert trial.params == {"x": 0.5}  # the study reads; the value that would break it is left out
