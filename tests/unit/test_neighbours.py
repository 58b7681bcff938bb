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
