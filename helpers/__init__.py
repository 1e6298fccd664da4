"""Thin helper library imported by the homework notebooks (HW2, HW3).

One job per module: `device` resolves devices, `profiles` holds every
experiment's settings, `data` fetches and loads datasets, `models`/`losses`
define the networks, `train` runs GAN training through the `runs` cache,
`plotting` draws figures, `report` formats notebook output, `echo` holds the
HW2 1e Echo-noise sampler and its checks.
"""

__version__ = "0.1.0"
