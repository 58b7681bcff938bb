"""Long messages (a message board's posts): grouped by their main matter, not by the
formulas, the city and the stories every post shares. Generated text only: the real
messages are measured in bench/real_messages.py and never copied here."""
import random
import re
from collections import Counter

import numpy as np
import pytest
from scipy import sparse

from feedback.synthesis.clustering import OpinionDoc, cluster_opinions
from feedback.synthesis.long_messages import (
    DistinctiveTerms, are_long, average_link_groups, group_vectors, is_place, lead_of,
    named_place, reassign_to_closest, shown, with_place,
)
from feedback.synthesis.samples import BACKGROUND, generate_opinions, hot_issue_opinion
from feedback.synthesis.text import normalise, tokenise

OPENINGS = ["尊敬的领导您好，我是江城市河西区的居民，", "各位领导好！本人是江城市河西区居民，",
            "您好，我是江城市的一名市民，家住河西区，", "尊敬的市长您好！江城市河西区一位老住户想反映一个情况，"]
CLOSINGS = ["望有关部门尽快处理，谢谢！", "希望相关部门重视并尽快解决，万分感谢。",
            "恳请领导百忙之中关注一下，盼复。", "请有关部门核实处理，谢谢领导！"]
HOT = {"parking": 30, "dance_noise": 20, "elevator": 40, "elderly_canteen": 12, "bus_route": 12}


# A board post's title names its matter in a few words, the body tells it in many ways.
HEADLINES = {"parking": ["小区停车位不够", "停车难谁来管"], "dance_noise": ["广场舞噪音扰民", "广场舞音箱太吵"],
             "elevator": ["老旧小区加装电梯", "加装电梯的问题"], "elderly_canteen": ["老年食堂吃饭难", "老年食堂开饭时间"],
             "bus_route": ["42路公交改线", "42路取消站点"]}


def board_post(opinion_text: str, rng: random.Random, asides: list[str], topic: str = "") -> str:
    """A post as a board holds it (as long: 40 tokens or more): a title (the matter), a
    formula, the city, the matter told three times, asides on other matters, a closing
    formula."""
    title = rng.choice(HEADLINES[topic]) if topic in HEADLINES else \
        max(re.split(r"[，。？！]", opinion_text), key=len)[:20]
    body = opinion_text + rng.choice(asides) + opinion_text + rng.choice(asides) + opinion_text
    return f"{title}\n{rng.choice(OPENINGS)}{body}{rng.choice(CLOSINGS)}"


@pytest.fixture(scope="module")
def board():
    rng = random.Random(4)
    opinions = generate_opinions(HOT, background=400, campaign=0, seed=4)
    asides = [o.text for o in opinions if o.topic == BACKGROUND][:60]
    posts = [board_post(o.text, rng, asides, o.topic) for o in opinions]
    docs = [OpinionDoc(i, tokenise(text), None, None, normalise(text))
            for i, text in enumerate(posts)]
    return opinions, docs, cluster_opinions(docs)


@pytest.mark.parametrize("topic", sorted(HOT))
def test_each_hot_issue_of_a_board_lands_in_one_cluster_about_it(board, topic):
    opinions, docs, result = board
    assert are_long([len(d.tokens) for d in docs])  # read as a board, not as short opinions
    ids = [i for i, o in enumerate(opinions) if o.topic == topic]
    cluster_id, count = Counter(result.assignments[i] for i in ids).most_common(1)[0]
    assert cluster_id is not None and count >= 0.8 * len(ids)
    members = result.clusters[cluster_id].members
    assert sum(opinions[m].topic == topic for m in members) >= 0.8 * len(members)


def test_a_new_post_is_placed_in_its_issue(board):
    opinions, docs, result = board
    parking = Counter(result.assignments[i] for i, o in enumerate(opinions) if o.topic == "parking")
    rng = random.Random(9)
    new = board_post(hot_issue_opinion("parking", rng).text, rng, ["公园的路灯不亮了。"], "parking")
    assert result.model.assign(tokenise(new))[0] == parking.most_common(1)[0][0]
    assert result.model.assign(tokenise("量子计算机的超导芯片冷却方案"))[0] is None


def test_the_lead_is_the_title_or_the_first_sentence():
    assert lead_of(normalise("小区停车位被占\n我家住在阳光花园。停车位被外来车占了")) == "小区停车位被占"
    assert lead_of("电梯坏了三天了。物业不管") == "电梯坏了三天了"


def test_words_nearly_every_post_says_and_codes_are_not_distinctive():
    posts = [["江城", "领导", f"话题{i % 50}", "a3"] for i in range(1000)]
    terms = DistinctiveTerms(excluded={"领导"}).fit(posts)
    assert "江城" not in terms.vocabulary  # in every post: learnt as a formula
    assert "a3" not in terms.vocabulary and "领导" not in terms.vocabulary
    assert "话题3" in terms.vocabulary


def test_average_linkage_does_not_chain_two_matters_through_one_shared_word():
    # a b c d are one matter, w x y z another; each message of the second shares one word
    # with the first: single linkage would chain them, average linkage keeps them apart.
    vocabulary = ["停车", "车位", "占用", "罚单", "跳舞", "音箱", "噪音", "晚上"]
    rows = [[0, 1, 2], [0, 1, 3], [1, 2, 3], [0, 2, 3], [0, 1, 2, 3],
            [4, 5, 6], [4, 5, 7], [5, 6, 7], [4, 6, 7], [4, 5, 6, 7, 0]]
    matrix = np.zeros((len(rows), len(vocabulary)), dtype=np.float32)
    for row, columns in enumerate(rows):
        matrix[row, columns] = 1.0
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    labels = average_link_groups(sparse.csr_matrix(matrix), min_size=5, similarity=0.3)
    assert len(set(labels[:5])) == 1 and len(set(labels[5:])) == 1 and labels[0] != labels[5]


def test_a_label_names_the_place_most_of_its_messages_name():
    assert is_place("阳光花园", "n") and is_place("江城", "ns")
    assert not is_place("花园", "n") and not is_place("a3", None) and not is_place("停车", "v")
    terms = ["阳光花园", "停车位", "占用"]
    uses = sparse.csr_matrix(np.array([[1, 1, 0], [1, 1, 1], [1, 0, 1], [0, 1, 1]],
                                      dtype=np.float32))
    placeable = np.array([True, False, False])
    place = named_place(uses, terms, placeable, naming=np.array([4, 10, 10]))
    assert place == "阳光花园"
    assert with_place(["停车位", "占用", "物业"], place) == ["阳光花园", "停车位", "占用"]
    assert named_place(uses[3:], terms, placeable, naming=np.array([4, 10, 10])) is None
    # named as often in other clusters: a kind of place (有限公司), not this concern's
    assert named_place(uses, terms, placeable, naming=np.array([40, 10, 10])) is None


def test_a_group_of_two_tight_matters_loosely_alike_is_split_in_two():
    # Each message: its matter's word and a word both matters share, weighted so that
    # the two matters are 0.07 alike: joined at the loose cut (0.06), two groups when
    # cut again tighter (0.075).
    shared = np.sqrt(0.07)
    matrix = np.zeros((12, 3), dtype=np.float32)
    matrix[:6, 0] = matrix[6:, 1] = np.sqrt(1 - shared ** 2)
    matrix[:, 2] = shared
    labels = group_vectors(sparse.csr_matrix(matrix), min_size=5)
    assert len(set(labels[:6])) == 1 and len(set(labels[6:])) == 1 and labels[0] != labels[6]
    assert labels.min() >= 0


def test_a_message_much_closer_to_another_group_moves_there_and_no_other_does():
    # Two matters of five messages each; average linkage left message 5 (of the second
    # matter, one word of the first) in the first group. Against its own group without it
    # it scores low, against the second group's centroid high: it moves. A message of the
    # first group saying the shared word as well stays (as close to its own group).
    vocabulary = ["停车", "车位", "占用", "跳舞", "音箱", "噪音", "晚上"]
    rows = [[0, 1, 2], [0, 1], [1, 2], [0, 2], [0, 1, 2, 6], [3, 4, 5, 0],
            [3, 4, 5], [3, 4], [4, 5], [3, 5]]
    matrix = np.zeros((len(rows), len(vocabulary)), dtype=np.float32)
    for row, columns in enumerate(rows):
        matrix[row, columns] = 1.0
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    labels = np.array([0, 0, 0, 0, 0, 0, 1, 1, 1, 1])
    moved = reassign_to_closest(sparse.csr_matrix(matrix), labels)
    assert list(moved) == [0, 0, 0, 0, 0, 1, 1, 1, 1, 1]
    assert list(reassign_to_closest(sparse.csr_matrix(matrix), moved)) == list(moved)
    # messages in no group stay in none; a single group has nowhere to send anyone
    assert list(reassign_to_closest(sparse.csr_matrix(matrix), np.where(labels == 1, -1, 0))) == \
        list(np.where(labels == 1, -1, 0))


def test_a_label_shows_no_code_and_no_district_unit_glued_to_a_name():
    # An anonymised board writes "b3县阳光城幼儿园": jieba cuts "b3 / 县阳光城 / 幼儿园".
    assert shown("县阳光城") == "阳光城" and shown("b3") is None and shown("i1") is None
    assert shown("市政府") == "市政府" and shown("幼儿园") == "幼儿园"  # words it knows stay
    assert shown("5g") == "5g" and shown("ktv") == "ktv" and shown("12345") == "12345"
    assert with_place(["i1", "幼儿园", "收费"], "县阳光城") == ["阳光城", "幼儿园", "收费"]
    assert with_place(["c2", "幼儿园", "收费", "老师"], None) == ["幼儿园", "收费", "老师"]
