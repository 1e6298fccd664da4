"""The TensorFlow DCGAN tutorial's own model and `train_step`, timed.

Runs in its own virtual environment (`.venv-peer`, TensorFlow only; made by
`make bench-peer`), never in `.venv`. Imports nothing from `helpers`: it reads
the FashionMNIST IDX file itself, so the two frameworks share only the data.
The model, losses, optimisers and step are the tutorial's (Keras defaults:
LeakyReLU slope 0.3, BatchNorm ε = 10⁻³, Adam 10⁻⁴), batch 64, one
`tf.function` step; prints one JSON line:
{"framework", "version", "s_per_step", "s_per_epoch", "steps"}.

    .venv-peer/bin/python benchmarks/peer_tf.py IDX_FILE [--steps N]
"""

import argparse
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from tensorflow.keras import layers  # noqa: E402

NOISE_DIM = 100
TRAIN_IMAGES = 60_000


def read_idx_images(path: str) -> np.ndarray:
    """IDX3 uint8 images → float32 (N, 28, 28, 1) in [−1, 1]."""
    raw = np.fromfile(path, dtype=np.uint8)
    count = int.from_bytes(raw[4:8].tobytes(), "big")
    images = raw[16:].reshape(count, 28, 28, 1).astype(np.float32)
    return (images - 127.5) / 127.5


def generator_model() -> tf.keras.Model:
    """Dense 7·7·256 → convT 128 (s1) → 64 (s2) → 1 (s2, tanh); BN+LReLU."""
    return tf.keras.Sequential([
        layers.Input((NOISE_DIM,)),
        layers.Dense(7 * 7 * 256, use_bias=False),
        layers.BatchNormalization(), layers.LeakyReLU(),
        layers.Reshape((7, 7, 256)),
        layers.Conv2DTranspose(128, 5, strides=1, padding="same",
                               use_bias=False),
        layers.BatchNormalization(), layers.LeakyReLU(),
        layers.Conv2DTranspose(64, 5, strides=2, padding="same",
                               use_bias=False),
        layers.BatchNormalization(), layers.LeakyReLU(),
        layers.Conv2DTranspose(1, 5, strides=2, padding="same",
                               use_bias=False, activation="tanh")])


def discriminator_model() -> tf.keras.Model:
    """conv 64 (s2) → 128 (s2), each LReLU + Dropout(0.3); dense → logit."""
    return tf.keras.Sequential([
        layers.Input((28, 28, 1)),
        layers.Conv2D(64, 5, strides=2, padding="same"),
        layers.LeakyReLU(), layers.Dropout(0.3),
        layers.Conv2D(128, 5, strides=2, padding="same"),
        layers.LeakyReLU(), layers.Dropout(0.3),
        layers.Flatten(), layers.Dense(1)])


def make_train_step(batch_size: int):
    """The tutorial's step: both gradients from one tape pass, then both
    optimisers apply theirs."""
    gen, disc = generator_model(), discriminator_model()
    bce = tf.keras.losses.BinaryCrossentropy(from_logits=True)
    opt_g = tf.keras.optimizers.Adam(1e-4)
    opt_d = tf.keras.optimizers.Adam(1e-4)

    @tf.function
    def train_step(images: tf.Tensor) -> None:
        noise = tf.random.normal([batch_size, NOISE_DIM])
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake = gen(noise, training=True)
            real_out = disc(images, training=True)
            fake_out = disc(fake, training=True)
            g_loss = bce(tf.ones_like(fake_out), fake_out)
            d_loss = (bce(tf.ones_like(real_out), real_out)
                      + bce(tf.zeros_like(fake_out), fake_out))
        g_grads = g_tape.gradient(g_loss, gen.trainable_variables)
        d_grads = d_tape.gradient(d_loss, disc.trainable_variables)
        opt_g.apply_gradients(zip(g_grads, gen.trainable_variables))
        opt_d.apply_gradients(zip(d_grads, disc.trainable_variables))

    return train_step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("images", help="train-images-idx3-ubyte")
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args()
    tf.random.set_seed(0)
    images = read_idx_images(args.images)
    batches = iter(tf.data.Dataset.from_tensor_slices(images)
                   .shuffle(TRAIN_IMAGES).batch(args.batch_size,
                                                drop_remainder=True)
                   .repeat().prefetch(2))
    step = make_train_step(args.batch_size)
    for _ in range(args.warmup):       # the first call traces the graph
        step(next(batches))
    start = time.perf_counter()
    for _ in range(args.steps):
        step(next(batches))
    per_step = (time.perf_counter() - start) / args.steps
    print(json.dumps({"framework": "tensorflow", "version": tf.__version__,
                      "steps": args.steps, "s_per_step": per_step,
                      "s_per_epoch": per_step
                      * (TRAIN_IMAGES // args.batch_size)}))


if __name__ == "__main__":
    main()
