"""The router learns departments from history, its confidence means something, and
a saved model routes the same after loading."""
import numpy as np
import pytest

from feedback.synthesis.router import RouterModel, evaluate_router, precision_at_coverage, train_router
from feedback.synthesis.samples import DEPARTMENT_TOPICS, generate_routed


@pytest.fixture(scope="module")
def history():
    return generate_routed(700, seed=11)


@pytest.fixture(scope="module")
def model(history):
    texts, departments = history
    return train_router(texts[:500], departments[:500])


def test_router_learns_the_departments_of_unseen_opinions(model, history):
    texts, departments = history
    predictions = model.predict(texts[500:])
    accuracy = np.mean([p.department == d for p, d in zip(predictions, departments[500:])])
    assert accuracy >= 0.9
    assert set(model.departments) == set(DEPARTMENT_TOPICS)


def test_traditional_and_full_width_input_routes_like_simplified(model):
    simplified, traditional = model.predict(["幼儿园入园太难了，学位不够", "幼兒園入園太難了，學位不夠"])
    assert simplified.department == traditional.department == "教育"
    assert traditional.confidence == pytest.approx(simplified.confidence, abs=1e-6)


def test_confidence_orders_correctness(model, history):
    texts, departments = history
    predictions = model.predict(texts[500:])
    correct = np.array([p.department == d for p, d in zip(predictions, departments[500:])])
    confidence = np.array([p.confidence for p in predictions])
    assert all(0.0 <= c <= 1.0 for c in confidence)
    if (~correct).any():
        assert confidence[correct].mean() > confidence[~correct].mean()
    vague = model.predict(["你好，请问一下"])[0]
    assert vague.confidence < np.median(confidence)


def test_saved_model_predicts_the_same_after_loading(model, tmp_path):
    path = tmp_path / "router.joblib"
    model.save(path)
    loaded = RouterModel.load(path)
    sample = ["菜价上涨太快，农贸市场缺斤短两", "红绿灯时间太短，老人过不了马路"]
    assert loaded.predict(sample) == model.predict(sample)
    assert loaded.model_version == model.model_version and loaded.model_version.startswith("router-")


def test_evaluation_reports_our_model_and_the_baseline(history):
    texts, departments = history
    evaluation = evaluate_router(texts[:350], departments[:350], folds=3)
    assert evaluation.folds == 3 and evaluation.samples == 350
    assert evaluation.accuracy >= 0.85 and evaluation.macro_f1 >= 0.85
    assert evaluation.precision_at_80_coverage >= evaluation.accuracy
    assert 0.0 < evaluation.baseline_accuracy <= 1.0


def test_precision_at_coverage_counts_only_the_surest():
    truth = ["a", "a", "b", "b", "b"]
    predicted = ["a", "a", "b", "b", "a"]
    assert precision_at_coverage(truth, predicted, [0.9, 0.8, 0.7, 0.6, 0.1]) == 1.0
    assert precision_at_coverage(truth, predicted, [0.1, 0.8, 0.7, 0.6, 0.9]) == 0.75


def test_training_needs_two_departments():
    with pytest.raises(ValueError):
        train_router(["停车难", "车位少"], ["交通", "交通"])


def test_model_version_names_the_method(model):
    from feedback.synthesis.router import METHOD

    assert model.model_version.startswith(f"router-{METHOD}-")


def test_fast_probabilities_equal_sklearn_calibration(history):
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.svm import LinearSVC

    from feedback.synthesis import router
    from feedback.synthesis.text import normalise

    texts, departments = history
    features = router._features()
    train = features.fit_transform([normalise(t) for t in texts[:300]])
    test = features.transform([normalise(t) for t in texts[300:400]])
    svm = LinearSVC(C=router.SVM_C, class_weight="balanced", random_state=0)
    reference = CalibratedClassifierCV(svm, method="sigmoid", cv=5).fit(train, departments[:300])
    fast = router._FastCalibratedSVM(CalibratedClassifierCV(svm, method="sigmoid", cv=5)).fit(train, departments[:300])
    assert list(fast.classes_) == list(reference.classes_)
    np.testing.assert_allclose(fast.predict_proba(test), reference.predict_proba(test), atol=1e-9)


def test_a_department_with_one_example_still_trains():
    texts = ["路口红绿灯时间太短", "公交车老是晚点，路口太堵", "路面坑坑洼洼，公交车开不过去", "幼儿园学位不够，孩子上不了学"]
    model = train_router(texts, ["交通", "交通", "交通", "教育"])
    (prediction,) = model.predict(["公交车晚点"])
    assert prediction.department == "交通" and 0.0 <= prediction.confidence <= 1.0


def test_coverage_at_a_precision_is_the_largest_surest_share_that_keeps_it():
    from feedback.services.router_training import coverage_at_precision

    truth = ["a", "a", "b", "b", "a", "b", "a", "b", "a", "b"]
    predicted = ["a", "a", "b", "b", "b", "b", "a", "a", "a", "a"]
    order = list(range(10))  # most confident first: 4 right, a miss, 2 right, a miss, …
    assert coverage_at_precision(truth, predicted, order, 1.0) == 0.4
    assert coverage_at_precision(truth, predicted, order, 0.85) == 0.7  # 6 of 7
    assert coverage_at_precision(truth, predicted, [], 0.98) == 0.0


def test_scores_name_the_confidence_from_which_the_target_precision_holds():
    from feedback.services.router_training import scores

    result = scores(["a", "a", "b", "b", "a"], ["a", "a", "b", "a", "a"], [0.9, 0.8, 0.7, 0.6, 0.5])
    assert (result["coverage_at_target"], result["threshold_at_target"]) == (0.6, 0.7)
    assert scores(["a", "b"], ["b", "a"], [0.9, 0.8])["threshold_at_target"] is None
