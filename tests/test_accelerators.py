"""Issue 30: accelerator behaviour, proven on the CPU with simulated devices
(monkeypatched torch.cuda / torch.mps): checkpoints load to the CPU, bf16
only where it is native, MPS RNG in checkpoints, CUDA determinism."""

import pytest
import torch

from helpers import device as dev
from helpers import echo_ae, metrics, notebook


@pytest.fixture
def load_spy(monkeypatch):
    """Every map_location torch.load is called with."""
    seen, real_load = [], torch.load

    def spy(*args, **kwargs):
        seen.append(kwargs.get("map_location"))
        return real_load(*args, **kwargs)
    monkeypatch.setattr(torch, "load", spy)
    return seen


def only_cpu(locations: list) -> bool:
    return bool(locations) and all(isinstance(loc, str) and loc == "cpu"
                                   for loc in locations)


# -- 1. checkpoints load to the CPU ------------------------------------------

def test_cached_classifier_loads_to_cpu(runs_dir, monkeypatch):
    seen = []

    def fake_load(folder, map_location="cpu"):
        seen.append(map_location)
        return {"model": metrics.Classifier().state_dict(),
                "test_accuracy": torch.tensor(0.5)}
    monkeypatch.setattr(metrics, "load_checkpoint", fake_load)
    model = metrics.classifier("MNIST", "cpu", "tiny")
    assert only_cpu(seen) and model.test_accuracy == 0.5


def test_echo_ae_run_cache_loads_to_cpu(runs_dir, load_spy):
    config = echo_ae.AEConfig(kind="gauss", beta=1.0, num_epochs=1,
                              num_train=256)
    first = echo_ae.train_rd(config, "cpu", num_test=256)   # trains
    load_spy.clear()
    again = echo_ae.train_rd(config, "cpu", num_test=256)   # loads
    assert only_cpu(load_spy)
    assert again.train_loss == first.train_loss


def test_sample_cli_loads_to_cpu_and_sets_kernels(runs_dir, tmp_path,
                                                  load_spy, monkeypatch):
    from helpers import __main__ as cli
    from helpers import experiments, train
    config = experiments.experiment_config(
        "hw3_q3_dcgan", "smoke", num_train=128, num_epochs=1,
        snapshot_epochs=(1,), eval_samples=0)
    run = train.train_gan(config, progress=False)
    called = []
    monkeypatch.setattr(cli, "deterministic_kernels", called.append)
    load_spy.clear()
    assert cli.main(["sample", str(run.folder), "--n", "3", "--out",
                     str(tmp_path / "s.npy"), "--device", "cpu"]) == 0
    assert only_cpu(load_spy) and called == [torch.device("cpu")]


# -- 2. bf16 only where the GPU has it in hardware ---------------------------

def fake_cuda(monkeypatch, capability, emulated_too=True):
    def is_bf16_supported(including_emulation=True):
        return True if including_emulation else emulated_too
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", is_bf16_supported)
    monkeypatch.setattr(torch.cuda, "get_device_capability",
                        lambda device=None: capability)


@pytest.mark.parametrize("capability, native", [
    ((7, 5), False), ((7, 0), False), ((8, 0), True), ((9, 0), True)])
def test_native_bf16_needs_compute_capability_8(monkeypatch, capability,
                                                native):
    fake_cuda(monkeypatch, capability)
    assert dev.native_bf16(torch.device("cuda")) is native


def test_native_bf16_refuses_emulated_bf16(monkeypatch):
    fake_cuda(monkeypatch, (8, 0), emulated_too=False)
    assert dev.native_bf16(torch.device("cuda")) is False


def test_native_bf16_on_a_torch_without_the_keyword(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_capability",
                        lambda device=None: (7, 5))
    assert dev.native_bf16(torch.device("cuda")) is False


# -- 4. MPS RNG in checkpoints -----------------------------------------------

def fake_mps(monkeypatch):
    restored = []
    monkeypatch.setattr(torch.mps, "get_rng_state",
                        lambda *a: torch.arange(4, dtype=torch.uint8))
    monkeypatch.setattr(torch.mps, "set_rng_state",
                        lambda state, *a: restored.append(state.clone()))
    return restored


def test_mps_rng_state_is_saved_and_restored(monkeypatch):
    restored = fake_mps(monkeypatch)
    mps = torch.device("mps")
    cpu_before = torch.get_rng_state()
    state = dev.rng_state(mps)
    assert torch.equal(state["mps"], torch.arange(4, dtype=torch.uint8))
    dev.set_rng_state(state, mps)
    assert len(restored) == 1 and torch.equal(restored[0], state["mps"])
    assert torch.equal(torch.get_rng_state(), cpu_before)


def test_checkpoints_without_mps_rng_still_restore(monkeypatch):
    restored = fake_mps(monkeypatch)
    old = {"cpu": torch.get_rng_state()}          # an older checkpoint
    dev.set_rng_state(old, torch.device("mps"))
    assert restored == []
    dev.set_rng_state(dev.rng_state(torch.device("cpu")),
                      torch.device("cpu"))
    assert "mps" not in dev.rng_state(torch.device("cpu")) and restored == []


def test_training_checkpoints_use_the_device_rng_state():
    from helpers import train
    assert train.rng_state is dev.rng_state
    assert train.set_rng_state is dev.set_rng_state


# -- 5. CUDA determinism, no TF32 --------------------------------------------

FLAGS = ((torch.backends.cudnn, "benchmark"),
         (torch.backends.cudnn, "deterministic"),
         (torch.backends.cudnn, "allow_tf32"),
         (torch.backends.cuda.matmul, "allow_tf32"))


@pytest.fixture
def kernel_flags():
    """Set the flags to the fast, nondeterministic values; restore after."""
    saved = [getattr(obj, name) for obj, name in FLAGS]
    for (obj, name), value in zip(FLAGS, (True, False, True, True)):
        setattr(obj, name, value)
    yield
    for (obj, name), value in zip(FLAGS, saved):
        setattr(obj, name, value)


def test_deterministic_kernels_on_cuda(kernel_flags):
    dev.deterministic_kernels(torch.device("cuda"))
    assert torch.backends.cudnn.benchmark is False
    assert torch.backends.cudnn.deterministic is True
    assert torch.backends.cudnn.allow_tf32 is False
    assert torch.backends.cuda.matmul.allow_tf32 is False


def test_deterministic_kernels_leave_other_devices_alone(kernel_flags):
    for name in ("cpu", "mps"):
        dev.deterministic_kernels(torch.device(name))
    assert [getattr(obj, n) for obj, n in FLAGS] == [True, False, True, True]


def test_notebook_setup_on_simulated_cuda(kernel_flags, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_name",
                        lambda device=None: "Simulated GPU")
    monkeypatch.setattr(torch.cuda, "manual_seed_all", lambda seed: None)
    run = notebook.setup("auto", "auto", 0)
    assert run.device.type == "cuda" and run.profile == "full"
    assert torch.backends.cudnn.deterministic is True
    assert torch.backends.cuda.matmul.allow_tf32 is False
    cpu_run = notebook.setup("auto", "cpu", 0)  # DEVICE=cpu on a GPU box
    assert cpu_run.profile == "quick"
