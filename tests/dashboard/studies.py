"""Studies written by pyhpo for the dashboard tests, and what the dashboard's JSON should say about them."""

from __future__ import annotations

from typing import Any

import pyhpo

N_TRIALS = 8


def _objective(trial: pyhpo.Trial) -> float:
    x = trial.suggest_float("x", -3.0, 3.0)
    kind = trial.suggest_categorical("kind", ["linear", "square"])
    trial.report(abs(x), 0)
    trial.set_user_attr("tag", f"t{trial.number}")
    return x if kind == "linear" else x * x


def write_studies(storage: Any) -> tuple[pyhpo.Study, pyhpo.Study]:
    """A single-objective study with a RUNNING trial at the end, and a two-objective one, in ``storage``."""
    single = pyhpo.create_study(
        study_name="single", storage=storage, sampler=pyhpo.samplers.RandomSampler(seed=0)
    )
    single.optimize(_objective, n_trials=N_TRIALS)
    single.set_user_attr("owner", "pyhpo")
    running = single.ask()
    running.suggest_float("x", -3.0, 3.0)
    two = pyhpo.create_study(
        study_name="two",
        storage=storage,
        directions=["minimize", "maximize"],
        sampler=pyhpo.samplers.RandomSampler(seed=1),
    )
    two.optimize(lambda t: (t.suggest_float("a", 0, 1), t.suggest_int("b", 0, 4)), n_trials=6)
    return single, two


def check_dashboard(app: Any, single: pyhpo.Study, two: pyhpo.Study) -> None:
    """The dashboard (a ``webtest.TestApp``) lists both studies and shows their trials as pyhpo has them."""
    summaries = {s["study_name"]: s for s in app.get("/api/studies").json["study_summaries"]}
    assert set(summaries) == {"single", "two"}
    assert summaries["single"]["directions"] == ["minimize"]
    assert summaries["two"]["directions"] == ["minimize", "maximize"]
    assert summaries["single"]["user_attrs"] == [{"key": "owner", "value": "pyhpo"}]

    detail = app.get(f"/api/studies/{summaries['single']['study_id']}").json
    assert detail["name"] == "single"
    trials = detail["trials"]
    assert [t["number"] for t in trials] == list(range(N_TRIALS + 1))
    assert [t["state"] for t in trials] == ["Complete"] * N_TRIALS + ["Running"]
    ours = single.get_trials()
    for shown, trial in zip(trials[:N_TRIALS], ours):
        assert shown["values"] == [trial.value]
        assert {p["name"]: p["param_external_value"] for p in shown["params"]} == {
            k: str(v) for k, v in trial.params.items()
        }
        assert shown["intermediate_values"] == [{"step": 0, "value": abs(trial.params["x"])}]
        assert shown["user_attrs"] == [{"key": "tag", "value": f"t{trial.number}"}]
    assert [t["number"] for t in detail["best_trials"]] == [single.best_trial.number]
    # The running trial has only suggested x so far: the dashboard's intersection counts it, its union too.
    assert {p["name"] for p in detail["intersection_search_space"]} == {"x"}
    assert {p["name"] for p in detail["union_search_space"]} == {"x", "kind"}

    pareto = app.get(f"/api/studies/{summaries['two']['study_id']}").json["best_trials"]
    assert sorted(t["number"] for t in pareto) == sorted(t.number for t in two.best_trials)
