"""BaseGASampler: generation bookkeeping shared by the genetic samplers."""

from __future__ import annotations

from typing import Any

import pytest

import pyhpo
from pyhpo.samplers import BaseGASampler


class _KeepBest(BaseGASampler):
    """A toy GA: parents are the two best trials of the previous generation; children copy one."""

    def __init__(self) -> None:
        super().__init__(population_size=3)
        self.selections: list[int] = []

    def select_parent(self, study, generation):  # type: ignore[no-untyped-def]
        self.selections.append(generation)
        population = self.get_population(study, generation - 1)
        return sorted(population, key=lambda t: t.value)[:2]

    def infer_relative_search_space(self, study, trial):  # type: ignore[no-untyped-def]
        return {}

    def sample_relative(self, study, trial, search_space):  # type: ignore[no-untyped-def]
        return {}

    def sample_independent(self, study, trial, name, dist) -> Any:  # type: ignore[no-untyped-def]
        generation = self.get_trial_generation(study, trial)
        parents = self.get_parent_population(study, generation)
        return parents[0].params[name] if parents else dist.low + 0.1 * trial.number


def test_generations_parents_and_keys_follow_the_subclass_name() -> None:
    pyhpo.logging.set_verbosity(pyhpo.logging.WARNING)
    sampler = _KeepBest()
    study = pyhpo.create_study(sampler=sampler)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=8)
    assert [t.system_attrs["_KeepBest:generation"] for t in study.trials] == [0, 0, 0, 1, 1, 1, 2, 2]
    # Parents are selected once per generation and cached in the study.
    assert sampler.selections == [1, 2]
    attrs = study._storage.get_study_system_attrs(study._study_id)
    assert attrs["_KeepBest:parent:1"] == [study.trials[0]._trial_id, study.trials[1]._trial_id]
    # Children copy the best parent.
    assert [t.params["x"] for t in study.trials[3:]] == [0.0] * 5
    assert _KeepBest._get_generation_key() == "_KeepBest:generation"
    assert _KeepBest._get_parent_cache_key_prefix() == "_KeepBest:parent:"


def test_population_size_must_be_set() -> None:
    sampler = _KeepBest()
    sampler.population_size = None  # type: ignore[assignment]
    study = pyhpo.create_study(sampler=sampler)
    with pytest.raises(ValueError, match="population_size must be set"):
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
