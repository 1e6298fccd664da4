"""`make bench`: our GAN training loops against the loop most code is written
as, in one process and one table, with achieved GFLOP/s next to a matmul peak
measured in the same run.

Reference loop ("the common way", as in the PyTorch-GAN implementations):
torchvision's dataset with `ToTensor` + `Normalize` transforms through a
shuffling `DataLoader`, the same models and batch size, Adam with its default
(foreach) kernels, separate discriminator passes for real and fake images,
and `.item()` on the losses after every step (a host sync). Our loop is
`helpers.train.run_epoch`, the one training uses: the whole dataset as one
uint8 tensor on the device, index batches, fused Adam, one discriminator pass
over [real; fake], a host sync every 50 steps.

Seconds per epoch are timed over `--steps` steps after `--warmup` steps and
extrapolated to one pass over the 60 000 training images.

    python benchmarks/bench.py [--device auto] [--steps 200] [--warmup 20]
"""

import argparse
import json
import platform
import time
from dataclasses import dataclass, replace
from pathlib import Path

import torch
import torch.nn.functional as F
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils.flop_counter import flop_registry

from helpers import bill, data, train
from helpers.experiments import GANConfig, experiment_config
from helpers.models import build_gan
from helpers.steps import STEPS
from helpers.device import cpu_capability, describe, native_bf16, resolve_device
from helpers.losses import gradient_penalty, r1_penalty
from helpers.paths import REPO_ROOT, data_dir

# (row label, experiment): the settings of the runs the notebooks train
CASES = [("FC GAN (2a recipe, no R1)", "hw2_2a_gan_no_r1"),
         ("FC GAN + R1 (2a as trained)", "hw2_2a_gan"),
         ("WGAN-GP (2b)", "hw2_2b_wgan_gp"),
         ("DCGAN (HW3 Q3), fp32", "hw3_q3_dcgan"),
         ("FC GAN, bf16 autocast (opt-in)", "hw2_2a_gan_no_r1+bf16"),
         ("DCGAN, bf16 autocast (as trained where bf16 is native)",
          "hw3_q3_dcgan+bf16")]
TRAIN_IMAGES = 60_000


# ---- measurement helpers ----------------------------------------------------

def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def reset_peak_memory(device: torch.device) -> None:
    """Start a new peak: CUDA's allocator counter, or Linux's peak RSS."""
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
        return
    try:
        Path("/proc/self/clear_refs").write_text("5")  # 5: reset VmHWM
    except OSError:
        pass


def peak_memory_mib(device: torch.device) -> float:
    """Peak allocated GPU memory, or peak resident set size on CPU (MiB)."""
    if device.type == "cuda":
        return torch.cuda.max_memory_allocated(device) / 2**20
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def gemm_gflops(m: int, k: int, n: int, device: torch.device,
                seconds: float = 1.0) -> float:
    """fp32 (m×k)·(k×n) rate: 2mkn FLOP per product, best of repeated runs."""
    a = torch.randn(m, k, device=device)
    b = torch.randn(k, n, device=device)
    for _ in range(3):
        a @ b
    sync(device)
    best, spent = float("inf"), 0.0
    reps = max(1, int(2e9 / (2 * m * k * n)))  # ≈2 GFLOP per timing
    while spent < seconds:
        start = time.perf_counter()
        for _ in range(reps):
            a @ b
        sync(device)
        elapsed = time.perf_counter() - start
        best, spent = min(best, elapsed / reps), spent + elapsed
    return 2 * m * k * n / best / 1e9


# ---- our loop ----------------------------------------------------------------

def time_ours(config: GANConfig, images: torch.Tensor, steps: int,
              warmup: int, device: torch.device) -> float:
    """Seconds per step of `train.run_epoch` (what training runs)."""
    return bill.step_seconds(config, images, device, steps, warmup)


class CountFlops(TorchDispatchMode):
    """Sums torch's per-op FLOP formulas (matmul, conv, …) over what runs.

    torch's FlopCounterMode also tracks modules with backward hooks, which
    breaks double backward (R1, the gradient penalty); this counts ops only.
    """

    def __init__(self) -> None:
        super().__init__()
        self.total = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        out = func(*args, **kwargs)
        formula = flop_registry.get(func._overloadpacket)
        if formula is not None:
            self.total += formula(*args, **kwargs, out_val=out)
        return out


def flops_per_step(config: GANConfig, images: torch.Tensor,
                   device: torch.device) -> float:
    """FLOP of one of our steps, averaged over a generator-update cycle."""
    gen, disc, opt_g, opt_d = train.build_training(config, device)
    cycle = config.n_critic if config.method == "wgan-gp" else 1
    step = STEPS[config.method]
    real = data.to_signed_unit(images[:config.batch_size])
    with CountFlops() as counter, torch.autocast(
            device.type, torch.bfloat16, enabled=config.bf16):
        for i in range(cycle):
            step(gen, disc, opt_g, opt_d, real, config, i)
    return counter.total / cycle


# ---- the reference loop --------------------------------------------------------

def reference_loader(dataset: str, batch_size: int) -> torch.utils.data.DataLoader:
    """torchvision dataset + ToTensor/Normalize + shuffling DataLoader."""
    from torchvision import datasets, transforms
    data.fetch(dataset)  # files in place: torchvision finds them, no download
    transform = transforms.Compose([transforms.ToTensor(),
                                    transforms.Normalize([0.5], [0.5])])
    source = getattr(datasets, dataset)(str(data_dir()), train=True,
                                        download=False, transform=transform)
    return torch.utils.data.DataLoader(source, batch_size=batch_size,
                                       shuffle=True)


def reference_bce_step(gen, disc, opt_g, opt_d, real, config, step):
    """PyTorch-GAN gan.py: G step, then D on real and on detached fake."""
    valid = torch.ones(real.shape[0], device=real.device)
    fake_label = torch.zeros(real.shape[0], device=real.device)
    z = torch.randn(real.shape[0], config.z_dim, device=real.device)
    opt_g.zero_grad()
    fake = gen(z)
    g_loss = F.binary_cross_entropy_with_logits(disc(fake), valid)
    g_loss.backward()
    opt_g.step()
    opt_d.zero_grad()
    real = real.requires_grad_(config.r1_weight > 0)
    real_logits = disc(real)
    d_loss = (F.binary_cross_entropy_with_logits(real_logits, valid)
              + F.binary_cross_entropy_with_logits(disc(fake.detach()),
                                                   fake_label)) / 2
    if config.r1_weight > 0:  # R1: (γ/2) E‖∇ₓ D(x)‖²
        d_loss = d_loss + config.r1_weight / 2 * r1_penalty(real_logits, real)
    d_loss.backward()
    opt_d.step()
    return d_loss.item(), g_loss.item()


def reference_wgan_gp_step(gen, critic, opt_g, opt_c, real, config, step):
    """PyTorch-GAN wgan_gp.py: critic every batch, G every n_critic batches."""
    z = torch.randn(real.shape[0], config.z_dim, device=real.device)
    opt_c.zero_grad()
    fake = gen(z).detach()
    c_loss = (critic(fake).mean() - critic(real).mean()
              + config.gp_weight * gradient_penalty(critic, real, fake))
    c_loss.backward()
    opt_c.step()
    g_value = float("nan")
    if step % config.n_critic == 0:
        opt_g.zero_grad()
        g_loss = -critic(gen(z)).mean()
        g_loss.backward()
        opt_g.step()
        g_value = g_loss.item()
    return c_loss.item(), g_value


def time_reference(config: GANConfig, steps: int, warmup: int,
                   device: torch.device) -> float:
    """Seconds per step of the common loop with the same models."""
    gen, disc = (m.to(device) for m in build_gan(config.model,
                                                 config.z_dim))
    opt_g = torch.optim.Adam(gen.parameters(), lr=config.lr, betas=config.betas)
    opt_d = torch.optim.Adam(disc.parameters(), lr=config.lr, betas=config.betas)
    step_fn = (reference_wgan_gp_step if config.method == "wgan-gp"
               else reference_bce_step)
    loader = reference_loader(config.dataset, config.batch_size)
    start = None
    for i, (real, _) in enumerate(loader):
        if i == warmup:
            sync(device)
            start = time.perf_counter()
        if i == warmup + steps:
            break
        with torch.autocast(device.type, torch.bfloat16, enabled=config.bf16):
            step_fn(gen, disc, opt_g, opt_d, real.to(device), config, i)
    sync(device)
    return (time.perf_counter() - start) / steps


# ---- the table -------------------------------------------------------------------

@dataclass
class Row:
    case: str
    ours_s_per_epoch: float
    reference_s_per_epoch: float
    speedup: float
    gflop_per_step: float
    ours_gflops: float
    percent_of_gemm64: float
    peak_mib: float


def bench_case(label: str, experiment: str, steps: int, warmup: int,
               device: torch.device, gemm64: float) -> Row:
    name, _, option = experiment.partition("+")
    config = replace(experiment_config(name, "full"), eval_samples=0,
                     bf16=option == "bf16")
    images, _ = data.load(config.dataset, "train", device)
    steps_per_epoch = TRAIN_IMAGES // config.batch_size
    torch.manual_seed(0)
    reset_peak_memory(device)
    ours = time_ours(config, images, steps, warmup, device)
    peak = peak_memory_mib(device)
    reference = time_reference(config, steps, warmup, device)
    flops = flops_per_step(config, images, device)
    rate = flops / ours / 1e9
    return Row(label, ours * steps_per_epoch, reference * steps_per_epoch,
               reference / ours, flops / 1e9, rate, 100 * rate / gemm64, peak)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def markdown(rows: list[Row], gemm64: float, gemm_big: float,
             machine: str) -> str:
    lines = [f"Machine: {machine}", "",
             f"fp32 GEMM peak: batch-64 shaped (64×1024·1024×1024) "
             f"{gemm64:.0f} GFLOP/s, square 4096³ {gemm_big:.0f} GFLOP/s", "",
             "| loop | ours s/epoch | reference s/epoch | speed-up | "
             "GFLOP/step | ours GFLOP/s | % of batch-64 GEMM | peak MiB |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {r.case} | {r.ours_s_per_epoch:.1f} | "
              f"{r.reference_s_per_epoch:.1f} | {r.speedup:.2f}× | "
              f"{r.gflop_per_step:.2f} | {r.ours_gflops:.0f} | "
              f"{r.percent_of_gemm64:.0f} % | {r.peak_mib:.0f} |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", default="auto")
    parser.add_argument("--steps", type=int, default=200,
                        help="timed steps per loop (default 200)")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--cases", nargs="*", default=[c[1] for c in CASES],
                        help="experiments to bench (default: all)")
    parser.add_argument("--out", default=str(REPO_ROOT / "build" / "bench.json"))
    args = parser.parse_args(argv)
    device = resolve_device(args.device)
    machine = (f"{cpu_model()} ({cpu_capability()}), "
               f"{torch.get_num_threads()} threads"
               if device.type == "cpu" else describe(device))
    machine += f"; torch {torch.__version__}"
    print(f"[bench] {machine}", flush=True)
    gemm64 = gemm_gflops(64, 1024, 1024, device)
    gemm_big = gemm_gflops(4096, 4096, 4096, device)
    rows = []
    for label, experiment in CASES:
        if experiment not in args.cases:
            continue
        if experiment.endswith("+bf16") and not native_bf16(device):
            print(f"[bench] skipped {label}: no native bf16 on this device "
                  "(a CPU needs AVX512-BF16 or AMX; emulated bf16 is slower "
                  "than fp32)", flush=True)
            continue
        print(f"[bench] {label} …", flush=True)
        rows.append(bench_case(label, experiment, args.steps, args.warmup,
                               device, gemm64))
    table = markdown(rows, gemm64, gemm_big, machine)
    print(table)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"machine": machine, "gemm64_gflops": gemm64,
                               "gemm4096_gflops": gemm_big,
                               "rows": [r.__dict__ for r in rows]}, indent=2))
    print(f"[bench] wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
