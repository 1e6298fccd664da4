"""Sample quality, measured: classifier-feature FID, k-NN precision/recall,
class coverage, and the real-data floor on the same metrics (training images
scored against the test images), which every table shows beside the samples
so that a reader can judge the numbers.

A small CNN is trained once per dataset and cached in the run cache (its
training does not depend on the profile, except a tiny one for tests), so
quick and full numbers are comparable. Its 128-d penultimate features stand
in for Inception's; FID arithmetic is torchmetrics'.
"""

import math
import sys
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn
from torchmetrics.image.fid import FrechetInceptionDistance
from tqdm import tqdm

from . import data
from .runs import load_checkpoint, run_dir, save_checkpoint

NUM_CLASSES = 10
CLASSIFIER_SETTINGS = {
    "standard": dict(num_epochs=3, num_train=None, batch_size=128, lr=1e-3),
    "tiny": dict(num_epochs=2, num_train=8_000, batch_size=128, lr=2e-3),
}


class Classifier(nn.Module):
    """conv 32@5×5 → pool → conv 64@5×5 → pool → 128 features → 10 logits.
    Takes images in [0, 1], shape (N, 1, 28, 28)."""
    num_features = 128

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(64 * 7 * 7, self.num_features), nn.ReLU())
        self.head = nn.Linear(self.num_features, NUM_CLASSES)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.body((x.reshape(-1, 1, 28, 28) - 0.5) / 0.5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


def to_unit(images: torch.Tensor) -> torch.Tensor:
    """uint8 (N, 28, 28) pixels → float (N, 1, 28, 28) in [0, 1]."""
    return images.reshape(-1, 1, 28, 28).float() / 255.0


def _train_classifier(dataset: str, settings: dict, device: torch.device
                      ) -> Classifier:
    torch.manual_seed(0)
    model = Classifier().to(device)
    opt = torch.optim.Adam(model.parameters(), lr=settings["lr"])
    images, labels = data.load(dataset, "train", device)
    if settings["num_train"]:
        images, labels = (images[:settings["num_train"]],
                          labels[:settings["num_train"]])
    steps = settings["num_epochs"] * (len(images) // settings["batch_size"])
    with tqdm(total=steps, desc=f"classifier {dataset}", file=sys.stderr,
              mininterval=2) as bar:
        for _ in range(settings["num_epochs"]):
            for idx in data.minibatches(len(images), settings["batch_size"],
                                        device):
                loss = F.cross_entropy(model(to_unit(images[idx])),
                                       labels[idx])
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                bar.update()
    return model.eval()


def accuracy(model: Classifier, images: torch.Tensor,
             labels: torch.Tensor) -> float:
    """Share of uint8 images whose predicted class equals the label."""
    _, preds = embed(model, to_unit(images))
    return (preds == labels).float().mean().item()


def classifier(dataset: str, device: torch.device | str = "cpu",
               size: str = "standard") -> Classifier:
    """The cached evaluation classifier of a dataset (trained on first use).

    Runs on a forked RNG: the caller's random stream (e.g. a GAN in
    training) is the same whether the classifier was cached or not."""
    device = torch.device(device)
    with torch.random.fork_rng(devices=[device] if device.type == "cuda"
                               else []):
        return _cached_classifier(dataset, device, size)


def _cached_classifier(dataset: str, device: torch.device,
                       size: str) -> Classifier:
    settings = CLASSIFIER_SETTINGS[size]
    folder = run_dir({"experiment": f"classifier-{dataset}", "size": size,
                      **settings})
    model = Classifier().to(device)
    state = load_checkpoint(folder, map_location="cpu")  # weights: copied
    if state is None:
        model = _train_classifier(dataset, settings, device)
        test_x, test_y = data.load(dataset, "test", device)
        state = {"model": model.state_dict(),
                 "test_accuracy": accuracy(model, test_x, test_y)}
        save_checkpoint(folder, state)
    model.load_state_dict(state["model"])
    model.test_accuracy = float(state["test_accuracy"])
    return for_inference(model)


def for_inference(model: Classifier) -> Classifier:
    """Frozen, in eval mode, channels-last (≈ 40 % faster embedding on CPU,
    measured), as `embed` expects."""
    return model.to(memory_format=torch.channels_last).eval() \
        .requires_grad_(False)


@torch.inference_mode()
def embed(model: Classifier, images01: torch.Tensor
          ) -> tuple[torch.Tensor, torch.Tensor]:
    """(features, predicted labels) of images in [0, 1], in chunks."""
    feats, preds = [], []
    device = next(model.parameters()).device
    for chunk in images01.reshape(-1, 1, 28, 28).split(1000):
        chunk = chunk.to(device).float().contiguous(
            memory_format=torch.channels_last)
        f = model.features(chunk)
        feats.append(f)
        preds.append(model.head(f).argmax(1))
    return torch.cat(feats), torch.cat(preds)


class _GivenFeatures(nn.Module):
    """Features computed already: torchmetrics' FID does only the arithmetic."""

    def __init__(self, num_features: int):
        super().__init__()
        self.num_features = num_features

    def forward(self, feats: torch.Tensor) -> torch.Tensor:
        return feats


@torch.inference_mode()
def frechet_distance(real_feats: torch.Tensor,
                     fake_feats: torch.Tensor) -> float:
    """‖μ_r − μ_f‖² + Tr(Σ_r + Σ_f − 2(Σ_r Σ_f)^½) of two feature sets,
    on the CPU whatever their device (its sums and square root are float64,
    which MPS lacks; (N, F) features are cheap to move)."""
    metric = FrechetInceptionDistance(
        feature=_GivenFeatures(real_feats.shape[1]))
    metric.update(real_feats.cpu(), real=True)
    metric.update(fake_feats.cpu(), real=False)
    return float(metric.compute())


def fid(model: Classifier, real01: torch.Tensor, fake01: torch.Tensor) -> float:
    """Fréchet distance between the classifier features of two image sets."""
    return frechet_distance(embed(model, real01)[0], embed(model, fake01)[0])


def _knn_radii(feats: torch.Tensor, k: int) -> torch.Tensor:
    """Distance of each point to its k-th nearest neighbour in its own set."""
    radii = [torch.cdist(chunk, feats).kthvalue(k + 1, dim=1).values
             for chunk in feats.split(2000)]  # +1: the point itself
    return torch.cat(radii)


def _covered(queries: torch.Tensor, refs: torch.Tensor,
             radii: torch.Tensor) -> torch.Tensor:
    """For each query: is it inside some reference point's k-NN ball?"""
    return torch.cat([(torch.cdist(chunk, refs) <= radii).any(dim=1)
                      for chunk in queries.split(2000)])


def precision_recall(real_feats: torch.Tensor, fake_feats: torch.Tensor,
                     k: int = 3, real_radii: torch.Tensor | None = None
                     ) -> tuple[float, float]:
    """k-NN precision and recall (Kynkäänniemi et al., 2019)."""
    if real_radii is None:
        real_radii = _knn_radii(real_feats, k)
    precision = _covered(fake_feats, real_feats, real_radii)
    recall = _covered(real_feats, fake_feats, _knn_radii(fake_feats, k))
    return precision.float().mean().item(), recall.float().mean().item()


def class_coverage(preds: torch.Tensor) -> tuple[float, torch.Tensor]:
    """Entropy of the predicted-label histogram / log 10 (1 = all classes
    equally often, 0 = one class), and the histogram (fractions)."""
    hist = torch.bincount(preds.cpu(), minlength=NUM_CLASSES).float()
    p = hist / hist.sum()
    entropy = -(p[p > 0] * p[p > 0].log()).sum().item()
    return max(entropy, 0.0) / math.log(NUM_CLASSES) + 0.0, p  # no −0.0


@dataclass(frozen=True)
class Scores:
    """Sample-quality scores of one image set against the test set."""
    fid: float
    precision: float
    recall: float
    coverage: float
    class_fractions: tuple[float, ...]

    def row(self) -> list[str]:
        return [f"{self.fid:.2f}", f"{self.precision:.3f}",
                f"{self.recall:.3f}", f"{self.coverage:.3f}"]


def score(model: Classifier, images01: torch.Tensor,
          reference01: torch.Tensor, k: int = 3) -> Scores:
    """FID, precision, recall and class coverage of images vs a reference."""
    return Evaluator(model, embed(model, reference01)[0], k).score(images01)


class Evaluator:
    """Scores image sets against a reference set embedded once (its features
    and k-NN radii are reused for every scored set, e.g. every epoch)."""

    def __init__(self, model: Classifier, reference_feats: torch.Tensor,
                 k: int = 3):
        self.model, self.reference_feats, self.k = model, reference_feats, k
        self.reference_radii = _knn_radii(reference_feats, k)

    def score(self, images01: torch.Tensor) -> Scores:
        fake_feats, preds = embed(self.model, images01)
        precision, recall = precision_recall(
            self.reference_feats, fake_feats, self.k, self.reference_radii)
        coverage, fractions = class_coverage(preds)
        return Scores(frechet_distance(self.reference_feats, fake_feats),
                      precision, recall, coverage, tuple(fractions.tolist()))


def test_set_evaluator(dataset: str, n: int, device: torch.device | str,
                       size: str = "standard",
                       model: Classifier | None = None) -> Evaluator:
    """An Evaluator against the first n test images of a dataset (with the
    cached classifier of `size`, or with `model` if given)."""
    if model is None:
        model = classifier(dataset, device, size=size)
    test_x, _ = data.load(dataset, "test", device)
    return Evaluator(model, embed(model, to_unit(test_x[:n]))[0])


def real_floor(model: Classifier, dataset: str, n: int = 10_000) -> Scores:
    """The same scores for n real training images vs the test set: the
    best a generator can be expected to reach on these metrics."""
    device = next(model.parameters()).device
    train_x, _ = data.load(dataset, "train", device)
    test_x, _ = data.load(dataset, "test", device)
    return score(model, to_unit(train_x[:n]), to_unit(test_x[:n]))
