"""skhyper estimators inside scikit-learn's machinery beyond plain searches:
metadata routing of sample weights through a Pipeline into a search."""

import numpy as np
import sklearn
from conftest import TINY
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skhyper import KerasMLPClassifier


def test_sample_weight_routed_through_a_pipeline_into_a_search(digits):
    X, y = digits
    weights = np.where(np.arange(len(y)) % 2 == 0, 1.0, 3.0)
    with sklearn.config_context(enable_metadata_routing=True):
        classifier = KerasMLPClassifier(**TINY).set_fit_request(sample_weight=True).set_score_request(sample_weight=True)
        pipeline = make_pipeline(StandardScaler().set_fit_request(sample_weight=False), classifier)
        search = GridSearchCV(pipeline, {"kerasmlpclassifier__learning_rate": [1e-2]}, cv=2)
        search.fit(X, y, sample_weight=weights)
    # The refit got the weights: it equals a direct weighted fit, and not the unweighted one.
    scaled = StandardScaler().fit_transform(X)
    weighted = KerasMLPClassifier(**TINY, learning_rate=1e-2).fit(scaled, y, sample_weight=weights)
    unweighted = KerasMLPClassifier(**TINY, learning_rate=1e-2).fit(scaled, y)
    proba = search.best_estimator_.predict_proba(X)
    np.testing.assert_allclose(proba, weighted.predict_proba(scaled), rtol=1e-6, atol=1e-9)
    assert not np.allclose(proba, unweighted.predict_proba(scaled), rtol=1e-4)
    # Scored with the weights too (the estimator asked for them): every fold has a score.
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
