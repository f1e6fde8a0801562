"""Every public entry point given a wrong type or an out-of-range value raises a clear error naming it.

Each case is (what is called, the exception, a fragment of the message that names the bad value).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

import pyhpo
from pyhpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from pyhpo.storages import InMemoryStorage, RetryHeartbeatStaleTrialCallback
from pyhpo.study import MaxTrialsCallback, StudyDirection
from pyhpo.trial import FixedTrial, TrialState, create_trial
from tests.study.helpers import new_study

if TYPE_CHECKING:
    from collections.abc import Callable


def _study() -> pyhpo.Study:
    return new_study()


def _tell_with_state(state: object) -> None:
    study = _study()
    study.tell(study.ask(), 1.0, state=state)  # type: ignore[arg-type]


def _optimize(**kwargs: object) -> Callable[[], None]:
    def run() -> None:
        args: dict[str, object] = {"n_trials": 1}
        args.update(kwargs)
        _study().optimize(args.pop("func", lambda t: 0.0), **args)  # type: ignore[arg-type]

    return run


CASES: list[tuple[str, Callable[[], object], type[BaseException], str]] = [
    # create_study / load_study / storage
    ("direction up", lambda: pyhpo.create_study(direction="up"), ValueError, "'up'"),  # type: ignore[arg-type]
    (
        "direction NOT_SET",
        lambda: pyhpo.create_study(direction=StudyDirection.NOT_SET),
        ValueError,
        "NOT_SET",
    ),
    # Optuna's words for the directions; a string given as `directions` is taken as its characters, as in Optuna.
    ("directions empty", lambda: pyhpo.create_study(directions=[]), ValueError, "must be greater than 0"),
    ("directions a string", lambda: pyhpo.create_study(directions="minimize"), ValueError, "'m', 'i', 'n'"),
    (
        "directions with a bad one",
        lambda: pyhpo.create_study(directions=["minimize", "down"]),
        ValueError,
        "'down'",
    ),
    (
        "direction and directions",
        lambda: pyhpo.create_study(direction="minimize", directions=["minimize"]),
        ValueError,
        "only one",
    ),
    ("study_name not a str", lambda: pyhpo.create_study(study_name=3), TypeError, "3"),  # type: ignore[arg-type]
    ("storage an int", lambda: pyhpo.create_study(storage=42), TypeError, "42"),  # type: ignore[arg-type]
    (
        "storage a redis url",
        lambda: pyhpo.create_study(storage="redis://localhost"),
        ValueError,
        "JournalRedisBackend",
    ),
    ("storage not a url", lambda: pyhpo.create_study(storage="notaurl"), ValueError, "notaurl"),
    ("sampler a string", lambda: pyhpo.create_study(sampler="tpe"), TypeError, "'tpe'"),  # type: ignore[arg-type]
    ("pruner a string", lambda: pyhpo.create_study(pruner="median"), TypeError, "'median'"),  # type: ignore[arg-type]
    ("load_if_exists a string", lambda: pyhpo.create_study(load_if_exists="no"), TypeError, "'no'"),  # type: ignore[arg-type]
    (
        "load unknown study",
        lambda: pyhpo.load_study(study_name="ghost", storage=InMemoryStorage()),
        KeyError,
        "ghost",
    ),
    (
        "delete unknown study",
        lambda: pyhpo.delete_study(study_name="ghost", storage=InMemoryStorage()),
        KeyError,
        "ghost",
    ),
    ("summaries of an int", lambda: pyhpo.get_all_study_summaries(3), TypeError, "3"),  # type: ignore[arg-type]
    ("names of an int", lambda: pyhpo.get_all_study_names(3.5), TypeError, "3.5"),  # type: ignore[arg-type]
    # optimize
    ("n_trials negative", _optimize(n_trials=-1), ValueError, "-1"),
    ("n_trials a float", _optimize(n_trials=1.5), ValueError, "1.5"),
    ("n_trials a bool", _optimize(n_trials=True), ValueError, "True"),
    ("n_jobs zero", _optimize(n_jobs=0), ValueError, "got 0"),
    ("n_jobs below -1", _optimize(n_jobs=-2), ValueError, "-2"),
    ("timeout a string", _optimize(timeout="x"), ValueError, "'x'"),
    ("timeout negative", _optimize(timeout=-1.0), ValueError, "-1.0"),
    ("timeout nan", _optimize(timeout=float("nan")), ValueError, "nan"),
    ("catch an int", _optimize(catch=3), TypeError, "int"),
    ("catch holding an int", _optimize(catch=[ValueError, 3]), TypeError, "3"),
    ("func not callable", _optimize(func=3), TypeError, "3"),
    ("callbacks an int", _optimize(callbacks=3), TypeError, "3"),
    ("callbacks holding a string", _optimize(callbacks=["cb"]), TypeError, "'cb'"),
    ("gc_after_trial a string", _optimize(gc_after_trial="yes"), TypeError, "'yes'"),
    ("show_progress_bar a string", _optimize(show_progress_bar="yes"), TypeError, "'yes'"),
    # study methods
    ("enqueue a list", lambda: _study().enqueue_trial([1]), TypeError, "params must be a dictionary"),  # type: ignore[arg-type]
    ("enqueue user_attrs an int", lambda: _study().enqueue_trial({}, user_attrs=5), AttributeError, "got 5"),  # type: ignore[arg-type]
    ("study user attr key", lambda: _study().set_user_attr(3, 1), TypeError, "3"),  # type: ignore[arg-type]
    # Optuna's message, word for word (it names no value).
    (
        "metric names wrong length",
        lambda: _study().set_metric_names(["a", "b"]),
        ValueError,
        "number of objectives must match the length of the metric names",
    ),
    ("ask fixed_distributions a list", lambda: _study().ask(fixed_distributions=[1]), TypeError, r"\[1\]"),  # type: ignore[arg-type]
    # Optuna's words (which name no value) and classes for these two.
    ("tell a string", lambda: _study().tell("first", 1.0), TypeError, "trial object or trial number"),  # type: ignore[arg-type]
    ("tell state an int", lambda: _tell_with_state(7), ValueError, "Cannot tell with state 7."),
    ("add_trial a dict", lambda: _study().add_trial({"value": 1}), TypeError, "'value'"),  # type: ignore[arg-type]
    # trials and distributions
    ("suggest_float low > high", lambda: _study().ask().suggest_float("x", 1, 0), ValueError, "low=1"),
    (
        "suggest_float log low 0",
        lambda: _study().ask().suggest_float("x", 0, 1, log=True),
        ValueError,
        "low=0",
    ),
    (
        "suggest_float step and log",
        lambda: _study().ask().suggest_float("x", 1, 2, step=0.5, log=True),
        ValueError,
        "step",
    ),
    ("suggest_int step 0", lambda: _study().ask().suggest_int("n", 0, 10, step=0), ValueError, "step=0"),
    (
        "suggest_int log float bound",
        lambda: _study().ask().suggest_int("n", 0.5, 2, log=True),
        ValueError,
        "0.5",
    ),  # type: ignore[arg-type]
    (
        "suggest_categorical empty",
        lambda: _study().ask().suggest_categorical("c", []),
        ValueError,
        "one or more",
    ),
    (
        "suggest_categorical an int as choices",
        lambda: _study().ask().suggest_categorical("c", 5),
        TypeError,  # type: ignore[arg-type]
        "'int'",
    ),
    ("report a string value", lambda: _study().ask().report("x", 0), TypeError, "str"),  # type: ignore[arg-type]
    ("report a negative step", lambda: _study().ask().report(1.0, -3), ValueError, "-3"),
    ("CategoricalDistribution empty", lambda: CategoricalDistribution([]), ValueError, "one or more"),
    ("FloatDistribution a string bound", lambda: FloatDistribution("a", 1), TypeError, "'str'"),  # type: ignore[arg-type]
    ("IntDistribution negative step", lambda: IntDistribution(0, 9, step=-1), ValueError, "step=-1"),
    ("FixedTrial missing name", lambda: FixedTrial({}).suggest_float("lr", 0, 1), ValueError, "'lr'"),
    ("create_trial state an int", lambda: create_trial(state=1, value=1.0), AttributeError, "1"),  # type: ignore[arg-type]
    (
        "create_trial complete without value",
        lambda: create_trial(state=TrialState.COMPLETE),
        ValueError,
        "value",
    ),
    # callbacks and logging
    (
        "RetryHeartbeatStaleTrialCallback negative",
        lambda: RetryHeartbeatStaleTrialCallback(max_retry=-1),
        ValueError,
        "-1",
    ),
    ("MaxTrialsCallback negative", lambda: MaxTrialsCallback(-5), ValueError, "-5"),
    ("set_verbosity a string", lambda: pyhpo.logging.set_verbosity("loud"), TypeError, "'loud'"),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(("call", "error", "fragment"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_raises_a_clear_error_naming_the_value(
    call: Callable[[], object], error: type[BaseException], fragment: str
) -> None:
    pyhpo.logging.set_verbosity(pyhpo.logging.WARNING)
    with pytest.raises(error, match=fragment):
        call()


def test_a_rejected_optimize_call_runs_no_trial() -> None:
    study = _study()
    with pytest.raises(ValueError):
        study.optimize(lambda t: 0.0, n_trials=5, n_jobs=0)
    with pytest.raises(TypeError):
        study.optimize(lambda t: 0.0, n_trials=5, callbacks=[None])  # type: ignore[list-item]
    assert study.trials == []
    # And the study still works afterwards (the nested-optimize guard was not left set).
    study.optimize(lambda t: 0.0, n_trials=1)
    assert len(study.trials) == 1
