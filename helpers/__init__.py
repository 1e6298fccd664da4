"""Thin helper library imported by the homework notebooks (HW2, HW3).

One job per module, lowest layer first:

- settings: `paths` (folders), `device` (cpu/cuda/mps), `profiles` (every
  experiment's sizes per profile, variants and seeds), `experiments` (a GAN
  run's config and run name), `runs` (the run cache);
- data and networks: `data` (MNIST/FashionMNIST, checksum-verified),
  `models`, `losses`, `ema` (the weight average G_ema);
- GAN training: `steps` (one update step per method), `history` (the
  per-epoch record and its readers), `metrics` (FID, precision/recall,
  coverage), `train` (the loop, checkpoints, resume), `bill` (the cost
  of a profile);
- the other parts' computations: `bandit` (HW3 Q1), `minimax` (HW3 Q2),
  `echo`, `echo_ae`, `echo_plots` (HW2 1e), `inversion`, `critical`,
  `pieces`, `lbfgs` (2c), `path_stats`,
  `latent_path` (2d, 2e);
- output: `plotting`, `figures` (README pictures), `text` (numbers and
  Markdown tables), `decide` (shared thresholds and the checks that read
  them), `answers` (one module per part: its answer paragraph), `notebook`
  (a notebook's set-up).
"""

__version__ = "0.1.0"
