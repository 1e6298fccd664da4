"""Sample-quality metrics: FID, precision/recall and coverage move the right
way on sets whose answer is known."""

import pytest
import torch

from helpers import data, metrics


@pytest.fixture(scope="module")
def setup_sets():
    # the run cache is the session's temporary one (conftest.py)
    model = metrics.classifier("MNIST", "cpu", size="tiny")
    train_x, _ = data.load("MNIST", "train")
    test_x, test_y = data.load("MNIST", "test")
    n = 2000
    return (model, metrics.to_unit(train_x[:n]), metrics.to_unit(test_x[:n]),
            test_y[:n])


def test_tiny_classifier_learns(setup_sets):
    model, *_ = setup_sets
    assert model.test_accuracy > 0.85


def test_fid_of_a_set_against_itself_is_zero(setup_sets):
    model, _, test, _ = setup_sets
    assert abs(metrics.fid(model, test, test)) < 1e-2


def test_fid_real_is_small_and_noise_is_large(setup_sets):
    model, train, test, _ = setup_sets
    torch.manual_seed(0)
    noise = torch.rand_like(test)
    real_fid = metrics.fid(model, test, train)
    noise_fid = metrics.fid(model, test, noise)
    assert real_fid < 0.05 * noise_fid


def test_precision_recall_extremes(setup_sets):
    model, train, test, _ = setup_sets
    feats, _ = metrics.embed(model, test)
    p, r = metrics.precision_recall(feats, feats)
    assert p == 1.0 and r == 1.0
    # noise covers none of the real data (its precision is not a reliable
    # signal with these features: noise maps to a low-norm region that large
    # real k-NN balls contain, so it is not asserted)
    noise_feats, _ = metrics.embed(model, torch.rand_like(test))
    _, r = metrics.precision_recall(feats, noise_feats)
    assert r < 0.05
    one_digit = test[setup_sets[3] == 1]
    p, r = metrics.precision_recall(feats, metrics.embed(model, one_digit)[0])
    assert r < 0.3 < p  # realistic but only one mode: low recall


def test_class_coverage():
    uniform = torch.arange(1000) % 10
    cov, fractions = metrics.class_coverage(uniform)
    assert cov == pytest.approx(1.0) and torch.allclose(
        fractions, torch.full((10,), 0.1))
    cov, _ = metrics.class_coverage(torch.full((100,), 3))
    assert cov == 0.0


def test_training_the_classifier_leaves_the_global_rng_alone(monkeypatch,
                                                             tmp_path):
    monkeypatch.setenv("HW_RUNS_DIR", str(tmp_path))  # nothing cached
    monkeypatch.setitem(metrics.CLASSIFIER_SETTINGS, "tiny", {
        **metrics.CLASSIFIER_SETTINGS["tiny"], "num_train": 512,
        "num_epochs": 1})
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    metrics.classifier("MNIST", "cpu", size="tiny")
    assert torch.equal(torch.rand(3), expected)


def test_evaluator_matches_score_and_fid(setup_sets):
    model, train, test, _ = setup_sets
    scores = metrics.score(model, train[:500], test[:500])
    evaluator = metrics.Evaluator(model, metrics.embed(model, test[:500])[0])
    assert evaluator.score(train[:500]) == scores
    assert scores.fid == pytest.approx(metrics.fid(model, test[:500],
                                                   train[:500]))
