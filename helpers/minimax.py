"""Gradient descent/ascent on the quadratic game f(x, y) = a x² − b y² + c x y.

Simulations take a batch of initial points z₀ = (x₀, y₀) (shape (N, 2)) and a
batch of step sizes η (shape (E,)) and run them all at once; the quadratic's
coefficients may themselves be arrays that broadcast against (E, N) (e.g.
shape (C, 1, 1) for a sweep over the coupling c). Derived quantities (update
matrices, spectral radii, the step-size bound) are computed from the linear
algebra of the update, independently of the simulation, so the two can be
compared.

Methods: "gda" (simultaneous descent in x, ascent in y), "alt" (alternating:
x first, then y using the new x), "gd" (plain descent in both variables).
"""

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

Method = Literal["gda", "alt", "gd"]
METHODS: tuple[str, ...] = ("gda", "alt", "gd")


@dataclass(frozen=True)
class Quadratic:
    """f(x, y) = a x² − b y² + c x y (a, b, c scalars or broadcastable)."""
    a: ArrayLike = 4.0
    b: ArrayLike = 4.0
    c: ArrayLike = 0.0

    def __call__(self, x: ArrayLike, y: ArrayLike) -> NDArray:
        x, y = np.asarray(x), np.asarray(y)
        return self.a * x**2 - self.b * y**2 + self.c * x * y

    def grad(self, x: ArrayLike, y: ArrayLike) -> tuple[NDArray, NDArray]:
        """(∂f/∂x, ∂f/∂y) = (2a x + c y, c x − 2b y)."""
        x, y = np.asarray(x), np.asarray(y)
        return 2 * self.a * x + self.c * y, self.c * x - 2 * self.b * y

    def hessian(self) -> NDArray:
        """H = [[2a, c], [c, −2b]] (shape (..., 2, 2))."""
        a, b, c = np.broadcast_arrays(*map(np.asarray, (self.a, self.b,
                                                         self.c)))
        return np.stack([np.stack([2 * a, c], -1),
                         np.stack([c, -2 * b], -1)], -2).astype(float)

    def gda_jacobian(self) -> NDArray:
        """J with ż = J z for the GDA flow: J = [[−2a, −c], [c, −2b]]."""
        # rows: −∂f/∂x (descent in x) and +∂f/∂y (ascent in y)
        return np.array([[-1.0], [1.0]]) * self.hessian()


# ----------------------------------------------------------------------------
# Derived (closed-form) quantities
# ----------------------------------------------------------------------------

def jacobian_eigenvalues(q: Quadratic) -> NDArray:
    """λ± = −(a+b) ± sqrt((a−b)² − c²), eigenvalues of J (complex)."""
    a, b, c = (np.asarray(v, dtype=complex) for v in (q.a, q.b, q.c))
    root = np.sqrt((a - b) ** 2 - c**2)
    return np.stack([-(a + b) + root, -(a + b) - root], -1)


def gda_step_bound(q: Quadratic) -> NDArray:
    """Largest η* with ρ(I + ηJ) < 1 for all 0 < η < η* (simultaneous GDA).

    |1 + ηλ|² = 1 + 2η Re λ + η²|λ|² < 1  ⇔  0 < η < 2 Re(−λ) / |λ|²,
    needed for both eigenvalues; 0 when some Re λ ≥ 0 (no η converges).
    """
    lam = jacobian_eigenvalues(q)
    re, mod2 = -lam.real, np.abs(lam) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        per_eig = np.where(re > 0, 2 * re / np.where(mod2 > 0, mod2, 1), 0.0)
    return per_eig.min(-1)


def update_matrix(q: Quadratic, eta: ArrayLike, method: Method) -> NDArray:
    """M(η) with z_{t+1} = M z_t (shape (*broadcast(η, q), 2, 2)).

    gda: M = I + ηJ = [[1 − 2aη, −cη], [cη, 1 − 2bη]];
    gd:  M = I − ηH = [[1 − 2aη, −cη], [−cη, 1 + 2bη]];
    alt: x' = (1 − 2aη) x − cη y, then y' = y + η(c x' − 2b y), so
         M = [[1 − 2aη, −cη], [cη(1 − 2aη), 1 − 2bη − c²η²]].
    """
    eta, a, b, c = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (eta, q.a, q.b, q.c)))
    if method == "gda":
        rows = [[1 - 2 * a * eta, -c * eta], [c * eta, 1 - 2 * b * eta]]
    elif method == "gd":
        rows = [[1 - 2 * a * eta, -c * eta], [-c * eta, 1 + 2 * b * eta]]
    elif method == "alt":
        rows = [[1 - 2 * a * eta, -c * eta],
                [c * eta * (1 - 2 * a * eta),
                 1 - 2 * b * eta - (c * eta) ** 2]]
    else:
        raise ValueError(f"unknown method {method!r}; use one of {METHODS}")
    return np.stack([np.stack(r, -1) for r in rows], -2)


def spectral_radius(q: Quadratic, eta: ArrayLike, method: Method) -> NDArray:
    """ρ(M(η)) = max |eigenvalue| of the update matrix."""
    return np.abs(np.linalg.eigvals(update_matrix(q, eta, method))).max(-1)


def gd_eigen(q: Quadratic) -> tuple[NDArray, NDArray]:
    """Eigenvalues μ (ascending) and eigenvectors (columns) of the Hessian.

    μ± = (a − b) ± sqrt((a + b)² + c²); plain GD contracts only along the
    μ₊ > 0 eigenvector (the stable subspace) and expands along μ₋ < 0.
    """
    return np.linalg.eigh(q.hessian())


# ----------------------------------------------------------------------------
# Simulation (uses only the gradient)
# ----------------------------------------------------------------------------

def step(q: Quadratic, x: NDArray, y: NDArray, eta: ArrayLike,
         method: Method) -> tuple[NDArray, NDArray]:
    """One update of x and y with step size η."""
    if method == "gda":
        gx, gy = q.grad(x, y)
        return x - eta * gx, y + eta * gy            # descend x, ascend y
    if method == "alt":
        gx, _ = q.grad(x, y)
        x = x - eta * gx                             # x first ...
        _, gy = q.grad(x, y)
        return x, y + eta * gy                       # ... then y at new x
    if method == "gd":
        gx, gy = q.grad(x, y)
        return x - eta * gx, y - eta * gy            # descend both
    raise ValueError(f"unknown method {method!r}; use one of {METHODS}")


def _batch(z0: ArrayLike, etas: ArrayLike) -> tuple[NDArray, NDArray,
                                                    NDArray]:
    """Broadcast z₀ (N, 2) and η (E,) to x, y, η of shape (E, N)."""
    z0 = np.atleast_2d(np.asarray(z0, dtype=float))
    etas = np.atleast_1d(np.asarray(etas, dtype=float))[:, None]
    x = np.broadcast_to(z0[:, 0], etas.shape[:-1] + z0.shape[:1])
    y = np.broadcast_to(z0[:, 1], x.shape)
    return x.copy(), y.copy(), etas


def trajectory(q: Quadratic, z0: ArrayLike, etas: ArrayLike, num_steps: int,
               method: Method = "gda") -> NDArray:
    """z_0 … z_T, shape (T+1, E, N, 2) (plain floats: may overflow to inf)."""
    x, y, eta = _batch(z0, etas)
    out = [np.stack([x, y], -1)]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(num_steps):
            x, y = step(q, x, y, eta, method)
            out.append(np.stack([x, y], -1))
    return np.stack(out)


def log10_distances(q: Quadratic, z0: ArrayLike, etas: ArrayLike,
                    num_steps: int, method: Method = "gda",
                    checkpoints: tuple[int, ...] = ()) -> dict[int, NDArray]:
    """log10 |z_t| at t ∈ checkpoints ∪ {T}, without overflow or underflow.

    The update is linear, so z_t = s_t u_t with |u_t| = 1: we renormalise
    after every step and accumulate log s_t. Shapes broadcast(q, (E, N)).
    An exact zero (e.g. η = 1/8 on 4x² − 4y²) gives −inf.
    """
    x, y, eta = _batch(z0, etas)
    x, y = np.broadcast_arrays(x, y, *q.grad(x, y))[:2]
    x, y = x.copy(), y.copy()
    logs = 0.5 * np.log10(x**2 + y**2)
    n0 = np.sqrt(x**2 + y**2)
    x, y = x / n0, y / n0
    wanted = set(checkpoints) | {num_steps}
    out = {0: logs.copy()} if 0 in wanted else {}
    with np.errstate(divide="ignore", invalid="ignore"):
        for t in range(1, num_steps + 1):
            x, y = step(q, x, y, eta, method)
            n = np.sqrt(x**2 + y**2)
            logs = logs + np.log10(n)                # log|z_t| += log s
            safe = np.where(n > 0, n, 1.0)
            x, y = x / safe, y / safe                # back to |u_t| = 1
            if t in wanted:
                out[t] = logs.copy()
    return out


@dataclass(frozen=True)
class Sweep:
    """Empirical result of a step-size sweep (worst case over z₀)."""
    etas: NDArray          # (E,)
    log10_dist: NDArray    # (..., E) log10 max_z₀ |z_T| / |z₀|
    rate: NDArray          # (..., E) log10 per-step factor over 2nd half
    converged: NDArray     # (..., E) bool: rate < −tol
    boundary: NDArray      # (...) largest η with all grid η' ∈ (0, η] ok
    spacing: float         # grid spacing of η


def sweep(q: Quadratic, etas: ArrayLike, num_steps: int, num_points: int,
          method: Method = "gda", seed: int = 0,
          tol: float = 1e-9) -> Sweep:
    """Simulate every η in `etas` from `num_points` random z₀ on the circle.

    A run counts as converging when |z_t| still shrinks over the second half
    of the run (empirical rate log10(|z_T|/|z_{T/2}|)/(T/2) < −tol), the
    finite-run estimate of log10 ρ(M) < 0. The empirical boundary is the
    largest grid η such that every grid η' in (0, η] converged (nan if the
    first positive η already fails).
    """
    etas = np.asarray(etas, dtype=float)
    rng = np.random.default_rng(seed)
    phi = rng.uniform(0, 2 * np.pi, num_points)
    z0 = np.stack([np.cos(phi), np.sin(phi)], -1)    # |z₀| = 1
    half = max(num_steps // 2, 1)
    logs = log10_distances(q, z0, etas, num_steps, method,
                           checkpoints=(half,))
    with np.errstate(invalid="ignore"):
        rate_all = (logs[num_steps] - logs[half]) / (num_steps - half)
    rate_all = np.where(np.isnan(rate_all), -np.inf, rate_all)  # hit 0
    rate = rate_all.max(-1)                          # worst z₀
    dist = logs[num_steps].max(-1)
    ok = rate < -tol
    pos = etas > 0
    # first positive η that fails; boundary = the grid point before it
    bad = ~ok & pos
    first_bad = np.where(bad.any(-1), bad.argmax(-1), etas.size)
    idx = first_bad - 1
    boundary = np.where((idx >= 0) & pos[np.maximum(idx, 0)],
                        etas[np.maximum(idx, 0)], np.nan)
    spacing = float(np.diff(etas).max()) if etas.size > 1 else np.nan
    return Sweep(etas, dist, rate, ok, boundary, spacing)


# ----------------------------------------------------------------------------
# Plotting
# ----------------------------------------------------------------------------

def plot_sweep(res: Sweep, derived: float, rho: NDArray, title: str,
               clip: float = 60.0):
    """Two panels: final log10 distance vs η, and empirical vs derived ρ."""
    import matplotlib.pyplot as plt

    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(6.4, 3.0))
    dist = np.clip(res.log10_dist, -clip, clip)
    ax0.plot(res.etas, dist, ".-", ms=3, lw=0.8, label="simulation")
    ax0.set_ylim(-clip * 1.05, clip * 1.05)
    ax0.set_ylabel(r"$\log_{10}\,\max_{z_0} |z_T|/|z_0|$"
                   f" (clipped at ±{clip:g})")
    ax1.plot(res.etas, 10.0 ** res.rate, ".", ms=3,
             label="simulated per-step factor")
    ax1.plot(res.etas, rho, "-", lw=1, label=r"derived $\rho(M(\eta))$")
    ax1.axhline(1.0, color="grey", lw=0.6)
    ax1.set_ylim(0, max(2.0, 1.1 * float(np.nanmax(rho[res.etas <= 1]))))
    ax1.set_ylabel("contraction factor per step")
    for ax in (ax0, ax1):
        ax.axvline(derived, color="C3", ls="--", lw=1,
                   label=rf"derived $\eta^*={derived:.4g}$")
        if np.isfinite(res.boundary):
            ax.axvline(float(res.boundary), color="C2", ls=":", lw=1.5,
                       label=f"empirical {float(res.boundary):.4g}")
        ax.set_xlabel(r"step size $\eta$")
        ax.legend(fontsize=8, loc="upper left")
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    return fig


def plot_landscape(q: Quadratic, runs: list[tuple[str, NDArray]],
                   title: str, num_shown: int = 12, box: float = 2.0):
    """3-D surface with the first two runs, contours with all runs.

    `runs` holds (label, trajectory of shape (T+1, 2)) pairs.
    """
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(6.4, 3.6))
    g = np.linspace(-box, box, 81)
    X, Y = np.meshgrid(g, g)
    ax = fig.add_subplot(1, 2, 1, projection="3d")
    ax.plot_surface(X, Y, q(X, Y), cmap="coolwarm", alpha=0.45, lw=0)
    for k in (0, 3):
        lab, tr = runs[k]
        tr = tr[(np.abs(tr) <= box).all(-1)]
        ax.plot(tr[:, 0], tr[:, 1], q(tr[:, 0], tr[:, 1]), "o-", ms=2,
                color=f"C{k}", label=lab)
    ax.set(xlabel="x", ylabel="y", zlabel="f")
    ax.view_init(elev=25, azim=-60)
    ax.legend(fontsize=8, loc="upper left")
    ax = fig.add_subplot(1, 2, 2)
    cs = ax.contour(X, Y, q(X, Y), levels=15, cmap="coolwarm",
                    linewidths=0.7)
    ax.clabel(cs, fontsize=8)
    for k, (lab, tr) in enumerate(runs):
        ax.plot(tr[:num_shown, 0], tr[:num_shown, 1], "o-", ms=2.5, lw=0.9,
                label=lab, color=f"C{k}")
    ax.plot(0, 0, "k*", ms=9)
    ax.set(xlim=(-box, box), ylim=(-box, box), xlabel="x", ylabel="y",
           aspect="equal")
    fig.legend(*ax.get_legend_handles_labels(), fontsize=8, ncol=3,
               loc="lower center")
    fig.suptitle(title, fontsize=9)
    fig.tight_layout(rect=(0, 0.14, 1, 1))
    return fig


def plot_distances(runs: list[tuple[str, NDArray]], title: str):
    """|z_t| against t (log scale) for (label, (T+1, 2) trajectory) pairs."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 2.8))
    for k, (lab, tr) in enumerate(runs):
        ax.semilogy(np.linalg.norm(tr, axis=-1), "o-" if k < 4 else "x--",
                    ms=2.5, lw=0.8, label=lab, color=f"C{k}")
    ax.set(xlabel="step t", ylabel="distance |z_t| to the saddle")
    ax.legend(fontsize=8, ncol=2)
    ax.set_title(title, fontsize=9)
    return fig


def plot_boundary_vs_coupling(a: float, b: float, couplings: NDArray,
                              empirical: NDArray, title: str):
    """Derived η*(c) (line) and empirical sweep boundaries (points)."""
    import matplotlib.pyplot as plt

    c_fine = np.linspace(couplings.min(), couplings.max(), 601)
    fig, ax = plt.subplots(figsize=(6.4, 2.8))
    ax.plot(c_fine, gda_step_bound(Quadratic(a, b, c_fine)),
            label=r"derived $\eta^*(c)$")
    ax.plot(couplings, empirical, "o", ms=4, label="empirical boundary")
    ax.axvline(abs(a - b), color="grey", ls=":", lw=0.8,
               label="c = |a − b|")
    ax.set(xlabel="coupling c", ylabel=r"largest stable $\eta$")
    ax.legend(fontsize=8)
    ax.set_title(title, fontsize=9)
    return fig


def plot_gd(etas: NDArray, growth: NDArray, predicted: NDArray,
            log10_final: NDArray, labels: list[str], boundary: float,
            title: str, clip: float = 60.0):
    """Plain GD: measured vs predicted growth, and final log10 distance."""
    import matplotlib.pyplot as plt

    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(6.4, 3.0))
    ax0.plot(etas, growth, ".", ms=4, label="measured |y| factor")
    ax0.plot(etas, predicted, "-", lw=1, label="predicted 1 + 8η")
    ax0.set(xlabel="step size η", ylabel="growth of |y| per step")
    ax0.legend(fontsize=8)
    for k, lab in enumerate(labels):
        ax1.plot(etas, np.clip(log10_final[:, k], -clip, clip), ".-",
                 ms=3, lw=0.8, label=lab)
    ax1.axvline(boundary, color="C3", ls="--", lw=1,
                label=f"η = {boundary:g}")
    ax1.set(xlabel="step size η",
            ylabel=f"log10 |z_T| (clipped at ±{clip:g})")
    ax1.legend(fontsize=8)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    return fig


def plot_escape(log10_dist: NDArray, shrink: float, grow: float,
                title: str, eps_log10: float = -16.0):
    """log10 |z_t| of GD started on the stable line vs the two rates."""
    import matplotlib.pyplot as plt

    t = np.arange(log10_dist.size)
    fig, ax = plt.subplots(figsize=(6.4, 2.6))
    ax.plot(t, log10_dist, label="simulated log10 |z_t|")
    ax.plot(t, t * np.log10(shrink), "--", lw=1,
            label=f"({shrink:.3g})^t along v₊")
    ax.plot(t, eps_log10 + t * np.log10(grow), ":", lw=1,
            label=f"10^{eps_log10:g} · ({grow:.3g})^t along v₋")
    ax.set(xlabel="step t", ylabel="log10 |z_t|", ylim=(-25, 25))
    ax.legend(fontsize=8)
    ax.set_title(title, fontsize=9)
    return fig
