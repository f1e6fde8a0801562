"""Differential test: the same ask/tell/enqueue/add_trial sequence on pyhpo and on Optuna ends in the same study.

Parameters come from enqueued trials, so no sampler randomness is involved: every difference is a difference
in study semantics (states, values, what counts as best, what is rejected).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pyhpo

optuna = pytest.importorskip("optuna")

OUTCOMES = ["value", "pruned", "fail", "nan", "none", "two_values", "string"]

step = st.one_of(
    st.tuples(
        st.just("run"),
        st.floats(min_value=0, max_value=10, allow_nan=False),
        st.sampled_from(OUTCOMES),
        st.lists(st.floats(min_value=-5, max_value=5, allow_nan=False), max_size=3),
    ),
    st.tuples(
        st.just("add"),
        st.floats(min_value=0, max_value=10, allow_nan=False),
        st.sampled_from(["complete", "pruned", "fail"]),
    ),
    st.tuples(st.just("retell"), st.booleans()),
    st.tuples(st.just("enqueue"), st.sampled_from([0.0, 1.0, 2.5, 1 + 1e-7]), st.booleans()),
    st.tuples(st.just("tell_number"), st.integers(min_value=0, max_value=6)),
)


def play(lib: Any, direction: str, steps: list[tuple[Any, ...]]) -> dict[str, Any]:
    lib.logging.set_verbosity(lib.logging.ERROR)
    # "a,b" is a multi-objective study with those directions.
    study = lib.create_study(directions=direction.split(","), sampler=lib.samplers.RandomSampler(seed=0))
    events: list[str] = []
    last = None
    for s in steps:
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                if s[0] == "run":
                    _, x, outcome, reports = s
                    study.enqueue_trial({"x": x})
                    trial = study.ask()
                    trial.suggest_float("x", 0, 10)
                    for i, r in enumerate(reports):
                        trial.report(r, i)
                    trial.set_user_attr("i", len(events))
                    last = trial
                    if outcome == "value":
                        study.tell(trial, x * 2 - 3)
                    elif outcome == "pruned":
                        study.tell(trial, state=lib.trial.TrialState.PRUNED)
                    elif outcome == "fail":
                        study.tell(trial, state=lib.trial.TrialState.FAIL)
                    elif outcome == "nan":
                        study.tell(trial, math.nan)
                    elif outcome == "none":
                        study.tell(trial)
                    elif outcome == "two_values":
                        study.tell(trial, [1.0, 2.0])
                    else:
                        study.tell(trial, "abc")
                elif s[0] == "add":
                    _, x, kind = s
                    state = {
                        "complete": lib.trial.TrialState.COMPLETE,
                        "pruned": lib.trial.TrialState.PRUNED,
                        "fail": lib.trial.TrialState.FAIL,
                    }[kind]
                    study.add_trial(
                        lib.trial.create_trial(
                            state=state,
                            value=x if kind == "complete" else None,
                            params={"x": x},
                            distributions={"x": lib.distributions.FloatDistribution(0, 10)},
                        )
                    )
                elif s[0] == "retell" and last is not None:
                    study.tell(last, 1.0, skip_if_finished=s[1])
                elif s[0] == "enqueue":
                    study.enqueue_trial({"x": s[1]}, skip_if_exists=s[2])
                elif s[0] == "tell_number":
                    study.tell(s[1], 0.5)
            warned = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
            events.append("ok" + "".join(f" +warn: {m}" for m in warned))
        except Exception as e:  # noqa: BLE001 - the kind of error is part of what is compared
            events.append(type(e).__name__)
    try:
        best: Any = (study.best_trial.number, study.best_value)
    except Exception as e:  # noqa: BLE001
        best = type(e).__name__
    return {
        "events": events,
        "trials": [
            (t.number, int(t.state), t.values, t.params, t.intermediate_values, t.user_attrs)
            for t in study.trials
        ],
        "best": best,
        "best_trials": [t.number for t in study.best_trials],
    }


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["minimize", "maximize", "minimize,maximize"]), st.lists(step, max_size=8))
def test_pyhpo_and_optuna_end_in_the_same_study(direction: str, steps: list[tuple[Any, ...]]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = play(optuna, direction, steps)
    ours = play(pyhpo, direction, steps)
    assert ours == theirs


class _Boom(Exception):
    pass


def run_optimize(lib: Any, direction: str, outcomes: list[str], n_jobs: int) -> dict[str, Any]:
    import logging

    records: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda r: records.append(f"{r.levelname} {r.getMessage()}")  # type: ignore[method-assign]
    logger = logging.getLogger(lib.__name__)
    logger.addHandler(handler)
    lib.logging.set_verbosity(lib.logging.INFO)
    lib.logging.disable_default_handler()
    try:
        study = lib.create_study(
            direction=direction, sampler=lib.samplers.RandomSampler(seed=0), study_name="diff"
        )
        for i in range(len(outcomes)):
            study.enqueue_trial({"x": float(i)})
        seen: list[int] = []

        def objective(trial: Any) -> Any:
            x = trial.suggest_float("x", 0, 100)
            outcome = outcomes[trial.number]
            trial.report(x / 2, 0)
            if outcome == "value":
                return x * 3 - 5
            if outcome == "pruned":
                raise lib.TrialPruned(f"pruned at {x}")
            if outcome == "caught":
                raise _Boom(f"boom {x}")
            if outcome == "nan":
                return math.nan
            if outcome == "none":
                return None
            return [x, x]

        study.optimize(
            objective,
            n_trials=len(outcomes),
            catch=(_Boom,),
            n_jobs=n_jobs,
            callbacks=[lambda s, t: seen.append(t.number)],
        )
    finally:
        logger.removeHandler(handler)
        lib.logging.enable_default_handler()
        lib.logging.set_verbosity(lib.logging.WARNING)
    key = sorted if n_jobs > 1 else list  # with threads only the set of lines is deterministic
    return {
        "trials": [(t.number, int(t.state), t.values, t.params, t.intermediate_values) for t in study.trials],
        "callbacks": key(seen),
        "log": key(r for r in records if "Best is" not in r or n_jobs == 1),
    }


@settings(max_examples=25, deadline=None)
@given(
    st.sampled_from(["minimize", "maximize"]),
    st.lists(st.sampled_from(["value", "pruned", "caught", "nan", "none", "list"]), min_size=1, max_size=6),
    st.sampled_from([1, 2]),
)
def test_optimize_gives_the_same_trials_and_log_lines_as_optuna(
    direction: str, outcomes: list[str], n_jobs: int
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = run_optimize(optuna, direction, outcomes, n_jobs)
    ours = run_optimize(pyhpo, direction, outcomes, n_jobs)
    assert ours == theirs
