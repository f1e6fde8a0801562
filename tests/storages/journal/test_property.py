"""Property: any sequence of storage operations leaves JournalStorage in the same state as InMemoryStorage,
whether replayed by the writer or by a fresh reader, with the same answers and the same errors on the way."""

from __future__ import annotations

from typing import Any

from conftest import MemoryJournalBackend
from hypothesis import given, settings
from hypothesis import strategies as st

from pyhpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from pyhpo.storages import InMemoryStorage
from pyhpo.storages.journal._storage import JournalStorage
from pyhpo.study._study_direction import StudyDirection
from pyhpo.trial import TrialState, create_trial

DISTS = [
    FloatDistribution(0.0, 1.0),
    FloatDistribution(0.0, 2.0),
    IntDistribution(0, 4),
    CategoricalDistribution(["a", "b"]),
    CategoricalDistribution(["a", "c"]),
]
STATES = [TrialState.RUNNING, TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL, TrialState.WAITING]
values = st.one_of(
    st.integers(-3, 3), st.text(max_size=3), st.lists(st.integers(0, 2), max_size=2), st.none()
)

create_trial_op = st.tuples(
    st.just("create_trial"), st.integers(0, 4), st.sampled_from([None, None, *STATES])
)
param_op = st.tuples(
    st.just("param"), st.integers(0, 9), st.sampled_from(["x", "y"]), st.integers(0, 4), st.integers(0, 1)
)
ops = st.one_of(
    st.tuples(st.just("create_study"), st.sampled_from(["a", "b", "c"]), st.integers(1, 2)),
    st.tuples(st.just("delete_study"), st.integers(0, 4)).filter(lambda op: op[1] == 0),  # rare
    st.tuples(st.just("study_attr"), st.integers(0, 4), st.sampled_from(["k", "l"]), values, st.booleans()),
    create_trial_op,
    create_trial_op,
    param_op,
    param_op,
    st.tuples(
        st.just("state"),
        st.integers(0, 9),
        st.sampled_from(STATES),
        st.one_of(st.none(), st.sampled_from([-1.0, 0.0, 2.0])),
    ),
    st.tuples(st.just("report"), st.integers(0, 9), st.integers(0, 3), st.floats(-5, 5)),
    st.tuples(st.just("trial_attr"), st.integers(0, 9), st.sampled_from(["k", "l"]), values, st.booleans()),
)
# Every sequence starts from a study with two running trials, so most operations have something to act on.
PROLOGUE = [("create_study", "s", 1), ("create_trial", 0, None), ("create_trial", 0, None)]


def _apply(storage: Any, op: tuple[Any, ...], study_ids: list[int], trial_ids: list[int]) -> Any:
    kind = op[0]
    pick_study = lambda i: study_ids[-1 - i % len(study_ids)] if study_ids else 99 + i
    pick_trial = lambda i: trial_ids[-1 - i % len(trial_ids)] if trial_ids else 99 + i
    if kind == "create_study":
        directions = [StudyDirection.MINIMIZE] * op[2]
        return storage.create_new_study(directions, op[1])
    if kind == "delete_study":
        return storage.delete_study(pick_study(op[1]))
    if kind == "study_attr":
        setter = storage.set_study_user_attr if op[4] else storage.set_study_system_attr
        return setter(pick_study(op[1]), op[2], op[3])
    if kind == "create_trial":
        template = None
        if op[2] is not None:
            finished = op[2].is_finished()
            template = create_trial(
                state=op[2],
                value=1.0 if op[2] == TrialState.COMPLETE else None,
                params={"x": 0.5},
                distributions={"x": DISTS[0]},
                user_attrs={"u": [1]},
                intermediate_values={1: 2.0} if finished or op[2] == TrialState.RUNNING else {},
            )
        return storage.create_new_trial(pick_study(op[1]), template)
    if kind == "param":
        dist = DISTS[op[3]]
        internal = [0.5, 1.5, 3, 1, 0][op[3]] if op[4] else [0.25, 0.5, 0, 0, 1][op[3]]
        return storage.set_trial_param(pick_trial(op[1]), op[2], internal, dist)
    if kind == "state":
        vals = None if op[3] is None else [op[3]]
        return storage.set_trial_state_values(pick_trial(op[1]), op[2], vals)
    if kind == "report":
        return storage.set_trial_intermediate_value(pick_trial(op[1]), op[2], op[3])
    if kind == "trial_attr":
        setter = storage.set_trial_user_attr if op[4] else storage.set_trial_system_attr
        return setter(pick_trial(op[1]), op[2], op[3])
    raise AssertionError(kind)


def _outcome(storage: Any, op: tuple[Any, ...], study_ids: list[int], trial_ids: list[int]) -> Any:
    try:
        result = _apply(storage, op, study_ids, trial_ids)
    except Exception as err:  # noqa: BLE001 - the error class is what we compare
        return ("error", type(err).__name__)
    return ("ok", result)


def _state(storage: Any, renumber: dict[int, int]) -> Any:
    studies = sorted(storage.get_all_studies(), key=lambda s: s._study_id)
    out = []
    for study in studies:
        trials = [
            (
                renumber[t._trial_id],
                t.number,
                t.state,
                t.values,
                t.params,
                t.distributions,
                t.user_attrs,
                t.system_attrs,
                t.intermediate_values,
                t.datetime_start is None,
                t.datetime_complete is None,
            )
            for t in storage.get_all_trials(study._study_id)
        ]
        try:
            best: Any = storage.get_best_trial(study._study_id).number
        except (ValueError, RuntimeError) as err:
            best = type(err).__name__
        waiting = [t.number for t in storage.get_all_trials(study._study_id, states=(TrialState.WAITING,))]
        out.append(
            (
                study._study_id,
                study.study_name,
                study.directions,
                study.user_attrs,
                study.system_attrs,
                trials,
                best,
                waiting,
            )
        )
    return out


@settings(max_examples=60, deadline=None)
@given(st.lists(ops, max_size=30))
def test_any_operation_sequence_leaves_the_journal_equal_to_in_memory(
    sequence: list[tuple[Any, ...]],
) -> None:
    backend = MemoryJournalBackend()
    journal = JournalStorage(backend)
    memory = InMemoryStorage()
    # Each storage's own IDs, in creation order: operations pick by position, answers compare by position
    # (trial IDs need only be unique; storages may spend them differently).
    ids: dict[Any, tuple[list[int], list[int]]] = {journal: ([], []), memory: ([], [])}
    for op in PROLOGUE + sequence:
        outcomes = {}
        for storage, (study_ids, trial_ids) in ids.items():
            outcome = _outcome(storage, op, study_ids, trial_ids)
            if outcome[0] == "ok" and op[0] in ("create_study", "create_trial"):
                created = study_ids if op[0] == "create_study" else trial_ids
                created.append(outcome[1])
                outcome = ("ok", len(created) - 1)
            outcomes[storage] = outcome
        assert outcomes[journal] == outcomes[memory], op
    renumber = {storage: {tid: i for i, tid in enumerate(ids[storage][1])} for storage in ids}
    assert _state(journal, renumber[journal]) == _state(memory, renumber[memory])
    assert _state(JournalStorage(backend), renumber[journal]) == _state(memory, renumber[memory])
