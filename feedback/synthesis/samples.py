"""Generated Chinese opinions for tests, benchmarks and demos: a few hot issues, each
phrased many different ways, a copy-paste campaign, and diverse background opinions.

Every generated opinion carries the issue it was generated for (`topic`), so a test
can check what clustering made of it. Deterministic for a given seed.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

BACKGROUND = "background"
CAMPAIGN = "campaign"

# Per hot issue: complaints and requests; an opinion is one or two complaints and
# maybe a request, so no two people word it the same way (unlike a campaign).
HOT_ISSUES: dict[str, tuple[list[str], list[str]]] = {
    "parking": ([
        "{place}停车位太少了，晚上下班回来根本找不到车位",
        "在{place}停车太难了，车只能停在消防通道上",
        "每天回{place}都要绕好几圈找停车位",
        "{place}私家车越来越多，车位严重不足",
        "{place}乱停车把路都堵了，根子是停车位不够",
        "{place}的车位早就不够用了，物业只收停车费不管车位",
        "{place}里面停车难，经常为抢车位吵架",
    ], [
        "建议在{place}旁边建一个立体停车库",
        "能不能把{place}门口的空地改成停车场",
        "希望街道想办法解决{place}停车难",
        "请规划部门给{place}增加停车位",
        "能否开放附近单位的车位给{place}居民夜间停车",
    ]),
    "dance_noise": ([
        "晚上九点以后{place}的广场舞音响还开得很大声",
        "{place}跳广场舞的噪音太大了，严重扰民",
        "广场舞天天在{place}放到十点多，吵得睡不着",
        "{place}夜里的广场舞音乐震天响",
        "{place}广场舞的大音箱每天晚上吵到很晚",
        "住在{place}旁边，每晚被广场舞噪音折磨",
    ], [
        "希望规定{place}广场舞的时间和音量",
        "能否给{place}跳广场舞的定个音量上限",
        "请城管晚上来{place}管一管广场舞噪音",
        "建议{place}广场舞九点前结束",
        "孩子要高考，请让{place}的广场舞小点声",
    ]),
    "elevator": ([
        "{place}是老旧小区，六层楼没有电梯，老人上下楼太困难",
        "我家住{place}五楼，腿脚不好，爬楼梯太累",
        "{place}加装电梯低层住户不同意，一直谈不拢",
        "老楼加装电梯的审批太慢了，{place}申请了一年还没批",
        "{place}好几栋老楼都想加装电梯",
        "{place}的老人下楼一趟要歇好几次，太需要电梯了",
    ], [
        "希望尽快给{place}的老楼加装电梯",
        "加装电梯的补贴政策是什么？{place}的居民都想装",
        "能不能由街道出面协调{place}加装电梯",
        "{place}加装电梯的费用怎么分摊，希望有个指导",
        "请加快{place}老楼加装电梯的进度",
    ]),
    "elderly_canteen": ([
        "{place}很多独居老人吃饭成问题",
        "{place}的老年人吃饭难，自己做饭不方便",
        "{place}的老人助餐点太少，排队时间长",
        "我父母住在{place}，年纪大了做不动饭",
        "{place}附近没有适合老人的便宜饭菜",
    ], [
        "能不能在{place}开一个老年助餐点",
        "希望在{place}办社区食堂，让老人吃上热乎饭",
        "建议{place}设立长者食堂并提供送餐上门",
        "社区食堂给{place}老人的助餐补贴能不能提高一点",
        "{place}急需一个社区长者食堂",
    ]),
}

PLACES = {
    "parking": ["阳光花园小区", "阳光花园"],
    "dance_noise": ["中心公园", "中心公园广场"],
    "elevator": ["梅园新村"],
    "elderly_canteen": ["枫林街道", "枫林社区"],
}

OPENINGS = ["", "", "", "您好，", "领导好，", "我是附近居民，", "反映一个问题：", "请问", "再次反映："]
CLOSINGS = ["", "", "", "谢谢！", "希望尽快解决。", "盼复。", "请相关部门重视。", "辛苦了。", "期待回复"]
DETAILS = ["这个情况持续{n}个月了", "已经反映过{n}次", "我住{n}号楼", "我家老人{n}0多岁了",
           "周围{n}栋楼的邻居都有意见", "这{n}年一直这样", "上个月{n}号还打过热线"]
STANCES = ["oppose", "suggestion", "question", "support", None]

SUBJECTS = [
    "公交车", "地铁站", "菜市场", "垃圾分类", "路灯", "图书馆", "幼儿园", "医保报销", "社区医院",
    "共享单车", "外卖电动车", "污水管道", "小区绿化", "健身器材", "快递柜", "学校门口交通",
    "菜价", "物业费", "二手房交易", "居住证办理", "养犬管理", "河道", "工地施工", "公共厕所",
    "充电桩", "外墙脱落", "低保申请", "无障碍设施", "红绿灯", "网约车", "餐馆油烟", "违章搭建",
    "群租房", "社保卡", "疫苗接种", "自来水水质", "燃气管道", "农贸市场", "篮球场", "公园厕所",
]
PROBLEMS = [
    "经常出故障", "收费不合理", "办理流程太复杂", "晚上没人管", "存在安全隐患", "太脏了没人清理",
    "数量不够", "位置设置不合理", "服务态度差", "信息公开不及时", "排队时间太长", "周末也不开放",
    "价格涨得太快", "维修拖了好几个月", "标识不清楚", "噪音影响休息", "占用了人行道", "规划不透明",
    "工作人员互相推诿", "线上预约总是约不上", "老年人不会用手机操作", "下雨天积水严重", "设施老化没人修",
    "管理混乱", "投诉电话打不通", "和宣传的不一样", "夜里灯光太暗", "离家太远不方便", "检查走过场",
    "存在乱收费现象", "开放时间太短", "残疾人进出困难", "标准几年没有更新", "材料要求反复变",
]
WHERE = ["", "", "我们这里的", "附近的", "家门口的", "东区的", "老城区的", "新区的", "单位旁边的", "学校附近的"]
REQUESTS = [
    "建议改进", "请相关部门处理", "希望给个说法", "能否公开处理进度", "建议增加投入", "请尽快整改",
    "希望听取居民意见", "建议加强监管", "请派人来看看", "希望能有改善",
]

CAMPAIGN_LETTER = (
    "尊敬的区领导：我是幸福里小区的居民{name}，强烈反对在我们小区东门建设垃圾中转站。"
    "中转站离住宅楼不到三十米，夏天臭味严重，还会带来蚊蝇和噪音，影响老人和孩子的健康。"
    "请相关部门重新选址，并公开环评报告，听取居民意见。"
)
NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄勇", "周杰", "吴霞", "孙丽", "马强"]


@dataclass
class SampleOpinion:
    text: str
    topic: str
    stance: str | None


@lru_cache(maxsize=1)
def _to_traditional():
    import opencc

    return opencc.OpenCC("s2t")


def hot_issue_opinion(topic: str, rng: random.Random, traditional: bool = False) -> SampleOpinion:
    complaints, requests = HOT_ISSUES[topic]
    place = rng.choice(PLACES[topic])
    parts = rng.sample(complaints, rng.choice([1, 1, 2]))
    if rng.random() < 0.7:
        parts.append(rng.choice(requests))
    if rng.random() < 0.6:
        parts.insert(rng.randrange(len(parts) + 1), rng.choice(DETAILS).format(n=rng.randint(2, 12)))
    body = "，".join(part.format(place=place) for part in parts)
    text = rng.choice(OPENINGS) + body + rng.choice(["。", "！", "，"]) + rng.choice(CLOSINGS)
    if traditional:
        text = _to_traditional().convert(text)
    return SampleOpinion(text, topic, rng.choice(STANCES))


def background_opinion(rng: random.Random) -> SampleOpinion:
    subject = rng.choice(SUBJECTS)
    problem = "，".join(rng.sample(PROBLEMS, rng.choice([1, 2, 2])))
    request = rng.choice(REQUESTS) + "。" if rng.random() < 0.5 else ""
    text = f"{rng.choice(OPENINGS)}{rng.choice(WHERE)}{subject}{problem}，{request}{rng.choice(CLOSINGS)}"
    return SampleOpinion(text, BACKGROUND, rng.choice(STANCES))


def campaign_opinion(rng: random.Random) -> SampleOpinion:
    text = CAMPAIGN_LETTER.format(name=rng.choice(NAMES))
    if rng.random() < 0.3:
        text += "我家就在那附近，每天都要经过。"
    if rng.random() < 0.3:
        text = text.replace("，", ",")
    return SampleOpinion(text, CAMPAIGN, "oppose")


def generate_opinions(
    hot_sizes: dict[str, int],
    background: int,
    campaign: int = 0,
    seed: int = 7,
    traditional_share: float = 0.1,
) -> list[SampleOpinion]:
    """`hot_sizes[topic]` opinions per hot issue (some in traditional characters),
    `background` diverse opinions and `campaign` copies of a form letter, shuffled."""
    rng = random.Random(seed)
    opinions = [
        hot_issue_opinion(topic, rng, traditional=rng.random() < traditional_share)
        for topic, size in hot_sizes.items()
        for _ in range(size)
    ]
    opinions += [background_opinion(rng) for _ in range(background)]
    opinions += [campaign_opinion(rng) for _ in range(campaign)]
    rng.shuffle(opinions)
    return opinions


DEPARTMENT_TOPICS: dict[str, list[str]] = {
    "城管": ["占道经营", "乱摆摊", "违章搭建", "广场舞噪音", "餐馆油烟", "乱贴小广告", "渣土车撒漏", "户外广告牌"],
    "住建": ["加装电梯", "老旧小区改造", "外墙脱落", "物业管理", "维修基金", "房屋漏水", "工地施工", "燃气管道"],
    "交通": ["公交线路", "红绿灯", "停车难", "地铁站", "网约车", "道路拥堵", "共享单车", "公交站台"],
    "教育": ["学区划分", "幼儿园入园", "课后托管", "学校门口交通", "校服费用", "教师补课", "食堂伙食", "校车"],
    "卫健": ["社区医院", "疫苗接种", "挂号难", "医保报销", "家庭医生", "药房缺药", "急救车", "体检中心"],
    "民政": ["低保申请", "养老服务", "老年助餐点", "残疾人补贴", "婚姻登记", "殡葬服务", "社区食堂", "困难救助"],
    "市场监管": ["菜价上涨", "食品安全", "缺斤短两", "预付卡跑路", "假冒商品", "农贸市场", "价格欺诈", "过期食品"],
}
ROUTED_PATTERNS = [
    "{topic}{problem}，{request}", "关于{topic}的问题：{problem}，{request}", "{where}{topic}{problem}",
    "{request}，{where}的{topic}{problem}", "{topic}这件事{problem}，{request}", "请问{topic}{problem}怎么办",
]


def generate_routed(count: int, seed: int = 11, traditional_share: float = 0.1) -> tuple[list[str], list[str]]:
    """(texts, departments) for training and evaluating the router."""
    rng = random.Random(seed)
    departments = sorted(DEPARTMENT_TOPICS)
    texts, labels = [], []
    for _ in range(count):
        department = rng.choice(departments)
        text = rng.choice(ROUTED_PATTERNS).format(
            topic=rng.choice(DEPARTMENT_TOPICS[department]), problem="，".join(rng.sample(PROBLEMS, 2)),
            request=rng.choice(REQUESTS), where=rng.choice(WHERE) or "我们这里",
        ) + rng.choice(CLOSINGS)
        if rng.random() < traditional_share:
            text = _to_traditional().convert(text)
        texts.append(text)
        labels.append(department)
    return texts, labels
