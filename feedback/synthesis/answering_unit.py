"""Which department answered: read from the signed reply of a historical message board.

A board or hotline export often has no routing label, but most answered messages carry
the reply, and a reply names the unit that wrote it ("……感谢您对我们工作的支持！A7县城市
管理和行政执法局 2013年9月5日") or the unit it was passed to ("您反映的问题已转交县住建局
核实、办复"). Mapping unit names to the deployment's departments gives every such message a
label: the same signal the product learns from its own answered opinions (an answered
opinion is labelled by the department that answered it), recovered from an old export.

The mapping is a small table of unit-name keywords per department. `DEFAULT_UNIT_KEYWORDS`
is the first-level taxonomy of Chinese government message boards and 12345 hotlines
(城乡建设, 劳动和社会保障, 教育文体, 商贸旅游, 环境保护, 卫生计生, 交通运输); an operator
with other departments passes their own table (`read_unit_table`). The labels are weak:
a reply may be signed by a street office or a county government (no label), may mention
several units (the signature and the unit a message was passed to win, then the most
mentioned; a tie gives no label), and a unit's remit is not always the board's category.
"""
from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Mapping, Sequence

from .text import normalise

# keyword in a unit's name -> department. Longest keyword wins where two match at the
# same place ("交通运输" before "运输"); keywords must be specific enough to be a unit's
# name, not a topic ("教育局", not "教育").
DEFAULT_UNIT_KEYWORDS: dict[str, tuple[str, ...]] = {
    "城乡建设": ("住建", "住房和城乡建设", "住房城乡建设", "城乡建设", "建设局", "建设厅", "建设委", "建委",
             "规划局", "规划委", "规划分局", "规划和自然资源", "自然资源局", "国土资源", "国土局", "国土分局",
             "房管局", "房产局", "房地产管理", "住房保障", "公积金", "不动产登记",
             "城管", "城市管理", "行政执法局", "市政", "园林局", "征收", "拆迁办", "棚改",
             "水务局", "供水公司", "自来水公司", "燃气公司", "供电公司", "电力公司", "工务局"),
    "劳动和社会保障": ("人社", "人力资源和社会保障", "人力资源与社会保障", "社会保障", "社保", "劳动保障",
                "劳动监察", "劳动仲裁", "劳动局", "就业服务", "就业局", "养老保险", "医疗保险", "医保局",
                "医疗保障局", "机保处"),
    "教育文体": ("教育局", "教育厅", "教育委员会", "教委", "教体局", "教育体育局", "教育和体育",
             "文体局", "文体广", "文化局", "文化厅", "体育局", "新闻出版", "广电局", "广播电视局",
             "招生考试", "考试院", "学校", "中学", "小学", "幼儿园", "大学", "学院"),
    "商贸旅游": ("商务局", "商务厅", "商务和", "工商局", "工商分局", "工商所", "工商行政管理",
             "市场监督管理", "市场监管", "旅游局", "旅游委", "旅游发展委", "旅发委", "物价局", "价格监督",
             "质监局", "质量技术监督", "消费者协会", "消委会", "烟草专卖", "盐务", "商业局"),
    "环境保护": ("环保", "环境保护", "生态环境", "环境局", "环境监察", "环境监测"),
    "卫生计生": ("卫生局", "卫生厅", "卫计", "卫健", "卫生和计划生育", "卫生健康", "计生", "人口和计划生育",
             "计划生育", "医院", "卫生院", "疾控", "疾病预防控制", "妇幼", "合作医疗", "新农合",
             "卫生监督"),
    "交通运输": ("交通运输", "交通局", "交通厅", "交通委", "运管", "运输管理", "公交", "公路局", "公路管理",
             "公路段", "高速公路", "高管局", "收费站", "港航", "海事", "铁路", "轨道交通", "轨道集团",
             "地铁", "出租车管理", "客运"),
}

# Words by which a department's own name shows which category's units it takes over.
_NAME_STEMS: dict[str, tuple[str, ...]] = {
    "城乡建设": ("住房", "建设", "规划", "国土", "房管"), "劳动和社会保障": ("人力资源", "社会保障", "劳动"),
    "教育文体": ("教育",), "商贸旅游": ("商务", "市场监", "旅游"), "环境保护": ("环境", "生态"),
    "卫生计生": ("卫生", "卫健", "计生"), "交通运输": ("交通", "运输"),
}

# The unit a reply is signed by or passed to outweighs units it merely mentions.
_SIGNATURE_CHARS = 60
_SIGNATURE_WEIGHT, _PASSED_TO_WEIGHT, _MENTION_WEIGHT = 4.0, 4.0, 1.0
_PASSED_TO = re.compile(r"(?:转交|转至|转到|转给|交由|转|请向|请到|请咨询|咨询|承办责任单位|承办单位)[:：]?\s*$")
# Units that speak for no department of this kind: their mention must not be read as one.
_NOT_A_UNIT = ("交警", "交通警察", "公安", "派出所")


class UnitLabeller:
    """Maps a reply to the department whose unit answered it, or None when unclear."""

    def __init__(self, unit_keywords: Mapping[str, Sequence[str]] | None = None, *, margin: float = 2.0):
        table = unit_keywords if unit_keywords is not None else DEFAULT_UNIT_KEYWORDS
        self.keywords = {normalise(k): department for department, keys in table.items() for k in keys if k.strip()}
        if not self.keywords:
            raise ValueError("the unit table names no keyword")
        alternatives = sorted(self.keywords, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(k) for k in alternatives))
        self.margin = margin

    @property
    def departments(self) -> list[str]:
        return sorted(set(self.keywords.values()))

    def scores(self, reply: str) -> Counter:
        text = normalise(reply or "")
        for word in _NOT_A_UNIT:
            text = text.replace(word, "□" * len(word))
        tail_from = max(0, len(text) - _SIGNATURE_CHARS)  # where a signature with its date may start
        scores: Counter = Counter()
        matches = list(self._pattern.finditer(text))
        for n, match in enumerate(matches):
            department = self.keywords[match.group(0)]
            before = text[max(0, match.start() - 16):match.start()]
            if n == len(matches) - 1 and match.start() >= tail_from:  # the last unit named: the signature
                weight = _SIGNATURE_WEIGHT
            elif _PASSED_TO.search(re.sub(r"[a-z0-9]*[市县区省][a-z0-9]*$|[市县区省]$", "", before)):
                weight = _PASSED_TO_WEIGHT
            else:
                weight = _MENTION_WEIGHT
            scores[department] += weight
        return scores

    def label(self, reply: str) -> str | None:
        """The answering department, when one clearly outweighs the others."""
        ranked = self.scores(reply).most_common(2)
        if not ranked:
            return None
        if len(ranked) == 2 and ranked[0][1] < self.margin * ranked[1][1]:
            return None
        return ranked[0][0]


def read_unit_table(path: str) -> dict[str, tuple[str, ...]]:
    """A CSV of `keyword,department` rows (header optional) -> {department: keywords}."""
    table: dict[str, list[str]] = {}
    with open(path, newline="", encoding="utf-8-sig") as handle:
        for number, row in enumerate(csv.reader(handle), start=1):
            cells = [c.strip() for c in row]
            if not any(cells):
                continue
            if len(cells) < 2 or not cells[0] or not cells[1]:
                raise ValueError(f"{path}, line {number}: expected `keyword,department`")
            if number == 1 and cells[:2] == ["keyword", "department"]:
                continue
            table.setdefault(cells[1], []).append(cells[0])
    if not table:
        raise ValueError(f"{path}: no `keyword,department` row")
    return {department: tuple(keys) for department, keys in table.items()}


def for_departments(departments: Sequence[tuple[str, str]],
                    table: Mapping[str, Sequence[str]] | None = None) -> dict[str, tuple[str, ...]]:
    """A unit table for this deployment's departments, given as (key, Chinese name).

    Each department is known by its own name without the place in front ("区教育局" →
    "教育局"), and takes over the keywords of the one category of `table` (by default
    `DEFAULT_UNIT_KEYWORDS`) its name or key belongs to, when no other department does."""
    table = table if table is not None else DEFAULT_UNIT_KEYWORDS
    own: dict[str, list[str]] = {}
    claims: dict[str, list[str]] = {}
    for key, name in departments:
        name = normalise(name or "")
        own[key] = [w for w in {name, re.sub(r"^[^市县区省州]{0,6}?[市县区省州]", "", name)} if len(w) >= 2]
        for category, keys in table.items():
            stems = tuple(keys) + _NAME_STEMS.get(category, ())
            if key == category or name == normalise(category) or any(normalise(k) in name for k in stems):
                claims.setdefault(category, []).append(key)
    result = {key: list(words) for key, words in own.items()}
    for category, keys in claims.items():
        if len(set(keys)) == 1:
            result[keys[0]].extend(table[category])
    return {key: tuple(dict.fromkeys(words)) for key, words in result.items() if words}
