"""Issue 30: the whole path on each accelerator there is — train, load,
loss curves, FID, 2c's inversion and L-BFGS — skipped with its reason where
there is none. `pytest -m gpu` runs only these (e.g. on a lent GPU box)."""

import pytest
import torch

from helpers import device as dev
from helpers import experiments, inversion, plotting, train


def available(kind: str) -> tuple[bool, str]:
    if kind == "cuda":
        return torch.cuda.is_available(), "no CUDA GPU in this PyTorch"
    return dev._mps_available(), "no Apple-silicon GPU (MPS)"


ACCELERATORS = [pytest.param(kind, marks=[
    pytest.mark.gpu, pytest.mark.skipif(not available(kind)[0],
                                        reason=available(kind)[1])])
    for kind in ("cuda", "mps")]


@pytest.mark.parametrize("kind", ACCELERATORS)
def test_train_load_score_and_invert_on_the_accelerator(kind, runs_dir):
    device = torch.device(kind)
    config = experiments.experiment_config(
        "hw2_2a_gan", "smoke", device, num_train=256, num_epochs=2,
        snapshot_epochs=(1, 2), eval_samples=128, eval_samples_final=128)
    trained = train.train_gan(config, device, progress=False)
    loaded = train.train_gan(config, device, progress=False)
    assert loaded.start_epoch == 2 and loaded.folder == trained.folder
    # history and snapshots come back on the CPU, whatever trained them
    assert {t.device.type for t in loaded.history["step_losses"]} == {"cpu"}
    assert {t.device.type for t in loaded.snapshots.values()} == {"cpu"}
    plotting.loss_curves(loaded.history, kind)
    assert len(loaded.history["fid"]) == 2
    assert all(f == f and f > 0 for f in loaded.history["fid"])  # not NaN
    gen = loaded.generator.eval()
    images = loaded.snapshots[2][:2].float().div(127.5).sub(1)
    images = images.reshape(2, 1, 28, 28).to(device)
    found = inversion.invert(gen, images, restarts=2, steps=5, seed=0)
    assert found.z.device.type == "cpu" and torch.isfinite(found.loss).all()
    z, _ = found.best()
    descent = inversion.descend(gen, z.to(device), images, iters=3,
                                shell=True)   # float64: on the CPU for MPS
    assert descent.w.device.type == "cpu" and descent.w.dtype == torch.float64
