"""HW3 §3 b–c: layer output shapes and parameter counts of the DCGAN."""

import torch

from helpers.models import (build_gan, checkpoint_generator, layer_summary,
                            layer_table, num_params, trained_generator)

# (layer, output shape) as the assignment specifies, BatchNorm/activations
# after the dense layer as in the TF tutorial.
GEN_SPEC = [("Linear", (12544,)), ("BatchNorm1d", (12544,)),
            ("LeakyReLU", (12544,)),
            ("ConvTranspose2d", (128, 7, 7)), ("BatchNorm2d", (128, 7, 7)),
            ("LeakyReLU", (128, 7, 7)),
            ("ConvTranspose2d", (64, 14, 14)), ("BatchNorm2d", (64, 14, 14)),
            ("LeakyReLU", (64, 14, 14)),
            ("ConvTranspose2d", (1, 28, 28)), ("Tanh", (1, 28, 28))]
DISC_SPEC = [("Conv2d", (64, 14, 14)), ("LeakyReLU", (64, 14, 14)),
             ("Dropout", (64, 14, 14)), ("Conv2d", (128, 7, 7)),
             ("LeakyReLU", (128, 7, 7)), ("Dropout", (128, 7, 7)),
             ("Flatten", (6272,)), ("Linear", (1,))]


def test_dcgan_generator_matches_spec():
    gen, _ = build_gan("dcgan", z_dim=100)
    rows = layer_summary(gen, (100,))
    assert [(name, shape) for name, shape, _ in rows] == GEN_SPEC
    # dense 100·12544 (no bias), convT 256·128·25, 128·64·25, 64·1·25 (no
    # biases), BatchNorm γ, β: 2·(12544 + 128 + 64)
    assert num_params(gen) == (100 * 12544 + 256 * 128 * 25 + 128 * 64 * 25
                               + 64 * 25 + 2 * (12544 + 128 + 64))
    assert all(m.bias is None for m in gen.modules()
               if isinstance(m, (torch.nn.Linear, torch.nn.ConvTranspose2d)))


def test_dcgan_discriminator_matches_spec():
    _, disc = build_gan("dcgan", z_dim=100)
    rows = layer_summary(disc, (1, 28, 28))
    assert [(name, shape) for name, shape, _ in rows] == DISC_SPEC
    assert num_params(disc) == ((25 * 64 + 64) + (64 * 25 * 128 + 128)
                                + (6272 + 1))
    slopes = {m.negative_slope for m in disc.modules()
              if isinstance(m, torch.nn.LeakyReLU)}
    drops = {m.p for m in disc.modules() if isinstance(m, torch.nn.Dropout)}
    assert slopes == {0.3} and drops == {0.3}


def test_generator_output_in_tanh_range_and_logits_unbounded():
    torch.manual_seed(0)
    gen, disc = build_gan("dcgan", z_dim=100)
    images = gen(torch.randn(8, 100))
    assert images.shape == (8, 1, 28, 28)
    assert images.abs().max() <= 1
    assert disc(images).shape == (8,)


def test_unknown_model_name_is_a_clear_error():
    import pytest
    with pytest.raises(ValueError, match="Unknown model 'nope'"):
        build_gan("nope", 100)


def test_dropout_keeps_the_mean_and_drops_a_share_p():
    from helpers.models import Dropout
    torch.manual_seed(0)
    layer = Dropout(0.3)
    y = layer(torch.ones(200_000))
    assert abs((y == 0).float().mean().item() - 0.3) < 0.005
    assert abs(y.mean().item() - 1.0) < 0.01
    assert torch.equal(layer.eval()(torch.ones(5)), torch.ones(5))


def test_trained_generator_loads_weights_frozen_in_eval_mode():
    torch.manual_seed(0)
    source, _ = build_gan("dcgan", z_dim=100)
    for norm in (m for m in source.modules() if hasattr(m, "running_mean")):
        norm.running_mean.normal_()            # buffers must be loaded too
    gen = trained_generator("dcgan", 100, source.state_dict())
    assert not gen.training
    assert not any(p.requires_grad for p in gen.parameters())
    z = torch.randn(4, 100)
    assert torch.equal(gen(z), source.eval()(z))


def test_checkpoint_generator_reads_the_architecture_from_the_config():
    torch.manual_seed(0)
    source, _ = build_gan("fc", z_dim=128)
    state = {"config": {"model": "fc", "z_dim": 128},
             "generator": source.state_dict()}
    gen = checkpoint_generator(state)
    assert not gen.training and gen.z_dim == 128
    z = torch.randn(3, 128)
    assert torch.equal(gen(z), source.eval()(z))


def test_layer_table_has_a_row_per_leaf_layer():
    gen, _ = build_gan("dcgan", z_dim=100)
    lines = layer_table(gen, (100,)).splitlines()
    assert lines[0] == "| layer | output shape | parameters |"
    assert lines[1].endswith(":|")             # parameters right-aligned
    assert len(lines) == 2 + len(GEN_SPEC)
    assert lines[2] == "| Linear | 12544 | 1,254,400 |"
    assert lines[5] == "| ConvTranspose2d | 128 × 7 × 7 | 819,200 |"
