"""Training the router on the organisation's own history, and measuring it.

Examples come from opinions whose department is known to be right: answered or
closed opinions (the department that answered), and transferred or dispatched
opinions (the department that received them: a transfer from A to B is a
correction, and the newest correction wins). Items' own opinions are included:
the item's department is right by construction.
"""
from __future__ import annotations

import logging
import os
import random
import tempfile
from collections import Counter
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import Department, Opinion
from ..models.response_workflow import RouterRun, Transfer
from . import audit

log = logging.getLogger(__name__)
MIN_EXAMPLES = 20
TARGET_PRECISION = 0.98  # what a department should be able to trust an automatic routing to
MIN_CLASSES = 2
# A retrained router is put in place only when this share of all departments has at
# least MIN_DEPARTMENT_EXAMPLES examples in the history (see departments_learnt).
MIN_DEPARTMENT_EXAMPLES, MIN_DEPARTMENT_SHARE = 5, 0.8
LEARNED_STATUSES = ("answered", "closed")


@dataclass
class Evaluation:
    folds: int
    examples: int
    classes: list[str]
    accuracy: float
    macro_f1: float
    precision_at_80: float
    coverage_threshold: float | None = None
    # The largest share routed without a person at TARGET_PRECISION (most confident first).
    coverage_at_target: float | None = None
    threshold_at_target: float | None = None  # the confidence from which on that share is taken
    per_class_f1: dict[str, float] = field(default_factory=dict)


def training_examples() -> tuple[list[str], list[str]]:
    """(texts, department keys) from answered opinions and corrections."""
    keys = {d.id: d.key for d in db.session.scalars(select(Department))}
    corrected = set(db.session.scalars(select(Transfer.opinion_id).where(Transfer.to_department_id.is_not(None))))
    dispatched = set(db.session.scalars(select(audit.AuditEvent.subject_id).where(
        audit.AuditEvent.subject_type == "opinion", audit.AuditEvent.action == "dispatched")))
    query = select(Opinion.id, Opinion.text, Opinion.department_id, Opinion.status).where(
        Opinion.department_id.is_not(None), Opinion.moderation != "hidden")
    texts, labels = [], []
    for opinion_id, text, department_id, status in db.session.execute(query):
        if status in LEARNED_STATUSES or opinion_id in corrected or opinion_id in dispatched:
            texts.append(text)
            labels.append(keys[department_id])
    return texts, labels


def train_and_save(texts: list[str], labels: list[str], *, source: str, path: str | None = None,
                   evaluate: bool = True, folds: int = 5) -> tuple[object, RouterRun, Evaluation | None]:
    from ..synthesis.router import train_router

    path = path or current_app.config["ROUTER_MODEL_PATH"]
    evaluation = cross_validate(texts, labels, folds=folds) if evaluate else None
    model = train_router(texts, labels)
    _save_atomically(model, path)
    run = RouterRun(model_version=model.model_version, source=source, examples=len(texts),
                    classes=sorted(set(labels)),
                    accuracy=evaluation.accuracy if evaluation else None,
                    macro_f1=evaluation.macro_f1 if evaluation else None)
    db.session.add(run)
    db.session.flush()
    audit.record(run, "trained", actor_label="system:router", source=source, examples=len(texts),
                 model_version=model.model_version)
    db.session.commit()
    return model, run, evaluation


def _save_atomically(model, path: str) -> None:
    """Workers load the file by modification time; they must never see half of it."""
    directory = os.path.dirname(os.path.abspath(path)) or "."
    os.makedirs(directory, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp")
    os.close(handle)
    try:
        model.save(temporary)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def retrain(*, source: str = "scheduled") -> RouterRun | None:
    """Train on the history and put the model in place, unless the history is too thin
    (then the current routing, the last model or the departments' keywords, stays)."""
    texts, labels = training_examples()
    if len(texts) < MIN_EXAMPLES or len(set(labels)) < MIN_CLASSES:
        log.info("router not retrained: %d examples in %d classes", len(texts), len(set(labels)))
        return None
    learnt, departments = departments_learnt(labels)
    if learnt < MIN_DEPARTMENT_SHARE * departments:
        log.info("router not retrained: %d of %d departments have %d examples or more",
                 learnt, departments, MIN_DEPARTMENT_EXAMPLES)
        return None
    _, run, _ = train_and_save(texts, labels, source=source, evaluate=False)
    return run


def departments_learnt(labels: list[str]) -> tuple[int, int]:
    """(departments with at least MIN_DEPARTMENT_EXAMPLES examples, all departments).

    A classifier chooses among the departments it has learnt: one that learnt three of
    ten sends the other seven's opinions to those three. On the demo district, whose
    answered history is almost all housing, city management and civil affairs, such a
    model routed 62 of 147 general opinions right; the keywords it replaced, 110."""
    examples = Counter(labels)
    keys = list(db.session.scalars(select(Department.key)))
    return sum(examples[key] >= MIN_DEPARTMENT_EXAMPLES for key in keys), len(keys)


# ---------------------------------------------------------------- evaluation

def _folds(labels: list[str], k: int, seed: int = 7) -> list[list[int]]:
    """Stratified folds: each class spread evenly over the k folds."""
    rng = random.Random(seed)
    by_class: dict[str, list[int]] = {}
    for n, label in enumerate(labels):
        by_class.setdefault(label, []).append(n)
    folds: list[list[int]] = [[] for _ in range(k)]
    offset = 0
    for label in sorted(by_class):
        members = by_class[label]
        rng.shuffle(members)
        for i, n in enumerate(members):
            folds[(i + offset) % k].append(n)
        offset += len(members)
    return folds


def scores(truth: list[str], predicted: list[str], confidence: list[float], coverage: float = 0.8) -> dict:
    from sklearn.metrics import accuracy_score, f1_score

    order = sorted(range(len(truth)), key=lambda n: -confidence[n])
    covered = coverage_at_precision(truth, predicted, order, TARGET_PRECISION)
    kept = order[: max(1, int(round(len(order) * coverage)))]
    return {
        "accuracy": float(accuracy_score(truth, predicted)),
        "macro_f1": float(f1_score(truth, predicted, average="macro")),
        "precision_at_80": sum(truth[n] == predicted[n] for n in kept) / len(kept),
        "coverage_threshold": float(confidence[kept[-1]]),
        "coverage_at_target": covered,
        "threshold_at_target": float(confidence[order[round(covered * len(order)) - 1]])
        if covered else None,
    }


def coverage_at_precision(truth, predicted, order: list[int], target: float) -> float:
    """The largest share of items, taken most confident first, whose precision is at
    least `target`: what the router could route alone while a person reads the rest."""
    right, best = 0, 0
    for taken, n in enumerate(order, start=1):
        right += truth[n] == predicted[n]
        if right >= target * taken:
            best = taken
    return best / len(order) if order else 0.0


def cross_validate(texts: list[str], labels: list[str], *, folds: int = 5, train=None) -> Evaluation:
    """k-fold accuracy, macro-F1 and precision among the 80% most confident.
    `train(texts, labels)` returns a model with predict(texts) -> [(department, confidence)]."""
    from sklearn.metrics import f1_score

    if train is None:
        from ..synthesis.router import train_router as train
    k = max(2, min(folds, min(labels.count(c) for c in set(labels))))
    predicted: list[str] = [""] * len(texts)
    confidence: list[float] = [0.0] * len(texts)
    for test in _folds(labels, k):
        test_set = set(test)
        train_idx = [n for n in range(len(texts)) if n not in test_set]
        model = train([texts[n] for n in train_idx], [labels[n] for n in train_idx])
        for n, prediction in zip(test, model.predict([texts[n] for n in test])):
            predicted[n], confidence[n] = _unpack(prediction)
    result = scores(labels, predicted, confidence)
    classes = sorted(set(labels))
    per_class = f1_score(labels, predicted, average=None, labels=classes)
    return Evaluation(folds=k, examples=len(texts), classes=classes, accuracy=result["accuracy"],
                      macro_f1=result["macro_f1"], precision_at_80=result["precision_at_80"],
                      coverage_threshold=result["coverage_threshold"],
                      coverage_at_target=result["coverage_at_target"],
                      threshold_at_target=result["threshold_at_target"],
                      per_class_f1={c: float(f) for c, f in zip(classes, per_class)})


def _unpack(prediction) -> tuple[str, float]:
    if hasattr(prediction, "department"):
        return prediction.department, float(prediction.confidence)
    department, confidence = prediction
    return department, float(confidence)


class BaselineSVM:
    """The plain baseline the issue names: TF-IDF over character 1–2-grams + LinearSVC,
    confidence = the winning decision value (for ranking only)."""

    def __init__(self, texts: list[str], labels: list[str]):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.svm import LinearSVC

        from ..synthesis.text import normalise

        self._normalise = normalise
        self.vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True)
        self.svm = LinearSVC()
        self.svm.fit(self.vectorizer.fit_transform([normalise(t) for t in texts]), labels)

    def predict(self, texts: list[str]) -> list[tuple[str, float]]:
        matrix = self.vectorizer.transform([self._normalise(t) for t in texts])
        margins = self.svm.decision_function(matrix)
        if margins.ndim == 1:  # two classes
            return [(self.svm.classes_[int(m > 0)], abs(float(m))) for m in margins]
        return [(self.svm.classes_[row.argmax()], float(row.max())) for row in margins]


def read_csv(path: str, text_column: str, department_column: str) -> tuple[list[str], list[str]]:
    import csv

    texts, labels = [], []
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in (text_column, department_column) if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"column(s) not in the CSV header: {', '.join(missing)} "
                             f"(header: {', '.join(reader.fieldnames or [])})")
        for row in reader:
            text, label = (row[text_column] or "").strip(), (row[department_column] or "").strip()
            if text and label:
                texts.append(text)
                labels.append(label)
    return texts, labels
