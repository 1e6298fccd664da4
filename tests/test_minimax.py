"""GDA / GD on quadratic saddles: simulation vs closed forms."""

import numpy as np
import pytest

from helpers.minimax import (Quadratic, gd_eigen, gda_step_bound,
                             jacobian_eigenvalues, log10_distances,
                             spectral_radius, sweep, trajectory,
                             update_matrix)

EXAMPLE = Quadratic(4.0, 4.0, 0.0)       # f = 4x² − 4y²
COUPLED = Quadratic(1.0, 2.0, 3.0)       # f = x² − 2y² + 3xy


def test_gda_closed_form_matches_simulation():
    """x_t = (1 − 8η)^t x₀, y_t = (1 − 8η)^t y₀ for f = 4x² − 4y²."""
    z0 = np.array([[1.5, -0.7], [0.2, 2.0]])
    etas = np.array([0.05, 0.2, 0.3])
    traj = trajectory(EXAMPLE, z0, etas, 30, "gda")
    t = np.arange(31)[:, None, None, None]
    closed = (1 - 8 * etas[None, :, None, None]) ** t * z0[None, None]
    np.testing.assert_allclose(traj, closed, rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("method", ["gda", "alt", "gd"])
def test_simulation_is_the_linear_map(method):
    """The gradient updates equal z_{t+1} = M(η) z_t for a coupled game."""
    z = np.array([0.3, -0.7])
    traj = trajectory(COUPLED, z[None], [0.11], 7, method)[:, 0, 0]
    m = update_matrix(COUPLED, 0.11, method)
    for t in range(7):
        z = m @ z
        np.testing.assert_allclose(traj[t + 1], z, rtol=1e-12)


def test_eigenvalue_formula():
    """λ± = −(a+b) ± sqrt((a−b)² − c²) are the eigenvalues of J."""
    for q in (EXAMPLE, COUPLED, Quadratic(1.0, 3.0, 0.5),
              Quadratic(0.0, 0.0, 2.0)):
        ours = np.sort_complex(jacobian_eigenvalues(q))
        ref = np.sort_complex(np.linalg.eigvals(q.gda_jacobian()))
        np.testing.assert_allclose(ours, ref, atol=1e-12)


def test_step_bound_example_is_quarter():
    assert gda_step_bound(EXAMPLE) == pytest.approx(0.25, abs=1e-15)
    rho = spectral_radius(EXAMPLE, [0.25 - 1e-6, 0.25 + 1e-6], "gda")
    assert rho[0] < 1 < rho[1]
    # one-step convergence at η = 1/8: M = 0
    assert spectral_radius(EXAMPLE, 0.125, "gda") == pytest.approx(0.0)


def test_step_bound_coupled_matches_spectral_radius():
    """Complex case: η* = 2(a + b)/(4ab + c²) = 6/17 for (1, 2, 3)."""
    bound = gda_step_bound(COUPLED)
    assert bound == pytest.approx(6 / 17)
    rho = spectral_radius(COUPLED, [bound - 1e-6, bound + 1e-6], "gda")
    assert rho[0] < 1 < rho[1]
    # real-eigenvalue case, mild coupling: η* = 2/((a+b) + sqrt(...))
    mild = Quadratic(1.0, 2.0, 0.5)
    expected = 2 / (3 + np.sqrt(1 - 0.25))
    assert gda_step_bound(mild) == pytest.approx(expected)
    assert expected > 0.5 == pytest.approx(gda_step_bound(
        Quadratic(1.0, 2.0, 0.0)))


def test_empirical_boundary_within_grid_spacing():
    etas = np.linspace(0, 0.6, 61)
    for q in (EXAMPLE, COUPLED):
        res = sweep(q, etas, num_steps=400, num_points=8, seed=1)
        derived = gda_step_bound(q)
        assert res.boundary <= derived < res.boundary + res.spacing + 1e-12
        # converged exactly on (0, η*) in the grid
        inside = (etas > 0) & (etas < derived)
        np.testing.assert_array_equal(res.converged, inside)


def test_bilinear_simultaneous_diverges_alternating_bounded():
    q = Quadratic(0.0, 0.0, 1.0)
    assert gda_step_bound(q) == 0.0
    z0 = np.array([[1.0, 0.0]])
    for eta in (0.01, 0.1, 0.5):
        logs = log10_distances(q, z0, [eta], 200, "gda")[200]
        # |z| grows by exactly sqrt(1 + η²c²) per step
        assert logs[0, 0] == pytest.approx(100 * np.log10(1 + eta**2))
        alt = trajectory(q, z0, [eta], 2000, "alt")
        norms = np.linalg.norm(alt[:, 0, 0], axis=-1)
        assert norms.max() < 3 and norms[-1] > 0.3   # cycles, no blow-up


def test_gd_diverges_unless_on_stable_subspace():
    # f = 4x² − 4y²: y_{t+1} = (1 + 8η) y_t
    traj = trajectory(EXAMPLE, [[1.0, 1e-3], [1.0, 0.0]], [0.1], 60, "gd")
    y = traj[:, 0, 0, 1]
    np.testing.assert_allclose(y, 1e-3 * 1.8 ** np.arange(61), rtol=1e-12)
    assert EXAMPLE(*traj[-1, 0, 0]) < -1e20          # f → −∞
    assert np.abs(traj[-1, 0, 1]).max() < 1e-30      # y₀ = 0 converges
    # η above 1/4 with y₀ = 0: x diverges instead
    far = trajectory(EXAMPLE, [[1.0, 0.0]], [0.3], 60, "gd")[-1, 0, 0]
    assert abs(far[0]) > 1e6
    # coupled: the positive-curvature eigenvector is the stable subspace
    mu, vec = gd_eigen(COUPLED)
    assert mu[0] < 0 < mu[1]
    eta = 0.9 / mu[1]                                # η < 2/μ₊
    rho = spectral_radius(COUPLED, eta, "gd")
    assert rho == pytest.approx(1 - eta * mu[0])     # expanding direction
    m = update_matrix(COUPLED, eta, "gd")
    np.testing.assert_allclose(m @ vec[:, 1], (1 - eta * mu[1]) * vec[:, 1])
