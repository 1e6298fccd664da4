"""Is an inverted code z* a local minimum, and of which problem? (HW2 2c)

L(z) = ‖G(z) − x‖² for G = tanh ∘ (Linear and LeakyReLU layers) is smooth
inside each piece of G and kinked where a hidden unit's input aⱼ crosses 0
(`pieces`). Descent ends on such kinks, where L has no Hessian, so the test
is the one for piecewise smooth functions. With K the units active at z*
(aⱼ(z*) = 0) and M = {a_K = 0} (∩ the shell ‖z‖ = r on the shell):

* L restricted to M is smooth: its reduced gradient must vanish
  (stationary) and its reduced Hessian decides minimum vs saddle;
* across each kink j ∈ K the one-sided slopes of L along the edge of M
  that leaves only kink j must both be positive: a V, not a ramp.

`converge` gets there from codes found by descent (an active-set Newton
method in float64: Newton steps on M, adding a kink where a step meets one,
releasing the steepest ramp when stationary) and classifies every code.
"""

import copy
from dataclasses import dataclass

import torch
from torch import nn

from .inversion import freeze, recon_loss, to_shell
from .pieces import (OnM, decrement, edge_directions, edge_slopes, layers,
                     newton, on_m, piece, restore)

# Tolerances, all relative (unchanged if z or the pixels are rescaled):
# * STATIONARY: the decrement ½ ĝᵀĤ⁻¹ĝ of L on M (ĝ, Ĥ: its gradient and
#   Hessian there) below STATIONARY × L: no Newton step on M lowers L by
#   10⁻¹² of itself. float64 sums L over 784 pixels with a relative
#   rounding near 10⁻¹⁶ √784 ≈ 3 · 10⁻¹⁵, some 300 times below.
# * EIG_TOL: Ĥ's λ_min is positive (negative) above (below) ± EIG_TOL ×
#   max|λ|; float64 rounds Ĥ's eigenvalues near 10⁻¹³ max|λ|.
# * EDGE_TOL: a one-sided slope across a kink is positive (negative)
#   above (below) ± EDGE_TOL × ‖∇L‖ (the largest beside the kink). It is
#   measured EDGE_STEP × r off the kink, where the curvature adds about
#   EDGE_STEP × r × max|λ| ≈ 10⁻⁹ ‖∇L‖ and rounding far less.
# A code within a tolerance is "degenerate": the test cannot decide.
STATIONARY = 1e-12
EIG_TOL = 1e-6
EDGE_TOL = 1e-6
EDGE_STEP = 1e-10
VERDICTS = ("local minimum", "saddle", "degenerate", "not converged")
# Each Newton step moves z by at most TRUST × r (r = √d); a code whose
# step is refused GIVE_UP times in a row (L did not fall) stays as it is.
TRUST = 0.1
GIVE_UP = 30


def plan(z: torch.Tensor, piece_i: tuple[torch.Tensor, ...],
         active: list[int], damping: float, shell: bool, radius: float,
         max_add: int = 64) -> tuple[torch.Tensor, list[int]]:
    """One Newton step on M from z on the quadratic model of z's piece;
    where it would cross an inactive kink, stop there, add that unit to
    the active set and go on along the smaller M (at most `max_add`
    times). → (the new z, the new active set)."""
    _, grad, hess, kinks, normals = piece_i
    active = list(active)
    delta = torch.zeros_like(z)
    for _ in range(max_add + 1):
        point = z + delta
        m = on_m(point, grad + hess @ delta, hess, normals[active], shell)
        step = m.basis @ newton(m, damping, EIG_TOL)
        step = step * min(1.0, TRUST * radius / step.norm().clamp_min(1e-300)
                          .item())
        before = kinks + normals @ delta      # aⱼ, affine on the piece
        after = before + normals @ step
        cross = (before * after < 0)
        cross[active] = False
        if not cross.any():
            return point + restore(z + delta, step, kinks + normals @ delta,
                                   normals, active, shell, radius), active
        frac = torch.where(cross, before / (before - after), torch.inf)
        j = int(frac.argmin())
        delta = restore(z, delta + frac[j] * step, kinks, normals,
                        active + [j], shell, radius)
        active.append(j)
    return z + delta, active


@torch.no_grad()
def release(gen: nn.Module, z: torch.Tensor, target: torch.Tensor,
            slopes: torch.Tensor, m: OnM, shell: bool, radius: float,
            num: int = 10) -> tuple[torch.Tensor, int]:
    """Leave the kink of steepest one-sided descent on its descending
    side: the best of `num` points z + t eⱼ, t from EDGE_STEP × r up ×10
    to TRUST × r (put back on the shell). → (new z, index of the kink in
    the active set)."""
    j, side = divmod(int(slopes.argmin()), 2)
    move = edge_directions(m, len(slopes))[j] * (1.0 - 2 * side)
    steps = (EDGE_STEP * 10.0 ** torch.arange(num, dtype=z.dtype)
             ).clamp_max(TRUST) * radius
    points = z + steps.unsqueeze(1) * move
    if shell:
        points = to_shell(points)
    loss = recon_loss(gen, points, target.expand(num, *target.shape))
    return points[int(loss.argmin())], j


@dataclass
class Critical:
    """The test at codes z (N, d): L, decrement on M / L, the extreme
    eigenvalues of L's Hessian on M (NaN where M is a point), the least
    one-sided slope across a kink / ‖∇L‖ beside it (inf without kinks),
    the number
    of active kinks, Newton iterations, and the verdict per code."""
    z: torch.Tensor
    loss: torch.Tensor
    rel_decrement: torch.Tensor
    lam_min: torch.Tensor
    lam_max: torch.Tensor
    edge_min: torch.Tensor
    kinks: torch.Tensor
    iterations: torch.Tensor
    verdict: list[str]

    def count(self, verdict: str) -> int:
        """How many codes got `verdict`."""
        return self.verdict.count(verdict)


def classify(rel_decrement: float, lam_min: float, lam_max: float,
             edge_min: float) -> str:
    """Not converged (decrement > STATIONARY · L, or a kink still descends
    on one side), else local minimum (λ_min > EIG_TOL · max|λ| and every
    kink a V beyond EDGE_TOL), saddle (λ_min < −EIG_TOL · max|λ|), or
    degenerate (within a tolerance). λ = NaN: M is a point."""
    if rel_decrement > STATIONARY or edge_min < -EDGE_TOL:
        return "not converged"
    tol = EIG_TOL * max(abs(lam_min), abs(lam_max))
    if lam_min < -tol:
        return "saddle"
    if edge_min <= EDGE_TOL or lam_min <= tol:   # NaN compares False
        return "degenerate"
    return "local minimum"


class _Codes:
    """The state of `converge`: float64 codes, their pieces, active sets,
    damping and refusals, all on the CPU (the per-code linear algebra is
    small)."""

    def __init__(self, gen: nn.Module, z: torch.Tensor,
                 targets: torch.Tensor, shell: bool):
        self.gen = freeze(copy.deepcopy(gen).cpu().double())
        layers(self.gen)
        z = z.cpu()
        self.targets, self.shell = targets.double().cpu(), shell
        self.z = to_shell(z.double()) if shell else z.double().clone()
        self.radius = z.shape[1] ** 0.5
        self.piece = piece(self.gen, self.z, self.targets)
        n = len(z)
        self.active: list[list[int]] = [[] for _ in range(n)]
        self.damping, self.refused = [0.0] * n, [0] * n
        self.iterations = [0] * n
        self.done = [False] * n

    def row(self, i: int) -> tuple[torch.Tensor, ...]:
        """Code i's piece: loss, gradient, Hessian, kinks, their normals."""
        p = self.piece
        return p.loss[i], p.grad[i], p.hess[i], p.kinks[i], p.normals[i]

    def on_m(self, i: int) -> OnM:
        """L on code i's M."""
        _, grad, hess, _, normals = self.row(i)
        return on_m(self.z[i], grad, hess, normals[self.active[i]],
                    self.shell)

    def slopes(self, i: int, m: OnM) -> torch.Tensor:
        """One-sided slopes across code i's active kinks (k, 2)."""
        return edge_slopes(self.gen, self.z[i], self.targets[i], m,
                           len(self.active[i]), EDGE_STEP * self.radius)

    def propose(self, i: int) -> tuple[torch.Tensor, list[int], bool] | None:
        """A Newton step or a release (z, active set, is it a release), or
        None when code i is finished."""
        m = self.on_m(i)
        loss = self.row(i)[0]
        if decrement(m, EIG_TOL) > STATIONARY * loss:
            return (*plan(self.z[i], self.row(i), self.active[i],
                          self.damping[i], self.shell, self.radius), False)
        slopes = self.slopes(i, m)
        if not len(slopes) or slopes.min() >= -EDGE_TOL:
            return None
        z, j = release(self.gen, self.z[i], self.targets[i], slopes, m,
                       self.shell, self.radius)
        return z, self.active[i][:j] + self.active[i][j + 1:], True

    def update(self, moves: dict[int, tuple[torch.Tensor, list[int], bool]]
               ) -> None:
        """Keep every release (the best point of its own search) and the
        steps that lower L; damp the refused codes' next step."""
        if not moves:
            return
        rows = list(moves)
        cand = torch.stack([moves[i][0] for i in rows])
        new = piece(self.gen, cand, self.targets[rows])
        for k, i in enumerate(rows):
            self.iterations[i] += 1
            if moves[i][2] or new.loss[k] < self.piece.loss[i]:
                self.z[i], self.active[i] = cand[k], moves[i][1]
                for name in ("loss", "grad", "hess", "kinks", "normals"):
                    getattr(self.piece, name)[i] = getattr(new, name)[k]
                self.damping[i], self.refused[i] = self.damping[i] / 4, 0
                continue
            scale = self.piece.hess[i].abs().max().item()
            self.damping[i] = max(4 * self.damping[i], EIG_TOL * scale)
            self.refused[i] += 1
            self.done[i] = self.refused[i] >= GIVE_UP

    def result(self) -> Critical:
        """The test at every code as it stands."""
        rows = [self._test(i) for i in range(len(self.z))]
        cols = list(zip(*rows))
        return Critical(self.z.cpu(), self.piece.loss.cpu(),
                        *(torch.tensor(c, dtype=torch.float64)
                          for c in cols[:4]),
                        torch.tensor([len(a) for a in self.active]),
                        torch.tensor(self.iterations),
                        [classify(*r) for r in rows])

    def _test(self, i: int) -> tuple[float, float, float, float]:
        """Decrement / L, λ_min, λ_max on M, least relative slope."""
        m = self.on_m(i)
        loss = self.row(i)[0]
        lam = torch.linalg.eigvalsh(m.hess) if len(m.grad) else \
            torch.full((1,), float("nan"), dtype=torch.float64)
        slopes = self.slopes(i, m)
        edge = slopes.min().item() if len(slopes) else float("inf")
        return (decrement(m, EIG_TOL) / loss.item(), lam[0].item(),
                lam[-1].item(), edge)


def converge(gen: nn.Module, z: torch.Tensor, targets: torch.Tensor,
             shell: bool, max_iter: int) -> Critical:
    """Active-set Newton in float64 from codes z (N, d) to points where L
    (on the shell ‖z‖ = √d, or unconstrained) is stationary on M and every
    active kink is a V, for at most `max_iter` iterations per code; then
    the test at each code (see `classify`)."""
    codes = _Codes(gen, z, targets, shell)
    for _ in range(max_iter):
        moves = {}
        for i in range(len(codes.z)):
            if not codes.done[i]:
                move = codes.propose(i)
                codes.done[i] = move is None
                if move is not None:
                    moves[i] = move
        if not moves:
            break
        codes.update(moves)
    return codes.result()


# ---- distinct minima ---------------------------------------------------

def groups(z: torch.Tensor, tol: float) -> list[int]:
    """Label codes z (R, d) by the connected components of "closer than
    tol": labels 0, 1, … in order of first appearance."""
    near = torch.cdist(z, z) < tol
    labels = [-1] * len(z)
    for seed in range(len(z)):
        if labels[seed] >= 0:
            continue
        label, stack = max(labels) + 1, [seed]
        while stack:
            i = stack.pop()
            if labels[i] < 0:
                labels[i] = label
                stack += [j for j in near[i].nonzero().flatten().tolist()
                          if labels[j] < 0]
    return labels


def distinct_losses(z: torch.Tensor, loss: torch.Tensor, keep: torch.Tensor,
                    tol: float) -> list[float]:
    """The loss of each distinct point among the kept codes z (R, d) (one
    per group of codes closer than tol), lowest first."""
    kept, values = z[keep], loss[keep]
    labels = groups(kept, tol)
    return sorted(values[labels.index(k)].item() for k in set(labels))
