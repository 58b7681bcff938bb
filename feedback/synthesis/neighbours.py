"""A department guess from the nearest routed opinions: opinions that use the same rare
words were mostly sent to the same department. For the dispatcher's triage page, where
the router was unsure and the keywords found nothing. Pure: tokens in, a guess out."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class NeighbourGuess:
    department_id: int
    share: float  # of the neighbours' similarity that points at this department, 0..1


class Neighbours:
    """Routed opinions as IDF-weighted word vectors, to vote on a department."""

    def __init__(
        self, examples: list[tuple[list[str], int]], *, k: int = 5, min_similarity: float = 0.3
    ):
        self.k, self.min_similarity = k, min_similarity
        documents = Counter()
        for tokens, _ in examples:
            documents.update(set(tokens))
        self.idf = {w: math.log((1 + len(examples)) / (1 + n)) + 1 for w, n in documents.items()}
        self.examples = [(self._vector(tokens), department) for tokens, department in examples]
        # word → (example, weight): a query is scored against the examples that share one
        # of its words only (3,000 examples × 20 opinions took 0.5 s on the triage page)
        self.postings: dict[str, list[tuple[int, float]]] = {}
        for index, (vector, _) in enumerate(self.examples):
            for word, weight in vector.items():
                self.postings.setdefault(word, []).append((index, weight))

    def _vector(self, tokens: list[str]) -> dict[str, float]:
        counts = Counter([t for t in tokens if len(t) > 1 or not t.isascii()])
        idf = self.idf.get
        vector = {w: c * idf(w, 0.0) for w, c in counts.items()}
        norm = math.sqrt(sum([v * v for v in vector.values()])) or 1.0
        return {w: v / norm for w, v in vector.items() if v}

    def guess(self, tokens: list[str]) -> NeighbourGuess | None:
        query = self._vector(tokens)
        # The sums are added in the query's word order, as a full scan would add them (an
        # example without the word adds 0.0, which changes no sum), so the scores, their
        # order and the ties are those of scoring every example; an example sharing no
        # word scores 0, below any min_similarity, and cannot vote.
        if self.min_similarity <= 0:  # a score of 0 may vote: score every example
            scored = sorted(((sum(weight * vector.get(w, 0.0) for w, weight in query.items()),
                              department) for vector, department in self.examples),
                            reverse=True)[: self.k]
        else:
            sums: dict[int, float] = {}
            for word, weight in query.items():
                for index, value in self.postings.get(word, ()):
                    sums[index] = sums.get(index, 0) + weight * value
            scored = sorted(((total, self.examples[index][1]) for index, total in sums.items()),
                            reverse=True)[: self.k]
        votes = Counter()
        for similarity, department in scored:
            if similarity >= self.min_similarity:
                votes[department] += similarity
        if not votes:
            return None
        department, weight = votes.most_common(1)[0]
        return NeighbourGuess(department, weight / sum(votes.values()))
