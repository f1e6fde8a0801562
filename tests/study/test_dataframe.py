"""Study.trials_dataframe: Optuna's columns, and a clear error without pandas."""

from __future__ import annotations

import sys

import pytest

import pyhpo
from pyhpo.trial import Trial, TrialState
from tests.study.helpers import new_study

pd = pytest.importorskip("pandas")


def objective(trial: Trial) -> float:
    x = trial.suggest_float("x", 0, 1)
    n = trial.suggest_int("n", 0, 3)
    trial.set_user_attr("u", n * 2)
    trial.report(x, 0)
    trial.report(x + n, 2)
    return x + n


def test_default_columns_match_optunas() -> None:
    study = new_study()
    study.optimize(objective, n_trials=3)
    df = study.trials_dataframe()
    assert list(df.columns) == [
        "number",
        "value",
        "datetime_start",
        "datetime_complete",
        "duration",
        "params_n",
        "params_x",
        "user_attrs_u",
        "state",
    ]
    assert len(df) == 3
    assert list(df["number"]) == [0, 1, 2]
    assert list(df["state"]) == ["COMPLETE"] * 3
    assert list(df["value"]) == [t.value for t in study.trials]
    assert list(df["params_x"]) == [t.params["x"] for t in study.trials]
    assert (df["duration"] == df["datetime_complete"] - df["datetime_start"]).all()


def test_multi_index_columns_are_pairs() -> None:
    study = new_study()
    study.optimize(objective, n_trials=2)
    df = study.trials_dataframe(multi_index=True)
    assert ("params", "x") in df.columns and ("number", "") in df.columns
    assert ("user_attrs", "u") in df.columns


def test_attrs_selects_columns_and_unknown_attrs_are_rejected() -> None:
    study = new_study()
    study.optimize(objective, n_trials=2)
    study.ask()
    df = study.trials_dataframe(attrs=("number", "state", "params"))
    assert list(df.columns) == ["number", "state", "params_n", "params_x"]
    assert list(df["state"]) == ["COMPLETE", "COMPLETE", "RUNNING"]
    with pytest.raises(AttributeError, match="'colour'"):  # AttributeError, as Optuna raises
        study.trials_dataframe(attrs=("number", "colour"))


def test_multi_objective_frames_have_one_values_column_per_objective() -> None:
    study = pyhpo.create_study(
        directions=["minimize", "maximize"], sampler=pyhpo.samplers.RandomSampler(seed=0)
    )
    study.optimize(lambda t: (1.0, 2.0), n_trials=2)
    study.tell(study.ask(), state=TrialState.FAIL)
    df = study.trials_dataframe(attrs=("number", "value", "state"))
    assert list(df.columns) == ["number", "values_0", "values_1", "state"]
    assert list(df["values_1"][:2]) == [2.0, 2.0]
    assert pd.isna(df["values_0"][2])


def test_an_empty_study_gives_an_empty_frame() -> None:
    df = new_study().trials_dataframe()
    assert len(df) == 0


def test_without_pandas_trials_dataframe_raises_a_clear_import_error(monkeypatch: pytest.MonkeyPatch) -> None:
    study = new_study()
    study.optimize(objective, n_trials=1)
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="pip install pandas"):
        study.trials_dataframe()


def test_metric_names_name_the_value_columns() -> None:
    study = pyhpo.create_study(
        directions=["minimize", "maximize"], sampler=pyhpo.samplers.RandomSampler(seed=0)
    )
    study.set_metric_names(["loss", "acc"])
    study.optimize(lambda t: (1.0, 2.0), n_trials=1)
    assert list(study.trials_dataframe(attrs=("number", "values")).columns) == [
        "number",
        "values_loss",
        "values_acc",
    ]
    single = new_study()
    single.set_metric_names(["loss"])
    single.optimize(lambda t: 0.5, n_trials=1)
    df = single.trials_dataframe(attrs=("number", "value"))
    assert list(df.columns) == ["number", "value_loss"]
    assert list(df["value_loss"]) == [0.5]


def test_distributions_and_trial_id_columns_hold_the_objects() -> None:
    study = new_study()
    study.optimize(objective, n_trials=1)
    df = study.trials_dataframe(attrs=("_trial_id", "distributions", "intermediate_values"))
    assert list(df.columns) == [
        "trial_id",
        "distributions_n",
        "distributions_x",
        "intermediate_values_0",
        "intermediate_values_2",
    ]
    assert df["distributions_x"][0] == study.trials[0].distributions["x"]
    assert df["trial_id"][0] == study.trials[0]._trial_id


def test_the_frame_matches_the_one_optuna_builds_for_the_same_trials() -> None:
    optuna = pytest.importorskip("optuna")
    study = new_study()
    study.optimize(objective, n_trials=3)
    study.tell(study.ask(), state=TrialState.FAIL)
    ostudy = optuna.create_study()
    for t in study.trials:
        ostudy.add_trial(
            optuna.trial.create_trial(
                state=optuna.trial.TrialState(int(t.state)),
                value=t.value,
                params=t.params,
                distributions={
                    k: optuna.distributions.json_to_distribution(pyhpo.distributions.distribution_to_json(d))
                    for k, d in t.distributions.items()
                },
                user_attrs=t.user_attrs,
                intermediate_values=t.intermediate_values,
            )
        )
    for attrs in (
        ("number", "value", "params", "user_attrs", "state"),
        ("number", "values", "intermediate_values"),
    ):
        for multi_index in (False, True):
            ours = study.trials_dataframe(attrs=attrs, multi_index=multi_index)
            theirs = ostudy.trials_dataframe(attrs=attrs, multi_index=multi_index)
            assert list(ours.columns) == list(theirs.columns)
            pd.testing.assert_frame_equal(ours, theirs, check_dtype=False)
