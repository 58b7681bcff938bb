"""Form letters and copy-paste campaigns: groups of near-identical opinions.

A copy is judged on character shingles: the 3-grams of a text with punctuation and
spaces left out, so re-punctuated copies match; the text is expected in its analysis
form (`text.normalise`), so traditional or full-width copies match too. Two texts are
copies when `copy_similarity` of their shingle sets reaches the threshold, and
campaigns are the groups that copy pairs join (single link).

Method: all documents at once in numpy (Python loops over 100k texts, their shingles
and the candidate pairs cost seconds):

1. Shingles: the texts become one array of code points; the content characters are
   numbered densely, so a 3-gram packs into one integer key, and one sort makes each
   document's keys sorted and distinct. Documents with the same shingle set (exact
   copies) are collapsed into one set.
2. Candidates: MinHash signatures exactly as datasketch computes them (its affine32
   scheme on each shingle's crc32) and LSH banding with datasketch's bands for the
   threshold; sets that agree on a whole band share a bucket.
3. Confirmation: in each bucket the members are compared, in rounds, with the
   bucket's first `STAND_INS` members; one found a copy of them leaves the bucket,
   so a campaign of thousands of edited copies costs thousands of pairs, not
   millions. An upper bound from hashed shingle counts rejects nearly every pair for
   ~0.1 µs; the rest are counted exactly, except pairs already joined.
4. Copy pairs are joined with `connected_components`.
"""
from __future__ import annotations

import re
import zlib
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import MinHash, MinHashLSH
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

SHINGLE_SIZE = 3
NUM_PERM = 64
MIN_JACCARD = 0.6
# Shorter texts repeat by nature, not by campaign: "支持！", and at 100k opinions even
# "公交车经常出故障，请尽快整改" turns up word for word five times. Form letters are long.
MIN_CHARS = 30
MIN_SHINGLES = MIN_CHARS - SHINGLE_SIZE + 1
# In a bucket, each member is compared with this many stand-ins per round (see
# `_copy_groups`): a bound that keeps the pairs of a big campaign linear in its size.
STAND_INS = 16
_NOT_CONTENT = re.compile(r"[\W_]+", re.UNICODE)
_RANK_BITS = 21  # a character's rank is below 2^21, so a 3-gram key fits in 63 bits
_BOUND_BINS = 64  # shingle counts by hash bin per set, for the bound on a common count
_SIGNATURE_CHUNK = 16_384  # shingles per numpy block: 16k × 64 × 4 bytes = 4 MB
_PAIR_CHUNK = 16_384  # pairs per bound block: 16k × 64 bins × 2 sides = 2 MB

assert SHINGLE_SIZE * _RANK_BITS <= 63 and _BOUND_BINS & (_BOUND_BINS - 1) == 0
# `shingle_sets` leaves out texts with one shorter shingle: find_campaigns drops them anyway
assert MIN_SHINGLES > 1


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
    every_set = shingle_sets([text for _, text in docs], MIN_SHINGLES)
    sets, copy_of = _collapse_exact_copies(every_set)
    if len(sets) == 0:
        return []
    signatures = minhash_signatures(sets.hashes, sets.starts)
    buckets = lsh_buckets(signatures, _candidate_threshold(threshold))
    group_of_set = _copy_groups(sets, buckets, threshold)
    return _campaigns(docs, every_set, sets, copy_of, group_of_set[copy_of], min_size)


def shingles(normalised_text: str, size: int = SHINGLE_SIZE) -> frozenset[str]:
    """Character shingles of the text without punctuation and spaces (of one text;
    `shingle_sets` takes many at once)."""
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
    counts = (np.array([n]) for n in (len(a & b), len(a), len(b)))
    return float(_copy_similarities(*counts)[0])


def _copy_similarities(common: np.ndarray, size_a: np.ndarray, size_b: np.ndarray) -> np.ndarray:
    """`copy_similarity` from the counts, for many pairs of non-empty sets. It never
    falls as `common` grows, so at an upper bound of `common` it bounds it too."""
    common = common.astype(np.float64)
    jaccard_ = common / (size_a + size_b - common)
    return np.where(jaccard_ >= MIN_JACCARD, common / np.minimum(size_a, size_b), 0.0)


# -- the shingles of many texts ---------------------------------------------------------

@dataclass
class ShingleSets:
    """The distinct shingles of documents, CSR-style: set k holds
    `keys[starts[k]:starts[k + 1]]`, sorted. A key packs a shingle's characters as
    their ranks in `alphabet` (the content characters present, sorted), `bits` bits
    each, so keys compare exactly and sort fast; `hashes` are the shingles' crc32.
    """
    rows: np.ndarray  # the input position of each set's document
    starts: np.ndarray
    keys: np.ndarray
    hashes: np.ndarray
    alphabet: np.ndarray
    bits: int

    def __len__(self) -> int:
        return len(self.rows)

    def sizes(self) -> np.ndarray:
        return np.diff(self.starts)

    def take(self, sets: np.ndarray) -> ShingleSets:
        sizes = self.sizes()[sets]
        elements = _ranges(self.starts[sets], sizes)
        return ShingleSets(self.rows[sets], np.concatenate(([0], np.cumsum(sizes))),
                           self.keys[elements], self.hashes[elements], self.alphabet, self.bits)

    def strings(self, k: int) -> list[str]:
        """Set k's shingles as strings, in the order of its keys (for checks and tests)."""
        mask = (1 << self.bits) - 1
        return ["".join(chr(self.alphabet[key >> (self.bits * (SHINGLE_SIZE - 1 - i)) & mask])
                        for i in range(SHINGLE_SIZE))
                for key in self.keys[self.starts[k]:self.starts[k + 1]].tolist()]


def shingle_sets(texts: Sequence[str], min_shingles: int = 1) -> ShingleSets:
    """The `shingles` of every text that has at least `min_shingles` of them, all at
    once (a text of fewer than `SHINGLE_SIZE` content characters, whose one shingle
    would be all of it, is left out)."""
    min_shingles = max(min_shingles, 1)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    # each shingle but the first needs a character of its own
    considered = np.flatnonzero(lengths >= min_shingles + SHINGLE_SIZE - 1)
    joined = "".join([texts[i] for i in considered.tolist()])
    alphabet, ranks = _content_ranks(np.frombuffer(joined.encode("utf-32-le", "surrogatepass"),
                                                   dtype=np.uint32))
    is_content = ranks >= 0
    content_ends = np.concatenate(([0], np.cumsum(is_content, dtype=np.int64)))
    content_ends = content_ends[np.cumsum(lengths[considered])]
    content_starts = np.concatenate(([0], content_ends[:-1]))

    # a shingle per position; repeated ones go below, so this is an upper bound
    positions = np.maximum(content_ends - content_starts - SHINGLE_SIZE + 1, 0)
    kept = np.flatnonzero(positions >= min_shingles)
    bits = _bits(len(alphabet))
    keys = _shingle_keys(ranks[is_content], content_starts[kept], positions[kept], bits)
    owners = np.repeat(np.arange(len(kept)), positions[kept])
    owners, keys = _distinct_per_owner(owners, keys, SHINGLE_SIZE * bits)
    sizes = np.bincount(owners, minlength=len(kept))
    if sizes.min(initial=min_shingles) < min_shingles:
        kept, keys = kept[sizes >= min_shingles], keys[np.repeat(sizes >= min_shingles, sizes)]
        sizes = sizes[sizes >= min_shingles]
    return ShingleSets(considered[kept], np.concatenate(([0], np.cumsum(sizes))), keys,
                       _key_hashes(keys, alphabet, bits), alphabet, bits)


def _bits(count: int) -> int:
    """Bits for the numbers 0 … count - 1."""
    return max(1, (count - 1).bit_length())


def _content_ranks(code_points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the content characters present, sorted; each code point's rank among them,
    -1 for punctuation and spaces). The regex decides once per distinct character."""
    present = np.zeros(0x110000, dtype=bool)
    present[code_points] = True
    distinct = np.flatnonzero(present)
    is_content = np.fromiter((_NOT_CONTENT.fullmatch(chr(c)) is None for c in distinct),
                             dtype=bool, count=len(distinct))
    alphabet = distinct[is_content].astype(np.uint32)
    rank = np.full(0x110000, -1, dtype=np.int32)
    rank[alphabet] = np.arange(len(alphabet), dtype=np.int32)
    return alphabet, rank[code_points]


def _shingle_keys(content: np.ndarray, starts: np.ndarray, counts: np.ndarray,
                  bits: int) -> np.ndarray:
    """The keys of the `counts[i]` shingles from `content[starts[i]]` on, concatenated:
    a shingle's character ranks packed `bits` each, the first highest."""
    positions = _ranges(starts, counts)
    keys = np.zeros(len(positions), dtype=np.int64)
    for i in range(SHINGLE_SIZE):
        keys <<= bits
        keys |= content[positions + i]
    return keys


def _distinct_per_owner(
    owners: np.ndarray, values: np.ndarray, value_bits: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (owner, value) pairs, sorted by owner, then value (values below
    2^value_bits, owners not negative and mostly ascending).

    Owner and value are packed into one int64 and sorted once; where they do not fit
    together (an alphabet of tens of thousands of characters), by ranges of owners."""
    per_chunk = 1 << (63 - value_bits)
    if len(owners) == 0 or owners.max() < per_chunk:
        packed = _sorted_distinct(owners << value_bits | values)
        return packed >> value_bits, packed & ((1 << value_bits) - 1)
    chunks = owners // per_chunk
    parts = [(chunk * per_chunk, _distinct_per_owner(owners[chunks == chunk] - chunk * per_chunk,
                                                     values[chunks == chunk], value_bits))
             for chunk in np.unique(chunks).tolist()]
    return (np.concatenate([base + chunk_owners for base, (chunk_owners, _) in parts]),
            np.concatenate([chunk_values for _, (_, chunk_values) in parts]))


def _sorted_distinct(values: np.ndarray) -> np.ndarray:
    """np.unique of values that come in sorted runs: the stable sort merges the runs
    (several times faster here than np.unique, which numpy 2 does by hashing)."""
    values = np.sort(values, kind="stable")
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values


def _key_hashes(keys: np.ndarray, alphabet: np.ndarray, bits: int) -> np.ndarray:
    """`zlib.crc32` of each shingle's UTF-8 bytes (the hash the scalar scheme gave
    MinHash, so signatures and candidates stay the same), for all keys at once.

    CRC-32 is affine over GF(2): feeding n more bytes turns the register r into
    F^n(r) ^ K, with F one zero byte (linear) and K the register those bytes leave
    from zero. So a shingle's crc32 is the xor of one term per character: F^n of the
    character's register (from crc32's start for the first character, from zero for
    the others), n the bytes after it, from per-character tables of n."""
    encoded = [chr(c).encode("utf-8", "surrogatepass") for c in alphabet.tolist()]
    widths = np.array([len(e) for e in encoded], dtype=np.int64)
    most_after = 4 * (SHINGLE_SIZE - 1)
    first_terms = _crc32_zero_bytes([zlib.crc32(e) ^ 0xFFFFFFFF for e in encoded], most_after)
    later_terms = _crc32_zero_bytes([zlib.crc32(e, 0xFFFFFFFF) ^ 0xFFFFFFFF for e in encoded],
                                    most_after)
    crc = np.full(len(keys), 0xFFFFFFFF, dtype=np.uint32)
    after = np.zeros(len(keys), dtype=np.int64)
    for i in reversed(range(SHINGLE_SIZE)):
        rank = keys >> (bits * (SHINGLE_SIZE - 1 - i)) & ((1 << bits) - 1)
        crc ^= (later_terms if i else first_terms)[rank * (most_after + 1) + after]
        after += widths[rank]
    return crc


def _crc32_zero_bytes(registers: list[int], most: int) -> np.ndarray:
    """Flat [register, n]: each CRC-32 register after n = 0 … most more zero bytes."""
    byte_table = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        byte_table = np.where(byte_table & 1, (byte_table >> 1) ^ np.uint32(0xEDB88320),
                              byte_table >> 1)
    table = np.empty((len(registers), most + 1), dtype=np.uint32)
    table[:, 0] = registers
    for n in range(1, most + 1):
        previous = table[:, n - 1]
        table[:, n] = byte_table[previous & np.uint32(0xFF)] ^ (previous >> np.uint32(8))
    return table.reshape(-1)


def _collapse_exact_copies(sets: ShingleSets) -> tuple[ShingleSets, np.ndarray]:
    """(the distinct sets, in order of first appearance; the index among them of
    every set).

    A fingerprint (the sum of a set's 64-bit key hashes) tells most sets apart; only
    those whose fingerprint another set shares are compared, exactly."""
    hashed = _murmur3_finalise(sets.keys.astype(np.uint64))
    fingerprints = np.add.reduceat(hashed, sets.starts[:-1]) if len(sets) else hashed[:0]
    order = np.argsort(fingerprints, kind="stable")
    _, sizes = _runs(fingerprints[order])
    copy_of = np.arange(len(sets))
    first: dict[bytes, int] = {}
    keys, bounds = sets.keys.tobytes(), (sets.starts * sets.keys.itemsize).tolist()
    for k in np.sort(order[np.repeat(sizes > 1, sizes)]).tolist():
        copy_of[k] = first.setdefault(keys[bounds[k]:bounds[k + 1]], k)
    distinct = np.flatnonzero(copy_of == np.arange(len(sets)))
    return sets.take(distinct), np.searchsorted(distinct, copy_of)


# -- MinHash and LSH --------------------------------------------------------------------

def minhash_signatures(hashes: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """MinHash signatures of all sets at once (one row per set; set k is
    `hashes[starts[k]:starts[k + 1]]`, not empty), exactly as datasketch's MinHash
    computes them from these input hashes (e.g. `hashfunc=zlib.crc32` when they are
    crc32): the murmur3 finaliser on each, datasketch's affine32 permutations, the
    minimum per set."""
    a, b = (p[:, np.newaxis] for p in MinHash(num_perm=NUM_PERM).permutations)
    mixed = _murmur3_finalise(hashes.astype(np.uint32))
    signatures = np.empty((len(starts) - 1, NUM_PERM), dtype=np.uint32)
    # (permutations × shingles) in one reused block: the min along the contiguous axis
    # is ~25× faster, and a block that stays in cache twice as fast again.
    permuted = np.empty((NUM_PERM, _SIGNATURE_CHUNK), dtype=np.uint32)
    first = 0
    while first < len(starts) - 1:
        end = np.searchsorted(starts, starts[first] + _SIGNATURE_CHUNK, side="right") - 1
        last = max(first + 1, int(end))
        block = mixed[starts[first]:starts[last]]
        if len(block) > permuted.shape[1]:
            permuted = np.empty((NUM_PERM, len(block)), dtype=np.uint32)
        view = permuted[:, :len(block)]
        np.multiply(a, block[np.newaxis, :], out=view)
        np.add(view, b, out=view)
        offsets = starts[first:last] - starts[first]
        signatures[first:last] = np.minimum.reduceat(view, offsets, axis=1).T
        first = last
    return signatures


# MurmurHash3's finalisers: (shift, multiplier, shift, multiplier, shift) per width.
_MURMUR3_FINALISERS = {
    np.uint32: (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16),
    np.uint64: (33, 0xFF51AFD7ED558CCD, 33, 0xC4CEB9FE1A85EC53, 33),
}


def _murmur3_finalise(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's finaliser for h's width: the 32-bit one is how datasketch pre-mixes
    input hashes, the 64-bit one mixes keys into hashes."""
    kind = h.dtype.type
    first_shift, first_multiplier, second_shift, second_multiplier, last_shift = _MURMUR3_FINALISERS[kind]
    h = h ^ (h >> kind(first_shift))
    h = h * kind(first_multiplier)
    h = h ^ (h >> kind(second_shift))
    h = h * kind(second_multiplier)
    return h ^ (h >> kind(last_shift))


@dataclass
class Buckets:
    """LSH buckets of two or more sets, flattened: `members` by bucket, ascending
    within one; `bucket` numbers them (ascending)."""
    bucket: np.ndarray
    members: np.ndarray


def lsh_buckets(signatures: np.ndarray, threshold: float) -> Buckets:
    """Buckets of rows that agree on a whole band of the signature.

    The banding (b bands of r rows) is the one datasketch's MinHashLSH chooses for
    the threshold. A band's r values are hashed into one key, cut to leave room for
    the row number, and one sort groups the rows by key (a collision could only add
    a candidate, which confirmation then rejects)."""
    bands, rows = _banding(threshold, signatures.shape[1])
    row_bits = np.uint64(_bits(len(signatures)))
    row_numbers = np.arange(len(signatures), dtype=np.uint64)
    row_mask = (np.uint64(1) << row_bits) - np.uint64(1)
    bucket, members, numbered = [], [], 0
    for band in range(bands):
        keys = np.zeros(len(signatures), dtype=np.uint64)
        for column in signatures[:, band * rows:(band + 1) * rows].T:
            keys = _murmur3_finalise(keys ^ column.astype(np.uint64))
        packed = np.sort(keys >> row_bits << row_bits | row_numbers)
        starts, sizes = _runs(packed >> row_bits)
        shared = np.repeat(sizes > 1, sizes)
        bucket.append(np.repeat(np.arange(numbered, numbered + len(starts)), sizes)[shared])
        members.append((packed & row_mask).astype(np.int64)[shared])
        numbered += len(starts)
    return Buckets(np.concatenate(bucket), np.concatenate(members))


@lru_cache
def _banding(threshold: float, num_perm: int) -> tuple[int, int]:
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


def _candidate_threshold(threshold: float) -> float:
    """LSH estimates Jaccard, which runs below `copy_similarity`: ask it for less."""
    return max(0.3, min(threshold, MIN_JACCARD) - 0.1)


# -- confirming candidate pairs ---------------------------------------------------------

def _copy_groups(sets: ShingleSets, buckets: Buckets, threshold: float) -> np.ndarray:
    """The group of each set: sets joined by the copy pairs (`copy_similarity` ≥
    threshold) found in the buckets.

    In rounds: in every bucket the first `STAND_INS` remaining members are stand-ins,
    each compared with the stand-ins before it, and every other remaining member with
    all of them; then the stand-ins leave the bucket, and so does every member found
    a copy of one. The rest go on to the next round. So two members of a bucket are
    compared unless one of them was found a copy of a stand-in (or the two are joined
    already). That pair matters only for a text that copies the member but none of
    the stand-ins, a copy of a copy drifted below the threshold from the first, and
    only if the two share no other bucket where they meet (a copy pair agrees on many
    bands). Near copies are copies of one another, so in practice the groups do not
    depend on `STAND_INS`: at 100k opinions any value from 4 up gives those of
    comparing every pair of every bucket. It bounds the pairs of a bucket of n copies
    to n × STAND_INS; a bucket of n distinct non-copies still costs n²/2 bound checks,
    as it would comparing every pair (or as the scalar scheme did).
    """
    bounds = _bound_counts(sets)
    joined = _Joined(len(sets))
    bucket, members = buckets.bucket, buckets.members
    while len(members):
        starts, sizes = _runs(bucket)
        run = np.repeat(np.arange(len(starts)), sizes)
        position = np.arange(len(members)) - starts[run]
        compared = np.minimum(position, STAND_INS)
        member = np.repeat(np.arange(len(members)), compared)  # pairs by member, then stand-in
        stand_in = _ranges(starts[run], compared)
        possible = np.flatnonzero(
            _may_be_copies(sets, bounds, members[stand_in], members[member], threshold))
        member, stand_in = member[possible], stand_in[possible]
        copies = _join_copies(sets, joined, members[stand_in], members[member], member, threshold)
        copied = np.zeros(len(members), dtype=bool)
        copied[member[copies]] = True
        remaining = (position >= STAND_INS) & ~copied
        bucket, members = bucket[remaining], members[remaining]
        still_shared = np.repeat(_runs(bucket)[1] > 1, _runs(bucket)[1])
        bucket, members = bucket[still_shared], members[still_shared]
    return joined.groups()


class _Joined:
    """Sets joined by the copy pairs found so far."""

    def __init__(self, count: int):
        self.count = count
        self.first: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
        self.second: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
        self._groups: np.ndarray | None = None

    def join(self, first: np.ndarray, second: np.ndarray) -> None:
        if len(first):
            self.first.append(first)
            self.second.append(second)
            self._groups = None

    def groups(self) -> np.ndarray:
        """The group of each set (computed again only after new joins)."""
        if self._groups is None:
            first, second = np.concatenate(self.first), np.concatenate(self.second)
            pairs = coo_matrix((np.ones(len(first), dtype=np.int32), (first, second)),
                               shape=(self.count, self.count))
            self._groups = connected_components(pairs, directed=False)[1]
        return self._groups


def _join_copies(sets: ShingleSets, joined: _Joined, first: np.ndarray, second: np.ndarray,
                 member: np.ndarray, threshold: float) -> np.ndarray:
    """Confirm the pairs exactly and join the copies; which pairs were found copies.

    A pair already joined is not counted: it could add nothing. So each member's
    pairs (`member` ascending) are taken one at a time, the first of every member
    together: in a bucket of copies every member joins the first stand-in, and its
    pairs with the other stand-ins, joined by then, cost nothing."""
    found = np.zeros(len(first), dtype=bool)
    starts, sizes = _runs(member)
    turn = np.arange(len(member)) - np.repeat(starts, sizes)
    for now in (np.flatnonzero(turn == t) for t in range(int(turn.max(initial=-1)) + 1)):
        groups = joined.groups()
        now = now[groups[first[now]] != groups[second[now]]]
        found[now] = _are_copies(sets, first[now], second[now], threshold)
        joined.join(first[now[found[now]]], second[now[found[now]]])
    return found


def _may_be_copies(sets: ShingleSets, bounds: np.ndarray, first: np.ndarray, second: np.ndarray,
                   threshold: float) -> np.ndarray:
    """False for pairs that cannot be copies: `copy_similarity` at an upper bound of
    their common count (`_bound_counts`) is below the threshold. Nearly all pairs."""
    sizes = sets.sizes()
    small = bounds.dtype == np.uint8 and sizes.max(initial=0) <= np.iinfo(np.uint16).max
    total_dtype = np.uint16 if small else np.int64  # holds a sum of min counts
    possible = np.zeros(len(first), dtype=bool)
    for start in range(0, len(first), _PAIR_CHUNK):
        a, b = first[start:start + _PAIR_CHUNK], second[start:start + _PAIR_CHUNK]
        at_most = np.minimum(bounds[a], bounds[b]).sum(axis=1, dtype=total_dtype)
        similarity_at_most = _copy_similarities(at_most, sizes[a], sizes[b])
        possible[start:start + _PAIR_CHUNK] = similarity_at_most >= threshold
    return possible


def _are_copies(sets: ShingleSets, first: np.ndarray, second: np.ndarray,
                threshold: float) -> np.ndarray:
    """Whether each pair of sets is a copy pair, counted exactly (each distinct pair once)."""
    pair_codes, which = np.unique(first * len(sets) + second, return_inverse=True)
    a, b = pair_codes // len(sets), pair_codes % len(sets)
    sizes = sets.sizes()
    return (_copy_similarities(_common_counts(sets, a, b), sizes[a], sizes[b]) >= threshold)[which]


def _bound_counts(sets: ShingleSets) -> np.ndarray:
    """(sets × `_BOUND_BINS`) counts of each set's shingles by hash bin: two sets'
    common shingles fall in the same bins, so Σ min(count_a, count_b) over the bins
    is at least their common count."""
    bins = sets.hashes & np.uint32(_BOUND_BINS - 1)
    owners = np.repeat(np.arange(len(sets)), sets.sizes())
    counts = np.bincount(owners * _BOUND_BINS + bins, minlength=len(sets) * _BOUND_BINS)
    dtype = np.uint8 if counts.max(initial=0) <= np.iinfo(np.uint8).max else np.int64
    return counts.astype(dtype).reshape(len(sets), _BOUND_BINS)


def _common_counts(sets: ShingleSets, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """|first[i] ∩ second[i]| for each pair: both sets' keys tagged with the pair and
    made distinct; a key in both counts once less."""
    sizes = sets.sizes()
    pair = np.concatenate((np.repeat(np.arange(len(first)), sizes[first]),
                           np.repeat(np.arange(len(second)), sizes[second])))
    keys = sets.keys[np.concatenate((_ranges(sets.starts[first], sizes[first]),
                                     _ranges(sets.starts[second], sizes[second])))]
    distinct_pair, _ = _distinct_per_owner(pair, keys, SHINGLE_SIZE * sets.bits)
    return sizes[first] + sizes[second] - np.bincount(distinct_pair, minlength=len(first))


def _runs(sorted_values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(start, length) of each run of equal values."""
    if len(sorted_values) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, sorted_values[1:] != sorted_values[:-1]])
    return starts, np.diff(np.r_[starts, len(sorted_values)])


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The ranges starts[i], …, starts[i] + lengths[i] - 1, concatenated."""
    offsets = np.cumsum(lengths) - lengths
    return np.arange(int(np.sum(lengths))) + np.repeat(starts - offsets, lengths)


# -- the campaigns ----------------------------------------------------------------------

def _campaigns(docs: Sequence[tuple[Hashable, str]], every_set: ShingleSets, sets: ShingleSets,
               copy_of: np.ndarray, group_of_every_set: np.ndarray,
               min_size: int) -> list[Campaign]:
    """The groups of at least `min_size` documents (exact copies each counted), largest
    first, then by their first member; members in input order."""
    sizes = np.bincount(group_of_every_set)
    order = np.argsort(group_of_every_set, kind="stable")  # by group, then input order
    bounds = np.searchsorted(group_of_every_set[order], np.arange(len(sizes) + 1))
    copies = np.bincount(copy_of, minlength=len(sets))
    campaigns = []
    for group in np.flatnonzero(sizes >= min_size).tolist():
        rows = every_set.rows[order[bounds[group]:bounds[group + 1]]].tolist()
        distinct = np.unique(copy_of[order[bounds[group]:bounds[group + 1]]])
        best = _most_typical(sets, distinct, copies[distinct])
        campaigns.append((rows[0], Campaign(members=[docs[row][0] for row in rows],
                                            representative=docs[int(sets.rows[best])][0],
                                            size=len(rows))))
    campaigns.sort(key=lambda first_row_and_campaign: (-first_row_and_campaign[1].size,
                                                       first_row_and_campaign[0]))
    return [campaign for _, campaign in campaigns]


def _most_typical(sets: ShingleSets, group: np.ndarray, copies: np.ndarray) -> int:
    """The representative is the most typical wording: the set (of `group`, ascending)
    whose shingles are shared by the most members, `copies` of each (the first such
    on ties)."""
    sizes = sets.sizes()[group]
    _, key_index = np.unique(sets.keys[_ranges(sets.starts[group], sizes)], return_inverse=True)
    members_sharing = np.bincount(key_index, weights=np.repeat(copies, sizes))
    shared = np.add.reduceat(members_sharing[key_index], np.r_[0, np.cumsum(sizes)[:-1]])
    return int(group[np.argmax(shared / sizes)])
