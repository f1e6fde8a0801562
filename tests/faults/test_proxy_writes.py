"""Bad writes sent straight to the proxy server (issue 10, item 3).

Without a token any client can call the server, and not every client is pyhpo's: these tests speak to it
over a raw channel with the generated stubs, as a buggy or hostile client would. Every write that would leave
the study unreadable (a categorical index past the end, a fractional integer, a distribution that does not
parse, an unknown state, values for another number of objectives, attribute text that is not JSON) must be
answered ``INVALID_ARGUMENT`` with the reason, store nothing, and leave the study readable -- through the
proxy, through pyhpo reading the database file, and through Optuna reading it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

grpc = pytest.importorskip("grpc")

from pyhpo.distributions import (
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    distribution_to_json,
)
from pyhpo.storages import RDBStorage
from pyhpo.storages._grpc import _convert, api_pb2, api_pb2_grpc
from pyhpo.storages._grpc.server import make_server

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

CHOICES = CategoricalDistribution(["a", "b"])


@dataclass
class Setup:
    stub: Any
    url: str
    study_id: int
    trial_id: int


@pytest.fixture
def raw(tmp_path: Path) -> Iterator[Setup]:
    """A server over an SQLite file, a raw stub, and one RUNNING trial of a one-objective study."""
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    backend = RDBStorage(url)
    server = make_server(backend, "127.0.0.1", 0, token="").start()
    channel = grpc.insecure_channel(f"127.0.0.1:{server.port}")
    stub = api_pb2_grpc.StorageServiceStub(channel)
    try:
        request = api_pb2.CreateNewStudyRequest(directions=[api_pb2.MINIMIZE], study_name="s")
        study_id = stub.CreateNewStudy(request).study_id
        trial_id = stub.CreateNewTrial(
            api_pb2.CreateNewTrialRequest(study_id=study_id, template_trial_is_none=True)
        ).trial_id
        yield Setup(stub, url, study_id, trial_id)
    finally:
        channel.close()
        server.stop(grace=None)
        backend.engine.dispose()


def _param(name: str, value: float, distribution: str) -> Callable[[Setup], Any]:
    def call(s: Setup) -> Any:
        request = api_pb2.SetTrialParameterRequest(
            trial_id=s.trial_id, param_name=name, param_value_internal=value, distribution=distribution
        )
        return s.stub.SetTrialParameter(request)

    return call


def _finish(state: int, values: list[float]) -> Callable[[Setup], Any]:
    def call(s: Setup) -> Any:
        request = api_pb2.SetTrialStateValuesRequest(
            trial_id=s.trial_id,
            state=state,
            values=values,  # type: ignore[arg-type]
        )
        return s.stub.SetTrialStateValues(request)

    return call


def _template(params: dict[str, float], distributions: dict[str, str]) -> Callable[[Setup], Any]:
    def call(s: Setup) -> Any:
        template = api_pb2.Trial(
            state=api_pb2.COMPLETE, values=[1.0], params=params, distributions=distributions
        )
        request = api_pb2.CreateNewTrialRequest(study_id=s.study_id, template_trial=template)
        return s.stub.CreateNewTrial(request)

    return call


def _user_attr(text: str) -> Callable[[Setup], Any]:
    def call(s: Setup) -> Any:
        return s.stub.SetTrialUserAttribute(
            api_pb2.SetTrialUserAttributeRequest(trial_id=s.trial_id, key="k", value=text)
        )

    return call


AB = distribution_to_json(CHOICES)
LOW_ABOVE_HIGH = json.dumps({"name": "FloatDistribution", "attributes": {"low": 1, "high": 0, "log": False}})
BAD_WRITES = [
    ("categorical index 99 of 2", _param("c", 99.0, AB), "not the index of a choice"),
    ("categorical index -1", _param("c", -1.0, AB), "expected an integer from 0 to 1"),
    ("categorical index NaN", _param("c", math.nan, AB), "not the index of a choice"),
    ("fractional int", _param("n", 2.5, distribution_to_json(IntDistribution(0, 5))), "is not an integer"),
    ("distribution without attributes", _param("x", 0.5, '{"name": "FloatDistribution"}'), "missing field"),
    ("distribution not JSON", _param("x", 0.5, "FloatDistribution(0, 1)"), "not a valid distribution"),
    ("distribution low > high", _param("x", 0.5, LOW_ABOVE_HIGH), "low <= high"),
    ("unknown distribution", _param("x", 0.5, '{"name": "BetaDistribution", "attributes": {}}'), "Unknown"),
    ("unknown state", _finish(99, []), "unknown trial state 99"),
    ("two values for one objective", _finish(api_pb2.COMPLETE, [1.0, 2.0]), "number of the objectives 1"),
    ("NaN value", _finish(api_pb2.COMPLETE, [math.nan]), "must not be NaN"),
    ("attribute not JSON", _user_attr("{not json"), "not valid JSON"),
    ("template with index 5 of 2", _template({"c": 5.0}, {"c": distribution_to_json(CHOICES)}),
     "not the index of a choice"),
    ("template param without distribution", _template({"c": 0.0}, {}), "comes without a distribution"),
]  # fmt: skip


def _read_everywhere(s: Setup) -> list[dict[str, Any]]:
    """The study's trials (params) through the proxy, and through pyhpo and Optuna reading the file."""
    import optuna

    request = api_pb2.GetTrialsRequest(study_id=s.study_id, trial_id_greater_than=-1)
    over_wire = s.stub.GetTrials(request).trials
    via_proxy = [_convert.trial_from_proto(t).params for t in over_wire]
    storage = RDBStorage(s.url)
    try:
        direct = [t.params for t in storage.get_all_trials(s.study_id)]
    finally:
        storage.engine.dispose()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    by_optuna = [t.params for t in optuna.load_study(study_name="s", storage=s.url).trials]
    assert via_proxy == direct == by_optuna
    return direct


@pytest.mark.interop("RDB database written through the gRPC proxy, read by Optuna")
@pytest.mark.parametrize(("case", "write", "reason"), BAD_WRITES, ids=[c[0] for c in BAD_WRITES])
def test_bad_write_is_invalid_argument_with_the_reason_and_stores_nothing(
    raw: Setup, case: str, write: Callable[[Setup], Any], reason: str
) -> None:
    with pytest.raises(grpc.RpcError) as info:
        write(raw)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT, info.value.details()
    assert reason in info.value.details()
    assert _read_everywhere(raw) == [{}]  # the one trial, still without parameters
    trial = raw.stub.GetTrial(api_pb2.GetTrialRequest(trial_id=raw.trial_id)).trial
    assert trial.state == api_pb2.RUNNING and list(trial.values) == [] and dict(trial.user_attributes) == {}
    # ... and the trial still takes good writes.
    _param("c", 1.0, distribution_to_json(CHOICES))(raw)
    _finish(api_pb2.COMPLETE, [0.5])(raw)
    assert _read_everywhere(raw) == [{"c": "b"}]


@pytest.mark.interop("RDB database written through the gRPC proxy, read by Optuna")
def test_floats_outside_the_range_and_nan_are_stored_as_optuna_stores_them(raw: Setup) -> None:
    unit = distribution_to_json(FloatDistribution(0, 1))
    _param("above", 5.0, unit)(raw)
    _param("nan", math.nan, unit)(raw)
    _param("inf", math.inf, distribution_to_json(FloatDistribution(math.inf, math.inf)))(raw)
    _finish(api_pb2.COMPLETE, [0.5])(raw)
    over_wire = raw.stub.GetTrial(api_pb2.GetTrialRequest(trial_id=raw.trial_id)).trial
    assert over_wire.params["above"] == 5.0 and math.isnan(over_wire.params["nan"])
    assert json.loads(over_wire.distributions["inf"])["attributes"]["low"] == math.inf
    storage = RDBStorage(raw.url)
    try:
        params = storage.get_trial(raw.trial_id).params
    finally:
        storage.engine.dispose()
    assert params["above"] == 5.0 and math.isnan(params["nan"]) and params["inf"] == math.inf
