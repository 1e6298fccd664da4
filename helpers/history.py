"""A run's history: the per-epoch record a checkpoint keeps, and its readers.

The layout is a plain dict (what `torch.load(weights_only=True)` reads):

    d_loss, g_loss, d_real, d_fake     mean step statistics per epoch
    step_losses                        per epoch, (steps, 2): d and g loss
    seconds, eval_seconds              training and scoring time per epoch
    fid, precision, recall, coverage,  G's scores after every epoch
    class_fractions
    ema_fid, ema_precision, …          the same for G_ema (`metric_key`)
    final                              {"epoch": [...], fid, …, ema_fid, …}:
                                       rescored on eval_samples_final samples

Every reader of the G / G_ema series goes through `metric_key`.
"""

import statistics
from typing import Any, Protocol

import torch

STAT_NAMES = ("d_loss", "g_loss", "d_real", "d_fake")  # a step's statistics
METRIC_NAMES = ("fid", "precision", "recall", "coverage")


class ScoredConfig(Protocol):
    eval_samples: int
    eval_samples_final: int


class ScoredRun(Protocol):
    """What `last_scores` reads of a run (e.g. a train.TrainedGAN)."""
    history: dict[str, Any]
    config: ScoredConfig

    @property
    def epochs_done(self) -> int: ...


def new_history() -> dict[str, Any]:
    """The empty history of a run that has trained no epoch."""
    return {**{name: [] for name in STAT_NAMES}, "seconds": [],
            "eval_seconds": [], "step_losses": [],
            **{name: [] for name in METRIC_NAMES}, "final": {}}


def metric_key(name: str, ema: bool = False) -> str:
    """History key of a metric: 'fid' for G, 'ema_fid' for G_ema."""
    return f"ema_{name}" if ema else name


def series(history: dict[str, Any], name: str,
           ema: bool = False) -> list:
    """One metric per epoch of G (or G_ema); [] where it was not scored."""
    return history.get(metric_key(name, ema), [])


def append_scores(history: dict[str, Any], scores: Any, ema: bool) -> None:
    """Append one epoch's metrics.SampleScores of G (or G_ema)."""
    for name in METRIC_NAMES:
        history.setdefault(metric_key(name, ema), []).append(
            getattr(scores, name))
    history.setdefault(metric_key("class_fractions", ema), []).append(
        torch.tensor(scores.class_fractions))


def averaged_history(history: dict[str, Any]) -> dict[str, Any]:
    """The per-epoch scores of G_ema under the plain metric names (for
    plotting beside G's), plus G's losses and seconds."""
    view = dict(history)
    for name in (*METRIC_NAMES, "class_fractions"):
        view[name] = series(history, name, ema=True)
    return view


def history_scores(history: dict[str, Any], epochs_done: int,
                   eval_samples: int, eval_samples_final: int,
                   ema: bool = False) -> tuple[dict[str, float], int]:
    """The last epoch's FID, precision, recall and coverage of G (or G_ema),
    from the largest sample scored at that epoch, and that sample size."""
    final = history.get("final", {})
    if final.get("epoch") and final["epoch"][-1] == epochs_done:
        source, size = final, eval_samples_final
    else:
        source, size = history, eval_samples
    return ({name: source[metric_key(name, ema)][-1]
             for name in METRIC_NAMES}, size)


def last_scores(run: ScoredRun, ema: bool = False
                ) -> tuple[dict[str, float], int]:
    """`history_scores` of a run's last epoch."""
    return history_scores(run.history, run.epochs_done,
                          run.config.eval_samples,
                          run.config.eval_samples_final, ema)


def last_fids(history: dict[str, Any], epochs_done: int, eval_samples: int,
              eval_samples_final: int) -> dict[str, Any]:
    """{'fid', 'ema_fid', 'fid_samples'}: the last epoch's FID of G and
    G_ema, from the largest sample scored then, and that sample's size
    (None where nothing was scored)."""
    out: dict[str, Any] = {"fid": None, "ema_fid": None, "fid_samples": None}
    for ema in (False, True):
        if series(history, "fid", ema):
            scores, size = history_scores(history, epochs_done, eval_samples,
                                          eval_samples_final, ema)
            out[metric_key("fid", ema)], out["fid_samples"] = \
                scores["fid"], size
    return out


def epoch_seconds(history: dict[str, Any]) -> float:
    """Median training seconds per epoch: robust to epochs slowed by other
    jobs on the machine or split over sittings."""
    return statistics.median(history["seconds"])
