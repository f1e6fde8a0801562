"""Creating, loading, copying, listing and deleting studies by name."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from pyhpo import storages as _storages
from pyhpo.exceptions import DuplicatedStudyError
from pyhpo.logging import get_logger
from pyhpo.study._frozen import StudySummary
from pyhpo.study._study import Study
from pyhpo.study._study_direction import StudyDirection

if TYPE_CHECKING:
    from pyhpo.pruners import BasePruner
    from pyhpo.samplers import BaseSampler
    from pyhpo.storages import BaseStorage

__all__ = [
    "copy_study",
    "create_study",
    "delete_study",
    "get_all_study_names",
    "get_all_study_summaries",
    "load_study",
]

_logger = get_logger(__name__)

DirectionLike = Literal["minimize", "maximize"] | StudyDirection


def _to_direction(d: object, what: str) -> StudyDirection:
    if isinstance(d, StudyDirection) and d != StudyDirection.NOT_SET:
        return d
    if isinstance(d, str) and d.lower() in ("minimize", "maximize"):
        return StudyDirection[d.upper()]
    raise ValueError(f"{what} must be 'minimize' or 'maximize' (or a StudyDirection), got {d!r}.")


def create_study(
    *,
    storage: str | BaseStorage | None = None,
    sampler: BaseSampler | None = None,
    pruner: BasePruner | None = None,
    study_name: str | None = None,
    direction: DirectionLike | None = None,
    load_if_exists: bool = False,
    directions: Sequence[DirectionLike] | None = None,
) -> Study:
    """Create a study (or load it, with ``load_if_exists``) and return it.

    Args:
        storage: None (in memory), a database URL such as ``sqlite:///example.db``, or a storage object such as
            ``JournalStorage(JournalFileBackend("journal.log"))``.
        sampler: None picks TPE for one objective, NSGA-II for several.
        pruner: None picks the median pruner.
        study_name: A name unique in ``storage``; None makes one up.
        direction: ``"minimize"`` (default) or ``"maximize"``, for one objective.
        load_if_exists: Load the study when one with ``study_name`` exists instead of raising.
        directions: One direction per objective, for several objectives.

    Raises:
        DuplicatedStudyError: ``study_name`` exists and ``load_if_exists`` is False.
        ValueError: Both or invalid directions.
    """
    if direction is not None and directions is not None:
        raise ValueError("Specify only one of `direction` and `directions`.")
    if directions is None:
        directions = [direction if direction is not None else "minimize"]
    elif isinstance(directions, (str, StudyDirection)) or not isinstance(directions, Sequence):
        raise ValueError(f"`directions` must be a list of 'minimize' or 'maximize', got {directions!r}.")
    elif len(directions) == 0:
        raise ValueError("`directions` must name at least one direction.")
    direction_objects = [_to_direction(d, "direction") for d in directions]
    if study_name is not None and not isinstance(study_name, str):
        raise TypeError(f"study_name must be a str or None, got {study_name!r}")
    if not isinstance(load_if_exists, (bool, int)):
        raise TypeError(f"load_if_exists must be a bool, got {load_if_exists!r}")

    storage_obj = _storages.get_storage(storage)
    try:
        study_id = storage_obj.create_new_study(direction_objects, study_name)
    except DuplicatedStudyError:
        if not load_if_exists:
            raise DuplicatedStudyError(
                f"Another study with name '{study_name}' already exists. Please specify a name not in the storage, "
                "or reuse the existing one by setting `load_if_exists=True`. Use "
                "`pyhpo.get_all_study_names(storage)` to list the used names."
            ) from None
        assert study_name is not None
        _logger.info(f"Using an existing study with name '{study_name}' instead of creating a new one.")
        study_id = storage_obj.get_study_id_from_name(study_name)
    name = storage_obj.get_study_name_from_id(study_id)
    return Study(study_name=name, storage=storage_obj, sampler=sampler, pruner=pruner)


def load_study(
    *,
    study_name: str | None,
    storage: str | BaseStorage,
    sampler: BaseSampler | None = None,
    pruner: BasePruner | None = None,
) -> Study:
    """Load an existing study by name; ``study_name=None`` loads the only study of ``storage``.

    Raises:
        KeyError: No study has that name.
        ValueError: ``study_name`` is None and the storage does not hold exactly one study.
    """
    storage_obj = _storages.get_storage(storage)
    if study_name is None:
        names = get_all_study_names(storage_obj)
        if len(names) != 1:
            raise ValueError(
                f"Could not determine the study name since the storage does not contain exactly 1 study. "
                f"Specify `study_name` from {names!r}."
            )
        study_name = names[0]
        _logger.info(
            f"Study name was omitted but trying to load '{study_name}' because that was the only study found "
            "in the storage."
        )
    try:
        storage_obj.get_study_id_from_name(study_name)
    except KeyError:
        raise KeyError(f"Record does not exist: no study named {study_name!r} in the storage.") from None
    return Study(study_name=study_name, storage=storage_obj, sampler=sampler, pruner=pruner)


def delete_study(*, study_name: str, storage: str | BaseStorage) -> None:
    """Delete a study and its trials. Raises KeyError when there is no such study."""
    storage_obj = _storages.get_storage(storage)
    storage_obj.delete_study(storage_obj.get_study_id_from_name(study_name))


def copy_study(
    *,
    from_study_name: str,
    from_storage: str | BaseStorage,
    to_storage: str | BaseStorage,
    to_study_name: str | None = None,
) -> None:
    """Copy a study (directions, attributes and all trials) into another storage, e.g. from RDB to a journal.

    Raises:
        DuplicatedStudyError: ``to_study_name`` (default: the same name) exists in ``to_storage``.
    """
    source = load_study(study_name=from_study_name, storage=from_storage)
    target_storage = _storages.get_storage(to_storage)
    target = create_study(
        study_name=to_study_name or from_study_name, storage=target_storage, directions=source.directions
    )
    for key, value in source.system_attrs.items():
        target.set_system_attr(key, value)
    for key, value in source.user_attrs.items():
        target.set_user_attr(key, value)
    target.add_trials(source.get_trials(deepcopy=False))


def get_all_study_summaries(storage: str | BaseStorage, include_best_trial: bool = True) -> list[StudySummary]:
    """Summaries (name, directions, best trial, trial count, start time) of every study of ``storage``."""
    storage_obj = _storages.get_storage(storage)
    summaries = []
    for s in storage_obj.get_all_studies():
        trials = storage_obj.get_all_trials(s._study_id, deepcopy=False)
        best = None
        if include_best_trial and len(s.directions) == 1:
            try:
                best = storage_obj.get_best_trial(s._study_id)
            except ValueError:
                best = None
        starts = [t.datetime_start for t in trials if t.datetime_start is not None]
        summaries.append(
            StudySummary(
                study_name=s.study_name,
                direction=None,
                directions=s.directions,
                best_trial=best,
                user_attrs=s.user_attrs,
                n_trials=len(trials),
                datetime_start=min(starts) if starts else None,
                study_id=s._study_id,
            )
        )
    return summaries


def get_all_study_names(storage: str | BaseStorage) -> list[str]:
    """Names of every study of ``storage``."""
    return [s.study_name for s in _storages.get_storage(storage).get_all_studies()]


