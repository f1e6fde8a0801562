"""A snapshot of a study's metadata, as storages list them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import datetime
    from collections.abc import Sequence

    from pyhpo._values._frozen_trial import FrozenTrial
    from pyhpo._values._study_direction import StudyDirection

__all__ = ["FrozenStudy", "StudySummary"]


class _WithDirections:
    """The ``direction`` / ``directions`` pair that study snapshots share."""

    _directions: list[StudyDirection]

    @staticmethod
    def _resolve(
        direction: StudyDirection | None, directions: Sequence[StudyDirection] | None
    ) -> list[StudyDirection]:
        if direction is None and directions is None:
            raise ValueError("Specify one of `direction` and `directions`.")
        return [direction] if direction is not None else list(directions or [])

    @property
    def direction(self) -> StudyDirection:
        if len(self._directions) > 1:
            raise RuntimeError("This attribute is not available during multi-objective optimization.")
        return self._directions[0]

    @property
    def directions(self) -> list[StudyDirection]:
        return self._directions


class FrozenStudy(_WithDirections):
    """Name, directions and attributes of a study, without its trials (Optuna's ``FrozenStudy``)."""

    def __init__(
        self,
        study_name: str,
        direction: StudyDirection | None,
        user_attrs: dict[str, Any],
        system_attrs: dict[str, Any],
        study_id: int,
        *,
        directions: Sequence[StudyDirection] | None = None,
    ) -> None:
        self.study_name = study_name
        if direction is not None and directions is not None:
            raise ValueError("Specify only one of `direction` and `directions`.")
        self._directions = self._resolve(direction, directions)
        self.user_attrs = user_attrs
        self.system_attrs = system_attrs
        self._study_id = study_id

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FrozenStudy):
            return NotImplemented
        return (self.study_name, self._directions, self.user_attrs, self.system_attrs, self._study_id) == (
            other.study_name,
            other._directions,
            other.user_attrs,
            other.system_attrs,
            other._study_id,
        )

    def __lt__(self, other: FrozenStudy) -> bool:
        return self._study_id < other._study_id

    def __hash__(self) -> int:
        return hash(self._study_id)

    def __repr__(self) -> str:
        return f"FrozenStudy(study_name={self.study_name!r}, directions={self._directions!r}, study_id={self._study_id})"


class StudySummary(_WithDirections):
    """What :func:`pyhpo.get_all_study_summaries` lists for each study (Optuna's ``StudySummary``).

    Same constructor as Optuna 5's, which dropped the study's system attributes from summaries.
    """

    def __init__(
        self,
        study_name: str,
        direction: StudyDirection | None,
        best_trial: FrozenTrial | None,
        user_attrs: dict[str, Any],
        n_trials: int,
        datetime_start: datetime.datetime | None,
        study_id: int,
        *,
        directions: Sequence[StudyDirection] | None = None,
    ) -> None:
        self.study_name = study_name
        self._directions = self._resolve(direction, directions)
        self.best_trial = best_trial
        self.user_attrs = user_attrs
        self.n_trials = n_trials
        self.datetime_start = datetime_start
        self._study_id = study_id

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StudySummary):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __lt__(self, other: StudySummary) -> bool:
        return self._study_id < other._study_id

    def __hash__(self) -> int:
        return hash(self._study_id)

    def __repr__(self) -> str:
        return f"StudySummary(study_name={self.study_name!r}, n_trials={self.n_trials}, study_id={self._study_id})"
