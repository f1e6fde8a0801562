"""``OptunaSearchCV`` behaves as a scikit-learn search estimator and as optuna-integration's class does."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

import pyhpo
from pyhpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from pyhpo.trial import TrialState

sklearn = pytest.importorskip("sklearn")
np = pytest.importorskip("numpy")

from sklearn.base import clone, is_classifier, is_regressor
from sklearn.datasets import load_diabetes, load_iris
from sklearn.decomposition import PCA
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression, Ridge, SGDClassifier
from sklearn.model_selection import KFold, cross_validate
from sklearn.svm import SVC

from pyhpo.integration import OptunaSearchCV


@pytest.fixture(scope="module")
def iris() -> tuple[Any, Any]:
    return load_iris(return_X_y=True)  # type: ignore[no-any-return]


def test_fit_finds_parameters_refits_and_delegates(iris: tuple[Any, Any]) -> None:
    x, y = iris
    search = OptunaSearchCV(
        LogisticRegression(max_iter=300),
        {
            "C": FloatDistribution(1e-2, 1.0, log=True),
            "fit_intercept": CategoricalDistribution([True, False]),
        },
        n_trials=4,
        cv=3,
        random_state=0,
    )
    assert search.fit(x, y) is search
    assert len(search.trials_) == search.n_trials_ == 4
    assert search.n_splits_ == 3
    best = max(search.trials_, key=lambda t: t.value)
    assert search.best_index_ == best.number
    assert search.best_params_ == best.params
    assert search.best_score_ == best.value == best.user_attrs["mean_test_score"]
    assert search.best_estimator_.get_params()["C"] == search.best_params_["C"]
    assert list(search.predict(x[:5])) == list(search.best_estimator_.predict(x[:5]))
    assert search.predict_proba(x[:2]).shape == (2, 3)
    assert search.score(x, y) == search.best_estimator_.score(x, y)
    assert list(search.classes_) == [0, 1, 2]
    frame = search.trials_dataframe()
    assert len(frame) == 4 and "user_attrs_mean_test_score" in frame
    assert len(search.cv_results_["mean_test_score"]) == 4
    assert set(best.user_attrs) >= {
        "split0_test_score",
        "split2_test_score",
        "std_test_score",
        "mean_fit_time",
    }
    assert best.system_attrs["terminator:cv_scores"] == [
        best.user_attrs[f"split{i}_test_score"] for i in range(3)
    ]


def test_the_search_is_a_scikit_learn_estimator(iris: tuple[Any, Any]) -> None:
    search = OptunaSearchCV(SVC(), {"C": FloatDistribution(0.1, 10.0)}, n_trials=2, random_state=1)
    assert is_classifier(search)
    assert is_regressor(OptunaSearchCV(Ridge(), {"alpha": FloatDistribution(0.1, 1.0)}))
    copy = clone(search)
    assert copy.get_params()["n_trials"] == 2 and copy is not search
    with pytest.raises(NotFittedError):
        search.predict(iris[0])
    search.fit(*iris)
    restored = pickle.loads(pickle.dumps(search))
    assert restored.best_params_ == search.best_params_


def test_same_seed_samples_what_optuna_samples_for_the_same_search(iris: tuple[Any, Any]) -> None:
    optuna = pytest.importorskip("optuna")
    x, y = iris
    space = {"C": FloatDistribution(1e-3, 1e3, log=True)}
    search = OptunaSearchCV(SVC(gamma="auto"), space, n_trials=6, cv=KFold(3), random_state=42)
    search.fit(x, y)
    # optuna-integration's OptunaSearchCV seeds its TPESampler with check_random_state(random_state).randint(...)
    # and scores the mean of cross_validate; the same loop written against Optuna:
    seed = np.random.RandomState(42).randint(0, np.iinfo("int32").max)
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed))

    def objective(trial: Any) -> float:
        model = SVC(gamma="auto", C=trial.suggest_float("C", 1e-3, 1e3, log=True))
        return float(np.mean(cross_validate(model, x, y, cv=KFold(3))["test_score"]))

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study.optimize(objective, n_trials=6)
    assert [t.params["C"] for t in search.trials_] == pytest.approx(
        [t.params["C"] for t in study.trials], rel=1e-6
    )
    assert [t.value for t in search.trials_] == pytest.approx([t.value for t in study.trials])


def test_pruning_by_partial_fit_reports_each_epoch_and_prunes(iris: tuple[Any, Any]) -> None:
    x, y = iris
    study = pyhpo.create_study(direction="maximize", pruner=pyhpo.pruners.ThresholdPruner(lower=0.99))
    search = OptunaSearchCV(
        SGDClassifier(random_state=0),
        {"alpha": FloatDistribution(1e-4, 1e-1, log=True)},
        enable_pruning=True,
        max_iter=3,
        n_trials=2,
        study=study,
        return_train_score=True,
        refit=False,
    )
    search.fit(x, y)
    assert [t.state for t in study.trials] == [TrialState.PRUNED, TrialState.PRUNED]
    assert list(study.trials[0].intermediate_values) == [0]
    assert "split0_train_score" in study.trials[0].user_attrs
    unpruned = OptunaSearchCV(
        SGDClassifier(random_state=0),
        {"alpha": FloatDistribution(1e-4, 1e-1, log=True)},
        enable_pruning=True,
        max_iter=3,
        n_trials=1,
        random_state=0,
    ).fit(x, y)
    assert list(unpruned.trials_[0].intermediate_values) == [0, 1, 2]


def test_subsample_scoring_groups_and_regression() -> None:
    x, y = load_diabetes(return_X_y=True)
    search = OptunaSearchCV(
        Ridge(),
        {
            "alpha": FloatDistribution(1e-3, 10.0, log=True),
            "fit_intercept": CategoricalDistribution([True, False]),
        },
        scoring="neg_mean_squared_error",
        subsample=100,
        n_trials=3,
        n_jobs=2,
        random_state=0,
        callbacks=[lambda study, trial: study.set_user_attr("seen", trial.number)],
    )
    search.fit(x, y, sample_weight=np.ones(len(y)))
    assert len(search.sample_indices_) == 100 and list(search.sample_indices_) == sorted(
        search.sample_indices_
    )
    assert search.best_score_ < 0
    assert search.user_attrs_["seen"] in {0, 1, 2} and len(search.trials_) == 3
    assert search.best_estimator_.n_features_in_ == x.shape[1]


def test_transform_delegates_to_the_refitted_estimator(iris: tuple[Any, Any]) -> None:
    x, _ = iris
    search = OptunaSearchCV(PCA(), {"n_components": IntDistribution(1, 3)}, n_trials=2, random_state=0).fit(x)
    assert search.transform(x).shape[1] == search.best_params_["n_components"]
    assert search.inverse_transform(search.transform(x)).shape == x.shape


def test_error_score_scores_failed_fits_or_raises(iris: tuple[Any, Any]) -> None:
    x, y = iris
    space = {"C": FloatDistribution(-2.0, -1.0)}  # a negative C fails SVC's fit
    search = OptunaSearchCV(SVC(), space, n_trials=1, error_score=-1.0, refit=False, random_state=0)
    search.fit(x, y)  # every fold fails: scikit-learn raises, and the trial scores error_score
    assert search.best_score_ == -1.0
    assert search.trials_[0].user_attrs["split0_test_score"] == -1.0
    with pytest.raises(ValueError, match="C"):
        OptunaSearchCV(SVC(), space, n_trials=1, error_score="raise", refit=False).fit(x, y)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"param_distributions": {"C": [1, 2]}}, "Value of C must be a optuna distribution"),
        ({"enable_pruning": True}, "partial_fit"),
        ({"max_iter": 0}, "max_iter must be > 0"),
        ({"study": "minimize"}, "direction of study must be 'maximize'"),
    ],
)
def test_bad_settings_are_refused_at_fit(iris: tuple[Any, Any], kwargs: dict[str, Any], message: str) -> None:
    if kwargs.get("study") == "minimize":
        kwargs = {"study": pyhpo.create_study(direction="minimize")}
    settings = {"param_distributions": {"C": FloatDistribution(0.1, 1.0)}, **kwargs}
    with pytest.raises(ValueError, match=message):
        OptunaSearchCV(SVC(), **settings).fit(*iris)


def test_param_distributions_must_be_a_mapping_of_current_distributions() -> None:
    with pytest.raises(TypeError, match="param_distributions must be a dictionary"):
        OptunaSearchCV(SVC(), [("C", FloatDistribution(0.1, 1.0))])
    with pytest.warns(FutureWarning):
        old = pyhpo.distributions.UniformDistribution(0.1, 1.0)
    with pytest.raises(ValueError, match="Deprecated distribution is specified in `C`"):
        OptunaSearchCV(SVC(), {"C": old})


def test_without_scikit_learn_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from pyhpo.integration._sklearn import search_cv_class

    monkeypatch.setitem(sys.modules, "sklearn.base", None)
    with pytest.raises(ImportError, match=r'OptunaSearchCV needs .*pip install "pyhpo-opt\[sklearn\]"'):
        search_cv_class.__wrapped__()
