"""Softmax policy gradient on a bandit: closed forms vs the simulator."""

import numpy as np
import pytest

from helpers.bandit import (entropy_grad, estimator_variance,
                            expected_dynamics, expected_update, mean_path,
                            pg_update, simulate, soft_optimal_theta,
                            softmax, step_sizes, summarize, theta_gap,
                            time_grid)

R = np.array([1.0, 0.8, 0.6, 0.4, 0.2])


def _objective(theta: np.ndarray, tau: float = 0.0) -> float:
    """J_tau(theta) = sum_j pi_j R_j + tau H(pi)."""
    pi = softmax(theta)
    return float(pi @ R - tau * (pi * np.log(pi)).sum())


def test_single_update_matches_closed_form():
    rng = np.random.default_rng(0)
    theta = rng.normal(size=(7, 5))
    actions = rng.integers(0, 5, size=7)
    rewards = R[actions]
    eta = 0.3
    delta = pg_update(theta, actions, rewards, eta)
    pi = softmax(theta)
    for s, i in enumerate(actions):
        # Q1a: Delta theta_i = eta R_i (1 - pi_i) for the sampled arm ...
        assert np.isclose(delta[s, i], eta * R[i] * (1 - pi[s, i]))
        # ... and Delta theta_j = -eta R_i pi_j for every other arm.
        others = np.arange(5) != i
        assert np.allclose(delta[s, others], -eta * R[i] * pi[s, others])
    # with a baseline, R_i is replaced by R_i - b
    delta_b = pg_update(theta, actions, rewards, eta, baseline=0.5)
    s, i = 0, actions[0]
    assert np.isclose(delta_b[s, i], eta * (R[i] - 0.5) * (1 - pi[s, i]))
    # every update leaves sum_j theta_j unchanged
    assert np.allclose(delta.sum(axis=1), 0.0)


@pytest.mark.parametrize("tau", [0.0, 0.3])
def test_expected_update_is_gradient_of_objective(tau):
    theta = np.array([0.3, -1.0, 0.5, 2.0, 0.0])
    eps = 1e-6
    num = np.array([(_objective(theta + eps * e, tau)
                     - _objective(theta - eps * e, tau)) / (2 * eps)
                    for e in np.eye(5)])
    exact = expected_update(theta[None], R, 1.0, tau)[0]
    assert np.allclose(exact, num, atol=1e-7)
    # closed form without entropy: pi_j (R_j - sum_l pi_l R_l)
    if tau == 0.0:
        pi = softmax(theta)
        assert np.allclose(exact, pi * (R - pi @ R))


def test_average_sampled_update_matches_expected_gradient():
    rng = np.random.default_rng(1)
    n = 200_000
    theta = np.tile([0.5, 0.0, -0.5, 1.0, 0.2], (n, 1))
    pi = softmax(theta[:1])[0]
    actions = rng.choice(5, size=n, p=pi)
    rewards = R[actions] + 0.3 * rng.standard_normal(n)
    samples = pg_update(theta, actions, rewards, eta=1.0)
    mean = samples.mean(axis=0)
    se = samples.std(axis=0) / np.sqrt(n)
    exact = expected_update(theta[:1], R, 1.0)[0]
    assert np.all(np.abs(mean - exact) < 5 * se)
    # a constant baseline leaves the mean unchanged
    samples_b = pg_update(theta, actions, rewards, 1.0, baseline=0.7)
    se_b = samples_b.std(axis=0) / np.sqrt(n)
    assert np.all(np.abs(samples_b.mean(axis=0) - exact) < 5 * se_b)
    # the closed-form variance matches the sample variance
    var = estimator_variance(theta[:1], R, 0.0, noise_sd=0.3)[0]
    assert np.isclose(samples.var(axis=0).sum(), var, rtol=0.02)


def test_baseline_reduces_variance_at_uniform_policy():
    theta = np.zeros((1, 5))
    v0 = estimator_variance(theta, R, baseline=0.0)[0]
    vbar = estimator_variance(theta, R, baseline=R.mean())[0]
    assert vbar < 0.5 * v0


def test_entropy_regularised_dynamics_converge_to_soft_optimum():
    tau = 0.25
    theta0 = np.array([[2.0, -1.0, 0.5, 3.0, -4.5]])   # sum = 0 (centred)
    theta = expected_dynamics(theta0, R, eta=1.0, num_steps=4000, tau=tau)
    assert np.allclose(theta[0], soft_optimal_theta(R, tau), atol=1e-4)
    assert np.allclose(softmax(theta)[0], softmax(R / tau), atol=1e-5)
    # it is a fixed point: the expected update vanishes there
    star = soft_optimal_theta(R, tau)[None]
    assert np.allclose(expected_update(star, R, 1.0, tau), 0.0, atol=1e-12)
    assert np.allclose(entropy_grad(star).sum(), 0.0)


def test_unregularised_dynamics_diverge_logarithmically():
    theta0 = np.zeros((1, 5))
    g = [theta_gap(expected_dynamics(theta0, R, 1.0, n), R)[0]
         for n in (1_000, 4_000, 16_000)]
    pi_best = softmax(expected_dynamics(theta0, R, 1.0, 16_000))[0, 0]
    assert pi_best > 0.99                      # the policy converges ...
    assert g[1] - g[0] > 0.5 and g[2] - g[1] > 0.5   # ... theta does not
    # growth per factor 4 in t is about log 4 (theta gap ~ log t)
    assert abs((g[2] - g[1]) - np.log(4)) < 0.3


def test_step_sizes():
    eta = step_sizes(1000, 2.0, "robbins-monro", t0=10.0, power=0.6)
    assert eta[0] == 2.0
    assert np.isclose(eta[10], 2.0 / 2 ** 0.6)
    assert np.all(np.diff(eta) < 0)
    assert np.all(step_sizes(5, 0.1) == 0.1)
    with pytest.raises(ValueError):
        step_sizes(5, 0.1, "adam")


def test_simulate_reproducible_and_consistent():
    kw = dict(num_seeds=6, num_steps=400, eta0=0.5, noise_sd=0.1,
              baseline="running", tau=0.1, seed=3, num_records=50)
    h1, h2 = simulate(R, **kw), simulate(R, **kw)
    assert np.array_equal(h1.theta, h2.theta)
    assert h1.t[0] == 0 and h1.t[-1] == 400
    assert h1.theta.shape == (len(h1.t), 6, 5)
    assert np.allclose(h1.theta[0], 0.0)
    assert np.allclose(h1.theta.sum(axis=-1), 0.0, atol=1e-9)
    assert np.allclose(h1.pi.sum(axis=-1), 1.0)
    assert np.all(h1.counts.sum(axis=1) == 400)
    s = summarize(h1, R, tau=0.1)
    assert 0.0 <= s["frac_best"] <= 1.0 and "dist_star_mean" in s


def test_baseline_fixes_lock_in_on_bandit():
    # constant eta = 2, all-positive rewards: the plain update locks some
    # seeds onto a suboptimal arm; a running-mean baseline does not.
    kw = dict(num_seeds=60, num_steps=1500, eta0=2.0, noise_sd=0.1, seed=0)
    plain = summarize(simulate(R, **kw), R)
    base = summarize(simulate(R, baseline="running", **kw), R)
    assert plain["frac_best"] < 0.9
    assert base["frac_best"] > plain["frac_best"] + 0.15


def test_mean_path_matches_expected_dynamics():
    grid = time_grid(500, 30)
    path = mean_path(R, step_sizes(500, 0.7), grid, tau=0.2)
    final = expected_dynamics(np.zeros((1, 5)), R, 0.7, 500, tau=0.2)
    assert np.allclose(path[-1], final[0]) and np.allclose(path[0], 0.0)
