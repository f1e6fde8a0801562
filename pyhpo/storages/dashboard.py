"""Show pyhpo's studies in optuna-dashboard.

optuna-dashboard accepts a storage URL or path (``optuna-dashboard sqlite:///db.sqlite3``,
``optuna-dashboard journal.log``) or an instance of *Optuna's* ``BaseStorage``; a pyhpo storage object is
neither, so ``optuna_dashboard.run_server(pyhpo_storage)`` fails with ``ValueError: No storage matched.``. This
module hands the dashboard what it accepts:

* a pyhpo :class:`~pyhpo.storages.RDBStorage` becomes its URL. The database is already the interchange format
  (Optuna reads pyhpo's schema), and the dashboard then opens it with its own RDB support (schema-version page,
  ordering of studies by id);
* any other pyhpo storage (in memory, a journal file or Redis journal, a gRPC proxy) is wrapped in an adapter
  that *is* an Optuna ``BaseStorage`` and forwards every call to the pyhpo storage, converting values both ways.
  In-memory studies have no URL at all, and for journals the adapter keeps pyhpo's locking: what the dashboard
  writes (notes, user attributes, trials told from the UI) goes through pyhpo's journal writer, under the
  same kernel lock as pyhpo's workers, rather than through Optuna's writer, whose lock file pyhpo does not
  take.

Use :func:`run_server` / :func:`wsgi` in place of ``optuna_dashboard.run_server`` / ``optuna_dashboard.wsgi``,
or :func:`dashboard_storage` to get the argument for any function of the dashboard. optuna-dashboard and Optuna
are optional: they are imported when one of these functions is called (``pip install optuna-dashboard``).
"""

from __future__ import annotations

import copy
import functools
import threading
from typing import TYPE_CHECKING, Any

from pyhpo import _values, distributions, exceptions
from pyhpo.storages import _base
from pyhpo.storages._rdb import storage as _rdb

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pyhpo._values import FrozenStudy, FrozenTrial, StudyDirection, TrialState
    from pyhpo.distributions import BaseDistribution
    from pyhpo.storages._base import BaseStorage

__all__ = ["dashboard_storage", "run_server", "wsgi"]

_FINISHED = frozenset({_values.TrialState.COMPLETE, _values.TrialState.PRUNED, _values.TrialState.FAIL})


_MISSING = (
    "Showing pyhpo studies in optuna-dashboard needs the packages optuna-dashboard and optuna ({} is missing). "
    "Install them with: pip install optuna-dashboard"
)


def _optuna() -> Any:
    try:
        import optuna
        import optuna.study._frozen
    except ImportError as error:
        raise ImportError(_MISSING.format("optuna")) from error
    return optuna


def _optuna_dashboard() -> Any:
    try:
        import optuna_dashboard
    except ImportError as error:
        raise ImportError(_MISSING.format("optuna-dashboard")) from error
    return optuna_dashboard


def dashboard_storage(storage: BaseStorage | str) -> Any:
    """What optuna-dashboard accepts for ``storage``: a URL, or an Optuna storage that forwards to it.

    Args:
        storage: A pyhpo storage object, or a storage URL / journal file path (returned unchanged).

    Returns:
        The URL of an :class:`~pyhpo.storages.RDBStorage`; ``storage`` itself if it already is an Optuna
        storage (as when ``optuna`` resolves to pyhpo); otherwise an ``optuna.storages.BaseStorage`` that forwards
        every call to ``storage``.

    Raises:
        TypeError: ``storage`` is neither a storage nor a string.
        ImportError: Optuna is not installed.
    """
    if isinstance(storage, str):
        return storage
    if isinstance(storage, _optuna().storages.BaseStorage):
        return storage
    if isinstance(storage, _rdb.RDBStorage):
        return storage.url
    if not isinstance(storage, _base.BaseStorage):
        raise TypeError(
            f"Expected a pyhpo storage (pyhpo.storages.BaseStorage) or a storage URL, got {type(storage).__name__}."
        )
    return _adapter_class()(storage)


def run_server(storage: BaseStorage | str, host: str = "localhost", port: int = 8080, **kwargs: Any) -> None:
    """Serve ``storage`` with ``optuna_dashboard.run_server`` (blocks until the server stops).

    Args:
        storage: A pyhpo storage, or a URL / journal path.
        host: Address to bind.
        port: Port to listen on.
        kwargs: Passed on to ``optuna_dashboard.run_server`` (``artifact_store``, ``llm_provider``, ...).
    """
    _optuna_dashboard().run_server(dashboard_storage(storage), host=host, port=port, **kwargs)


def wsgi(storage: BaseStorage | str, **kwargs: Any) -> Any:
    """The WSGI application of optuna-dashboard for ``storage`` (for gunicorn, uWSGI, or tests).

    Args:
        storage: A pyhpo storage, or a URL / journal path.
        kwargs: Passed on to ``optuna_dashboard.wsgi`` (``artifact_store``, ``llm_provider``, ...).
    """
    return _optuna_dashboard().wsgi(dashboard_storage(storage), **kwargs)


@functools.cache
def _adapter_class() -> type:
    """``_Forwarding`` mixed into Optuna's ``BaseStorage``; built on first use, since Optuna is optional."""
    return type(
        "PyhpoStorageForOptuna", (_Forwarding, _optuna().storages.BaseStorage), {"__module__": __name__}
    )


class _Forwarding:
    """Every method of Optuna's ``BaseStorage``, forwarded to a pyhpo storage with values converted.

    Optuna's values (directions, states, distributions, frozen trials and studies) become pyhpo's on the way in
    and Optuna's on the way out; pyhpo's exceptions become Optuna's of the same name. Finished trials never
    change, so their Optuna copies are cached by trial id: the dashboard polls every few seconds, and only new
    or running trials are converted again.
    """

    def __init__(self, storage: BaseStorage) -> None:
        self._pyhpo = storage
        self._optuna = _optuna()
        self._finished: dict[int, Any] = {}
        self._distributions: dict[BaseDistribution, Any] = {}
        self._lock = threading.Lock()

    @property
    def pyhpo_storage(self) -> BaseStorage:
        """The pyhpo storage this adapter forwards to."""
        return self._pyhpo

    def __repr__(self) -> str:
        return f"PyhpoStorageForOptuna({self._pyhpo!r})"

    # -- conversions -------------------------------------------------------------------------------------------

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return getattr(self._pyhpo, method)(*args, **kwargs)
        except exceptions.PyhpoError as error:
            theirs = getattr(self._optuna.exceptions, type(error).__name__, None)
            if isinstance(theirs, type) and issubclass(theirs, Exception):
                raise theirs(*error.args) from error
            raise

    def _to_optuna_distribution(self, dist: BaseDistribution) -> Any:
        converted = self._distributions.get(dist)
        if converted is None:
            converted = self._optuna.distributions.json_to_distribution(
                distributions.distribution_to_json(dist)
            )
            self._distributions[dist] = converted
        return converted

    def _from_optuna_distribution(self, dist: Any) -> BaseDistribution:
        return distributions.json_to_distribution(self._optuna.distributions.distribution_to_json(dist))

    def _to_optuna_direction(self, direction: StudyDirection) -> Any:
        return self._optuna.study.StudyDirection[direction.name]

    def _to_optuna_state(self, state: TrialState) -> Any:
        return self._optuna.trial.TrialState[state.name]

    def _to_optuna_trial(self, trial: FrozenTrial) -> Any:
        # ``_trial_id`` is the name Optuna and its tools (the dashboard included) read the storage id by.
        trial_id = trial._trial_id
        cached = self._finished.get(trial_id)
        if cached is not None:
            return cached
        converted = self._optuna.trial.FrozenTrial(
            number=trial.number,
            state=self._to_optuna_state(trial.state),
            value=None,
            values=None if trial.values is None else list(trial.values),
            datetime_start=trial.datetime_start,
            datetime_complete=trial.datetime_complete,
            params=dict(trial.params),
            distributions={k: self._to_optuna_distribution(d) for k, d in trial.distributions.items()},
            user_attrs=dict(trial.user_attrs),
            system_attrs=dict(trial.system_attrs),
            intermediate_values=dict(trial.intermediate_values),
            trial_id=trial_id,
        )
        if trial.state in _FINISHED:
            with self._lock:
                self._finished[trial_id] = converted
        return converted

    def _from_optuna_trial(self, trial: Any) -> FrozenTrial:
        return _values.FrozenTrial(
            number=trial.number,
            state=_values.TrialState[trial.state.name],
            value=None,
            values=None if trial.values is None else list(trial.values),
            datetime_start=trial.datetime_start,
            datetime_complete=trial.datetime_complete,
            params=dict(trial.params),
            distributions={k: self._from_optuna_distribution(d) for k, d in trial.distributions.items()},
            user_attrs=dict(trial.user_attrs),
            system_attrs=dict(trial.system_attrs),
            intermediate_values=dict(trial.intermediate_values),
            trial_id=trial._trial_id,
        )

    def _to_optuna_study(self, study: FrozenStudy) -> Any:
        return self._optuna.study._frozen.FrozenStudy(
            study_name=study.study_name,
            direction=None,
            user_attrs=dict(study.user_attrs),
            system_attrs=dict(study.system_attrs),
            study_id=study._study_id,
            directions=[self._to_optuna_direction(d) for d in study.directions],
        )

    @staticmethod
    def _states(states: Any) -> Any:
        if states is None:
            return None
        if not isinstance(states, (list, tuple, set, frozenset)):
            return _values.TrialState[states.name]
        return tuple(_values.TrialState[s.name] for s in states)

    # -- studies -----------------------------------------------------------------------------------------------

    def create_new_study(self, directions: Sequence[Any], study_name: str | None = None) -> int:
        return int(
            self._call("create_new_study", [_values.StudyDirection[d.name] for d in directions], study_name)
        )

    def delete_study(self, study_id: int) -> None:
        self._call("delete_study", study_id)

    def set_study_user_attr(self, study_id: int, key: str, value: Any) -> None:
        self._call("set_study_user_attr", study_id, key, value)

    def set_study_system_attr(self, study_id: int, key: str, value: Any) -> None:
        self._call("set_study_system_attr", study_id, key, value)

    def get_study_id_from_name(self, study_name: str) -> int:
        return int(self._call("get_study_id_from_name", study_name))

    def get_study_name_from_id(self, study_id: int) -> str:
        return str(self._call("get_study_name_from_id", study_id))

    def get_study_directions(self, study_id: int) -> list[Any]:
        return [self._to_optuna_direction(d) for d in self._call("get_study_directions", study_id)]

    def get_study_user_attrs(self, study_id: int) -> dict[str, Any]:
        return dict(self._call("get_study_user_attrs", study_id))

    def get_study_system_attrs(self, study_id: int) -> dict[str, Any]:
        return dict(self._call("get_study_system_attrs", study_id))

    def get_all_studies(self) -> list[Any]:
        return [self._to_optuna_study(s) for s in self._call("get_all_studies")]

    # -- trials ------------------------------------------------------------------------------------------------

    def create_new_trial(self, study_id: int, template_trial: Any = None) -> int:
        template = None if template_trial is None else self._from_optuna_trial(template_trial)
        return int(self._call("create_new_trial", study_id, template))

    def set_trial_param(
        self, trial_id: int, param_name: str, param_value_internal: float, distribution: Any
    ) -> None:
        dist = self._from_optuna_distribution(distribution)
        self._call("set_trial_param", trial_id, param_name, param_value_internal, dist)

    def get_trial_id_from_study_id_trial_number(self, study_id: int, trial_number: int) -> int:
        return int(self._call("get_trial_id_from_study_id_trial_number", study_id, trial_number))

    def get_trial_number_from_id(self, trial_id: int) -> int:
        return int(self._call("get_trial_number_from_id", trial_id))

    def get_trial_param(self, trial_id: int, param_name: str) -> float:
        return float(self._call("get_trial_param", trial_id, param_name))

    def set_trial_state_values(
        self, trial_id: int, state: Any, values: Sequence[float] | None = None
    ) -> bool:
        return bool(self._call("set_trial_state_values", trial_id, _values.TrialState[state.name], values))

    def set_trial_intermediate_value(self, trial_id: int, step: int, intermediate_value: float) -> None:
        self._call("set_trial_intermediate_value", trial_id, step, intermediate_value)

    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None:
        self._call("set_trial_user_attr", trial_id, key, value)

    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        self._call("set_trial_system_attr", trial_id, key, value)

    def get_trial(self, trial_id: int) -> Any:
        return copy.deepcopy(self._to_optuna_trial(self._call("get_trial", trial_id)))

    def get_all_trials(self, study_id: int, deepcopy: bool = True, states: Any = None) -> list[Any]:
        # Converted finished trials are cached and shared: hand out copies unless the caller promises to only read.
        trials = self._call("get_all_trials", study_id, deepcopy=False, states=self._states(states))
        converted = [self._to_optuna_trial(t) for t in trials]
        return copy.deepcopy(converted) if deepcopy else converted

    def get_n_trials(self, study_id: int, state: Any = None) -> int:
        return int(self._call("get_n_trials", study_id, self._states(state)))

    def get_best_trial(self, study_id: int) -> Any:
        return copy.deepcopy(self._to_optuna_trial(self._call("get_best_trial", study_id)))

    def get_trial_params(self, trial_id: int) -> dict[str, Any]:
        return dict(self._call("get_trial_params", trial_id))

    def get_trial_user_attrs(self, trial_id: int) -> dict[str, Any]:
        return dict(self._call("get_trial_user_attrs", trial_id))

    def get_trial_system_attrs(self, trial_id: int) -> dict[str, Any]:
        return dict(self._call("get_trial_system_attrs", trial_id))

    def remove_session(self) -> None:
        self._call("remove_session")

    def check_trial_is_updatable(self, trial_id: int, trial_state: Any) -> None:
        self._call("check_trial_is_updatable", trial_id, _values.TrialState[trial_state.name])
