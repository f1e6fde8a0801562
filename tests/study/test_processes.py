"""Study.optimize(processes=True): trials in worker processes, behaving as n_jobs threads do.

The in-memory study is served to the workers; afterwards the parent's study holds every trial. Callbacks, the
progress bar and log lines stay in the parent. Errors, dead workers and Ctrl-C (a real SIGINT, in a child
Python) leave no RUNNING trial and no worker process behind.
"""

from __future__ import annotations

import gc
import json
import math
import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import time
import warnings
from typing import TYPE_CHECKING, Any

import pytest

import pyhpo
from pyhpo.study import _optimize
from pyhpo.trial import FrozenTrial, Trial, TrialState
from tests.study.helpers import new_study, pyhpo_records

if TYPE_CHECKING:
    from pathlib import Path

    from pyhpo.study import Study

pytestmark = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="most tests fork (the Linux default)"
)


def rich(trial: Trial) -> float:
    """Params of every kind, a user attribute and intermediate values: all must reach the parent."""
    x = trial.suggest_float("x", -10, 10)
    n = trial.suggest_int("n", 1, 5)
    c = trial.suggest_categorical("c", ["a", "b"])
    trial.set_user_attr("pid", os.getpid())
    for step in range(3):
        trial.report(x + step, step)
    return x * x + n + (0.5 if c == "a" else 0.0)


def quadratic(trial: Trial) -> float:
    x = trial.suggest_float("x", -10, 10)
    return (x - 2) ** 2


def assert_no_worker_left() -> None:
    assert multiprocessing.active_children() == []


def test_in_memory_study_holds_every_trial_the_workers_ran() -> None:
    study = new_study()
    study.optimize(rich, n_trials=12, n_jobs=2, processes=True)
    trials = study.trials
    assert [t.number for t in trials] == list(range(12))
    assert all(t.state == TrialState.COMPLETE for t in trials)
    for t in trials:
        expected = t.params["x"] ** 2 + t.params["n"] + (0.5 if t.params["c"] == "a" else 0.0)
        assert t.value == expected
        assert t.intermediate_values == {s: t.params["x"] + s for s in range(3)}
        assert t.user_attrs["pid"] != os.getpid()
        assert t.datetime_complete is not None and t.datetime_start is not None
    assert len({t.user_attrs["pid"] for t in trials}) <= 2
    assert study.best_value == min(t.value for t in trials if t.value is not None)
    assert_no_worker_left()


def test_each_call_adds_trials_and_enqueued_trials_run_once() -> None:
    study = new_study()
    study.optimize(quadratic, n_trials=3, n_jobs=2, processes=True)
    study.enqueue_trial({"x": 2.0})
    study.enqueue_trial({"x": 3.0})
    study.optimize(quadratic, n_trials=4, n_jobs=2, processes=True)
    trials = study.trials
    assert [t.number for t in trials] == list(range(7))
    assert [t.params["x"] for t in trials[3:5]] == [2.0, 3.0]
    assert [t.value for t in trials[3:5]] == [0.0, 1.0]


@pytest.mark.parametrize(("n_trials", "n_jobs"), [(7, 3), (1, 4), (0, 2)])
def test_exactly_n_trials_run(n_trials: int, n_jobs: int) -> None:
    study = new_study()
    study.optimize(quadratic, n_trials=n_trials, n_jobs=n_jobs, processes=True)
    assert len(study.trials) == n_trials
    assert_no_worker_left()


def test_seeded_sampler_is_reseeded_in_each_worker() -> None:
    """Forked copies of one seeded sampler would draw the same values; reseeding keeps them apart."""
    study = new_study(seed=1)

    def slow(trial: Trial) -> float:
        time.sleep(0.02)
        return quadratic(trial)

    study.optimize(slow, n_trials=10, n_jobs=2, processes=True)
    xs = [t.params["x"] for t in study.trials]
    assert len(set(xs)) == 10


def test_callbacks_run_in_the_parent_with_each_finished_trial() -> None:
    study = new_study()
    seen: list[tuple[int, int, TrialState]] = []

    def callback(s: Study, trial: FrozenTrial) -> None:
        assert s is study
        seen.append((os.getpid(), trial.number, trial.state))
        assert s.trials[trial.number].state == trial.state  # the parent's study already holds it

    study.optimize(quadratic, n_trials=6, n_jobs=2, callbacks=[callback], processes=True)
    assert sorted(n for _, n, _ in seen) == list(range(6))
    assert {pid for pid, _, _ in seen} == {os.getpid()}


def test_stop_in_a_callback_lets_the_trials_in_flight_finish_and_starts_no_more() -> None:
    study = new_study()

    def slow(trial: Trial) -> float:
        time.sleep(0.05)
        return quadratic(trial)

    study.optimize(slow, n_trials=50, n_jobs=2, callbacks=[lambda s, t: s.stop()], processes=True)
    assert 1 <= len(study.trials) <= 2
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    with pytest.raises(RuntimeError, match="supposed to be invoked"):
        study.stop()


def test_stop_inside_the_objective_stops_the_run() -> None:
    study = new_study()

    def objective(trial: Trial) -> float:
        if trial.number == 2:
            study.stop()  # the worker's copy of the study: the parent hears of it when the trial ends
        time.sleep(0.02)
        return quadratic(trial)

    study.optimize(objective, n_trials=40, n_jobs=2, processes=True)
    assert 3 <= len(study.trials) < 15  # the other worker may run a few while trial 2 sleeps


def test_timeout_stops_starting_trials() -> None:
    study = new_study()

    def slow(trial: Trial) -> float:
        time.sleep(0.1)
        return quadratic(trial)

    start = time.monotonic()
    study.optimize(slow, timeout=0.5, n_jobs=2, processes=True)
    elapsed = time.monotonic() - start
    assert 0.5 <= elapsed < 5.0
    assert 2 <= len(study.trials) <= 14
    assert all(t.state == TrialState.COMPLETE for t in study.trials)


def test_caught_errors_fail_their_trial_and_the_run_goes_on() -> None:
    study = new_study()

    def objective(trial: Trial) -> float:
        if trial.number % 3 == 0:
            raise ValueError("bad region")
        return quadratic(trial)

    with pyhpo_records(level=20) as records:
        study.optimize(objective, n_trials=9, n_jobs=2, catch=(ValueError,), processes=True)
    states = [t.state for t in study.trials]
    assert states == [TrialState.FAIL if n % 3 == 0 else TrialState.COMPLETE for n in range(9)]
    # The workers' log lines reach the parent's handlers, as with threads.
    assert any("failed with parameters" in m and "bad region" in m for m in records.messages)
    assert sum("finished with value" in m for m in records.messages) == 6


class Unpicklable(Exception):
    def __init__(self, lock: Any) -> None:
        super().__init__("holds a lock")
        self.lock = lock

    def __reduce__(self) -> Any:
        raise TypeError("no pickling")


def test_an_uncaught_error_is_raised_here_with_the_workers_traceback() -> None:
    study = new_study()

    def objective(trial: Trial) -> float:
        time.sleep(0.02)
        if trial.number == 3:
            raise ZeroDivisionError("boom in a worker")
        return quadratic(trial)

    with pytest.raises(ZeroDivisionError, match="boom in a worker") as info:
        study.optimize(objective, n_trials=30, n_jobs=2, processes=True)
    assert "in objective" in str(info.value.__cause__)
    trials = study.trials
    assert trials[3].state == TrialState.FAIL
    assert all(t.state != TrialState.RUNNING for t in trials)
    assert len(trials) < 30
    assert_no_worker_left()


def test_an_error_that_does_not_pickle_arrives_as_runtime_error() -> None:
    study = new_study()

    def objective(trial: Trial) -> float:
        raise Unpicklable(object())

    with pytest.raises(RuntimeError, match="Unpicklable: holds a lock"):
        study.optimize(objective, n_trials=3, n_jobs=1, processes=True)
    assert [t.state for t in study.trials] == [TrialState.FAIL]


def test_a_callback_error_ends_the_run_after_the_trials_in_flight() -> None:
    study = new_study()

    def callback(s: Study, trial: FrozenTrial) -> None:
        raise KeyError("callback")

    with pytest.raises(KeyError, match="callback"):
        study.optimize(quadratic, n_trials=20, n_jobs=2, callbacks=[callback], processes=True)
    assert 1 <= len(study.trials) <= 2
    assert all(t.state == TrialState.COMPLETE for t in study.trials)


def test_pruning_inside_workers() -> None:
    study = new_study(pruner=pyhpo.pruners.ThresholdPruner(upper=5.0))

    def objective(trial: Trial) -> float:
        x = trial.suggest_float("x", 0, 10)
        trial.report(x, 0)
        if trial.should_prune():
            raise pyhpo.TrialPruned
        return x

    study.optimize(objective, n_trials=10, n_jobs=2, processes=True)
    for t in study.trials:
        assert t.state == (TrialState.PRUNED if t.params["x"] > 5.0 else TrialState.COMPLETE)
        assert t.intermediate_values == {0: t.params["x"]}


@pytest.mark.parametrize("how", ["os._exit", "SIGKILL"])
def test_a_worker_that_dies_fails_its_trial_and_the_others_go_on(how: str, tmp_path: Path) -> None:
    study = new_study()
    marker = tmp_path / "died"

    def objective(trial: Trial) -> float:
        x = quadratic(trial)
        if trial.number == 2 and not marker.exists():
            marker.write_text(str(os.getpid()))
            if how == "os._exit":
                os._exit(3)
            os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(0.01)
        return x

    finished: list[int] = []
    with pyhpo_records(level=30) as records:
        study.optimize(
            objective,
            n_trials=8,
            n_jobs=2,
            processes=True,
            callbacks=[lambda s, t: finished.append(t.number)],
        )
    trials = study.trials
    assert [t.number for t in trials] == list(range(8))
    assert trials[2].state == TrialState.FAIL
    assert [t.state for t in trials if t.number != 2] == [TrialState.COMPLETE] * 7
    assert sorted(finished) == list(range(8))  # the dead worker's trial got its callback too
    why = "exit code 3" if how == "os._exit" else "killed by SIGKILL"
    assert any("Trial 2 failed because its worker process" in m and why in m for m in records.messages)
    assert_no_worker_left()
    # The study is intact: it takes more trials.
    study.optimize(quadratic, n_trials=2, n_jobs=2, processes=True)
    assert len(study.trials) == 10


def test_a_killed_worker_leaves_a_journal_study_intact(tmp_path: Path) -> None:
    from pyhpo.storages import JournalStorage
    from pyhpo.storages.journal import JournalFileBackend

    path = str(tmp_path / "journal.log")
    study = pyhpo.create_study(storage=JournalStorage(JournalFileBackend(path)), study_name="k")
    marker = tmp_path / "died"

    def objective(trial: Trial) -> float:
        x = quadratic(trial)
        if trial.number == 1 and not marker.exists():
            marker.touch()
            os.kill(os.getpid(), signal.SIGKILL)
        return x

    study.optimize(objective, n_trials=6, n_jobs=2, processes=True)
    reloaded = pyhpo.load_study(study_name="k", storage=JournalStorage(JournalFileBackend(path)))
    states = [t.state for t in reloaded.trials]
    assert states == [TrialState.COMPLETE, TrialState.FAIL] + [TrialState.COMPLETE] * 4
    assert_no_worker_left()


def test_system_exit_in_the_objective_fails_the_trial_and_is_raised() -> None:
    study = new_study()

    def objective(trial: Trial) -> float:
        raise SystemExit(4)

    with pytest.raises(SystemExit):
        study.optimize(objective, n_trials=3, n_jobs=1, processes=True)
    assert [t.state for t in study.trials] == [TrialState.FAIL]
    assert_no_worker_left()


def test_an_objective_may_start_processes_of_its_own() -> None:
    study = new_study()

    def objective(trial: Trial) -> float:
        child = multiprocessing.get_context("fork").Process(target=time.sleep, args=(0,))
        child.start()
        child.join()
        return float(child.exitcode or 0)

    study.optimize(objective, n_trials=2, n_jobs=2, processes=True)
    assert [t.value for t in study.trials] == [0.0, 0.0]


def test_a_worker_that_cannot_start_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    study = new_study()
    monkeypatch.setattr(pyhpo.study._process_worker, "_forward_logs", lambda *a: os._exit(7))
    with pytest.raises(RuntimeError, match=r"ended \(exit code 7\) before it could run a trial"):
        study.optimize(quadratic, n_trials=4, n_jobs=2, processes=True)
    assert study.trials == []
    assert_no_worker_left()


def test_gc_after_trial_collects_in_the_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "gc"
    real = gc.collect

    def collect(*args: Any) -> int:
        with open(log, "a") as f:
            f.write(f"{os.getpid()}\n")
        return real(*args)

    monkeypatch.setattr(gc, "collect", collect)  # inherited by the forked workers
    study = new_study()
    study.optimize(quadratic, n_trials=5, n_jobs=2, processes=True, gc_after_trial=True)
    pids = log.read_text().split()
    assert len(pids) == 5
    assert str(os.getpid()) not in pids


def test_n_jobs_minus_one_starts_one_worker_per_usable_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_optimize, "usable_cpu_count", lambda: 3)
    study = new_study()

    def objective(trial: Trial) -> float:
        trial.set_user_attr("pid", os.getpid())
        time.sleep(0.3)
        return quadratic(trial)

    study.optimize(objective, n_trials=3, n_jobs=-1, processes=True)
    assert len({t.user_attrs["pid"] for t in study.trials}) == 3


def test_usable_cpu_count_is_positive() -> None:
    assert 1 <= _optimize.usable_cpu_count() <= (os.cpu_count() or 1)


def test_progress_bar_counts_the_workers_trials(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("tqdm")
    study = new_study()
    study.optimize(quadratic, n_trials=6, n_jobs=2, processes=True, show_progress_bar=True)
    err = capsys.readouterr().err
    assert "6/6" in err
    assert "Best trial:" in err


def test_verbosity_of_the_parent_applies_in_the_workers() -> None:
    study = new_study()
    pyhpo.logging.set_verbosity(pyhpo.logging.WARNING)
    with pyhpo_records(level=pyhpo.logging.WARNING) as records:
        study.optimize(quadratic, n_trials=4, n_jobs=2, processes=True)
    assert not any("finished with value" in m for m in records.messages)


@pytest.mark.parametrize(
    ("value", "match"),
    [("threads", "processes must be a bool or a start method"), (1.5, "got 1.5")],
)
def test_bad_processes_value_is_refused(value: Any, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        new_study().optimize(quadratic, n_trials=1, processes=value)


def test_default_start_method_is_fork_on_linux() -> None:
    if sys.platform.startswith("linux"):
        assert _optimize.default_start_method() == "fork"
    else:
        assert _optimize.default_start_method() in multiprocessing.get_all_start_methods()


def test_spawn_names_an_objective_that_does_not_pickle() -> None:
    study = new_study()
    with pytest.raises(TypeError, match=r"objective '.*<lambda>' cannot be pickled"):
        study.optimize(lambda t: 0.0, n_trials=2, processes="spawn")
    assert study.trials == []
    assert_no_worker_left()


def test_spawn_runs_a_module_level_objective() -> None:
    study = new_study()
    study.optimize(rich, n_trials=3, n_jobs=1, processes="spawn")
    assert [t.state for t in study.trials] == [TrialState.COMPLETE] * 3
    assert study.trials[0].intermediate_values == {s: study.trials[0].params["x"] + s for s in range(3)}


def test_journal_storage_is_opened_by_each_worker(tmp_path: Path) -> None:
    from pyhpo.storages import JournalStorage
    from pyhpo.storages.journal import JournalFileBackend

    path = str(tmp_path / "journal.log")
    study = pyhpo.create_study(storage=JournalStorage(JournalFileBackend(path)), study_name="j")
    seen: list[int] = []
    study.optimize(rich, n_trials=8, n_jobs=2, processes=True, callbacks=[lambda s, t: seen.append(t.number)])
    assert sorted(seen) == list(range(8))
    reloaded = pyhpo.load_study(study_name="j", storage=JournalStorage(JournalFileBackend(path)))
    trials = reloaded.trials
    assert [t.number for t in trials] == list(range(8))
    assert all(t.state == TrialState.COMPLETE and len(t.intermediate_values) == 3 for t in trials)


def test_rdb_storage_with_heartbeats_beats_from_the_workers(tmp_path: Path) -> None:
    pytest.importorskip("sqlalchemy")
    from pyhpo.storages import RDBStorage

    url = f"sqlite:///{tmp_path / 'hb.db'}"
    storage = RDBStorage(url, heartbeat_interval=1, grace_period=2)
    study = pyhpo.create_study(storage=storage, study_name="hb")

    def objective(trial: Trial) -> float:
        time.sleep(0.3)
        return quadratic(trial)

    study.optimize(objective, n_trials=4, n_jobs=2, processes=True)
    assert [t.state for t in study.trials] == [TrialState.COMPLETE] * 4


def test_grpc_proxy_storage_is_opened_by_each_spawned_worker() -> None:
    """gRPC does not survive fork (forked workers crash now and then): processes=True spawns them instead."""
    pytest.importorskip("grpc")
    from tests.storages.backends import grpc_inmemory

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pyhpo.exceptions.ExperimentalWarning)
        proxy = grpc_inmemory()
        storage = proxy.__enter__()
    try:
        assert _optimize.default_start_method(storage) == "spawn"
        study = pyhpo.create_study(storage=storage, sampler=pyhpo.samplers.RandomSampler(seed=0))
        study.optimize(rich, n_trials=6, n_jobs=2, processes=True)
        trials = study.trials
        assert [t.state for t in trials] == [TrialState.COMPLETE] * 6
        assert all(t.user_attrs["pid"] != os.getpid() for t in trials)
    finally:
        proxy.__exit__(None, None, None)


def test_sqlite_in_memory_database_is_served_not_reopened() -> None:
    pytest.importorskip("sqlalchemy")
    study = pyhpo.create_study(storage="sqlite:///:memory:", sampler=pyhpo.samplers.RandomSampler(seed=0))
    study.optimize(quadratic, n_trials=4, n_jobs=2, processes=True)
    assert [t.state for t in study.trials] == [TrialState.COMPLETE] * 4


def test_served_storage_sends_each_finished_trial_once() -> None:
    from pyhpo.study._served_storage import ServedStorage, StorageServer

    study = new_study()
    study.optimize(quadratic, n_trials=5)
    server = StorageServer(study._storage)
    sizes: list[int] = []

    def request(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        result = server.call(0, name, args, kwargs)
        if name == "new_trials":
            sizes.append(len(result[0]))
        return result

    client = ServedStorage(request)
    first = client.get_all_trials(study._study_id)
    running = study.ask()
    second = client.get_all_trials(study._study_id, deepcopy=False)
    assert [t.number for t in first] == list(range(5))
    assert [t.number for t in second] == list(range(6))
    assert second[5].state == TrialState.RUNNING
    study.tell(running, 1.0)
    third = client.get_all_trials(study._study_id, states=(TrialState.COMPLETE,))
    assert sizes == [5, 0, 1]
    assert third == study.trials
    assert client.get_trial(running._trial_id) == study.trials[5]
    with pytest.raises(TypeError, match="cannot be pickled"):
        __import__("pickle").dumps(client)


def test_same_trials_as_optuna_threads() -> None:
    """Side by side with Optuna's n_jobs threads: the same trials, states and callback calls."""
    optuna = pytest.importorskip("optuna")
    optuna.logging.set_verbosity(optuna.logging.WARNING)

    def make(lib: Any) -> Any:
        def objective(trial: Any) -> float:
            x = trial.suggest_int("x", 0, 100)
            trial.set_user_attr("x2", x * 2)
            if x % 4 == 0:
                raise lib.TrialPruned
            if x % 4 == 1:
                raise ValueError("caught")
            return float(x)

        return objective

    def run(lib: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        study = lib.create_study(sampler=lib.samplers.RandomSampler(seed=3))
        calls: list[int] = []
        study.optimize(
            make(lib),
            n_trials=12,
            n_jobs=2,
            catch=(ValueError,),
            callbacks=[lambda s, t: calls.append(t.number)],
            **kwargs,
        )
        assert sorted(calls) == list(range(12))
        return sorted(
            (
                t.number,
                t.state.name,
                t.value if t.state.name == "COMPLETE" else None,
                t.params["x"] % 4,
                t.user_attrs["x2"] == 2 * t.params["x"],
            )
            for t in study.trials
        )

    ours, theirs = run(pyhpo, processes=True), run(optuna)
    assert [r[0] for r in ours] == [r[0] for r in theirs] == list(range(12))
    state_of = {0: "PRUNED", 1: "FAIL", 2: "COMPLETE", 3: "COMPLETE"}
    for rows in (ours, theirs):
        assert all(state == state_of[rem] and ok for _, state, _, rem, ok in rows)
        assert all(
            value is None or not math.isnan(value) for *_, value, _, _ in [r[:3] + r[3:] for r in rows]
        )


_SIGINT_SCRIPT = textwrap.dedent(
    """
    import json, os, sys, time
    import pyhpo

    pyhpo.logging.set_verbosity(pyhpo.logging.WARNING)
    marks = sys.argv[1]

    def objective(trial):
        with open(os.path.join(marks, f"{os.getpid()}"), "w") as f:
            f.write(str(trial.number))
        time.sleep(60)
        return 0.0

    study = pyhpo.create_study()
    try:
        study.optimize(objective, n_trials=10, n_jobs=2, processes=True)
    except KeyboardInterrupt:
        import multiprocessing
        print(json.dumps({
            "states": [t.state.name for t in study.trials],
            "children": len(multiprocessing.active_children()),
        }), flush=True)
    """
)


@pytest.mark.parametrize("target", ["parent", "group"])
def test_ctrl_c_fails_running_trials_and_stops_every_worker(target: str, tmp_path: Path) -> None:
    """A real SIGINT: to the parent alone (kill -INT) or to the whole group (a terminal's Ctrl-C)."""
    script = tmp_path / "run.py"
    script.write_text(_SIGINT_SCRIPT)
    marks = tmp_path / "marks"
    marks.mkdir()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    proc = subprocess.Popen(
        [sys.executable, str(script), str(marks)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while len(list(marks.iterdir())) < 2:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the workers did not start"
            time.sleep(0.05)
        if target == "parent":
            os.kill(proc.pid, signal.SIGINT)
        else:
            os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 0, err.decode()
    result = json.loads(out.decode().strip().splitlines()[-1])
    assert result == {"states": ["FAIL", "FAIL"], "children": 0}
    for mark in marks.iterdir():
        with pytest.raises(ProcessLookupError):
            os.kill(int(mark.name), 0)
