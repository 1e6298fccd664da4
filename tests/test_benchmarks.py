"""The benchmark scripts run end to end on tiny settings and write their tables."""

import importlib.util
import json
import math

import pytest

from helpers.paths import REPO_ROOT


def load_script(name: str):
    spec = importlib.util.spec_from_file_location(
        name, REPO_ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_times_both_loops_and_counts_flops(tmp_path, capsys):
    out = tmp_path / "bench.json"
    bench = load_script("bench")
    assert bench.main(["--device", "cpu", "--steps", "3", "--warmup", "1",
                       "--cases", "hw2_2a_gan_no_r1", "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    (row,) = result["rows"]
    assert row["ours_s_per_epoch"] > 0 and row["reference_s_per_epoch"] > 0
    assert row["speedup"] == pytest.approx(
        row["reference_s_per_epoch"] / row["ours_s_per_epoch"])
    # the FC GAN step: G forward/backward twice, D on 2×64 images, ≈ 1 GFLOP
    assert 0.5 < row["gflop_per_step"] < 2
    assert result["gemm64_gflops"] > 0
    assert "| FC GAN (2a recipe, no R1) |" in capsys.readouterr().out


def test_bf16_quality_trains_fp32_and_bf16_side_by_side(runs_dir, tmp_path,
                                                        capsys):
    out = tmp_path / "bf16.json"
    script = load_script("bf16_quality")
    assert script.main(["--profile", "smoke", "--device", "cpu",
                        "--experiments", "hw2_2a_gan", "--seeds", "0",
                        "--out", str(out)]) == 0
    fp32, bf16 = json.loads(out.read_text())["results"]
    assert (fp32["bf16"], bf16["bf16"]) == (False, True)
    assert all(math.isfinite(r["fid"]) for r in (fp32, bf16))
    assert fp32["fid"] != bf16["fid"]   # bf16 changed the arithmetic
    assert len(list(runs_dir.glob("hw2_2a_gan-*"))) == 2
    table = capsys.readouterr().out
    assert "| hw2_2a_gan | fp32 | 0 |" in table
    assert "| hw2_2a_gan | bf16 | 0 |" in table
