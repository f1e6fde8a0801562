"""What a storage accepts: the checks every backend runs before it writes anything.

A storage is shared: a write that cannot be read back breaks every later read of the study, for every
worker, and (in a database or journal shared with Optuna) for Optuna too. So each backend (in-memory,
journal, RDB, and the gRPC proxy server in front of any of them) refuses such writes up front, with the same
``ValueError``/``TypeError`` and the same words, and stores nothing. The proxy server answers them with
``INVALID_ARGUMENT`` and the reason.

The rule is *refuse what would not read back as itself*, and nothing more, so that anything Optuna's own
storages store and read back keeps working:

Parameters (``set_trial_param``, and the parameters of a template trial), by distribution:

* ``FloatDistribution``: every float is accepted -- NaN, ``inf`` and ``-inf``, values outside
  ``[low, high]``, values off the ``step`` grid. Optuna stores and reads all of them back unchanged (its
  ``FloatDistribution.to_external_repr`` is ``float()``), and so do we. (MySQL cannot hold an infinite
  float: that one backend refuses ``inf``/``-inf`` as a parameter value, see ``check_mysql_param``.)
* ``IntDistribution``: the value must be finite and integral. Reading back is ``int(value)``: NaN and
  infinities raise there, and ``2.5`` would come back as ``2``. Integers outside ``[low, high]`` or off the
  ``step`` grid are accepted: they read back unchanged, as in Optuna.
* ``CategoricalDistribution``: the value must be an index of a choice, an integer in
  ``0 .. len(choices) - 1``. Reading back is ``choices[int(value)]``: an index past the end raises for every
  later reader, NaN and infinities raise, and a negative or fractional index would read back as another
  choice than was written.

A parameter value must be a real number (``TypeError`` otherwise); ``bool`` counts as one, as in Python.

Trial states and values (``set_trial_state_values``, and template trials):

* ``state`` must be a :class:`~pyhpo.trial.TrialState` (``TypeError`` otherwise). Which transitions take
  effect is the storage contract's business (finished trials are immutable, RUNNING claims a WAITING trial).
* ``values``, when given, hold one real number per objective of the study, none of them NaN: a study
  with two objectives cannot complete a trial with one value, and NaN has no stored form in the RDB
  schema (Optuna's ``tell`` turns a NaN objective into a FAIL trial before it reaches a storage).
  ``None`` is accepted for every state, as Optuna's storages accept it.

Attribute values are checked where they are encoded (JSON text in the journal, RDB and proxy); intermediate
values take any float.
"""

from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING, Any

from pyhpo._values import FrozenTrial, TrialState
from pyhpo.distributions import BaseDistribution, CategoricalDistribution, FloatDistribution, IntDistribution

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["check_mysql_param", "check_param", "check_state", "check_template", "check_values"]


def check_param(name: str, value: Any, distribution: BaseDistribution) -> None:
    """Refuse a parameter value (internal representation) that would not read back as itself.

    Raises:
        TypeError: ``value`` is not a real number, or ``distribution`` is not a distribution.
        ValueError: ``value`` is not integral for an IntDistribution, or not the index of a choice of a
            CategoricalDistribution (see the module docstring for the whole rule).
    """
    if type(value) is float and type(distribution) is FloatDistribution:
        return  # the common case, and every float reads back as itself
    if not isinstance(distribution, BaseDistribution):
        raise TypeError(f"Parameter {name!r}: expected a distribution, got {distribution!r}.")
    if not isinstance(value, numbers.Real):
        raise TypeError(
            f"Parameter {name!r}: the internal value must be a real number, got {value!r} of type "
            f"{type(value).__name__}."
        )
    if isinstance(distribution, CategoricalDistribution):
        n = len(distribution.choices)
        if not (_is_integral(value) and 0 <= float(value) < n):
            raise ValueError(
                f"Parameter {name!r}: the internal value {value!r} is not the index of a choice of "
                f"{distribution}; expected an integer from 0 to {n - 1}."
            )
    elif isinstance(distribution, IntDistribution) and not _is_integral(value):
        raise ValueError(
            f"Parameter {name!r}: the internal value {value!r} is not an integer, which {distribution} needs."
        )


def check_mysql_param(name: str, value: float) -> None:
    """Refuse an infinite parameter value on MySQL, whose DOUBLE column cannot hold it (Optuna's schema).

    NaN is stored as NULL there (as SQLite does by itself) and read back as NaN.

    Raises:
        ValueError: ``value`` is ``inf`` or ``-inf``.
    """
    if math.isinf(value):
        raise ValueError(
            f"Parameter {name!r}: MySQL cannot store the infinite value {value!r} (its DOUBLE type has no "
            "infinity); use another storage for parameters that take infinite values."
        )


def check_state(state: Any) -> TrialState:
    """Return ``state`` if it is a TrialState.

    Raises:
        TypeError: It is anything else (an int or a string included).
    """
    if not isinstance(state, TrialState):
        raise TypeError(f"state must be a TrialState, got {state!r}")
    return state


def check_values(values: Sequence[float] | None, n_objectives: int) -> None:
    """Refuse objective values that do not fit a study with ``n_objectives`` objectives.

    Raises:
        TypeError: A value is not a real number.
        ValueError: Not one value per objective (Optuna's words from ``tell``), or a value is NaN.
    """
    if values is None:
        return
    if len(values) != n_objectives:
        raise ValueError(
            f"The number of the values {len(values)} did not match the number of the objectives "
            f"{n_objectives}."
        )
    for value in values:
        if type(value) is float:
            if value != value:  # NaN
                raise ValueError(f"A trial value must not be NaN, got {value!r}")
            continue
        if not isinstance(value, numbers.Real):
            raise TypeError(
                f"A trial value must be a real number, got {value!r} of type {type(value).__name__}."
            )
        if math.isnan(value):
            raise ValueError(f"A trial value must not be NaN, got {value!r}")


def check_template(template: FrozenTrial, n_objectives: int) -> None:
    """Refuse a template trial (``create_new_trial``) with a bad state, values or parameter.

    Raises:
        TypeError, ValueError: As :func:`check_state`, :func:`check_values` and :func:`check_param`; a
            parameter without a distribution is a ValueError.
    """
    check_state(template.state)
    check_values(template.values, n_objectives)
    distributions = template.distributions
    for name, external in template.params.items():
        distribution = distributions.get(name)
        if distribution is None:
            raise ValueError(f"Parameter {name!r} of the template trial has no distribution.")
        check_param(name, distribution.to_internal_repr(external), distribution)


def _is_integral(value: Any) -> bool:
    # float(value) handles numpy scalars and ints too; inf and NaN are not integral.
    as_float = float(value)
    return math.isfinite(as_float) and as_float.is_integer()
