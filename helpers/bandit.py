"""Softmax policy gradient (REINFORCE) on a k-armed bandit, many seeds at once.

Policy: pi = softmax(theta), theta of shape (num_seeds, k). One step samples
a ~ pi, observes r = R[a] + noise and applies (HW3 Q1a, plus optional extras)

    theta <- theta + eta_t * [(r - b) (e_a - pi) + tau * grad_theta H(pi)],

where e_a - pi = grad_theta log pi(a), b is a baseline (0 or a running mean
of past rewards) and H(pi) = -sum_j pi_j log pi_j is the policy entropy
(its gradient is computed exactly; it does not depend on the sample).
"""

from dataclasses import dataclass

import numpy as np

BASELINES = ("none", "running")
SCHEDULES = ("constant", "robbins-monro")


def softmax(theta: np.ndarray) -> np.ndarray:
    """Row-wise softmax pi_j = exp(theta_j) / sum_l exp(theta_l), stable."""
    z = theta - theta.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def log_softmax(theta: np.ndarray) -> np.ndarray:
    """Row-wise log pi_j = theta_j - logsumexp(theta), stable."""
    z = theta - theta.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def score(theta: np.ndarray, actions: np.ndarray) -> np.ndarray:
    """grad_theta log pi(a) = e_a - pi, one row per seed."""
    pi = softmax(theta)
    onehot = np.zeros_like(pi)
    onehot[np.arange(len(actions)), actions] = 1.0
    return onehot - pi


def entropy_grad(theta: np.ndarray) -> np.ndarray:
    """grad_theta H(pi) = -pi_j (log pi_j + H), H = -sum pi log pi."""
    logp = log_softmax(theta)
    pi = np.exp(logp)
    h = -(pi * logp).sum(axis=-1, keepdims=True)
    return -pi * (logp + h)


def pg_update(theta: np.ndarray, actions: np.ndarray, rewards: np.ndarray,
              eta: float, baseline: np.ndarray | float = 0.0,
              tau: float = 0.0) -> np.ndarray:
    """One sampled update Delta theta (same shape as theta)."""
    adv = np.asarray(rewards, float) - baseline           # r - b, per seed
    delta = eta * adv[:, None] * score(theta, actions)    # eta (r-b)(e_a-pi)
    if tau:
        delta += eta * tau * entropy_grad(theta)          # + eta tau grad H
    return delta


def expected_update(theta: np.ndarray, rewards: np.ndarray, eta: float,
                    tau: float = 0.0) -> np.ndarray:
    """E[Delta theta] = eta [pi_j (R_j - pi.R) + tau grad H], exact."""
    pi = softmax(theta)
    rbar = (pi * rewards).sum(axis=-1, keepdims=True)     # J = sum pi R
    delta = eta * pi * (rewards - rbar)                   # eta grad J
    if tau:
        delta += eta * tau * entropy_grad(theta)
    return delta


def expected_dynamics(theta0: np.ndarray, rewards: np.ndarray, eta: float,
                      num_steps: int, tau: float = 0.0) -> np.ndarray:
    """Iterate the mean (exact-gradient) update; returns the final theta."""
    theta = np.array(theta0, float)
    for _ in range(num_steps):
        theta = theta + expected_update(theta, rewards, eta, tau)
    return theta


def mean_path(rewards, etas: np.ndarray, grid: np.ndarray, tau: float = 0.0,
              theta0: np.ndarray | None = None) -> np.ndarray:
    """Mean (exact-gradient) iterates with step sizes etas, on a time grid.

    Returns theta after t updates for every t in grid, shape (len(grid), k).
    """
    r = np.asarray(rewards, float)
    theta = np.zeros((1, r.size)) if theta0 is None else np.array(
        theta0, float).reshape(1, -1)
    out, rec = np.empty((len(grid), r.size)), 0
    for t in range(int(grid[-1]) + 1):
        while rec < len(grid) and grid[rec] == t:
            out[rec], rec = theta[0], rec + 1
        if t < len(etas):
            theta = theta + expected_update(theta, r, etas[t], tau)
    return out


def soft_optimal_theta(rewards: np.ndarray, tau: float) -> np.ndarray:
    """Centred fixed point of the entropy-regularised update: (R - mean R)/tau.

    pi* = softmax(R / tau) maximises sum pi R + tau H(pi); theta is defined
    up to an additive constant, and every update here keeps sum_j theta_j
    fixed, so from theta_0 = 0 the iterates stay centred.
    """
    r = np.asarray(rewards, float)
    return (r - r.mean()) / tau


def estimator_variance(theta: np.ndarray, rewards: np.ndarray,
                       baseline: float = 0.0, noise_sd: float = 0.0
                       ) -> np.ndarray:
    """Total variance E||g - grad J||^2 of g = (r - b)(e_a - pi), exact."""
    pi = softmax(np.atleast_2d(theta))
    r = np.asarray(rewards, float)
    # ||e_a - pi||^2 = 1 - 2 pi_a + sum_j pi_j^2
    sq_score = 1.0 - 2.0 * pi + (pi ** 2).sum(axis=-1, keepdims=True)
    # E[(r - b)^2 | a] = (R_a - b)^2 + sigma^2
    second = (pi * ((r - baseline) ** 2 + noise_sd ** 2) * sq_score).sum(-1)
    grad = pi * (r - (pi * r).sum(axis=-1, keepdims=True))
    return second - (grad ** 2).sum(axis=-1)


def step_sizes(num_steps: int, eta0: float, schedule: str = "constant",
               t0: float = 100.0, power: float = 1.0) -> np.ndarray:
    """eta_t for t = 0..num_steps-1: constant, or eta0 / (1 + t/t0)^power.

    The Robbins-Monro conditions sum eta_t = inf, sum eta_t^2 < inf hold
    for 1/2 < power <= 1.
    """
    t = np.arange(num_steps, dtype=float)
    if schedule == "constant":
        return np.full(num_steps, float(eta0))
    if schedule == "robbins-monro":
        return eta0 / (1.0 + t / t0) ** power
    raise ValueError(f"schedule must be one of {SCHEDULES}, got {schedule!r}")


def time_grid(num_steps: int, num_records: int = 200) -> np.ndarray:
    """Roughly log-spaced unique record times in [0, num_steps]."""
    g = np.geomspace(1, num_steps + 1, num_records) - 1
    return np.unique(np.round(g).astype(int))


@dataclass(frozen=True)
class History:
    """Recorded trajectories; time axis first, then seeds (then arms).

    theta[i], pi[i] are the parameters/policy *after* t[i] updates;
    action[i], reward[i] are the sample drawn at step t[i] (for i with
    t[i] < num_steps; the last row repeats the last sample).
    """
    t: np.ndarray          # (T,)
    theta: np.ndarray      # (T, S, k)
    pi: np.ndarray         # (T, S, k)
    action: np.ndarray     # (T, S)
    reward: np.ndarray     # (T, S)
    counts: np.ndarray     # (S, k) how often each arm was pulled in total
    eta: np.ndarray        # (T,) step size in force at t[i]

    @property
    def final_theta(self) -> np.ndarray:
        return self.theta[-1]

    @property
    def final_pi(self) -> np.ndarray:
        return self.pi[-1]


def simulate(rewards, num_seeds: int, num_steps: int, eta0: float = 0.5,
             schedule: str = "constant", t0: float = 100.0,
             power: float = 1.0, baseline: str = "none",
             baseline_rate: float = 0.01, tau: float = 0.0,
             noise_sd: float = 0.0, theta0: np.ndarray | None = None,
             seed: int = 0, num_records: int = 200) -> History:
    """Run softmax policy gradient on a bandit for num_seeds seeds at once.

    rewards: mean reward R_i per arm; the observed reward is R_a + N(0,
    noise_sd^2). baseline "running": b_t = running mean of the seed's past
    rewards (sample average, then an exponential average with rate
    baseline_rate once 1/t < baseline_rate); b does not use the current
    sample, so the update stays unbiased.
    """
    if baseline not in BASELINES:
        raise ValueError(f"baseline must be one of {BASELINES}")
    rng = np.random.default_rng(seed)
    r_mean = np.asarray(rewards, float)
    k = r_mean.size
    theta = (np.zeros((num_seeds, k)) if theta0 is None
             else np.broadcast_to(np.asarray(theta0, float),
                                  (num_seeds, k)).copy())
    etas = step_sizes(num_steps, eta0, schedule, t0, power)
    grid = time_grid(num_steps, num_records)
    n_rec = len(grid)
    th_h = np.empty((n_rec, num_seeds, k))
    act_h = np.zeros((n_rec, num_seeds), dtype=int)
    rew_h = np.zeros((n_rec, num_seeds))
    counts = np.zeros((num_seeds, k), dtype=np.int64)
    b = np.zeros(num_seeds)
    rows = np.arange(num_seeds)
    rec = 0
    for t in range(num_steps + 1):
        if rec < n_rec and grid[rec] == t:
            th_h[rec] = theta
        if t == num_steps:
            break
        pi = softmax(theta)
        # inverse-CDF sampling of a ~ pi, one uniform per seed
        u = rng.random(num_seeds)[:, None]
        a = np.minimum((pi.cumsum(axis=1) < u).sum(axis=1), k - 1)
        r = r_mean[a] + noise_sd * rng.standard_normal(num_seeds)
        if rec < n_rec and grid[rec] == t:
            act_h[rec], rew_h[rec] = a, r
            rec += 1
        counts[rows, a] += 1
        b_t = b if baseline == "running" else 0.0
        theta = theta + pg_update(theta, a, r, etas[t], b_t, tau)
        # b <- b + alpha_t (r - b), alpha_t = max(1/(t+1), baseline_rate)
        b = b + max(1.0 / (t + 1), baseline_rate) * (r - b)
    act_h[rec:] = act_h[rec - 1] if rec else 0
    rew_h[rec:] = rew_h[rec - 1] if rec else 0.0
    eta_h = np.append(etas, etas[-1] if num_steps else eta0)[grid]
    return History(grid, th_h, softmax(th_h), act_h, rew_h, counts, eta_h)


def theta_gap(theta: np.ndarray, rewards: np.ndarray) -> np.ndarray:
    """theta_best - theta_second (arms ranked by mean reward)."""
    order = np.argsort(np.asarray(rewards))[::-1]
    return theta[..., order[0]] - theta[..., order[1]]


def summarize(hist: History, rewards: np.ndarray,
              tau: float = 0.0) -> dict[str, float]:
    """Across-seed summary of the final state of one run."""
    r = np.asarray(rewards, float)
    best = int(np.argmax(r))
    th, pi = hist.final_theta, hist.final_pi
    gap = theta_gap(th, r)
    out = dict(
        frac_best=float((pi.argmax(axis=1) == best).mean()),
        mean_pi_best=float(pi[:, best].mean()),
        min_pi_best=float(pi[:, best].min()),
        gap_mean=float(gap.mean()), gap_sd=float(gap.std()),
        abs_theta_median=float(np.median(np.abs(th).max(axis=1))),
        abs_theta_max=float(np.abs(th).max()),
        spread_median=float(np.median(th.max(axis=1) - th.min(axis=1))),
    )
    if tau:
        centred = th - th.mean(axis=1, keepdims=True)
        dist = np.linalg.norm(centred - soft_optimal_theta(r, tau), axis=1)
        out["dist_star_mean"] = float(dist.mean())
        out["dist_star_max"] = float(dist.max())
    return out


def plot_seeds(ax, t: np.ndarray, values: np.ndarray, good: np.ndarray,
               labels: tuple[str, str] = ("seed ends on best arm",
                                          "seed ends on a worse arm"),
               colors: tuple[str, str] = ("tab:blue", "tab:red"),
               lw: float = 0.7) -> None:
    """One thin line per seed (values: (T, S)) against t+1, log x-axis.

    Seeds with good[s] True get colors[0], the others colors[1]; each
    group gets one legend entry (if it is non-empty).
    """
    x = np.asarray(t) + 1
    for mask, color, label in ((good, colors[0], labels[0]),
                               (~good, colors[1], labels[1])):
        cols = np.flatnonzero(mask)
        for n, s in enumerate(cols):
            ax.plot(x, values[:, s], color=color, lw=lw, alpha=0.6,
                    label=label if n == 0 else None)
    ax.set_xscale("log")
    ax.set_xlabel("step t + 1")
