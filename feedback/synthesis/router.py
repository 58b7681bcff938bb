"""Which department answers an opinion: a classifier that learns from routing history.

Features: word TF-IDF over jieba tokens ∪ character 1–3-gram TF-IDF (sublinear tf),
both on the normalised text (so traditional or full-width input reads the same).
Model: a class-balanced linear SVM whose one-vs-rest margins are turned into
probabilities by sigmoid calibration on internal folds (`CalibratedClassifierCV`);
confidence is the calibrated probability of the chosen department, so the intake can
send low-confidence opinions to a person instead of a queue (see
`precision_at_80_coverage`). With fewer than two examples of some department there
is nothing to calibrate on, and a multinomial logistic regression is used instead.

Measured against the plain TF-IDF + LinearSVC baseline on the same folds by
`bench/router_eval.py` (results in bench/RESULTS-router.md).
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

import joblib
import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline, make_union
from sklearn.svm import LinearSVC

from .text import normalise, tokenise

COVERAGE = 0.8
METHOD = "wc13-svmcal"  # part of model_version: word ∪ char 1–3 TF-IDF, calibrated LinearSVC
SVM_C = 0.5
CALIBRATION_FOLDS = 5


@dataclass(frozen=True)
class Prediction:
    department: str
    confidence: float  # probability of `department`, 0..1


@dataclass(frozen=True)
class Evaluation:
    accuracy: float
    macro_f1: float
    precision_at_80_coverage: float  # accuracy on the 80% the model is surest of
    baseline_accuracy: float
    baseline_macro_f1: float
    baseline_precision_at_80_coverage: float
    folds: int
    samples: int


def _word_tokens(normalised_text: str) -> list[str]:
    return tokenise(normalised_text, normalised=True)


def _features():
    words = TfidfVectorizer(analyzer=_word_tokens, sublinear_tf=True, min_df=1)
    chars = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2, max_features=200_000)
    return make_union(words, chars)


class RouterModel:
    def __init__(self, pipeline, model_version: str, trained_on: int):
        self.pipeline, self.model_version, self.trained_on = pipeline, model_version, trained_on

    @property
    def departments(self) -> list[str]:
        return list(self.pipeline.classes_)

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        if not texts:
            return []
        probabilities = self.pipeline.predict_proba([normalise(t) for t in texts])
        best = probabilities.argmax(axis=1)
        return [Prediction(self.pipeline.classes_[b], float(p[b])) for b, p in zip(best, probabilities)]

    def save(self, path) -> None:
        joblib.dump({"pipeline": self.pipeline, "model_version": self.model_version,
                     "trained_on": self.trained_on}, path)

    @classmethod
    def load(cls, path) -> RouterModel:
        state = joblib.load(path)
        return cls(state["pipeline"], state["model_version"], state["trained_on"])


def train_router(texts: list[str], departments: list[str]) -> RouterModel:
    """Fit on raw texts (normalised here) and the department each was answered by."""
    if len(texts) != len(departments):
        raise ValueError("texts and departments differ in length")
    if len(set(departments)) < 2:
        raise ValueError("the router needs history of at least two departments")
    pipeline = _pipeline(departments).fit([normalise(t) for t in texts], departments)
    return RouterModel(pipeline, _version(texts, departments), len(texts))


def _pipeline(departments: Sequence[str]):
    smallest = int(min(np.unique(np.asarray(departments), return_counts=True)[1]))
    if smallest < 2:  # no internal folds to calibrate on
        return make_pipeline(_features(), LogisticRegression(C=20.0, max_iter=2000, class_weight="balanced"))
    svm = LinearSVC(C=SVM_C, class_weight="balanced")
    return make_pipeline(_features(), _FastCalibratedSVM(CalibratedClassifierCV(
        svm, method="sigmoid", cv=min(CALIBRATION_FOLDS, smallest))))


class _FastCalibratedSVM(ClassifierMixin, BaseEstimator):
    """A fitted `CalibratedClassifierCV` of linear SVMs, predicted in one matrix product.

    sklearn's predict_proba loops over its k fold models and their per-class sigmoids
    (~15 ms for one text); stacking the k×classes weight rows gives the same
    probabilities (checked in the unit tests) in well under a millisecond. Only used
    fitted: `fit` fits the wrapped calibrator, then keeps only the arrays.
    """

    def __init__(self, calibrated: CalibratedClassifierCV):
        self.calibrated = calibrated

    def fit(self, features, departments):
        fitted = self.calibrated.fit(features, departments)
        self.classes_ = fitted.classes_
        members = fitted.calibrated_classifiers_
        self.weights = np.vstack([m.estimator.coef_ for m in members])            # (k·c, features)
        self.intercepts = np.concatenate([m.estimator.intercept_ for m in members])
        self.slopes = np.concatenate([[cal.a_ for cal in m.calibrators] for m in members])
        self.offsets = np.concatenate([[cal.b_ for cal in m.calibrators] for m in members])
        self.members = len(members)
        self.calibrated = None  # the arrays above are the model
        return self

    def predict_proba(self, features) -> np.ndarray:
        margins = np.asarray(features @ self.weights.T) + self.intercepts
        probabilities = 1.0 / (1.0 + np.exp(self.slopes * margins + self.offsets))
        per_member = probabilities.reshape(len(margins), self.members, len(self.classes_))
        totals = per_member.sum(axis=2, keepdims=True)
        per_member = np.where(totals > 0, per_member / np.where(totals > 0, totals, 1.0), 1.0 / len(self.classes_))
        return per_member.mean(axis=1)


def _version(texts: list[str], departments: list[str]) -> str:
    digest = hashlib.sha1()
    for text, department in zip(texts, departments):
        digest.update(f"{department}\t{text}\n".encode("utf-8"))
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
    return f"router-{METHOD}-{stamp}-{digest.hexdigest()[:8]}"


def evaluate_router(texts: list[str], departments: list[str], folds: int = 5) -> Evaluation:
    """Cross-validated quality of the router and, in the same folds, of a plain
    baseline (TF-IDF over unnormalised characters + LinearSVC)."""
    labels = np.asarray(departments)
    folds = max(2, min(folds, int(min(np.unique(labels, return_counts=True)[1]))))
    ours_pred, ours_conf = np.empty(len(texts), dtype=object), np.zeros(len(texts))
    base_pred, base_conf = np.empty(len(texts), dtype=object), np.zeros(len(texts))
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=0).split(texts, labels):
        model = train_router([texts[i] for i in train], list(labels[train]))
        for i, p in zip(test, model.predict([texts[i] for i in test])):
            ours_pred[i], ours_conf[i] = p.department, p.confidence
        baseline = _baseline().fit([texts[i] for i in train], labels[train])
        margins = baseline.decision_function([texts[i] for i in test])
        base_pred[test] = baseline.classes_[margins.argmax(axis=1)]
        base_conf[test] = margins.max(axis=1)
    return Evaluation(
        accuracy=accuracy_score(labels, ours_pred.astype(str)),
        macro_f1=f1_score(labels, ours_pred.astype(str), average="macro"),
        precision_at_80_coverage=precision_at_coverage(labels, ours_pred, ours_conf),
        baseline_accuracy=accuracy_score(labels, base_pred.astype(str)),
        baseline_macro_f1=f1_score(labels, base_pred.astype(str), average="macro"),
        baseline_precision_at_80_coverage=precision_at_coverage(labels, base_pred, base_conf),
        folds=folds, samples=len(texts),
    )


def _baseline():
    return make_pipeline(TfidfVectorizer(analyzer="char", ngram_range=(1, 2)), LinearSVC())


def precision_at_coverage(truth, predicted, confidence, coverage: float = COVERAGE) -> float:
    """Accuracy on the `coverage` share of items with the highest confidence."""
    keep = max(1, int(round(len(truth) * coverage)))
    surest = np.argsort(-np.asarray(confidence), kind="stable")[:keep]
    return float(np.mean(np.asarray(truth)[surest] == np.asarray(predicted)[surest]))
