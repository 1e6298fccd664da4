"""Turn "auto" | "cpu" | "cuda" | "mps" into a torch.device, with clear errors."""

import torch

DEVICE_NAMES = ("auto", "cpu", "cuda", "mps")


def _mps_available() -> bool:
    mps = getattr(torch.backends, "mps", None)
    return bool(mps and mps.is_available())


def resolve_device(name: str = "auto") -> torch.device:
    """Map a device name to a torch.device: auto = cuda, then mps, then cpu."""
    name = str(name).strip().lower()
    if name.startswith("cuda:"):
        base = "cuda"
    else:
        base = name
    if base not in DEVICE_NAMES:
        raise ValueError(
            f"Unknown device {name!r}: use one of {', '.join(DEVICE_NAMES)} "
            "(e.g. `make pdf DEVICE=cpu`).")
    if base == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if _mps_available():
            return torch.device("mps")
        return torch.device("cpu")
    if base == "cuda" and not torch.cuda.is_available():
        raise RuntimeError(
            "device='cuda' was requested but PyTorch sees no CUDA GPU "
            f"(torch {torch.__version__}, CUDA build: {torch.version.cuda}). "
            "Use DEVICE=cpu or DEVICE=auto, or install a CUDA build of torch.")
    if base == "mps" and not _mps_available():
        raise RuntimeError(
            "device='mps' was requested but no Apple-silicon GPU is available. "
            "Use DEVICE=cpu or DEVICE=auto.")
    return torch.device(name)


def describe(device: torch.device) -> str:
    """Human-readable device name, e.g. 'cuda (NVIDIA H100)' or 'cpu (2 threads)'."""
    if device.type == "cuda":
        return f"cuda ({torch.cuda.get_device_name(device)})"
    if device.type == "cpu":
        return f"cpu ({torch.get_num_threads()} threads)"
    return device.type


def native_bf16(device: torch.device) -> bool:
    """Whether bfloat16 matmuls/convolutions run in hardware on `device`.

    On a CPU that needs AVX512-BF16 or AMX; without them oneDNN emulates
    bf16 and autocast gets slower than fp32, not faster (measured: the HW3
    DCGAN ≈ 25× slower on an AVX2-only CPU)."""
    if device.type == "cuda":
        # the default also counts emulation (True on a T4/V100, which have
        # no bf16 tensor cores): ask for hardware bf16, i.e. sm_80 or newer
        try:
            native = torch.cuda.is_bf16_supported(including_emulation=False)
        except TypeError:  # torch < 2.3 has no such keyword
            native = torch.cuda.is_bf16_supported()
        return native and torch.cuda.get_device_capability(device) >= (8, 0)
    if device.type != "cpu":
        return False
    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(getattr(torch.cpu, name, lambda: False)() for name in checks)


def cpu_capability() -> str:
    """The vector ISA torch's CPU kernels use here, e.g. 'AVX2' or 'AVX512'."""
    return torch.backends.cpu.get_cpu_capability()


def deterministic_kernels(device: torch.device | str) -> None:
    """On CUDA: deterministic cuDNN kernels (no benchmark autotuning) and no
    TF32 in matmuls/convolutions, so that convolutions repeat run to run
    and the evaluation classifier's features behind FID keep float32
    precision. Not `torch.use_deterministic_algorithms`: some other ops
    (atomic adds) may still vary. No-op on other devices."""
    if torch.device(device).type != "cuda":
        return
    torch.backends.cudnn.benchmark = False
    torch.backends.cudnn.deterministic = True
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False


def rng_state(device: torch.device) -> dict[str, torch.Tensor]:
    """The CPU RNG state and, on cuda/mps, the device's (for a checkpoint)."""
    state = {"cpu": torch.get_rng_state()}
    if device.type == "cuda":
        state["cuda"] = torch.cuda.get_rng_state(device)
    elif device.type == "mps":
        state["mps"] = torch.mps.get_rng_state()
    return state


def set_rng_state(state: dict[str, torch.Tensor],
                  device: torch.device) -> None:
    """Restore `rng_state`'s output; a device key a checkpoint lacks (an
    older one, or one written on another device) is skipped."""
    torch.set_rng_state(state["cpu"].cpu())
    if device.type == "cuda" and "cuda" in state:
        torch.cuda.set_rng_state(state["cuda"].cpu(), device)
    elif device.type == "mps" and "mps" in state:
        torch.mps.set_rng_state(state["mps"].cpu())
