"""HW2 Part 1 (e): sampling Echo noise and checking part (d).

Echo noise (Brekelmans et al., 2019) draws z ~ q⋆(z|x₀) as the series
z = m(x₀) + Σ_{k≥1} (Π_{j<k} S(x_j)) m(x_k), x₁, x₂, … fresh data points.
Here S = diag(s) with s = s_max·σ(·) ∈ (0, s_max), s_max < 1 (a contraction),
the series is cut after K terms with K chosen so that the dropped tail is below
the dtype's rounding error, and x₁, …, x_{K−1} are the other samples of the
minibatch: along one random cyclic order (`echo_sample`), or a fresh random
permutation per sample as in the paper's code (`echo_sample_permuted`).
Also the part-(d) toy (`EchoToy`) and the KSG estimator of I(x; z) that
checks it; the rate–distortion autoencoders are in `helpers.echo_ae`.
Used by HW2 1e.
"""

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch.nn import functional as F

# ---- the sampler ------------------------------------------------------------


def echo_depth(s_max: float, dtype: torch.dtype = torch.float32) -> int:
    """Terms K needed so that the truncated tail is below rounding error."""
    if not 0 < s_max < 1:
        raise ValueError(f"s_max must be in (0, 1) for a contraction, not {s_max}.")
    eps = torch.finfo(dtype).eps
    # tail ≤ s_max^K · max|m| / (1 − s_max) ≤ eps · max|m|  ⇔  s_max^K ≤ eps(1 − s_max)
    return math.ceil(math.log(eps * (1 - s_max)) / math.log(s_max))


def truncation_bound(s_max: float, depth: int, m_max: float) -> float:
    """Bound on |z_∞ − z_K|: the dropped tail Π_{j<K} s_j · z_tail."""
    # |Π_{j<K} s_j| ≤ s_max^K and |z_tail| ≤ Σ_k s_max^k max|m| = max|m|/(1 − s_max)
    return s_max ** depth * m_max / (1 - s_max)


def bounded_scale(raw: torch.Tensor, s_max: float) -> torch.Tensor:
    """s = s_max · σ(raw) ∈ (0, s_max): the diagonal of S, a contraction."""
    return s_max * torch.sigmoid(raw)


def log_bounded_scale(raw: torch.Tensor, s_max: float) -> torch.Tensor:
    """log s = log s_max + log σ(raw), accurate also where σ(raw) underflows."""
    return math.log(s_max) + F.logsigmoid(raw)


def random_order(batch: int, device: torch.device | str = "cpu",
                 generator: torch.Generator | None = None) -> torch.Tensor:
    """A random cyclic order of the batch (who echoes whom)."""
    return torch.randperm(batch, device=device, generator=generator)


def check_depth(depth: int, batch: int) -> None:
    """Refuse a depth K that the batch cannot fill without reusing x₀."""
    if not 1 <= depth <= batch:
        raise ValueError(
            f"depth K={depth} needs a batch of at least K samples (batch is "
            f"{batch}): the chain x₁…x_(K−1) would reuse x₀. Use a larger "
            "batch or a smaller s_max (see echo_depth).")


def echo_sample(m: torch.Tensor, s: torch.Tensor, depth: int,
                order: torch.Tensor | None = None,
                generator: torch.Generator | None = None) -> torch.Tensor:
    """z_K = Σ_{k<K} (Π_{j<k} s(x_j)) m(x_k) for each sample x₀ of the batch.

    m, s: (B, d). Along the cyclic `order` (random if None) the sample at
    position p uses the samples at p+1, …, p+K−1 as x₁, …, x_{K−1}. The K
    steps z[p] ← m[p] + s[p]·z[p+1] are affine maps; they are composed by
    repeated squaring, so the cost is O(B·d·log K) in log₂K vectorised steps.
    """
    batch = m.shape[0]
    check_depth(depth, batch)
    if order is None:
        order = random_order(batch, m.device, generator)
    m_o, s_o = m[order], s[order]
    # a block of L steps from position p: z[p] = b[p] + a[p]·z[p+L]
    blk_a, blk_b, blk_len = s_o, m_o, 1
    acc_a, acc_b, acc_len = torch.ones_like(s_o), torch.zeros_like(m_o), 0
    remaining = depth
    while remaining:
        if remaining & 1:  # append a block after acc_len steps
            acc_b = acc_b + acc_a * blk_b.roll(-acc_len, 0)  # b += a·b_blk[p+L]
            acc_a = acc_a * blk_a.roll(-acc_len, 0)          # a ·= a_blk[p+L]
            acc_len += blk_len
        remaining >>= 1
        if remaining:  # a block of 2L steps is two blocks of L
            blk_b = blk_b + blk_a * blk_b.roll(-blk_len, 0)
            blk_a = blk_a * blk_a.roll(-blk_len, 0)
            blk_len *= 2
    # acc_b[p] belongs to sample order[p]
    return acc_b[torch.argsort(order)]


def other_items(batch: int, count: int, device: torch.device | str = "cpu",
                generator: torch.Generator | None = None) -> torch.Tensor:
    """(batch, count): row i is a random permutation of the other items of
    the batch, cut to `count` (sampling without replacement, x₀ excluded)."""
    if not 0 <= count <= batch - 1:
        raise ValueError(f"{count} echo terms need a batch of at least "
                         f"{count + 1} (batch is {batch}).")
    keys = torch.rand(batch, batch, device=device, generator=generator)
    keys.fill_diagonal_(2.0)  # every other key is < 1: x₀ sorts last
    return keys.argsort(dim=1)[:, :count]


def echo_sample_permuted(m: torch.Tensor, s: torch.Tensor, depth: int,
                         generator: torch.Generator | None = None
                         ) -> torch.Tensor:
    """The paper's batch sampler: z = m(x₀) + s(x₀)·Σ_{k=1}^{K−1}
    (Π_{1≤j<k} s(x_j)) m(x_k), x₁…x_{K−1} a fresh permutation of the other
    samples of the batch for every x₀ (O(B·K·d) memory)."""
    batch = m.shape[0]
    check_depth(depth, batch)
    if depth == 1:
        return m
    idx = other_items(batch, depth - 1, m.device, generator)  # (B, K−1)
    noise = echo_series(m[idx].transpose(0, 1), s[idx].transpose(0, 1))
    return m + s * noise[-1]


def echo_series(m_seq: torch.Tensor, s_seq: torch.Tensor) -> torch.Tensor:
    """Partial sums z_K = Σ_{k<K} (Π_{j<k} s_j) m_k, K = 1..len, along axis 0."""
    prods = torch.cumprod(s_seq, 0)
    # Π_{j<k} s_j: 1 for k = 0, then the cumulative products shifted by one
    prods = torch.cat([torch.ones_like(prods[:1]), prods[:-1]])
    return torch.cumsum(prods * m_seq, 0)


def echo_partial_sums(m: torch.Tensor, s: torch.Tensor, depth: int,
                      order: torch.Tensor) -> torch.Tensor:
    """Every truncation z_1..z_K of `echo_sample` (same chains), (K, B, d).

    The direct O(K·B·d)-memory definition: a reference for the fast sampler
    and the truncation-error measurement.
    """
    batch = m.shape[0]
    check_depth(depth, batch)
    position = torch.argsort(order)  # where each sample sits in the order
    k = torch.arange(depth, device=m.device)
    # x_k of sample i is the sample k places after it along the order
    chain = order[(position[None, :] + k[:, None]) % batch]
    return echo_series(m[chain], s[chain])


# ---- a toy data distribution for the part-(d) check -------------------------


@dataclass(frozen=True)
class EchoToy:
    """x ~ N(0, I_d), m(x) = x, s_i(x) = s_max·σ(slope·x_i): a continuous
    data distribution whose Echo rate −E log|det S(x)| is known to quadrature."""
    dim: int = 1
    s_max: float = 0.8
    slope: float = 2.0

    def scale(self, x: torch.Tensor) -> torch.Tensor:
        """s(x) = s_max·σ(slope·x), elementwise."""
        return bounded_scale(self.slope * x, self.s_max)

    def exact_rate(self, nodes: int = 101) -> float:
        """−E log|det S(x)| = −d·E_u[log s_max + log σ(slope·u)], u ~ N(0, 1)."""
        u, w = np.polynomial.hermite_e.hermegauss(nodes)  # weight e^{−u²/2}
        log_sig = -np.logaddexp(0.0, -self.slope * u)     # log σ(slope·u)
        expect = np.sum(w * log_sig) / math.sqrt(2 * math.pi)
        return -self.dim * (math.log(self.s_max) + expect)

    def sample(self, n: int, generator: torch.Generator,
               chains: str = "batch",
               dtype: torch.dtype = torch.float64) -> tuple[torch.Tensor, torch.Tensor]:
        """n pairs (x, z): z from the batch sampler, or from independent chains."""
        depth = echo_depth(self.s_max, dtype)
        x = torch.randn(n, self.dim, generator=generator, dtype=dtype)
        if chains == "batch":
            return x, echo_sample(x, self.scale(x), depth, generator=generator)
        if chains == "independent":
            # x_k fresh for every sample: exact i.i.d. draws up to truncation
            xs = torch.randn(depth - 1, n, self.dim, generator=generator,
                             dtype=dtype)
            seq = torch.cat([x[None], xs])
            return x, echo_series(seq, self.scale(seq))[-1]
        raise ValueError(f"chains must be 'batch' or 'independent', not {chains!r}")


# ---- kNN mutual information ---------------------------------------------------


def _max_norm_dist(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """‖a_i − b_j‖_∞ for every pair, (len(a), len(b))."""
    return torch.cdist(a, b, p=float("inf"))


def ksg_mutual_information(x: torch.Tensor, z: torch.Tensor, k: int = 3,
                           chunk: int = 256) -> float:
    """Kraskov–Stögbauer–Grassberger (2004) estimator 1 of I(x; z), in nats.

    I ≈ ψ(k) + ψ(n) − ⟨ψ(n_x + 1) + ψ(n_z + 1)⟩, where ε_i is the max-norm
    distance from (x_i, z_i) to its k-th neighbour in the joint space and
    n_x(i), n_z(i) count the points strictly within ε_i in each marginal.
    Chosen over H(z) − H(z|x) with Kozachenko–Leonenko entropies because
    H(z|x) has no direct KL estimate for continuous x, and KSG uses the same
    ε_i in the joint and marginal spaces, so the biases of the entropy terms
    largely cancel (exactly 0 in expectation for independent x, z). It is
    consistent as n → ∞; for strong dependence it is biased low at finite n.
    O(n²) time, O(chunk·n) memory.
    """
    if x.device.type == "mps":  # no float64 on MPS
        x, z = x.cpu(), z.cpu()
    x = x.reshape(len(x), -1).double()
    z = z.reshape(len(z), -1).double()
    n = len(x)
    total = torch.zeros((), dtype=torch.float64, device=x.device)
    for rows in torch.arange(n, device=x.device).split(chunk):
        dx, dz = _max_norm_dist(x[rows], x), _max_norm_dist(z[rows], z)
        joint = torch.maximum(dx, dz)
        # k-th neighbour: the (k+1)-th smallest distance, the point itself being 0
        eps = joint.topk(k + 1, dim=1, largest=False).values[:, -1:]
        n_x = (dx < eps).sum(1) - 1  # strictly inside, minus the point itself
        n_z = (dz < eps).sum(1) - 1
        total += (torch.special.digamma(n_x + 1.0)
                  + torch.special.digamma(n_z + 1.0)).sum()
    psi = torch.special.digamma
    const = psi(torch.tensor([float(k), float(n)], dtype=torch.float64)).sum()
    return float(const) - float(total) / n  # ψ(k) + ψ(n) − ⟨ψ(n_x+1) + ψ(n_z+1)⟩


def mi_versus_n(toy: EchoToy, sizes: tuple[int, ...], repeats: int, seed: int,
                chains: str = "batch", k: int = 3,
                device: torch.device | str = "cpu") -> np.ndarray:
    """KSG estimates of I(x; z), (len(sizes), repeats), one fresh sample each
    (drawn on the CPU, so the numbers do not depend on the device)."""
    gen = torch.Generator().manual_seed(seed)
    out = np.empty((len(sizes), repeats))
    for i, n in enumerate(sizes):
        for r in range(repeats):
            x, z = toy.sample(n, gen, chains)
            out[i, r] = ksg_mutual_information(x.to(device), z.to(device), k)
    return out


def truncation_errors(m: torch.Tensor, s: torch.Tensor, max_depth: int,
                      generator: torch.Generator) -> np.ndarray:
    """max_i |z_K − z_∞| for K = 1..max_depth along one random order; z_∞ is
    the series over the whole batch (its own tail is below s_max^B)."""
    order = random_order(len(m), m.device, generator)
    sums = echo_partial_sums(m, s, len(m), order)
    return (sums[:max_depth] - sums[-1]).abs().amax(dim=(1, 2)).cpu().numpy()
