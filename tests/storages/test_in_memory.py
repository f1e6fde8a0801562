"""InMemoryStorage specifics the contract suite does not cover: indexes, best-trial tracking, copies, threads."""

from __future__ import annotations

import pickle
import threading
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyhpo.distributions import CategoricalDistribution, FloatDistribution
from pyhpo.exceptions import DuplicatedStudyError, UpdateFinishedTrialError
from pyhpo.storages import InMemoryStorage
from pyhpo.study import StudyDirection
from pyhpo.trial import TrialState, create_trial

MIN = [StudyDirection.MINIMIZE]
MAX = [StudyDirection.MAXIMIZE]


def finish(
    storage: InMemoryStorage, study_id: int, value: float | None, state: TrialState = TrialState.COMPLETE
) -> int:
    trial_id = storage.create_new_trial(study_id)
    storage.set_trial_state_values(trial_id, state, None if value is None else [value])
    return trial_id


def test_state_filters_agree_with_a_full_scan_whichever_path_is_taken() -> None:
    storage = InMemoryStorage()
    sid = storage.create_new_study(MIN)
    states = [TrialState.COMPLETE] * 30 + [TrialState.PRUNED, TrialState.FAIL] + [TrialState.RUNNING] * 3
    for i, state in enumerate(states):
        if state == TrialState.RUNNING:
            storage.create_new_trial(sid)
        else:
            finish(storage, sid, float(i) if state == TrialState.COMPLETE else None, state)
    storage.create_new_trial(sid, template_trial=create_trial(state=TrialState.WAITING))
    everything = storage.get_all_trials(sid)
    for wanted in [
        (TrialState.COMPLETE,),
        (TrialState.RUNNING,),
        (TrialState.WAITING,),
        (TrialState.PRUNED, TrialState.FAIL),
        (),
        tuple(TrialState),
    ]:
        got = storage.get_all_trials(sid, states=wanted)
        assert [t.number for t in got] == [t.number for t in everything if t.state in wanted]
        assert storage.get_n_trials(sid, state=wanted) == len(got)
    assert storage.get_n_trials(sid) == len(everything) == 36
    assert storage.get_n_trials(sid, state=TrialState.RUNNING) == 3


def test_state_index_follows_state_changes() -> None:
    storage = InMemoryStorage()
    sid = storage.create_new_study(MIN)
    waiting = storage.create_new_trial(sid, template_trial=create_trial(state=TrialState.WAITING))
    assert storage.set_trial_state_values(waiting, TrialState.RUNNING) is True
    assert storage.set_trial_state_values(waiting, TrialState.RUNNING) is False  # already claimed
    assert storage.get_n_trials(sid, state=TrialState.WAITING) == 0
    storage.set_trial_state_values(waiting, TrialState.COMPLETE, [1.0])
    assert [t._trial_id for t in storage.get_all_trials(sid, states=(TrialState.COMPLETE,))] == [waiting]
    assert storage.get_n_trials(sid, state=TrialState.RUNNING) == 0


@pytest.mark.parametrize(
    ("directions", "values", "best"),
    [
        (MIN, [3.0, 1.0, 2.0, 1.0], 1),
        (MAX, [3.0, 1.0, 5.0, 5.0], 2),
        (MIN, [float("inf"), -float("inf"), 0.0], 1),
    ],
)
def test_best_trial_is_tracked_incrementally_and_ties_keep_the_earlier(
    directions: list[StudyDirection], values: list[float], best: int
) -> None:
    storage = InMemoryStorage()
    sid = storage.create_new_study(directions)
    for v in values:
        finish(storage, sid, v)
    finish(storage, sid, None, TrialState.FAIL)
    assert storage.get_best_trial(sid).number == best


def test_best_trial_counts_complete_trials_added_from_a_template() -> None:
    storage = InMemoryStorage()
    sid = storage.create_new_study(MAX)
    finish(storage, sid, 1.0)
    storage.create_new_trial(sid, template_trial=create_trial(value=9.0))
    storage.create_new_trial(sid, template_trial=create_trial(state=TrialState.PRUNED, value=100.0))
    assert storage.get_best_trial(sid).value == 9.0


def test_best_trial_needs_a_complete_trial_and_one_objective() -> None:
    storage = InMemoryStorage()
    sid = storage.create_new_study(MIN)
    storage.create_new_trial(sid)
    with pytest.raises(ValueError):
        storage.get_best_trial(sid)
    multi = storage.create_new_study(MIN + MAX)
    with pytest.raises(RuntimeError):
        storage.get_best_trial(multi)


def test_getters_return_copies_unless_deepcopy_is_false() -> None:
    storage = InMemoryStorage()
    sid = storage.create_new_study(MIN)
    tid = storage.create_new_trial(sid)
    storage.set_trial_user_attr(tid, "list", [1])
    copy = storage.get_trial(tid)
    copy.user_attrs["list"].append(2)
    copy.params["x"] = 1
    assert storage.get_trial(tid).user_attrs == {"list": [1]} and storage.get_trial(tid).params == {}
    assert storage.get_all_trials(sid, deepcopy=False)[0] is storage.get_all_trials(sid, deepcopy=False)[0]
    assert storage.get_all_trials(sid)[0] is not storage.get_all_trials(sid)[0]
    attrs = storage.get_study_user_attrs(sid)
    attrs["new"] = 1
    assert storage.get_study_user_attrs(sid) == {}


def test_deleted_study_frees_its_name_and_forgets_its_trials_but_ids_are_never_reused() -> None:
    storage = InMemoryStorage()
    sid = storage.create_new_study(MIN, "a")
    tid = storage.create_new_trial(sid)
    storage.delete_study(sid)
    with pytest.raises(KeyError):
        storage.get_trial(tid)
    with pytest.raises(KeyError):
        storage.get_study_name_from_id(sid)
    new_sid = storage.create_new_study(MIN, "a")
    assert new_sid != sid
    assert storage.create_new_trial(new_sid) != tid
    with pytest.raises(DuplicatedStudyError):
        storage.create_new_study(MIN, "a")


def test_unknown_ids_and_numbers_raise_key_error_naming_them() -> None:
    storage = InMemoryStorage()
    sid = storage.create_new_study(MIN)
    with pytest.raises(KeyError, match="999"):
        storage.get_trial(999)
    with pytest.raises(KeyError, match="42"):
        storage.get_all_trials(42)
    with pytest.raises(KeyError, match="5"):
        storage.get_trial_id_from_study_id_trial_number(sid, 5)
    with pytest.raises(KeyError):
        storage.get_trial_id_from_study_id_trial_number(sid, -1)


def test_finished_trials_reject_every_setter() -> None:
    storage = InMemoryStorage()
    sid = storage.create_new_study(MIN)
    tid = finish(storage, sid, 1.0)
    for call in (
        lambda: storage.set_trial_param(tid, "x", 0.5, FloatDistribution(0, 1)),
        lambda: storage.set_trial_state_values(tid, TrialState.FAIL),
        lambda: storage.set_trial_intermediate_value(tid, 0, 1.0),
        lambda: storage.set_trial_user_attr(tid, "k", 1),
        lambda: storage.set_trial_system_attr(tid, "k", 1),
    ):
        with pytest.raises(UpdateFinishedTrialError, match="Trial#0"):
            call()
    assert storage.get_trial(tid).value == 1.0


def test_a_parameter_keeps_its_distribution_kind_across_trials_of_a_study_only() -> None:
    storage = InMemoryStorage()
    a, b = storage.create_new_study(MIN), storage.create_new_study(MIN)
    storage.set_trial_param(storage.create_new_trial(a), "p", 0, CategoricalDistribution(["x", "y"]))
    with pytest.raises(ValueError, match="'p'"):
        storage.set_trial_param(storage.create_new_trial(a), "p", 0.5, FloatDistribution(0, 1))
    # Another study is free to use the name differently.
    storage.set_trial_param(storage.create_new_trial(b), "p", 0.5, FloatDistribution(0, 1))


def test_many_threads_creating_trials_get_dense_unique_numbers() -> None:
    storage = InMemoryStorage()
    sid = storage.create_new_study(MIN)
    ids: list[int] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(200):
            tid = storage.create_new_trial(sid)
            storage.set_trial_state_values(tid, TrialState.COMPLETE, [float(tid)])
            with lock:
                ids.append(tid)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    trials = storage.get_all_trials(sid)
    assert [t.number for t in trials] == list(range(1600))
    assert len(set(ids)) == 1600
    assert storage.get_best_trial(sid).value == float(min(ids))


def test_only_one_of_many_threads_claims_a_waiting_trial() -> None:
    storage = InMemoryStorage()
    sid = storage.create_new_study(MIN)
    tid = storage.create_new_trial(sid, template_trial=create_trial(state=TrialState.WAITING))
    results: list[bool] = []
    barrier = threading.Barrier(6)

    def claim() -> None:
        barrier.wait()
        results.append(storage.set_trial_state_values(tid, TrialState.RUNNING))

    threads = [threading.Thread(target=claim) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] * 5 + [True]


def test_the_storage_pickles_with_its_studies_and_a_fresh_lock() -> None:
    storage = InMemoryStorage()
    sid = storage.create_new_study(MIN, "p")
    finish(storage, sid, 2.0)
    clone = pickle.loads(pickle.dumps(storage))
    assert clone.get_study_name_from_id(sid) == "p"
    assert clone.get_best_trial(sid).value == 2.0
    finish(clone, sid, 1.0)
    assert clone.get_n_trials(sid) == 2 and storage.get_n_trials(sid) == 1


def test_create_new_study_logs_optunas_line(capsys: pytest.CaptureFixture[str]) -> None:
    import pyhpo

    pyhpo.logging.set_verbosity(pyhpo.logging.INFO)
    InMemoryStorage().create_new_study(MIN, "logged")
    assert "A new study created in memory with name: logged" in capsys.readouterr().err


# Differential: the same storage operations on Optuna's InMemoryStorage and ours give the same answers ------------

_op = st.one_of(
    st.tuples(st.just("new")),
    st.tuples(st.just("waiting")),
    st.tuples(st.just("param"), st.integers(0, 5), st.sampled_from(["x", "c"]), st.floats(0, 1)),
    st.tuples(st.just("state"), st.integers(0, 5), st.sampled_from([0, 1, 2, 3]), st.floats(-5, 5)),
    st.tuples(st.just("report"), st.integers(0, 5), st.integers(0, 3), st.floats(-5, 5)),
    st.tuples(st.just("attr"), st.integers(0, 5), st.text(max_size=3)),
)


def _replay(lib: Any, direction: int, ops: list[tuple[Any, ...]]) -> list[Any]:
    storages, trial_mod, dists, study_mod = lib.storages, lib.trial, lib.distributions, lib.study
    storage = storages.InMemoryStorage()
    sid = storage.create_new_study([study_mod.StudyDirection(direction)], "s")
    ids: list[int] = []
    out: list[Any] = []
    for op in ops:
        try:
            if op[0] == "new":
                ids.append(storage.create_new_trial(sid))
            elif op[0] == "waiting":
                ids.append(
                    storage.create_new_trial(
                        sid, template_trial=trial_mod.create_trial(state=trial_mod.TrialState.WAITING)
                    )
                )
            elif not ids:
                continue
            elif op[0] == "param":
                dist = (
                    dists.FloatDistribution(0, 1)
                    if op[2] == "x"
                    else dists.CategoricalDistribution(["a", "b"])
                )
                value = op[3] if op[2] == "x" else float(op[3] > 0.5)
                storage.set_trial_param(ids[op[1] % len(ids)], op[2], value, dist)
            elif op[0] == "state":
                state = trial_mod.TrialState(op[2])
                values = [op[3]] if state == trial_mod.TrialState.COMPLETE else None
                out.append(storage.set_trial_state_values(ids[op[1] % len(ids)], state, values))
            elif op[0] == "report":
                storage.set_trial_intermediate_value(ids[op[1] % len(ids)], op[2], op[3])
            elif op[0] == "attr":
                storage.set_trial_user_attr(ids[op[1] % len(ids)], "k", op[2])
            out.append("ok")
        except Exception as e:  # noqa: BLE001 - which error is part of the comparison
            out.append(type(e).__name__.replace("Optuna", "Pyhpo"))
    out.append(
        [
            (t.number, int(t.state), t.values, t.params, t.intermediate_values, t.user_attrs)
            for t in storage.get_all_trials(sid)
        ]
    )
    for states in ((1,), (0, 4), (2, 3)):
        out.append(storage.get_n_trials(sid, state=tuple(trial_mod.TrialState(s) for s in states)))
    try:
        out.append(storage.get_best_trial(sid).number)
    except ValueError:
        out.append("no best")
    return out


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([1, 2]), st.lists(_op, max_size=20))
def test_in_memory_storage_answers_as_optunas_does(direction: int, ops: list[tuple[Any, ...]]) -> None:
    import warnings

    optuna = pytest.importorskip("optuna")
    import pyhpo

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        theirs = _replay(optuna, direction, ops)
    pyhpo.logging.set_verbosity(pyhpo.logging.WARNING)
    assert _replay(pyhpo, direction, ops) == theirs


def test_the_owners_path_creates_nothing_while_a_trial_waits_and_finishing_returns_the_stored_trial() -> None:
    storage = InMemoryStorage()
    sid = storage.create_new_study(MIN)
    waiting = storage.create_new_trial(sid, template_trial=create_trial(state=TrialState.WAITING))
    assert storage._create_running_trial(sid) is None
    assert storage.get_n_trials(sid) == 1
    storage.set_trial_state_values(waiting, TrialState.RUNNING)
    owned = storage._create_running_trial(sid)
    assert owned is not None and owned.number == 1 and owned.state == TrialState.RUNNING
    storage.set_trial_param(owned._trial_id, "x", 0.5, FloatDistribution(0.0, 1.0))
    assert owned.params == {"x": 0.5}  # the owner's view is kept current by the storage
    snapshot = storage.get_all_trials(sid, deepcopy=False)[1]
    done = storage._finish_trial(owned._trial_id, TrialState.COMPLETE, [2.0])
    assert done is owned and done.values == [2.0] and done.datetime_complete is not None
    assert snapshot.state == TrialState.RUNNING and snapshot.values is None
    assert storage.get_best_trial(sid).number == 1
    # Finished, it is shared like every finished trial.
    assert storage.get_all_trials(sid, deepcopy=False)[1] is done
    with pytest.raises(UpdateFinishedTrialError):
        storage._finish_trial(owned._trial_id, TrialState.FAIL, None)
