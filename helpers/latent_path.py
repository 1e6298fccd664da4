"""Latent paths between two inverted codes that minimise the discrete U
(HW2 2d, 2e).

P paths of K points are one (P, K, d) tensor, run batched on the
generator's device; the generator is frozen and only the interior points
of the paths move. Images are in the generator's range [−1, 1].
"""

from dataclasses import dataclass

import torch
from torch import nn

from .inversion import best_codes, freeze, sq_dist


def segment(z0: torch.Tensor, z1: torch.Tensor, num: int) -> torch.Tensor:
    """`num` equally spaced points of the straight segments z0 → z1:
    (P, d), (P, d) → (P, num, d), Z(t) = (1 − t) z0 + t z1."""
    t = torch.linspace(0, 1, num, device=z0.device).view(1, -1, 1)
    return (1 - t) * z0.unsqueeze(1) + t * z1.unsqueeze(1)


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
