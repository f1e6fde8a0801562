"""get_param_importances' rules: which trials count, what is refused, and how, side by side with Optuna."""

from __future__ import annotations

import sys
import warnings
from typing import Any

import pytest

import pyhpo
import pyhpo.importance as pimp
from pyhpo.distributions import FloatDistribution, IntDistribution
from pyhpo.exceptions import ExperimentalWarning

from .twins import optuna_study, pyhpo_study, random_rows

optuna = pytest.importorskip("optuna")
pytest.importorskip("sklearn")

FOREST = ("fanova", "mdi")


def _pair(kind: str) -> tuple[Any, Any]:
    names = {
        "fanova": "FanovaImportanceEvaluator",
        "mdi": "MeanDecreaseImpurityImportanceEvaluator",
        "ped": "PedAnovaImportanceEvaluator",
    }
    options = {"n_trees": 4, "seed": 0} if kind in FOREST else {}
    return getattr(optuna.importance, names[kind])(**options), getattr(pimp, names[kind])(**options)


def _same_outcome(rows: Any, kind: str, directions: tuple[str, ...] = ("minimize",), **kwargs: Any) -> None:
    theirs_eval, ours_eval = _pair(kind)
    theirs_study, ours_study = optuna_study(optuna, rows, directions), pyhpo_study(rows, directions)
    with warnings.catch_warnings(record=True) as theirs_warned:
        warnings.simplefilter("always")
        try:
            theirs: Any = optuna.importance.get_param_importances(
                theirs_study, evaluator=theirs_eval, **kwargs
            )
        except Exception as error:  # noqa: BLE001
            theirs = error
    with warnings.catch_warnings(record=True) as ours_warned:
        warnings.simplefilter("always")
        try:
            ours: Any = pimp.get_param_importances(ours_study, evaluator=ours_eval, **kwargs)
        except Exception as error:  # noqa: BLE001
            ours = error
    if isinstance(theirs, Exception):
        assert type(ours).__name__ == type(theirs).__name__, (theirs, ours)
        assert str(ours).startswith(str(theirs).rstrip(".")), (str(theirs), str(ours))
    else:
        assert not isinstance(ours, Exception), ours
        assert ours == pytest.approx({k: float(v) for k, v in theirs.items()}, abs=1e-9)
        assert list(ours) == list(theirs) or len(set(ours.values())) < len(ours)
    theirs_messages = {str(w.message) for w in theirs_warned if "experimental" not in str(w.message)}
    ours_messages = {str(w.message) for w in ours_warned if "experimental" not in str(w.message)}
    assert ours_messages == theirs_messages


@pytest.mark.parametrize("kind", ["fanova", "mdi", "ped"])
def test_an_empty_study_gives_what_optuna_gives(kind: str) -> None:
    _same_outcome([], kind)


@pytest.mark.parametrize("kind", ["fanova", "mdi", "ped"])
def test_a_study_with_one_trial_gives_what_optuna_gives(kind: str) -> None:
    _same_outcome(random_rows(1, seed=0), kind)


@pytest.mark.parametrize("kind", ["fanova", "mdi", "ped"])
def test_an_empty_params_list_gives_an_empty_dict(kind: str) -> None:
    _same_outcome(random_rows(10, seed=0), kind, params=[])


@pytest.mark.parametrize("kind", ["fanova", "mdi", "ped"])
@pytest.mark.parametrize("params", [["x", "nope"], "x", ["x", 3]])
def test_bad_params_are_refused_as_in_optuna(kind: str, params: Any) -> None:
    _same_outcome(random_rows(10, seed=0), kind, params=params)


@pytest.mark.parametrize("kind", ["fanova", "mdi"])
def test_forest_evaluators_refuse_a_multi_objective_study_without_target(kind: str) -> None:
    rows = random_rows(10, seed=0, values=lambda p: [p["x"], p["y"]])
    _same_outcome(rows, kind, directions=("minimize", "minimize"))


@pytest.mark.parametrize("kind", ["fanova", "mdi"])
def test_forest_evaluators_refuse_listed_params_with_a_dynamic_search_space(kind: str) -> None:
    rows = random_rows(6, seed=0, space={"a": FloatDistribution(0, 1)}, values=lambda p: [p["a"]])
    rows += random_rows(6, seed=1, space={"a": FloatDistribution(0, 2)}, values=lambda p: [p["a"]])
    _same_outcome(rows, kind, params=["a"])
    _same_outcome(rows, kind)  # without params, the intersection is empty


def test_forest_evaluators_assess_only_params_every_trial_has() -> None:
    space = {"a": FloatDistribution(0, 1), "b": IntDistribution(0, 9)}
    rows = random_rows(12, seed=0, space=space, values=lambda p: [p["a"] + p["b"]])
    rows += [({"a": 0.5}, {"a": FloatDistribution(0, 1)}, [1.0], "COMPLETE")]
    for kind in ("fanova", "ped"):
        _same_outcome(rows, kind)


def test_constant_objective_fails_in_fanova_as_in_optuna() -> None:
    rows = random_rows(10, seed=0, space={"a": FloatDistribution(0, 1)}, values=lambda p: [1.0])
    _same_outcome(rows, "fanova")
    _same_outcome(rows, "ped")


def test_the_default_evaluator_is_ped_anova_as_in_optuna() -> None:
    rows = random_rows(50, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = optuna.importance.get_param_importances(optuna_study(optuna, rows))
    ours = pimp.get_param_importances(pyhpo_study(rows))
    assert ours == pytest.approx(theirs, abs=1e-9)


def test_a_non_evaluator_is_refused_with_its_type() -> None:
    with pytest.raises(TypeError, match="Evaluator must be a subclass of BaseImportanceEvaluator.*dict"):
        pimp.get_param_importances(pyhpo_study(random_rows(5, seed=0)), evaluator={})  # type: ignore[arg-type]


def test_normalize_false_is_experimental_as_in_optuna() -> None:
    study = pyhpo_study(random_rows(20, seed=0))
    with pytest.warns(ExperimentalWarning, match="Argument ``normalize`` is an experimental feature"):
        pimp.get_param_importances(study, normalize=False)


def test_all_zero_scores_normalize_to_equal_shares() -> None:
    with pytest.warns(UserWarning, match="too small"):
        scores = pimp.get_param_importances(pyhpo_study(random_rows(1, seed=0)))
    assert sorted(scores.values()) == pytest.approx([1 / 7] * 7)


def test_ped_anova_refuses_bad_quantiles_naming_them() -> None:
    with pytest.raises(ValueError, match=r"target_quantile=0\.5 and region_quantile=0\.2"):
        pimp.PedAnovaImportanceEvaluator(target_quantile=0.5, region_quantile=0.2)
    with pytest.warns(UserWarning, match="region_quantile` has no effect"):
        pimp.PedAnovaImportanceEvaluator(region_quantile=0.5, evaluate_on_local=False)


@pytest.mark.parametrize("bad", [0, -1, 2.5, True])
def test_forest_sizes_must_be_positive_integers(bad: Any) -> None:
    with pytest.raises(ValueError, match=f"n_trees must be a positive integer, got {bad!r}"):
        pimp.FanovaImportanceEvaluator(n_trees=bad)
    with pytest.raises(ValueError, match=f"max_depth must be a positive integer, got {bad!r}"):
        pimp.MeanDecreaseImpurityImportanceEvaluator(max_depth=bad)


def test_without_scikit_learn_the_forest_evaluators_name_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sklearn.ensemble", None)
    for evaluator in (pimp.FanovaImportanceEvaluator, pimp.MeanDecreaseImpurityImportanceEvaluator):
        with pytest.raises(ImportError, match=r'pip install "pyhpo-opt\[importance\]"'):
            evaluator()
    # PED-ANOVA, the default, needs no scikit-learn.
    assert len(pimp.get_param_importances(pyhpo_study(random_rows(30, seed=0)))) == 7


def test_the_same_seed_gives_the_same_fanova_scores_and_a_study_run_by_pyhpo_works() -> None:
    def objective(trial: pyhpo.Trial) -> float:
        x = trial.suggest_float("x", -3, 3)
        y = trial.suggest_int("y", 0, 5)
        trial.suggest_categorical("unused", ["p", "q"])
        return x**2 + 0.1 * y

    study = pyhpo.create_study(sampler=pyhpo.samplers.RandomSampler(seed=0))
    study.optimize(objective, n_trials=40)
    first = pimp.get_param_importances(study, evaluator=pimp.FanovaImportanceEvaluator(n_trees=8, seed=1))
    again = pimp.get_param_importances(study, evaluator=pimp.FanovaImportanceEvaluator(n_trees=8, seed=1))
    assert first == again
    assert next(iter(first)) == "x" and first["x"] > 0.8
