"""Study.optimize: stopping rules, callbacks, errors, interrupts, threads and the progress bar."""

from __future__ import annotations

import gc
import re
import threading
import time
from typing import TYPE_CHECKING, Any

import pytest

import pyhpo
from pyhpo.trial import FrozenTrial, Trial, TrialState
from tests.study.helpers import new_study, pyhpo_records

if TYPE_CHECKING:
    from pyhpo.study import Study


def quadratic(trial: Trial) -> float:
    x = trial.suggest_float("x", -10, 10)
    return (x - 2) ** 2


def test_optimize_runs_exactly_n_trials_and_each_call_adds_more() -> None:
    study = new_study()
    study.optimize(quadratic, n_trials=3)
    study.optimize(quadratic, n_trials=2)
    assert [t.number for t in study.trials] == [0, 1, 2, 3, 4]
    assert all(t.state == TrialState.COMPLETE for t in study.trials)


def test_n_trials_zero_runs_nothing() -> None:
    study = new_study()
    study.optimize(quadratic, n_trials=0)
    assert study.trials == []


def test_timeout_stops_starting_trials_after_the_deadline() -> None:
    study = new_study()

    def slow(trial: Trial) -> float:
        time.sleep(0.05)
        return quadratic(trial)

    start = time.monotonic()
    study.optimize(slow, timeout=0.3)
    elapsed = time.monotonic() - start
    assert 0.3 <= elapsed < 1.5
    assert 3 <= len(study.trials) <= 8


def test_timeout_is_measured_on_the_monotonic_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """A wall clock jumping backwards (NTP, DST) must not make optimize run forever."""
    study = new_study()
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() - 10_000.0 * len(study.trials))

    def objective(trial: Trial) -> float:
        time.sleep(0.01)
        return 0.0

    start = time.monotonic()
    study.optimize(objective, n_trials=200, timeout=0.2)
    # On the wall clock above, elapsed time goes negative and all 200 trials (2 s) would run.
    assert len(study.trials) < 100
    assert time.monotonic() - start < 1.5


def test_callbacks_get_the_study_and_each_finished_trial_in_order() -> None:
    study = new_study()
    seen: list[tuple[Study, int, TrialState]] = []

    def callback(s: Study, t: FrozenTrial) -> None:
        seen.append((s, t.number, t.state))

    study.optimize(quadratic, n_trials=3, callbacks=[callback, lambda s, t: None])
    assert [(n, st) for _, n, st in seen] == [(i, TrialState.COMPLETE) for i in range(3)]
    assert all(s is study for s, _, _ in seen)


def test_study_stop_from_a_callback_ends_optimize_after_that_trial() -> None:
    study = new_study()

    def stop_at_two(s: Study, t: FrozenTrial) -> None:
        if t.number == 2:
            s.stop()

    study.optimize(quadratic, n_trials=100, callbacks=[stop_at_two])
    assert len(study.trials) == 3
    # The stop flag does not leak into the next call.
    study.optimize(quadratic, n_trials=2)
    assert len(study.trials) == 5


def test_study_stop_with_threads_stops_soon() -> None:
    study = new_study()
    study.optimize(quadratic, n_trials=200, n_jobs=2, callbacks=[lambda s, t: s.stop()])
    assert 1 <= len(study.trials) <= 4
    assert all(t.state.is_finished() for t in study.trials)


def test_an_exception_in_catch_fails_the_trial_and_optimize_goes_on() -> None:
    study = new_study()

    def objective(trial: Trial) -> float:
        if trial.number == 1:
            raise ValueError("bad luck")
        return 1.0

    with pyhpo_records() as log:
        study.optimize(objective, n_trials=3, catch=(ValueError,))
    assert [t.state for t in study.trials] == [TrialState.COMPLETE, TrialState.FAIL, TrialState.COMPLETE]
    assert any(
        m.startswith(
            "Trial 1 failed with parameters: {} because of the following error: ValueError('bad luck')."
        )
        for m in log.messages
    )


def test_catch_accepts_a_single_exception_class() -> None:
    study = new_study()

    def objective(trial: Trial) -> float:
        raise KeyError("k")

    study.optimize(objective, n_trials=2, catch=KeyError)
    assert [t.state for t in study.trials] == [TrialState.FAIL, TrialState.FAIL]


def test_an_exception_not_in_catch_propagates_and_the_trial_is_fail() -> None:
    study = new_study()

    def objective(trial: Trial) -> float:
        trial.suggest_int("n", 0, 3)
        raise ZeroDivisionError("boom")

    with pytest.raises(ZeroDivisionError, match="boom"):
        study.optimize(objective, n_trials=5, catch=(ValueError,))
    assert [t.state for t in study.trials] == [TrialState.FAIL]


def test_an_exception_with_threads_propagates_and_leaves_no_running_trial() -> None:
    study = new_study()

    def objective(trial: Trial) -> float:
        if trial.number == 3:
            raise RuntimeError("thread boom")
        time.sleep(0.01)
        return 0.0

    with pytest.raises(RuntimeError, match="thread boom"):
        study.optimize(objective, n_trials=50, n_jobs=2)
    assert len(study.trials) < 50
    assert all(t.state.is_finished() for t in study.trials)
    assert study.trials[3].state == TrialState.FAIL


def test_keyboard_interrupt_marks_the_trial_fail_and_propagates() -> None:
    study = new_study()

    def objective(trial: Trial) -> float:
        trial.suggest_float("x", 0, 1)
        if trial.number == 1:
            raise KeyboardInterrupt
        return 1.0

    with pytest.raises(KeyboardInterrupt):
        study.optimize(objective, n_trials=5)
    assert [t.state for t in study.trials] == [TrialState.COMPLETE, TrialState.FAIL]


def test_keyboard_interrupt_with_two_threads_leaves_no_trial_running() -> None:
    study = new_study()
    straggler_started = threading.Event()
    straggler_done = threading.Event()

    def objective(trial: Trial) -> float:
        trial.suggest_float("x", 0, 1)
        if trial.number == 0:
            straggler_started.set()
            time.sleep(0.4)  # still running when the interrupt arrives in the other thread
            straggler_done.set()
            return 1.0
        straggler_started.wait(2.0)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        study.optimize(objective, n_trials=20, n_jobs=2)
    # Right away, before the straggler's objective has returned: nothing is left RUNNING.
    assert not straggler_done.is_set()
    assert [t.state for t in study.trials] == [TrialState.FAIL, TrialState.FAIL]
    # When the straggler finishes later, it does not bring its trial back to life.
    assert straggler_done.wait(2.0)
    time.sleep(0.05)
    assert [t.state for t in study.trials] == [TrialState.FAIL, TrialState.FAIL]


def test_nested_optimize_raises_runtime_error() -> None:
    study = new_study()

    def objective(trial: Trial) -> float:
        study.optimize(quadratic, n_trials=1)
        return 0.0

    with pytest.raises(RuntimeError, match="Nested invocation of `Study.optimize` method isn.t allowed"):
        study.optimize(objective, n_trials=1)
    # The outer trial failed, and the study is usable again.
    assert study.trials[0].state == TrialState.FAIL
    study.optimize(quadratic, n_trials=1)
    assert study.trials[-1].state == TrialState.COMPLETE


@pytest.mark.parametrize("n_jobs", [2, 4, -1])
def test_threads_give_exactly_n_trials_with_dense_unique_numbers(n_jobs: int) -> None:
    study = new_study()
    names: set[str] = set()

    def objective(trial: Trial) -> float:
        names.add(threading.current_thread().name)
        time.sleep(0.002)
        return quadratic(trial)

    study.optimize(objective, n_trials=40, n_jobs=n_jobs)
    assert sorted(t.number for t in study.trials) == list(range(40))
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    assert len(names) >= 2 or n_jobs == -1


def test_threads_with_a_timeout_finish_every_started_trial() -> None:
    study = new_study()

    def objective(trial: Trial) -> float:
        time.sleep(0.02)
        return 0.0

    study.optimize(objective, timeout=0.2, n_jobs=3)
    assert len(study.trials) >= 3
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    assert sorted(t.number for t in study.trials) == list(range(len(study.trials)))


def test_gc_after_trial_collects_after_every_trial(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = gc.collect
    monkeypatch.setattr(gc, "collect", lambda *a: calls.append(1) or real(*a))
    new_study().optimize(quadratic, n_trials=3, gc_after_trial=False)
    assert calls == []
    new_study().optimize(quadratic, n_trials=3, gc_after_trial=True)
    assert len(calls) == 3


def test_progress_bar_counts_trials_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    pyhpo.logging.set_verbosity(pyhpo.logging.WARNING)
    new_study().optimize(quadratic, n_trials=5, show_progress_bar=True)
    err = capsys.readouterr().err
    assert "5/5" in err
    assert "Best trial: " in err and "Best value: " in err


def test_progress_bar_with_only_a_timeout_shows_elapsed_out_of_the_timeout_as_intervals(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Optuna's format: "mm:ss/mm:ss" (h:mm:ss past an hour), not seconds; the elapsed-time side of a run stopped at
    # once reads 00:00. Compared with Optuna for longer timeouts in tests/compat/test_optimize.py.
    pyhpo.logging.set_verbosity(pyhpo.logging.WARNING)
    new_study().optimize(lambda t: t.study.stop() or 1.0, timeout=3600, show_progress_bar=True)
    err = capsys.readouterr().err
    assert re.search(r"\| 00:0\d/1:00:00", err), err


def test_no_progress_bar_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    pyhpo.logging.set_verbosity(pyhpo.logging.WARNING)
    new_study().optimize(quadratic, n_trials=3)
    assert "3/3" not in capsys.readouterr().err


def test_completed_trial_log_line_has_optunas_wording() -> None:
    study = new_study()
    with pyhpo_records() as log:
        study.optimize(lambda t: t.suggest_int("n", 5, 5) * 1.5, n_trials=2)
    assert log.messages == [
        "Trial 0 finished with value: 7.5 and parameters: {'n': 5}. Best is trial 0 with value: 7.5.",
        "Trial 1 finished with value: 7.5 and parameters: {'n': 5}. Best is trial 0 with value: 7.5.",
    ]


def test_pruned_and_failed_log_lines_have_optunas_wording() -> None:
    study = new_study()

    def objective(trial: Trial) -> Any:
        if trial.number == 0:
            raise pyhpo.TrialPruned("too slow")
        return None

    with pyhpo_records() as log:
        study.optimize(objective, n_trials=2)
    assert "Trial 0 pruned. too slow" in log.messages
    # Optuna's reason for None ends with its own period, hence "..": matched character for character.
    assert (
        "Trial 1 failed with parameters: {} because of the following error: The value None could not be cast "
        "to float.." in log.messages
    )
    assert "Trial 1 failed with value None." in log.messages
    assert [r.levelname for r in log.records if "Trial 1" in r.getMessage()] == ["WARNING", "WARNING"]


def test_metric_names_appear_in_log_lines() -> None:
    study = new_study()
    study.set_metric_names(["loss"])
    with pyhpo_records() as log:
        study.optimize(lambda t: 0.5, n_trials=1)
    assert log.messages == [
        "Trial 0 finished with value: {'loss': 0.5} and parameters: {}. Best is trial 0 with value: 0.5."
    ]
    assert study.metric_names == ["loss"]


def test_multi_objective_log_line_names_each_value() -> None:
    study = pyhpo.create_study(
        directions=["minimize", "maximize"], sampler=pyhpo.samplers.RandomSampler(seed=0)
    )
    study.set_metric_names(["loss", "acc"])
    with pyhpo_records() as log:
        study.optimize(lambda t: (0.5, 0.9), n_trials=1)
    assert log.messages == ["Trial 0 finished with values: {'loss': 0.5, 'acc': 0.9} and parameters: {}."]


def test_set_metric_names_with_the_wrong_length_raises() -> None:
    with pytest.raises(ValueError, match="metric names"):
        new_study().set_metric_names(["a", "b"])


def test_objective_returning_the_wrong_number_of_values_fails_the_trial() -> None:
    study = new_study()
    study.optimize(lambda t: (1.0, 2.0), n_trials=1)  # type: ignore[arg-type, return-value]
    assert study.trials[0].state == TrialState.FAIL


def test_trial_pruned_in_the_objective_records_a_pruned_trial_with_its_last_value() -> None:
    study = new_study()

    def objective(trial: Trial) -> float:
        trial.report(4.0, 1)
        raise pyhpo.TrialPruned()

    study.optimize(objective, n_trials=1)
    assert study.trials[0].state == TrialState.PRUNED
    assert study.trials[0].value == 4.0


def test_max_trials_callback_stops_at_a_study_wide_total_of_complete_trials() -> None:
    from pyhpo.study import MaxTrialsCallback

    study = new_study()
    study.add_trial(pyhpo.trial.create_trial(value=1.0))
    study.add_trial(pyhpo.trial.create_trial(state=TrialState.FAIL))

    def objective(trial: Trial) -> float:
        if trial.number % 2:
            raise pyhpo.TrialPruned()
        return 0.0

    study.optimize(objective, n_trials=50, callbacks=[MaxTrialsCallback(4)])
    assert len(study.get_trials(states=(TrialState.COMPLETE,))) == 4
    counted_all = new_study()
    counted_all.optimize(quadratic, n_trials=50, callbacks=[MaxTrialsCallback(3, states=None)])
    assert len(counted_all.trials) == 3
    with pytest.raises(ValueError, match="-1"):
        MaxTrialsCallback(-1)


def test_study_stop_outside_optimize_raises_runtime_error() -> None:
    with pytest.raises(RuntimeError, match="inside an objective function or a callback"):
        new_study().stop()


def test_study_stop_from_the_objective_ends_optimize() -> None:
    study = new_study()

    def objective(trial: Trial) -> float:
        if trial.number == 1:
            study.stop()
        return 0.0

    study.optimize(objective, n_trials=10)
    assert len(study.trials) == 2


def test_enqueued_trials_are_each_run_exactly_once_by_parallel_workers() -> None:
    study = new_study()
    for i in range(12):
        study.enqueue_trial({"i": i})
    seen: list[int] = []
    lock = threading.Lock()

    def objective(trial: Trial) -> float:
        i = trial.suggest_int("i", 0, 100)
        with lock:
            seen.append(i)
        time.sleep(0.002)
        return float(i)

    study.optimize(objective, n_trials=16, n_jobs=4)
    # The 12 queued trials (numbers 0-11) each ran once with their own params; 4 more were sampled.
    assert [t.params["i"] for t in study.trials[:12]] == list(range(12))
    assert len(seen) == 16 and sorted(seen).count(0) >= 1
    assert [seen.count(i) >= 1 for i in range(12)] == [True] * 12
    assert all(t.state == TrialState.COMPLETE for t in study.trials) and len(study.trials) == 16


@pytest.mark.parametrize("libname", ["pyhpo", "optuna"])
def test_a_sampler_replaced_during_optimize_has_its_hooks_called(libname: str) -> None:
    # optimize looks the sampler's hooks up once a run: replacing the sampler from a callback must still reach
    # the new one's before_trial and after_trial from the next trial on, as in Optuna (which looks every time).
    lib = pytest.importorskip(libname)
    lib.logging.set_verbosity(lib.logging.WARNING)
    calls: list[tuple[str, int]] = []

    class Hooked(lib.samplers.RandomSampler):  # type: ignore[name-defined,misc]
        def before_trial(self, study: Any, trial: Any) -> None:
            calls.append(("before", trial.number))

        def after_trial(self, study: Any, trial: Any, state: Any, values: Any) -> None:
            calls.append(("after", trial.number))

    def swap(study: Any, trial: Any) -> None:
        if trial.number == 1:
            study.sampler = Hooked(seed=1)
        elif trial.number == 3:
            study.sampler = lib.samplers.RandomSampler(seed=2)

    study = lib.create_study(sampler=lib.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=6, callbacks=[swap])
    assert calls == [("before", 2), ("after", 2), ("before", 3), ("after", 3)]
    assert len(study.trials) == 6


@pytest.mark.parametrize("libname", ["pyhpo", "optuna"])
def test_a_sampler_replaced_by_the_objective_has_its_after_trial_called_for_that_trial(libname: str) -> None:
    lib = pytest.importorskip(libname)
    lib.logging.set_verbosity(lib.logging.WARNING)
    calls: list[int] = []

    class Hooked(lib.samplers.RandomSampler):  # type: ignore[name-defined,misc]
        def after_trial(self, study: Any, trial: Any, state: Any, values: Any) -> None:
            calls.append(trial.number)

    def objective(trial: Any) -> float:
        if trial.number == 1:
            trial.study.sampler = Hooked(seed=1)
        return float(trial.suggest_float("x", 0, 1))

    study = lib.create_study(sampler=lib.samplers.RandomSampler(seed=0))
    study.optimize(objective, n_trials=3)
    assert calls == [1, 2]
