"""Base class of genetic-algorithm samplers: generations and parent populations in the storage.

Bookkeeping lives in the storage so that any number of workers can share one run (Optuna's
scheme and keys, so a study can be continued by either library):

* every trial gets a generation number in the trial system attribute ``<ClassName>:generation``
  when its parameters are drawn: the newest generation that has fewer than
  ``population_size`` COMPLETE trials, or a new one once it is full;
* the parents of generation ``g`` are chosen once by :meth:`BaseGASampler.select_parent` and
  cached as trial ids in the study system attribute ``<ClassName>:parent:<g>``, so all workers
  breed from the same parents.
"""

from __future__ import annotations

import abc
import threading
from typing import TYPE_CHECKING, Any

from pyhpo._values import TrialState
from pyhpo.samplers._base import BaseSampler

if TYPE_CHECKING:
    from pyhpo._values import FrozenTrial
    from pyhpo.study import Study

__all__ = ["BaseGASampler"]


class BaseGASampler(BaseSampler, abc.ABC):
    """Generation and population bookkeeping for genetic samplers (Optuna's ``BaseGASampler``).

    Subclasses implement :meth:`select_parent`; the keys are named after the subclass.

    Args:
        population_size: Trials per generation.
    """

    _GENERATION_KEY = "BaseGASampler:generation"
    _PARENT_CACHE_KEY_PREFIX = "BaseGASampler:parent:"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._GENERATION_KEY = f"{cls.__name__}:generation"
        cls._PARENT_CACHE_KEY_PREFIX = f"{cls.__name__}:parent:"

    @classmethod
    def _get_generation_key(cls) -> str:
        return cls._GENERATION_KEY

    @classmethod
    def _get_parent_cache_key_prefix(cls) -> str:
        return cls._PARENT_CACHE_KEY_PREFIX

    def __init__(self, population_size: int | None) -> None:
        self._population_size = population_size
        self._generations = _GenerationIndex(self._get_generation_key())

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_generations"] = None  # holds a lock; rebuilt on demand
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._generations = _GenerationIndex(self._get_generation_key())

    @property
    def population_size(self) -> int | None:
        """Trials per generation."""
        return self._population_size

    @population_size.setter
    def population_size(self, value: int) -> None:
        self._population_size = value

    @abc.abstractmethod
    def select_parent(self, study: Study, generation: int) -> list[FrozenTrial]:
        """Choose the parents of ``generation`` (called once per generation; the result is cached)."""
        raise NotImplementedError

    def get_trial_generation(self, study: Study, trial: FrozenTrial) -> int:
        """The trial's generation, assigned (and stored) on first call.

        It is the newest generation with fewer than ``population_size`` COMPLETE trials, or the
        next one if that generation is full.
        """
        key = self._get_generation_key()
        generation = trial.system_attrs.get(key)
        if generation is None:
            generation = study._storage.get_trial_system_attrs(trial._trial_id).get(key)
        if generation is not None:
            return int(generation)
        if self._population_size is None:
            raise ValueError(f"{type(self).__name__}.population_size must be set before sampling.")
        newest, count = self._generations.newest(study)
        generation = newest if count < self._population_size else newest + 1
        study._storage.set_trial_system_attr(trial._trial_id, key, generation)
        return generation

    def get_population(self, study: Study, generation: int) -> list[FrozenTrial]:
        """COMPLETE trials of ``generation``, in trial-number order."""
        return self._generations.population(study, generation)

    def get_parent_population(self, study: Study, generation: int) -> list[FrozenTrial]:
        """Parents of ``generation`` (none for generation 0), selected once and cached in the study."""
        if generation == 0:
            return []
        key = self._get_parent_cache_key_prefix() + str(generation)
        cached = study._storage.get_study_system_attrs(study._study_id).get(key)
        if cached is not None:
            return self._generations.trials_by_ids(study, cached)
        parents = self.select_parent(study, generation)
        study._storage.set_study_system_attr(study._study_id, key, [t._trial_id for t in parents])
        return parents


class _GenerationIndex:
    """COMPLETE trials of one study grouped by generation, updated incrementally.

    Finished trials never change, so each is read once; the per-trial cost of generation
    bookkeeping is then a set lookup per COMPLETE trial instead of reading its attributes.
    Keyed by (storage object, study id): another study resets it.
    """

    def __init__(self, generation_key: str) -> None:
        self._generation_key = generation_key
        self._lock = threading.Lock()
        self._key: tuple[int, int] | None = None
        self._seen: set[int] = set()
        self._by_generation: dict[int, list[FrozenTrial]] = {}
        self._by_id: dict[int, FrozenTrial] = {}

    def _update(self, study: Study) -> None:
        complete = study._get_trials(deepcopy=False, states=(TrialState.COMPLETE,), use_cache=True)
        key = (id(study._storage), study._study_id)
        if key != self._key:
            self._key = key
            self._seen = set()
            self._by_generation = {}
            self._by_id = {}
        if len(complete) == len(self._seen):
            return
        touched = set()
        missing = len(complete) - len(self._seen)
        # New completions are usually the newest trials: walk back from the end until all are found.
        for t in reversed(complete):
            if missing == 0:
                break
            if t._trial_id in self._seen:
                continue
            missing -= 1
            self._seen.add(t._trial_id)
            self._by_id[t._trial_id] = t
            generation = t.system_attrs.get(self._generation_key, -1)
            self._by_generation.setdefault(generation, []).append(t)
            touched.add(generation)
        for generation in touched:
            self._by_generation[generation].sort(key=lambda t: t.number)

    def newest(self, study: Study) -> tuple[int, int]:
        """``(newest generation, its number of COMPLETE trials)``; ``(0, n)`` before any."""
        with self._lock:
            self._update(study)
            newest = max((g for g in self._by_generation if g >= 0), default=0)
            return newest, len(self._by_generation.get(newest, ()))

    def population(self, study: Study, generation: int) -> list[FrozenTrial]:
        with self._lock:
            self._update(study)
            return list(self._by_generation.get(generation, ()))

    def trials_by_ids(self, study: Study, trial_ids: list[int]) -> list[FrozenTrial]:
        """COMPLETE trials with the given ids, in trial-number order."""
        with self._lock:
            self._update(study)
            found = [self._by_id[i] for i in set(trial_ids) if i in self._by_id]
        if len(found) < len(set(trial_ids)):
            # An id that is not a COMPLETE trial (unexpected): fall back to a full lookup.
            ids = set(trial_ids)
            return [t for t in study._get_trials(deepcopy=False) if t._trial_id in ids]
        return sorted(found, key=lambda t: t.number)
