"""The study API, call for call next to Optuna: create, load, copy, delete, list, enqueue, add, ask and tell.

Each script runs once through ``optuna`` and once through ``pyhpo`` (see ``_diff.py``); the result, the exception
(class and message), every warning (class and message) and every log line must be the same. Samplers are seeded
RandomSamplers, so log lines with values agree too. The differences we keep on purpose are at the end, each
with a test of what pyhpo does and why.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

import pyhpo
from tests.compat._diff import assert_same, observe, optuna

Script = Callable[[ModuleType], Any]
SCRIPTS: dict[str, Script] = {}


def script(f: Script) -> Script:
    SCRIPTS[f.__name__] = f
    return f


def _rs(lib: ModuleType) -> Any:
    return lib.samplers.RandomSampler(seed=0)


def _quadratic(trial: Any) -> float:
    return float((trial.suggest_float("x", -10, 10) - 2) ** 2)


def _mem(lib: ModuleType) -> Any:
    return lib.storages.InMemoryStorage()


# create_study -----------------------------------------------------------------------------------------------------


@script
def create_default(lib: ModuleType) -> Any:
    study = lib.create_study(study_name="s")
    return study.study_name, study.direction.name, [d.name for d in study.directions]


@script
def create_maximize_enum(lib: ModuleType) -> Any:
    return lib.create_study(direction=lib.study.StudyDirection.MAXIMIZE).direction.name


@script
def create_two_directions(lib: ModuleType) -> Any:
    return [
        d.name
        for d in lib.create_study(directions=["minimize", lib.study.StudyDirection.MAXIMIZE]).directions
    ]


@script
def create_bad_direction(lib: ModuleType) -> Any:
    return lib.create_study(direction="up")


@script
def create_upper_case_direction(lib: ModuleType) -> Any:
    return lib.create_study(direction="MAXIMIZE")


@script
def create_not_set_direction(lib: ModuleType) -> Any:
    return lib.create_study(direction=lib.study.StudyDirection.NOT_SET)


@script
def create_directions_as_a_string(lib: ModuleType) -> Any:
    return lib.create_study(directions="minimize")


@script
def create_direction_as_a_list(lib: ModuleType) -> Any:
    return lib.create_study(direction=["minimize", "maximize"])


@script
def create_empty_directions(lib: ModuleType) -> Any:
    return lib.create_study(directions=[])


@script
def create_both_direction_and_directions(lib: ModuleType) -> Any:
    return lib.create_study(direction="minimize", directions=["minimize"])


@script
def create_duplicated_name(lib: ModuleType) -> Any:
    storage = _mem(lib)
    lib.create_study(storage=storage, study_name="a")
    return lib.create_study(storage=storage, study_name="a")


def create_load_if_exists_keeps_the_stored_direction(lib: ModuleType) -> Any:
    storage = _mem(lib)
    lib.create_study(storage=storage, study_name="a", direction="maximize")
    return lib.create_study(
        storage=storage, study_name="a", load_if_exists=True, direction="minimize"
    ).direction.name


@script
def create_default_sampler_and_pruner(lib: ModuleType) -> Any:
    single = lib.create_study()
    multi = lib.create_study(directions=["minimize", "maximize"])
    # Optuna 5 picks TPE for several objectives too (pyhpo used to pick NSGA-II).
    return type(single.sampler).__name__, type(multi.sampler).__name__, type(single.pruner).__name__


@script
def create_with_sampler_and_pruner(lib: ModuleType) -> Any:
    study = lib.create_study(sampler=lib.samplers.RandomSampler(seed=1), pruner=lib.pruners.NopPruner())
    return type(study.sampler).__name__, type(study.pruner).__name__


# load_study, delete_study, copy_study, listing -----------------------------------------------------------------------


@script
def load_missing_study(lib: ModuleType) -> Any:
    return lib.load_study(study_name="nope", storage=_mem(lib))


@script
def load_the_only_study_without_a_name(lib: ModuleType) -> Any:
    storage = _mem(lib)
    lib.create_study(storage=storage, study_name="a", direction="maximize")
    study = lib.load_study(study_name=None, storage=storage)
    return study.study_name, study.direction.name


@script
def load_without_a_name_from_two_studies(lib: ModuleType) -> Any:
    storage = _mem(lib)
    lib.create_study(storage=storage, study_name="a")
    lib.create_study(storage=storage, study_name="b")
    return lib.load_study(study_name=None, storage=storage)


@script
def load_without_a_name_from_no_study(lib: ModuleType) -> Any:
    return lib.load_study(study_name=None, storage=_mem(lib))


@script
def delete_and_list(lib: ModuleType) -> Any:
    storage = _mem(lib)
    lib.create_study(storage=storage, study_name="a")
    lib.create_study(storage=storage, study_name="b")
    lib.delete_study(study_name="a", storage=storage)
    return lib.get_all_study_names(storage)


@script
def delete_missing_study(lib: ModuleType) -> Any:
    return lib.delete_study(study_name="x", storage=_mem(lib))


@script
def copy_to_an_existing_name(lib: ModuleType) -> Any:
    storage = _mem(lib)
    lib.create_study(storage=storage, study_name="a")
    return lib.copy_study(from_study_name="a", from_storage=storage, to_storage=storage)


@script
def copy_a_missing_study(lib: ModuleType) -> Any:
    storage = _mem(lib)
    return lib.copy_study(from_study_name="a", from_storage=storage, to_storage=storage)


@script
def study_summaries(lib: ModuleType) -> Any:
    storage = _mem(lib)
    study = lib.create_study(storage=storage, study_name="a", sampler=_rs(lib))
    study.set_user_attr("k", [1, 2])
    study.optimize(_quadratic, n_trials=3)
    lib.create_study(storage=storage, study_name="b", directions=["minimize", "maximize"])
    return [
        (
            s.study_name,
            s.n_trials,
            [d.name for d in s.directions],
            s.best_trial.number if s.best_trial else None,
            s.user_attrs,
            s.datetime_start is not None,
        )
        for s in lib.get_all_study_summaries(storage)
    ]


@script
def study_summaries_without_best_trials(lib: ModuleType) -> Any:
    storage = _mem(lib)
    lib.create_study(storage=storage, study_name="a", sampler=_rs(lib)).optimize(_quadratic, n_trials=1)
    return [s.best_trial for s in lib.get_all_study_summaries(storage, include_best_trial=False)]


@script
def study_summary_direction_of_a_multi_objective_study(lib: ModuleType) -> Any:
    storage = _mem(lib)
    lib.create_study(storage=storage, study_name="b", directions=["minimize", "maximize"])
    return lib.get_all_study_summaries(storage)[0].direction


# best_*, attributes, metric names ---------------------------------------------------------------------------------


@script
def best_trial_of_an_empty_study(lib: ModuleType) -> Any:
    return lib.create_study().best_trial


@script
def best_value_of_an_empty_study(lib: ModuleType) -> Any:
    return lib.create_study().best_value


@script
def best_params_of_an_empty_study(lib: ModuleType) -> Any:
    return lib.create_study().best_params


@script
def best_trial_when_every_trial_failed(lib: ModuleType) -> Any:
    study = lib.create_study(sampler=_rs(lib))
    study.optimize(lambda t: math.nan, n_trials=1)
    return study.best_trial


@script
def best_trial_of_a_multi_objective_study(lib: ModuleType) -> Any:
    return lib.create_study(directions=["minimize", "minimize"]).best_trial


@script
def best_value_of_a_multi_objective_study(lib: ModuleType) -> Any:
    return lib.create_study(directions=["minimize", "minimize"]).best_value


@script
def direction_of_a_multi_objective_study(lib: ModuleType) -> Any:
    return lib.create_study(directions=["minimize", "minimize"]).direction


@script
def best_trials_of_an_empty_study(lib: ModuleType) -> Any:
    return lib.create_study(directions=["minimize", "minimize"]).best_trials


@script
def best_trial_value_and_params(lib: ModuleType) -> Any:
    study = lib.create_study(sampler=_rs(lib), direction="maximize")
    study.optimize(_quadratic, n_trials=5)
    return study.best_trial.number, study.best_value, study.best_params


@script
def best_trials_of_a_multi_objective_study(lib: ModuleType) -> Any:
    study = lib.create_study(sampler=_rs(lib), directions=["minimize", "maximize"])
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)), n_trials=8)
    return sorted(t.number for t in study.best_trials)


@script
def user_attrs(lib: ModuleType) -> Any:
    study = lib.create_study()
    study.set_user_attr("a", [1, 2])
    study.set_user_attr("b", {"c": None})
    study.set_user_attr("a", "again")
    return study.user_attrs


@script
def metric_names_unset(lib: ModuleType) -> Any:
    return lib.create_study().metric_names


@script
def metric_names_of_the_wrong_length(lib: ModuleType) -> Any:
    return lib.create_study().set_metric_names(["a", "b"])


@script
def metric_names_in_log_lines_and_data_frames(lib: ModuleType) -> Any:
    study = lib.create_study(directions=["minimize", "maximize"], sampler=_rs(lib))
    study.set_metric_names(["loss", "acc"])
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), 2.0), n_trials=2)
    single = lib.create_study(sampler=_rs(lib))
    single.set_metric_names(["loss"])
    single.optimize(_quadratic, n_trials=2)
    return (
        study.metric_names,
        list(study.trials_dataframe().columns),
        [tuple(c) for c in study.trials_dataframe(multi_index=True).columns],
    )


# enqueue_trial, add_trial(s) ------------------------------------------------------------------------------------------


@script
def enqueue_then_ask(lib: ModuleType) -> Any:
    study = lib.create_study()
    study.enqueue_trial({"x": 1.0}, user_attrs={"u": 1})
    trial = study.ask()
    return trial.number, trial.suggest_float("x", -10, 10), trial.user_attrs


@script
def enqueue_skip_if_exists(lib: ModuleType) -> Any:
    study = lib.create_study()
    study.enqueue_trial({"x": 1.0})
    study.enqueue_trial({"x": 1.0}, skip_if_exists=True)
    study.enqueue_trial({"x": 2.0}, skip_if_exists=True)
    return [(t.number, t.state.name) for t in study.trials]


@script
def enqueue_out_of_range(lib: ModuleType) -> Any:
    study = lib.create_study()
    study.enqueue_trial({"x": 100.0})
    return study.ask().suggest_float("x", -10, 10)


@script
def add_a_complete_trial(lib: ModuleType) -> Any:
    study = lib.create_study()
    study.add_trial(
        lib.trial.create_trial(
            params={"x": 1.0}, distributions={"x": lib.distributions.FloatDistribution(0, 2)}, value=3.0
        )
    )
    return study.best_value, study.best_params, study.trials[0].number


@script
def add_a_trial_with_the_wrong_number_of_values(lib: ModuleType) -> Any:
    return lib.create_study().add_trial(lib.trial.create_trial(values=[1.0, 2.0]))


@script
def add_running_and_waiting_trials(lib: ModuleType) -> Any:
    study = lib.create_study()
    study.add_trial(lib.trial.create_trial(state=lib.trial.TrialState.WAITING))
    study.add_trial(lib.trial.create_trial(state=lib.trial.TrialState.RUNNING))
    return [t.state.name for t in study.trials], study.ask().number


@script
def add_trials(lib: ModuleType) -> Any:
    study = lib.create_study()
    study.add_trials([lib.trial.create_trial(value=1.0), lib.trial.create_trial(value=0.5)])
    return study.best_trial.number, len(study.trials)


# ask and tell -----------------------------------------------------------------------------------------------------


def _tell(values: Any, *, state: str | None = None, directions: int = 1) -> Script:
    def run(lib: ModuleType) -> Any:
        study = lib.create_study(directions=["minimize"] * directions)
        trial = study.ask()
        told_state = None if state is None else lib.trial.TrialState[state]
        frozen = study.tell(trial, values, state=told_state)
        return frozen.state.name, frozen.values, [t.state.name for t in study.trials]

    return run


TOLD_VALUES: dict[str, Any] = {
    "float": 1.0,
    "int": 3,
    "list": [1.0],
    "tuple": (2.5,),
    "two values": [1.0, 2.0],
    "nan": math.nan,
    "inf": math.inf,
    "minus inf": -math.inf,
    "nan in a list": [math.nan],
    "string": "abc",
    "None": None,
    "empty list": [],
    "string and None": ["a", None],
    "dict": {"a": 1},
    "bool": True,
}
for _name, _values in TOLD_VALUES.items():
    SCRIPTS[f"tell {_name}"] = _tell(_values)
    SCRIPTS[f"tell {_name} as COMPLETE"] = _tell(_values, state="COMPLETE")
SCRIPTS["tell one value to two objectives"] = _tell(1.0, directions=2)
SCRIPTS["tell two values to two objectives"] = _tell([1.0, 2.0], directions=2)
SCRIPTS["tell PRUNED with a value"] = _tell(1.0, state="PRUNED")
SCRIPTS["tell FAIL with a value"] = _tell(1.0, state="FAIL")
SCRIPTS["tell FAIL"] = _tell(None, state="FAIL")
SCRIPTS["tell RUNNING"] = _tell(1.0, state="RUNNING")
SCRIPTS["tell WAITING"] = _tell(1.0, state="WAITING")
SCRIPTS["tell RUNNING without values"] = _tell(None, state="RUNNING")


@script
def tell_pruned_keeps_the_last_reported_value(lib: ModuleType) -> Any:
    study = lib.create_study()
    trial = study.ask()
    trial.report(3.0, 1)
    trial.report(2.0, 2)
    frozen = study.tell(trial, state=lib.trial.TrialState.PRUNED)
    return frozen.state.name, frozen.values


@script
def tell_pruned_with_a_nan_report(lib: ModuleType) -> Any:
    study = lib.create_study()
    trial = study.ask()
    trial.report(math.nan, 1)
    frozen = study.tell(trial, state=lib.trial.TrialState.PRUNED)
    return frozen.state.name, frozen.values


@script
def tell_twice(lib: ModuleType) -> Any:
    study = lib.create_study()
    trial = study.ask()
    study.tell(trial, 1.0)
    return study.tell(trial, 2.0)


@script
def tell_twice_with_skip_if_finished(lib: ModuleType) -> Any:
    study = lib.create_study()
    trial = study.ask()
    study.tell(trial, 1.0)
    frozen = study.tell(trial, 2.0, skip_if_finished=True)
    return frozen.values, frozen.state.name


@script
def tell_by_number(lib: ModuleType) -> Any:
    study = lib.create_study()
    study.ask()
    study.ask()
    frozen = study.tell(1, 1.0)
    return frozen.number, frozen.values, [t.state.name for t in study.trials]


@script
def tell_a_number_that_does_not_exist(lib: ModuleType) -> Any:
    study = lib.create_study()
    study.ask()
    return study.tell(5, 1.0)


@script
def tell_something_that_is_not_a_trial(lib: ModuleType) -> Any:
    study = lib.create_study()
    study.ask()
    return study.tell("0", 1.0)


@script
def tell_with_a_state_that_is_not_a_trial_state(lib: ModuleType) -> Any:
    study = lib.create_study()
    return study.tell(study.ask(), 1.0, state="COMPLETE")


@script
def tell_a_waiting_trial_by_number(lib: ModuleType) -> Any:
    study = lib.create_study()
    study.enqueue_trial({"x": 1.0})
    return study.tell(0, 1.0)


@script
def ask_with_fixed_distributions(lib: ModuleType) -> Any:
    study = lib.create_study()
    trial = study.ask(
        {"x": lib.distributions.FloatDistribution(1, 1), "n": lib.distributions.IntDistribution(2, 2)}
    )
    return trial.params


@script
def stop_outside_optimize(lib: ModuleType) -> Any:
    return lib.create_study().stop()


# trials, trials_dataframe -----------------------------------------------------------------------------------------


@script
def get_trials_by_state(lib: ModuleType) -> Any:
    study = lib.create_study(sampler=_rs(lib))
    study.optimize(_quadratic, n_trials=2)
    study.ask()
    running = lib.trial.TrialState.RUNNING
    return [t.number for t in study.get_trials(states=(running,))], len(study.get_trials(deepcopy=False))


@script
def trials_dataframe_columns(lib: ModuleType) -> Any:
    study = lib.create_study(sampler=_rs(lib))
    study.optimize(lambda t: _quadratic(t) + t.suggest_int("n", 1, 3), n_trials=2)
    df = study.trials_dataframe()
    return list(df.columns), list(df["state"]), list(df["number"])


@script
def trials_dataframe_of_an_empty_study(lib: ModuleType) -> Any:
    return list(lib.create_study().trials_dataframe().columns)


@script
def trials_dataframe_with_chosen_attrs(lib: ModuleType) -> Any:
    study = lib.create_study(sampler=_rs(lib))
    study.optimize(_quadratic, n_trials=2)
    return list(study.trials_dataframe(attrs=("number", "value", "params", "state")).columns)


@script
def trials_dataframe_multi_objective(lib: ModuleType) -> Any:
    study = lib.create_study(directions=["minimize", "maximize"], sampler=_rs(lib))
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), 1.0), n_trials=2)
    return list(study.trials_dataframe().columns), [
        tuple(c) for c in study.trials_dataframe(multi_index=True).columns
    ]


@script
def constrained_trials_in_log_lines_best_trial_and_data_frames(lib: ModuleType) -> Any:
    study = lib.create_study(sampler=_rs(lib))

    def objective(trial: Any) -> float:
        trial.report(1.0, 0)
        trial.report(0.5, 3)
        trial.set_user_attr("u", [1])
        # Infeasible, infeasible, feasible, NaN: log lines say "Best is" only once a feasible trial exists.
        trial.set_constraint("c", [0.5, 0.5, -1.0, math.nan][trial.number])
        return float(trial.suggest_float("x", 0, 1))

    study.optimize(objective, n_trials=4)
    study.ask()
    attrs = (
        "number",
        "value",
        "params",
        "user_attrs",
        "system_attrs",
        "intermediate_values",
        "state",
        "last_step",
        "distributions",
        "values",
    )
    df = study.trials_dataframe(attrs=attrs)
    return (
        list(df.columns),
        [str(t) for t in df.dtypes],
        df.astype(str).values.tolist(),
        [tuple(c) for c in study.trials_dataframe(multi_index=True).columns],
        study.best_trial.number,
    )


@script
def the_best_trial_with_a_nan_constraint(lib: ModuleType) -> Any:
    study = lib.create_study(sampler=_rs(lib))
    study.optimize(lambda t: t.set_constraint("c", math.nan) or float(t.number), n_trials=2)
    return study.best_trial.number


@script
def best_trials_with_constraints(lib: ModuleType) -> Any:
    study = lib.create_study(directions=["minimize", "minimize"], sampler=_rs(lib))
    study.optimize(
        lambda t: (
            t.set_constraint("c", [1.0, -1.0, 0.0, -2.0][t.number]) or t.suggest_float("x", 0, 1),
            t.suggest_float("y", 0, 1),
        ),
        n_trials=4,
    )
    return sorted(t.number for t in study.best_trials)


@script
def pruned_trials_with_the_median_pruner(lib: ModuleType) -> Any:
    study = lib.create_study(sampler=_rs(lib), pruner=lib.pruners.MedianPruner(n_startup_trials=1))

    def objective(trial: Any) -> float:
        for step in range(3):
            trial.report(float(trial.number) + step, step)
            if trial.should_prune():
                raise lib.TrialPruned()
        return float(trial.number)

    study.optimize(objective, n_trials=4)
    return [(t.state.name, t.values) for t in study.trials]


@script
def trials_are_copies(lib: ModuleType) -> Any:
    study = lib.create_study(sampler=_rs(lib))
    study.optimize(lambda t: 1.0, n_trials=1)
    study.trials[0].user_attrs["a"] = 1
    return study.trials[0].user_attrs


@script
def tell_a_failed_trial_again_with_skip_if_finished(lib: ModuleType) -> Any:
    study = lib.create_study()
    trial = study.ask()
    study.tell(trial, state=lib.trial.TrialState.FAIL)
    return study.tell(trial, 1.0, skip_if_finished=True).state.name


# values: enums, deepcopy=False snapshots ------------------------------------------------------------------------------


@script
def enums_print_as_in_optuna(lib: ModuleType) -> Any:
    members = list(lib.study.StudyDirection) + list(lib.trial.TrialState)
    return [(str(m), repr(m), format(m), f"{m}", f"{m:>4}", int(m), m.name, m.value) for m in members]


@script
def trial_state_is_finished(lib: ModuleType) -> Any:
    return [(s.name, s.is_finished()) for s in lib.trial.TrialState]


@script
def a_trial_read_without_copy_keeps_its_params_and_state(lib: ModuleType) -> Any:
    study = lib.create_study()
    trial = study.ask()
    trial.suggest_float("x", 0, 1)
    before = study.get_trials(deepcopy=False)[0]
    params = dict(before.params)
    trial.suggest_float("y", 0, 1)
    study.tell(trial, 1.0)
    return before.params == params, before.state.name, before.values, study.trials[0].state.name


# Experimental parts of the API, warned as Optuna warns them ----------------------------------------------------------


@script
def experimental_set_metric_names(lib: ModuleType) -> Any:
    return lib.create_study().set_metric_names(["a"])


@script
def experimental_fail_stale_trials(lib: ModuleType) -> Any:
    return lib.storages.fail_stale_trials(lib.create_study())


@script
def experimental_retry_callback(lib: ModuleType) -> Any:
    callback = lib.storages.RetryHeartbeatStaleTrialCallback(max_retry=1)
    trial = lib.trial.create_trial(value=1.0, system_attrs={"failed_trial": 3, "retry_history": [3]})
    return (
        type(callback).__name__,
        lib.storages.RetryHeartbeatStaleTrialCallback.retried_trial_number(trial),
        lib.storages.RetryHeartbeatStaleTrialCallback.retry_history(trial),
    )


@script
def deprecated_retry_callback_name(lib: ModuleType) -> Any:
    return type(lib.storages.RetryFailedTrialCallback()).__name__


EXPERIMENTAL_CONSTRUCTORS: dict[str, Script] = {
    "PatientPruner": lambda lib: lib.pruners.PatientPruner(None, patience=1),
    "WilcoxonPruner": lambda lib: lib.pruners.WilcoxonPruner(),
    "BruteForceSampler": lambda lib: lib.samplers.BruteForceSampler(),
    "QMCSampler": lambda lib: lib.samplers.QMCSampler(),
    "PartialFixedSampler": lambda lib: lib.samplers.PartialFixedSampler({}, lib.samplers.RandomSampler()),
    "NSGAIIISampler": lambda lib: lib.samplers.NSGAIIISampler(),
    "TPESampler group": lambda lib: lib.samplers.TPESampler(multivariate=True, group=True),
    "CmaEsSampler separable": lambda lib: lib.samplers.CmaEsSampler(use_separable_cma=True),
    "CmaEsSampler pruned trials": lambda lib: lib.samplers.CmaEsSampler(consider_pruned_trials=True),
    "NSGAIISampler strategies": lambda lib: lib.samplers.NSGAIISampler(
        after_trial_strategy=lambda *a: None,
        child_generation_strategy=lambda *a: {},
        elite_population_selection_strategy=lambda study, population: population,
    ),
    "crossovers": lambda lib: [
        type(c()).__name__
        for c in (
            lib.samplers.nsgaii.UniformCrossover,
            lib.samplers.nsgaii.BLXAlphaCrossover,
            lib.samplers.nsgaii.SBXCrossover,
            lib.samplers.nsgaii.VSBXCrossover,
            lib.samplers.nsgaii.SPXCrossover,
            lib.samplers.nsgaii.UNDXCrossover,
        )
    ],
    "PolynomialMutation": lambda lib: lib.samplers.nsgaii.PolynomialMutation(),
}


def _constructed(make: Script) -> Script:
    return lambda lib: type(make(lib)).__name__


for _name, _make in EXPERIMENTAL_CONSTRUCTORS.items():
    SCRIPTS[f"experimental {_name}"] = _constructed(_make)


@pytest.mark.parametrize("name", list(SCRIPTS))
def test_same_as_optuna(name: str) -> None:
    assert_same(SCRIPTS[name])


@pytest.mark.parametrize(
    "call",
    [
        lambda lib: lib.storages.GrpcStorageProxy(not_an_argument=1),
        lambda lib: lib.storages.run_grpc_proxy_server(not_an_argument=1),
    ],
)
def test_the_grpc_proxy_warns_experimental_as_in_optuna(call: Script) -> None:
    # Called with a bad argument so nothing connects or serves: the warning comes first, then the TypeError.
    theirs, ours = observe(optuna, call), observe(pyhpo, call)
    assert ours.warnings == theirs.warnings and len(ours.warnings) == 1
    assert ours.error is not None and ours.error[0][0] == "TypeError"


# Differences kept on purpose -------------------------------------------------------------------------------------


def test_the_in_memory_storage_hands_out_snapshots_of_running_trials() -> None:
    """A RUNNING trial read with deepcopy=False does not change under the reader when the trial goes on.

    In Optuna's in-memory storage it does (the Trial writes into the very object the storage holds, so params,
    user attributes and reports show up in it); in pyhpo's it is a snapshot, as with every persistent backend,
    Optuna's included.
    """

    def run(lib: ModuleType) -> Any:
        study = lib.create_study()
        trial = study.ask()
        before = study._storage.get_all_trials(study._study_id, deepcopy=False)[0]
        study._storage.set_trial_user_attr(trial._trial_id, "k", 1)
        study._storage.set_trial_system_attr(trial._trial_id, "s", 2)
        trial.set_user_attr("j", 2)
        trial.report(1.0, 1)
        trial.suggest_float("x", 0, 1)
        study.tell(trial, 1.0)
        after = study._storage.get_all_trials(study._study_id, deepcopy=False)[0]
        return (
            before.state.name,
            before.params,
            before.user_attrs,
            before.system_attrs,
            before.intermediate_values,
            before.values,
        ), (after.state.name, after.user_attrs, after.values)

    assert observe(pyhpo, run).result == (
        ("RUNNING", {}, {}, {}, {}, None),
        ("COMPLETE", {"k": 1, "j": 2}, [1.0]),
    )


def test_finished_trials_read_without_copy_are_shared_not_copied() -> None:
    study = pyhpo.create_study()
    study.optimize(lambda t: 1.0, n_trials=2)
    first = study.get_trials(deepcopy=False)
    assert all(a is b for a, b in zip(first, study.get_trials(deepcopy=False), strict=True))


def test_a_waiting_trial_read_without_copy_is_not_changed_when_it_starts() -> None:
    study = pyhpo.create_study()
    study.enqueue_trial({"x": 0.5})
    (waiting,) = study.get_trials(deepcopy=False)
    study.ask()
    assert waiting.state == pyhpo.trial.TrialState.WAITING and waiting.datetime_start is None
    assert study.trials[0].state == pyhpo.trial.TrialState.RUNNING


def test_copy_study_copies_trials_and_attributes_where_optuna_5_fails() -> None:
    """Optuna 5.1's copy_study reads ``Study.system_attrs``, which Optuna 5 removed: it raises AttributeError."""

    def run(lib: ModuleType) -> Any:
        storage = lib.storages.InMemoryStorage()
        study = lib.create_study(storage=storage, study_name="a", sampler=lib.samplers.RandomSampler(seed=0))
        study.set_user_attr("k", 1)
        study.optimize(_quadratic, n_trials=3)
        target = lib.storages.InMemoryStorage()
        lib.copy_study(from_study_name="a", from_storage=storage, to_storage=target)
        copied = lib.load_study(study_name="a", storage=target)
        return [(t.number, t.state.name, t.params, t.values) for t in copied.trials], copied.user_attrs

    theirs = observe(optuna, run)
    ours = observe(pyhpo, run)
    assert ours.error is None and len(ours.result[0]) == 3 and ours.result[1] == {"k": 1}
    if theirs.error is not None:
        assert theirs.error[0][0] == "AttributeError"
    else:  # a later Optuna fixed it: then both must agree
        assert theirs.result == ours.result


@pytest.mark.parametrize(
    ("call", "error"),
    [
        # Optuna's check lets 1 and 2 through (they equal the enum members) and then fails on 1.upper() with
        # AttributeError; pyhpo refuses them with Optuna's message for bad directions.
        (lambda lib: lib.create_study(direction=1), ValueError),
        # Optuna accepts anything as a sampler or pruner and fails at the first trial; pyhpo says so at once.
        (lambda lib: lib.create_study(sampler="tpe"), TypeError),
        (lambda lib: lib.create_study(pruner="median"), TypeError),
        # Optuna's in-memory storage keeps a non-str key (a persistent one cannot store it); pyhpo refuses.
        (lambda lib: lib.create_study().set_user_attr(1, 2), TypeError),
        # Optuna raises a bare AssertionError for a negative trial number; pyhpo says the trial does not exist.
        (lambda lib: _tell_number(lib, -1), ValueError),
        # Optuna's in-memory storage looks the trial id up in the wrong study (KeyError, or silently the wrong
        # trial when both studies share a storage); pyhpo refuses a trial of another study.
        (lambda lib: _tell_other_study(lib), ValueError),
        # Optuna fails inside (AttributeError: 'list' object has no attribute 'items'); pyhpo names the argument.
        (lambda lib: lib.create_study().ask(["x"]), TypeError),
    ],
)
def test_bad_arguments_optuna_lets_through_are_refused_early(call: Script, error: type[Exception]) -> None:
    with pytest.raises(error):
        call(pyhpo)


def _tell_number(lib: ModuleType, number: int) -> Any:
    study = lib.create_study()
    study.ask()
    return study.tell(number, 1.0)


def _tell_other_study(lib: ModuleType) -> Any:
    storage = lib.storages.InMemoryStorage()
    study = lib.create_study(storage=storage)
    other = lib.create_study(storage=storage)
    study.ask()
    return study.tell(other.ask(), 1.0)


def test_a_numeric_string_told_fails_the_trial_where_optuna_crashes() -> None:
    """Optuna takes "1.5" as the sequence '1', '.', '5' and then crashes in math.isnan (TypeError); pyhpo takes it
    the same way but reports it like any value that is not a float: the trial FAILs with a warning."""
    study = pyhpo.create_study()
    with pytest.warns(UserWarning, match="The value '.' could not be cast to float"):
        frozen = study.tell(study.ask(), "1.5")  # type: ignore[arg-type]
    assert frozen.state == pyhpo.trial.TrialState.FAIL


def test_trials_dataframe_names_unknown_attrs_in_the_same_error_class() -> None:
    """Optuna: AttributeError "'FrozenTrial' object has no attribute 'colour'"; pyhpo: AttributeError listing
    the valid names."""
    study = pyhpo.create_study()
    study.optimize(lambda t: 1.0, n_trials=1)
    with pytest.raises(AttributeError, match="'colour'.*expected some of"):
        study.trials_dataframe(attrs=("number", "colour"))


# Pruners' and samplers' constructors with bad arguments ----------------------------------------------------------------

BAD_CONSTRUCTORS: dict[str, Script] = {
    "MedianPruner n_startup_trials=-1": lambda lib: lib.pruners.MedianPruner(n_startup_trials=-1),
    "MedianPruner n_warmup_steps=-1": lambda lib: lib.pruners.MedianPruner(n_warmup_steps=-1),
    "MedianPruner interval_steps=0": lambda lib: lib.pruners.MedianPruner(interval_steps=0),
    "MedianPruner n_min_trials=0": lambda lib: lib.pruners.MedianPruner(n_min_trials=0),
    "PercentilePruner 150": lambda lib: lib.pruners.PercentilePruner(150),
    "PercentilePruner -1.5": lambda lib: lib.pruners.PercentilePruner(-1.5),
    "PercentilePruner n_min_trials=0": lambda lib: lib.pruners.PercentilePruner(25.0, n_min_trials=0),
    "SuccessiveHalvingPruner min_resource=0": lambda lib: lib.pruners.SuccessiveHalvingPruner(min_resource=0),
    "SuccessiveHalvingPruner min_resource='fast'": lambda lib: lib.pruners.SuccessiveHalvingPruner(
        min_resource="fast"
    ),
    "SuccessiveHalvingPruner reduction_factor=1": lambda lib: lib.pruners.SuccessiveHalvingPruner(
        reduction_factor=1
    ),
    "SuccessiveHalvingPruner min_early_stopping_rate=-1": lambda lib: lib.pruners.SuccessiveHalvingPruner(
        min_early_stopping_rate=-1
    ),
    "SuccessiveHalvingPruner bootstrap_count=-1": lambda lib: lib.pruners.SuccessiveHalvingPruner(
        bootstrap_count=-1
    ),
    "SuccessiveHalvingPruner bootstrap_count with auto": lambda lib: lib.pruners.SuccessiveHalvingPruner(
        bootstrap_count=2
    ),
    "ThresholdPruner without bounds": lambda lib: lib.pruners.ThresholdPruner(),
    "ThresholdPruner lower > upper": lambda lib: lib.pruners.ThresholdPruner(lower=2, upper=1),
    "ThresholdPruner lower='a'": lambda lib: lib.pruners.ThresholdPruner(lower="a"),
    "ThresholdPruner n_warmup_steps=-1": lambda lib: lib.pruners.ThresholdPruner(upper=1, n_warmup_steps=-1),
    "ThresholdPruner interval_steps=0": lambda lib: lib.pruners.ThresholdPruner(upper=1, interval_steps=0),
    "PatientPruner patience=-1": lambda lib: lib.pruners.PatientPruner(None, -1),
    "PatientPruner min_delta=-1": lambda lib: lib.pruners.PatientPruner(None, 1, min_delta=-1),
    "WilcoxonPruner p_threshold=2": lambda lib: lib.pruners.WilcoxonPruner(p_threshold=2),
    "WilcoxonPruner n_startup_steps=-1": lambda lib: lib.pruners.WilcoxonPruner(n_startup_steps=-1),
    "TPESampler group without multivariate": lambda lib: lib.samplers.TPESampler(
        group=True, multivariate=False
    ),
    "QMCSampler qmc_type='foo'": lambda lib: lib.samplers.QMCSampler(qmc_type="foo"),
}


@pytest.mark.parametrize("name", list(BAD_CONSTRUCTORS))
def test_bad_constructor_arguments_fail_as_in_optuna(name: str) -> None:
    assert_same(_constructed(BAD_CONSTRUCTORS[name]))


def test_load_if_exists_logs_the_study_name_in_pyhpo_s_words_and_otherwise_as_optuna() -> None:
    # Kept on purpose: Optuna 5 logs "with `study_name='a'`"; pyhpo keeps "with name 'a'", the line its release
    # scenarios (and log parsers written against earlier Optuna releases) read.
    theirs = observe(optuna, create_load_if_exists_keeps_the_stored_direction)
    ours = observe(pyhpo, create_load_if_exists_keeps_the_stored_direction)
    assert (ours.result, ours.error, ours.warnings) == (theirs.result, theirs.error, theirs.warnings)
    assert "INFO Using an existing study with `study_name='a'` instead of creating a new one." in theirs.logs
    expected = [line.replace("with `study_name='a'`", "with name 'a'") for line in theirs.logs]
    assert ours.logs == expected
