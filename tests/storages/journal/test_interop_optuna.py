"""Interop with the real optuna package: our journal in Optuna, Optuna's journal (and golden files) in ours."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from conftest import MemoryJournalBackend

from pyhpo.distributions import (
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    distribution_to_json,
)
from pyhpo.storages.journal._storage import JournalStorage
from pyhpo.study._study_direction import StudyDirection
from pyhpo.trial import TrialState, create_trial

optuna = pytest.importorskip("optuna", reason="the optuna package is needed for interop tests")

pytestmark = [pytest.mark.interop("journal file (JSON Lines records, op codes)")]

ASSETS = Path(__file__).parent / "assets"


def summarize_trial(trial: Any) -> dict[str, Any]:
    """The comparable content of a FrozenTrial of either library (enums as ints, distributions as JSON)."""
    return {
        "trial_id": trial._trial_id,
        "number": trial.number,
        "state": int(trial.state),
        "values": trial.values,
        "params": trial.params,
        "distributions": {k: json.loads(distribution_to_json_any(d)) for k, d in trial.distributions.items()},
        "user_attrs": trial.user_attrs,
        "system_attrs": trial.system_attrs,
        "intermediate_values": {str(k): v for k, v in trial.intermediate_values.items()},
        "datetime_start": None if trial.datetime_start is None else trial.datetime_start.isoformat(),
        "datetime_complete": None if trial.datetime_complete is None else trial.datetime_complete.isoformat(),
    }


def distribution_to_json_any(dist: Any) -> str:
    if type(dist).__module__.startswith("optuna"):
        return str(optuna.distributions.distribution_to_json(dist))
    return distribution_to_json(dist)


def summarize_storage(storage: Any) -> list[dict[str, Any]]:
    out = []
    for study in storage.get_all_studies():
        out.append(
            {
                "study_id": study._study_id,
                "study_name": study.study_name,
                "directions": [int(d) for d in study.directions],
                "user_attrs": study.user_attrs,
                "system_attrs": study.system_attrs,
                "trials": [summarize_trial(t) for t in storage.get_all_trials(study._study_id)],
            }
        )
    return out


def write_with_pyhpo(storage: JournalStorage) -> None:
    """Every operation the journal knows, including conflicts and a deleted study."""
    s0 = storage.create_new_study([StudyDirection.MINIMIZE], "single")
    storage.set_study_user_attr(s0, "owner", {"name": "x", "tags": [1, 2]})
    storage.set_study_system_attr(s0, "sys", 3)
    dist_x = FloatDistribution(-1.0, 1.0)
    dist_n = IntDistribution(1, 64, log=True)
    dist_c = CategoricalDistribution(["a", None, 2.5])
    for i, state in enumerate([TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL, TrialState.RUNNING]):
        trial_id = storage.create_new_trial(s0)
        storage.set_trial_param(trial_id, "x", i / 10, dist_x)
        storage.set_trial_param(trial_id, "n", float(2**i), dist_n)
        storage.set_trial_param(trial_id, "c", i % 3, dist_c)
        storage.set_trial_intermediate_value(trial_id, 0, 1.5 * i)
        storage.set_trial_intermediate_value(trial_id, 3, -0.5)
        storage.set_trial_user_attr(trial_id, "u", [i, "é"])
        storage.set_trial_system_attr(trial_id, "s", {"k": i})
        if state != TrialState.RUNNING:
            storage.set_trial_state_values(
                trial_id, state, [float(i)] if state == TrialState.COMPLETE else None
            )
    storage.create_new_trial(
        s0, create_trial(state=TrialState.WAITING, params={"x": 0.5}, distributions={"x": dist_x})
    )
    s1 = storage.create_new_study([StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE], "multi")
    storage.create_new_trial(
        s1,
        create_trial(
            state=TrialState.COMPLETE, values=[1.0, 2.0], params={"c": None}, distributions={"c": dist_c}
        ),
    )
    gone = storage.create_new_study([StudyDirection.MAXIMIZE], "deleted")
    storage.create_new_trial(gone)
    storage.delete_study(gone)
    storage.create_new_trial(s1)


def test_a_journal_written_by_pyhpo_loads_in_optuna_with_the_same_content(tmp_path: Path) -> None:
    backend = MemoryJournalBackend()
    ours = JournalStorage(backend)
    write_with_pyhpo(ours)
    path = tmp_path / "journal.log"
    path.write_bytes(bytes(backend.buffer))
    theirs = optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(str(path)))
    assert summarize_storage(theirs) == summarize_storage(ours)
    study = optuna.load_study(study_name="single", storage=theirs)
    assert study.best_trial.number == 0 and study.best_value == 0.0


def test_a_journal_written_by_optuna_loads_in_pyhpo_with_the_same_content(tmp_path: Path) -> None:
    path = tmp_path / "journal.log"
    theirs = optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(str(path)))
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(
        storage=theirs, study_name="optuna-made", sampler=optuna.samplers.RandomSampler(0)
    )
    study.enqueue_trial({"x": 0.25, "c": "b"})
    study.set_user_attr("attr", [1, {"a": None}])

    def objective(trial: Any) -> float:
        x = trial.suggest_float("x", -1, 1)
        trial.suggest_categorical("c", ["a", "b"])
        trial.suggest_int("n", 1, 9, step=2)
        trial.report(x * 2, 1)
        trial.set_user_attr("double", x * 2)
        if x > 0.8:
            raise optuna.TrialPruned()
        return x**2

    study.optimize(objective, n_trials=12)
    study.enqueue_trial({"x": 0.5})  # stays WAITING
    backend = MemoryJournalBackend()
    backend.buffer += path.read_bytes()
    ours = JournalStorage(backend)
    assert summarize_storage(ours) == summarize_storage(theirs)


def test_golden_files_replay_to_their_recorded_content() -> None:
    journals = sorted(ASSETS.glob("*.log"))
    assert journals, f"no golden journals in {ASSETS}"
    for journal in journals:
        expected = json.loads(journal.with_suffix(".expected.json").read_text())
        backend = MemoryJournalBackend()
        backend.buffer += journal.read_bytes()
        got = _timeless(summarize_storage(JournalStorage(backend)))
        assert got == expected, journal.name


def _timeless(summary: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop local-time datetimes (they depend on the machine's time zone) from a summary."""
    for study in summary:
        for trial in study["trials"]:
            trial["has_start"] = trial.pop("datetime_start") is not None
            trial["has_complete"] = trial.pop("datetime_complete") is not None
    return summary


def regenerate_golden_files() -> None:  # pragma: no cover - run by hand: python test_interop_optuna.py
    """Write the golden journals with optuna itself, and what they must replay to."""
    ASSETS.mkdir(exist_ok=True)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    path = ASSETS / "optuna_file_journal.log"
    if path.exists():
        path.unlink()
    storage = optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(str(path)))
    study = optuna.create_study(
        study_name="golden", storage=storage, sampler=optuna.samplers.RandomSampler(1)
    )
    study.enqueue_trial({"x": 0.0})

    def objective(trial: Any) -> float:
        x = trial.suggest_float("x", -2, 2)
        trial.suggest_int("k", 0, 4)
        trial.suggest_categorical("opt", ["sgd", "adam"])
        trial.report(x, 0)
        trial.set_user_attr("u", x > 0)
        return x * x

    study.optimize(objective, n_trials=6)
    multi = optuna.create_study(
        study_name="golden-multi", storage=storage, directions=["minimize", "maximize"]
    )
    multi.add_trial(
        optuna.trial.create_trial(
            values=[1.0, 2.0],
            params={"a": 1},
            distributions={"a": optuna.distributions.IntDistribution(0, 3)},
        )
    )
    # The old spelling: json.dumps with default ", " / ": " separators, as Optuna's Redis backend writes.
    old = ASSETS / "optuna_spaced_separators.log"
    old.write_text("".join(json.dumps(json.loads(line)) + "\n" for line in path.read_text().splitlines()))
    for journal in (path, old):
        backend = MemoryJournalBackend()
        backend.buffer += journal.read_bytes()
        loaded = optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(str(journal)))
        summary = _timeless(summarize_storage(loaded))
        journal.with_suffix(".expected.json").write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n")
    for leftover in ASSETS.glob("*.lock"):
        os.unlink(leftover)


if __name__ == "__main__":  # pragma: no cover
    regenerate_golden_files()
