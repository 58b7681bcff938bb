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


def cross_validate(texts: list[str], labels: list[str], *, folds: int = 5, train=None,
                   extra: tuple[list[str], list[str]] | None = None, extra_filter: str = "agree",
                   report=None) -> Evaluation:
    """k-fold accuracy, macro-F1 and precision among the 80% most confident.
    `train(texts, labels)` returns a model with predict(texts) -> [(department, confidence)].

    `extra` (texts, labels), e.g. a historical board labelled by its answering units, is
    added to every fold's training part (see `with_extra`), except the extra messages
    that are near-duplicates of one the fold is tested on: the test stays unseen."""
    from sklearn.metrics import f1_score

    if train is None:
        from ..synthesis.router import train_router as train
    k = max(2, min(folds, min(labels.count(c) for c in set(labels))))
    predicted: list[str] = [""] * len(texts)
    confidence: list[float] = [0.0] * len(texts)
    duplicates = near_duplicates(texts, extra[0]) if extra else []
    for test in _folds(labels, k):
        test_set = set(test)
        train_idx = [n for n in range(len(texts)) if n not in test_set]
        fold_texts, fold_labels = [texts[n] for n in train_idx], [labels[n] for n in train_idx]
        if extra:
            seen = set().union(*(duplicates[n] for n in test))
            kept = [j for j in range(len(extra[0])) if j not in seen]
            fold_texts, fold_labels, added = with_extra(
                fold_texts, fold_labels, [extra[0][j] for j in kept], [extra[1][j] for j in kept],
                extra_filter=extra_filter, train=train)
            if report:
                report(f"fold of {len(test)}: {added} extra examples added "
                       f"({len(seen)} left out as near-duplicates of the fold's test messages)")
        model = train(fold_texts, fold_labels)
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


# ------------------------------------------------ a historical board with replies

EXTRA_FILTERS = ("agree", "all")


@dataclass
class BoardExamples:
    """Messages of a board export labelled by the unit that answered them."""
    texts: list[str]
    labels: list[str]
    rows: int = 0
    unanswered: int = 0
    unclear: int = 0  # answered, but no unit (or no single one) of the table named

    def summary(self) -> str:
        counts = Counter(self.labels)
        return (f"{self.rows} rows: {len(self.texts)} labelled by the answering unit, "
                f"{self.unanswered} without a reply, {self.unclear} whose reply names no single unit of the table"
                + ("; " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) if counts else ""))


def read_board(path: str, labeller, *, text_column: str = "text", reply_column: str = "reply",
               department_column: str | None = None) -> BoardExamples:
    """Read a board or hotline export. With `department_column` present, its labels are
    used as they are; otherwise each answered message is labelled by the unit its reply
    is signed by or passed to (`feedback.synthesis.answering_unit`)."""
    import csv

    board = BoardExamples([], [])
    with open(path, newline="", encoding=_encoding(path)) as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        labelled = bool(department_column) and department_column in header
        wanted = [text_column, department_column if labelled else reply_column]
        missing = [c for c in wanted if c not in header]
        if missing:
            raise ValueError(f"{path}: column(s) not in the CSV header: {', '.join(missing)} "
                             f"(header: {', '.join(header)})")
        for row in reader:
            text = (row[text_column] or "").strip()
            if not text:
                continue
            board.rows += 1
            if labelled:
                label = (row[department_column] or "").strip() or None
            else:
                reply = (row[reply_column] or "").strip()
                if not reply:
                    board.unanswered += 1
                    continue
                label = labeller.label(reply)
            if label is None:
                board.unclear += 1
                continue
            board.texts.append(text)
            board.labels.append(label)
    return board


def _encoding(path: str) -> str:
    with open(path, "rb") as handle:
        head = handle.read(1 << 16)
    try:
        head.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError as problem:
        if problem.start > len(head) - 4:  # a character cut at the end of the sample
            return "utf-8-sig"
        return "gb18030"


def near_duplicates(texts: list[str], others: list[str], *, threshold: float = 0.5,
                    size: int = 4) -> list[set[int]]:
    """For each text, the indices of `others` that are the same message, copied or
    lightly edited: at least `threshold` of the shorter one's character `size`-grams
    are in the longer one's. Used to keep the messages a fold is tested on out of
    the extra training data, however they got there."""
    from ..synthesis.text import normalise

    def grams(text: str) -> frozenset:
        text = normalise(text)
        return frozenset(text[i:i + size] for i in range(max(1, len(text) - size + 1)))

    other_grams = [grams(t) for t in others]
    index: dict[str, list[int]] = {}
    for j, shingles in enumerate(other_grams):
        for g in shingles:
            index.setdefault(g, []).append(j)
    common = max(50, len(others) // 100)
    result = []
    for text in texts:
        shingles = grams(text)
        candidates = Counter(j for g in shingles if len(index.get(g, ())) <= common for j in index.get(g, ()))
        found = set()
        for j, _ in candidates.most_common(50):
            overlap = len(shingles & other_grams[j]) / max(1, min(len(shingles), len(other_grams[j])))
            if overlap >= threshold:
                found.add(j)
        result.append(found)
    return result


def with_extra(texts: list[str], labels: list[str], extra_texts: list[str], extra_labels: list[str],
               *, extra_filter: str = "agree", train=None) -> tuple[list[str], list[str], int]:
    """The labelled history plus the extra examples: all of them, or (`agree`) those whose
    label the history's own router also gives, so that a unit whose remit differs from
    the history's department (a transport bureau answering about a road the history files
    under construction) adds no contradicting examples. Returns texts, labels and how
    many extra examples were kept. Extra labels the history does not know are dropped."""
    if extra_filter not in EXTRA_FILTERS:
        raise ValueError(f"extra filter must be one of {', '.join(EXTRA_FILTERS)}")
    known = set(labels)
    keep = [n for n, label in enumerate(extra_labels) if label in known]
    if extra_filter == "agree" and keep and len(known) >= MIN_CLASSES:
        if train is None:
            from ..synthesis.router import train_router as train
        model = train(texts, labels)
        predicted = [_unpack(p)[0] for p in model.predict([extra_texts[n] for n in keep])]
        keep = [n for n, p in zip(keep, predicted) if p == extra_labels[n]]
    return (texts + [extra_texts[n] for n in keep], labels + [extra_labels[n] for n in keep], len(keep))
