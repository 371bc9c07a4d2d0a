"""A search whose candidates all fail on some fold says so, instead of
reporting the first candidate as the best (sklearn raises only when every
fit fails, and otherwise refits candidate 0 of a table of NaN)."""

import warnings

import numpy as np
import pytest
from sklearn.model_selection import TimeSeriesSplit

from skhyper import WindowForecaster
from skhyper.model_selection import GridSearchCV

TINY = dict(hidden_layer_sizes=(4,), epochs=1, batch_size=16, early_stopping=False, linear_path=False, random_state=0)


def series(n=40):
    return np.sin(np.arange(n) / 3.0) + np.arange(n) / 20.0


def test_every_candidate_failing_the_first_fold_raises_naming_the_folds_and_the_reason():
    # TimeSeriesSplit(3) on 40 rows: a first fold of 10 rows, too short for
    # windows of 9 and 10 (training needs the window + horizon + 1 rows).
    # Without the check, sklearn refits window_size=9 as the "best" of [nan, nan].
    search = GridSearchCV(WindowForecaster(**TINY), {"window_size": [9, 10]}, cv=TimeSeriesSplit(3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn's FitFailedWarning
        with pytest.raises(ValueError, match=r"Every one of the 2 candidates failed .*fold 0: 2 of 2.*too short"):
            search.fit(series())


def test_a_numeric_error_score_scores_the_failed_fits_as_sklearn_does():
    # a number the user chose ranks the candidates (scikit-learn's search did; the fused one raised)
    from sklearn.model_selection import GridSearchCV as SklearnGridSearchCV

    kwargs = dict(cv=TimeSeriesSplit(3), error_score=-100.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn's FitFailedWarning
        fused = GridSearchCV(WindowForecaster(**TINY), {"window_size": [9, 10]}, **kwargs).fit(series())
        plain = SklearnGridSearchCV(WindowForecaster(**TINY), {"window_size": [9, 10]}, **kwargs).fit(series())
    assert fused.cv_results_["split0_test_score"].tolist() == [-100.0, -100.0]
    np.testing.assert_allclose(fused.cv_results_["mean_test_score"], plain.cv_results_["mean_test_score"], rtol=1e-5)
    assert fused.best_params_ == plain.best_params_


def test_a_candidate_that_fits_every_fold_is_chosen_and_the_others_are_warned_about():
    search = GridSearchCV(WindowForecaster(**TINY), {"window_size": [2, 10]}, cv=TimeSeriesSplit(3))
    with pytest.warns(Warning):  # sklearn's own FitFailedWarning for window_size=10
        search.fit(series())
    assert search.best_params_ == {"window_size": 2}
    assert np.isnan(search.cv_results_["mean_test_score"][1])
