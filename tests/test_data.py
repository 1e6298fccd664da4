"""Datasets: IDX round trip, MD5 verification, a corrupt file is rejected."""

import shutil

import numpy as np
import pytest
import torch

from helpers import data


def test_idx_round_trip(tmp_path):
    array = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    path = tmp_path / "x-idx3-ubyte"
    path.write_bytes(data.idx_bytes(array))
    assert np.array_equal(data.read_idx(path), array)


def test_real_fashion_mnist_loads_as_uint8():
    images, labels = data.load("FashionMNIST", "test")
    assert images.shape == (10_000, 28, 28) and images.dtype == torch.uint8
    assert labels.shape == (10_000,) and set(labels.unique().tolist()) == set(range(10))


def _copy_dataset(tmp_path, monkeypatch, name="FashionMNIST"):
    src = data.raw_dir(name)
    monkeypatch.setenv("HW_DATA_DIR", str(tmp_path))
    shutil.copytree(src, data.raw_dir(name))
    return data.raw_dir(name)


def test_truncated_file_fails_its_checksum(tmp_path, monkeypatch):
    raw = _copy_dataset(tmp_path, monkeypatch)
    assert data.bad_files("FashionMNIST") == []
    target = raw / "t10k-labels-idx1-ubyte"
    target.write_bytes(target.read_bytes()[:-10])
    assert data.bad_files("FashionMNIST") == ["t10k-labels-idx1-ubyte"]


def test_corrupt_file_is_rejected_and_error_names_the_fix(tmp_path,
                                                          monkeypatch):
    raw = _copy_dataset(tmp_path, monkeypatch)
    (raw / "train-images-idx3-ubyte").write_bytes(b"garbage")

    def unreachable(name):
        raise OSError("no network")
    monkeypatch.setitem(data.SOURCES, "torchvision download", unreachable)
    monkeypatch.setitem(data.SOURCES, "Debian package dataset-fashion-mnist",
                        unreachable)
    with pytest.raises(data.DataError, match="Fix: put the four"):
        data.load("FashionMNIST", "train")
    # the corrupt file is never trained on: it was removed
    assert not (raw / "train-images-idx3-ubyte").exists()


def test_corrupt_file_is_replaced_by_a_good_source(tmp_path, monkeypatch):
    raw = _copy_dataset(tmp_path, monkeypatch)
    good = (raw / "t10k-images-idx3-ubyte").read_bytes()
    (raw / "t10k-images-idx3-ubyte").write_bytes(good[:1000])

    def restore(name):
        (raw / "t10k-images-idx3-ubyte").write_bytes(good)
    monkeypatch.setitem(data.SOURCES, "torchvision download", restore)
    images, _ = data.load("FashionMNIST", "test")
    assert images.shape == (10_000, 28, 28)


def test_minibatches_are_a_permutation():
    torch.manual_seed(0)
    batches = list(data.minibatches(10, 3, "cpu", drop_last=False))
    assert [len(b) for b in batches] == [3, 3, 3, 1]
    assert sorted(torch.cat(batches).tolist()) == list(range(10))
    assert len(list(data.minibatches(10, 3, "cpu"))) == 3


def test_pixels_map_to_signed_unit_range():
    x = data.to_signed_unit(torch.tensor([[[0, 255]]], dtype=torch.uint8))
    assert x.shape == (1, 1, 1, 2)
    assert torch.allclose(x, torch.tensor([-1.0, 1.0]).view(1, 1, 1, 2))
