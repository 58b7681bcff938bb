"""The vectorised campaign finder: its shingles, hashes and signatures are the scalar
ones, it joins what comparing every pair of every LSH bucket would join, copies stay
copies across scripts and widths, and a big campaign of edited copies costs pairs
linear in its size."""
import random
import zlib
from collections import Counter

import numpy as np

from feedback.synthesis import campaigns
from feedback.synthesis.campaigns import (
    MIN_SHINGLES,
    NUM_PERM,
    STAND_INS,
    copy_similarity,
    find_campaigns,
    lsh_buckets,
    minhash_signatures,
    shingle_sets,
    shingles,
)
from feedback.synthesis.samples import generate_opinions
from feedback.synthesis.text import normalise

LETTER = (
    "尊敬的区领导：我是幸福里小区{building}号楼的居民{name}，强烈反对在我们小区东门建设垃圾中转站。"
    "中转站离住宅楼不到三十米，夏天臭味严重，还会带来蚊蝇和噪音，影响老人和孩子的健康。"
    "请相关部门重新选址，并公开环评报告，听取居民意见。"
)
SURNAMES = "张王李刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜洋静磊敏勇杰霞军丽强艳平刚桂英华明"


def _edited_copies(count: int, seed: int = 1) -> list[str]:
    """The letter as signed by `count` people: each their own name and building."""
    rng = random.Random(seed)
    names = (rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN) for _ in range(count))
    return [normalise(LETTER.format(building=rng.randint(1, 60), name=name)) for name in names]


def _random_text(rng: random.Random, length: int, characters: int = 3000) -> list[str]:
    return [chr(0x4E00 + rng.randrange(characters)) for _ in range(length)]


def _hashes(sets, k):
    return sets.hashes[sets.starts[k]:sets.starts[k + 1]].tolist()


def _partition(labels):
    groups = {}
    for i, label in enumerate(labels):
        groups.setdefault(label, []).append(i)
    return sorted(groups.values())


def test_bulk_shingles_and_hashes_are_the_scalar_ones():
    texts = [normalise("尊敬的領導：ＡＢＣ１２３，全角！"), "a_b-c d,e f", "支持！", "x", "", "😀😀😀😀 ok",
             "ÀÉÎõü中\U0010FFFFz", "ababababab", "a,b", "abc", "公交车经常出故障，请尽快整改。", "__",
             "12 34 56"]
    content = [campaigns._NOT_CONTENT.sub("", t) for t in texts]
    for min_shingles in (1, 2, 5):
        sets = shingle_sets(texts, min_shingles)
        assert list(sets.rows) == [i for i, t in enumerate(texts)
                                   if len(content[i]) >= 3 and len(shingles(t)) >= min_shingles]
        for k, row in enumerate(sets.rows):
            strings = sets.strings(k)
            assert len(strings) == len(set(strings)) and frozenset(strings) == shingles(texts[row])
            assert _hashes(sets, k) == [zlib.crc32(s.encode()) for s in strings]


def test_an_alphabet_of_thousands_of_characters_keeps_shingles_exact():
    rng = random.Random(4)
    texts = ["".join(_random_text(rng, n, characters=6000)) for n in (5000, 40, 3)]
    sets = shingle_sets(texts)
    assert sets.bits >= 12
    for k, row in enumerate(sets.rows):
        assert frozenset(sets.strings(k)) == shingles(texts[row])
        assert _hashes(sets, k) == [zlib.crc32(s.encode()) for s in sets.strings(k)]


def test_distinct_pairs_are_found_when_owner_and_value_do_not_fit_one_integer():
    owners = np.array([0, 0, 1, 1, 1, 2, 5, 5, 9])
    values = np.array([3, 3, 2, 1, 2, 7, 0, 0, 1])
    expected = [(0, 3), (1, 1), (1, 2), (2, 7), (5, 0), (9, 1)]
    for value_bits in (3, 61):  # 61: two bits are left for owners, so in chunks of 4
        found_owners, found_values = campaigns._distinct_per_owner(owners, values, value_bits)
        assert list(zip(found_owners.tolist(), found_values.tolist())) == expected


def test_bulk_signatures_of_huge_texts_equal_datasketch_own_minhash():
    from datasketch import MinHash

    texts = ["".join(_random_text(random.Random(5), 20_000)), "喂" * 40 + "好啊"]
    sets = shingle_sets(texts)
    for text, bulk in zip(texts, minhash_signatures(sets.hashes, sets.starts)):
        own = MinHash(num_perm=NUM_PERM, hashfunc=zlib.crc32)
        own.update_batch([s.encode("utf-8") for s in shingles(text)])
        assert list(bulk) == list(own.hashvalues)


def test_huge_copies_are_found():
    """Some 300 shingles per count bin: the bound's counts no longer fit a byte."""
    rng = random.Random(6)
    base = _random_text(rng, 20_000)
    copies = []
    for _ in range(3):
        copy = list(base)
        copy[rng.randrange(len(copy))] = "好"
        copies.append("".join(copy))
    assert copy_similarity(shingles(copies[0]), shingles(copies[1])) > 0.99
    [campaign] = find_campaigns(list(enumerate(copies)) + [(9, "".join(base[:100]))], min_size=3)
    assert campaign.members == [0, 1, 2]


def test_a_campaign_of_edited_copies_is_found_whole_among_other_opinions():
    letters = [(f"letter-{i}", t) for i, t in enumerate(_edited_copies(200))]
    others = [(f"other-{i}", normalise(o.text))
              for i, o in enumerate(generate_opinions({}, background=2000, seed=2))]
    docs = letters + others
    random.Random(3).shuffle(docs)
    found = find_campaigns(docs, threshold=0.8, min_size=5)
    [campaign] = [c for c in found if any(m.startswith("letter") for m in c.members)]
    assert set(campaign.members) == {doc_id for doc_id, _ in letters} and campaign.size == 200
    position = {doc_id: i for i, (doc_id, _) in enumerate(docs)}
    assert campaign.members == sorted(campaign.members, key=position.__getitem__)


def test_traditional_and_full_width_copies_join_the_simplified_ones():
    simplified = ("我是幸福里小区{n}号楼的居民，反对在东门建设垃圾中转站，"
                  "中转站离住宅楼不到三十米，夏天臭味严重，请重新选址。ABC")
    traditional = ("我是幸福裡小區{n}號樓的居民，反對在東門建設垃圾中轉站，"
                   "中轉站離住宅樓不到三十米，夏天臭味嚴重，請重新選址。ＡＢＣ")
    full_width = str.maketrans("0123456789", "０１２３４５６７８９")
    docs = [(f"s{n}", normalise(simplified.format(n=n))) for n in (1, 2, 3)]
    docs += [(f"t{n}", normalise(traditional.format(n=str(n).translate(full_width))))
             for n in (14, 15, 16)]
    [campaign] = find_campaigns(docs, min_size=6)
    assert campaign.members == ["s1", "s2", "s3", "t14", "t15", "t16"]


def test_short_quotes_of_a_long_letter_are_not_its_copies():
    letters = [(f"letter-{i}", t) for i, t in enumerate(_edited_copies(6))]
    first, second, third = (sentence + "。" for sentence in LETTER.split("。")[:3])
    first = first.format(building=3, name="张伟")
    quotes = [("quote-1", normalise(second)), ("quote-2", normalise("我也同意：" + first)),
              ("quote-3", normalise(second + third)), ("quote-4", normalise("转发：" + second))]
    for _, quote in quotes:
        assert len(shingles(quote)) >= MIN_SHINGLES
        assert copy_similarity(shingles(letters[0][1]), shingles(quote)) == 0.0
    [campaign] = find_campaigns(letters + quotes, min_size=5)
    assert campaign.members == [doc_id for doc_id, _ in letters]


def test_thousands_of_edited_copies_cost_pairs_linear_in_their_number(monkeypatch):
    counted = Counter()
    may_be_copies, common_counts = campaigns._may_be_copies, campaigns._common_counts

    def bounded(sets, bounds, first, second, threshold):
        counted["bounded"] += len(first)
        return may_be_copies(sets, bounds, first, second, threshold)

    def counted_exactly(sets, first, second):
        counted["exactly"] += len(first)
        return common_counts(sets, first, second)

    monkeypatch.setattr(campaigns, "_may_be_copies", bounded)
    monkeypatch.setattr(campaigns, "_common_counts", counted_exactly)
    letters = _edited_copies(3000)
    [campaign] = find_campaigns(list(enumerate(letters)), min_size=5)
    assert campaign.size == 3000
    distinct = len(set(letters))
    bands, _ = campaigns._banding(campaigns._candidate_threshold(0.8), NUM_PERM)
    # comparing all pairs would be 4.5 million per band; each member meets STAND_INS
    # stand-ins per band at most
    assert counted["bounded"] <= distinct * STAND_INS * bands
    # and is counted exactly once per band at most: its pairs with the bucket's other
    # stand-ins are joined by then (some 4 times in all)
    assert counted["exactly"] <= distinct * bands


def test_every_pair_of_a_big_bucket_is_compared_round_by_round(monkeypatch):
    """One bucket of 60 variants of a text, near but not copies at 0.9, and copies of
    the last 20 after them: those pairs come only after many rounds of stand-ins."""
    rng = random.Random(7)
    unused = iter(chr(0x5000 + i) for i in range(10_000))
    base = [next(unused) for _ in range(100)]

    def varied(text, changes):
        text = list(text)
        for position in rng.sample(range(len(text)), changes):
            text[position] = next(unused)
        return text

    variants = [varied(base, 3) for _ in range(60)]
    texts = ["".join(t) for t in variants + [varied(v, 1) for v in variants[40:]]]
    sets = shingle_sets(texts)
    assert copy_similarity(shingles(texts[0]), shingles(texts[1])) < 0.9
    assert copy_similarity(shingles(texts[59]), shingles(texts[79])) >= 0.9
    one_bucket = campaigns.Buckets(np.zeros(len(texts), dtype=np.int64), np.arange(len(texts)))
    expected = sorted([[i] for i in range(40)] + [[40 + k, 60 + k] for k in range(20)])
    for stand_ins in (STAND_INS, 4):
        monkeypatch.setattr(campaigns, "STAND_INS", stand_ins)
        assert _partition(campaigns._copy_groups(sets, one_bucket, 0.9)) == expected


def _groups_comparing_every_pair_in_every_bucket(sets, buckets, threshold):
    """The reference: every pair of every LSH bucket confirmed, joined by union-find."""
    parent = list(range(len(sets)))

    def root(i):
        while parent[i] != i:
            i = parent[i]
        return i

    strings = [frozenset(sets.strings(k)) for k in range(len(sets))]
    starts, sizes = campaigns._runs(buckets.bucket)
    for start, size in zip(starts.tolist(), sizes.tolist()):
        members = buckets.members[start:start + size].tolist()
        for x, i in enumerate(members):
            for j in members[:x]:
                if root(i) != root(j) and copy_similarity(strings[i], strings[j]) >= threshold:
                    parent[root(i)] = root(j)
    return [root(i) for i in range(len(sets))]


def test_the_groups_of_generated_opinions_are_those_of_comparing_every_pair(monkeypatch):
    opinions = generate_opinions({"school_district": 150, "bus_route": 150}, background=1500,
                                 campaign=60, seed=9)
    texts = [normalise(o.text) for o in opinions] + _edited_copies(40, seed=8)
    sets, _ = campaigns._collapse_exact_copies(shingle_sets(texts, MIN_SHINGLES))
    buckets = lsh_buckets(minhash_signatures(sets.hashes, sets.starts),
                          campaigns._candidate_threshold(0.8))
    reference = _partition(_groups_comparing_every_pair_in_every_bucket(sets, buckets, 0.8))
    assert max(map(len, reference)) >= 40  # there is something to join
    for stand_ins in (STAND_INS, 4):
        monkeypatch.setattr(campaigns, "STAND_INS", stand_ins)
        assert _partition(campaigns._copy_groups(sets, buckets, 0.8)) == reference


def test_the_representative_is_the_most_typical_wording():
    """The member whose shingles most members share, exact copies counted each; the
    first such on ties (computed here the plain way)."""
    letters = _edited_copies(30, seed=11)
    letters += [letters[7]] * 3 + [letters[12].replace("，", ",")] * 2
    docs = list(enumerate(letters))
    [campaign] = find_campaigns(docs, min_size=5)
    sets = {doc_id: shingles(text) for doc_id, text in docs}
    frequency = Counter(s for doc_id in campaign.members for s in sets[doc_id])
    score = {doc_id: sum(frequency[s] for s in sets[doc_id]) / len(sets[doc_id])
             for doc_id in campaign.members}
    assert campaign.representative == max(campaign.members, key=score.__getitem__)


def test_nothing_to_find():
    assert find_campaigns([]) == []
    assert find_campaigns([(1, "支持"), (2, ""), (3, "同意！！")]) == []
