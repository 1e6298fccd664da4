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


@pytest.mark.filterwarnings("ignore:bf16=True")  # emulated on some CPUs
def test_bf16_quality_trains_fp32_and_bf16_side_by_side(runs_dir, tmp_path,
                                                        capsys):
    out = tmp_path / "bf16.json"
    script = load_script("bf16_quality")
    assert script.main(["--profile", "smoke", "--device", "cpu",
                        "--experiments", "hw2_2a_gan", "--seeds", "0",
                        "--allow-emulated", "--out", str(out)]) == 0
    fp32, bf16 = json.loads(out.read_text())["results"]
    assert (fp32["bf16"], bf16["bf16"]) == (False, True)
    assert all(math.isfinite(r["fid"]) for r in (fp32, bf16))
    assert fp32["fid"] != bf16["fid"]   # bf16 changed the arithmetic
    assert len(list(runs_dir.glob("hw2_2a_gan-*"))) == 2
    table = capsys.readouterr().out
    assert "| hw2_2a_gan | fp32 | 0 |" in table
    assert "| hw2_2a_gan | bf16 | 0 |" in table


def test_bf16_seed_summary_gives_mean_and_spread_per_arithmetic():
    script = load_script("bf16_quality")
    runs = [{"experiment": "e", "bf16": bf16, "seed": seed, "fid": fid,
             "best_fid": fid, "precision": 0.5, "recall": 0.1,
             "coverage": 0.9, "seconds_per_epoch": 10.0}
            for bf16, seed, fid in [(False, 0, 10.0), (False, 1, 20.0),
                                    (True, 0, 30.0), (True, 1, 30.0)]]
    fp32, bf16 = script.seed_summary(runs)
    # mean 15, sample sd √50 ≈ 7.07 over the fp32 seeds; no spread in bf16
    assert fp32.startswith("| e | fp32 | 2 | 15.0 ± 7.1 | 15.0 ± 7.1 | "
                           "0.500 ± 0.000 |")
    assert bf16.startswith("| e | bf16 | 2 | 30.0 ± 0.0 |")
    assert script.mean_sd([3.0], 1) == "3.0"


def test_bf16_quality_refuses_emulated_bf16_and_names_the_fix(monkeypatch,
                                                             capsys):
    script = load_script("bf16_quality")
    monkeypatch.setattr(script, "native_bf16", lambda device: False)
    with pytest.raises(SystemExit) as exit_info:
        script.main(["--device", "cpu"])
    assert exit_info.value.code == 2
    assert "--allow-emulated" in capsys.readouterr().err


def test_bench_skips_bf16_rows_without_native_bf16(monkeypatch, tmp_path,
                                                   capsys):
    bench = load_script("bench")
    monkeypatch.setattr(bench, "native_bf16", lambda device: False)
    out = tmp_path / "bench.json"
    assert bench.main(["--device", "cpu", "--steps", "1", "--warmup", "1",
                       "--cases", "hw3_q3_dcgan+bf16", "--out",
                       str(out)]) == 0
    assert json.loads(out.read_text())["rows"] == []
    assert "skipped DCGAN, bf16 autocast" in capsys.readouterr().out
