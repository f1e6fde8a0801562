"""pyhpo.exceptions: the hierarchy, Optuna's names, and errors that survive pickling."""

from __future__ import annotations

import pickle

import pytest

import pyhpo
from pyhpo import exceptions as ex


def test_every_error_is_a_pyhpo_error_and_optuna_error_is_its_alias() -> None:
    assert ex.OptunaError is ex.PyhpoError
    for cls in (
        ex.TrialPruned,
        ex.CLIUsageError,
        ex.StorageInternalError,
        ex.JournalCorruptionError,
        ex.DuplicatedStudyError,
        ex.UpdateFinishedTrialError,
    ):
        assert issubclass(cls, ex.PyhpoError), cls


def test_errors_are_also_the_builtin_they_mean() -> None:
    assert issubclass(ex.JournalCorruptionError, ex.StorageInternalError)
    assert issubclass(ex.JournalCorruptionError, ValueError)
    assert issubclass(ex.UpdateFinishedTrialError, RuntimeError)
    # Optuna's ExperimentalWarning is a plain Warning, not a UserWarning: so is ours.
    assert issubclass(ex.ExperimentalWarning, Warning)
    assert not issubclass(ex.ExperimentalWarning, UserWarning)
    assert not issubclass(ex.TrialPruned, ValueError)


def test_trial_pruned_is_exported_at_the_top_level() -> None:
    assert pyhpo.TrialPruned is ex.TrialPruned
    with pytest.raises(pyhpo.exceptions.OptunaError):
        raise pyhpo.TrialPruned("stop")


def test_journal_corruption_error_names_path_offset_and_line() -> None:
    err = ex.JournalCorruptionError("/tmp/j.log", 1234, 7, "bad json")
    assert (err.path, err.offset, err.line_number, err.reason) == ("/tmp/j.log", 1234, 7, "bad json")
    text = str(err)
    assert "/tmp/j.log" in text and "1234" in text and "line 7" in text and "bad json" in text
    assert "not a valid journal record" in str(ex.JournalCorruptionError("p", 0, 1))


def test_journal_corruption_error_survives_pickling_across_processes() -> None:
    err = pickle.loads(pickle.dumps(ex.JournalCorruptionError("/x", 5, 2, "why")))
    assert isinstance(err, ex.JournalCorruptionError)
    assert (err.path, err.offset, err.line_number, err.reason) == ("/x", 5, 2, "why")


@pytest.mark.parametrize(
    "cls",
    [
        ex.TrialPruned,
        ex.DuplicatedStudyError,
        ex.UpdateFinishedTrialError,
        ex.StorageInternalError,
        ex.CLIUsageError,
    ],
)
def test_simple_errors_keep_their_message_through_pickling(cls: type[Exception]) -> None:
    err = pickle.loads(pickle.dumps(cls("message 42")))
    assert type(err) is cls and str(err) == "message 42"


def test_optuna_code_catching_optuna_names_catches_ours() -> None:
    import pyhpo as optuna

    with pytest.raises(optuna.exceptions.DuplicatedStudyError):
        storage = optuna.storages.InMemoryStorage()
        optuna.create_study(storage=storage, study_name="dup")
        optuna.create_study(storage=storage, study_name="dup")
