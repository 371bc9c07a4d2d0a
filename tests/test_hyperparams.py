import keras
import numpy as np
import pytest

from skhyper.hyperparams import INITIALIZERS, OPTIMIZERS, make_initializer, make_optimizer

SEED_003_GRID = ["uniform", "lecun_uniform", "normal", "zero", "glorot_normal",
                 "glorot_uniform", "he_normal", "he_uniform"]  # fmt: skip


@pytest.mark.parametrize("name", sorted(INITIALIZERS))
def test_every_initializer_builds_and_random_ones_are_seeded(name):
    first = np.asarray(make_initializer(name, seed=7)((4, 4)))
    again = np.asarray(make_initializer(name, seed=7)((4, 4)))
    np.testing.assert_array_equal(first, again)
    if "seed" in make_initializer(name, seed=7).get_config():
        other = np.asarray(make_initializer(name, seed=8)((4, 4)))
        assert not np.array_equal(first, other)


def test_seed_003_grid_is_covered():
    assert set(SEED_003_GRID) <= set(INITIALIZERS)


def test_user_initializer_is_copied_and_seeded_not_modified():
    mine = keras.initializers.HeNormal()
    built = make_initializer(mine, seed=3)
    assert built is not mine and built.get_config()["seed"] == 3
    assert mine.get_config()["seed"] is None


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_every_optimizer_builds_with_every_setting_given(name):
    settings = dict(momentum=0.5, nesterov=True, beta_1=0.8, beta_2=0.99, rho=0.8,
                    epsilon=1e-6, weight_decay=None, clipnorm=1.0)  # fmt: skip
    optimizer = make_optimizer(name, np.float32(0.01), settings)
    config = optimizer.get_config()
    assert config["learning_rate"] == pytest.approx(0.01)
    for setting in OPTIMIZERS[name].settings:
        assert config[setting] == pytest.approx(settings[setting]), setting


def test_settings_left_none_keep_the_optimizers_defaults():
    optimizer = make_optimizer("adadelta", 1.0, {"rho": None, "epsilon": None})
    assert optimizer.get_config()["rho"] == pytest.approx(0.95)


def test_user_optimizer_is_copied():
    mine = keras.optimizers.SGD(learning_rate=0.3, momentum=0.8)
    built = make_optimizer(mine, 0.001, {})
    assert built is not mine
    assert built.get_config()["momentum"] == pytest.approx(0.8)
