"""The Parzen estimator: normalised densities, bounds, and agreement with a direct reference."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pyhpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from pyhpo.samplers._tpe.parzen_estimator import _bandwidths, _Params, _ParzenEstimator, _Space

PARAMS = _Params(1.0, True, True, False, None)


def _estimator(space: _Space, raw: np.ndarray, params: _Params = PARAMS) -> _ParzenEstimator:
    obs = space.encode(raw)
    return _ParzenEstimator(space, obs, np.ones(len(obs)), params)


def _log_pdf(est: _ParzenEstimator, space: _Space, samples: np.ndarray) -> np.ndarray:
    _, edges = space.decode(samples)
    return est.log_pdf(samples[:, space.cont], edges, samples[:, space.cat])


def test_continuous_density_integrates_to_one_in_unit_coordinates() -> None:
    space = _Space({"x": FloatDistribution(-2.0, 3.0), "y": FloatDistribution(1e-3, 10.0, log=True)})
    raw = np.array([[0.0, 0.01], [2.5, 5.0], [-1.9, 0.2]])
    est = _estimator(space, raw)
    grid = (np.arange(400) + 0.5) / 400
    xx, yy = np.meshgrid(grid, grid)
    pts = np.column_stack([xx.ravel(), yy.ravel()])
    total = np.exp(_log_pdf(est, space, pts)).sum() / 400**2
    assert total == pytest.approx(1.0, abs=2e-3)


def test_grid_and_categorical_masses_sum_to_one() -> None:
    space = _Space(
        {
            "n": IntDistribution(0, 6, step=2),
            "k": IntDistribution(1, 50, log=True),
            "c": CategoricalDistribution(["a", "b", "c"]),
        }
    )
    raw = np.array([[2.0, 3.0, 0.0], [6.0, 40.0, 2.0], [4.0, 1.0, 2.0]])
    est = _estimator(space, raw)
    pts = []
    for n in (0, 2, 4, 6):
        for k in range(1, 51):
            for c in range(3):
                pts.append([n, k, c])
    raw_pts = np.array(pts, dtype=float)
    total = np.exp(_log_pdf(est, space, space.encode(raw_pts))).sum()
    assert total == pytest.approx(1.0, rel=1e-9)


def test_log_pdf_matches_a_direct_loop_over_components() -> None:
    space = _Space(
        {"x": FloatDistribution(0.0, 10.0), "n": IntDistribution(-3, 3), "c": CategoricalDistribution([1, 2])}
    )
    raw = np.array([[1.0, -3.0, 0.0], [9.0, 2.0, 1.0], [4.0, 0.0, 1.0], [4.5, 0.0, 0.0]])
    est = _estimator(space, raw)
    pts = space.encode(np.array([[3.0, -1.0, 1.0], [0.0, 3.0, 0.0], [10.0, 0.0, 1.0]]))

    def phi(z: float) -> float:
        return 0.5 * math.erfc(-z / math.sqrt(2))

    expected = []
    for p in pts:
        total = 0.0
        for k in range(est.n_components):
            mu, sigma = est._mus[k], est._sigmas[k]
            w = math.exp(est._log_weights[k])
            norm = [phi((1 - mu[j]) / sigma[j]) - phi(-mu[j] / sigma[j]) for j in range(2)]
            zx = (p[0] - mu[0]) / sigma[0]
            dens_x = math.exp(-0.5 * zx * zx) / (sigma[0] * math.sqrt(2 * math.pi)) / norm[0]
            # Cell of the grid point in unit coordinates: 7 points, each 1/7 wide.
            j = round(p[1] * 7 - 0.5)
            cell = (
                phi((j + 1) / 7 / sigma[1] - mu[1] / sigma[1]) - phi(j / 7 / sigma[1] - mu[1] / sigma[1])
            ) / norm[1]
            cat = math.exp(est._cat_log[0][k, int(p[2])])
            total += w * dens_x * cell * cat
        expected.append(math.log(total))
    assert _log_pdf(est, space, pts) == pytest.approx(expected, rel=1e-9)


def test_samples_snap_to_valid_values_of_every_kind() -> None:
    space = _Space(
        {
            "f": FloatDistribution(-1.0, 1.0),
            "fl": FloatDistribution(1e-4, 1.0, log=True),
            "fs": FloatDistribution(0.0, 1.0, step=0.1),
            "i": IntDistribution(-5, 5, step=5),
            "il": IntDistribution(1, 1000, log=True),
            "c": CategoricalDistribution(["a", "b", "c"]),
        }
    )
    raw = np.array([[0.9, 0.5, 1.0, 5.0, 999.0, 2.0], [-1.0, 1e-4, 0.0, -5.0, 1.0, 0.0]])
    est = _estimator(space, raw)
    values, _ = space.decode(est.sample(np.random.RandomState(0), 2000))
    for i, dim in enumerate(space.dims):
        for v in values[:, i]:
            ext = dim.external(v)
            assert dim.dist._contains(dim.dist.to_internal_repr(ext)), (dim.name, ext)


def test_sampling_follows_the_density() -> None:
    space = _Space({"x": FloatDistribution(0.0, 1.0)})
    est = _estimator(space, np.array([[0.2], [0.25], [0.8]]))
    draws = est.sample(np.random.RandomState(3), 40_000)[:, 0]
    hist, edges = np.histogram(draws, bins=10, range=(0, 1))
    centres = (edges[:-1] + 0.5 * np.diff(edges))[:, None]
    fine = np.linspace(0, 1, 2001)[:, None]
    dens = np.exp(_log_pdf(est, space, fine))
    expected = [dens[(fine[:, 0] >= lo) & (fine[:, 0] < lo + 0.1)].mean() * 0.1 for lo in edges[:-1]]
    assert hist / 40_000 == pytest.approx(expected, abs=0.01)
    assert centres.shape == (10, 1)


def test_bandwidths_use_neighbour_gaps_and_magic_clip() -> None:
    mus = np.array([[0.1], [0.5], [0.52], [0.9]])
    sig = _bandwidths(mus, 5, PARAMS)[:, 0]
    # 0.5 has gaps 0.4 (left) and 0.02 (right): the larger wins; endpoints use their inner gap only.
    assert sig[1] == pytest.approx(0.4)
    assert sig[0] == pytest.approx(0.4)  # first point: gap to its right neighbour
    assert sig[3] == pytest.approx(0.38)  # last point: gap to its left neighbour
    tight = _bandwidths(np.array([[0.5], [0.5], [0.5]]), 4, PARAMS)[:, 0]
    assert np.all(tight == pytest.approx(1 / 5))  # clipped at 1 / min(100, 1 + n_components)


def test_without_prior_and_observations_the_prior_is_still_used() -> None:
    space = _Space({"x": FloatDistribution(0.0, 1.0)})
    no_prior = _Params(1.0, False, True, False, None)
    est = _ParzenEstimator(space, np.empty((0, 1)), np.empty(0), no_prior)
    assert est.n_components == 1
    est2 = _ParzenEstimator(space, np.array([[0.3]]), np.ones(1), no_prior)
    assert est2.n_components == 1 and est2._mus[0, 0] == pytest.approx(0.3)


def test_distance_function_spreads_categorical_mass_to_near_choices() -> None:
    dist = CategoricalDistribution([0, 1, 2, 10])
    params = _Params(1.0, True, True, False, {"c": lambda a, b: abs(a - b)})
    space = _Space({"c": dist})
    est = _ParzenEstimator(space, np.array([[1.0]] * 5), np.ones(5), params)
    probs = np.exp(est._cat_log[0][0])
    assert probs.sum() == pytest.approx(1.0)
    assert probs[1] > probs[0] > probs[3] and probs[2] > probs[3]
    plain = _ParzenEstimator(space, np.array([[1.0]] * 5), np.ones(5), PARAMS)
    p0 = np.exp(plain._cat_log[0][0])
    assert p0[0] == pytest.approx(p0[3])  # without distances all other choices weigh the same


def test_negative_prior_weight_is_rejected() -> None:
    with pytest.raises(ValueError, match="prior_weight"):
        _Params(-1.0, True, True, False, None)


def test_acquisition_matches_optunas_estimator_up_to_a_constant() -> None:
    """Same observations, same candidates: log l(x) differs from Optuna's only by the unit-scaling constant."""
    ope_module = pytest.importorskip("optuna.samplers._tpe.parzen_estimator")
    od = pytest.importorskip("optuna.distributions")
    from optuna.samplers._tpe.sampler import default_weights as optuna_weights

    fields = ope_module._ParzenEstimatorParameters._fields
    values = {
        "consider_prior": True,
        "prior_weight": 1.0,
        "consider_magic_clip": True,
        "consider_endpoints": False,
        "weights": optuna_weights,
        "multivariate": True,
        "categorical_distance_func": {},
    }
    optuna_params = ope_module._ParzenEstimatorParameters(**{f: values[f] for f in fields})
    rng = np.random.RandomState(0)
    n = 40  # enough observations for the weight ramp to matter
    optuna_space = {
        "x": od.FloatDistribution(-5, 5),
        "y": od.FloatDistribution(1e-3, 10, log=True),
        "n": od.IntDistribution(0, 1000, step=5),
        "c": od.CategoricalDistribution(["a", "b", "c"]),
    }
    ours = _Space(
        {
            "x": FloatDistribution(-5, 5),
            "y": FloatDistribution(1e-3, 10, log=True),
            "n": IntDistribution(0, 1000, step=5),
            "c": CategoricalDistribution(["a", "b", "c"]),
        }
    )
    # Distinct grid values: Optuna breaks ties between equal observations in an arbitrary order.
    obs = {
        "x": rng.uniform(-5, 5, n),
        "y": np.exp(rng.uniform(np.log(1e-3), np.log(10), n)),
        "n": rng.choice(201, n, replace=False) * 5.0,
        "c": rng.randint(0, 3, n).astype(float),
    }
    theirs = ope_module._ParzenEstimator(obs, optuna_space, optuna_params)
    est = _ParzenEstimator(
        ours, ours.encode(np.column_stack([obs[k] for k in obs])), optuna_weights(n), PARAMS
    )
    cand = theirs.sample(rng, 300)
    enc = ours.encode(np.column_stack([cand[k] for k in obs]))
    diff = theirs.log_pdf(cand) - _log_pdf(est, ours, enc)
    assert np.ptp(diff) < 1e-8


def test_scalar_encoding_matches_array_encoding() -> None:
    space = _Space(
        {
            "f": FloatDistribution(-1.0, 3.0),
            "fl": FloatDistribution(1e-4, 1.0, log=True),
            "i": IntDistribution(0, 10, step=2),
            "il": IntDistribution(1, 1000, log=True),
            "c": CategoricalDistribution(["a", "b"]),
        }
    )
    raw = np.array(
        [[-1.0, 1e-4, 0.0, 1.0, 1.0], [2.5, 0.3, 8.0, 999.0, 0.0], [9.0, 5.0, 12.0, 2000.0, np.nan]]
    )
    for row in raw:
        scalar = [dim.encode_scalar(v) for dim, v in zip(space.dims, row)]
        np.testing.assert_allclose(scalar, space.encode(row[None, :])[0], rtol=1e-12, atol=0)


def test_kernel_tails_match_erfc_whether_computed_one_by_one_or_as_an_array() -> None:
    from pyhpo.samplers._tpe.parzen_estimator import _SCALAR_TAILS_MAX, _kernel_tails

    rng = np.random.RandomState(0)
    for n in (5, 3000):  # few kernels near a bound (math.erfc each), then many (the polynomial)
        mus = rng.rand(n, 2)
        sigmas = rng.exponential(0.3, size=(n, 2)) + 1e-3
        near = int(np.sum(mus / sigmas < 8.5) + np.sum((1 - mus) / sigmas < 8.5))
        assert (near <= _SCALAR_TAILS_MAX) == (n == 5)
        low, high, log_norm = _kernel_tails(mus, sigmas)
        ref_low = np.vectorize(lambda z: 0.5 * math.erfc(z / math.sqrt(2)))(mus / sigmas)
        ref_high = np.vectorize(lambda z: 0.5 * math.erfc(z / math.sqrt(2)))((1 - mus) / sigmas)
        assert low == pytest.approx(ref_low, rel=2e-9, abs=1e-17)
        assert high == pytest.approx(ref_high, rel=2e-9, abs=1e-17)
        assert np.all(low[mus / sigmas >= 8.5] == 0.0)
        assert log_norm == pytest.approx(np.log1p(-(ref_low + ref_high)), rel=1e-8, abs=1e-16)
