"""L(z) = ‖G(z) − x‖² piece by piece, for G = tanh ∘ (Linear and LeakyReLU
or ReLU layers): used by HW2 2c's test of local minima (`critical`).

Before the tanh such a G is piecewise affine: on each piece (a sign
pattern of the hidden units' inputs aⱼ) the pre-tanh output is h + J(z' − z)
exactly and every aⱼ is affine, so L's gradient and Hessian there follow
from J in closed form. Where units are active (aⱼ = 0 for j ∈ K), L is
smooth along M = {a_K = 0} (∩ the shell ‖z‖ = r): `on_m` gives its
derivatives there, `edge_slopes` its one-sided slopes across each kink.
"""

from dataclasses import dataclass

import torch
from torch import nn

from .inversion import recon_loss

KINKS = (nn.LeakyReLU, nn.ReLU)


def layers(gen: nn.Module) -> nn.Sequential:
    """gen.net, checked to be Linear and LeakyReLU/ReLU layers, then Tanh."""
    net = getattr(gen, "net", None)
    ok = isinstance(net, nn.Sequential) and isinstance(net[-1], nn.Tanh) \
        and all(isinstance(m, (nn.Linear, *KINKS)) for m in net[:-1])
    if not ok:
        raise ValueError("The kink test needs gen.net = Sequential(Linear, "
                         "LeakyReLU or ReLU layers, …, Tanh).")
    return net


@dataclass
class Piece:
    """L at codes z (N, d), its gradient (N, d) and Hessian (N, d, d) on
    z's piece, and the hidden units' inputs a (N, m) with their gradients
    ∇a (N, m, d)."""
    loss: torch.Tensor
    grad: torch.Tensor
    hess: torch.Tensor
    kinks: torch.Tensor
    normals: torch.Tensor


def piece(gen: nn.Module, z: torch.Tensor, targets: torch.Tensor,
          chunk: int = 64) -> Piece:
    """`Piece` of every row of z, computed `chunk` codes at a time."""
    net = layers(gen)
    parts = [_piece(net, zc, tc.flatten(1)) for zc, tc in
             zip(z.split(chunk), targets.split(chunk))]
    return Piece(*(torch.cat(p) for p in zip(*parts)))


@torch.no_grad()
def _piece(net: nn.Sequential, z: torch.Tensor, x: torch.Tensor
           ) -> tuple[torch.Tensor, ...]:
    """`piece` for one chunk, by forward-mode products through the layers."""
    h = z
    jac = torch.eye(z.shape[1], dtype=z.dtype, device=z.device) \
        .expand(len(z), -1, -1)                               # ∂h/∂z
    kinks, normals = [], []
    for layer in net[:-1]:
        if isinstance(layer, nn.Linear):
            h, jac = layer(h), layer.weight @ jac
        else:
            kinks.append(h)
            normals.append(jac)
            slope = layer(torch.where(h > 0, 1.0, -1.0)).abs()  # 1 or s
            h, jac = layer(h), slope.unsqueeze(-1) * jac
    out = torch.tanh(h)               # G = tanh(h), h affine on the piece
    sech2 = 1 - out ** 2
    # L = Σ (tanh h − x)²: ∂L/∂h = 2(G − x)(1 − G²), and ∂²L/∂h² is
    # diagonal, 2(1 − G²)[(1 − G²) − 2G(G − x)], while ∂²h/∂z² = 0
    dl = 2 * (out - x) * sech2
    d2l = 2 * sech2 * (sech2 - 2 * out * (out - x))
    grad = (jac.transpose(1, 2) @ dl.unsqueeze(-1)).squeeze(-1)
    hess = jac.transpose(1, 2) @ (d2l.unsqueeze(-1) * jac)
    empty = z.new_zeros(len(z), 0)
    return ((out - x).pow(2).sum(1), grad, hess,
            torch.cat(kinks, 1) if kinks else empty,
            torch.cat(normals, 1) if normals else empty.unsqueeze(-1)
            .expand(-1, -1, z.shape[1]))


# ---- L on M --------------------------------------------------------------

@dataclass
class OnM:
    """L restricted to M at one code: a basis of M's tangent space
    (d, d − c), the reduced gradient and Hessian, and the constraint
    normals A (d, c): z itself (shell) and the active kinks' ∇aⱼ."""
    basis: torch.Tensor
    grad: torch.Tensor
    hess: torch.Tensor
    normals: torch.Tensor


def on_m(z: torch.Tensor, grad: torch.Tensor, hess: torch.Tensor,
         kink_normals: torch.Tensor, shell: bool) -> OnM:
    """L on M through z: ĝ = Uᵀ∇L, Ĥ = Uᵀ(∇²L − μ I)U, where μ z is the
    shell's share of ∇L (the Lagrange multiplier of ‖z‖² = r²; the kinks
    add no curvature, each aⱼ being affine)."""
    cols = ([z.unsqueeze(1)] if shell else []) + [kink_normals.T]
    a = torch.cat(cols, 1)
    q, _ = torch.linalg.qr(a, mode="complete")
    basis = q[:, a.shape[1]:]             # orthonormal, ⊥ every column of A
    hess_m = basis.T @ hess @ basis
    if shell:
        mu = torch.linalg.lstsq(a, grad.unsqueeze(1)).solution[0, 0]
        hess_m = hess_m - mu * torch.eye(len(hess_m), dtype=z.dtype)
    return OnM(basis, basis.T @ grad, hess_m, a)


def newton(m: OnM, damping: float, floor: float) -> torch.Tensor:
    """Reduced step ξ = −(Ĥ + νI)⁻¹ĝ with ν ≥ `damping` raised (×4, from
    at least floor × max|Ĥ|) until Ĥ + νI is positive definite
    (Levenberg–Marquardt); (d − c,)."""
    if not len(m.grad):
        return m.grad
    eye = torch.eye(len(m.grad), dtype=m.grad.dtype)
    nu, scale = damping, m.hess.abs().max().clamp_min(1e-300).item()
    while True:
        chol, info = torch.linalg.cholesky_ex(m.hess + nu * eye)
        if info == 0:
            return -torch.cholesky_solve(m.grad.unsqueeze(1), chol).squeeze(1)
        nu = max(4 * nu, floor * scale)


def decrement(m: OnM, floor: float) -> float:
    """½ ĝᵀ|Ĥ|⁻¹ĝ, |λ| floored at floor × max|λ| (0 where M is a point)."""
    if not len(m.grad):
        return 0.0
    lam, vec = torch.linalg.eigh(m.hess)
    least = floor * lam.abs().max().clamp_min(1e-300)
    return 0.5 * ((vec.T @ m.grad) ** 2 / lam.abs().clamp_min(least)) \
        .sum().item()


def restore(z: torch.Tensor, delta: torch.Tensor, kinks: torch.Tensor,
            normals: torch.Tensor, active: list[int], shell: bool,
            radius: float, rounds: int = 3) -> torch.Tensor:
    """The least correction of `delta` that puts z + delta back on M:
    a_K + ∇a_K·delta = 0 (exact on the piece) and ‖z + delta‖ = r
    (Gauss–Newton, `rounds` times)."""
    for _ in range(rounds):
        point = z + delta
        rows = [normals[active]]
        resid = [kinks[active] + normals[active] @ delta]
        if shell:                     # (‖z‖² − r²)/(2r), gradient z/r
            rows.append(point.unsqueeze(0) / radius)
            resid.append(((point @ point - radius ** 2) / (2 * radius))
                         .view(1))
        jac, res = torch.cat(rows), torch.cat(resid)
        if not len(res):
            break
        delta = delta - torch.linalg.lstsq(
            jac, res.unsqueeze(1), driver="gelsd").solution.squeeze(1)
    return delta


def edge_directions(m: OnM, num_kinks: int) -> torch.Tensor:
    """Unit directions eⱼ (k, d) with ∇aⱼ·eⱼ > 0 and Aᵀeⱼ = 0 for every
    other constraint: each leaves one active kink and keeps the rest."""
    sel = torch.zeros(m.normals.shape[1], num_kinks,
                      dtype=m.normals.dtype)
    sel[-num_kinks:] = torch.eye(num_kinks, dtype=m.normals.dtype)
    dirs = (torch.linalg.pinv(m.normals.T) @ sel).T        # Aᵀeⱼ = selⱼ
    return dirs / dirs.norm(dim=1, keepdim=True)


def edge_slopes(gen: nn.Module, z: torch.Tensor, target: torch.Tensor,
                m: OnM, num_kinks: int, offset: float) -> torch.Tensor:
    """One-sided slopes of L across each active kink (k, 2), relative to
    the largest ‖∇L‖ where they are measured: along the unit edge direction
    eⱼ that keeps the other constraints (∇aᵢ·eⱼ = 0, i ≠ j, and zᵀeⱼ = 0
    on the shell) and raises aⱼ, `offset` off the kink on either side;
    column 0 is ∂L/∂eⱼ, column 1 ∂L/∂(−eⱼ). (On a kink, ∇L is that of
    whichever piece rounding picks, and may be near 0: the pieces beside
    it give the scale.)"""
    if not num_kinks:
        return z.new_zeros(0, 2)
    dirs = edge_directions(m, num_kinks)
    signed = torch.cat([dirs, -dirs])
    points = (z + offset * signed).requires_grad_(True)
    loss = recon_loss(gen, points, target.expand(len(points), *target.shape))
    (grad,) = torch.autograd.grad(loss.sum(), points)
    slopes = (grad * signed).sum(1).view(2, num_kinks).T
    return slopes / grad.norm(dim=1).max().clamp_min(1e-300)
