"""Seed 003's Beale function: Keras' optimizers from (4, 4) toward (3, 0.5).
=========================================================================

Beale's function has flat valleys where gradient steps crawl; its minimum is
0 at (3, 0.5).  Each optimizer of skhyper's table starts at (4, 4), stays in
the bounds +-4.5, and its path is drawn on the contour plot:

    python examples/seed003_beale.py [--quick]
"""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from skhyper.hyperparams import make_optimizer  # noqa: E402

MINIMUM, START, BOUND = (3.0, 0.5), (4.0, 4.0), 4.5
# label: (optimizer, learning rate, settings).  At (4, 4) the gradient is
# about 1e5: SGD needs clipping, and Adam with Keras' default beta_2 = 0.999
# remembers that gradient so long that its steps shrink to nothing in the
# flat valley; beta_2 = 0.99 forgets it within a few hundred steps.
OPTIMIZERS = {
    "SGD + momentum, clipped": ("sgd", 1e-3, {"momentum": 0.9, "clipnorm": 1.0}),
    "RMSprop": ("rmsprop", 1e-2, {}),
    "Adam, beta_2 0.99": ("adam", 1e-2, {"beta_2": 0.99}),
    "Adam, beta_2 0.999 (default)": ("adam", 1e-2, {}),
    "Nadam, beta_2 0.99": ("nadam", 1e-2, {"beta_2": 0.99}),
    "Adagrad, clipped": ("adagrad", 1e-1, {"clipnorm": 1.0}),
}


def beale(x, y):
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def descend(label, steps):
    name, rate, settings = OPTIMIZERS[label]
    point = tf.Variable(START, dtype=tf.float64)
    optimizer = make_optimizer(name, rate, settings)

    @tf.function  # one traced call per step: thousands of eager steps took minutes
    def step():
        with tf.GradientTape() as tape:
            loss = beale(point[0], point[1])
        optimizer.apply_gradients([(tape.gradient(loss, point), point)])
        point.assign(tf.clip_by_value(point, -BOUND, BOUND))

    path = [point.numpy().copy()]
    for _ in range(steps):
        step()
        path.append(point.numpy().copy())
    return np.array(path)


def main(quick=False, output="."):
    os.makedirs(output, exist_ok=True)  # a new folder too (--output new/dir)
    steps = 50 if quick else 3000
    paths = {label: descend(label, steps) for label in OPTIMIZERS}
    for name, path in paths.items():
        end = path[-1]
        print(f"{name:<30} ends at ({end[0]:.3f}, {end[1]:.3f}), f = {beale(*end):.2e},"
              f" distance to the minimum {np.hypot(*(end - MINIMUM)):.3f}")  # fmt: skip
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    grid = np.linspace(-BOUND, BOUND, 300)
    xx, yy = np.meshgrid(grid, grid)
    figure, axis = plt.subplots(figsize=(7, 6))
    axis.contour(xx, yy, np.log10(beale(xx, yy) + 1e-9), levels=30, cmap="viridis", linewidths=0.6)
    for name, path in paths.items():
        axis.plot(path[:, 0], path[:, 1], label=name, linewidth=1.5)
    axis.plot(*MINIMUM, "r*", markersize=14, label="minimum (3, 0.5)")
    axis.plot(*START, "ko", label="start (4, 4)")
    axis.set(xlabel="x", ylabel="y", title="Beale's function: optimizer paths")
    axis.legend()
    figure.savefig(os.path.join(output, "seed003_beale.png"), dpi=90)
    print("figure: seed003_beale.png")
    return paths


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--quick", action="store_true", help="50 steps instead of 3000")
    parser.add_argument("--output", default=".", help="folder for the figure (default: here)")
    arguments = parser.parse_args()
    main(quick=arguments.quick, output=arguments.output)
