"""Copy-paste campaigns are found despite small edits; opinions that only share a
topic are not a campaign."""
import random

from feedback.synthesis.campaigns import copy_similarity, find_campaigns, jaccard, shingles
from feedback.synthesis.text import normalise

LETTER = (
    "尊敬的区领导：我是幸福里小区的居民{name}，强烈反对在我们小区东门建设垃圾中转站。"
    "中转站离住宅楼不到三十米，夏天臭味严重，还会带来蚊蝇和噪音，影响老人和孩子的健康。"
    "请相关部门重新选址，并公开环评报告，听取居民意见。"
)
NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄勇", "周杰", "吴霞"]

SAME_TOPIC = [
    "垃圾中转站建在东门太近了，味道大，希望换个地方。",
    "反对建垃圾站！离楼太近，夏天怎么开窗？",
    "中转站选址应该公开听证，居民有知情权。",
    "建议把垃圾中转站放到工业园区旁边，远离住宅。",
    "东门那块空地更适合建停车场，不要建垃圾站。",
    "垃圾站的环评报告在哪里可以看到？请公布。",
    "我们小区老人多，垃圾站的异味会影响身体健康，请慎重。",
    "垃圾中转站的噪音和蚊蝇问题怎么解决？希望给个说法。",
]


def _variants(count: int, seed: int = 3) -> list[str]:
    """The form letter as people actually send it: their name, re-punctuated, some
    with a sentence of their own, some in traditional characters."""
    rng = random.Random(seed)
    texts = []
    for i in range(count):
        text = LETTER.format(name=NAMES[i % len(NAMES)])
        if i % 3 == 1:
            text = text.replace("，", ",").replace("。", "!")
        if i % 4 == 2:
            text += "我家就在3号楼，每天都要经过那里。"
        if i % 5 == 3:
            text = text.replace("强烈反对", "坚决反对")
        texts.append(text)
    texts.append("尊敬的區領導：我是幸福里小區的居民孫麗，強烈反對在我們小區東門建設垃圾中轉站。"
                 "中轉站離住宅樓不到三十米，夏天臭味嚴重，還會帶來蚊蠅和噪音，影響老人和孩子的健康。"
                 "請相關部門重新選址，並公開環評報告，聽取居民意見。")
    rng.shuffle(texts)
    return texts


def _docs(texts):
    return [(f"op-{i}", normalise(t)) for i, t in enumerate(texts)]


def test_form_letter_with_small_edits_is_one_campaign():
    letters = _variants(12)
    docs = _docs(letters + SAME_TOPIC)
    [campaign] = find_campaigns(docs, threshold=0.8, min_size=5)
    letter_ids = {doc_id for doc_id, _ in docs[:len(letters)]}
    assert set(campaign.members) == letter_ids
    assert campaign.size == len(letters) == 13
    assert campaign.representative in letter_ids


def test_traditional_copy_of_the_letter_joins_the_campaign():
    letters = _variants(6)
    traditional = next(i for i, t in enumerate(letters) if "區領導" in t)
    [campaign] = find_campaigns(_docs(letters), min_size=5)
    assert f"op-{traditional}" in campaign.members


def test_different_opinions_on_the_same_topic_are_not_a_campaign():
    docs = _docs(SAME_TOPIC * 1 + [t + "谢谢" for t in SAME_TOPIC])
    assert find_campaigns(docs, threshold=0.8, min_size=3) == []
    pairs = [jaccard(shingles(normalise(a)), shingles(normalise(b)))
             for a in SAME_TOPIC for b in SAME_TOPIC if a < b]
    assert max(pairs) < 0.5
    copies = [copy_similarity(shingles(normalise(a)), shingles(normalise(b)))
              for a in SAME_TOPIC for b in SAME_TOPIC if a < b]
    assert max(copies) < 0.5


def test_groups_smaller_than_min_size_are_not_campaigns():
    docs = _docs(_variants(3)[:4])
    assert find_campaigns(docs, min_size=5) == []
    assert len(find_campaigns(docs, min_size=2)) == 1


def test_very_short_identical_texts_are_not_a_campaign():
    docs = [(i, normalise(t)) for i, t in enumerate(["支持！", "支持", "同意", "支持。", "支持!!", "支持"])]
    assert find_campaigns(docs, min_size=3) == []


def test_two_campaigns_are_kept_apart_largest_first():
    other = "关于菜市场搬迁：我们反对把菜市场搬到五公里外，老人买菜不方便，请保留原址并改造升级，谢谢！"
    docs = _docs(_variants(8) + [other.replace("谢谢", f"谢谢{n}") for n in NAMES[:6]])
    campaigns = find_campaigns(docs, min_size=5)
    assert [c.size for c in campaigns] == [9, 6]
    assert not set(campaigns[0].members) & set(campaigns[1].members)


def test_a_copy_with_a_sentence_added_and_another_name_is_still_a_copy():
    base = shingles(normalise(LETTER.format(name="张伟")))
    edited = shingles(normalise(LETTER.format(name="周杰") + "我家就在3号楼，每天都要经过那里。"))
    assert jaccard(base, edited) < 0.8 <= copy_similarity(base, edited)


def test_a_short_quote_of_the_letter_is_not_a_copy():
    letter = shingles(normalise(LETTER.format(name="张伟")))
    quote = shingles(normalise("强烈反对在我们小区东门建设垃圾中转站"))
    assert copy_similarity(letter, quote) == 0.0


def test_bulk_signatures_equal_datasketch_own_minhash():
    import zlib

    from datasketch import MinHash

    from feedback.synthesis.campaigns import NUM_PERM, minhash_signatures, shingle_sets

    texts = [normalise(t) for t in SAME_TOPIC[:3]]
    sets = shingle_sets(texts)
    assert list(sets.rows) == [0, 1, 2]
    for text, bulk in zip(texts, minhash_signatures(sets.hashes, sets.starts)):
        own = MinHash(num_perm=NUM_PERM, hashfunc=zlib.crc32)
        own.update_batch([s.encode("utf-8") for s in shingles(text)])
        assert list(bulk) == list(own.hashvalues)


def test_exact_copies_alone_make_a_campaign():
    letter = "请尽快在幸福里小区加装电梯，老人上下楼太难了，我们全楼二十户都同意出资，只等街道批准。"
    docs = [(n, normalise(letter)) for n in range(6)]
    [campaign] = find_campaigns(docs, min_size=5)
    assert campaign.members == list(range(6)) and campaign.representative == 0


def test_short_identical_complaints_are_coincidence_not_a_campaign():
    docs = [(n, normalise("公交车经常出故障，请尽快整改。")) for n in range(8)]
    assert find_campaigns(docs, min_size=5) == []
