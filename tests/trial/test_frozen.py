"""FrozenTrial, create_trial, FixedTrial and TrialState."""

from __future__ import annotations

import copy
import datetime
import math

import pytest

from pyhpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from pyhpo.trial import FixedTrial, FrozenTrial, TrialState, create_trial

NOW = datetime.datetime(2025, 6, 3, 14, 7, 45)


def make(**overrides: object) -> FrozenTrial:
    fields: dict[str, object] = {
        "number": 0,
        "state": TrialState.COMPLETE,
        "value": 1.0,
        "datetime_start": NOW,
        "datetime_complete": NOW + datetime.timedelta(seconds=2),
        "params": {"x": 0.5},
        "distributions": {"x": FloatDistribution(0, 1)},
        "user_attrs": {},
        "system_attrs": {},
        "intermediate_values": {},
        "trial_id": 7,
    }
    fields.update(overrides)
    return FrozenTrial(**fields)  # type: ignore[arg-type]


def test_trial_state_values_are_optunas_and_only_three_are_finished() -> None:
    assert [(s.name, int(s)) for s in TrialState] == [
        ("RUNNING", 0),
        ("COMPLETE", 1),
        ("PRUNED", 2),
        ("FAIL", 3),
        ("WAITING", 4),
    ]
    assert {s for s in TrialState if s.is_finished()} == {
        TrialState.COMPLETE,
        TrialState.PRUNED,
        TrialState.FAIL,
    }


def test_frozen_trials_with_equal_fields_are_equal_and_differ_otherwise() -> None:
    assert make() == make()
    assert make() != make(value=2.0)
    assert make() != make(trial_id=8)
    assert make() != make(user_attrs={"a": 1})
    assert make() != "not a trial"


def test_frozen_trials_order_by_number() -> None:
    trials = [make(number=2), make(number=0), make(number=1)]
    assert [t.number for t in sorted(trials)] == [0, 1, 2]
    assert make(number=0) < make(number=1) and make(number=1) <= make(number=1)


def test_repr_shows_the_fields_and_is_evaluable_in_spirit() -> None:
    text = repr(make())
    for fragment in (
        "number=0",
        "state=<TrialState.COMPLETE: 1>",
        "values=[1.0]",
        "params={'x': 0.5}",
        "trial_id=7",
    ):
        assert fragment in text


def test_value_and_values_are_two_views_of_the_same_list() -> None:
    t = make()
    assert t.value == 1.0 and t.values == [1.0]
    t.value = 3.0
    assert t.values == [3.0]
    t.values = [1.0, 2.0]
    with pytest.raises(
        RuntimeError, match="^This attribute is not available during multi-objective optimization.$"
    ):
        _ = t.value
    with pytest.raises(RuntimeError, match="multi-objective"):
        t.value = 1.0  # nor settable, as in Optuna
    assert t.values == [1.0, 2.0]
    t.values = None
    assert t.value is None


def test_value_and_values_together_are_rejected() -> None:
    with pytest.raises(ValueError, match="only one"):
        make(values=[1.0])


def test_duration_last_step_and_trial_id() -> None:
    t = make(intermediate_values={1: 0.5, 4: 0.25})
    assert t.duration == datetime.timedelta(seconds=2)
    assert t.last_step == 4
    assert make(datetime_complete=None, state=TrialState.RUNNING, value=None).duration is None
    t._trial_id = 12
    assert t._trial_id == 12


def test_deepcopy_gives_independent_containers() -> None:
    t = make(user_attrs={"list": [1, 2]})
    c = copy.deepcopy(t)
    assert c == t
    c.user_attrs["list"].append(3)
    c.params["x"] = 0.9
    assert t.user_attrs == {"list": [1, 2]} and t.params == {"x": 0.5}


def test_suggest_on_a_frozen_trial_returns_its_params() -> None:
    t = make(
        params={"x": 0.5, "n": 3, "c": "b"},
        distributions={
            "x": FloatDistribution(0, 1),
            "n": IntDistribution(0, 5),
            "c": CategoricalDistribution(["a", "b"]),
        },
    )
    assert t.suggest_float("x", 0, 1) == 0.5
    assert t.suggest_int("n", 0, 5) == 3
    assert t.suggest_categorical("c", ["a", "b"]) == "b"
    with pytest.raises(ValueError, match="'y' is not found"):
        t.suggest_float("y", 0, 1)
    with pytest.warns(UserWarning, match="out of the range"), pytest.raises(ValueError, match="kind"):
        t.suggest_int("x", 0, 1)  # 0.5 is not an int (warned), and an int is another kind (raised), as Optuna
    with pytest.warns(UserWarning, match="out of the range"):
        t.suggest_float("x", 0.6, 1.0)
    # As in Optuna, the distribution of the last suggest replaces the stored one.
    assert t.distributions["x"] == FloatDistribution(0.6, 1.0)
    assert t.should_prune() is False


def test_create_trial_builds_a_valid_complete_trial() -> None:
    t = create_trial(
        value=0.25,
        params={"x": 0.5},
        distributions={"x": FloatDistribution(0, 1)},
        user_attrs={"u": 1},
        intermediate_values={0: 0.3},
    )
    assert t.state == TrialState.COMPLETE and t.value == 0.25
    assert t.datetime_start is not None and t.datetime_complete is not None
    assert t.number == -1 and t._trial_id == -1
    waiting = create_trial(state=TrialState.WAITING)
    assert waiting.datetime_start is None and waiting.datetime_complete is None
    running = create_trial(state=TrialState.RUNNING)
    assert running.datetime_start is not None and running.datetime_complete is None


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"state": TrialState.COMPLETE}, "value"),
        ({"value": math.nan}, "NaN"),
        ({"state": TrialState.FAIL, "value": 1.0}, "failed trial"),
        ({"value": 1.0, "params": {"x": 2.0}, "distributions": {"x": FloatDistribution(0, 1)}}, "2.0"),
        ({"value": 1.0, "params": {"x": 0.5}}, "'x'"),
        ({"value": 1.0, "params": {"c": "z"}, "distributions": {"c": CategoricalDistribution(["a"])}}, "'z'"),
    ],
)
def test_create_trial_rejects_contradictory_fields(kwargs: dict[str, object], fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        create_trial(**kwargs)  # type: ignore[arg-type]


def test_validate_catches_inconsistent_dates() -> None:
    with pytest.raises(ValueError, match="datetime_complete"):
        make(datetime_complete=None)._validate()
    with pytest.raises(ValueError, match="datetime_start"):
        make(datetime_start=None)._validate()
    with pytest.raises(ValueError, match="datetime_complete"):
        make(state=TrialState.RUNNING, value=None)._validate()
    make()._validate()


def test_fixed_trial_answers_with_the_given_params() -> None:
    t = FixedTrial({"x": 0.5, "n": 2, "c": "b"}, number=4)
    assert t.suggest_float("x", 0, 1) == 0.5
    n = t.suggest_int("n", 0, 3)
    assert n == 2 and isinstance(n, int)
    assert t.suggest_categorical("c", ["a", "b"]) == "b"
    assert t.params == {"x": 0.5, "n": 2, "c": "b"}
    assert t.number == 4
    assert t.distributions["n"] == IntDistribution(0, 3)
    t.report(1.0, 0)
    assert t.should_prune() is False
    t.set_user_attr("u", 1)
    assert t.user_attrs == {"u": 1}


def test_fixed_trial_errors_name_the_parameter() -> None:
    t = FixedTrial({"x": 5.0})
    with pytest.raises(ValueError, match="'y'"):
        t.suggest_float("y", 0, 1)
    with pytest.warns(UserWarning, match="'x'"):
        assert t.suggest_float("x", 0, 1) == 5.0  # out of range: warned and used, as in Optuna
    with pytest.raises(
        ValueError, match="^Cannot set different distribution kind to the same parameter name.$"
    ):
        t.suggest_int("x", 0, 10)  # but a different kind for the same name is an error


def test_fixed_trial_runs_an_objective_outside_any_study() -> None:
    def objective(trial: FixedTrial) -> float:
        return trial.suggest_float("x", -1, 1) ** 2 + trial.suggest_int("k", 0, 3)

    assert objective(FixedTrial({"x": 0.5, "k": 1})) == 1.25


def test_constraints_are_read_from_both_of_optunas_layouts() -> None:
    t = make(system_attrs={"constraints": [0.5, -1.0], "constraints:mem": 2.0, "other": 1})
    assert t.constraints == {"0": 0.5, "1": -1.0, "mem": 2.0}
    t.set_constraint("time", -3)
    assert t.constraints["time"] == -3.0
    assert t.system_attrs["constraints:time"] == -3.0
    with pytest.warns(UserWarning, match="already set"):
        t.set_constraint("time", 5.0)
    assert t.constraints["time"] == -3.0
    with pytest.raises(ValueError, match="'nan_key'"):
        t.set_constraint("nan_key", math.nan)
    with pytest.raises(TypeError, match="<class 'str'>"):
        t.set_constraint("bad", "high")  # type: ignore[arg-type]


def test_create_trial_stores_constraints() -> None:
    t = create_trial(value=1.0, constraints={"c0": 0.25})
    assert t.constraints == {"c0": 0.25}
    fixed = FixedTrial({})
    fixed.set_constraint("c", 1.0)
    assert fixed.constraints == {"c": 1.0}


def test_trial_state_and_direction_print_like_optunas() -> None:
    from pyhpo.study import StudyDirection

    assert (
        repr(TrialState.PRUNED) == "<TrialState.PRUNED: 2>" and str(TrialState.PRUNED) == "TrialState.PRUNED"
    )
    assert repr(StudyDirection.MAXIMIZE) == "<StudyDirection.MAXIMIZE: 2>"


def _create_on(lib: object, state: int, value: object, values: object, x: object, dist_kind: str) -> str:
    """create_trial on pyhpo or Optuna with the same arguments; 'ok' or the exception class name."""
    import warnings

    trial_mod = lib.trial  # type: ignore[attr-defined]
    dists = lib.distributions  # type: ignore[attr-defined]
    params, distributions = {}, {}
    if dist_kind != "none":
        params = {"x": x}
        distributions = {
            "x": {
                "float": dists.FloatDistribution(0, 1),
                "int": dists.IntDistribution(0, 3),
                "cat": dists.CategoricalDistribution(["a", "b"]),
            }[dist_kind]
        }
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            trial_mod.create_trial(
                state=trial_mod.TrialState(state),
                value=value,
                values=values,
                params=params,
                distributions=distributions,
            )
        return "ok"
    except (ValueError, TypeError) as e:
        return type(e).__name__


@pytest.mark.parametrize("state", [0, 1, 2, 3, 4])
@pytest.mark.parametrize(
    ("value", "values"), [(None, None), (0.5, None), (None, [0.5, 1.0]), (math.nan, None), (0.5, [0.5])]
)
@pytest.mark.parametrize(
    ("x", "dist_kind"),
    [(None, "none"), (0.5, "float"), (2.0, "float"), (2, "int"), (5, "int"), ("a", "cat"), ("z", "cat")],
)
def test_create_trial_accepts_and_rejects_what_optuna_does(
    state: int, value: object, values: object, x: object, dist_kind: str
) -> None:
    optuna = pytest.importorskip("optuna")
    import pyhpo

    assert _create_on(pyhpo, state, value, values, x, dist_kind) == _create_on(
        optuna, state, value, values, x, dist_kind
    )


def test_create_trial_takes_numpy_values_and_stores_python_floats() -> None:
    np = pytest.importorskip("numpy")
    t = create_trial(values=[np.float32(1.5), np.int64(2)])
    assert t.values == [1.5, 2.0] and all(type(v) is float for v in t.values)


def _fixed_on(lib: object, params: dict[str, object], call: str) -> str:
    """One suggest call on a FixedTrial of pyhpo or Optuna: the value and any warning, or the error class."""
    import warnings

    trial = lib.trial.FixedTrial(params)  # type: ignore[attr-defined]
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            value = eval(call, {"t": trial})
        # Compared by value: Optuna's FixedTrial.suggest_float hands back an int param as it is; ours returns
        # the float its signature promises (2.0 == 2). A deliberate difference.
        return f"{float(value) if isinstance(value, (int, float)) else value!r} warned={bool(caught)}"
    except (ValueError, TypeError) as e:
        return type(e).__name__


@pytest.mark.parametrize("params", [{"x": 0.5}, {"x": 2}, {"x": "a"}, {"x": 5.0}, {}])
@pytest.mark.parametrize(
    "call",
    [
        't.suggest_float("x", 0, 1)',
        't.suggest_float("x", 0, 10, step=0.5)',
        't.suggest_int("x", 0, 3)',
        't.suggest_categorical("x", ["a", "b"])',
        't.suggest_float("x", 0.1, 10, log=True)',
    ],
)
def test_fixed_trial_answers_like_optunas(params: dict[str, object], call: str) -> None:
    optuna = pytest.importorskip("optuna")
    import pyhpo

    assert _fixed_on(pyhpo, params, call) == _fixed_on(optuna, params, call)
