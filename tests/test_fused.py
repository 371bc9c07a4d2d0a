"""skhyper.model_selection's searches: the fits that can share a network train
together (skhyper.fused), each exactly as its own fit would."""

import warnings

import numpy as np
import pytest
from conftest import TINY
from sklearn import model_selection as sklearn_search
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.base import clone
from sklearn.decomposition import PCA
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skhyper import KerasMLPClassifier, KerasMLPRegressor, fused
from skhyper import _handoff
from skhyper import model_selection as skhyper_search


@pytest.fixture(autouse=True)
def fuse_every_group(monkeypatch):
    """These tests train small groups of small networks, which a search in a
    fresh process fits one by one (quicker there: see ``fused.worth_fusing``):
    here every group of two or more is fused, as the tests of that decision
    (below) say otherwise."""
    monkeypatch.setattr(fused, "FUSE_MIN_MEMBERS", 2)
    monkeypatch.setattr(fused, "STACK_FIRST_SECONDS", 0.0)


@pytest.fixture
def count_groups(monkeypatch):
    """The sizes of the fused groups trained."""
    sizes = []
    train = fused.train_members
    monkeypatch.setattr(fused, "train_members", lambda members: sizes.append(len(members)) or train(members))
    return sizes


def both(estimator, grid, X, y, **search):
    plain = sklearn_search.GridSearchCV(clone(estimator), grid, **search).fit(X, y)
    fused_search = skhyper_search.GridSearchCV(clone(estimator), grid, **search).fit(X, y)
    return plain, fused_search


def assert_same_results(plain, fused_search, rtol=1e-7):
    assert plain.cv_results_.keys() == fused_search.cv_results_.keys()
    for key, values in plain.cv_results_.items():
        if key.startswith(("split", "mean_test", "mean_train", "std_test", "rank")):
            np.testing.assert_allclose(fused_search.cv_results_[key], values, rtol=rtol, atol=1e-6, err_msg=key)
    assert fused_search.best_params_ == plain.best_params_


@pytest.mark.parametrize(
    "settings, grid",
    [
        ({"dropout": 0.2, "optimizer": "rmsprop"}, {"kernel_initializer": ["he_normal", "uniform"], "random_state": [0, 1]}),
        ({"optimizer": "sgd", "momentum": 0.9, "nesterov": True}, {"learning_rate": [1e-2, 3e-2], "lr_schedule": ["constant", "step"]}),
        ({"optimizer": "adam", "l2": 1e-3, "hidden_layer_sizes": (8, 6), "dropout": [0.1, 0.0]},
         {"learning_rate": [1e-3, 1e-2], "epochs": [2, 4]}),
        ({"optimizer": "sgd", "class_weight": "balanced", "lr_schedule": "plateau", "lr_patience": 0}, {"learning_rate": [0.05, 0.5]}),
        ({"early_stopping": True, "validation_split": 0.2, "patience": 1, "epochs": 8}, {"learning_rate": [1e-3, 0.1]}),
    ],
)
def test_fused_classifier_search_equals_sklearns(digits, count_groups, settings, grid):
    X, y = digits
    plain, fused_search = both(KerasMLPClassifier(**{**TINY, **settings}), grid, X, y, cv=3, return_train_score=True)
    assert_same_results(plain, fused_search)
    assert sum(count_groups) == 3 * len(sklearn_search.ParameterGrid(grid))  # every fit was fused
    np.testing.assert_array_equal(fused_search.predict_proba(X), plain.predict_proba(X))


def test_members_differing_in_l1_and_l2_train_in_one_group(digits, count_groups):
    X, y = digits
    estimator = KerasMLPClassifier(**{**TINY, "optimizer": "adam", "dropout": 0.1})
    grid = {"l2": [0.0, 1e-3, 1e-1], "l1": [0.0, 1e-3]}
    plain, fused_search = both(estimator, grid, X, y, cv=3, return_train_score=True)
    assert_same_results(plain, fused_search)
    assert count_groups == [18]


@pytest.mark.parametrize(
    "settings, grid, groups",
    [
        ({"optimizer": "sgd", "learning_rate": 0.05}, {"momentum": [0.0, 0.9], "nesterov": [False, True]}, [8]),
        ({"optimizer": "rmsprop"}, {"rho": [0.9, 0.5], "momentum": [0.0, 0.5], "epsilon": [1e-7, 1e-3]}, [16]),
        ({"optimizer": "adam"}, {"beta_1": [0.9, 0.5], "beta_2": [0.999, 0.9], "epsilon": [1e-7, 1e-2]}, [16]),
        ({"hidden_layer_sizes": (8, 6)}, {"dropout": [[0.1, 0.3], [0.5, 0.2], [0.0, 0.2]]}, [4, 2]),
    ],
    ids=["sgd momentum x nesterov", "rmsprop rho x momentum x epsilon", "adam betas x epsilon", "dropout rates"],
)
def test_members_differing_in_optimizer_settings_and_dropout_rates_train_in_one_group(digits, count_groups, settings,
                                                                                     grid, groups):
    X, y = digits
    plain, fused_search = both(KerasMLPClassifier(**{**TINY, **settings}), grid, X, y, cv=2)
    assert_same_results(plain, fused_search)
    assert sorted(count_groups, reverse=True) == groups  # a rate of 0 has no Dropout layer: its own group
    np.testing.assert_array_equal(fused_search.predict_proba(X), plain.predict_proba(X))


def test_the_first_fit_of_an_architecture_joins_its_group(digits, count_groups):
    """A search that meets an architecture first builds one Keras model (its
    template) and trains that fit in the group too, as its own fit would;
    its refit trains on the group's stack (no fit of the architecture has
    traced the compiled loop)."""
    X, y = digits
    estimator = KerasMLPClassifier(**{**TINY, "hidden_layer_sizes": (7, 3), "dropout": 0.1})  # built by no other test
    grid = {"random_state": [0, 1]}
    fused_search = skhyper_search.GridSearchCV(clone(estimator), grid, cv=3).fit(X, y)
    assert count_groups == [6, 1]
    plain = sklearn_search.GridSearchCV(clone(estimator), grid, cv=3).fit(X, y)
    assert_same_results(plain, fused_search)
    np.testing.assert_allclose(fused_search.predict_proba(X), plain.predict_proba(X), atol=1e-6)


@pytest.mark.parametrize("xla", [False, True], ids=["tensorflow", "xla"])
def test_members_train_exactly_as_their_own_fits(digits, monkeypatch, xla):
    """Whether the group's step runs as TensorFlow runs it (a small group) or
    compiled by XLA (a large one), each member trains as its own fit."""
    monkeypatch.setattr(fused, "XLA_MEMBER_STEPS", 0 if xla else 10**9)
    monkeypatch.setattr(fused._local, "stacks", None, raising=False)  # (no stack traced by another test)
    X, y = digits
    estimators = [KerasMLPClassifier(**{**TINY, "epochs": 5, "optimizer": "adam", "dropout": 0.2,
                                        "learning_rate": rate, "random_state": seed})
                  for rate in (1e-3, 1e-2) for seed in (0, 1)]  # fmt: skip
    alone = [clone(e).fit(X[: 200 + 20 * i], y[: 200 + 20 * i]) for i, e in enumerate(estimators)]
    members = [skhyper_search._prepare(clone(e), X[: 200 + 20 * i], y[: 200 + 20 * i]) for i, e in enumerate(estimators)]
    histories = fused.train_members(members)
    assert [stack.jit for stack in fused._local.stacks.values()] == [xla]
    for member, history, own in zip(members, histories, alone):
        np.testing.assert_allclose(history["loss"], own.history_["loss"], rtol=1e-5)
        member.estimator._finish_fit(history)
        np.testing.assert_array_equal(member.estimator.predict(X), own.predict(X))
        np.testing.assert_allclose(member.estimator.predict_proba(X), own.predict_proba(X), atol=1e-6)



@pytest.mark.parametrize(
    "dropouts, seeds",
    [([[0.1, 0.3], [0.5, 0.2]], [0]), ([[0.2, 0.2]], [0]), ([[0.1, 0.3], [0.5, 0.2]], [0, 1])],
    ids=["one noise, rates differ", "one noise, one rate", "noises and rates differ"],
)
def test_members_differing_in_dropout_rates_train_exactly_as_their_own_fits(digits, dropouts, seeds):
    """The members' dropout multipliers: one for all when they share the
    noise (one random_state) and the rate, else each member's own."""
    X, y = digits
    estimators = [KerasMLPClassifier(**{**TINY, "hidden_layer_sizes": (8, 6), "epochs": 4, "optimizer": "rmsprop",
                                        "dropout": rates, "random_state": seed})
                  for rates in dropouts for seed in seeds for _ in range(2)]  # fmt: skip
    alone = [clone(e).fit(X[: 200 + 20 * i], y[: 200 + 20 * i]) for i, e in enumerate(estimators)]
    members = [skhyper_search._prepare(clone(e), X[: 200 + 20 * i], y[: 200 + 20 * i]) for i, e in enumerate(estimators)]
    histories = fused.train_members(members)
    for member, history, own in zip(members, histories, alone):
        np.testing.assert_allclose(history["loss"], own.history_["loss"], rtol=1e-5)
        member.estimator._finish_fit(history)
        np.testing.assert_allclose(member.estimator.predict_proba(X), own.predict_proba(X), atol=1e-6)


def test_one_trace_serves_groups_of_any_size_fold_size_and_input_width(digits, monkeypatch):
    """An architecture's stack is traced once and trains groups of other
    numbers of members, row counts and input widths (each member as its own
    fit); a group that needs another variant of the epoch (members sitting
    steps out) traces that one only."""
    monkeypatch.setattr(fused._local, "stacks", None, raising=False)
    built, traced = [], []
    init, run = fused._Stack.__init__, fused._Stack._run
    monkeypatch.setattr(fused._Stack, "__init__", lambda self, *args: built.append(self) or init(self, *args))
    monkeypatch.setattr(fused._Stack, "_run", lambda self, *args: traced.append(self._variant) or run(self, *args))
    X, y = digits
    make = dict(TINY, hidden_layer_sizes=(6, 5), dropout=0.2, optimizer="rmsprop")  # built by no other test
    groups = [
        [(seed, slice(0, 200), slice(None)) for seed in (0, 0)],
        [(seed, slice(0, 264), slice(None)) for seed in (0, 0, 0)],  # more members, more rows (as many steps)
        [(seed, slice(0, 200), slice(0, 40)) for seed in (0, 0)],  # another input width
        [(0, slice(0, 200), slice(None)), (0, slice(0, 100), slice(None))],  # one member steps fewer times
    ]
    for group in groups:
        estimators = [KerasMLPClassifier(**{**make, "random_state": seed}) for seed, _, _ in group]
        data = [(X[rows, columns], y[rows]) for _, rows, columns in group]
        alone = [clone(e).fit(*d) for e, d in zip(estimators, data)]
        members = [skhyper_search._prepare(clone(e), *d) for e, d in zip(estimators, data)]
        for member, history, own in zip(members, fused.train_members(members), alone):
            np.testing.assert_allclose(history["loss"], own.history_["loss"], rtol=1e-5)
            member.estimator._finish_fit(history)
            np.testing.assert_allclose(member.estimator.predict_proba(data[0][0]), own.predict_proba(data[0][0]), atol=1e-6)
    assert len(built) == 1
    assert traced == [(False, True, True), (True, False, False)]  # (masked, one noise, one multiplier)


def test_a_search_fuses_a_group_only_where_it_pays(digits, count_groups, monkeypatch):
    """A group of fewer than FUSE_MIN_MEMBERS fits (a single candidate's
    folds) is fitted one by one; so is a small group in a thread without its
    architecture's stack, the first time; run again (a session's next
    search, a kept worker's next part), it is fused.  The scores are
    sklearn's search's either way."""
    monkeypatch.setattr(fused, "FUSE_MIN_MEMBERS", 6)
    monkeypatch.setattr(fused, "STACK_FIRST_SECONDS", 0.6)  # (six of TINY's fits save some 0.02 s)
    monkeypatch.setattr(fused._local, "stacks", None, raising=False)
    monkeypatch.setattr(fused._local, "seen", None, raising=False)
    X, y = digits
    estimator = KerasMLPClassifier(**{**TINY, "hidden_layer_sizes": (7,), "dropout": 0.1})
    plain, one_candidate = both(estimator, {"random_state": [0]}, X, y, cv=3)
    assert_same_results(plain, one_candidate)
    plain, first = both(estimator, {"random_state": [0, 1]}, X, y, cv=3)
    assert_same_results(plain, first)
    assert count_groups == []
    again = skhyper_search.GridSearchCV(estimator, {"random_state": [0, 1]}, cv=3).fit(X, y)
    assert_same_results(plain, again)
    assert count_groups == [6]
    monkeypatch.setattr(fused._local, "seen", None, raising=False)
    skhyper_search.GridSearchCV(estimator, {"random_state": [2, 3]}, cv=3).fit(X, y)  # (its stack is there)
    assert count_groups == [6, 6]


def test_xla_compiles_only_groups_with_enough_member_steps(digits, monkeypatch):
    """Two members of 200 rows at batch 64 train 2 x 4 member-steps an
    epoch: 3 epochs stay under a threshold of 40, 5 reach it, and the two
    groups get stacks of their own (a group's step never depends on which
    groups trained before it in the process)."""
    monkeypatch.setattr(fused, "XLA_MEMBER_STEPS", 40)
    monkeypatch.setattr(fused._local, "stacks", None, raising=False)
    X, y = digits
    for epochs in (3, 5, 3):
        members = [skhyper_search._prepare(KerasMLPClassifier(**{**TINY, "epochs": epochs, "random_state": seed}), X[:200], y[:200])
                   for seed in (0, 1)]  # fmt: skip
        fused.train_members(members)
    assert sorted(stack.jit for stack in fused._local.stacks.values()) == [False, True]


def test_a_step_xla_cannot_compile_runs_as_tensorflow_runs_it(digits, monkeypatch):
    """The stacked gradient step is compiled by XLA; where XLA cannot compile
    it (an operation it lacks: a Python function here), the group trains
    with TensorFlow's own kernels from its starting state, with the same
    results as each fit on its own."""
    import tensorflow as tf

    step = fused._Stack._train_step
    compiled = []

    def with_python_inside(self, X, *rest):
        compiled.append(self.jit)
        X = tf.ensure_shape(tf.py_function(tf.identity, [X], tf.float32), X.shape)  # no XLA kernel: EagerPyFunc
        return step(self, X, *rest)

    monkeypatch.setattr(fused._Stack, "_train_step", with_python_inside)
    monkeypatch.setattr(fused, "XLA_MEMBER_STEPS", 0)
    monkeypatch.setattr(fused._local, "stacks", None, raising=False)  # (no stack traced by another test)
    X, y = digits
    estimators = [KerasMLPClassifier(**{**TINY, "epochs": 3, "optimizer": "rmsprop", "dropout": 0.2, "random_state": seed})
                  for seed in (0, 1)]  # fmt: skip
    alone = [clone(e).fit(X[:200], y[:200]) for e in estimators]
    members = [skhyper_search._prepare(clone(e), X[:200], y[:200]) for e in estimators]
    histories = fused.train_members(members)
    assert compiled[0] is True and compiled[-1] is False  # tried with XLA, trained without
    for history, own in zip(histories, alone):
        np.testing.assert_allclose(history["loss"], own.history_["loss"], rtol=1e-5)

@pytest.mark.parametrize(
    "make, settings",
    [
        (KerasMLPClassifier, {"optimizer": "rmsprop", "dropout": 0.1, "early_stopping": True, "patience": 2,
                              "validation_split": 0.2, "class_weight": "balanced"}),
        (KerasMLPClassifier, {"optimizer": "sgd", "early_stopping": True, "patience": 1, "min_delta": 1e-3,
                              "restore_best_weights": False, "lr_schedule": "plateau", "lr_patience": 0}),
        (KerasMLPRegressor, {"optimizer": "adam", "validation_split": 0.25, "l2": 1e-3}),
    ],
    ids=["early stopping", "early stopping, no restore, plateau", "validation only"],
)
def test_members_with_validation_and_early_stopping_train_as_their_own_fits(digits, diabetes, make, settings):
    X, y = digits if make is KerasMLPClassifier else diabetes
    estimators = [make(**{**TINY, "epochs": 15, **settings, "learning_rate": rate, "random_state": seed})
                  for rate in (1e-3, 3e-2, 0.3) for seed in (0, 1)]  # fmt: skip
    alone = [clone(e).fit(X[: 300 + 20 * i], y[: 300 + 20 * i]) for i, e in enumerate(estimators)]
    members = [skhyper_search._prepare(clone(e), X[: 300 + 20 * i], y[: 300 + 20 * i]) for i, e in enumerate(estimators)]
    histories = fused.train_members(members)
    lengths = set()
    for member, history, own in zip(members, histories, alone):
        assert history.keys() == own.history_.keys()
        for key, values in own.history_.items():
            np.testing.assert_allclose(history[key], values, rtol=1e-4, atol=1e-6, err_msg=key)
        lengths.add(len(history["loss"]))
        member.estimator._finish_fit(history)
        np.testing.assert_allclose(member.estimator.predict(X), own.predict(X), rtol=1e-4, atol=1e-5)
    if settings.get("early_stopping"):
        assert len(lengths) > 1  # some stopped early, at different epochs


def test_partial_fit_after_a_fused_fit_goes_on_as_after_its_own(digits):
    X, y = digits
    estimators = [KerasMLPClassifier(**{**TINY, "optimizer": optimizer, "dropout": 0.1, "random_state": seed})
                  for optimizer in ("rmsprop", "adam") for seed in (0, 5)]  # fmt: skip
    alone = [clone(e).fit(X, y) for e in estimators]  # (also the templates)
    by_optimizer = {}
    for estimator in estimators:
        member = skhyper_search._prepare(clone(estimator), X, y)
        by_optimizer.setdefault(estimator.optimizer, []).append(member)
    members = [m for group in by_optimizer.values() for m in group]
    for group in by_optimizer.values():
        for member, history in zip(group, fused.train_members(group)):
            member.estimator._finish_fit(history)
    for member, own in zip(members, alone):
        member.estimator.partial_fit(X, y)  # the optimizer state the fused fit left
        own.partial_fit(X, y)
        np.testing.assert_allclose(member.estimator.history_["loss"], own.history_["loss"], rtol=1e-5)
        np.testing.assert_allclose(member.estimator.predict_proba(X), own.predict_proba(X), atol=1e-5)


def test_regressor_and_multimetric_and_randomized(diabetes, count_groups):
    X, y = diabetes
    estimator = KerasMLPRegressor(**TINY, optimizer="sgd", learning_rate=0.01)
    grid = {"l2": [0.0], "learning_rate": [0.01, 0.02], "random_state": [0, 3]}
    plain, fused_search = both(estimator, grid, X, y, cv=3, scoring=["r2", "neg_mean_absolute_error"], refit="r2")
    assert_same_results(plain, fused_search)
    plain = sklearn_search.RandomizedSearchCV(estimator, grid, n_iter=3, cv=2, random_state=0).fit(X, y)
    fused_search = skhyper_search.RandomizedSearchCV(estimator, grid, n_iter=3, cv=2, random_state=0).fit(X, y)
    assert_same_results(plain, fused_search)
    assert count_groups


@pytest.mark.parametrize("options", [{}, {"resource": "epochs", "max_resources": 4, "min_resources": 1}])
@pytest.mark.parametrize("kind", ["HalvingGridSearchCV", "HalvingRandomSearchCV"])
def test_halving_searches_fuse_each_round(digits, count_groups, kind, options):
    X, y = digits
    estimator = KerasMLPClassifier(**TINY, optimizer="rmsprop")
    grid = {"learning_rate": [1e-3, 3e-3, 1e-2, 3e-2], "random_state": [0, 1]}
    search = dict(cv=3, factor=2, random_state=0, **options)
    if kind == "HalvingRandomSearchCV":
        search["n_candidates"] = 6
    plain = getattr(sklearn_search, kind)(estimator, grid, **search).fit(X, y)
    fused_search = getattr(skhyper_search, kind)(estimator, grid, **search).fit(X, y)
    assert_same_results(plain, fused_search)
    np.testing.assert_array_equal(fused_search.cv_results_["n_resources"], plain.cv_results_["n_resources"])
    assert sum(count_groups) == 3 * len(plain.cv_results_["params"])  # every round's fits were fused


def test_a_pipelines_last_step_is_fused_after_its_earlier_steps(digits, count_groups, monkeypatch):
    X, y = digits
    taken = []
    take = _handoff.take_result
    monkeypatch.setattr(_handoff, "take_result", lambda *args: taken.append(take(*args)) or taken[-1])
    pipeline = make_pipeline(StandardScaler(), PCA(20, random_state=0), KerasMLPClassifier(**TINY, dropout=0.1))
    grid = {"kerasmlpclassifier__random_state": [0, 1], "pca__n_components": [10, 20]}
    plain, fused_search = both(pipeline, grid, X, y, cv=3)
    assert_same_results(plain, fused_search)
    assert count_groups == [6, 6]  # one group per input width (PCA's components)
    assert sum(result is not None for result in taken) == 12  # sklearn's fits took every fused result
    np.testing.assert_array_equal(fused_search.predict_proba(X), plain.predict_proba(X))


def test_a_splitter_that_splits_differently_each_time_is_not_fused(digits, count_groups):
    X, y = digits
    cv = sklearn_search.KFold(3, shuffle=True)  # no random_state: new folds each time it is asked
    skhyper_search.GridSearchCV(KerasMLPClassifier(**TINY), {"random_state": [0, 1]}, cv=cv).fit(X, y)
    assert count_groups == []


@pytest.mark.parametrize(
    "estimator",
    [
        KerasMLPClassifier(**TINY, verbose=1),
        KerasMLPClassifier(**TINY, optimizer="adagrad"),
        make_pipeline(StandardScaler(), KerasMLPClassifier(**TINY, optimizer="adagrad")),
    ],
    ids=["verbose", "adagrad", "pipeline of what is not fused"],
)
def test_what_cannot_be_fused_is_fitted_as_sklearn_fits_it(digits, count_groups, estimator):
    X, y = digits
    name = "kerasmlpclassifier__random_state" if hasattr(estimator, "steps") else "random_state"
    plain, fused_search = both(estimator, {name: [0, 1]}, X, y, cv=2)
    assert_same_results(plain, fused_search)
    assert count_groups == []


def test_a_search_with_callbacks_trains_copies_as_its_fits_do(digits):
    import keras

    class Epochs(keras.callbacks.Callback):
        count = 0

        def on_epoch_end(self, epoch, logs=None):
            self.count += 1

    X, y = digits
    given = Epochs()
    estimator = KerasMLPClassifier(**TINY, callbacks=[given])
    assert not fused.fusable(estimator)  # (Keras' loop: each fit is its own)
    search = skhyper_search.GridSearchCV(estimator, {"random_state": [0]}, cv=2).fit(X, y)
    assert given.count == 0 and given._model is None
    (trained,) = search.best_estimator_.callbacks_
    assert trained.count == TINY["epochs"] and trained.model is search.best_estimator_.model_


def test_a_diverging_member_scores_as_in_sklearn(digits):
    X, y = digits
    estimator = KerasMLPClassifier(**TINY, optimizer="sgd")
    grid = {"learning_rate": [0.01, 1e6]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn's FitFailedWarning, the divergence warnings
        plain, fused_search = both(estimator, grid, X * 1e3, y, cv=2, error_score=np.nan)
    assert_same_results(plain, fused_search)  # the diverged candidate kept its best finite weights in both


def test_the_progress_bar_counts_a_fused_search_once(digits, count_groups):
    import skhyper

    X, y = digits
    estimator = KerasMLPClassifier(**TINY)
    skhyper_search.GridSearchCV(estimator, {"random_state": [0]}, cv=3).fit(X, y)  # the template
    with skhyper.progress_bar(disable=True) as bar:
        skhyper_search.GridSearchCV(estimator, {"random_state": [0, 1, 2]}, cv=3).fit(X, y)
    assert count_groups[-1] == 9
    assert bar.n == bar.total == 10  # 9 fits and the refit


def test_a_group_that_fails_to_train_is_fitted_one_by_one(digits, monkeypatch):
    X, y = digits

    def broken(members):
        raise RuntimeError("a failure inside the fused epoch")

    monkeypatch.setattr(fused, "train_members", broken)
    plain, fused_search = both(KerasMLPClassifier(**TINY), {"random_state": [0, 1]}, X, y, cv=2)
    assert_same_results(plain, fused_search)


@pytest.mark.slow
@pytest.mark.parametrize(
    "settings, grid",
    [
        ({"dropout": 0.2}, {"kernel_initializer": ["he_normal", "uniform"], "random_state": [0, 1]}),
        ({"optimizer": "adagrad"}, {"random_state": [0, 1]}),  # not fused: fitted one by one in the workers
    ],
    ids=["fused", "one by one"],
)
def test_with_n_jobs_the_fits_are_trained_in_worker_processes(digits, monkeypatch, settings, grid):
    from skhyper import model_selection
    from skhyper.estimators._base import KerasMLPBase

    X, y = digits
    estimator = KerasMLPClassifier(**TINY, **settings)
    plain = sklearn_search.GridSearchCV(clone(estimator), grid, cv=3, return_train_score=True).fit(X, y)
    trained_here, from_workers = [], []
    train, restored = KerasMLPBase._train, model_selection._restored
    monkeypatch.setattr(KerasMLPBase, "_train", lambda self, *args: trained_here.append(self) or train(self, *args))
    monkeypatch.setattr(model_selection, "_restored", lambda result: from_workers.append(result) or restored(result))
    spread = skhyper_search.GridSearchCV(clone(estimator), grid, cv=3, n_jobs=2, return_train_score=True).fit(X, y)
    assert_same_results(plain, spread)
    assert len(from_workers) == 3 * len(plain.cv_results_["params"])  # every fit, sent back by skhyper's workers
    assert len(trained_here) == 1  # the refit
    assert spread.n_jobs == 2
    np.testing.assert_array_equal(spread.predict_proba(X), plain.predict_proba(X))


@pytest.mark.slow
@pytest.mark.parametrize("settings", [{"dropout": 0.2}, {"optimizer": "adagrad"}], ids=["fused", "one by one"])
def test_with_n_jobs_a_pipelines_fits_are_trained_in_worker_processes(digits, monkeypatch, settings):
    from skhyper.estimators._base import KerasMLPBase

    X, y = digits
    pipeline = make_pipeline(StandardScaler(), KerasMLPClassifier(**TINY, **settings))
    grid = {"kerasmlpclassifier__random_state": [0, 1], "standardscaler__with_mean": [True, False]}
    plain = sklearn_search.GridSearchCV(clone(pipeline), grid, cv=3).fit(X, y)
    trained_here = []
    train = KerasMLPBase._train
    monkeypatch.setattr(KerasMLPBase, "_train", lambda self, *args: trained_here.append(self) or train(self, *args))
    spread = skhyper_search.GridSearchCV(clone(pipeline), grid, cv=3, n_jobs=2).fit(X, y)
    assert_same_results(plain, spread)
    assert len(trained_here) == 1  # the refit: every other fit came back from the workers
    np.testing.assert_array_equal(spread.predict_proba(X), plain.predict_proba(X))


@pytest.mark.slow
@pytest.mark.parametrize("options", [{"random_state": 0}, {"resource": "epochs", "max_resources": 4, "min_resources": 1}],
                         ids=["rows, seeded", "epochs"])
def test_with_n_jobs_a_halving_search_trains_each_round_in_worker_processes(digits, monkeypatch, options):
    from skhyper import model_selection
    from skhyper.estimators._base import KerasMLPBase

    X, y = digits
    estimator = KerasMLPClassifier(**TINY, optimizer="rmsprop")
    grid = {"learning_rate": [1e-3, 1e-2], "random_state": [0, 1]}
    plain = sklearn_search.HalvingGridSearchCV(clone(estimator), grid, cv=2, factor=2, **options).fit(X, y)
    trained_here, from_workers = [], []
    train, restored = KerasMLPBase._train, model_selection._restored
    monkeypatch.setattr(KerasMLPBase, "_train", lambda self, *args: trained_here.append(self) or train(self, *args))
    monkeypatch.setattr(model_selection, "_restored", lambda result: from_workers.append(result) or restored(result))
    spread = skhyper_search.HalvingGridSearchCV(clone(estimator), grid, cv=2, factor=2, n_jobs=2, **options).fit(X, y)
    assert_same_results(plain, spread)
    np.testing.assert_array_equal(spread.cv_results_["n_resources"], plain.cv_results_["n_resources"])
    assert len(plain.cv_results_["params"]) > len(grid["learning_rate"]) * len(grid["random_state"])  # rounds ran
    assert len(from_workers) == 2 * len(plain.cv_results_["params"])  # every round's fits, from skhyper's workers
    assert len(trained_here) == 1  # the refit


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:One or more of the test scores are non-finite")
def test_with_n_jobs_a_fit_that_fails_in_a_worker_fails_as_in_sklearn(digits):
    from sklearn.exceptions import FitFailedWarning

    X, y = digits
    estimator = KerasMLPClassifier(**TINY, optimizer="sgd")
    grid = {"learning_rate": [0.01, 1e30]}
    with pytest.warns(FitFailedWarning, match="learning_rate=1e\\+30.*diverged"):
        plain = sklearn_search.GridSearchCV(clone(estimator), grid, cv=2).fit(X * 1e3, y)
    with pytest.warns(FitFailedWarning, match="learning_rate=1e\\+30.*diverged"):
        spread = skhyper_search.GridSearchCV(clone(estimator), grid, cv=2, n_jobs=2).fit(X * 1e3, y)
    assert_same_results(plain, spread)
    assert np.isnan(spread.cv_results_["mean_test_score"][1])


class _Loss:  # a Python object as a hyperparameter: its repr changes between processes
    def __repr__(self):
        return f"<loss at {id(self):#x}>"


@pytest.mark.parametrize(
    "search, fits_in_workers",
    [
        (lambda: skhyper_search.GridSearchCV(KerasMLPClassifier(), {"random_state": [0, 1]}, n_jobs=2), True),
        (lambda: skhyper_search.RandomizedSearchCV(KerasMLPClassifier(), {"learning_rate": [1e-3]}, n_jobs=2), True),
        (lambda: skhyper_search.GridSearchCV(make_pipeline(StandardScaler(), KerasMLPClassifier()),
                                             {"kerasmlpclassifier__random_state": [0]}, n_jobs=2), True),
        (lambda: skhyper_search.GridSearchCV(make_pipeline(StandardScaler(), KerasMLPClassifier()),
                                             {"kerasmlpclassifier__loss": [_Loss()]}, n_jobs=2), False),
        (lambda: skhyper_search.GridSearchCV(make_pipeline(StandardScaler(), KerasMLPClassifier()),
                                             {"standardscaler": [StandardScaler(), "passthrough"]}, n_jobs=2), False),
        (lambda: skhyper_search.HalvingGridSearchCV(KerasMLPClassifier(), {"random_state": [0, 1]}, n_jobs=2), False),
        (lambda: skhyper_search.HalvingGridSearchCV(KerasMLPClassifier(), {"random_state": [0, 1]}, n_jobs=2,
                                                    random_state=0), True),
        (lambda: skhyper_search.HalvingRandomSearchCV(KerasMLPClassifier(), {"random_state": [0, 1]}, n_jobs=2,
                                                      resource="epochs", max_resources=4), True),
        (lambda: skhyper_search.GridSearchCV(KerasMLPClassifier(), {"loss": [_Loss()]}, n_jobs=2), False),
        (lambda: skhyper_search.GridSearchCV(KerasMLPClassifier(), {"random_state": [0]},
                                             cv=sklearn_search.KFold(2, shuffle=True), n_jobs=2), False),
    ],
    ids=["grid", "random", "pipeline", "pipeline, python object", "pipeline, steps searched",
         "halving, rows drawn anew each round", "halving, seeded", "halving over epochs", "python object",
         "new folds each time"],
)
def test_which_searches_with_n_jobs_train_in_workers(digits, search, fits_in_workers):
    X, y = digits
    assert search()._fuses_in_workers(X, y, {}) is fits_in_workers
    assert search()._fuses_in_workers(X, y, {"sample_weight": np.ones(len(y))}) is False


def test_with_n_jobs_a_failure_of_the_workers_machinery_leaves_the_fits_to_sklearn(digits, monkeypatch):
    import joblib

    from skhyper import model_selection

    def broken(*args):
        raise RuntimeError("a worker lost")

    monkeypatch.setattr(model_selection, "_fit_part", broken)  # threads: the workers see it
    X, y = digits
    plain = sklearn_search.GridSearchCV(KerasMLPClassifier(**TINY), {"random_state": [0, 1]}, cv=2).fit(X, y)
    with joblib.parallel_backend("threading"):
        spread = skhyper_search.GridSearchCV(KerasMLPClassifier(**TINY), {"random_state": [0, 1]}, cv=2, n_jobs=2).fit(X, y)
    assert_same_results(plain, spread)


@pytest.fixture(scope="module")
def monthly():
    """Ten years of a monthly series with a trend and a season."""
    import pandas as pd

    rng = np.random.default_rng(0)
    n = 120
    values = 10 + 3 * np.sin(2 * np.pi * np.arange(n) / 12) + 0.05 * np.arange(n) + rng.normal(0, 0.5, n)
    return pd.Series(values, index=pd.period_range("2000-01", periods=n, freq="M"))


def test_fused_forecaster_search_equals_sklearns(monthly, count_groups):
    """The README's forecasting search: a WindowForecaster's candidates and
    time-series folds train in groups (one per window size), with
    sklearn's results."""
    from sklearn.model_selection import TimeSeriesSplit

    from skhyper import WindowForecaster
    from skhyper.scorers import neg_mean_absolute_error

    estimator = WindowForecaster(seasonal_period="auto", hidden_layer_sizes=(8,), dropout=0.1, epochs=6, random_state=0)
    grid = {"window_size": [4, 6], "learning_rate": [1e-3, 1e-2], "linear_margin": [0.0, 2.0], "deseasonalize": [None, "auto"]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (early folds too short for the season's strength)
        plain, fused_search = both(estimator, grid, monthly, None, cv=TimeSeriesSplit(3), scoring=neg_mean_absolute_error)
    # (MAE in the series' units, after the float32 network: round-off of
    # batched against single matrix products shows from the sixth digit;
    # the members' loss curves are compared to 1e-5 below)
    assert_same_results(plain, fused_search, rtol=1e-4)
    assert sum(count_groups) >= 3 * 16 - 2  # all but the first fit of each window size (which builds its template)
    np.testing.assert_allclose(fused_search.best_estimator_.forecast(6), plain.best_estimator_.forecast(6), rtol=1e-6)


def test_forecaster_members_keep_their_linear_start_as_their_own_fits(monthly):
    """After training, each forecaster keeps its linear start unless its
    network beat it on its validation windows, as its own fit decides."""
    from skhyper import WindowForecaster

    estimators = [WindowForecaster(seasonal_period=12, window_size=6, hidden_layer_sizes=(8,), epochs=8, random_state=seed,
                                   learning_rate=rate, linear_margin=margin)
                  for seed in (0, 1) for rate in (1e-3, 1e-2) for margin in (0.0, 2.0)]  # fmt: skip
    series = [monthly[: 80 + 4 * i] for i in range(len(estimators))]
    alone = [clone(e).fit(s) for e, s in zip(estimators, series)]
    members = [skhyper_search._prepare(clone(e), s, None) for e, s in zip(estimators, series)]
    histories = fused.train_members(members)
    kept = []
    for member, history, own, s in zip(members, histories, alone, series):
        np.testing.assert_allclose(history["loss"], own.history_["loss"], rtol=1e-5)
        member.after_training(history)
        member.estimator._finish_fit(history)
        assert member.estimator.linear_start_kept_ == own.linear_start_kept_
        kept.append(own.linear_start_kept_)
        np.testing.assert_allclose(member.estimator.predict_in_sample(s), own.predict_in_sample(s), rtol=1e-5)
    assert set(kept) == {True, False}  # both decisions are exercised


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["loky", "threading"])
def test_with_n_jobs_a_forecasters_fits_are_trained_in_workers(monthly, monkeypatch, count_groups, backend):
    """In loky's processes (what users get) every fit comes back from
    skhyper's workers; in threads, the groups they fuse are counted too."""
    import joblib
    from sklearn.model_selection import TimeSeriesSplit

    from skhyper import WindowForecaster
    from skhyper import model_selection
    from skhyper.scorers import neg_mean_absolute_error

    estimator = WindowForecaster(seasonal_period="auto", window_size=6, hidden_layer_sizes=(8,), epochs=6, random_state=0)
    grid = {"learning_rate": [1e-3, 1e-2], "deseasonalize": [None, "auto"]}
    search = {"cv": TimeSeriesSplit(3), "scoring": neg_mean_absolute_error}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = sklearn_search.GridSearchCV(clone(estimator), grid, **search).fit(monthly)
        from_workers = []
        restored = model_selection._restored
        monkeypatch.setattr(model_selection, "_restored", lambda result: from_workers.append(result) or restored(result))
        count_groups.clear()  # (sklearn's search fused nothing; the template was built by it)
        with joblib.parallel_backend(backend):
            spread = skhyper_search.GridSearchCV(clone(estimator), grid, n_jobs=2, **search).fit(monthly)
    assert_same_results(plain, spread, rtol=1e-4)
    assert len(from_workers) == 3 * len(plain.cv_results_["params"])  # every fit, sent back by skhyper's workers
    if backend == "threading":
        assert sum(count_groups) == 3 * len(plain.cv_results_["params"])  # all of them fused
    np.testing.assert_allclose(spread.best_estimator_.forecast(6), plain.best_estimator_.forecast(6), rtol=1e-6)


@pytest.mark.parametrize(
    "settings, exogenous",
    [({"window_size": 8, "horizon": 3}, False), ({"window_size": 6}, True), ({"window_size": 6, "l2": 1e-3}, False),
     ({"window_size": 6, "seasonal_period": 12, "deseasonalize": "difference"}, False)],
    ids=["horizon 3", "exogenous y", "l2", "seasonal differences"],
)  # fmt: skip
def test_fused_forecaster_searches_with_other_settings_equal_sklearns(monthly, count_groups, settings, exogenous):
    """Without early stopping (no linear start to go back to: the trained
    network is what is scored)."""
    import pandas as pd
    from sklearn.model_selection import TimeSeriesSplit

    from skhyper import WindowForecaster
    from skhyper.scorers import neg_mean_absolute_error

    X, y = monthly, None
    if exogenous:  # next month's value from this month's and a calendar column
        X = pd.DataFrame({"value": monthly, "month": monthly.index.month.astype(float)}, index=monthly.index)
        y = monthly.shift(-1).ffill()
    estimator = WindowForecaster(hidden_layer_sizes=(8,), epochs=5, early_stopping=False, random_state=0, **settings)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain, fused_search = both(estimator, {"learning_rate": [1e-3, 1e-2], "random_state": [0, 1]}, X, y,
                                   cv=TimeSeriesSplit(3), scoring=neg_mean_absolute_error)  # fmt: skip
    # The members' loss curves agree to about 2e-7 (float32 round-off of batched
    # against single products); the test folds' MAE of these small networks,
    # five epochs into training, move up to about 2e-4 with it.
    assert_same_results(plain, fused_search, rtol=1e-3)
    assert sum(count_groups) == 12  # every fit (sklearn's search built the template)


def test_stacks_are_kept_for_the_next_search_within_a_memory_bound(digits, monkeypatch):
    """A search over six architectures trains six groups; run again, it
    traces none of them again, unless their variables exceed
    ``STACKS_BYTES``. A kept stack has let go of its members' rows."""
    X, y = digits
    monkeypatch.setattr(fused._local, "stacks", None, raising=False)
    built = []
    init = fused._Stack.__init__
    monkeypatch.setattr(fused._Stack, "__init__", lambda self, *args: built.append(self) or init(self, *args))
    grid = {"hidden_layer_sizes": [(3,), (4,), (5,), (6,), (7,), (9,)], "random_state": [0, 1]}
    estimator = KerasMLPClassifier(**{**TINY, "epochs": 2})
    search = skhyper_search.GridSearchCV(estimator, grid, cv=2)
    search.fit(X, y)
    assert len(built) == 6 and all(stack.data is None and stack.members is None for stack in built)
    built.clear()
    search.fit(X, y)
    assert built == []
    monkeypatch.setattr(fused, "STACKS_BYTES", 1)  # every stack over it: only the one training is kept
    search.fit(X, y)
    assert len(built) == 5 and len(fused._local.stacks) == 1  # (the first group's stack was still kept)


class _Clock:
    """A perf_counter that moves one second each time it is read."""

    def __init__(self):
        self.now = 0.0

    def perf_counter(self):
        self.now += 1.0
        return self.now


def test_a_fused_fits_time_is_its_share_of_the_training(digits, monkeypatch):
    """sklearn times each fit's taking of its fused result (nothing); the
    search's fit_time adds what the fit took before: its preparation, its
    share of its group's stacked training and its finishing (here on a
    clock that moves a second per reading: 1 + 1/K + 1 for a member of K)."""
    from skhyper import model_selection

    X, y = digits
    grid = {"random_state": [0, 1, 2]}
    skhyper_search.GridSearchCV(KerasMLPClassifier(**TINY), grid, cv=2).fit(X[:300], y[:300])  # (the architecture built)
    monkeypatch.setattr(model_selection, "time", _Clock())
    search = skhyper_search.GridSearchCV(KerasMLPClassifier(**TINY), grid, cv=2).fit(X[:300], y[:300])
    np.testing.assert_allclose(search.cv_results_["mean_fit_time"], 2 + 1 / 6, atol=0.1)  # one group of six
    np.testing.assert_allclose(search.cv_results_["std_fit_time"], 0, atol=0.1)


def test_with_n_jobs_each_fit_time_comes_back_from_its_worker(digits, monkeypatch):
    """With n_jobs, a worker returns what each of its fits took, and the
    search puts it on that fit (candidate-major, as sklearn's results)."""
    import joblib

    from skhyper import model_selection

    fit_part = model_selection._fit_part

    def known_seconds(estimator, X, y, pairs):
        results, spent = fit_part(estimator, X, y, pairs)
        # (a part holds whole candidates, each with its two folds in order)
        return results, {i: 100.0 * candidate["random_state"] + i % 2 for i, (candidate, _) in enumerate(pairs)}

    monkeypatch.setattr(model_selection, "_fit_part", known_seconds)
    X, y = digits
    with joblib.parallel_backend("threading"):
        search = skhyper_search.GridSearchCV(KerasMLPClassifier(**TINY), {"random_state": [0, 1, 2]}, cv=2,
                                             n_jobs=2).fit(X[:300], y[:300])  # fmt: skip
    np.testing.assert_allclose(search.cv_results_["mean_fit_time"], [0.5, 100.5, 200.5], atol=0.2)
    np.testing.assert_allclose(search.cv_results_["std_fit_time"], 0.5, atol=0.2)


def test_a_folds_rows_are_stored_once_for_the_members_that_share_them(digits, monkeypatch):
    """Members fitted on one fold share its rows: the stack holds each
    fold's rows once per distinct set of sample weights (here two
    initializers x two class weightings x three folds: 6 fold copies, not
    12), and the search equals sklearn's."""
    X, y = digits
    X, y = X[:400], y[:400]
    stored = []
    load = fused._Stack.load

    def spy(self, members):
        load(self, members)
        stored.append((int(self.data[0].shape[0]), sum(len(m.X) for m in members)))

    monkeypatch.setattr(fused._Stack, "load", spy)
    estimator = KerasMLPClassifier(**TINY)
    grid = {"kernel_initializer": ["he_normal", "glorot_uniform"], "class_weight": [None, "balanced"]}
    estimator.fit(X, y)  # (the architecture built: every fit of the search is fused)
    plain, fused_search = both(estimator, grid, X, y, cv=3)
    assert_same_results(plain, fused_search)
    fold_rows = sum(len(train) for train, _ in sklearn_search.StratifiedKFold(3).split(X, y))
    assert stored == [(2 * fold_rows, 4 * fold_rows)]


def test_a_fused_result_is_taken_only_by_the_fit_on_its_own_rows(digits):
    """Two folds whose targets are the same but whose rows differ: each fit
    takes its own fold's result (compared by value, not by shape or
    targets), once, and a fit on other values takes none."""
    from skhyper import model_selection

    X, _ = digits
    X, y = X[:200], np.tile([0, 1], 100)
    first, second = np.arange(100, 200), np.arange(100)  # (the same targets)
    estimator = KerasMLPClassifier(**TINY).fit(X, y)  # (the architecture built: both fits fused)
    try:
        model_selection._fit_fused(estimator, X, y, [({}, first), ({}, second)])
        taken = _handoff.take_result(clone(estimator), X[second], y[second], None)
        own = clone(estimator).fit(X[second], y[second])
        np.testing.assert_allclose(taken.predict_proba(X), own.predict_proba(X), atol=1e-6)
        assert _handoff.take_result(clone(estimator), X[second], y[second], None) is None  # taken once
        assert _handoff.take_result(clone(estimator), X[first] + 1, y[first], None) is None
        assert _handoff.take_result(clone(estimator).set_params(epochs=4), X[first], y[first], None) is None
        assert _handoff.take_result(clone(estimator), X[first], y[first], None) is not None
    finally:
        _handoff._results.clear()


def test_a_candidate_listed_twice_takes_a_fused_result_for_each_fit(digits, monkeypatch):
    """Both copies of a candidate are fused and taken: sklearn's search fits
    neither again (which would count its time twice)."""
    X, y = digits
    taken = []
    take = _handoff.take_result
    monkeypatch.setattr(_handoff, "take_result", lambda *args: taken.append(take(*args)) or taken[-1])
    estimator = KerasMLPClassifier(**TINY).fit(X[:300], y[:300])  # (the architecture built)
    grid = [{"random_state": [0]}, {"random_state": [0]}, {"random_state": [1]}]
    plain, fused_search = both(estimator, grid, X[:300], y[:300], cv=2)
    assert_same_results(plain, fused_search)
    assert [result is not None for result in taken[-7:]] == [True] * 6 + [False]  # (the refit trains)


def test_a_search_ending_leaves_the_results_another_search_trained(digits):
    """What a search trained and no fit took is dropped when it ends, and a
    worker's part sends back what it trained, but neither takes what another
    search (in another thread) trained and has yet to take."""
    from skhyper import model_selection

    X, y = digits
    other = object()
    _handoff._searching.search = other
    try:
        _handoff._keep(KerasMLPClassifier(epochs=7), "rows", "a result")
    finally:
        _handoff._searching.search = None
    try:
        grid = {"random_state": [0, 1], "epochs": [2]}
        skhyper_search.GridSearchCV(KerasMLPClassifier(**TINY), grid, cv=2).fit(X[:300], y[:300])
        assert [entries for entries in _handoff._results.values()] == [[("rows", "a result", other)]]
        # A worker's part (here in this process, as joblib's threading backend runs it) sends its own back only.
        results, _ = model_selection._fit_part(KerasMLPClassifier(**TINY), X[:300], y[:300], [({}, np.arange(150))])
        assert len(results) == 1
        assert [entries for entries in _handoff._results.values()] == [[("rows", "a result", other)]]
        model_selection._let_go(other)
        assert _handoff._results == {}
    finally:
        _handoff._results.clear()


def test_a_sparse_folds_result_is_found_by_its_values(digits, count_groups):
    """The digest of sparse rows is of their values (it was of the matrix's
    repr: shape and stored elements, the same for other values): a search
    on sparse inputs equals sklearn's, every fit fused."""
    from scipy import sparse

    from skhyper import model_selection

    y = np.zeros(3)
    assert _handoff._digest(sparse.csr_matrix(np.eye(3)), y) != _handoff._digest(
        sparse.csr_matrix(np.eye(3)[::-1]), y)  # fmt: skip
    X, y = digits
    X = sparse.csr_matrix(X[:300])
    plain, fused_search = both(KerasMLPClassifier(**TINY), {"random_state": [0, 1]}, X, y[:300], cv=2)
    assert_same_results(plain, fused_search)
    assert sum(count_groups) == 4  # every fit fused (sklearn's search built the architecture)


def _in_a_new_thread(run):
    """``run()``'s result, run in a thread of its own: a thread without the
    stacks and traced loops other tests left in this one (both are kept per
    thread), as in a process's first search."""
    import threading

    out = {}

    def target():
        try:
            out["result"] = run()
        except BaseException as error:  # noqa: BLE001 - raised again below
            out["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in out:
        raise out["error"]
    return out["result"]


@pytest.mark.parametrize("settings", [{"dropout": 0.1, "optimizer": "rmsprop"}, {"optimizer": "adam", "l2": 1e-3}])
def test_a_first_search_fuses_and_refits_on_its_stack(digits, monkeypatch, settings):
    """In a thread where no fit of the architecture ran (a process's first
    search), a fused search fuses its group and refits the best candidate on
    the stack it traced: the compiled loop is never traced there (it would
    cost about as much again).  The refit is the one sklearn's search makes.
    The next search's refit traces the compiled loop (faster from then on)."""
    from skhyper._compiled import trainer_for

    monkeypatch.setattr(fused, "FUSE_MIN_MEMBERS", 6)
    monkeypatch.setattr(fused, "STACK_FIRST_SECONDS", 60.0)  # (only a thread without the compiled loop fuses)
    monkeypatch.setattr(fused, "FIRST_SEARCH_SECONDS", 0.0)  # (TINY's six fits save little)
    X, y = digits
    estimator = KerasMLPClassifier(**{**TINY, **settings})
    grid = {"random_state": [0, 1, 2]}
    plain = sklearn_search.GridSearchCV(estimator, grid, cv=2).fit(X, y)
    trained = []
    train = fused.train_members
    monkeypatch.setattr(fused, "train_members", lambda members: trained.append(len(members)) or train(members))

    def two_searches():
        first = skhyper_search.GridSearchCV(estimator, grid, cv=2).fit(X, y)
        network = first.best_estimator_._network()
        loop = trainer_for(network.template, "accuracy", 1, template=True)
        traced_after_first = loop.traced_epochs
        second = skhyper_search.GridSearchCV(estimator, grid, cv=2).fit(X, y)
        return first, traced_after_first, second, loop.traced_epochs

    first, traced_after_first, second, traced_after_second = _in_a_new_thread(two_searches)
    assert trained == [6, 1, 6]  # the first search's group and refit; the second's group
    assert not traced_after_first and traced_after_second
    for search in (first, second):
        assert_same_results(plain, search)
        np.testing.assert_allclose(search.predict_proba(X), plain.predict_proba(X), atol=1e-6)
        assert search.best_estimator_.history_["loss"] == pytest.approx(plain.best_estimator_.history_["loss"], rel=1e-5)


def test_a_first_search_whose_group_saves_too_little_fits_one_by_one(digits, monkeypatch):
    """In a thread where no fit of the architecture ran, a group whose fusing
    would save less than ``FIRST_SEARCH_SECONDS`` is fitted one by one (the
    stack's trace and a refit on it would cost more), with sklearn's results,
    each fit where the search prepared it (sklearn's fit takes it)."""
    monkeypatch.setattr(fused, "FUSE_MIN_MEMBERS", 6)
    monkeypatch.setattr(fused, "STACK_FIRST_SECONDS", 60.0)
    monkeypatch.setattr(fused, "FIRST_SEARCH_SECONDS", 60.0)
    X, y = digits
    estimator = KerasMLPClassifier(**{**TINY, "dropout": 0.1})
    grid = {"random_state": [0, 1, 2]}
    plain = sklearn_search.GridSearchCV(estimator, grid, cv=2).fit(X, y)
    trained = []
    train = fused.train_members
    monkeypatch.setattr(fused, "train_members", lambda members: trained.append(len(members)) or train(members))
    prepared = []
    prepare = KerasMLPClassifier._prepare_fit
    monkeypatch.setattr(KerasMLPClassifier, "_prepare_fit", lambda self, *a, **k: prepared.append(1) or prepare(self, *a, **k))
    first = _in_a_new_thread(lambda: skhyper_search.GridSearchCV(estimator, grid, cv=2).fit(X, y))
    assert trained == []
    assert len(prepared) == 3 * 2 + 1  # each fit prepared once (trained where it was), and the refit
    assert_same_results(plain, first)


def test_the_stacks_a_thread_keeps_do_not_keep_their_search_alive(digits):
    """A stack remembers the search that traced it (its refit may train
    there) without holding it: the search, its results and its best
    estimator are freed when the user lets them go."""
    import gc
    import weakref

    X, y = digits
    search = skhyper_search.GridSearchCV(KerasMLPClassifier(**TINY), {"random_state": [0, 1]}, cv=2).fit(X, y)
    assert any(stack.search is not None for stack in fused._local.stacks.values())
    gone = weakref.ref(search)
    del search
    gc.collect()
    assert gone() is None


def test_a_refit_without_a_stack_of_its_search_is_prepared_once_and_a_failing_stack_falls_back(digits, monkeypatch):
    """The refit asks for the stack before preparing its fit (the ordinary
    fit would prepare it again); where training on the stack fails, the
    refit is the ordinary fit, with sklearn's result."""
    X, y = digits
    estimator = KerasMLPClassifier(**{**TINY, "dropout": 0.1})
    grid = {"random_state": [0, 1]}
    plain = sklearn_search.GridSearchCV(estimator, grid, cv=2).fit(X, y)  # (this thread has traced the loop)
    prepared = []
    member = skhyper_search._member
    monkeypatch.setattr(skhyper_search, "_member", lambda e, rows: prepared.append(len(rows[0])) or member(e, rows))
    monkeypatch.setattr(fused, "FUSE_MIN_MEMBERS", 60)  # (nothing fused: no stack of this search)
    skhyper_search.GridSearchCV(estimator, grid, cv=2).fit(X, y)
    assert len(X) not in prepared and prepared  # (the candidates' fits were prepared: 150 rows each)

    def failing(member):
        raise RuntimeError("a stack that fails")

    monkeypatch.setattr(fused, "FUSE_MIN_MEMBERS", 2)
    monkeypatch.setattr(fused, "FIRST_SEARCH_SECONDS", 0.0)
    monkeypatch.setattr(fused, "train_alone", failing)
    first = _in_a_new_thread(lambda: skhyper_search.GridSearchCV(estimator, grid, cv=2).fit(X, y))
    assert_same_results(plain, first)
    np.testing.assert_allclose(first.predict_proba(X), plain.predict_proba(X), atol=1e-6)


def _seeded_both(estimator, grid, X, y, before=lambda: None, **search):
    before()
    plain = sklearn_search.GridSearchCV(clone(estimator), grid, **search).fit(X, y)
    before()
    return plain, skhyper_search.GridSearchCV(clone(estimator), grid, **search).fit(X, y)


def test_splitters_drawing_from_a_generator_get_sklearns_folds(digits, count_groups):
    # asking the splitter twice (do its folds repeat?) moved its RandomState on: other folds than sklearn's
    X, y = digits
    grid = {"learning_rate": [1e-2, 3e-2]}
    for cv, before in [(lambda: sklearn_search.KFold(3, shuffle=True, random_state=np.random.RandomState(0)), lambda: None),
                       (lambda: sklearn_search.KFold(3, shuffle=True), lambda: np.random.seed(0))]:  # fmt: skip
        before()
        plain = sklearn_search.GridSearchCV(KerasMLPClassifier(**TINY), grid, cv=cv()).fit(X, y)
        before()
        fused_search = skhyper_search.GridSearchCV(KerasMLPClassifier(**TINY), grid, cv=cv()).fit(X, y)
        assert_same_results(plain, fused_search)


def test_a_one_shot_iterator_of_folds_with_n_jobs_is_not_used_up(digits):
    from joblib import parallel_backend

    X, y = digits
    folds = lambda: ((np.setdiff1d(np.arange(len(y)), np.arange(k, len(y), 3)), np.arange(k, len(y), 3)) for k in range(3))  # noqa: E731
    with parallel_backend("threading", n_jobs=2):
        plain = sklearn_search.GridSearchCV(KerasMLPClassifier(**TINY), {"learning_rate": [1e-2]}, cv=folds(), n_jobs=2).fit(X, y)
        fused_search = skhyper_search.GridSearchCV(KerasMLPClassifier(**TINY), {"learning_rate": [1e-2]}, cv=folds(), n_jobs=2).fit(X, y)
    assert fused_search.n_splits_ == 3
    assert_same_results(plain, fused_search)


def test_seeds_from_numpys_generator_are_drawn_in_sklearns_order(digits):
    # some fits fusable, others not (adamw): the fused ones drew their seeds first, and scores were swapped
    X, y = digits
    estimator = KerasMLPClassifier(**{**TINY, "random_state": None})
    plain, fused_search = _seeded_both(estimator, {"optimizer": ["adamw", "adam"]}, X, y, before=lambda: np.random.seed(0), cv=2)
    assert_same_results(plain, fused_search)


def test_fits_whose_parameters_are_objects_are_not_fused_to_be_trained_again(digits, count_groups):
    # a RandomState's repr is its address: sklearn's clone never found the fused result, and trained it again
    X, y = digits
    estimator = KerasMLPClassifier(**{**TINY, "random_state": np.random.RandomState(0)})
    plain, fused_search = both(estimator, {"learning_rate": [1e-2, 3e-2]}, X, y, cv=2)
    assert_same_results(plain, fused_search)
    assert count_groups == []  # none fused (each would have been trained twice)
    assert not skhyper_search._found_again(estimator) and skhyper_search._found_again(KerasMLPClassifier(**TINY))


def test_n_jobs_none_under_a_joblib_backend_fuses_in_its_workers_not_here(digits, monkeypatch):
    from joblib import parallel_backend

    X, y = digits
    here = []
    fit_fused = skhyper_search._fit_fused
    import threading

    main = threading.get_ident()
    monkeypatch.setattr(skhyper_search, "_fit_fused", lambda *a: here.append(threading.get_ident() == main) or fit_fused(*a))
    with parallel_backend("threading", n_jobs=2):
        plain = sklearn_search.GridSearchCV(KerasMLPClassifier(**TINY), {"learning_rate": [1e-2, 3e-2]}, cv=2).fit(X, y)
        fused_search = skhyper_search.GridSearchCV(KerasMLPClassifier(**TINY), {"learning_rate": [1e-2, 3e-2]}, cv=2).fit(X, y)
    assert_same_results(plain, fused_search)
    assert here and not any(here)  # fused in the backend's workers (threads here), none in the search's thread
