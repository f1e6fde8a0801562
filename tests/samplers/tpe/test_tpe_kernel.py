"""The compiled TPE kernel (csrc/tpe.c) proposes what the numpy path proposes, from the same random numbers."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

import pyhpo
from pyhpo.distributions import FloatDistribution
from pyhpo.samplers import TPESampler
from pyhpo.samplers._tpe import _kernel
from pyhpo.samplers._tpe.parzen_estimator import _Params, _ParzenEstimator, _Space

pytestmark = pytest.mark.skipif(
    _kernel.lib is None, reason="pyhpo._ctpe is not built (python csrc/ffi_build.py)"
)


def _numpy_propose(
    params: _Params, rng: np.random.RandomState, below: np.ndarray, above: np.ndarray, n_cand: int
) -> tuple[int, np.ndarray]:
    """What TPESampler._sample does on the numpy path for a space of plain floats."""
    d = below.shape[1]
    space = _Space({f"x{i}": FloatDistribution(0.0, 1.0) for i in range(d)})
    w_below, w_above = np.linspace(0.2, 1.0, len(below)), np.linspace(0.1, 1.0, len(above))
    est = _ParzenEstimator(space, [below, above], [w_below, w_above], params)
    samples = est.sample(rng, n_cand, group=0)
    log_l_g = est.log_pdf_groups(samples, (), np.empty((0, 0)))
    return int(np.argmax(log_l_g[:, 0] - log_l_g[:, 1])), samples


def _c_propose(
    params: _Params, rng: np.random.RandomState, below: np.ndarray, above: np.ndarray, n_cand: int
) -> tuple[int, np.ndarray]:
    w_below, w_above = np.linspace(0.2, 1.0, len(below)), np.linspace(0.1, 1.0, len(above))
    return _kernel.propose(params, rng, below, w_below, above, w_above, n_cand)


@pytest.mark.parametrize(
    ("n_below", "n_above", "d", "edge"),
    [
        (0, 0, 1, False),  # priors only
        (1, 3, 2, False),
        (10, 90, 5, False),
        (25, 400, 3, True),  # observations crowd the bounds: more than 160 tails, the polynomial's turn
        (25, 1500, 2, False),
    ],
)
@pytest.mark.parametrize(
    "settings", [(1.0, True, True, False), (0.0, True, True, True), (2.5, False, False, False)]
)
def test_the_kernel_gives_the_numpy_paths_candidates_and_choice(n_below, n_above, d, edge, settings) -> None:
    params = _Params(*settings, None)
    data = np.random.RandomState(n_below + n_above + d)
    below, above = data.rand(n_below, d), data.rand(n_above, d)
    if edge:
        above = np.where(data.rand(n_above, d) < 0.5, above * 0.05, 1.0 - above * 0.05)
    for seed in range(3):
        ours = _c_propose(params, np.random.RandomState(seed), below, above, 24)
        reference = _numpy_propose(params, np.random.RandomState(seed), below, above, 24)
        np.testing.assert_array_equal(ours[1], reference[1])
        assert ours[0] == reference[0]


def test_ties_are_broken_in_numpys_order() -> None:
    """Equal observations get different widths by their place in the sort: the kernel asks numpy's argsort."""
    params = _Params(1.0, True, True, False, None)
    data = np.random.RandomState(0)
    above = np.round(data.rand(300, 3), 1)  # ten distinct values per column: ties everywhere
    below = np.round(data.rand(20, 3), 1)
    ours = _c_propose(params, np.random.RandomState(1), below, above, 24)
    reference = _numpy_propose(params, np.random.RandomState(1), below, above, 24)
    np.testing.assert_array_equal(ours[1], reference[1])
    assert ours[0] == reference[0]


def _study_params(enabled: bool, **kwargs: object) -> list[dict[str, float]]:
    _kernel.enabled = enabled
    study = pyhpo.create_study(sampler=TPESampler(seed=0, **kwargs))  # type: ignore[arg-type]
    for _ in range(4):
        study.enqueue_trial({"x": 0.5, "lr": 0.01, "y": 2.0})  # equal observations
    open_trials = []
    for i in range(70):
        trial = study.ask()
        x, lr, y = (
            trial.suggest_float("x", -3, 3),
            trial.suggest_float("lr", 1e-4, 1, log=True),
            trial.suggest_float("y", 0, 4),
        )
        value = (x - 1) ** 2 + np.log10(lr) ** 2 + y
        if i % 6 == 5:
            open_trials.append((trial, value))  # running: constant liar adds them to g(x)
        else:
            study.tell(trial, value)
        if len(open_trials) > 2:
            study.tell(*open_trials.pop(0))
    return [t.params for t in study.trials]


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"consider_endpoints": True, "prior_weight": 0.0}, {"consider_prior": False, "n_ei_candidates": 5}],
)
def test_a_study_proposes_the_same_on_both_paths(
    kwargs: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_kernel, "enabled", True)
    ours = _study_params(True, **kwargs)
    reference = _study_params(False, **kwargs)
    assert ours == reference


def test_the_kernel_follows_optuna_without_the_magic_clip(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kernels as narrow as 1e-12: the kernel's direct (x - mu) / sigma keeps full precision."""
    optuna = pytest.importorskip("optuna")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    monkeypatch.setattr(_kernel, "enabled", True)

    def objective(trial):  # type: ignore[no-untyped-def]
        return sum((trial.suggest_float(f"x{i}", -5, 5) - 1) ** 2 for i in range(3))

    runs = []
    for lib in (pyhpo, optuna):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # Optuna deprecates the argument
            sampler = lib.samplers.TPESampler(seed=0, consider_magic_clip=False)
        study = lib.create_study(sampler=sampler)
        study.optimize(objective, n_trials=80)
        runs.append([t.params for t in study.trials])
    for a, b in zip(*runs):
        assert a == pytest.approx(b, rel=1e-6, abs=1e-6)


def test_bad_arguments_are_refused_with_einval() -> None:
    ffi, lib = _kernel.ffi, _kernel.lib
    _kernel.propose(
        _Params(1.0, True, True, False, None),
        np.random.RandomState(0),
        np.empty((0, 1)),
        np.empty(0),
        np.empty((0, 1)),
        np.empty(0),
        1,
    )
    tables = _kernel._tables
    settings = _kernel._settings_of(_Params(1.0, True, True, False, None))
    obs = np.array([[0.2], [0.7]])
    w = np.ones(2)
    u = np.full(2, 0.5)
    out = np.empty(1)
    buf = ffi.from_buffer

    def call(d=1, n_cand=1, uniforms=u, order=ffi.NULL, settings=settings):  # type: ignore[no-untyped-def]
        return lib.pt_propose(
            tables, settings, d, buf("double[]", obs), buf("double[]", w), order, 2,
            buf("double[]", obs), buf("double[]", w), ffi.NULL, 2, buf("double[]", uniforms), n_cand,
            buf("double[]", out, require_writable=True),
        )  # fmt: skip

    assert call() == 0
    assert call(d=0) == -errno.EINVAL
    assert call(n_cand=0) == -errno.EINVAL
    assert call(uniforms=np.array([1.0, 0.5])) == -errno.EINVAL  # a component pick outside [0, 1)
    assert (
        call(order=buf("int64_t[]", np.array([0, 0], dtype=np.int64))) == -errno.EINVAL
    )  # not a permutation
    assert call(order=buf("int64_t[]", np.array([1, 2], dtype=np.int64))) == -errno.EINVAL
    assert call(order=buf("int64_t[]", np.array([0, 1], dtype=np.int64))) == 0
    negative = ffi.new("pt_settings *", {"prior_weight": -1.0, "consider_prior": 1})
    assert call(settings=negative) == -errno.EINVAL
    ties = np.array([[0.5], [0.5]])
    rc = lib.pt_propose(
        tables, settings, 1, buf("double[]", ties), buf("double[]", w), ffi.NULL, 2,
        buf("double[]", obs), buf("double[]", w), ffi.NULL, 2, buf("double[]", u), 1,
        buf("double[]", out, require_writable=True),
    )  # fmt: skip
    assert rc == -errno.EAGAIN


@pytest.mark.parametrize(("value", "expected"), [("numpy", "False"), ("", "True"), ("c", "True")])
def test_the_environment_variable_picks_the_path(value: str, expected: str) -> None:
    code = "from pyhpo.samplers._tpe import _kernel; print(_kernel.enabled)"
    env = {**os.environ, _kernel.KERNEL_ENV: value}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == expected


def test_without_the_module_tpe_runs_on_numpy() -> None:
    """An install without a C compiler has no pyhpo._ctpe: the sampler falls back to the numpy path."""
    code = (
        "import sys; sys.modules['pyhpo._ctpe'] = None\n"
        "import pyhpo\n"
        "from pyhpo.samplers._tpe import _kernel\n"
        "assert _kernel.lib is None and not _kernel.enabled\n"
        "pyhpo.logging.set_verbosity(pyhpo.logging.WARNING)\n"
        "study = pyhpo.create_study(sampler=pyhpo.samplers.TPESampler(seed=0, n_startup_trials=3))\n"
        "study.optimize(lambda t: t.suggest_float('x', -1, 1) ** 2, n_trials=8)\n"
        "print(len(study.trials))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "8"
