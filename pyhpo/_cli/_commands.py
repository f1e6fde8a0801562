"""The commands Optuna's CLI has, with its arguments, outputs, log lines and exit statuses.

Each command is a pair: ``add_<command>(parser)`` declares its own arguments (the common ones, ``--storage`` and
friends, come from the parent parser in :mod:`pyhpo.cli`), and ``run_<command>(ns)`` does the work and returns
the exit status. Wrong usage found after parsing raises :class:`~pyhpo.exceptions.CLIUsageError` (status 1 and
the command's help, as in Optuna); any other error ends the command with status 1 in :func:`pyhpo.cli.main`.

Optuna calls ``trials``, ``best-trial``, ``best-trials``, ``ask``, ``tell`` and the ``OPTUNA_STORAGE`` variable
experimental and warns with :class:`~pyhpo.exceptions.ExperimentalWarning`; so do we, with the same words, so
that scripts filtering those warnings keep working.
"""

from __future__ import annotations

import argparse
import json
import os
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pyhpo._cli._output import FORMATS, Column, Record, render
from pyhpo.exceptions import CLIUsageError, ExperimentalWarning

if TYPE_CHECKING:
    from pyhpo.storages import BaseStorage
    from pyhpo.study import Study

Run = Callable[[argparse.Namespace], int]

STORAGE_CLASSES = ("RDBStorage", "JournalFileBackend", "JournalRedisBackend")
_DEPRECATED_STORAGE_CLASSES = ("JournalFileStorage", "JournalRedisStorage")


def _logger() -> Any:
    from pyhpo.logging import get_logger

    return get_logger("pyhpo.cli")


def _experimental(what: str) -> None:
    warnings.warn(
        f"{what} is an experimental CLI command. The interface can change in the future.",
        ExperimentalWarning,
        stacklevel=2,
    )


def storage_class(value: str) -> str:
    """``--storage-class``: the deprecated names are accepted but not offered."""
    if value in STORAGE_CLASSES + _DEPRECATED_STORAGE_CLASSES:
        return value
    raise argparse.ArgumentTypeError(
        f"Invalid choice: {value}  (choose from {str(list(STORAGE_CLASSES))[1:-1]})"
    )


def storage_url(given: str | None) -> str:
    """``--storage``, else ``PYHPO_STORAGE``, else ``OPTUNA_STORAGE`` (which Optuna's CLI reads)."""
    if given is not None:
        return given
    ours = os.environ.get("PYHPO_STORAGE")
    if ours is not None:
        return ours
    theirs = os.environ.get("OPTUNA_STORAGE")
    if theirs is not None:
        warnings.warn(
            "Specifying the storage url via 'OPTUNA_STORAGE' environment variable is an experimental feature. "
            "The interface can change in the future.",
            ExperimentalWarning,
            stacklevel=2,
        )
        return theirs
    raise CLIUsageError("Storage URL is not specified.")


def open_storage(ns: argparse.Namespace) -> BaseStorage:
    """The storage named by ``--storage`` (or the environment), of ``--storage-class`` or guessed.

    Guessing, as Optuna does: ``redis...`` is a journal on Redis, the path of an existing file is a journal
    file, anything else must be a database URL. A journal file that does not exist yet needs
    ``--storage-class JournalFileBackend`` (a typo in a path then does not create a file).
    """
    from pyhpo.storages import JournalStorage, RDBStorage, journal

    url = storage_url(ns.storage)
    cls = ns.storage_class
    if cls == "RDBStorage":
        return RDBStorage(url)
    if cls is not None:
        return JournalStorage(_journal_backend(cls)(url))
    if url.startswith("redis"):
        return JournalStorage(journal.JournalRedisBackend(url))
    if os.path.isfile(url):
        return JournalStorage(journal.JournalFileBackend(url))
    import sqlalchemy

    try:
        sqlalchemy.make_url(url)
    except sqlalchemy.exc.ArgumentError:
        raise CLIUsageError(
            f"Failed to guess storage class from storage_url: {url!r} is neither a database URL (such as "
            "sqlite:///example.db), a Redis URL nor an existing journal file (a new journal file needs "
            "--storage-class JournalFileBackend)."
        ) from None
    return RDBStorage(url)


def _journal_backend(name: str) -> Any:
    """The journal backend class a ``--storage-class`` names (the deprecated names live in pyhpo.storages)."""
    import pyhpo.storages
    from pyhpo.storages import journal

    return getattr(journal if name.endswith("Backend") else pyhpo.storages, name)


def _add_format(parser: argparse.ArgumentParser, default: str, flatten_help: str | None) -> None:
    parser.add_argument("-f", "--format", type=str, choices=FORMATS, default=default, help="Output format.")
    if flatten_help is not None:
        parser.add_argument("--flatten", default=False, action="store_true", help=flatten_help)


# create-study ---------------------------------------------------------------------------------------------


def add_create_study(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--study-name", default=None, help="A human-readable name of a study to distinguish it from others."
    )
    parser.add_argument(
        "--direction",
        default=None,
        type=str,
        choices=("minimize", "maximize"),
        help="Set direction of optimization to a new study. Set 'minimize' for minimization and "
        "'maximize' for maximization.",
    )
    parser.add_argument(
        "--skip-if-exists",
        default=False,
        action="store_true",
        help="If specified, the creation of the study is skipped without any error when the "
        "study name is duplicated.",
    )
    parser.add_argument(
        "--directions",
        type=str,
        default=None,
        choices=("minimize", "maximize"),
        nargs="+",
        help="Set directions of optimization to a new study. Put whitespace between directions. "
        'Each direction should be either "minimize" or "maximize".',
    )


def run_create_study(ns: argparse.Namespace) -> int:
    import pyhpo

    study = pyhpo.create_study(
        storage=open_storage(ns),
        study_name=ns.study_name,
        direction=ns.direction,
        directions=ns.directions,
        load_if_exists=ns.skip_if_exists,
    )
    print(study.study_name)
    return 0


# delete-study, study set-user-attr, study-names, studies ----------------------------------------------------


def add_delete_study(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--study-name", default=None, help="The name of the study to delete.")


def run_delete_study(ns: argparse.Namespace) -> int:
    storage = open_storage(ns)
    storage.delete_study(storage.get_study_id_from_name(ns.study_name))
    return 0


def add_study_set_user_attr(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--study-name", required=True, help="The name of the study to set the user attribute to."
    )
    parser.add_argument("--key", "-k", required=True, help="Key of the user attribute.")
    parser.add_argument("--value", required=True, help="Value to be set.")


def run_study_set_user_attr(ns: argparse.Namespace) -> int:
    import pyhpo

    study = pyhpo.load_study(storage=open_storage(ns), study_name=ns.study_name)
    study.set_user_attr(ns.key, ns.value)  # a string, as Optuna stores it
    _logger().info("Attribute successfully written.")
    return 0


def add_study_names(parser: argparse.ArgumentParser) -> None:
    _add_format(parser, "value", None)


def run_study_names(ns: argparse.Namespace) -> int:
    import pyhpo

    column: Column = ("name", "")
    records: list[Record] = [{column: name} for name in pyhpo.get_all_study_names(open_storage(ns))]
    print(render(records, [column], ns.format, flatten=False))
    return 0


def add_studies(parser: argparse.ArgumentParser) -> None:
    _add_format(parser, "table", "Flatten nested columns such as directions.")


def run_studies(ns: argparse.Namespace) -> int:
    import pyhpo

    summaries = pyhpo.get_all_study_summaries(open_storage(ns), include_best_trial=False)
    records: list[Record] = [
        {
            ("name", ""): s.study_name,
            ("direction", ""): tuple(d.name for d in s.directions),
            ("n_trials", ""): s.n_trials,
            ("datetime_start", ""): s.datetime_start,
            ("user_attrs", ""): s.user_attrs,
        }
        for s in summaries
    ]
    columns: list[Column] = [("name", ""), ("direction", ""), ("n_trials", ""), ("datetime_start", "")]
    if any(r[("user_attrs", "")] for r in records):
        columns.append(("user_attrs", ""))  # only when some study has one, as Optuna does
    print(render(records, columns, ns.format, ns.flatten))
    return 0


# trials, best-trial, best-trials ----------------------------------------------------------------------------


def add_trials(parser: argparse.ArgumentParser, study_help: str) -> None:
    parser.add_argument("--study-name", type=str, required=True, help=study_help)
    _add_format(parser, "table", "Flatten nested columns such as params and user_attrs.")


def _trial_records(study: Study) -> tuple[list[Record], list[Column]]:
    """One record per trial with the columns Optuna's CLI shows (its ``trials_dataframe`` columns).

    ``value`` for one objective (keyed by the metric name if the study has one), ``values`` by position or
    metric name for several; ``params`` and ``user_attrs`` by key; columns in that order, members sorted
    (except metric names, which keep the user's order).
    """
    from pyhpo.trial import TrialState

    multi = len(study.directions) > 1
    metric_names = study.metric_names
    seen: dict[str, set[Column]] = {}
    records: list[Record] = []
    for t in study.get_trials(deepcopy=False):
        cells: dict[str, Record] = {"number": {("number", ""): t.number}}
        if multi:
            values: list[Any] = list(t.values) if t.values is not None else [None] * len(study.directions)
            keys: list[Any] = list(metric_names) if metric_names is not None else list(range(len(values)))
            cells["values"] = {("values", k): v for k, v in zip(keys, values)}
        else:
            cells["value"] = {("value", "" if metric_names is None else metric_names[0]): t.value}
        cells["datetime_start"] = {("datetime_start", ""): t.datetime_start}
        cells["datetime_complete"] = {("datetime_complete", ""): t.datetime_complete}
        cells["duration"] = {("duration", ""): t.duration}
        cells["params"] = {("params", k): v for k, v in t.params.items()}
        cells["user_attrs"] = {("user_attrs", k): v for k, v in t.user_attrs.items()}
        state = t.state
        cells["state"] = {("state", ""): state.name if isinstance(state, TrialState) else state}
        record: Record = {}
        for attr, group in cells.items():
            seen.setdefault(attr, set()).update(group)
            record.update(group)
        records.append(record)
    columns: list[Column] = []
    for attr, members in seen.items():
        if attr == "values" and metric_names is not None:
            columns.extend(("values", name) for name in metric_names)
        else:
            columns.extend(sorted(members, key=lambda col: (str(type(col[1])), col[1])))
    return records, columns


def run_trials(ns: argparse.Namespace) -> int:
    import pyhpo

    _experimental("'trials'")
    study = pyhpo.load_study(storage=open_storage(ns), study_name=ns.study_name)
    records, columns = _trial_records(study)
    print(render(records, columns, ns.format, ns.flatten))
    return 0


def run_best_trial(ns: argparse.Namespace) -> int:
    import pyhpo

    _experimental("'best-trial'")
    study = pyhpo.load_study(storage=open_storage(ns), study_name=ns.study_name)
    best = study.best_trial.number
    records, columns = _trial_records(study)
    print(render(records[best], columns, ns.format, ns.flatten))
    return 0


def run_best_trials(ns: argparse.Namespace) -> int:
    import pyhpo

    _experimental("'best-trials'")
    study = pyhpo.load_study(storage=open_storage(ns), study_name=ns.study_name)
    best = {t.number for t in study.best_trials}
    records, columns = _trial_records(study)
    print(render([r for r in records if r[("number", "")] in best], columns, ns.format, ns.flatten))
    return 0


# storage upgrade ----------------------------------------------------------------------------------------------


def run_storage_upgrade(ns: argparse.Namespace) -> int:
    from pyhpo.storages import RDBStorage

    url = storage_url(ns.storage)
    logger = _logger()
    try:
        storage = RDBStorage(url, skip_compatibility_check=True, skip_table_creation=True)
    except ValueError as e:
        logger.error(f"Invalid RDBStorage URL. ({e})")
        return 1
    current, head = storage.get_current_version(), storage.get_head_version()
    if current == head:
        logger.info("This storage is up-to-date.")
    elif current in storage.get_all_versions():
        logger.info("Upgrading the storage schema to the latest version.")
        storage.upgrade()
        logger.info("Completed to upgrade the storage.")
    else:
        warnings.warn(
            f"Your pyhpo version seems outdated against the storage version ({current}). Please try updating "
            "pyhpo to the latest version by `$ pip install -U pyhpo-opt`.",
            UserWarning,
            stacklevel=2,
        )
    return 0


# ask, tell --------------------------------------------------------------------------------------------------


def add_ask(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--study-name", type=str, help="Name of study.")
    parser.add_argument("--sampler", type=str, help="Class name of sampler object to create.")
    parser.add_argument(
        "--sampler-kwargs", type=str, help="Sampler object initialization keyword arguments as JSON."
    )
    parser.add_argument(
        "--search-space",
        type=str,
        help="Search space as JSON. Keys are names and values are "
        "outputs from :func:`~pyhpo.distributions.distribution_to_json`.",
    )
    _add_format(parser, "json", "Flatten nested columns such as params.")


def _sampler(name: str | None, kwargs_json: str | None) -> Any:
    import pyhpo

    if name is None:
        if kwargs_json is not None:
            raise ValueError(
                "`--sampler_kwargs` is set without `--sampler`. Please specify `--sampler` as well or omit "
                "`--sampler-kwargs`."
            )
        return None
    known = sorted(n for n in pyhpo.samplers.__all__ if n.endswith("Sampler") and not n.startswith("Base"))
    if name not in known:
        raise ValueError(f"Unknown sampler {name!r}; --sampler takes one of {', '.join(known)}.")
    kwargs = json.loads(kwargs_json) if kwargs_json is not None else {}
    return getattr(pyhpo.samplers, name)(**kwargs)


def run_ask(ns: argparse.Namespace) -> int:
    import pyhpo
    from pyhpo.distributions import json_to_distribution

    _experimental("'ask'")
    storage = open_storage(ns)
    sampler = _sampler(ns.sampler, ns.sampler_kwargs)
    # '{"x": {"name": "FloatDistribution", "attributes": {"low": 0.0, "high": 1.0}}, ...}'
    space = {
        name: json_to_distribution(json.dumps(d)) for name, d in json.loads(ns.search_space or "{}").items()
    }
    try:
        study = pyhpo.load_study(study_name=ns.study_name, storage=storage, sampler=sampler)
    except KeyError:
        raise KeyError(
            "Implicit study creation within the 'ask' command was dropped in Optuna v4.0.0. "
            "Please use the 'create-study' command beforehand."
        ) from None
    trial = study.ask(fixed_distributions=space)
    _logger().info(f"Asked trial {trial.number} with parameters {trial.params}.")
    record: Record = {("number", ""): trial.number}
    if not trial.params and not ns.flatten:
        record[("params", "")] = {}
    for name, value in trial.params.items():
        record[("params", name)] = value
    print(render(record, list(record), ns.format, ns.flatten))
    return 0


def add_tell(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--study-name", type=str, help="Name of study.")
    parser.add_argument("--trial-number", type=int, help="Trial number.")
    parser.add_argument("--values", type=float, nargs="+", help="Objective values.")
    parser.add_argument("--state", type=str, help="Trial state.", choices=("complete", "pruned", "fail"))
    parser.add_argument(
        "--skip-if-finished",
        default=False,
        action="store_true",
        help="If specified, tell is skipped without any error when the trial is already finished.",
    )


def run_tell(ns: argparse.Namespace) -> int:
    import pyhpo
    from pyhpo.trial import TrialState

    _experimental("'tell'")
    study = pyhpo.load_study(storage=open_storage(ns), study_name=ns.study_name)
    state = None if ns.state is None else TrialState[ns.state.upper()]
    study.tell(trial=ns.trial_number, values=ns.values, state=state, skip_if_finished=ns.skip_if_finished)
    _logger().info(f"Told trial {ns.trial_number} with values {ns.values} and state {state}.")
    return 0
