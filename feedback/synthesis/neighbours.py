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
        documents = Counter(word for tokens, _ in examples for word in set(tokens))
        self.idf = {w: math.log((1 + len(examples)) / (1 + n)) + 1 for w, n in documents.items()}
        self.examples = [(self._vector(tokens), department) for tokens, department in examples]

    def _vector(self, tokens: list[str]) -> dict[str, float]:
        counts = Counter(t for t in tokens if len(t) > 1 or not t.isascii())
        vector = {w: c * self.idf.get(w, 0.0) for w, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {w: v / norm for w, v in vector.items() if v}

    def guess(self, tokens: list[str]) -> NeighbourGuess | None:
        query = self._vector(tokens)
        scored = sorted(
            (
                (sum(weight * vector.get(w, 0.0) for w, weight in query.items()), department)
                for vector, department in self.examples
            ),
            reverse=True,
        )[: self.k]
        votes = Counter()
        for similarity, department in scored:
            if similarity >= self.min_similarity:
                votes[department] += similarity
        if not votes:
            return None
        department, weight = votes.most_common(1)[0]
        return NeighbourGuess(department, weight / sum(votes.values()))
