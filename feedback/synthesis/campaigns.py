"""Form letters and copy-paste campaigns: groups of near-identical opinions.

MinHash LSH over character shingles proposes candidate pairs cheaply;
each candidate pair is then confirmed exactly on the two shingle sets
(`copy_similarity`), and confirmed pairs are joined (union-find, single link).
Punctuation and spaces are left out of the shingles, so re-punctuated copies match;
the text is expected in its analysis form (`text.normalise`), so traditional or
full-width copies match too.

Scale: datasketch gives the MinHash scheme (its affine32 permutations) and the LSH
banding for the threshold; signatures and buckets are computed for all documents at
once with numpy. Exact duplicates are collapsed first, and in a bucket each text is
checked only against the bucket's stand-ins, so a campaign of thousands of copies
costs about as much as thousands of distinct opinions.
"""
from __future__ import annotations

import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

SHINGLE_SIZE = 3
NUM_PERM = 64
MIN_JACCARD = 0.6
# Shorter texts repeat by nature, not by campaign: "支持！", and at 100k opinions even
# "公交车经常出故障，请尽快整改" turns up word for word five times. Form letters are long.
MIN_CHARS = 30
_NOT_CONTENT = re.compile(r"[\W_]+", re.UNICODE)
_SIGNATURE_CHUNK = 200_000  # shingles per numpy block: 200k × 64 × 4 bytes ≈ 51 MB


@dataclass
class Campaign:
    members: list[Hashable]
    representative: Hashable
    size: int


def find_campaigns(
    docs: Sequence[tuple[Hashable, str]],
    threshold: float = 0.8,
    min_size: int = 5,
) -> list[Campaign]:
    """Groups of at least `min_size` documents, each a copy (`copy_similarity` at
    least `threshold`) of another member.

    `docs` are (id, normalised text) pairs. Largest campaign first; members in input
    order.
    """
    by_shingles: dict[frozenset[str], list[Hashable]] = defaultdict(list)
    for doc_id, text in docs:
        shingle_set = shingles(text)
        if len(shingle_set) >= MIN_CHARS - SHINGLE_SIZE + 1:
            by_shingles[shingle_set].append(doc_id)
    unique_sets = list(by_shingles)
    groups = link_copies(unique_sets, threshold)
    campaigns = []
    for group in groups:
        members = [doc_id for i in group for doc_id in by_shingles[unique_sets[i]]]
        if len(members) >= min_size:
            campaigns.append(_campaign(members, group, unique_sets, by_shingles))
    order = {doc_id: i for i, (doc_id, _) in enumerate(docs)}
    for campaign in campaigns:
        campaign.members.sort(key=order.__getitem__)
    return sorted(campaigns, key=lambda c: (-c.size, order[c.members[0]]))


def shingles(normalised_text: str, size: int = SHINGLE_SIZE) -> frozenset[str]:
    """Character shingles of the text without punctuation and spaces."""
    content = _NOT_CONTENT.sub("", normalised_text)
    if len(content) < size:
        return frozenset([content]) if content else frozenset()
    return frozenset(content[i:i + size] for i in range(len(content) - size + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


def copy_similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """How much of the shorter text is the longer one's: the overlap coefficient,
    counted only while the two are of comparable length (Jaccard ≥ 0.6).

    Jaccard alone punishes a copy with a sentence of one's own added (a 100-character
    letter plus 20 characters and a changed name falls to 0.78); the overlap alone
    would make any short quote of a letter its copy.
    """
    if not a or not b:
        return 0.0
    common = len(a & b)
    if common / (len(a) + len(b) - common) < MIN_JACCARD:
        return 0.0
    return common / min(len(a), len(b))


def link_copies(shingle_sets: Sequence[frozenset[str]], threshold: float) -> list[list[int]]:
    """Indexes of `shingle_sets` grouped by confirmed copy pairs; every index is in
    exactly one group (a singleton may still stand for many exact copies)."""
    parent = list(range(len(shingle_sets)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    signatures = minhash_signatures(shingle_sets)
    for bucket in lsh_buckets(signatures, _candidate_threshold(threshold)):
        _link_bucket(bucket, shingle_sets, threshold, root, parent)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(shingle_sets)):
        groups[root(i)].append(i)
    return list(groups.values())


def _link_bucket(bucket, shingle_sets, threshold, root, parent) -> None:
    """Check each member against the bucket's stand-ins only: a member already in a
    stand-in's group, or a close copy of one, adds nothing as a stand-in itself, so
    a bucket holding a campaign of thousands costs thousands of checks, not millions."""
    stand_ins: list[int] = []
    close = (1 + threshold) / 2
    for i in bucket:
        covered = False
        for j in stand_ins:
            if root(i) == root(j):
                covered = True
                continue
            similarity = copy_similarity(shingle_sets[i], shingle_sets[j])
            if similarity >= threshold:
                parent[root(j)] = root(i)
                covered = covered or similarity >= close
        if not covered:
            stand_ins.append(i)


def lsh_buckets(signatures: np.ndarray, threshold: float) -> list[np.ndarray]:
    """Buckets of two or more rows that agree on a whole band of the signature.

    The banding (b bands of r rows) is the one datasketch's MinHashLSH chooses for
    the threshold; the bucketing itself is done with numpy over all rows at once,
    which is some ten times faster at 100k than inserting and querying one by one.
    """
    lsh = MinHashLSH(threshold=threshold, num_perm=signatures.shape[1])
    buckets = []
    for band in range(lsh.b):
        rows = np.ascontiguousarray(signatures[:, band * lsh.r:(band + 1) * lsh.r])
        _, keys = np.unique(rows.view(np.dtype((np.void, rows.dtype.itemsize * lsh.r))).ravel(),
                            return_inverse=True)
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        sizes = np.diff(np.r_[starts, len(order)])
        shared = sizes > 1
        buckets += [order[a:a + n] for a, n in zip(starts[shared], sizes[shared])]
    return buckets


def _candidate_threshold(threshold: float) -> float:
    """LSH estimates Jaccard, which runs below `copy_similarity`: ask it for less."""
    return max(0.3, min(threshold, MIN_JACCARD) - 0.1)


def minhash_signatures(shingle_sets: Sequence[frozenset[str]]) -> np.ndarray:
    """MinHash signatures (one row per set) of all sets at once, exactly as datasketch's
    MinHash computes them with `hashfunc=zlib.crc32`: the murmur3 finaliser on each
    shingle's crc32, datasketch's affine32 permutations, the minimum per set."""
    a, b = MinHash(num_perm=NUM_PERM).permutations
    signatures = np.empty((len(shingle_sets), NUM_PERM), dtype=np.uint32)
    start = 0
    while start < len(shingle_sets):
        end, count = start, 0
        while end < len(shingle_sets) and (count == 0 or count + len(shingle_sets[end]) <= _SIGNATURE_CHUNK):
            count += len(shingle_sets[end])
            end += 1
        signatures[start:end] = _signature_block(shingle_sets[start:end], a, b)
        start = end
    return signatures


def _signature_block(shingle_sets: Sequence[frozenset[str]], a: np.ndarray, b: np.ndarray) -> np.ndarray:
    lengths = np.fromiter((len(s) for s in shingle_sets), dtype=np.int64, count=len(shingle_sets))
    hashes = np.fromiter(
        (zlib.crc32(s.encode("utf-8")) for shingle_set in shingle_sets for s in shingle_set),
        dtype=np.uint32, count=int(lengths.sum()),
    )
    # (permutations × shingles): the min along the contiguous axis is ~25× faster.
    permuted = a[:, np.newaxis] * _murmur3_finalise(hashes)[np.newaxis, :] + b[:, np.newaxis]
    offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    return np.minimum.reduceat(permuted, offsets, axis=1).T


def _murmur3_finalise(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser (as datasketch pre-mixes input hashes)."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def _campaign(
    members: list[Hashable],
    group: list[int],
    unique_sets: list[frozenset[str]],
    by_shingles: dict[frozenset[str], list[Hashable]],
) -> Campaign:
    """The representative is the most typical wording: the member whose shingles are
    shared by the most members (the first such on ties)."""
    frequency: Counter[str] = Counter()
    for i in group:
        frequency.update({s: len(by_shingles[unique_sets[i]]) for s in unique_sets[i]})
    best = max(group, key=lambda i: sum(frequency[s] for s in unique_sets[i]) / len(unique_sets[i]))
    return Campaign(members=members, representative=by_shingles[unique_sets[best]][0], size=len(members))
