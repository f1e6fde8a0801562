"""Code written for Optuna runs with ``import pyhpo as optuna``; public signatures match Optuna's."""

from __future__ import annotations

import inspect
import warnings
from typing import TYPE_CHECKING, Any

import pytest

import pyhpo

if TYPE_CHECKING:
    from collections.abc import Callable


def test_a_typical_optuna_script_runs_unchanged() -> None:
    import pyhpo as optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)

    def objective(trial: optuna.Trial) -> float:
        classifier = trial.suggest_categorical("classifier", ["SVC", "RandomForest"])
        lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
        depth = trial.suggest_int("depth", 2, 32, log=True)
        dropout = trial.suggest_float("dropout", 0.0, 0.5, step=0.1)
        loss = 1.0
        for epoch in range(5):
            loss = (
                abs(lr - 0.01)
                + depth / 100
                + dropout
                + (0.1 if classifier == "SVC" else 0.0)
                + 1.0 / (epoch + 1)
            )
            trial.report(loss, epoch)
            if trial.should_prune():
                raise optuna.TrialPruned()
        return loss

    study = optuna.create_study(
        direction="minimize",
        sampler=optuna.samplers.TPESampler(seed=42),
        pruner=optuna.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=1),
        study_name="compat",
    )
    study.enqueue_trial({"classifier": "RandomForest", "lr": 0.01, "depth": 4, "dropout": 0.0})
    study.optimize(objective, n_trials=25)

    assert study.trials[0].params == {"classifier": "RandomForest", "lr": 0.01, "depth": 4, "dropout": 0.0}
    complete = study.get_trials(deepcopy=False, states=[optuna.trial.TrialState.COMPLETE])
    pruned = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.PRUNED,))
    assert len(complete) + len(pruned) == 25 and len(complete) >= 3
    assert set(study.best_params) == {"classifier", "lr", "depth", "dropout"}
    assert study.best_value == min(t.value for t in complete)
    assert study.best_trial.number in {t.number for t in complete}
    df = study.trials_dataframe()
    assert len(df) == 25 and "params_lr" in df.columns
    # The best trial can be re-run outside the study.
    assert objective(optuna.trial.FixedTrial(study.best_params)) == pytest.approx(study.best_value)


def test_an_ask_and_tell_optuna_script_runs_unchanged() -> None:
    import pyhpo as optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(
        directions=["minimize", "maximize"], sampler=optuna.samplers.RandomSampler(seed=0)
    )
    for _ in range(10):
        trial = study.ask()
        x = trial.suggest_float("x", 0, 1)
        study.tell(trial, [x, x**0.5])
    assert 1 <= len(study.best_trials) <= 10
    assert study.directions == [optuna.study.StudyDirection.MINIMIZE, optuna.study.StudyDirection.MAXIMIZE]


# Signatures ---------------------------------------------------------------------------------------------------


def _entry_points(mod: Any) -> list[tuple[str, Callable[..., Any]]]:
    return [
        ("create_study", mod.create_study),
        ("load_study", mod.load_study),
        ("delete_study", mod.delete_study),
        ("copy_study", mod.copy_study),
        ("get_all_study_summaries", mod.get_all_study_summaries),
        ("get_all_study_names", mod.get_all_study_names),
        ("Study.optimize", mod.Study.optimize),
        ("Study.ask", mod.Study.ask),
        ("Study.tell", mod.Study.tell),
        ("Study.enqueue_trial", mod.Study.enqueue_trial),
        ("Study.add_trial", mod.Study.add_trial),
        ("Study.add_trials", mod.Study.add_trials),
        ("Study.get_trials", mod.Study.get_trials),
        ("Study.trials_dataframe", mod.Study.trials_dataframe),
        ("Study.set_user_attr", mod.Study.set_user_attr),
        ("Study.set_metric_names", mod.Study.set_metric_names),
        ("Study.__init__", mod.Study.__init__),
        ("Trial.__init__", mod.Trial.__init__),
        ("Trial.suggest_float", mod.Trial.suggest_float),
        ("Trial.suggest_int", mod.Trial.suggest_int),
        ("Trial.suggest_categorical", mod.Trial.suggest_categorical),
        ("Trial.report", mod.Trial.report),
        ("Trial.should_prune", mod.Trial.should_prune),
        ("Trial.set_user_attr", mod.Trial.set_user_attr),
        ("Trial.set_constraint", mod.Trial.set_constraint),
        ("FrozenTrial.__init__", mod.trial.FrozenTrial.__init__),
        ("FrozenTrial.set_constraint", mod.trial.FrozenTrial.set_constraint),
        ("FixedTrial.__init__", mod.trial.FixedTrial.__init__),
        ("create_trial", mod.trial.create_trial),
        ("StudySummary.__init__", mod.study.StudySummary.__init__),
        ("MaxTrialsCallback.__init__", mod.study.MaxTrialsCallback.__init__),
        ("FloatDistribution.__init__", mod.distributions.FloatDistribution.__init__),
        ("IntDistribution.__init__", mod.distributions.IntDistribution.__init__),
        ("CategoricalDistribution.__init__", mod.distributions.CategoricalDistribution.__init__),
        ("distribution_to_json", mod.distributions.distribution_to_json),
        ("json_to_distribution", mod.distributions.json_to_distribution),
        ("check_distribution_compatibility", mod.distributions.check_distribution_compatibility),
        ("InMemoryStorage.__init__", mod.storages.InMemoryStorage.__init__),
        ("RetryFailedTrialCallback.__init__", mod.storages.RetryFailedTrialCallback.__init__),
        ("RetryHeartbeatStaleTrialCallback.__init__", mod.storages.RetryHeartbeatStaleTrialCallback.__init__),
        ("fail_stale_trials", mod.storages.fail_stale_trials),
        ("logging.set_verbosity", mod.logging.set_verbosity),
        ("logging.get_logger", mod.logging.get_logger),
    ]


# Keyword arguments pyhpo adds to Optuna's signatures (documented in docs/migration.md).
PYHPO_EXTENSIONS: dict[str, tuple[str, ...]] = {"Study.optimize": ("processes",)}


def _shape(func: Callable[..., Any]) -> list[tuple[str, str, object]]:
    """Names, kinds and defaults of the parameters: what decides whether a call works (not the annotations).

    Defaults compare by value, so ``TrialState.COMPLETE`` here equals Optuna's (both are the int 1).
    """
    return [
        (p.name, p.kind.name, "<required>" if p.default is inspect.Parameter.empty else p.default)
        for p in inspect.signature(func).parameters.values()
        # Our own private extras, always with a default, do not change what callers can write.
        if not (p.name.startswith("_") and p.default is not inspect.Parameter.empty)
    ]


@pytest.fixture(scope="module")
def optuna_module() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pytest.importorskip("optuna")


@pytest.mark.parametrize("name", [n for n, _ in _entry_points(pyhpo)])
def test_public_signature_matches_optunas(name: str, optuna_module: Any) -> None:
    ours = _shape(dict(_entry_points(pyhpo))[name])
    theirs = _shape(dict(_entry_points(optuna_module))[name])
    extensions = PYHPO_EXTENSIONS.get(name, ())
    # pyhpo's own arguments come after all of Optuna's, with defaults: every call written for Optuna works.
    assert [p[0] for p in ours[len(ours) - len(extensions) :]] == list(extensions)
    assert all(p[2] != "<required>" for p in ours if p[0] in extensions)
    assert [p for p in ours if p[0] not in extensions] == theirs


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        ("Study", "Study"),
        ("Trial", "Trial"),
        ("trial.FrozenTrial", "trial.FrozenTrial"),
        ("trial.FixedTrial", "trial.FixedTrial"),
        ("study.StudySummary", "study.StudySummary"),
    ],
)
def test_every_public_attribute_of_optunas_classes_exists_here(
    ours: str, theirs: str, optuna_module: Any
) -> None:
    def resolve(mod: Any, path: str) -> Any:
        for part in path.split("."):
            mod = getattr(mod, part)
        return mod

    our_cls, their_cls = resolve(pyhpo, ours), resolve(optuna_module, theirs)
    missing = [n for n in dir(their_cls) if not n.startswith("_") and not hasattr(our_cls, n)]
    assert missing == []


@pytest.mark.parametrize("module", ["", "trial", "study", "exceptions", "logging", "distributions"])
def test_every_public_name_of_optunas_core_modules_exists_here(module: str, optuna_module: Any) -> None:
    import types

    theirs = getattr(optuna_module, module) if module else optuna_module
    ours = getattr(pyhpo, module) if module else pyhpo
    wanted = set(
        getattr(theirs, "__all__", [])
        or [
            n
            for n, v in vars(theirs).items()
            if not n.startswith("_")
            and not isinstance(v, types.ModuleType)
            and getattr(v, "__module__", "").startswith("optuna")
        ]
    )
    # Optuna's own helpers and the plug-in packages are out of pyhpo's scope.
    out_of_scope = {
        "deprecated_class",
        "optuna_warn",
        "artifacts",
        "importance",
        "integration",
        "visualization",
    }
    assert sorted(n for n in wanted - out_of_scope if not hasattr(ours, n)) == []


def test_objects_cross_the_boundary_through_json(optuna_module: Any) -> None:
    """A distribution written by pyhpo reads in Optuna and back, equal to the original."""
    dist = pyhpo.distributions.IntDistribution(1, 64, log=True)
    theirs = optuna_module.distributions.json_to_distribution(pyhpo.distributions.distribution_to_json(dist))
    assert (
        pyhpo.distributions.json_to_distribution(optuna_module.distributions.distribution_to_json(theirs))
        == dist
    )


# Names Optuna exports that pyhpo does not offer (yet). The test below fails when a name outside this list goes
# missing, and also when a listed name appears (then take it off the list): the list stays the truth.
KNOWN_GAPS = {
    "samplers": set(),
    "pruners": set(),
    # Optuna's private cache class (pyhpo's RDBStorage caches finished trials itself).
    "storages": {"_CachedStorage"},
    "storages.journal": set(),
}


@pytest.mark.parametrize("module", sorted(KNOWN_GAPS))
def test_plugin_modules_offer_optunas_names_except_the_known_gaps(module: str, optuna_module: Any) -> None:
    import importlib

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = importlib.import_module(f"optuna.{module}")
    ours = importlib.import_module(f"pyhpo.{module}")
    missing = {n for n in theirs.__all__ if not hasattr(ours, n)}
    assert sorted(missing - KNOWN_GAPS[module]) == [], "newly missing"
    assert sorted(KNOWN_GAPS[module] - missing) == [], "no longer missing: take these off KNOWN_GAPS"


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        ("storages.BaseStorage", "storages.BaseStorage"),
        ("storages.BaseHeartbeat", "storages._heartbeat.BaseHeartbeat"),
        ("samplers.BaseSampler", "samplers.BaseSampler"),
        ("pruners.BasePruner", "pruners.BasePruner"),
    ],
)
def test_extension_base_classes_have_optunas_methods_and_signatures(
    ours: str, theirs: str, optuna_module: Any
) -> None:
    """Plug-in authors subclass these: every method Optuna's base has exists here with the same parameters."""
    import importlib

    def resolve(root: str, path: str) -> Any:
        module_path, _, cls = path.rpartition(".")
        return getattr(importlib.import_module(f"{root}.{module_path}"), cls)

    our_cls, their_cls = resolve("pyhpo", ours), resolve("optuna", theirs)
    problems = []
    for name in dir(their_cls):
        if name.startswith("__"):
            continue
        if not hasattr(our_cls, name):
            problems.append(f"missing {name}")
            continue
        a, b = getattr(their_cls, name), getattr(our_cls, name)
        if callable(a) and callable(b):
            want = [(p.name, p.kind) for p in inspect.signature(a).parameters.values()]
            got = [(p.name, p.kind) for p in inspect.signature(b).parameters.values()]
            if want != got:
                problems.append(f"{name}: {got} != {want}")
    assert problems == []
