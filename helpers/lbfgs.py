"""L-BFGS for N independent problems at once (HW2 2c's codes).

f(w, rows) maps the codes w (n, d) of the rows `rows` (indices into the
batch) to their losses (n,); row i's loss depends only on wᵢ. Every row
keeps its own curvature pairs and its own line search; rows share only the
batched evaluations of f. The line search asks for the weak Wolfe
conditions by bisection and doubling, as Lewis & Overton (2013) do for
BFGS on nonsmooth functions: BFGS still converges there, to points where
the line search finds no step that satisfies them (kinks), which is how a
row stops.
"""

from collections.abc import Callable
from dataclasses import dataclass

import torch

Loss = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
ARMIJO, CURVATURE = 1e-4, 0.9     # the weak Wolfe constants c₁, c₂
TRIES = 40                        # bisections or doublings per search


def value_grad(f: Loss, w: torch.Tensor, rows: torch.Tensor
               ) -> tuple[torch.Tensor, torch.Tensor]:
    """f(w, rows) (n,) and its row-wise gradients (n, d)."""
    w = w.detach().requires_grad_(True)
    with torch.enable_grad():
        loss = f(w, rows)
        (grad,) = torch.autograd.grad(loss.sum(), w)
    return loss.detach(), grad


def direction(grad: torch.Tensor, s: torch.Tensor, y: torch.Tensor
              ) -> torch.Tensor:
    """−H ∇f per row by the two-loop recursion over the pairs s, y
    (n, m, d), oldest first; a pair with sᵀy ≤ 0 (or unused) is skipped."""
    sy = (s * y).sum(-1)                                        # (n, m)
    rho = torch.where(sy > 0, 1 / sy.clamp_min(1e-300), 0.0)
    q, alphas = grad.clone(), []
    for k in reversed(range(s.shape[1])):
        a = rho[:, k] * (s[:, k] * q).sum(-1)
        q -= a.unsqueeze(1) * y[:, k]
        alphas.append(a)
    yy = (y[:, -1] * y[:, -1]).sum(-1)
    gamma = torch.where(sy[:, -1] > 0, sy[:, -1] / yy.clamp_min(1e-300),
                        1.0)
    r = gamma.unsqueeze(1) * q                                  # H₀ = γ I
    for k, a in zip(range(s.shape[1]), reversed(alphas)):
        b = rho[:, k] * (y[:, k] * r).sum(-1)
        r += (a - b).unsqueeze(1) * s[:, k]
    return -r


def wolfe(f: Loss, rows: torch.Tensor, w: torch.Tensor, loss: torch.Tensor,
          grad: torch.Tensor, step: torch.Tensor
          ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Weak Wolfe line search along p = `step` for each of the rows `rows`:
    t with f(w + tp) ≤ f(w) + c₁ t ∇fᵀp and ∇f(w + tp)ᵀp ≥ c₂ ∇fᵀp.
    → (t, f and ∇f there, found) per row."""
    slope = (grad * step).sum(-1)                            # ∇fᵀp < 0
    lo, hi = torch.zeros_like(loss), torch.full_like(loss, torch.inf)
    t = torch.ones_like(loss)
    new_loss, new_grad = loss.clone(), grad.clone()
    found = torch.zeros_like(loss, dtype=torch.bool)
    for _ in range(TRIES):
        todo = (~found).nonzero().squeeze(1)
        if not len(todo):
            break
        val, g = value_grad(f, w[todo] + t[todo, None] * step[todo],
                            rows[todo])
        high = val > loss[todo] + ARMIJO * t[todo] * slope[todo]
        flat = ~high & ((g * step[todo]).sum(-1) < CURVATURE * slope[todo])
        good = ~high & ~flat
        hi[todo[high]], lo[todo[flat]] = t[todo[high]], t[todo[flat]]
        found[todo[good]] = True
        new_loss[todo[good]], new_grad[todo[good]] = val[good], g[good]
        rest = todo[~good]                   # bisect, or double if no hi
        t[rest] = torch.where(hi[rest].isinf(), 2 * lo[rest],
                              (lo[rest] + hi[rest]) / 2)
    return t, new_loss, new_grad, found


@dataclass
class Descent:
    """Where `lbfgs` left each row: w (N, d), f(w) (N,), the iterations
    taken, and whether the row stopped (its line search found no step)."""
    w: torch.Tensor
    loss: torch.Tensor
    iterations: torch.Tensor
    stopped: torch.Tensor


def lbfgs(f: Loss, w: torch.Tensor, iters: int, memory: int = 20
          ) -> Descent:
    """Minimise every row of f from w (N, d) by L-BFGS with `memory`
    pairs, for at most `iters` iterations per row."""
    n, d = w.shape
    w = w.detach().clone()
    every = torch.arange(n, device=w.device)
    loss, grad = value_grad(f, w, every)
    s = w.new_zeros(n, memory, d)
    y = torch.zeros_like(s)
    steps = torch.zeros(n, dtype=torch.long, device=w.device)
    stopped = torch.zeros(n, dtype=torch.bool, device=w.device)
    for _ in range(iters):
        rows = (~stopped).nonzero().squeeze(1)
        if not len(rows):
            break
        p = direction(grad[rows], s[rows], y[rows])
        uphill = (p * grad[rows]).sum(-1) >= 0    # restart along −∇f
        p[uphill] = -grad[rows][uphill]
        t, new_loss, new_grad, found = wolfe(f, rows, w[rows], loss[rows],
                                             grad[rows], p)
        stopped[rows[~found]] = True
        ok, move = rows[found], t[found, None] * p[found]
        s[ok] = torch.cat([s[ok, 1:], move.unsqueeze(1)], 1)
        y[ok] = torch.cat([y[ok, 1:], (new_grad[found] - grad[ok])
                           .unsqueeze(1)], 1)
        w[ok] += move
        loss[ok], grad[ok] = new_loss[found], new_grad[found]
        steps[ok] += 1
    return Descent(w, loss, steps.cpu(), stopped.cpu())
