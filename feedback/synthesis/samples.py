"""Generated Chinese opinions for tests, benchmarks and demos: a few hot issues, each
phrased many different ways, a copy-paste campaign, and diverse background opinions.

Every generated opinion carries the issue it was generated for (`topic`), so a test
can check what clustering made of it. Deterministic for a given seed.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

from .text import normalise

BACKGROUND = "background"
CAMPAIGN = "campaign"

# Per hot issue, what people say about it, written to vary the way real messages do:
# places named several ways (or not at all), the concern in several words (停车位,
# 车位, 泊位, 停车难) or not named ("晚上十点回来绕三圈"), a situation, an ask. Some
# opinions mention a second matter in passing, and background opinions sometimes name
# a hot issue's place, so a place name alone does not make a hot issue.
@dataclass(frozen=True)
class IssuePhrases:
    places: list[str]
    terms: list[str]        # words for the concern, one is put in for {term}
    points: list[str]       # what is said; {place} and {term} are filled in
    situations: list[str]   # the speaker's own situation, mostly without the concern's words
    asks: list[str]


HOT_ISSUES: dict[str, IssuePhrases] = {
    "parking": IssuePhrases(
        places=["阳光花园小区", "阳光花园", "阳光花园北区", "我们小区", ""],
        terms=["停车位", "车位", "停车", "泊位", "停车难"],
        points=[
            "{place}{term}太少了，晚上下班回来根本找不到位置",
            "在{place}{term}的问题拖了好几年",
            "每天回{place}都要绕好几圈找地方停车",
            "{place}私家车越来越多，{term}严重不足",
            "{place}乱停车把路都堵了，根子是{term}不够",
            "物业只收停车费不管{term}",
            "晚上十点以后车只能停在消防通道上",
            "为了抢个位置邻居之间经常吵架",
            "外面的车随便开进{place}占位置，保安也不拦",
            "{place}地面上全是车，连救护车都进不来",
            "车停在路边天天被贴罚单",
            "{term}租金一年涨了两次",
            "小区里的僵尸车占着位置好几年没人管",
        ],
        situations=["我下班一般九点多才到家", "我家有两辆车", "我每天早上六点就要出门", "我爱人开车接送孩子",
                    "我住{n}号楼", "上个月被贴了{n}次条", "我们楼下天天有车乱停", ""],
        asks=["建议在旁边建一个立体停车库", "能不能把门口的空地改成停车场", "希望街道想办法解决",
              "请规划部门给我们增加{term}", "能否开放附近单位的车位给居民夜间停车", "建议清理僵尸车",
              "希望物业公开车位分配办法", "外来车辆应该按小时收费"],
    ),
    "dance_noise": IssuePhrases(
        places=["中心公园", "中心公园广场", "公园东门的空地", "楼下的广场", ""],
        terms=["广场舞", "跳舞的", "舞队", "广场舞音响", "广场舞噪音"],
        points=[
            "晚上九点以后{place}的{term}还开得很大声",
            "{place}{term}的噪音太大了，严重扰民",
            "{term}天天在{place}放到十点多，吵得睡不着",
            "{place}夜里音乐震天响",
            "大音箱每天晚上吵到很晚，低音震得窗户都在响",
            "住在{place}旁边，每晚被噪音折磨",
            "早上六点不到{place}就开始放音乐",
            "和{term}阿姨说过几次，她们说广场又不是你家的",
            "几个音箱同时放，一个比一个响",
            "在窗口用手机测过，有七十多分贝",
            "{place}晚上还有人拿音箱唱歌，比{term}还吵",
        ],
        situations=["孩子要高考", "家里有刚满月的宝宝", "我上夜班白天要睡觉", "家里老人神经衰弱",
                    "我家窗户正对着{place}", "打过{n}次热线", "孩子刚睡着就被吵醒", ""],
        asks=["希望规定活动的时间和音量", "能否给音响定个音量上限", "请城管晚上来管一管",
              "建议九点前结束", "请让他们小点声", "建议配限音的音箱", "希望执法能常态化",
              "建议装一个噪音显示屏"],
    ),
    "elevator": IssuePhrases(
        places=["梅园新村", "梅园新村老小区", "梅园", "我们这栋老楼", ""],
        terms=["加装电梯", "电梯", "装电梯", "电梯加装", "加梯"],
        points=[
            "{place}是老旧小区，六层楼没有电梯，老人上下楼太困难",
            "我家住五楼，腿脚不好，爬楼梯太累",
            "{place}{term}低层住户不同意，一直谈不拢",
            "{term}的审批太慢了，{place}申请了一年还没批",
            "{place}好几栋楼都想{term}",
            "老人下楼一趟要歇好几次",
            "一楼住户说采光会受影响，坚决不签字",
            "费用怎么分摊楼上楼下吵了好几次",
            "楼组开会开了三次都没结果",
            "一楼的补偿到底有没有标准",
            "爬六楼对老年人来说真的太苦了",
            "施工要好几个月，噪音和灰尘谁来管",
        ],
        situations=["家里老人{n}0多岁了", "我爸刚做完膝盖手术", "我们单元就差一户签字", "我住{n}号楼六楼",
                    "我家在一楼", "买菜回来要在四楼歇一下", "楼里一半是七八十岁的老人", ""],
        asks=["希望尽快给老楼{term}", "补贴政策是什么", "能不能由街道出面协调",
              "费用分摊希望有个指导", "请加快进度", "建议先做个样板楼", "建议街道统一选电梯公司",
              "请来听听低层住户的意见"],
    ),
    "elderly_canteen": IssuePhrases(
        places=["枫林街道", "枫林社区", "枫林", "我们街道", ""],
        terms=["社区食堂", "长者食堂", "助餐点", "老年食堂", "老人吃饭"],
        points=[
            "{place}很多独居老人吃饭成问题",
            "{place}的老年人吃饭难，自己做饭不方便",
            "{place}的{term}太少，排队时间长",
            "年纪大了做不动饭，一顿饭要吃三天",
            "{place}附近没有适合老人的便宜饭菜",
            "子女都在外地，中午就随便下碗面条",
            "{term}离家太远，腿脚不好走不过去",
            "{term}的饭菜太硬，老人牙口不好嚼不动",
            "一荤两素十五块，对低收入老人还是贵",
            "{term}只有午饭，晚饭没地方吃",
        ],
        situations=["我今年{n}0多岁了", "我父母住在{place}", "老伴走了以后就我一个人", "我有糖尿病要忌口",
                    "我家老人{n}0多岁独居", "我一个人住", ""],
        asks=["能不能开一个{term}", "希望办{term}，让老人吃上热乎饭", "建议提供送餐上门",
              "助餐补贴能不能提高一点", "{place}急需一个{term}", "建议设一个清淡少盐的窗口",
              "菜单能不能提前公布", "希望晚上也供应"],
    ),
    "bus_route": IssuePhrases(
        places=["梧桐路站", "梧桐路", "梧桐新村", "我们这一站", ""],
        terms=["42路", "42路公交", "公交42路", "这条公交线", "42路改线"],
        points=[
            "{term}改线以后取消了{place}，去医院没有直达车了",
            "{term}不停{place}了，老人看病要转两次车",
            "取消{place}之前根本没有征求沿线居民意见",
            "现在要走十几分钟才能坐上车，下雨天怎么办",
            "{term}改走地铁站，我们这边就没车了",
            "早高峰等车要等半个小时",
            "新线路的首末班时间也没公布",
            "去区中心医院配药一个月要跑好几趟",
        ],
        situations=["我每天坐{term}上班", "家里老人不会用手机打车", "我住{place}{n}号", "孩子每天坐这趟车上学",
                    "冬天在路边等车太冷了", ""],
        asks=["希望恢复{place}", "建议保留早晚高峰的原线路", "建议开一条社区巴士到医院",
              "请交通部门重新考虑", "能不能增设一个站点", "希望公布改线的依据"],
    ),
    "school_district": IssuePhrases(
        places=["翠湖小区", "翠湖", "翠湖苑", "我们小区", ""],
        terms=["学区调整", "学区", "划片", "对口小学", "入学划片"],
        points=[
            "{place}被划出实验小学的{term}，我们完全不能接受",
            "{term}太突然了，完全没有过渡期",
            "当初买房就是冲着学校来的，现在说改就改",
            "{place}离新的对口学校要过两个大路口，孩子上学不安全",
            "调整方案没有说明依据，也没有公开人口数据",
            "同一个小区还被分成了两半",
            "征求意见只有一个月，家委会都来不及讨论",
            "房价已经因为这个消息跌了",
        ],
        situations=["孩子明年上一年级", "家有两个娃", "孩子在旁边上了两年幼儿园", "我是{place}{n}号的业主",
                    "老人每天接送孩子", ""],
        asks=["强烈要求给过渡期", "建议按购房时间区分新老政策", "希望召开家长座谈会",
              "请公开{term}的依据", "希望两所学校师资一起加强", "请教育局认真考虑家长的意见"],
    ),
}

WHO = ["", "", "", "我是附近居民，", "作为老住户，", "我是{place}的居民，", "帮家里人留个言，", "业主一枚，"]
OPENINGS = ["", "", "", "您好，", "领导好，", "我是附近居民，", "反映一个问题：", "请问", "再次反映："]
CLOSINGS = ["", "", "", "谢谢！", "希望尽快解决。", "盼复。", "请相关部门重视。", "辛苦了。", "期待回复"]
DETAILS = ["这个情况持续{n}个月了", "已经反映过{n}次", "我住{n}号楼", "周围{n}栋楼的邻居都有意见",
           "这{n}年一直这样", "上个月{n}号还打过热线"]
ASIDES = ["另外{subject}也{problem}", "顺便说一下，{subject}{problem}", "还有{subject}{problem}的问题"]
STANCES = ["oppose", "suggestion", "question", "support", None]

# Background: everyday matters of every kind, some naming a hot issue's place.
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
    """One resident's message on a hot issue: who, one or two points, maybe their
    situation and an ask, in varying order, sometimes with an aside on another matter
    and the slips people make when typing."""
    issue = HOT_ISSUES[topic]
    place, term = rng.choice(issue.places), rng.choice(issue.terms)
    parts = rng.sample(issue.points, rng.choice([1, 1, 2]))
    if rng.random() < 0.5:
        parts.insert(rng.randrange(len(parts) + 1), rng.choice(issue.situations))
    if rng.random() < 0.6:
        parts.append(rng.choice(issue.asks))
    if rng.random() < 0.2:
        parts.insert(rng.randrange(len(parts) + 1), rng.choice(DETAILS))
    if rng.random() < 0.1:  # a second matter in passing
        parts.append(rng.choice(ASIDES).format(subject=rng.choice(SUBJECTS), problem=rng.choice(PROBLEMS)))
    body = "，".join(part for part in parts if part)
    text = rng.choice(OPENINGS) + rng.choice(WHO) + body + rng.choice(["。", "！", "，", "？", "!!", "……"]) + rng.choice(CLOSINGS)
    text = _fill(text, rng, place=place or "小区", term=term)
    text = _slips(text, rng)
    if traditional:
        text = _to_traditional().convert(text)
    return SampleOpinion(text, topic, rng.choice(STANCES))


def _fill(text: str, rng: random.Random, **values: str) -> str:
    while "{n}" in text:
        text = text.replace("{n}", str(rng.randint(2, 12)), 1)
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text


def _slips(text: str, rng: random.Random) -> str:
    """Typing slips: a doubled or dropped character, full-width digits, shouting."""
    roll = rng.random()
    if roll < 0.06 and len(text) > 8:
        i = rng.randrange(len(text))
        text = text[:i] + text[i] + text[i:]
    elif roll < 0.12 and len(text) > 8:
        i = rng.randrange(len(text))
        text = text[:i] + text[i + 1:]
    elif roll < 0.16:
        text = text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    elif roll < 0.2:
        text = text.rstrip("。，！") + "！！！"
    return text


def background_opinion(rng: random.Random) -> SampleOpinion:
    """An everyday matter, written with the same courtesies and details as hot-issue
    messages; a few name a hot issue's place (a street light on the parking
    estate is not a parking complaint)."""
    subject = rng.choice(SUBJECTS)
    problem = "，".join(rng.sample(PROBLEMS, rng.choice([1, 2, 2])))
    request = rng.choice(REQUESTS) + "。" if rng.random() < 0.5 else ""
    where = rng.choice(WHERE)
    if rng.random() < 0.03:
        where = rng.choice([p for issue in HOT_ISSUES.values() for p in issue.places if p]) + "的"
    who = rng.choice(WHO) if rng.random() < 0.4 else ""
    detail = rng.choice(DETAILS) + "，" if rng.random() < 0.05 else ""
    text = f"{rng.choice(OPENINGS)}{who}{where}{subject}{problem}，{detail}{request}{rng.choice(CLOSINGS)}"
    return SampleOpinion(_slips(_fill(text, rng, place="小区"), rng), BACKGROUND, rng.choice(STANCES))


def campaign_opinion(rng: random.Random) -> SampleOpinion:
    text = CAMPAIGN_LETTER.format(name=rng.choice(NAMES))
    if rng.random() < 0.3:
        text += "我家就在那附近，每天都要经过。"
    if rng.random() < 0.3:
        text = text.replace("，", ",")
    return SampleOpinion(text, CAMPAIGN, "oppose")


# How a hotline or a message board writes a message down: the same formulas around what
# the caller said, in most messages of an export.
WORK_ORDER_FORMS = [
    "市民来电反映：{text}诉求：要求相关部门核实处理。",
    "来电人称{text}要求尽快处理，请核实。工单编号{number}。",
    "市民致电热线：{text}请转办相关部门。诉求人要求回复。",
    "网友留言：{text}恳请有关部门予以解决，望答复为盼。",
    "{text}",
]


def as_work_order(text: str, rng: random.Random) -> str:
    """The text as a hotline work order or a message-board post would hold it."""
    return rng.choice(WORK_ORDER_FORMS).format(text=text, number=rng.randint(100000, 999999))


def as_long_messages(opinions: list[SampleOpinion], rng: random.Random,
                     background_on_one_matter: bool = True) -> list[SampleOpinion]:
    """Each message followed by one to three more on its matter, as long as a message-board
    post (80-100 characters on average): a hot-issue message by more of its issue's, a
    background message by more on its subject (公交车, 路灯 …), or, without
    `background_on_one_matter`, by any background messages (one message on several
    unrelated matters); campaign letters as they are."""
    def matter(opinion: SampleOpinion) -> str:
        if opinion.topic != BACKGROUND:
            return opinion.topic
        if not background_on_one_matter:
            return BACKGROUND
        text = normalise(opinion.text)  # traditional characters too
        # "" for the few whose subject a typing slip hides: they go with one another
        return next((subject for subject in SUBJECTS if subject in text), "")

    matters = [matter(opinion) for opinion in opinions]
    pools: dict[str, list[str]] = {}
    for opinion, on in zip(opinions, matters):
        pools.setdefault(on, []).append(opinion.text)

    def lengthened(opinion: SampleOpinion, on: str) -> SampleOpinion:
        more = [rng.choice(pools[on]) for _ in range(rng.randint(1, 3))]
        return SampleOpinion(opinion.text + "".join(more), opinion.topic, opinion.stance)

    return [opinion if opinion.topic == CAMPAIGN else lengthened(opinion, on)
            for opinion, on in zip(opinions, matters)]


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
