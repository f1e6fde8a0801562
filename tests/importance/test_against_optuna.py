"""pyhpo's importances equal Optuna's on the same trials: same order, same numbers.

Both libraries fit the same scikit-learn forest (same seed, same design matrix, same targets), so the forest
evaluators differ only in how the decomposition of that forest is summed: our fANOVA sums leaf boxes with a
difference array, Optuna's walks the tree per grid cell. Exact arithmetic is the same, so the only difference
is float rounding, a few ulps of numbers in [0, 1]; 1e-9 absolute leaves room for that and for nothing else (a
wrong cell weight or a lost leaf moves a score by 1e-3 or more). PED-ANOVA has no randomness at all and is
held to the same tolerance.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest

import pyhpo.importance as pimp
from pyhpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

from .twins import SPACE, objective, optuna_study, pyhpo_study, random_rows

optuna = pytest.importorskip("optuna")
pytest.importorskip("sklearn")

TOL = 1e-9


def _evaluators(kind: str) -> tuple[Any, Any]:
    if kind == "fanova":
        return (
            optuna.importance.FanovaImportanceEvaluator(n_trees=16, seed=3),
            pimp.FanovaImportanceEvaluator(n_trees=16, seed=3),
        )
    if kind == "mdi":
        return (
            optuna.importance.MeanDecreaseImpurityImportanceEvaluator(n_trees=16, seed=3),
            pimp.MeanDecreaseImpurityImportanceEvaluator(n_trees=16, seed=3),
        )
    options = {
        "ped": {},
        "ped-global": {"evaluate_on_local": False},
        "ped-region": {"target_quantile": 0.05, "region_quantile": 0.5},
    }[kind]
    return (
        optuna.importance.PedAnovaImportanceEvaluator(**options),
        pimp.PedAnovaImportanceEvaluator(**options),
    )


def _both(
    rows: Any, kind: str, directions: tuple[str, ...] = ("minimize",), **kwargs: Any
) -> tuple[dict, dict]:
    theirs_eval, ours_eval = _evaluators(kind)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = optuna.importance.get_param_importances(
            optuna_study(optuna, rows, directions), evaluator=theirs_eval, **kwargs
        )
        ours = pimp.get_param_importances(pyhpo_study(rows, directions), evaluator=ours_eval, **kwargs)
    return theirs, ours


def _assert_same(theirs: dict, ours: dict) -> None:
    # Same ranking where the scores are apart; equal scores may come in either order.
    assert set(ours) == set(theirs)
    ranked = [k for k in theirs if all(abs(theirs[k] - theirs[j]) > TOL for j in theirs if j != k)]
    assert [k for k in ours if k in ranked] == ranked
    for name, value in theirs.items():
        assert ours[name] == pytest.approx(float(value), abs=TOL), name
    assert all(type(v) is float for v in ours.values())


@pytest.mark.parametrize("kind", ["fanova", "mdi", "ped", "ped-global", "ped-region"])
def test_every_evaluator_scores_a_mixed_search_space_as_optuna_does(kind: str) -> None:
    theirs, ours = _both(random_rows(120, seed=7), kind)
    _assert_same(theirs, ours)
    assert math.isclose(sum(ours.values()), 1.0)


@pytest.mark.parametrize("kind", ["fanova", "ped"])
def test_unnormalized_scores_match_optuna(kind: str) -> None:
    theirs, ours = _both(random_rows(60, seed=11), kind, normalize=False)
    _assert_same(theirs, ours)


@pytest.mark.parametrize("kind", ["fanova", "mdi", "ped"])
def test_a_subset_of_params_and_a_custom_target_match_optuna(kind: str) -> None:
    rows = random_rows(80, seed=5)
    theirs, ours = _both(rows, kind, params=["c", "x", "z"], target=lambda t: -t.value)
    _assert_same(theirs, ours)


@pytest.mark.parametrize("kind", ["fanova", "mdi", "ped"])
def test_a_maximized_study_matches_optuna(kind: str) -> None:
    theirs, ours = _both(random_rows(60, seed=2), kind, directions=("maximize",))
    _assert_same(theirs, ours)


def test_failed_pruned_and_infinite_trials_are_left_out_as_in_optuna() -> None:
    rows = random_rows(70, seed=9)
    rows[3] = (rows[3][0], rows[3][1], [math.inf], "COMPLETE")
    rows[4] = (rows[4][0], rows[4][1], None, "FAIL")
    rows[5] = (rows[5][0], rows[5][1], None, "PRUNED")
    for kind in ("fanova", "ped"):
        _assert_same(*_both(rows, kind))


def _two_objectives(p: dict[str, Any]) -> list[float]:
    return [objective(p), (p["y"] - 0.3) ** 2 + 0.1 * p["x"]]


@pytest.mark.parametrize("kind", ["ped", "ped-region"])
def test_multi_objective_without_target_selects_the_pareto_side_as_optuna(kind: str) -> None:
    rows = random_rows(120, seed=4, values=_two_objectives)
    _assert_same(*_both(rows, kind, directions=("minimize", "maximize")))


@pytest.mark.parametrize("kind", ["fanova", "ped"])
def test_multi_objective_with_a_target_matches_optuna(kind: str) -> None:
    rows = random_rows(80, seed=4, values=_two_objectives)
    _assert_same(*_both(rows, kind, directions=("minimize", "minimize"), target=lambda t: t.values[1]))


def test_conditional_params_get_ped_anova_scores_as_in_optuna() -> None:
    rows = []
    for i, (params, _, _, _) in enumerate(random_rows(150, seed=21)):
        if params["c"] == "a":
            conditional = {"c": params["c"], "y": params["y"], "lr": params["lr"]}
        else:
            conditional = {"c": params["c"], "y": params["y"], "z": params["z"]}
        space = {
            "c": CategoricalDistribution(["a", "b", "d"]),
            "y": FloatDistribution(-1.0, 1.0),
            "lr": FloatDistribution(1e-4, 1.0, log=True),
            "z": FloatDistribution(0.0, 1.5) if i % 2 else FloatDistribution(0.0, 3.0),
        }
        value = params["y"] ** 2 + conditional.get("z", 0.0) + 0.01 * i % 3
        rows.append((conditional, {k: space[k] for k in conditional}, [value], "COMPLETE"))
    theirs, ours = _both(rows, "ped")
    assert set(ours) == {"c", "y", "lr", "z"}
    _assert_same(theirs, ours)


def test_a_single_valued_parameter_scores_zero_in_fanova_as_in_optuna() -> None:
    space = {
        "a": FloatDistribution(0.0, 1.0),
        "b": IntDistribution(3, 3),
        "s": CategoricalDistribution(["only"]),
    }
    rows = random_rows(40, seed=1, space=space, values=lambda p: [p["a"] ** 2])
    theirs, ours = _both(rows, "fanova", normalize=False)
    _assert_same(theirs, ours)
    assert ours["b"] == ours["s"] == 0.0 and ours["a"] > 0


@pytest.mark.parametrize("seed", range(4))
def test_random_search_spaces_and_study_sizes_score_as_in_optuna(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    names = sorted(rng.choice(sorted(SPACE), size=int(rng.integers(1, len(SPACE) + 1)), replace=False))
    space = {name: SPACE[name] for name in names}
    weights = rng.normal(size=len(names))

    def values(p: dict[str, Any]) -> list[float]:
        encoded = [
            float(SPACE["c"].choices.index(p[n]))
            if n == "c"
            else math.log(p[n])
            if n in ("lr", "n")
            else p[n]
            for n in names
        ]
        return [float(np.dot(weights, np.asarray(encoded) ** 2))]

    rows = random_rows(int(rng.integers(8, 90)), seed=seed, space=space, values=values)
    for kind in ("fanova", "ped", "ped-global"):
        _assert_same(*_both(rows, kind))
