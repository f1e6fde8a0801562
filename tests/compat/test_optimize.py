"""``Study.optimize`` next to Optuna: trial counts, catch, callbacks, stop, threads, heartbeats, progress bars.

Each script runs once through ``optuna`` and once through ``pyhpo`` (see ``_diff.py``): result, exception, warnings
and log lines must be the same. Progress bars are compared on the captured streams. The differences we keep on
purpose are at the end, each with a test of what pyhpo does and why.
"""

from __future__ import annotations

import contextlib
import io
import logging
import math
import re
import threading
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest

import pyhpo
from tests.compat._diff import LIBS, assert_same, optuna

Script = Callable[[ModuleType], Any]
SCRIPTS: dict[str, Script] = {}


def script(f: Script) -> Script:
    SCRIPTS[f.__name__] = f
    return f


def _study(lib: ModuleType, **kwargs: Any) -> Any:
    return lib.create_study(sampler=lib.samplers.RandomSampler(seed=0), **kwargs)


def _quadratic(trial: Any) -> float:
    return float((trial.suggest_float("x", -10, 10) - 2) ** 2)


def _states(study: Any) -> list[str]:
    return [t.state.name for t in study.trials]


def _boom(trial: Any) -> float:
    raise ValueError("boom")


# Trial counts, values the objective returns --------------------------------------------------------------------------


@script
def three_trials(lib: ModuleType) -> Any:
    study = _study(lib)
    study.optimize(_quadratic, n_trials=3)
    return study.best_value, _states(study)


@script
def zero_trials(lib: ModuleType) -> Any:
    study = _study(lib)
    study.optimize(_quadratic, n_trials=0)
    return _states(study)


@script
def a_zero_timeout_runs_no_trial(lib: ModuleType) -> Any:
    study = _study(lib)
    study.optimize(_quadratic, n_trials=3, timeout=0)
    return _states(study)


@script
def a_timeout_with_a_trial_count(lib: ModuleType) -> Any:
    study = _study(lib)
    study.optimize(_quadratic, n_trials=2, timeout=60)
    return _states(study)


@script
def an_objective_that_raises(lib: ModuleType) -> Any:
    study = _study(lib)
    study.optimize(_boom, n_trials=2)
    return _states(study)


@script
def pruned_trials(lib: ModuleType) -> Any:
    study = _study(lib)

    def objective(trial: Any) -> float:
        trial.report(1.0, 0)
        raise lib.TrialPruned("too slow")

    study.optimize(objective, n_trials=2)
    return [(t.state.name, t.values) for t in study.trials]


RETURNED: dict[str, Any] = {
    "None": None,
    "a string": "abc",
    "nan": math.nan,
    "inf": math.inf,
    "two values": (1.0, 2.0),
    "a list of one": [4.0],
    "an int": 7,
}


def _returning(value: Any, directions: int = 1) -> Script:
    def run(lib: ModuleType) -> Any:
        study = _study(lib, directions=["minimize"] * directions)
        study.optimize(lambda t: value, n_trials=1)
        return [(t.state.name, t.values) for t in study.trials]

    return run


for _name, _value in RETURNED.items():
    SCRIPTS[f"objective returns {_name}"] = _returning(_value)
SCRIPTS["objective returns one value to two objectives"] = _returning(1.0, directions=2)
SCRIPTS["objective returns two values to two objectives"] = _returning((1.0, 2.0), directions=2)


@script
def keyboard_interrupt_fails_the_trial_and_is_raised(lib: ModuleType) -> Any:
    study = _study(lib)

    def objective(trial: Any) -> float:
        raise KeyboardInterrupt

    try:
        study.optimize(objective, n_trials=2)
    except KeyboardInterrupt:
        return "KeyboardInterrupt", _states(study)
    return "returned", _states(study)


@script
def an_enqueued_trial_runs_first(lib: ModuleType) -> Any:
    study = _study(lib)
    study.enqueue_trial({"x": 1.0})
    study.optimize(_quadratic, n_trials=2)
    return study.trials[0].params, _states(study)


# catch -----------------------------------------------------------------------------------------------------------


@script
def catch_a_tuple(lib: ModuleType) -> Any:
    study = _study(lib)
    study.optimize(_boom, n_trials=2, catch=(ValueError,))
    return _states(study)


@script
def catch_one_class(lib: ModuleType) -> Any:
    study = _study(lib)
    study.optimize(_boom, n_trials=2, catch=ValueError)
    return _states(study)


@script
def catch_a_list(lib: ModuleType) -> Any:
    study = _study(lib)
    study.optimize(_boom, n_trials=2, catch=[KeyError, ValueError])
    return _states(study)


@script
def catch_another_class(lib: ModuleType) -> Any:
    study = _study(lib)
    study.optimize(_boom, n_trials=2, catch=(KeyError,))
    return _states(study)


# callbacks, stop, gc, nesting --------------------------------------------------------------------------------------


@script
def callbacks_see_each_trial_in_order(lib: ModuleType) -> Any:
    study = _study(lib)
    seen: list[Any] = []
    study.optimize(
        _quadratic,
        n_trials=3,
        callbacks=[
            lambda s, t: seen.append(("a", t.number, t.state.name)),
            lambda s, t: seen.append(("b", t.number)),
        ],
    )
    return seen


@script
def each_callback_gets_its_own_copy(lib: ModuleType) -> Any:
    study = _study(lib)
    seen: list[Any] = []

    def first(s: Any, t: Any) -> None:
        t.user_attrs["mine"] = 1

    study.optimize(_quadratic, n_trials=1, callbacks=[first, lambda s, t: seen.append(dict(t.user_attrs))])
    return seen, study.trials[0].user_attrs


@script
def a_callback_stops_the_study(lib: ModuleType) -> Any:
    study = _study(lib)
    study.optimize(_quadratic, n_trials=10, callbacks=[lambda s, t: s.stop() if t.number == 2 else None])
    return len(study.trials)


@script
def the_objective_stops_the_study(lib: ModuleType) -> Any:
    study = _study(lib)

    def objective(trial: Any) -> float:
        if trial.number == 1:
            trial.study.stop()
        return 1.0

    study.optimize(objective, n_trials=10)
    return len(study.trials)


@script
def a_stopped_study_runs_again(lib: ModuleType) -> Any:
    study = _study(lib)
    study.optimize(lambda t: t.study.stop() or 1.0, n_trials=10)
    study.optimize(_quadratic, n_trials=2)
    return len(study.trials)


@script
def max_trials_callback(lib: ModuleType) -> Any:
    study = _study(lib)
    study.optimize(_quadratic, n_trials=10, callbacks=[lib.study.MaxTrialsCallback(3)])
    return len(study.trials)


@script
def a_callback_that_raises(lib: ModuleType) -> Any:
    study = _study(lib)

    def callback(s: Any, t: Any) -> None:
        raise RuntimeError("callback failed")

    study.optimize(_quadratic, n_trials=3, callbacks=[callback])
    return len(study.trials)


@script
def gc_after_trial(lib: ModuleType) -> Any:
    study = _study(lib)
    study.optimize(_quadratic, n_trials=2, gc_after_trial=True)
    return _states(study)


@script
def nested_optimize(lib: ModuleType) -> Any:
    study = _study(lib)
    study.optimize(lambda t: study.optimize(_quadratic, n_trials=1) or 1.0, n_trials=1)
    return _states(study)


@script
def nested_optimize_caught(lib: ModuleType) -> Any:
    study = _study(lib)
    study.optimize(lambda t: study.optimize(_quadratic, n_trials=1) or 1.0, n_trials=2, catch=(RuntimeError,))
    return _states(study)


@script
def several_objectives(lib: ModuleType) -> Any:
    study = _study(lib, directions=["minimize", "maximize"])
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)), n_trials=4)
    return sorted(t.number for t in study.best_trials)


# Threads (values differ from run to run: only what is deterministic is compared) ---------------------------------


@script
def threads_run_the_asked_number_of_trials(lib: ModuleType) -> Any:
    study = lib.create_study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=6, n_jobs=2)
    return sorted(t.number for t in study.trials), set(_states(study))


@script
def threads_raise_the_objectives_error(lib: ModuleType) -> Any:
    study = lib.create_study()
    study.optimize(_boom, n_trials=4, n_jobs=2)


@script
def threads_stop(lib: ModuleType) -> Any:
    study = lib.create_study()
    study.optimize(lambda t: t.study.stop() or 1.0, n_trials=50, n_jobs=2)
    return len(study.trials) <= 3


THREADED = {
    "threads_run_the_asked_number_of_trials",
    "threads_raise_the_objectives_error",
    "threads_stop",
    "progress_bar_with_a_timeout_and_threads",
}


# Progress bar warnings ---------------------------------------------------------------------------------------------


@script
def progress_bar_without_trials_or_timeout(lib: ModuleType) -> Any:
    study = _study(lib)
    study.optimize(lambda t: t.study.stop() or 1.0, show_progress_bar=True)
    return len(study.trials)


@script
def progress_bar_with_a_timeout_and_threads(lib: ModuleType) -> Any:
    study = _study(lib)
    study.optimize(lambda t: t.study.stop() or 1.0, timeout=30, n_jobs=2, show_progress_bar=True)
    return len(study.trials) >= 1


# Heartbeats ------------------------------------------------------------------------------------------------------


def _heartbeat_storage(lib: ModuleType, callback: Any = None) -> Any:
    class Storage(lib.storages.InMemoryStorage, lib.storages._heartbeat.BaseHeartbeat):  # type: ignore[name-defined,misc]
        def __init__(self) -> None:
            super().__init__()
            self.dead: set[int] = set()
            self.beats: list[int] = []

        def record_heartbeat(self, trial_id: int) -> None:
            self.beats.append(trial_id)

        def _get_stale_trial_ids(self, study_id: int) -> list[int]:
            running = self.get_all_trials(study_id, deepcopy=False, states=(lib.trial.TrialState.RUNNING,))
            return [t._trial_id for t in running if t._trial_id in self.dead]

        def get_heartbeat_interval(self) -> int:
            return 60

        def get_heartbeat_stale_trial_callback(self) -> Any:
            return callback

    return Storage()


@script
def ask_on_a_heartbeat_storage_warns(lib: ModuleType) -> Any:
    study = lib.create_study(storage=_heartbeat_storage(lib))
    trial = study.ask()
    return study.tell(trial, 1.0).state.name


@script
def a_stale_trial_is_failed_and_retried(lib: ModuleType) -> Any:
    storage = _heartbeat_storage(lib, callback=lib.storages.RetryHeartbeatStaleTrialCallback(max_retry=1))
    study = lib.create_study(storage=storage, sampler=lib.samplers.RandomSampler(seed=0))
    trial = study.ask()
    trial.suggest_float("x", 0, 1)
    storage.dead.add(trial._trial_id)
    lib.storages.fail_stale_trials(study)
    # optimize fails stale trials itself, without the experimental warning, and beats for its trials.
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    return (
        [(t.number, t.state.name, sorted(t.system_attrs.items())) for t in study.trials],
        study.trials[1].params == study.trials[0].params,
        storage.beats == [study.trials[1]._trial_id],
    )


@pytest.mark.parametrize("name", list(SCRIPTS))
def test_same_as_optuna(name: str) -> None:
    assert_same(SCRIPTS[name], compare_logs=name not in THREADED)


# The sampler is reseeded in each pool task ----------------------------------------------------------------------


def _reseeds(lib: ModuleType, n_jobs: int) -> int:
    calls: list[int] = []

    class Counting(lib.samplers.RandomSampler):  # type: ignore[name-defined,misc]
        def reseed_rng(self) -> None:
            calls.append(threading.get_ident())
            super().reseed_rng()

    lib.logging.set_verbosity(lib.logging.WARNING)
    study = lib.create_study(sampler=Counting(seed=0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=4, n_jobs=n_jobs)
    return len(calls)


@pytest.mark.parametrize(("n_jobs", "expected"), [(1, 0), (2, 4), (3, 4)])
def test_the_sampler_is_reseeded_once_per_trial_run_in_a_thread_pool(n_jobs: int, expected: int) -> None:
    # Optuna reseeds at the start of each task it submits to the pool (one trial each), never with n_jobs=1.
    assert _reseeds(optuna, n_jobs) == expected
    assert _reseeds(pyhpo, n_jobs) == expected


# Progress bars ---------------------------------------------------------------------------------------------------


def _bar(lib: ModuleType, **kwargs: Any) -> str:
    """The last frame of the bar that optimize draws on stderr, with run-dependent numbers masked."""
    lib.logging.set_verbosity(lib.logging.WARNING)
    study = lib.create_study(sampler=lib.samplers.RandomSampler(seed=0))
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        study.optimize(lambda t: t.study.stop() or _quadratic(t), show_progress_bar=True, **kwargs)
    frames = [f.strip() for f in err.getvalue().split("\r") if f.strip()]
    last = frames[-1] if frames else ""
    last = re.sub(r"\[[^\]]*\]$", "[rate]", last)  # tqdm's [elapsed<remaining, it/s]
    return re.sub(r"\d+\.\d\d/", "s.ss/", last)  # the elapsed seconds of a trial count with a timeout


@pytest.mark.parametrize(
    ("timeout", "total"),
    [
        (59, "00:59"),
        (60, "01:00"),
        (3600, "1:00:00"),
        (86400, "24:00:00"),
        (864000, "240:00:00"),
        (0.5, "00:00"),
    ],
)
def test_a_timeout_bar_shows_elapsed_out_of_the_timeout_as_optuna_does(timeout: float, total: str) -> None:
    ours, theirs = _bar(pyhpo, timeout=timeout), _bar(optuna, timeout=timeout)
    assert ours == theirs
    assert ours.endswith(f"| 00:00/{total}"), ours


@pytest.mark.parametrize("kwargs", [{"n_trials": 3}, {"n_trials": 3, "timeout": 60}])
def test_a_trial_count_bar_looks_like_optunas(kwargs: dict[str, Any]) -> None:
    ours, theirs = _bar(pyhpo, **kwargs), _bar(optuna, **kwargs)
    assert ours == theirs
    assert "Best trial: 0. Best value: " in ours and "1/3" in ours


def test_no_bar_is_drawn_for_a_timeout_with_threads() -> None:
    for lib in LIBS.values():
        with pytest.warns(
            UserWarning, match="The timeout-based progress bar is not supported with n_jobs != 1."
        ):
            assert _bar(lib, timeout=30, n_jobs=2) == "", lib.__name__


def _run_with_bar_and_default_handler(lib: ModuleType) -> tuple[list[str], str]:
    """Log lines written to stdout (timestamps cut) and what went to stderr, for a run with a bar."""
    lib.logging.set_verbosity(lib.logging.INFO)
    study = lib.create_study(sampler=lib.samplers.RandomSampler(seed=0))
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        study.optimize(_quadratic, n_trials=2, show_progress_bar=True)
    lines = [re.sub(r"^\[I [^\]]*\] ", "[I] ", line) for line in out.getvalue().splitlines()]
    return [line.replace(lib.__name__, "<lib>") for line in lines], err.getvalue()


def test_log_lines_go_above_the_bar_through_tqdm_write_as_in_optuna() -> None:
    ours, our_err = _run_with_bar_and_default_handler(pyhpo)
    theirs, their_err = _run_with_bar_and_default_handler(optuna)
    assert ours == theirs
    assert [line[:24] for line in ours] == ["[I] Trial 0 finished wit", "[I] Trial 1 finished wit"]
    assert "Trial 0 finished" not in our_err and "Trial 0 finished" not in their_err
    assert "2/2" in our_err


def test_the_default_handler_is_back_after_the_bar_and_stays_off_if_it_was_off() -> None:
    root = logging.getLogger("pyhpo")
    study = pyhpo.create_study()
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        study.optimize(lambda t: 1.0, n_trials=1, show_progress_bar=True)
        assert pyhpo.logging._default_handler_enabled()
        handlers = list(root.handlers)
        pyhpo.logging.disable_default_handler()
        try:
            study.optimize(lambda t: 1.0, n_trials=1, show_progress_bar=True)
            # Optuna turns its default handler back on here whatever it was before; pyhpo leaves it off.
            assert not pyhpo.logging._default_handler_enabled()
        finally:
            pyhpo.logging.enable_default_handler()
    assert list(root.handlers) == handlers


# Differences kept on purpose -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        # Optuna runs no trial for a negative count and runs 3 for 2.5 (its loop compares i >= 2.5).
        ({"n_trials": -1}, ValueError),
        ({"n_trials": 2.5}, ValueError),
        # Optuna runs no trial for a negative timeout.
        ({"timeout": -1}, ValueError),
        # Optuna: ValueError "max_workers must be greater than 0" from the thread pool; pyhpo names n_jobs.
        ({"n_trials": 1, "n_jobs": 0}, ValueError),
        ({"n_trials": 1, "n_jobs": -2}, ValueError),
        # Optuna accepts any catch and fails only when an objective raises (TypeError from isinstance).
        ({"n_trials": 1, "catch": 5}, TypeError),
        ({"n_trials": 1, "catch": "ValueError"}, TypeError),
        ({"n_trials": 1, "catch": None}, TypeError),
        # Optuna runs the first trial and then fails calling or iterating the callbacks (TypeError).
        ({"n_trials": 1, "callbacks": [5]}, TypeError),
        ({"n_trials": 1, "callbacks": print}, TypeError),
    ],
)
def test_bad_optimize_arguments_are_refused_before_any_trial(
    kwargs: dict[str, Any], error: type[Exception]
) -> None:
    study = pyhpo.create_study()
    with pytest.raises(error):
        study.optimize(lambda t: 1.0, **kwargs)
    assert study.trials == []


def test_an_objective_that_is_not_callable_is_refused_before_any_trial() -> None:
    """Optuna starts a trial, fails it with TypeError("'int' object is not callable") and raises that."""
    study = pyhpo.create_study()
    with pytest.raises(TypeError, match="func must be callable"):
        study.optimize(5, n_trials=1)  # type: ignore[arg-type]
    assert study.trials == []


def test_a_trial_the_objective_told_itself_is_kept_where_optuna_raises() -> None:
    """Optuna raises ValueError("Cannot tell a COMPLETE trial.") from optimize when the objective told its own
    trial; pyhpo keeps what was told, logs that it skipped the returned value, and goes on (the same path keeps
    optimize running when another worker failed the trial for a stale heartbeat)."""
    study = pyhpo.create_study()

    def objective(trial: pyhpo.Trial) -> float:
        study.tell(trial, 5.0)
        return 1.0

    study.optimize(objective, n_trials=2)
    assert [t.values for t in study.trials] == [[5.0], [5.0]]
