"""The nearest-neighbour guess of the triage page: rare shared words vote, common ones
and strangers do not."""

from feedback.synthesis.neighbours import Neighbours


def test_the_department_of_the_nearest_opinions_is_guessed():
    examples = [
        (["电梯", "加装", "费用"], 1),
        (["电梯", "加装", "一楼"], 1),
        (["公交", "班次", "早高峰"], 2),
        (["公交", "站台", "顶棚"], 2),
        (["学校", "入学", "划片"], 3),
    ]
    guess = Neighbours(examples).guess(["早高峰", "公交", "太挤"])
    assert guess is not None and guess.department_id == 2 and 0 < guess.share <= 1


def test_no_guess_for_an_opinion_that_shares_no_word():
    examples = [(["电梯", "加装"], 1), (["公交", "班次"], 2)]
    assert Neighbours(examples).guess(["垃圾", "分类"]) is None
    assert Neighbours([]).guess(["电梯"]) is None


def _guess_by_scoring_every_example(neighbours, tokens):
    """The guess as it was computed before the word index: every example scored."""
    from collections import Counter

    from feedback.synthesis.neighbours import NeighbourGuess

    query = neighbours._vector(tokens)
    scored = sorted(((sum(weight * vector.get(w, 0.0) for w, weight in query.items()), department)
                     for vector, department in neighbours.examples), reverse=True)[:neighbours.k]
    votes = Counter()
    for similarity, department in scored:
        if similarity >= neighbours.min_similarity:
            votes[department] += similarity
    if not votes:
        return None
    department, weight = votes.most_common(1)[0]
    return NeighbourGuess(department, weight / sum(votes.values()))


def test_the_word_index_guesses_exactly_what_scoring_every_example_guesses():
    import random

    rng = random.Random(22)
    words = [f"词{i}" for i in range(60)]
    examples = [([rng.choice(words) for _ in range(rng.randrange(1, 9))], rng.randrange(1, 6))
                for _ in range(400)]
    examples += [(list(tokens), department % 5 + 1) for tokens, department in examples[:40]]
    for min_similarity in (0.3, 0.1, 0.01):
        neighbours = Neighbours(examples, min_similarity=min_similarity)
        for _ in range(200):
            tokens = [rng.choice(words) for _ in range(rng.randrange(0, 7))]
            assert neighbours.guess(tokens) == _guess_by_scoring_every_example(neighbours, tokens)
