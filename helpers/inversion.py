"""Latent inversion with many starts, the barrier test, and latent paths
that minimise the discrete U (HW2 2c, 2d, 2e).

Everything runs batched on the generator's device: B images × R restarts are
one (B·R, d) batch of codes, and P paths of K points are one (P, K, d)
tensor. The generator is frozen (eval mode, no parameter gradients); only the
codes are optimised. Images are in the generator's range [−1, 1].
"""

import copy
from dataclasses import dataclass

import torch
from torch import nn

OPTIMIZERS = ("adam", "gd")


def freeze(gen: nn.Module) -> nn.Module:
    """Eval mode and requires_grad False on every parameter (in place)."""
    return gen.eval().requires_grad_(False)


def sq_dist(images: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Per-row ‖a − b‖² over all pixels (broadcast over leading dims)."""
    return (images - targets).flatten(-3).pow(2).sum(-1)


def recon_loss(gen: nn.Module, z: torch.Tensor,
               targets: torch.Tensor) -> torch.Tensor:
    """‖G(z) − x‖² per row; z (N, d), targets (N, 1, H, W) → (N,)."""
    return sq_dist(gen(z), targets)


def _optimizer(name: str, params: list[torch.Tensor],
               lr: float) -> torch.optim.Optimizer:
    """Adam or plain gradient descent (SGD without momentum) by name."""
    if name == "adam":
        return torch.optim.Adam(params, lr=lr)
    if name == "gd":
        return torch.optim.SGD(params, lr=lr)
    raise ValueError(f"Unknown optimizer {name!r}; use one of {OPTIMIZERS}.")


@dataclass
class Inversion:
    """Codes found by `invert`: z (B, R, d), final ‖G(z) − x‖² (B, R) and
    the loss after every step (steps + 1, B, R), all on the CPU."""
    z: torch.Tensor
    loss: torch.Tensor
    history: torch.Tensor
    optimizer: str
    steps: int
    lr: float

    def best(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Per image: the code of the lowest-loss start (B, d) and its loss."""
        idx = self.loss.argmin(1)
        rows = torch.arange(len(idx))
        return self.z[rows, idx], self.loss[rows, idx]


def invert(gen: nn.Module, images: torch.Tensor, restarts: int, steps: int,
           optimizer: str = "adam", lr: float = 0.05, seed: int = 0,
           shell: bool = False) -> Inversion:
    """argmin_z ‖G(z) − x‖² from `restarts` N(0, I) starts per image.

    All B·R codes form one batch. The objective is the sum of the per-row
    losses: row i's loss depends only on z_i, so its gradient is row i's own
    gradient, and Adam (elementwise) and GD act on every start independently.
    `shell`: after every step project z onto the sphere ‖z‖ = √d, where
    N(0, I) puts its mass (projected gradient descent).
    """
    freeze(gen)
    device = images.device
    gen_rng = torch.Generator().manual_seed(seed)
    z = torch.randn(len(images) * restarts, gen.z_dim, generator=gen_rng)
    if shell:
        z = z * gen.z_dim ** 0.5 / z.norm(dim=1, keepdim=True)
    z = z.to(device).requires_grad_(True)
    targets = images.repeat_interleave(restarts, dim=0)  # row b·R + r ↦ x_b
    opt = _optimizer(optimizer, [z], lr)
    history = []
    for _ in range(steps):
        loss = recon_loss(gen, z, targets)
        history.append(loss.detach())
        opt.zero_grad(set_to_none=True)
        loss.sum().backward()   # ∂/∂z_i Σ_j L_j = ∂L_i/∂z_i
        opt.step()
        if shell:
            with torch.no_grad():   # z ← √d z / ‖z‖
                z.mul_(gen.z_dim ** 0.5 / z.norm(dim=1, keepdim=True))
    with torch.no_grad():
        history.append(recon_loss(gen, z, targets))
    shape = (len(images), restarts)
    return Inversion(z.detach().view(*shape, -1).cpu(),
                     history[-1].view(shape).cpu(),
                     torch.stack(history).view(-1, *shape).cpu(),
                     optimizer, steps, lr)


def segment(z0: torch.Tensor, z1: torch.Tensor, num: int) -> torch.Tensor:
    """`num` equally spaced points of the straight segments z0 → z1:
    (P, d), (P, d) → (P, num, d), Z(t) = (1 − t) z0 + t z1."""
    t = torch.linspace(0, 1, num, device=z0.device).view(1, -1, 1)
    return (1 - t) * z0.unsqueeze(1) + t * z1.unsqueeze(1)


@torch.no_grad()
def segment_losses(gen: nn.Module, z0: torch.Tensor, z1: torch.Tensor,
                   images: torch.Tensor, num: int = 33) -> torch.Tensor:
    """‖G(Z(t)) − x‖² at `num` points of each segment z0 → z1 (one batch of
    P·num codes); images (P, 1, H, W) → losses (P, num)."""
    points = segment(z0, z1, num)
    out = gen(points.flatten(0, 1)).view(*points.shape[:2], *images.shape[1:])
    return sq_dist(out, images.unsqueeze(1))


def barrier(losses: torch.Tensor) -> torch.Tensor:
    """Rise of the loss along each segment above its larger endpoint (≥ 0):
    max_t L(t) − max(L(0), L(1)), per row of (P, T) losses (> 0: a ridge
    separates the two ends, so they lie in different basins)."""
    ends = torch.maximum(losses[:, 0], losses[:, -1])
    return losses.max(1).values - ends


# ---- latent paths (2d) ------------------------------------------------------

def path_cost(gen: nn.Module, path: torch.Tensor, x_a: torch.Tensor,
              x_b: torch.Tensor) -> torch.Tensor:
    """f(z) = ‖G(z) − x_A‖² + ‖G(z) − x_B‖² at every point; path (P, K, d),
    x_a, x_b (P, 1, H, W) → (P, K)."""
    out = gen(path.flatten(0, 1)).view(*path.shape[:2], *x_a.shape[1:])
    return sq_dist(out, x_a.unsqueeze(1)) + sq_dist(out, x_b.unsqueeze(1))


def discrete_u(gen: nn.Module, path: torch.Tensor, x_a: torch.Tensor,
               x_b: torch.Tensor) -> torch.Tensor:
    """U ≈ Σₖ ½[f(zₖ) + f(zₖ₊₁)] ‖zₖ₊₁ − zₖ‖ (trapezoid rule: the integrand
    of each segment is the average of f at its two ends); → (P,)."""
    f = path_cost(gen, path, x_a, x_b)
    steps = (path[:, 1:] - path[:, :-1]).norm(dim=-1)      # ‖zₖ₊₁ − zₖ‖
    return (0.5 * (f[:, 1:] + f[:, :-1]) * steps).sum(1)


def resample_equal_arclength(path: torch.Tensor) -> torch.Tensor:
    """The same polyline with its K points moved to equal arc length
    (ends fixed): point j sits at length j/(K − 1) of the total, by linear
    interpolation along the segment that contains that length."""
    p, k, _ = path.shape
    lengths = (path[:, 1:] - path[:, :-1]).norm(dim=-1)          # (P, K−1)
    cum = torch.cat([lengths.new_zeros(p, 1), lengths.cumsum(1)], 1)
    targets = torch.linspace(0, 1, k, device=path.device) * cum[:, -1:]
    # segment index i with cum[i] ≤ s < cum[i + 1]
    idx = torch.searchsorted(cum.contiguous(), targets.contiguous(),
                             right=True).clamp(1, k - 1) - 1
    start = cum.gather(1, idx)
    frac = ((targets - start) / lengths.gather(1, idx).clamp_min(1e-12))
    frac = frac.clamp(0, 1).unsqueeze(-1)
    a = path.gather(1, idx.unsqueeze(-1).expand(-1, -1, path.shape[-1]))
    b = path.gather(1, (idx + 1).unsqueeze(-1).expand_as(a))
    out = a + frac * (b - a)                     # (1 − s) z_i + s z_{i+1}
    out[:, 0], out[:, -1] = path[:, 0], path[:, -1]
    return out


def shell_radii(z_a: torch.Tensor, z_b: torch.Tensor,
                num: int) -> torch.Tensor:
    """Target norm of each path point: linear in k from ‖z_A‖ to ‖z_B‖
    (both ≈ √d for codes in the prior's typical set); → (P, num, 1)."""
    t = torch.linspace(0, 1, num, device=z_a.device).view(1, -1)
    radii = (1 - t) * z_a.norm(dim=-1, keepdim=True) \
        + t * z_b.norm(dim=-1, keepdim=True)
    return radii.unsqueeze(-1)


def project_to_shell(path: torch.Tensor, radii: torch.Tensor) -> torch.Tensor:
    """zₖ ← rₖ zₖ / ‖zₖ‖ for the interior points (ends unchanged)."""
    out = path.clone()
    inner = path[:, 1:-1]
    out[:, 1:-1] = inner * radii[:, 1:-1] / inner.norm(dim=-1, keepdim=True)
    return out


def shell_arc(path: torch.Tensor, radii: torch.Tensor,
              rounds: int = 3) -> torch.Tensor:
    """A path projected onto the norms `radii` and spread to equal arc
    length (alternating a few times; for a straight line between two points
    of one sphere this approaches the great-circle arc)."""
    for _ in range(rounds):
        path = resample_equal_arclength(project_to_shell(path, radii))
    return project_to_shell(path, radii)


@dataclass
class PathResult:
    """Paths (P, K, d) of `optimise_path`, all on the CPU: `path` is, per
    pair, the path of least discrete U seen (the start included), `u` its U
    (P,) and `best_iter` the iteration it was seen at (P,; 0 = the start);
    `last` is the final iterate and `u_history` U of the iterate before
    every iteration and after the last one (iters + 1, P); U of every
    candidate is in it, so `u` is the minimum of its candidate rows."""
    path: torch.Tensor
    u: torch.Tensor
    best_iter: torch.Tensor
    last: torch.Tensor
    u_history: torch.Tensor


class _Best:
    """Per-row running minimum of U and the path that attained it."""

    def __init__(self, path: torch.Tensor, u: torch.Tensor):
        self.path, self.u = path.detach().clone(), u.detach().clone()
        self.iter = torch.zeros(len(u), dtype=torch.long, device=u.device)

    def offer(self, path: torch.Tensor, u: torch.Tensor, it: int) -> None:
        """Keep row p of `path` where its U is strictly below the best."""
        better = u.detach() < self.u
        self.path[better] = path.detach()[better]
        self.u[better] = u.detach()[better]
        self.iter[better] = it


def optimise_path(gen: nn.Module, z_a: torch.Tensor, z_b: torch.Tensor,
                  x_a: torch.Tensor, x_b: torch.Tensor, num_points: int,
                  iters: int, lr: float = 0.02, reparam_every: int = 10,
                  shell: bool = False) -> PathResult:
    """Minimise the discrete U over the K − 2 interior points of P paths
    and return, per pair, the best path seen (never worse than the start).

    Start: the straight line z_A → z_B (with `shell`, its projection onto
    the shell: an arc). Each iteration is one Adam step on Σ_paths U. Every
    `reparam_every` iterations (0: never, for ablations; also after the last
    one) the points are moved back to equal arc length (so no segment grows
    long enough for the trapezoid rule to miss a ridge between its ends)
    and, with `shell`, projected onto the norms `shell_radii` (so the path
    stays where N(0, I) puts its mass and G was trained). Adam's moments
    restart after each such step. The candidates for the result are the
    start and the iterates right after each reparametrisation (equally
    spaced, so their discrete U is a faithful quadrature; between two of
    them points drift and the trapezoid rule can undercharge a segment);
    without reparametrisation every iterate is one. U(result) = min over
    the candidates ≤ U(start) by construction.
    """
    freeze(gen)
    path = segment(z_a, z_b, num_points)
    radii = shell_radii(z_a, z_b, num_points)
    if shell:
        path = shell_arc(path, radii)
    ends = path[:, :1], path[:, -1:]
    inner = path[:, 1:-1].clone().requires_grad_(True)
    opt = torch.optim.Adam([inner], lr=lr)
    history, best = [], None
    for it in range(iters):
        full = torch.cat([ends[0], inner, ends[1]], 1)
        u = discrete_u(gen, full, x_a, x_b)
        history.append(u.detach())
        if best is None:
            best = _Best(full, u)
        elif not reparam_every or it % reparam_every == 0:
            best.offer(full, u, it)     # only equally spaced candidates
        opt.zero_grad(set_to_none=True)
        u.sum().backward()      # paths are independent: row p's own gradient
        opt.step()
        if reparam_every and ((it + 1) % reparam_every == 0
                              or it + 1 == iters):
            with torch.no_grad():
                full = resample_equal_arclength(
                    torch.cat([ends[0], inner, ends[1]], 1))
                if shell:
                    full = project_to_shell(full, radii)
                inner = full[:, 1:-1].clone().requires_grad_(True)
            opt = torch.optim.Adam([inner], lr=lr)
    final = torch.cat([ends[0], inner.detach(), ends[1]], 1)
    with torch.no_grad():
        u = discrete_u(gen, final, x_a, x_b)
    history.append(u)
    if best is None:
        best = _Best(final, u)
    else:
        best.offer(final, u, iters)
    return PathResult(best.path.cpu(), best.u.cpu(), best.iter.cpu(),
                      final.cpu(), torch.stack(history).cpu())


def typical_norm_band(d: int, k: float = 3.0) -> tuple[float, float]:
    """‖z‖ of z ~ N(0, I_d) is χ_d: mean ≈ √(d − ½), sd ≈ 1/√2 (d ≫ 1), so
    mean ± k sd holds ≈ 99.7 % of draws for k = 3."""
    mean, sd = (d - 0.5) ** 0.5, 0.5 ** 0.5
    return mean - k * sd, mean + k * sd


def best_codes(gen: nn.Module, images: torch.Tensor, restarts: int,
               steps: int, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Codes on the shell ‖z‖ = √d (Adam, best of `restarts` starts) of
    images (N, 1, H, W) → (N, d) codes and their ‖G(z) − x‖², on the CPU."""
    return invert(gen, images, restarts, steps, "adam", 0.05, seed,
                  shell=True).best()


def spacing_ratio(path: torch.Tensor) -> torch.Tensor:
    """max/min segment length per path (1 = equally spaced)."""
    lengths = (path[:, 1:] - path[:, :-1]).norm(dim=-1)
    return lengths.max(1).values / lengths.min(1).values


def refine(path: torch.Tensor, factor: int) -> torch.Tensor:
    """The same polyline with `factor − 1` extra points inside each segment
    (used to check that U does not hide ridges between path points)."""
    t = torch.linspace(0, 1, factor + 1, device=path.device)[:-1]
    a, b = path[:, :-1].unsqueeze(2), path[:, 1:].unsqueeze(2)
    inner = (a + t.view(1, 1, -1, 1) * (b - a)).flatten(1, 2)
    return torch.cat([inner, path[:, -1:]], 1)


def min_u_summary(gen: nn.Module, x_a: torch.Tensor, x_b: torch.Tensor,
                  restarts: int, inv_steps: int, num_points: int, iters: int,
                  seed: int = 0) -> dict[str, torch.Tensor]:
    """Per pair (on the CPU): the codes' ‖G(z) − x‖² (P, 2), ‖z_A − z_B‖,
    U of the straight line and of the shell arc, and min U estimated by
    `optimise_path`: `u_free` unconstrained from the line (≤ `u_line` by
    construction), `u_shell` on the shell from the arc (≤ `u_arc`), with
    the iterations they were found at (`free_iter`, `shell_iter`; 0 = the
    start). Used by HW2 2e."""
    codes, loss = best_codes(gen, torch.cat([x_a, x_b]), restarts,
                             inv_steps, seed)
    z_a, z_b = (c.to(x_a.device) for c in codes.split(len(x_a)))
    shell, free = (optimise_path(gen, z_a, z_b, x_a, x_b, num_points, iters,
                                 shell=flag) for flag in (True, False))
    # the starts' U as the optimiser computed it: the line (free) and the
    # arc (shell), so u_free ≤ u_line and u_shell ≤ u_arc hold exactly
    u_line, u_arc = free.u_history[0], shell.u_history[0]
    return {"code_loss": loss.view(2, -1).T, "dz": (z_a - z_b).norm(dim=1)
            .cpu(), "u_line": u_line, "u_arc": u_arc, "u_shell": shell.u,
            "u_free": free.u, "shell_iter": shell.best_iter,
            "free_iter": free.best_iter}


# ---- is z* a local minimum? (2c) --------------------------------------------

# Tolerances, both scale-aware (unchanged if z or the pixels are rescaled):
# * EIG_TOL: λ_min counts as negative only below −EIG_TOL · λ_max. The
#   Hessian is computed in float64, whose rounding puts errors near
#   1e-13 λ_max on its eigenvalues, so a curvature 10⁷ times larger is
#   real; it also means a condition number up to 10⁶ still counts as
#   positive definite.
# * STATIONARY: the quadratic model's predicted remaining decrease, the
#   Newton decrement ½ gᵀ|H|⁻¹g (|H|: eigenvalues in absolute value,
#   floored at EIG_TOL · λ_max), must be below STATIONARY × L: no step the
#   local model sees could lower ‖G(z) − x‖² by a millionth of its value.
EIG_TOL = 1e-6
STATIONARY = 1e-6
VERDICTS = ("local minimum", "saddle", "not converged")


def grad_hessian(gen: nn.Module, z: torch.Tensor, targets: torch.Tensor,
                 chunk: int = 256
                 ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Per row i of z (N, d): Lᵢ = ‖G(zᵢ) − xᵢ‖², ∇Lᵢ (N, d) and the exact
    Hessian ∇²Lᵢ (N, d, d), by d Hessian-vector products per chunk."""
    out = [_grad_hessian(gen, zc, tc)
           for zc, tc in zip(z.split(chunk), targets.split(chunk))]
    return tuple(torch.cat(parts) for parts in zip(*out))


def _grad_hessian(gen: nn.Module, z: torch.Tensor, targets: torch.Tensor
                  ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """`grad_hessian` for one chunk."""
    z = z.detach().requires_grad_(True)
    loss = recon_loss(gen, z, targets)
    (grad,) = torch.autograd.grad(loss.sum(), z, create_graph=True)
    # Σⱼ Lⱼ(zⱼ) is separable, so ∂gᵢ/∂zⱼ = 0 for i ≠ j: differentiating
    # Σᵢ gᵢₖ (an HVP with eₖ in every row) gives row k of every ∇²Lᵢ.
    rows = [torch.autograd.grad(grad[:, k].sum(), z, retain_graph=True)[0]
            for k in range(z.shape[1])]
    return loss.detach(), grad.detach(), torch.stack(rows, 1)


def decrement(grad: torch.Tensor, evals: torch.Tensor,
              evecs: torch.Tensor) -> torch.Tensor:
    """½ gᵀ|H|⁻¹g per row, |λ| floored at EIG_TOL · λ_max (N,)."""
    floor = EIG_TOL * evals.abs().amax(1, keepdim=True)
    proj = (evecs.transpose(1, 2) @ grad.unsqueeze(-1)).squeeze(-1)  # Qᵀg
    return 0.5 * (proj.pow(2) / evals.abs().clamp_min(floor)).sum(1)


def classify(rel_decrement: torch.Tensor, lam_min: torch.Tensor,
             lam_max: torch.Tensor) -> list[str]:
    """Per code: not converged (decrement > STATIONARY · L), else saddle
    (λ_min < −EIG_TOL · λ_max), else local minimum."""
    return ["not converged" if r > STATIONARY else
            "saddle" if lo < -EIG_TOL * hi else "local minimum"
            for r, lo, hi in zip(rel_decrement.tolist(), lam_min.tolist(),
                                 lam_max.tolist())]


@dataclass
class Critical:
    """Second-order test at codes z (N, d): loss, ‖∇L‖, decrement / L,
    Hessian eigenvalues (N, d, ascending) and a verdict per code."""
    z: torch.Tensor
    loss: torch.Tensor
    grad_norm: torch.Tensor
    rel_decrement: torch.Tensor
    evals: torch.Tensor
    verdict: list[str]


def second_order(gen: nn.Module, z: torch.Tensor,
                 targets: torch.Tensor) -> tuple[Critical, torch.Tensor,
                                                 torch.Tensor]:
    """The test at z, plus ∇L and the eigenvectors (for a Newton step)."""
    loss, grad, hess = grad_hessian(gen, z, targets)
    evals, evecs = torch.linalg.eigh(hess)
    energy = targets.flatten(1).pow(2).sum(1)
    # relative to L; + 1e-12 ‖x‖² (float64 rounding) avoids 0/0 at L = 0
    rel = decrement(grad, evals, evecs) / (loss + 1e-12 * energy)
    crit = Critical(z.detach(), loss, grad.norm(dim=1), rel, evals,
                    classify(rel, evals[:, 0], evals[:, -1]))
    return crit, grad, evecs


# Newton steps are local: each is at most TRUST × max(‖z‖, √d) long (10 %
# of the code's norm, or of the prior's scale √d near the origin).
TRUST = 0.1


def newton_step(gen: nn.Module, z: torch.Tensor, targets: torch.Tensor,
                crit: Critical, grad: torch.Tensor, evecs: torch.Tensor,
                tries: int = 16) -> torch.Tensor:
    """One Levenberg–Marquardt step per code, z − Q(Λ + μI)⁻¹Qᵀg with μ
    from just above max(0, −λ_min) up ×4 per try until the step is within
    the trust radius and L decreases (no step if no try succeeds)."""
    lam = crit.evals
    mu = (-lam[:, :1]).clamp_min(0) + EIG_TOL * lam[:, -1:].abs()
    proj = (evecs.transpose(1, 2) @ grad.unsqueeze(-1)).squeeze(-1)
    radius = TRUST * z.norm(dim=1).clamp_min(z.shape[1] ** 0.5)
    new, todo = z.clone(), torch.ones(len(z), dtype=torch.bool,
                                      device=z.device)
    for _ in range(tries):
        step = (evecs @ (proj / (lam + mu)).unsqueeze(-1)).squeeze(-1)
        with torch.no_grad():
            better = todo & (step.norm(dim=1) <= radius) & (
                recon_loss(gen, z - step, targets) < crit.loss)
        new[better] = (z - step)[better]
        todo &= ~better
        mu = torch.where(todo.unsqueeze(1), 4 * mu.clamp_min(
            1e-3 * lam[:, -1:].abs()), mu)
    return new


def check_minima(gen: nn.Module, z: torch.Tensor, targets: torch.Tensor,
                 max_steps: int) -> tuple[Critical, Critical, torch.Tensor]:
    """Classify codes z (N, d) of images targets (N, 1, H, W) as found, on
    a float64 copy of G; then Newton-refine the not-converged ones, up to
    `max_steps` steps each, and classify again. → (as found, final,
    Newton steps taken per code), all on the CPU."""
    gen64 = freeze(copy.deepcopy(gen).double())
    z, targets = z.double(), targets.double()
    first, grad, evecs = second_order(gen64, z, targets)
    final = _select(first, torch.arange(len(z), device=z.device))
    steps = torch.zeros(len(z), dtype=torch.long)
    todo = _unconverged(first)
    grad, evecs = grad[todo], evecs[todo]
    for _ in range(max_steps):
        if not len(todo):
            break
        moved = newton_step(gen64, final.z[todo], targets[todo],
                            _select(final, todo), grad, evecs)
        steps[todo.cpu()] += 1
        sub, grad, evecs = second_order(gen64, moved, targets[todo])
        _assign(final, todo, sub)
        keep = _unconverged(sub)
        todo, grad, evecs = todo[keep], grad[keep], evecs[keep]
    return _cpu(first), _cpu(final), steps


@torch.no_grad()
def outward_change(gen: nn.Module, z: torch.Tensor, targets: torch.Tensor,
                   factor: float = 1.1) -> torch.Tensor:
    """L(factor · z) / L(z) − 1 per code: < 0 where the loss still falls
    radially outward, i.e. towards larger ‖z‖ (N,)."""
    return (recon_loss(gen, factor * z, targets)
            / recon_loss(gen, z, targets) - 1)


def _unconverged(crit: Critical) -> torch.Tensor:
    """Row indices whose verdict is "not converged"."""
    return torch.tensor([i for i, v in enumerate(crit.verdict)
                         if v == "not converged"], dtype=torch.long,
                        device=crit.z.device)


def _select(crit: Critical, idx: torch.Tensor) -> Critical:
    """The rows `idx` of a Critical (a copy)."""
    return Critical(crit.z[idx], crit.loss[idx], crit.grad_norm[idx],
                    crit.rel_decrement[idx], crit.evals[idx],
                    [crit.verdict[i] for i in idx.tolist()])


def _assign(crit: Critical, idx: torch.Tensor, sub: Critical) -> None:
    """Overwrite the rows `idx` of `crit` with `sub` (in place)."""
    for name in ("z", "loss", "grad_norm", "rel_decrement", "evals"):
        getattr(crit, name)[idx] = getattr(sub, name)
    for i, v in zip(idx.tolist(), sub.verdict):
        crit.verdict[i] = v


def _cpu(crit: Critical) -> Critical:
    """A Critical with its tensors on the CPU."""
    return Critical(crit.z.cpu(), crit.loss.cpu(), crit.grad_norm.cpu(),
                    crit.rel_decrement.cpu(), crit.evals.cpu(), crit.verdict)
