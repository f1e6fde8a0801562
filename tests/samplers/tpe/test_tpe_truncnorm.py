"""The numpy normal numerics behind TPE, checked against the standard library."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pyhpo.samplers._tpe import _truncnorm as tn


def _ndtr(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def test_erfc_matches_math_erfc_to_relative_precision_including_far_tail() -> None:
    xs = np.concatenate([np.linspace(-6, 26, 3201), [0.0, 1e-300, 5e-3]])
    got = tn.erfc(xs)
    ref = np.array([math.erfc(x) for x in xs])
    assert np.max(np.abs(got / ref - 1.0)) < 5e-13


def test_erfcx_is_finite_and_decays_like_one_over_z_sqrt_pi_for_huge_arguments() -> None:
    z = np.array([1e3, 1e6, 1e150])
    assert np.allclose(tn.erfcx_nonneg(z) * z * math.sqrt(math.pi), 1.0, rtol=1e-6)
    assert tn.erfcx_nonneg(np.array([np.inf]))[0] == 0.0


@pytest.mark.parametrize(
    ("a", "b"),
    [(-1.0, 1.0), (-3.0, -2.9), (2.0, 2.0001), (-0.5, 40.0), (5.0, 6.0), (-8.0, -7.5), (0.0, 1e-6)],
)
def test_log_gauss_mass_matches_direct_formula_where_that_is_accurate(a: float, b: float) -> None:
    # Compute the reference on the side where the tails do not cancel.
    ref = _ndtr(b) - _ndtr(a) if a + b <= 0 else _ndtr(-a) - _ndtr(-b)
    assert tn.log_gauss_mass(np.array([a]), np.array([b]))[0] == pytest.approx(
        math.log(ref), rel=1e-9, abs=1e-12
    )


def test_log_gauss_mass_far_in_the_tails_stays_finite_and_symmetric() -> None:
    a = np.array([-60.0, 50.0, -1000.0])
    b = np.array([-59.0, 50.5, -999.0])
    got = tn.log_gauss_mass(a, b)
    assert np.all(np.isfinite(got))
    # For a cell [z, z + h] far in the tail, log mass ~ log(phi(z) / z) to leading order.
    assert got[0] == pytest.approx(-0.5 * 59.0**2 - math.log(59.0 * math.sqrt(2 * math.pi)), rel=1e-3)
    assert tn.log_gauss_mass(-b, -a) == pytest.approx(got)


def test_log_gauss_mass_of_an_empty_interval_is_minus_infinity() -> None:
    assert tn.log_gauss_mass(np.array([0.3, -40.0]), np.array([0.3, -40.0])).tolist() == [-np.inf, -np.inf]


def test_ndtri_lower_inverts_the_cdf() -> None:
    p = np.concatenate([10.0 ** -np.linspace(0.302, 300, 400), np.linspace(0.01, 0.5, 50)])
    x = tn.ndtri_lower(p)
    back = np.array([_ndtr(v) for v in x])
    assert np.max(np.abs(back / p - 1.0)) < 5e-8
    low, half = tn.ndtri_lower(np.array([0.0, 0.5]))
    assert low <= -38.0 and half == 0.0


def test_truncated_samples_stay_inside_and_have_the_right_mean() -> None:
    rng = np.random.RandomState(0)
    a = np.full(100_000, -0.3)
    b = np.full(100_000, 2.0)
    x = tn.sample_standard(rng, a, b)
    assert x.min() >= -0.3 and x.max() <= 2.0
    mass = _ndtr(2.0) - _ndtr(-0.3)
    pdf = lambda v: math.exp(-0.5 * v * v) / math.sqrt(2 * math.pi)
    mean = (pdf(-0.3) - pdf(2.0)) / mass
    assert x.mean() == pytest.approx(mean, abs=0.01)


def test_truncated_samples_near_a_far_bound_are_precise() -> None:
    # An interval in the far right tail relative to the mean is reached through the upper-tail branch.
    rng = np.random.RandomState(1)
    x = tn.sample_standard(rng, np.full(1000, 0.0), np.full(1000, 30.0))
    assert x.min() >= 0.0 and x.max() < 6.0
    assert x.mean() == pytest.approx(math.sqrt(2 / math.pi), abs=0.06)


def test_normal_tail_is_accurate_where_it_matters_and_zero_beyond() -> None:
    x = np.linspace(0, 8.49, 2000)
    ref = np.array([0.5 * math.erfc(v / math.sqrt(2)) for v in x])
    assert np.max(np.abs(tn.normal_tail(x) / ref - 1)) < 2e-9
    assert tn.normal_tail(np.array([8.5, 40.0, np.inf])).tolist() == [0.0, 0.0, 0.0]
