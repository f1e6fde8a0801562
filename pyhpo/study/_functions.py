"""Creating, loading, copying, listing and deleting studies by name."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from pyhpo import storages as _storages
from pyhpo._values import StudyDirection, StudySummary
from pyhpo.exceptions import DuplicatedStudyError
from pyhpo.logging import get_logger
from pyhpo.study._study import Study

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


_VALID_DIRECTIONS: tuple[object, ...] = (
    "minimize",
    "maximize",
    StudyDirection.MINIMIZE,
    StudyDirection.MAXIMIZE,
)


def _direction_objects(
    direction: DirectionLike | None, directions: Sequence[DirectionLike] | None
) -> list[StudyDirection]:
    """Check ``direction``/``directions`` as Optuna does (same rules, same messages) and return the enums.

    Only lower-case names and MINIMIZE/MAXIMIZE are accepted; a plain string given as ``directions`` is taken
    as the sequence of its characters (and so refused), as in Optuna.
    """
    chosen: list[Any]
    if direction is None and directions is None:
        chosen = ["minimize"]
    elif direction is not None and directions is not None:
        raise ValueError("Specify only one of `direction` and `directions`.")
    elif direction is not None:
        if isinstance(direction, Sequence) and not isinstance(direction, str):
            raise ValueError("Use `directions` instead of `direction` for multi-objective optimization.")
        chosen = [direction]
    else:
        assert directions is not None
        chosen = list(directions)
    if len(chosen) < 1:
        raise ValueError("The number of objectives must be greater than 0.")
    # ``in`` on the tuple compares with ==, so the IntEnum members' ints would pass too; check types as well.
    if any(not isinstance(d, (str, StudyDirection)) or d not in _VALID_DIRECTIONS for d in chosen):
        raise ValueError(
            f"`directions` must be a list of `minimize` or `maximize`, but got {chosen}. "
            "For single-objective optimization, please use `direction` instead of `directions`."
        )
    return [d if isinstance(d, StudyDirection) else StudyDirection[d.upper()] for d in chosen]


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
        sampler: None picks :class:`~pyhpo.samplers.TPESampler` (for several objectives too, as Optuna 5).
        pruner: None picks the median pruner.
        study_name: A name unique in ``storage``; None makes one up.
        direction: ``"minimize"`` (default) or ``"maximize"``, for one objective.
        load_if_exists: Load the study when one with ``study_name`` exists instead of raising.
        directions: One direction per objective, for several objectives.

    Raises:
        DuplicatedStudyError: ``study_name`` exists and ``load_if_exists`` is False.
        ValueError: Both or invalid directions.
    """
    direction_objects = _direction_objects(direction, directions)
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
                f"Another study with {study_name=} already exists. Please specify a name not in the storage, or "
                "reuse the existing one by setting `load_if_exists` (for Python API) or `--skip-if-exists` flag "
                "(for CLI).\nUse `pyhpo.study.get_all_study_names(storage)` to list all the used names."
            ) from None
        assert study_name is not None
        # Optuna 5 words it "with `study_name='...'`"; pyhpo keeps the wording its release scenarios and
        # users' log parsers read (listed in docs/migration.md).
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
        study_names = get_all_study_names(storage_obj)
        if len(study_names) != 1:
            # Optuna's words; ``storage`` is shown as given (a URL or the storage object).
            raise ValueError(
                f"Could not determine the study name since the {storage=} does not contain exactly 1 study. "
                f"Specify `study_name` from {study_names=}."
            )
        study_name = study_names[0]
        _logger.info(
            f"Study name was omitted but trying to load `{study_name=}` because that was the only study found in "
            "the storage."
        )
    # A missing study raises the storage's KeyError (Optuna's "No such study <name>." for the in-memory one).
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


def get_all_study_summaries(
    storage: str | BaseStorage, include_best_trial: bool = True
) -> list[StudySummary]:
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
