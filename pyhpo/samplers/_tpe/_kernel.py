"""The compiled TPE proposal kernel (``csrc/tpe.c`` through cffi), for spaces of continuous parameters.

One proposal of TPE is a few dozen small numpy operations (build ``l(x)`` and ``g(x)``, draw candidates from
``l``, evaluate both mixtures at them, pick the best ratio), each costing microseconds of call overhead on
arrays of a few hundred values. :func:`propose` does all of it in one C call, from the same random draws
(made here with numpy's ``RandomState``) and with the same arithmetic, so it proposes what the numpy path of
:mod:`pyhpo.samplers._tpe.parzen_estimator` proposes. This module is the only importer of ``pyhpo._ctpe``.

The numpy path stays the reference and the fallback: it runs when the extension was not built (no compiler at
install time), for spaces with grid or categorical parameters, and when ``PYHPO_TPE_KERNEL=numpy`` (read at
import; tests flip :data:`enabled` instead).

Build the extension in place for development with ``python csrc/ffi_build.py`` (from the root of a clone).
"""

from __future__ import annotations

import errno
import os
from typing import TYPE_CHECKING, Any

import numpy as np

from pyhpo.samplers._tpe import _truncnorm, parzen_estimator

if TYPE_CHECKING:
    from pyhpo.samplers._tpe.parzen_estimator import _Params

try:
    from pyhpo._ctpe import ffi, lib
except ImportError:  # not built: the numpy path does everything
    ffi = lib = None

__all__: list[str] = []

#: The environment variable that picks the TPE path: ``"c"`` (the default where built) or ``"numpy"``.
KERNEL_ENV = "PYHPO_TPE_KERNEL"

#: Whether :func:`propose` is used (the extension is built and ``PYHPO_TPE_KERNEL`` is not ``numpy``).
enabled: bool = lib is not None and os.environ.get(KERNEL_ENV, "").strip().lower() != "numpy"

_tables: Any = None
_keep: list[Any] = []  # the arrays _tables points into


def _make_tables() -> Any:
    """The ``pt_tables`` shared by every call: numpy's quantile table and tail polynomial, one copy of each."""
    u = np.ascontiguousarray(_truncnorm._QUANTILE_U, dtype=float)
    z = np.ascontiguousarray(_truncnorm._QUANTILE_Z, dtype=float)
    poly = np.array(_truncnorm._ERFCX_POLY_SHORT, dtype=float)
    cdata = [ffi.from_buffer("double[]", a) for a in (u, z, poly)]
    tables = ffi.new("pt_tables *")
    tables.quantile_u, tables.quantile_z, tables.tail_poly = cdata
    tables.quantile_n, tables.tail_poly_n = len(u), len(poly)
    tables.scalar_tails_max = parzen_estimator._SCALAR_TAILS_MAX
    _keep.extend((u, z, poly, *cdata))
    return tables


_settings: dict[tuple[float, bool, bool, bool], Any] = {}


def _settings_of(params: _Params) -> Any:
    """The ``pt_settings`` of an estimator's settings (made once per distinct settings)."""
    key = (params.prior_weight, params.consider_prior, params.consider_magic_clip, params.consider_endpoints)
    settings = _settings.get(key)
    if settings is None:
        settings = ffi.new("pt_settings *")
        settings.prior_weight = params.prior_weight
        settings.consider_prior = bool(params.consider_prior)
        settings.consider_magic_clip = bool(params.consider_magic_clip)
        settings.consider_endpoints = bool(params.consider_endpoints)
        _settings[key] = settings
    return settings


def propose(
    params: _Params,
    rng: np.random.RandomState,
    below: np.ndarray,
    w_below: np.ndarray,
    above: np.ndarray,
    w_above: np.ndarray,
    n_candidates: int,
) -> tuple[int, np.ndarray]:
    """``(index of the chosen candidate, (n_candidates, d) candidates)`` in unit coordinates.

    ``below`` and ``above`` are the encoded ``(n, d)`` observations of ``l(x)`` and ``g(x)`` (every column
    continuous), with their weights. The random numbers are drawn as the numpy path draws them: ``n_candidates``
    component picks, then a ``(d, n_candidates)`` block (one call to ``rng`` gives the same stream).
    """
    global _tables
    if _tables is None:
        _tables = _make_tables()
    d = below.shape[1]
    below = np.ascontiguousarray(below, dtype=float)
    above = np.ascontiguousarray(above, dtype=float)
    w_below = np.ascontiguousarray(w_below, dtype=float)
    w_above = np.ascontiguousarray(w_above, dtype=float)
    if above.shape[1] != d or len(w_below) != len(below) or len(w_above) != len(above):
        raise ValueError(
            f"TPE kernel: mismatched shapes {below.shape}, {w_below.shape}, {above.shape}, {w_above.shape}"
        )
    uniforms = rng.random_sample(n_candidates * (1 + d))
    samples = np.empty((n_candidates, d))
    buf = ffi.from_buffer
    args = [
        _tables, _settings_of(params), d,
        buf("double[]", below), buf("double[]", w_below), ffi.NULL, len(below),
        buf("double[]", above), buf("double[]", w_above), ffi.NULL, len(above),
        buf("double[]", uniforms), n_candidates, buf("double[]", samples, require_writable=True),
    ]  # fmt: skip
    rc: int = lib.pt_propose(*args)
    if rc == -errno.EAGAIN:
        # Equal values in a column: their widths depend on how the tie is ordered, which must be numpy's.
        orders = [np.ascontiguousarray(np.argsort(obs, axis=0).T, dtype=np.int64) for obs in (below, above)]
        args[5], args[9] = buf("int64_t[]", orders[0]), buf("int64_t[]", orders[1])
        rc = lib.pt_propose(*args)
    if rc < 0:
        raise OSError(-rc, f"TPE kernel: {os.strerror(-rc)}")
    return rc, samples
