"""Demo data for the fictional 青溪区 (Qingxi district): a district party committee, its
departments, a linked three-tier catalogue, disclosure items, residents' opinions and
the departments' answers.

Pure module: standard library only, no Flask and no database, and deterministic for a
given seed. ``feedback.seed`` loads it through the application's own services.

Everything here is invented: 青溪区, its streets (临江街道, 梅园街道, 桂香街道, 石桥镇),
residential estates (临江新村, 梅园三村, 锦绣华庭, 江畔名邸 …), roads, schools, people,
phone numbers (random digits) and e-mail addresses (example.com / example.cn).

What the opinions contain, on purpose, for the synthesis and routing features:

* six hot issues (热点问题) of 20–70 opinions each, worded genuinely differently:
  加装电梯 in 临江新村, 广场舞 noise at 梅园广场, parking and chargers at 锦绣华庭,
  new 长者食堂 for the elderly, a 学区 boundary change, and a bus route change;
* one mass campaign: about 60 copies of one form letter, lightly edited, opposing the
  waste transfer station on 望江路;
* about 5 % in traditional characters, some with full-width digits and letters, some
  with a phone number inside the text;
* general opinions (no item) that are clearly about one department's work, so that
  ``department_key`` can train a routing classifier.

Demo accounts (user name / password / role):

    admin            demo-admin-2026            admin
    admin.deputy     demo-admin-deputy-2026     admin  (approves the administrator's answers)
    editor           demo-editor-2026           editor
    moderator        demo-moderator-2026        moderator
    dispatcher       demo-dispatcher-2026       dispatcher
    supervisor       demo-supervisor-2026       supervisor
    committee        demo-committee-2026        committee_member
    member           demo-member-2026           member
    housing.staff    demo-housing-staff-2026    department_staff  (区住房和建设管理委员会)
    housing.head     demo-housing-head-2026     department_head   (区住房和建设管理委员会)
    education.staff  demo-education-staff-2026  department_staff  (区教育局)
    education.head   demo-education-head-2026   department_head   (区教育局)
    civil.staff      demo-civil-staff-2026      department_staff  (区民政局)
    civil.head       demo-civil-head-2026       department_head   (区民政局)
"""
from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Optional

DEFAULT_SEED = 20261128

TIERS = ("district", "department", "grassroots")
SCOPES = ("public", "members", "internal")
CARRIERS = ("会议", "文件", "公开栏", "网站", "短信", "微博", "微信群", "公开窗口")
FOCUSES = ("三重一大", "人财物")
STANCES = ("support", "oppose", "suggestion", "question")
CHANNELS = ("web", "kiosk", "sms")
ROLES = ("editor", "admin", "department_staff", "department_head", "committee_member",
         "supervisor", "moderator", "dispatcher", "member")


# --------------------------------------------------------------------------- types


@dataclass(frozen=True)
class DemoOrganisation:
    key: str
    name_zh: str
    name_en: str
    parent_key: Optional[str]
    tier: str  # "district" | "department" | "grassroots"


@dataclass(frozen=True)
class DemoDepartment:
    key: str
    name_zh: str
    name_en: str
    organisation_key: str
    routing_keywords: list[str]


@dataclass(frozen=True)
class DemoHeading:
    key: str
    organisation_key: str
    parent_key: Optional[str]  # may point at a heading of the parent organisation (三级联动)
    code: str
    name_zh: str
    name_en: str
    description_zh: str


@dataclass(frozen=True)
class DemoItem:
    key: str
    heading_key: str
    department_key: str
    title_zh: str
    body_zh: str  # Markdown
    scope: str  # "public" | "members" | "internal"
    carriers: list[str]
    focus: Optional[str]  # "三重一大" | "人财物" | None
    status: str  # "published" | "draft"
    published_days_ago: int  # for drafts: days since the draft was written
    comment_days: int  # how long the comment window stays open after publication
    due_days: int  # time limit (公开时限): days after the matter arose to publish it
    approver_name: str
    approval_opinion_zh: str


@dataclass(frozen=True)
class DemoHotIssue:
    key: str
    title_zh: str
    department_key: str
    item_key: Optional[str]  # the item most of its opinions are about, if any
    kind: str  # "cluster" (many different voices) | "campaign" (one form letter, copied)


@dataclass(frozen=True)
class DemoOpinion:
    key: str
    item_key: Optional[str]  # None: a general opinion ("其他事项")
    text_zh: str
    stance: str  # "support" | "oppose" | "suggestion" | "question"
    channel: str  # "web" | "kiosk" | "sms"
    contact: Optional[str]
    name: Optional[str]
    days_ago: int
    department_key: str  # the department that truly should answer it
    hot_issue: Optional[str]
    answered: bool


@dataclass(frozen=True)
class DemoAnswer:
    key: str
    hot_issue: Optional[str]  # exactly one of hot_issue / opinion_key is set
    opinion_key: Optional[str]
    department_key: str
    text_zh: str
    days_ago: int


@dataclass(frozen=True)
class DemoHeldOpinion:
    """An opinion the intake rules hold for a moderator (abuse, an advert, a flood)."""
    item_key: Optional[str]
    stance: str
    text_zh: str
    days_ago: int


@dataclass(frozen=True)
class DemoDecision:
    item_key: str
    outcome: str  # one of services.committee.OUTCOMES
    days_ago: int
    text_zh: str


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    role: str
    department_key: Optional[str]
    display_name_zh: str


@dataclass
class DemoData:
    organisations: list[DemoOrganisation] = field(default_factory=list)
    departments: list[DemoDepartment] = field(default_factory=list)
    headings: list[DemoHeading] = field(default_factory=list)
    items: list[DemoItem] = field(default_factory=list)
    hot_issues: list[DemoHotIssue] = field(default_factory=list)
    opinions: list[DemoOpinion] = field(default_factory=list)
    answers: list[DemoAnswer] = field(default_factory=list)
    decisions: list[DemoDecision] = field(default_factory=list)
    held: list[DemoHeldOpinion] = field(default_factory=list)
    users: list[DemoUser] = field(default_factory=list)

    def heading_level(self, key: str) -> int:
        """1, 2 or 3: the depth of a heading inside its own organisation's catalogue."""
        by_key = {h.key: h for h in self.headings}
        heading, level = by_key[key], 1
        while heading.parent_key and by_key[heading.parent_key].organisation_key == heading.organisation_key:
            heading, level = by_key[heading.parent_key], level + 1
        return level

    def summary(self) -> dict:
        levels = Counter(self.heading_level(h.key) for h in self.headings)
        issues = Counter(o.hot_issue for o in self.opinions if o.hot_issue)
        return {
            "organisations": len(self.organisations),
            "organisations_by_tier": dict(Counter(o.tier for o in self.organisations)),
            "departments": len(self.departments),
            "headings": len(self.headings),
            "headings_by_level": {level: levels[level] for level in sorted(levels)},
            "items": len(self.items),
            "items_by_status": dict(Counter(i.status for i in self.items)),
            "items_by_scope": dict(Counter(i.scope for i in self.items)),
            "hot_issues": len(self.hot_issues),
            "opinions": len(self.opinions),
            "opinions_general": sum(1 for o in self.opinions if o.item_key is None),
            "opinions_by_stance": dict(Counter(o.stance for o in self.opinions)),
            "opinions_by_channel": dict(Counter(o.channel for o in self.opinions)),
            "opinions_by_hot_issue": dict(issues),
            "opinions_by_department": dict(Counter(o.department_key for o in self.opinions)),
            "opinions_answered": sum(1 for o in self.opinions if o.answered),
            "answers": len(self.answers),
            "users": len(self.users),
        }


# --------------------------------------------------------------------------- organisations

DISTRICT = "qingxi"

_ORGANISATIONS = [
    DemoOrganisation(DISTRICT, "中共青溪区委员会", "CPC Qingxi District Committee", None, "district"),
    DemoOrganisation("edu", "中共青溪区教育局委员会", "Party Committee of the Qingxi Education Bureau",
                     DISTRICT, "department"),
    DemoOrganisation("health", "中共青溪区卫生健康委员会委员会",
                     "Party Committee of the Qingxi Health Commission", DISTRICT, "department"),
    DemoOrganisation("linjiang", "中共青溪区临江街道工作委员会",
                     "Linjiang Subdistrict Working Committee", DISTRICT, "department"),
    DemoOrganisation("ljxc", "中共临江新村居民区总支部委员会",
                     "Linjiang New Village Neighbourhood General Branch", "linjiang", "grassroots"),
    DemoOrganisation("wangjiang", "中共望江社区支部委员会", "Wangjiang Community Branch",
                     "linjiang", "grassroots"),
    DemoOrganisation("shiyan-school", "中共青溪区实验小学支部委员会",
                     "Branch of Qingxi Experimental Primary School", "edu", "grassroots"),
    DemoOrganisation("qingxi-middle", "中共青溪中学总支部委员会",
                     "General Branch of Qingxi Middle School", "edu", "grassroots"),
    DemoOrganisation("meiyuan-chc", "中共梅园社区卫生服务中心支部委员会",
                     "Branch of Meiyuan Community Health Centre", "health", "grassroots"),
    DemoOrganisation("central-hospital-im", "中共青溪区中心医院内科支部委员会",
                     "Internal Medicine Branch, Qingxi Central Hospital", "health", "grassroots"),
]

# --------------------------------------------------------------------------- departments

_DEPARTMENTS = [
    DemoDepartment("party-office", "区委办公室", "General Office of the District Committee", DISTRICT,
                   ["区委", "常委会", "全委会", "决策", "会议", "党务公开", "公开目录", "督查", "文件",
                    "回头看", "廉政", "三公经费", "预算"]),
    DemoDepartment("organisation", "区委组织部", "Organisation Department", DISTRICT,
                   ["干部", "任免", "任前公示", "考察", "选拔", "党员", "发展党员", "党费", "组织关系",
                    "换届", "党支部", "党组织", "书记"]),
    DemoDepartment("urban-management", "区城管执法局", "Urban Management and Law Enforcement Bureau",
                   DISTRICT,
                   ["广场舞", "噪音", "扰民", "音响", "占道", "摊贩", "违建", "违章搭建", "油烟",
                    "垃圾", "中转站", "渣土", "夜间施工", "城管"]),
    DemoDepartment("housing", "区住房和建设管理委员会", "Housing and Construction Commission", DISTRICT,
                   ["加装电梯", "电梯", "物业", "维修基金", "老旧小区", "改造", "停车位", "充电桩",
                    "漏水", "外墙", "业委会", "楼道", "小区"]),
    DemoDepartment("transport", "区交通委", "Transport Commission", DISTRICT,
                   ["公交", "线路", "站点", "班次", "末班车", "地铁", "红绿灯", "路口", "拥堵",
                    "非机动车", "斑马线", "道路", "公交车", "早高峰", "晚高峰"]),
    DemoDepartment("education", "区教育局", "Education Bureau", DISTRICT,
                   ["学区", "划片", "入学", "招生", "学校", "小学", "初中", "幼儿园", "托班",
                    "课后服务", "老师", "学生", "对口"]),
    DemoDepartment("health", "区卫生健康委", "Health Commission", DISTRICT,
                   ["医院", "社区卫生服务中心", "挂号", "门诊", "家庭医生", "配药", "疫苗", "体检",
                    "医生", "看病", "急诊", "医保"]),
    DemoDepartment("civil-affairs", "区民政局", "Civil Affairs Bureau", DISTRICT,
                   ["养老", "长者食堂", "助餐", "老年人", "老人", "低保", "残疾", "养老院", "居家养老",
                    "助餐点", "救助", "高龄", "独居"]),
]

# --------------------------------------------------------------------------- catalogue

# (org, key suffix, parent key or None, code, name_zh, name_en, description)
_HEADING_ROWS = [
    # ---- district committee: 8 first-level, 23 second-level, 41 third-level headings
    ("qingxi", "A", None, "A", "党组织建设", "Party organisation building",
     "区委领导班子、工作机构、基层党组织和党内制度建设情况。"),
    ("qingxi", "A01", "A", "A01", "区委领导班子", "District committee leadership",
     "区委领导班子成员的组成、分工及调整。"),
    ("qingxi", "A0101", "A01", "A0101", "领导班子成员及分工", "Members and their responsibilities",
     "区委常委分工及调整情况，调整后10个工作日内公开。"),
    ("qingxi", "A0102", "A01", "A0102", "区委工作机构设置及职能", "Working bodies and functions",
     "区委工作机关的设置、主要职责和内设机构。"),
    ("qingxi", "A02", "A", "A02", "基层组织建设", "Grassroots organisations",
     "基层党组织设置、换届选举、党员发展和教育管理。"),
    ("qingxi", "A0201", "A02", "A0201", "基层党组织设置与换届", "Set-up and elections of grassroots organisations",
     "基层党组织的成立、调整、撤销及换届选举工作安排和结果。"),
    ("qingxi", "A0202", "A02", "A0202", "党员发展与教育管理", "Recruitment and education of members",
     "年度发展党员计划、党员教育培训和组织生活安排。"),
    ("qingxi", "A03", "A", "A03", "党内制度建设", "Intra-party rules",
     "区委制定和修订的党内规范性文件。"),
    ("qingxi", "A0301", "A03", "A0301", "全委会、常委会议事规则", "Rules of procedure of the committee",
     "区委全体会议、常委会议的议事规则和决策程序。"),
    ("qingxi", "A0302", "A03", "A0302", "党务公开工作制度", "Disclosure rules",
     "党务公开目录、审批、立卷存档和督查等制度。"),
    ("qingxi", "B", None, "B", "干部任免", "Appointment and removal of cadres",
     "区管干部选拔任用、任前公示、任免决定及监督管理情况。"),
    ("qingxi", "B01", "B", "B01", "干部选拔任用", "Selection and appointment",
     "干部选拔任用的程序、公示和结果。"),
    ("qingxi", "B0101", "B01", "B0101", "任前公示", "Pre-appointment public notice",
     "拟任人选的基本情况，公示期不少于5个工作日。"),
    ("qingxi", "B0102", "B01", "B0102", "干部任免决定", "Appointment and removal decisions",
     "区委任免区管干部的决定。"),
    ("qingxi", "B0103", "B01", "B0103", "公开选拔与竞争上岗", "Open selection and competition for posts",
     "公开选拔、竞争上岗的职位、条件、程序和结果。"),
    ("qingxi", "B02", "B", "B02", "干部监督管理", "Supervision of cadres",
     "干部考核、个人有关事项报告抽查核实等情况。"),
    ("qingxi", "B0201", "B02", "B0201", "干部考核结果", "Assessment results",
     "区管领导班子和领导干部年度考核结果。"),
    ("qingxi", "B0202", "B02", "B0202", "个人有关事项报告抽查", "Spot checks of personal reports",
     "领导干部个人有关事项报告随机抽查和重点抽查情况。"),
    ("qingxi", "C", None, "C", "三重一大事项", "Major decisions, appointments, projects and sums",
     "重大决策、重要人事任免、重大项目安排和大额资金使用事项。"),
    ("qingxi", "C01", "C", "C01", "重大决策", "Major decisions",
     "区委常委会、全委会作出的重大决策及决策前征求意见情况。"),
    ("qingxi", "C0101", "C01", "C0101", "区委常委会重大决策", "Major decisions of the standing committee",
     "常委会审议通过的重大事项，会后15个工作日内公开。"),
    ("qingxi", "C0102", "C01", "C0102", "决策前征求意见", "Consultation before decisions",
     "重大决策事项在提交审议前公开征求党员群众意见。"),
    ("qingxi", "C02", "C", "C02", "重大项目安排", "Major projects",
     "重大项目的立项、选址、招投标和建设进展。"),
    ("qingxi", "C0201", "C02", "C0201", "项目立项与选址", "Approval and siting of projects",
     "重大项目立项批复和选址方案公示。"),
    ("qingxi", "C0202", "C02", "C0202", "招投标与建设进展", "Tendering and progress",
     "重大项目招标结果和阶段性建设进展。"),
    ("qingxi", "C03", "C", "C03", "大额资金使用", "Use of large sums",
     "大额资金使用的审批和执行情况。"),
    ("qingxi", "C0301", "C03", "C0301", "大额资金使用审批", "Approval of large sums",
     "经区委常委会集体研究的大额资金使用事项。"),
    ("qingxi", "C0302", "C03", "C0302", "政府投资项目资金安排", "Public investment funding",
     "年度政府投资项目计划及资金安排。"),
    ("qingxi", "D", None, "D", "财务收支（人财物）", "Finances, staff and assets",
     "区委机关预算决算、“三公”经费、资产和专项经费，即人、财、物方面的权力运行情况。"),
    ("qingxi", "D01", "D", "D01", "预算决算", "Budgets and final accounts",
     "区委机关部门预算和决算。"),
    ("qingxi", "D0101", "D01", "D0101", "区委机关部门预算", "Departmental budget",
     "经区人大批准后20日内公开。"),
    ("qingxi", "D0102", "D01", "D0102", "区委机关部门决算", "Departmental final accounts",
     "经批复后20日内公开。"),
    ("qingxi", "D02", "D", "D02", "“三公”经费与资产", "Official expenses and assets",
     "因公出国（境）、公务用车、公务接待经费及机关资产。"),
    ("qingxi", "D0201", "D02", "D0201", "“三公”经费", "Official expenses",
     "“三公”经费预算和实际支出。"),
    ("qingxi", "D0202", "D02", "D0202", "公务用车与办公用房", "Official vehicles and offices",
     "公务用车配备使用和办公用房清理情况。"),
    ("qingxi", "D03", "D", "D03", "专项经费", "Earmarked funds",
     "为民服务专项经费等专项资金的分配和使用。"),
    ("qingxi", "D0301", "D03", "D0301", "为民服务专项经费", "Funds for services to residents",
     "居民区、村为民服务专项经费的分配、使用和审计情况。"),
    ("qingxi", "E", None, "E", "党费收缴使用", "Party dues",
     "党费收缴标准、收缴情况和党费使用管理。"),
    ("qingxi", "E01", "E", "E01", "党费收缴", "Collection of dues",
     "党费收缴标准和年度收缴情况。"),
    ("qingxi", "E0101", "E01", "E0101", "党费收缴标准与情况", "Standards and collection",
     "按年度公开全区党费收缴总额和按时交纳情况。"),
    ("qingxi", "E02", "E", "E02", "党费使用", "Use of dues",
     "党费下拨、使用范围和使用情况。"),
    ("qingxi", "E0201", "E02", "E0201", "党费下拨与使用", "Allocation and use",
     "区委组织部代管党费的下拨和使用明细。"),
    ("qingxi", "E0202", "E02", "E0202", "困难党员和老党员慰问", "Support for members in need",
     "使用党费走访慰问生活困难党员、老党员的对象和标准。"),
    ("qingxi", "F", None, "F", "重大项目与民生实事", "Major projects and livelihood programmes",
     "区政府实事项目、城市更新、交通和市政建设。"),
    ("qingxi", "F01", "F", "F01", "区政府实事项目", "District livelihood programme",
     "年度实事项目清单及推进情况。"),
    ("qingxi", "F0101", "F01", "F0101", "年度实事项目清单", "Annual list",
     "每年年初公开，年中、年底各通报一次进展。"),
    ("qingxi", "F0102", "F01", "F0102", "实事项目进展", "Progress of the programme",
     "实事项目的季度进展和完成情况。"),
    ("qingxi", "F02", "F", "F02", "城市更新", "Urban renewal",
     "老旧小区综合改造、加装电梯等城市更新工作。"),
    ("qingxi", "F0201", "F02", "F0201", "老旧小区综合改造", "Renovation of old estates",
     "年度改造计划、改造内容和施工安排。"),
    ("qingxi", "F0202", "F02", "F0202", "既有住宅加装电梯", "Lifts in existing buildings",
     "加装电梯的政策、补贴和推进情况。"),
    ("qingxi", "F03", "F", "F03", "交通与市政", "Transport and public works",
     "公交线网、道路和停车设施建设。"),
    ("qingxi", "F0301", "F03", "F0301", "公交线网调整", "Bus network changes",
     "公交线路新辟、调整和撤销，实施前公示不少于10天。"),
    ("qingxi", "F0302", "F03", "F0302", "道路与停车设施", "Roads and parking",
     "道路大修、停车场（库）和充电设施建设。"),
    ("qingxi", "G", None, "G", "为民服务", "Services for residents",
     "社区服务、养老助老、教育卫生和群众意见办理情况。"),
    ("qingxi", "G01", "G", "G01", "社区服务", "Community services",
     "社区事务受理和社区环境秩序。"),
    ("qingxi", "G0101", "G01", "G0101", "社区事务受理", "Community service centres",
     "社区事务受理服务中心的服务事项和时间。"),
    ("qingxi", "G0102", "G01", "G0102", "社区环境与秩序", "Neighbourhood order",
     "噪音、占道、违法搭建等问题的治理措施。"),
    ("qingxi", "G02", "G", "G02", "养老助老", "Care for the elderly",
     "社区养老服务设施和居家养老服务。"),
    ("qingxi", "G0201", "G02", "G0201", "社区长者食堂与助餐", "Meals for the elderly",
     "长者食堂、助餐点的布点、价格和补贴。"),
    ("qingxi", "G0202", "G02", "G0202", "居家养老服务", "Home care",
     "居家养老服务对象、补贴标准和服务内容。"),
    ("qingxi", "G03", "G", "G03", "教育卫生", "Education and health",
     "义务教育招生入学和基层医疗卫生服务。"),
    ("qingxi", "G0301", "G03", "G0301", "义务教育招生与学区", "School admission and catchments",
     "招生入学政策和学区划分。"),
    ("qingxi", "G0302", "G03", "G0302", "基层医疗卫生服务", "Primary health care",
     "社区卫生服务中心和家庭医生签约服务。"),
    ("qingxi", "G04", "G", "G04", "群众意见办理", "Handling of opinions",
     "党员群众意见的受理、答复和满意度情况。"),
    ("qingxi", "G0401", "G04", "G0401", "意见答复情况通报", "Reports on answers",
     "按季度通报意见数量、答复率和满意率。"),
    ("qingxi", "H", None, "H", "党风廉政建设", "Integrity and conduct",
     "党风廉政建设责任制、作风建设和监督检查情况。"),
    ("qingxi", "H01", "H", "H01", "责任制落实", "Responsibility system",
     "党风廉政建设主体责任和监督责任落实情况。"),
    ("qingxi", "H0101", "H01", "H0101", "党风廉政建设责任清单", "Responsibility lists",
     "区委领导班子及成员的年度责任清单。"),
    ("qingxi", "H02", "H", "H02", "作风建设", "Conduct",
     "作风建设和专项整治情况。"),
    ("qingxi", "H0201", "H02", "H0201", "作风建设专项整治", "Campaigns on conduct",
     "整治形式主义、官僚主义等专项工作。"),
    ("qingxi", "H03", "H", "H03", "监督检查", "Inspection",
     "党务公开督查、“回头看”和整改情况。"),
    ("qingxi", "H0301", "H03", "H0301", "党务公开督查与“回头看”", "Disclosure inspections",
     "对照督查表逐项检查党务公开的正确性和及时性。"),
    # ---- 临江街道党工委: hangs under the district's headings (三级联动)
    ("linjiang", "A", "qingxi:A02", "A", "街道党建", "Party building in the subdistrict",
     "临江街道党工委及所属居民区党组织建设情况。"),
    ("linjiang", "A01", "A", "A01", "居民区党组织", "Neighbourhood party organisations",
     "居民区党组织设置、换届和在职党员报到。"),
    ("linjiang", "A0101", "A01", "A0101", "居民区党组织换届选举", "Neighbourhood elections",
     "换届选举工作安排、候选人和选举结果。"),
    ("linjiang", "A0102", "A01", "A0102", "在职党员进社区报到", "Members registering with their community",
     "在职党员报到人数、认领项目和服务情况。"),
    ("linjiang", "B", "qingxi:F01", "B", "街道民生实事", "Subdistrict livelihood projects",
     "临江街道承接的区实事项目和街道自办实事。"),
    ("linjiang", "B01", "B", "B01", "老旧小区治理", "Old estates",
     "老旧小区加装电梯、停车和充电设施等治理项目。"),
    ("linjiang", "B0101", "B01", "B0101", "加装电梯推进", "Lift installation",
     "各小区加装电梯的意愿征询、方案公示和施工进度。"),
    ("linjiang", "B0102", "B01", "B0102", "停车与充电设施", "Parking and chargers",
     "小区停车位挖潜、错峰停车和充电桩安装。"),
    ("linjiang", "B02", "B", "B02", "社区养老", "Community elderly care",
     "长者食堂、助餐点和日间照料中心。"),
    ("linjiang", "B0201", "B02", "B0201", "助餐点运营", "Meal points",
     "助餐点的菜单、价格、补贴和就餐人数。"),
    # ---- 区教育局党委
    ("edu", "A", "qingxi:A02", "A", "教育系统党建", "Party building in schools",
     "区教育局党委和所属学校党组织建设情况。"),
    ("edu", "A01", "A", "A01", "学校党组织", "School party organisations",
     "学校党组织设置、书记任免和党员教育。"),
    ("edu", "A0101", "A01", "A0101", "学校党组织书记任免", "Appointment of school party secretaries",
     "中小学党组织书记的任免情况。"),
    ("edu", "B", "qingxi:G03", "B", "招生入学与课后服务", "Admissions and after-school care",
     "义务教育招生、学区划分和课后服务。"),
    ("edu", "B01", "B", "B01", "义务教育招生", "Compulsory education admissions",
     "招生政策、学区划分和入学办法。"),
    ("edu", "B0101", "B01", "B0101", "学区划分", "School catchments",
     "公办小学、初中学区（施教区）的划分及调整。"),
    ("edu", "B0102", "B01", "B0102", "随迁子女入学", "Admission of migrant children",
     "随迁子女入学条件和材料。"),
    ("edu", "B02", "B", "B02", "课后服务", "After-school care",
     "小学课后服务的时间、内容和收费。"),
    ("edu", "B0201", "B02", "B0201", "课后服务内容与收费", "Content and fees",
     "课后服务课程安排、收费标准和困难学生减免。"),
    # ---- 临江新村居民区党总支: hangs under the street's heading, the third tier
    ("ljxc", "A", "linjiang:A01", "A", "居民区党务公开", "Neighbourhood disclosure",
     "临江新村居民区党总支的组织生活、党费和居民区重要事务。"),
    ("ljxc", "A01", "A", "A01", "党总支工作", "Work of the general branch",
     "党员大会、组织生活和党费收缴。"),
    ("ljxc", "A0101", "A01", "A0101", "组织生活安排", "Meetings of members",
     "“三会一课”和主题党日安排。"),
    ("ljxc", "A0102", "A01", "A0102", "党费收缴公示", "Dues collected",
     "每季度公示党员交纳党费情况。"),
    ("ljxc", "A02", "A", "A02", "居民区事务", "Neighbourhood affairs",
     "居民区重要事务的议事协商和结果。"),
    ("ljxc", "A0201", "A02", "A0201", "加装电梯议事", "Deliberation on lifts",
     "各楼组加装电梯的协商会议和意见汇总。"),
]


def _headings() -> list[DemoHeading]:
    out = []
    for org, suffix, parent, code, name_zh, name_en, description in _HEADING_ROWS:
        if parent is None:
            parent_key = None
        elif ":" in parent:
            upper_org, upper_code = parent.split(":")
            parent_key = f"h-{upper_org}-{upper_code}"
        else:
            parent_key = f"h-{org}-{parent}"
        out.append(DemoHeading(f"h-{org}-{suffix}", org, parent_key, code, name_zh, name_en, description))
    return out


def H(org: str, code: str) -> str:  # noqa: N802 - a short way to name a heading key
    return f"h-{org}-{code}"


# --------------------------------------------------------------------------- users

_USERS = [
    DemoUser("admin", "demo-admin-2026", "admin", None, "系统管理员 周敏"),
    # Nobody approves their own answer: the answers the administrator writes for departments
    # without accounts of their own are approved by a second administrator.
    DemoUser("admin.deputy", "demo-admin-deputy-2026", "admin", None, "系统管理员 钱立新"),
    DemoUser("editor", "demo-editor-2026", "editor", None, "区委办公室信息科 陈晓燕"),
    DemoUser("moderator", "demo-moderator-2026", "moderator", None, "留言审核员 孙立群"),
    DemoUser("dispatcher", "demo-dispatcher-2026", "dispatcher", None, "意见分办员 何静"),
    DemoUser("supervisor", "demo-supervisor-2026", "supervisor", None, "区纪委监委督查室 吴国平"),
    DemoUser("committee", "demo-committee-2026", "committee_member", None, "区委常委 沈建华"),
    DemoUser("member", "demo-member-2026", "member", None, "党员 徐卫东"),
    DemoUser("housing.staff", "demo-housing-staff-2026", "department_staff", "housing", "区住建委 刘倩"),
    DemoUser("housing.head", "demo-housing-head-2026", "department_head", "housing", "区住建委副主任 朱海涛"),
    DemoUser("education.staff", "demo-education-staff-2026", "department_staff", "education", "区教育局 林佳"),
    DemoUser("education.head", "demo-education-head-2026", "department_head", "education",
             "区教育局副局长 郑永明"),
    DemoUser("civil.staff", "demo-civil-staff-2026", "department_staff", "civil-affairs", "区民政局 黄丽萍"),
    DemoUser("civil.head", "demo-civil-head-2026", "department_head", "civil-affairs",
             "区民政局副局长 杨志刚"),
]


# --------------------------------------------------------------------------- items

_ITEM_SPECS: list[dict] = []


def _item(key: str, heading: str, department: str, title: str, body: str, *, days: int, comment: int,
          due: int, approver: str, approval: str, scope: str = "public", carriers=("网站", "公开栏"),
          focus: Optional[str] = None, status: str = "published", comments=()) -> None:
    _ITEM_SPECS.append(dict(
        item=DemoItem(key, heading, department, title, body.strip(), scope, list(carriers), focus, status,
                      days, comment, due, approver, approval),
        comments=list(comments),
    ))


_item("it-leaders", H("qingxi", "A0101"), "party-office", "关于调整区委常委工作分工的通知",
      """
根据工作需要，经2026年7月10日区委常委会研究，对区委常委工作分工作如下调整：

- 沈建华同志：协助书记处理区委日常工作，分管组织、党建和老干部工作；
- 钱志远同志：负责区委办公室工作，分管党务公开、督查和机要保密工作；
- 罗丹同志：负责宣传思想文化工作，联系临江街道、梅园街道。

其他同志分工不变。调整后的分工自通知印发之日起执行。
""", days=128, comment=30, due=10, carriers=("文件", "网站", "公开栏"),
      approver="区委书记 王立新", approval="同意公开。",
      comments=[
          ("question", "联系临江街道的领导换成罗丹了？之前说好的老小区改造协调会还开不开？"),
          ("support", "分工写得清清楚楚，谁管什么一看就知道，有事知道找谁，这个好。"),
      ])

_item("it-rules", H("qingxi", "A0301"), "party-office", "《中共青溪区委全体会议议事规则》（2026年修订）",
      """
新修订的议事规则经2026年9月26日区委十届七次全会审议通过。主要修订内容有三项：

1. 将全区“人、财、事”方面的重大问题纳入全委会审议和决策范围，涉及500万元以上的政府投资项目须提交全委会审议；
2. 明确全委会闭会期间常委会向全委会报告工作的频次，由每年一次调整为每半年一次；
3. 重大决策事项提交审议前，应通过党务公开平台征求党员群众意见，征求意见期一般不少于10天，意见汇总情况作为审议材料一并提交。

全文共六章三十二条，党员可登录平台查阅。
""", days=55, comment=20, due=15, scope="members", carriers=("会议", "文件", "网站"),
      focus="三重一大", approver="区委副书记 沈建华", approval="同意在党员范围内公开。",
      comments=[
          ("support", "意见汇总作为审议材料一并提交，这条很实在，希望真正落实，不要走过场。"),
          ("question", "征求意见期不少于10天，是自然日还是工作日？建议写明确。",
           "您好！议事规则第十八条所称“10天”为自然日，遇法定节假日顺延。区委办公室将在配套的实施细则中予以明确。感谢您的细心。"),
          ("suggestion", "建议把全委会审议事项的表决结果也公开，至少公开通过与否和票数。"),
      ])

_item("it-catalogue", H("qingxi", "A0302"), "party-office", "中共青溪区委党务公开目录（2026年版）",
      """
2026年版目录在2024年版基础上修订，设一级目录8个、二级目录23个、三级目录41个，比上一版增加三级目录6个，主要增加了“决策前征求意见”“为民服务专项经费”“意见答复情况通报”等内容。

区教育局党委、区卫生健康委党委、各街道（镇）党（工）委的目录与区委目录衔接，实现区委、处级单位党委、基层党组织三级联动。各单位应于2026年12月31日前完成本单位目录的修订并报区委办公室备案。

目录通过青溪党建网、各街道党务信息查阅点触摸屏和社区事务受理服务中心公开窗口同步公开。
""", days=92, comment=30, due=20, carriers=("文件", "网站", "公开窗口"),
      approver="区委常委、区委办公室主任 钱志远", approval="同意公开。",
      comments=[
          ("suggestion", "目录太长了，老年人在触摸屏上点来点去找不到，能不能加一个按关键词搜索的功能？"),
          ("support", "比以前清楚多了，还能看到下面街道和学校的目录，一条线串起来。"),
          ("question", "居民区的目录也要挂上来吗？我们居委会还没接到通知。"),
      ])

_item("it-elections", H("qingxi", "A0201"), "organisation", "2026年全区居民区党组织集中换届工作安排",
      """
全区124个居民区党组织将于2026年10月至12月集中换届。换届工作分三个阶段：

| 阶段 | 时间 | 主要任务 |
| --- | --- | --- |
| 准备阶段 | 10月8日—10月31日 | 摸底调研、制定方案、审查党员名册 |
| 选举阶段 | 11月1日—12月15日 | 推荐候选人、考察、召开党员大会选举 |
| 总结阶段 | 12月16日—12月31日 | 报批、建档、培训新一届班子 |

新一届居民区党组织书记原则上应在本居民区居住或工作，年龄一般不超过60周岁，提倡书记、居委会主任“一肩挑”。候选人名单将在居民区公开栏公示5天。
""", days=60, comment=45, due=10, carriers=("文件", "网站", "公开栏", "会议"),
      approver="区委组织部部长 许文斌", approval="同意公开。",
      comments=[
          ("question", "年龄不超过60岁，那我们居民区现在的书记62了，干得很好，大家都认可，也要换掉吗？"),
          ("suggestion", "候选人公示只有5天太短了，很多上班族周末才看公开栏，建议公示期包含一个周末。"),
          ("support", "支持“一肩挑”，书记和主任一个人，居民办事少跑一趟。"),
      ])

_item("it-recruit", H("qingxi", "A0202"), "organisation", "2026年度全区发展党员工作计划",
      """
2026年全区计划发展党员380名，其中35岁以下青年占比不低于75%，生产、工作一线人员不低于60%。

计划重点在“两新”组织、教育卫生系统和居民区志愿者中发展党员。各基层党组织要严格执行“五个阶段、二十五个步骤”的程序，确定为发展对象前须听取党小组、培养联系人、党员和群众意见，并在本单位公示不少于5个工作日。
""", days=200, comment=30, due=15, scope="members", carriers=("会议", "文件"),
      approver="区委组织部部长 许文斌", approval="同意在党员范围内公开。",
      comments=[
          ("suggestion", "建议给居民区多一点名额，社区里有不少年轻志愿者表现很好，积极分子排了好几年了。"),
      ])

_item("it-pre-appointment", H("qingxi", "B0101"), "organisation", "区管干部任前公示（2026年第3批）",
      """
根据干部选拔任用有关规定，经区委常委会研究，现将拟任职人选予以公示：

| 姓名 | 现任职务 | 拟任职务 |
| --- | --- | --- |
| 马骏（男，1982年3月生） | 梅园街道党工委副书记 | 临江街道党工委书记 |
| 邵文婷（女，1985年11月生） | 区交通委综合规划科科长 | 区交通委副主任 |
| 谢永强（男，1979年6月生） | 区城管执法局临江中队中队长 | 区城管执法局副局长 |

公示时间：2026年9月14日至9月20日。对公示对象有情况反映的，可通过本平台、来信或电话（021-5555 0101）向区委组织部干部监督科反映。反映问题要实事求是，提倡署真实姓名。
""", days=75, comment=7, due=5, carriers=("网站", "公开栏", "文件"), focus="三重一大",
      approver="区委组织部部长 许文斌", approval="同意公开，照片和身份证号不上网。",
      comments=[
          ("support", "谢队长在临江中队的时候处理我们小区门口的乱设摊很负责，晚上十点多还在现场，支持。"),
          ("support", "马书记在梅园街道推加装电梯推得很好，到临江来希望把临江新村的电梯也推下去。"),
          ("question", "公示的只有简历，能不能把拟任人选的主要工作业绩也写两句？"),
      ])

_item("it-open-selection", H("qingxi", "B0103"), "organisation", "2026年青溪区公开选拔副处级领导干部公告",
      """
为拓宽选人用人视野，区委决定面向全区公开选拔副处级领导干部5名，职位为：区卫生健康委副主任、区民政局副局长、区住房和建设管理委员会副主任、梅园街道办事处副主任、石桥镇副镇长。

报名条件：中共党员，现任正科级职务2年以上，年龄一般在40周岁以下（1986年1月1日以后出生），具有大学本科以上学历。

程序为报名、资格审查、笔试、面试、组织考察、讨论决定、任前公示。报名时间为2026年10月20日至10月29日，报名表可在本平台下载。
""", days=40, comment=15, due=5, carriers=("网站", "文件", "微信群"),
      approver="区委组织部部长 许文斌", approval="同意公开，报名表附后。",
      comments=[
          ("question", "事业单位的正科级能不能报？公告里没写清楚。",
           "您好！本次公开选拔面向全区机关和事业单位的正科级干部，事业单位人员符合条件的可以报名。详细资格条件请见报名须知第三条，也可致电区委组织部干部一科咨询。"),
          ("suggestion", "40岁的年龄线卡得有点死，建议对基层一线表现突出的放宽到42岁。"),
      ])

_item("it-assessment", H("qingxi", "B0201"), "organisation", "2025年度区管领导班子和领导干部考核结果",
      """
2025年度共考核区管领导班子46个、领导干部213名。考核采取平时考核、年度述职、民主测评和个别谈话相结合的方式，民主测评共有3,860人次参加。

考核结果：领导班子“好”等次14个、“较好”等次29个、“一般”等次3个；领导干部“优秀”等次42名、“称职”等次168名、“基本称职”等次3名。对“一般”“基本称职”的班子和干部，区委组织部已逐一进行提醒谈话并督促整改。
""", days=150, comment=20, due=20, scope="internal", carriers=("会议", "文件"),
      approver="区委副书记 沈建华", approval="限机关内部公开，个人名单不公开。")

_item("it-spot-check", H("qingxi", "B0202"), "organisation", "2026年领导干部个人有关事项报告抽查核实情况",
      """
2026年随机抽查区管领导干部43名，重点抽查拟提拔、拟进一步使用人选27名，共70名。核实一致的61名，占87.1%；不一致的9名，均为漏报房产或理财产品，情节较轻，已按规定进行批评教育，其中2名暂缓提拔。
""", days=30, comment=10, due=15, scope="internal", carriers=("会议", "文件"),
      approver="区委副书记 沈建华", approval="限机关内部公开，隐去个人姓名。")

_item("it-sc-decisions", H("qingxi", "C0101"), "party-office", "区委常委会2026年第三季度重大决策事项",
      """
2026年7月至9月，区委常委会共召开会议9次，研究议题47项，其中“三重一大”事项21项。主要决策事项有：

- 审议通过《青溪区老旧小区综合治理三年行动计划（2026—2028年）》，三年改造老旧小区86个、约1.2万户；
- 同意滨江公园东侧地块实施环卫综合设施项目，投资约4,600万元；
- 研究确定2027年民生实事项目征集工作方案；
- 研究区管干部任免事项3批次，涉及干部18名。

各事项的执行情况将在第四季度通报中公开。
""", days=45, comment=20, due=15, carriers=("会议", "文件", "网站"), focus="三重一大",
      approver="区委常委、区委办公室主任 钱志远", approval="同意公开，干部任免事项另行公开。",
      comments=[
          ("question", "滨江公园东侧的环卫综合设施，是不是就是望江路那个垃圾中转站？常委会决定之前征求过周边居民意见吗？"),
          ("support", "老旧小区三年改86个，力度很大，希望我们梅园三村排进第一批。"),
      ])

_item("it-practical-solicit", H("qingxi", "C0102"), "party-office", "关于征集2027年区政府实事项目建议的公告",
      """
为让实事项目更贴近群众需求，现面向全区党员群众征集2027年实事项目建议。征集时间为2026年11月1日至11月30日。

建议可围绕养老助餐、托育、停车、加装电梯、公交出行、社区卫生、为老服务等方面提出，请写明具体地点和需求。可通过本平台、各街道党务信息查阅点触摸屏或发送短信至10690001234提交。征集结果将汇总后提交区委常委会审议，采纳情况将于2027年1月底前公开。
""", days=27, comment=33, due=5, carriers=("网站", "短信", "微博", "微信群", "公开栏"),
      approver="区委常委、区委办公室主任 钱志远", approval="同意公开，请各街道同步在公开栏张贴。",
      comments=[
          ("suggestion", "建议在桂香街道建一个24小时的社区卫生服务点，晚上孩子发烧只能跑中心医院急诊，太远了。"),
          ("suggestion", "希望把石桥镇到区中心医院的公交加密，现在半小时一班，老人看病等车等得心焦。"),
          ("suggestion", "梅园三村没有一个像样的托育点，双职工家庭的小孩没人带，建议办一个普惠托育点。"),
          ("suggestion", "建议所有老小区统一装楼道声控灯，很多楼道晚上漆黑一片，老人摔跤的不少。"),
          ("support", "这种征集很好，比拍脑袋定项目强，希望明年1月真的能看到采纳了哪些。"),
      ])

_item("it-transfer-station", H("qingxi", "C0201"), "urban-management", "望江路生活垃圾压缩中转站（环卫综合设施）项目选址公示",
      """
为解决临江、梅园两个街道生活垃圾转运能力不足的问题，区城管执法局拟在望江路以东、滨江公园东侧地块建设生活垃圾压缩中转站一座，设计规模日转运150吨，总投资约4,600万元。

- 选址：望江路1288号东侧，用地面积约6,800平方米；
- 工艺：全封闭水平压缩，配套除臭、污水预处理和降噪设施；
- 建设周期：2027年3月至2028年6月。

项目环境影响评价正在编制中，距最近住宅楼约85米，满足卫生防护距离要求。公示期为2026年10月29日至11月27日，对选址有意见的可通过本平台提出。
""", days=30, comment=30, due=10, carriers=("网站", "公开栏", "公开窗口"), focus="三重一大",
      approver="区城管执法局局长 孔德明", approval="同意公开，环评结论出来后另行公示。",
      comments=[
          ("question", "85米是从哪里量到哪里？是到围墙还是到压缩车间？能不能公布平面图？"),
          ("suggestion", "既然一定要建，建议把车辆进出口放在东面的规划路上，不要走望江路，早上送孩子的车太多。"),
          ("question", "除臭设施是什么标准？建成以后有没有在线监测，数据能不能公开？"),
          ("support", "现在临江那个老中转站露天作业才是真的臭，新站全封闭，我支持建，早建早好。"),
          ("suggestion", "建议选址论证时开一次听证会，把周边三个小区的业主代表请来，有话当面说。"),
          ("oppose", "滨江公园是全区最好的一块绿地，在公园边上建垃圾站，实在想不通。"),
      ])

_item("it-hospital-tender", H("qingxi", "C0202"), "health", "区第二中心医院新建工程施工总承包招标结果公示",
      """
区第二中心医院新建工程位于石桥镇青溪大道南侧，设置床位600张，总建筑面积约9.8万平方米。经公开招标，确定中标人如下：

| 项目 | 内容 |
| --- | --- |
| 中标人 | 青溪建工集团有限公司 |
| 中标价 | 4.37亿元 |
| 工期 | 900日历天 |
| 项目经理 | 方志强 |

公示期为3个工作日。投标人或其他利害关系人对中标结果有异议的，应在公示期内提出。
""", days=95, comment=5, due=3, carriers=("网站",), focus="三重一大",
      approver="区卫生健康委主任 韩雪梅", approval="同意公开。",
      comments=[
          ("question", "二中心医院什么时候能开业？石桥这边看病真的太不方便了。"),
          ("support", "终于开工了，石桥的老百姓等了好多年了。"),
      ])

_item("it-large-sums", H("qingxi", "C0301"), "party-office", "2026年第三季度区委常委会审议大额资金使用事项",
      """
第三季度区委常委会审议大额资金使用事项5项，合计1.27亿元：老旧小区综合治理首批项目6,850万元；长者食堂新建及改造补贴1,320万元；区第二中心医院开办费首期2,000万元；公交场站改造930万元；居民区为民服务专项经费追加1,600万元。

以上事项均经区财政局审核、法律顾问审查，常委会集体研究决定，会议纪要已存档备查。
""", days=42, comment=15, due=15, scope="internal", carriers=("会议", "文件"), focus="人财物",
      approver="区委常委、区委办公室主任 钱志远", approval="限机关内部公开，待预算调整批复后再向社会公开。")

_item("it-invest-plan", H("qingxi", "C0302"), "party-office", "2027年区政府投资项目计划及资金安排（草案）",
      """
2027年拟安排政府投资项目58个，计划投资19.6亿元，其中续建项目31个、新开工项目27个。重点安排老旧小区综合治理、区第二中心医院、学校新改扩建和公交场站建设。

草案待区委常委会审议后公开征求意见。
""", days=3, comment=20, due=10, status="draft", carriers=("网站", "文件"), focus="三重一大",
      approver="区委常委、区委办公室主任 钱志远", approval="待常委会审议后再定公开范围。")

_item("it-budget", H("qingxi", "D0101"), "party-office", "2026年中共青溪区委机关部门预算",
      """
2026年区委机关部门预算收入、支出均为1.84亿元，比2025年减少3.2%，主要是压减一般性支出。

| 科目 | 金额（万元） | 占比 |
| --- | --- | --- |
| 基本支出（人员经费、日常公用） | 11,230 | 61.0% |
| 项目支出 | 6,420 | 34.9% |
| 其中：为民服务专项 | 3,100 | 16.8% |
| 机关运行保障 | 750 | 4.1% |

“三公”经费预算合计186万元，比上年减少9.3%。
""", days=240, comment=30, due=20, carriers=("网站", "文件"), focus="人财物",
      approver="区委常委、区委办公室主任 钱志远", approval="同意公开。",
      comments=[
          ("question", "机关运行保障750万，具体是哪些开支？能不能再细一点？"),
          ("support", "连续两年压减一般性支出，点赞，钱要花在老百姓身上。"),
      ])

_item("it-official-expenses", H("qingxi", "D0201"), "party-office", "2025年度区委机关“三公”经费支出情况",
      """
2025年区委机关“三公”经费支出合计168.4万元，比预算数少36.6万元。

| 项目 | 预算数（万元） | 决算数（万元） |
| --- | --- | --- |
| 因公出国（境）费 | 25.0 | 12.8 |
| 公务用车购置及运行费 | 132.0 | 118.3 |
| 公务接待费 | 48.0 | 37.3 |

公务用车运行费减少的主要原因是推行公务用车平台化管理，车辆由38辆减少到31辆；公务接待共计214批次、2,630人次。
""", days=100, comment=30, due=20, carriers=("网站", "公开栏"), focus="人财物",
      approver="区委常委、区委办公室主任 钱志远", approval="同意公开。",
      comments=[
          ("support", "表格一目了然，出国费少了一半，这个要表扬。"),
          ("question", "公务接待214批次，平均一次12个人，接待的都是哪些单位？标准是多少？"),
          ("oppose", "31辆车还是太多了，现在打车这么方便，建议继续压减。"),
      ])

_item("it-vehicles", H("qingxi", "D0202"), "party-office", "区委机关公务用车配备使用和办公用房清理情况",
      """
截至2026年9月底，区委机关共有公务用车31辆，其中机要通信用车4辆、应急保障用车6辆、平台调度用车21辆。2026年1—9月平台用车共派车4,112次。

办公用房清理后，人均使用面积为14.6平方米，腾退的1,280平方米已移交区机关事务管理局，其中600平方米改建为临江街道党群服务中心。
""", days=35, comment=10, due=20, scope="internal", carriers=("文件",), focus="人财物",
      approver="区委常委、区委办公室主任 钱志远", approval="限机关内部公开。")

_item("it-service-funds", H("qingxi", "D0301"), "organisation", "2026年居民区为民服务专项经费分配和使用情况",
      """
2026年全区124个居民区每个居民区安排为民服务专项经费20万元，合计2,480万元，年中追加1,600万元用于加装电梯前期协调和楼道微更新。

截至10月底已使用2,970万元，主要用于：楼道照明和扶手改造1,143处，为独居老人安装紧急呼叫设备2,300户，组织各类邻里活动3,400余场。每个居民区的使用明细在本居民区公开栏公开，接受居民监督。
""", days=20, comment=30, due=15, carriers=("网站", "公开栏", "会议"), focus="人财物",
      approver="区委组织部部长 许文斌", approval="同意公开，各居民区明细同步上墙。",
      comments=[
          ("question", "我们居民区的公开栏上只贴了总数，没有明细，去哪里看？"),
          ("support", "楼道扶手装了以后我妈上下楼方便多了，谢谢。"),
          ("suggestion", "建议每个居民区请居民代表一起决定钱怎么花，别都是居委会说了算。"),
      ])

_item("it-dues", H("qingxi", "E0101"), "organisation", "2025年度全区党费收缴情况",
      """
2025年全区共有党员41,682名，应交党费党员41,305名，全年收缴党费2,316.8万元，按时足额交纳率98.9%。

未按时交纳的主要是流动党员和长期患病党员，已由所在党组织逐一联系。党费收缴情况每季度在党员所在支部公开，全年无挪用、截留党费的情况。
""", days=180, comment=30, due=30, scope="members", carriers=("会议", "文件"), focus="人财物",
      approver="区委组织部部长 许文斌", approval="同意在党员范围内公开。",
      comments=[
          ("question", "退休党员的党费基数是按养老金算吗？我们支部有的同志按工资算的，多交了。",
           "您好！退休党员以本人基本养老金、职业年金等月收入为基数，按规定比例交纳。如有多交情况，请与所在支部联系，由支部核实后按规定处理。"),
      ])

_item("it-dues-use", H("qingxi", "E0201"), "organisation", "2026年上半年区委组织部代管党费使用情况",
      """
2026年上半年使用代管党费386.5万元，其中：

1. 党员教育培训148.2万元，培训党员2.1万人次；
2. 补助基层党组织开展活动96.0万元，覆盖党组织412个；
3. 慰问生活困难党员和老党员1,217名，支出109.5万元；
4. 补助党员活动阵地建设32.8万元。

支出明细已报上级党委组织部备案。
""", days=120, comment=30, due=30, carriers=("网站", "会议"), focus="人财物",
      approver="区委组织部部长 许文斌", approval="同意公开。",
      comments=[
          ("support", "每一笔都有去向，党员看了放心。"),
      ])

_item("it-visits", H("qingxi", "E0202"), "organisation", "2027年元旦春节走访慰问困难党员和老党员工作安排",
      """
2027年元旦春节期间，拟使用党费走访慰问生活困难党员、老党员约1,300名，慰问标准为每人1,000元至2,000元，“光荣在党50年”党员由区级领导上门走访。名单由各基层党组织提出，经党员大会讨论后在本支部公示。
""", days=2, comment=20, due=10, status="draft", carriers=("会议", "文件"), focus="人财物",
      approver="区委组织部部长 许文斌", approval="慰问名单不上网，待区委审定标准后公开。")

_item("it-practical-list", H("qingxi", "F0101"), "party-office", "2026年青溪区政府实事项目清单",
      """
2026年区政府实事项目共10项，由区人大代表票决产生：

| 序号 | 项目 | 目标 | 责任部门 |
| --- | --- | --- | --- |
| 1 | 老旧小区综合改造 | 改造32个小区 | 区住建委 |
| 2 | 既有住宅加装电梯 | 完工120台 | 区住建委 |
| 3 | 长者食堂和助餐点 | 新建10家 | 区民政局 |
| 4 | 居住区充电桩 | 新增1,500个 | 区住建委 |
| 5 | 公交线网优化 | 调整线路6条 | 区交通委 |
| 6 | 小学课后服务 | 全覆盖 | 区教育局 |
| 7 | 家庭医生签约 | 签约率达40% | 区卫生健康委 |
| 8 | 社区嵌入式养老 | 新增床位200张 | 区民政局 |
| 9 | 口袋公园 | 新建8个 | 区城管执法局 |
| 10 | 夜间噪音治理 | 建立重点区域巡查机制 | 区城管执法局 |

每季度通报一次进展。
""", days=300, comment=60, due=15, carriers=("网站", "公开栏", "微博", "微信群"),
      approver="区委常委、区委办公室主任 钱志远", approval="同意公开。",
      comments=[
          ("support", "10件事件件都是老百姓身边的事，希望年底都能兑现。"),
          ("question", "口袋公园8个分别在哪里？我们桂香街道有没有？"),
      ])

_item("it-practical-progress", H("qingxi", "F0102"), "party-office", "2026年区政府实事项目第三季度进展",
      """
截至9月30日，10项实事项目中已完成2项、基本完成3项、按计划推进5项：老旧小区改造已完工19个；加装电梯完工74台、在建38台；长者食堂新建6家，另4家正在装修；充电桩新增1,126个；公交线路已调整4条，17路、青溪3路调整方案正在公示。

加装电梯和长者食堂进度略慢于序时，主要原因是部分楼组意见不统一和选址调整，区住建委、区民政局已制定专项推进计划。
""", days=50, comment=30, due=15, carriers=("网站", "公开栏"),
      approver="区委常委、区委办公室主任 钱志远", approval="同意公开。",
      comments=[
          ("question", "加装电梯完工74台，临江新村一台都没有，是不是把我们漏了？"),
          ("support", "进度写得很实在，慢了就说慢了，还说了原因，这种通报我愿意看。"),
      ])

_item("it-old-estates", H("qingxi", "F0201"), "housing", "2026年老旧小区综合改造计划（第二批）",
      """
第二批老旧小区综合改造涉及梅园三村、桂香苑、石桥花园等13个小区、4,860户，计划2026年12月开工、2027年6月完工。改造内容包括：屋面防水和外墙修缮、雨污分流、楼道粉刷和照明、非机动车棚和充电设施、无障碍坡道等。

施工前各小区将召开居民听证会，确定“菜单式”改造内容；施工期间每个小区设现场接待点，实行“一楼一联系人”。
""", days=25, comment=30, due=10, carriers=("网站", "公开栏", "会议"),
      approver="区住建委主任 罗建国", approval="同意公开。",
      comments=[
          ("question", "梅园三村屋顶漏水好几年了，改造能不能先做屋面？等到明年雨季就来不及了。"),
          ("suggestion", "外墙修缮别只刷一层涂料，上次改造三年就起皮了，建议严格验收，质保期写进合同。"),
          ("support", "终于轮到桂香苑了，全小区都盼着呢。"),
          ("question", "改造期间空调外机要不要移？费用谁出？"),
      ])

_item("it-lift-subsidy", H("qingxi", "F0202"), "housing", "青溪区既有多层住宅加装电梯补贴办法（2026年修订）",
      """
修订后的办法自2026年10月1日起施行。主要变化：

- 区级补贴由每台24万元提高到每台28万元，市区两级合计最高可达每台50万元；
- 同意率由“三分之二以上业主同意”调整为按《民法典》规定，经参与表决专有部分面积四分之三以上且人数四分之三以上同意；
- 允许使用住宅专项维修资金支付业主应分摊的费用；
- 一楼业主可获得由加装电梯楼组协商的补偿，街道提供调解。

各街道设立加装电梯服务窗口，提供政策咨询、设计对接和协调服务。
""", days=58, comment=30, due=15, carriers=("网站", "文件", "公开窗口"),
      approver="区住建委主任 罗建国", approval="同意公开，请各街道同步在服务窗口放置宣传册。",
      comments=[
          ("support", "补贴提到28万，我们楼算下来每户出不到两万了，大家积极性高多了。"),
          ("question", "维修资金怎么提取？需要全楼同意还是只要本单元同意？"),
          ("suggestion", "建议区里统一招几家电梯公司做框架协议，价格透明一点，免得各楼自己去谈被宰。"),
      ])

_item("it-bus", H("qingxi", "F0301"), "transport", "关于调整公交17路、青溪3路线路走向的公示",
      """
为配合地铁9号线青溪大道站开通，拟对以下两条公交线路进行调整：

1. **17路**：由“石桥镇—区中心医院”调整为“石桥镇—地铁青溪大道站”，取消梅园路（梅园三村）、文化路两站，改走青溪大道，全程缩短2.3公里；
2. **青溪3路**：延伸至临江新村，新增沿江路望江路、临江新村两站，高峰班次由12分钟加密至8分钟。

拟于2026年12月20日起实施。公示期为2026年11月18日至11月30日。
""", days=10, comment=12, due=10, carriers=("网站", "公开栏", "微博", "短信"),
      approver="区交通委主任 陆晓峰", approval="同意公开，请公交公司在相关站点张贴告示。")

_item("it-road", H("qingxi", "F0302"), "transport", "青溪大道（望江路—沿江路）道路大修及夜间施工公告",
      """
青溪大道望江路至沿江路段长约1.6公里，路面破损严重。大修工程定于2026年10月10日至12月25日实施，分两个阶段半幅施工，施工期间双向各保留一条机动车道。

铣刨和摊铺作业集中在22:00至次日5:00进行，期间采取低噪音设备和围挡降噪措施。途经公交17路、青溪5路部分站点临时迁移，具体位置见站点告示。施工单位24小时联系电话：021-5555 0388。
""", days=52, comment=60, due=5, carriers=("网站", "公开栏", "短信", "微博"),
      approver="区交通委主任 陆晓峰", approval="同意公开，夜间施工须提前3天告知周边小区。",
      comments=[
          ("oppose", "晚上十点到五点施工，铣刨机的声音整条路都听得到，我家就在青溪大道边上，已经连续一个礼拜睡不好了！"),
          ("question", "公告说12月25号完工，现在看进度能按时完成吗？"),
          ("suggestion", "施工围挡把非机动车道占了，电瓶车只能跟汽车抢道，很危险，建议留出非机动车通道。",
           "您好！经现场核实，青溪大道东侧围挡确实占用了非机动车道，我委已要求施工单位于3日内调整围挡，留出不少于2.5米的非机动车通道，并增设引导标志。感谢您的提醒。"),
      ])

_item("it-service-centre", H("qingxi", "G0101"), "civil-affairs", "各街道社区事务受理服务中心实行延时和周末服务的公告",
      """
自2026年11月1日起，全区6个社区事务受理服务中心实行“工作日延时、周六不打烊”：工作日服务时间延长至19:00，周六9:00—16:00提供养老服务、医保、居住证等高频事项的办理。

临江、梅园两个中心试点“一窗通办”，居民在任一窗口即可办理127项事项。
""", days=28, comment=30, due=5, carriers=("网站", "公开栏", "公开窗口", "微信群"),
      approver="区民政局局长 唐秀英", approval="同意公开。",
      comments=[
          ("support", "周六能办事太好了，上班族再也不用请假了。"),
          ("question", "桂香街道的中心周六开不开？公告里说6个中心，怎么我去了是关门的？"),
      ])

_item("it-night-activities", H("qingxi", "G0102"), "urban-management", "梅园广场、滨江公园夜间文体活动管理办法（试行）",
      """
为兼顾居民健身需求和周边居民休息，区城管执法局会同梅园、临江街道制定本办法，试行期一年：

- 梅园广场、滨江公园夜间文体活动时间为18:30至21:00，21:00以后不得使用扩音设备；
- 广场舞等活动音量在最近住宅外不超过55分贝，每个活动团队须登记负责人；
- 梅园广场东侧靠近住宅楼的区域不设活动点，活动点移至广场西侧；
- 城管执法、公安派出所和街道每晚开展联合巡查，对屡劝不改的依法处理。

试行期间欢迎居民提出意见。
""", days=38, comment=40, due=10, carriers=("网站", "公开栏", "微信群"),
      approver="区城管执法局局长 孔德明", approval="同意公开，请街道同步在广场设置告示牌。")

_item("it-canteens", H("qingxi", "G0201"), "civil-affairs", "2026年新建社区长者食堂（助餐点）选址公示",
      """
根据2026年区政府实事项目安排，拟新建社区长者食堂4家、助餐点6个，选址如下：

| 街道 | 名称 | 地址 | 座位数 |
| --- | --- | --- | --- |
| 临江街道 | 临江长者食堂 | 沿江路560号（原菜场二楼） | 80 |
| 梅园街道 | 梅园长者食堂 | 梅园路213号 | 100 |
| 桂香街道 | 桂香长者食堂 | 文化路88弄2号 | 60 |
| 石桥镇 | 石桥长者食堂 | 石桥老街15号 | 60 |
| 临江街道 | 望江助餐点 | 望江社区睦邻中心一楼 | 30 |

（其余5个助餐点见附件。）60周岁以上老人凭本人身份证或社保卡就餐，一荤两素一汤定价15元，80周岁以上老人每餐补贴4元，低保、低收入老人每餐补贴8元。
""", days=33, comment=30, due=10, carriers=("网站", "公开栏", "公开窗口"),
      approver="区民政局局长 唐秀英", approval="同意公开，附件一并上网。")

_item("it-home-care", H("qingxi", "G0202"), "civil-affairs", "关于调整居家养老服务补贴标准的通知",
      """
自2027年1月1日起，经评估为照护二级至六级的居家老人，服务补贴标准由每月每人300—900元提高到400—1,100元。低保、低收入家庭老人在此基础上再增加20%。

申请人可到所在街道社区事务受理服务中心或通过本平台提出评估申请，评估结果在10个工作日内告知。
""", days=14, comment=30, due=10, carriers=("网站", "文件", "公开窗口", "短信"),
      approver="区民政局局长 唐秀英", approval="同意公开。",
      comments=[
          ("support", "补贴涨了，我爸是照护四级，每个月多两百块，谢谢政府。"),
          ("question", "评估等级是终身的吗？我妈去年评的二级，现在身体差多了，能不能重新评？",
           "您好！照护等级评估有效期一般为2年。老人身体状况明显变化的，可随时申请复评，不受有效期限制。请携带老人身份证、近期病历到所在街道社区事务受理服务中心提出申请，我们会在受理后10个工作日内安排评估员上门。"),
          ("suggestion", "申请流程能不能在手机上办？老人腿脚不方便，子女上班没空跑。"),
      ])

_item("it-school-district", H("edu", "B0101"), "education", "2027年公办小学学区划分调整方案（征求意见稿）",
      """
随着临江新村、江畔名邸等小区入住人口增加，区实验小学学位持续紧张，2026年一年级招生超过核定班额3个班。为均衡学位，拟对以下学区进行调整：

| 小区 | 原对口学校 | 调整后对口学校 |
| --- | --- | --- |
| 临江新村1—40号 | 区实验小学 | 临江第二小学 |
| 江畔名邸 | 区实验小学 | 临江第二小学 |
| 梅园三村 | 梅园路小学 | 区实验小学 |

调整自2027年秋季招生起执行，已在原对口学校就读的学生及其弟妹不受影响。临江第二小学2026年起与区实验小学实行紧密型集团化办学，共享师资和课程。征求意见期为2026年11月13日至12月12日。
""", days=15, comment=30, due=10, carriers=("网站", "公开栏", "微信群", "会议"),
      approver="区教育局党委书记 方晓东", approval="同意公开征求意见，意见汇总后报区委常委会审议。")

_item("it-afterschool", H("edu", "B0201"), "education", "2026学年小学课后服务安排及收费标准",
      """
全区42所公办小学在每个教学日16:00—17:30提供课后服务，内容包括作业辅导、体育锻炼、兴趣社团等，每学期收费300元，低保家庭和残疾学生免费。

有特殊需要的家庭可申请延时至18:00，由学校安排值守老师。家长可通过学校公众号查看每周的社团安排。
""", days=80, comment=30, due=10, carriers=("网站", "微信群"),
      approver="区教育局党委书记 方晓东", approval="同意公开。",
      comments=[
          ("suggestion", "课后服务基本就是在教室写作业，能不能多安排点体育活动？孩子一天坐到晚。"),
          ("question", "延时到18:00要不要另外交钱？学校说法不一样。"),
          ("support", "有了课后服务，双职工家庭终于不用请爷爷奶奶专门来接了。"),
      ])

_item("it-school-secretary", H("edu", "A0101"), "education", "关于区实验小学、青溪中学党组织书记任免的通知",
      """
经区教育局党委2026年8月20日会议研究决定：张慧同志任区实验小学党支部书记；刘国庆同志任青溪中学党总支书记，不再担任青溪中学副校长。
""", days=95, comment=10, due=10, carriers=("文件", "网站"), focus="三重一大",
      approver="区教育局党委书记 方晓东", approval="同意公开。")

_item("it-family-doctor", H("qingxi", "G0302"), "health", "家庭医生签约服务“1+1+1”组合签约公告",
      """
居民可选择1名社区卫生服务中心的家庭医生，再加1家区级医院和1家市级医院组合签约。签约后可享受优先预约专家门诊、慢性病长处方（一次最多配12周的药）、延伸处方和上门访视等服务。

截至2026年10月底，全区签约居民31.6万人，签约率38.2%。65岁以上老人签约可免费享受每年一次体检。梅园社区卫生服务中心、临江社区卫生服务中心周六上午开设家庭医生门诊。
""", days=22, comment=30, due=10, carriers=("网站", "公开栏", "短信", "微信群"),
      approver="区卫生健康委主任 韩雪梅", approval="同意公开。",
      comments=[
          ("support", "长处方太方便了，高血压的药一次配三个月，不用每个月跑。"),
          ("question", "签了家庭医生以后，去其他社区医院看病还能报销吗？"),
          ("oppose", "签约了一年家庭医生一次电话都没打过，签约率是怎么统计出来的？"),
          ("suggestion", "建议临江社区卫生服务中心增加一个周日的门诊，周六人太多了，排队排一上午。"),
      ])

_item("it-answers-report", H("qingxi", "G0401"), "party-office", "2026年第三季度党员群众意见办理情况通报",
      """
第三季度平台共收到意见4,126件，其中网站2,871件、触摸屏查阅点812件、短信443件。已答复3,958件，答复率95.9%；按时答复率91.2%；对答复的满意率为86.4%。

意见较集中的问题依次为：加装电梯（612件）、停车难（437件）、夜间噪音（398件）、学位和学区（285件）、公交出行（241件）。超时答复的168件中，区住建委43件、区交通委31件，已约谈相关部门分管负责人。
""", days=48, comment=30, due=15, carriers=("网站", "公开栏", "会议"),
      approver="区委常委、区委办公室主任 钱志远", approval="同意公开。",
      comments=[
          ("support", "连超时的部门都点名了，这个通报有分量。"),
          ("question", "满意率86.4%，不满意的那些后来怎么处理？会不会重新答复？"),
      ])

_item("it-burden", H("qingxi", "H0201"), "party-office", "整治形式主义为基层减负专项工作情况",
      """
2026年以来，全区精简发文21%、会议18%；清理居民区各类台账由46类减少到12类，取消考核中的“留痕”类指标9项；整合政务微信群和工作APP，居民区干部使用的工作群由人均37个减少到9个。

下一步将建立“基层减负观察点”，在临江新村、梅园三村等8个居民区定期听取居民区干部意见。
""", days=65, comment=30, due=15, carriers=("网站", "会议"),
      approver="区委常委、区委办公室主任 钱志远", approval="同意公开。",
      comments=[
          ("support", "台账从46类减到12类，居委会的同志终于有时间下楼道了，这是真的减负。"),
          ("question", "工作群减到9个是平均数吧？我们居委会小王手机里还有二十几个群。"),
      ])

_item("it-lookback", H("qingxi", "H0301"), "party-office", "2026年党务公开“回头看”督查情况通报",
      """
9月至10月，区纪委监委会同区委办公室，对照7个方面20条督查内容，采取网上检查、电话抽查、现场督查相结合的方式，对全区412个基层党组织的党务公开情况开展“回头看”。

检查结果：公开覆盖率99.3%；公开内容准确、及时的占94.6%；发现问题57个，主要是公开栏内容更新不及时（29个）、财务公开过于笼统（18个）、未按规定立卷存档（10个）。问题清单已反馈各单位，整改情况将于12月底前“回头看”复查。
""", days=18, comment=30, due=15, carriers=("网站", "文件", "会议"),
      approver="区纪委副书记 蒋玉华", approval="同意公开，各单位整改情况下一期通报。",
      comments=[
          ("support", "查出问题还列出来，说明不是走形式。"),
          ("suggestion", "财务公开过于笼统的问题很普遍，建议区里给一个统一的公开模板，照着填。"),
      ])

_item("it-lj-elections", H("linjiang", "A0101"), "organisation", "临江街道居民区党组织换届选举结果公告",
      """
临江街道18个居民区党组织已于2026年11月20日前全部完成换届选举。新当选的18名书记中，“一肩挑”15名，平均年龄46.3岁，大专以上学历占88.9%。临江新村居民区党总支书记由高建军同志连任，望江社区党支部书记由王晓丽同志担任。
""", days=6, comment=20, due=5, carriers=("网站", "公开栏"),
      approver="临江街道党工委书记 马骏", approval="同意公开。",
      comments=[
          ("support", "高书记连任好！临江新村的事他门儿清。"),
      ])

_item("it-lj-elevator", H("linjiang", "B0101"), "housing", "临江新村既有多层住宅加装电梯推进方案（征求意见稿）",
      """
临江新村建于1992年，共56幢六层住宅、142个单元、1,704户，60岁以上居民占41%。目前已有23个单元完成意愿征询，其中11个单元同意率达到法定要求。

方案拟分三批推进：2026年12月启动第一批11台；2027年上半年启动第二批约20台；其余单元根据意愿成熟情况推进。街道设加装电梯工作室（临江新村居委会二楼，每周二、四下午接待），配备设计、法律顾问和调解员，协调低层住户的采光、噪音和补偿问题。

| 楼层 | 参考分摊比例 |
| --- | --- |
| 一楼 | 0% |
| 二楼 | 8% |
| 三楼 | 16% |
| 四楼 | 22% |
| 五楼 | 26% |
| 六楼 | 28% |

分摊比例仅供参考，以各单元业主协商一致为准。
""", days=40, comment=45, due=10, carriers=("网站", "公开栏", "会议", "微信群"),
      approver="临江街道党工委书记 马骏", approval="同意公开，各楼组长会议上同步通报。")

_item("it-lj-parking", H("linjiang", "B0102"), "housing", "锦绣华庭小区停车位挖潜及充电桩安装方案公示",
      """
锦绣华庭共有住户960户，现有地面停车位310个，车辆约720辆，夜间停车缺口大，消防通道经常被占。经业委会、物业和居委会三方协商，拟：

1. 将小区北侧绿地改建为生态停车位62个（绿地补偿面积在南侧屋顶平台）；
2. 与相邻的临江商务楼签订错峰停车协议，夜间19:00至次日7:30提供车位120个，月租250元；
3. 在地面停车区安装新能源汽车充电桩40个（其中快充8个），由第三方运营。

费用约186万元，拟使用住宅专项维修资金120万元，其余申请区级补贴。
""", days=24, comment=30, due=10, carriers=("网站", "公开栏", "微信群"),
      approver="区住建委主任 罗建国", approval="同意公开，业主表决结果出来后另行公示。")

_item("it-lj-meals", H("linjiang", "B0201"), "civil-affairs", "望江助餐点10月运营情况",
      """
望江助餐点10月共供餐3,846人次，日均124人次，其中80岁以上老人占37%。送餐上门41户，主要为独居和行动不便的老人。

10月菜单满意度测评共回收问卷210份，“满意”和“比较满意”占89%。老人们反映较多的是“菜偏咸”“希望多一点鱼”，11月起已调整菜谱，每周增加两次鱼类。
""", days=16, comment=30, due=10, carriers=("公开栏", "网站"),
      approver="临江街道党工委副书记 潘晓", approval="同意公开。",
      comments=[
          ("support", "我妈天天去吃，说比自己烧得好，还有人陪着说说话。"),
          ("suggestion", "送餐上门能不能扩大到70岁以上独居的？我们楼上的阿婆腿不好，又不满80。"),
      ])

_item("it-ljxc-meeting", H("ljxc", "A0101"), "organisation", "临江新村居民区党总支2026年12月组织生活安排",
      """
12月主题党日定于12月10日（周四）下午2点在居委会二楼会议室举行，内容为学习全会精神、讨论加装电梯第一批推进中党员带头做好协调工作。年老体弱的党员可线上参加，请各党小组长提前统计人数。
""", days=4, comment=10, due=5, scope="members", carriers=("会议", "微信群", "公开栏"),
      approver="临江新村居民区党总支书记 高建军", approval="同意在党员范围内公开。",
      comments=[
          ("suggestion", "建议请低层住户代表也来听一听，党员带头做工作，光在党员里讲不够。"),
      ])

_item("it-ljxc-dues", H("ljxc", "A0102"), "organisation", "临江新村居民区党总支2026年第三季度党费收缴公示",
      """
第三季度党总支应交党费党员186名，实交186名，收缴党费21,460元，已全额上缴街道党工委。4名长期卧床的老党员由党小组长上门代收，并当面开具收据。
""", days=55, comment=15, due=10, scope="members", carriers=("公开栏", "会议"), focus="人财物",
      approver="临江新村居民区党总支书记 高建军", approval="同意在党员范围内公开。")

_item("it-ljxc-lift-talks", H("ljxc", "A0201"), "housing", "临江新村第一批加装电梯楼组协商会议情况（草稿）",
      """
11月以来，居民区在11个单元召开楼组协商会议23场，参会业主312人次。已有8个单元就费用分摊达成一致，3个单元的一楼住户仍有顾虑，主要是采光和电梯井贴近卧室窗户的问题。居委会将会同设计单位出具采光分析报告。
""", days=1, comment=20, due=5, status="draft", carriers=("会议", "公开栏"),
      approver="临江新村居民区党总支书记 高建军", approval="隐去住户门牌号后公开。")


# --------------------------------------------------------------------------- hot issues

_HOT_ISSUES = [
    DemoHotIssue("hi-elevator", "临江新村加装电梯", "housing", "it-lj-elevator", "cluster"),
    DemoHotIssue("hi-dance", "梅园广场、滨江公园夜间广场舞噪音", "urban-management", "it-night-activities", "cluster"),
    DemoHotIssue("hi-parking", "锦绣华庭停车难和充电桩", "housing", "it-lj-parking", "cluster"),
    DemoHotIssue("hi-canteen", "新建社区长者食堂（助餐点）", "civil-affairs", "it-canteens", "cluster"),
    DemoHotIssue("hi-school", "临江新村、江畔名邸学区调整", "education", "it-school-district", "cluster"),
    DemoHotIssue("hi-bus", "公交17路改线取消梅园路站", "transport", "it-bus", "cluster"),
    DemoHotIssue("hi-transfer-campaign", "反对望江路垃圾中转站选址（联名信）", "urban-management",
                 "it-transfer-station", "campaign"),
]

# For every cluster: the number of opinions, the share of them left without an item
# (general opinions on the same concern), whole opinions written by hand, and phrase
# pools that are combined into more voices: who is speaking, what they say (by stance),
# a detail of their situation and what they ask for.
_CLUSTERS: dict[str, dict] = {
    "hi-elevator": dict(
        size=56, general=0.05, days=(0, 40),
        hand=[
            ("support", "我家住临江新村27号6楼，老伴做了膝盖手术，半年没下过楼了。电梯的事求求你们快一点，我们等不起了。"),
            ("oppose", "我是一楼的，电梯井正好挡在我家卧室窗户前面，本来采光就差，装了以后白天都要开灯。一楼不出钱也不受益，凭什么让我们牺牲？"),
            ("question", "分摊比例表里六楼28%，按一台60万算，扣掉补贴每户到底要出多少？能不能给个算好的例子？"),
            ("suggestion", "建议低层住户的补偿由街道出面定个指导价，不然楼里自己谈，邻居之间很容易谈崩。"),
            ("support", "我们48号已经签完字了，就差审批，希望第一批能排进去！！"),
            ("question", "二楼要不要出钱？我家在二楼基本用不上电梯，8%有点多吧。"),
            ("oppose", "电梯运行有噪音，晚上人上上下下的，二楼的我们休息怎么办？方案里一个字都没提噪音怎么控制。"),
            ("support", "老小区最缺的就是电梯。我家楼上的王老师九十岁了，每次去医院都是消防员抬下来的。"),
            ("suggestion", "建议装电梯的时候顺便把楼道里的管线整理一下，现在乱成一团，也不安全。"),
            ("question", "加装电梯以后的维保费用谁出？每年大概多少钱？电梯坏了找谁？这些方案里都没讲。"),
            ("oppose", "装电梯要占楼前的绿化和自行车棚，车棚拆了我们电瓶车停哪里？"),
            ("support", "街道的工作室很管用，上周二去问了，法律顾问讲得很清楚，回来我就去做邻居工作了。"),
            ("question", "我们单元同意率就差一户，那户人家常年在国外联系不上，这种情况怎么办？"),
            ("suggestion", "能不能先搞个样板楼让大家看看装好的效果？很多人不同意是因为想象不出来。"),
            ("oppose", "不是不支持装电梯，是方案定得太急了，我们楼意见还没统一就写进第一批，一楼二楼根本没人来问过我们。"),
            ("support", "電梯的事拖了好幾年了，這次終於有方案，支持！"),
        ],
        who={
            "support": ["我住临江新村{n}号{hf}楼，", "家里老人{age}岁了，", "我们家在{hf}楼，", "作为{n}号的楼组长，",
                        "替我爸妈留个言，", "临江新村老住户了，", ""],
            "oppose": ["我家住{lf}楼，", "{n}号{lf}楼住户，", "我是底楼的，", ""],
            "question": ["临江新村{n}号居民，", "我们单元正在征询意见，", ""],
            "suggestion": ["作为{n}号的楼组长，", "临江新村老住户了，", ""],
        },
        core={
            "support": ["装电梯我举双手赞成", "电梯的事我们盼了好多年了", "支持加装电梯，老人下楼太难了",
                        "我们单元大家都签字了，就等街道推进", "爬六楼对老年人来说真的太苦了，支持早点装",
                        "加装电梯是真正的民心工程，希望别再拖了"],
            "oppose": ["电梯井离我家窗户太近，采光肯定受影响", "方案根本没考虑一楼二楼的利益",
                       "装了电梯低层的房子反而不值钱了", "电梯施工要好几个月，噪音和灰尘谁受得了",
                       "分摊方案对低层不公平，补偿也没个说法"],
            "question": ["第一批11台是哪些单元？能不能公布一下", "维修资金能不能用来付我们分摊的钱",
                         "补贴28万是直接给到楼组还是给电梯公司", "一楼的补偿有没有统一标准",
                         "施工期间要不要停水停电，要停多久"],
            "suggestion": ["建议每个单元先做采光分析再表决", "建议街道统一选电梯公司，价格公开",
                           "建议第一批先装同意率高的单元，做出样子来", "希望工作室周末也开放，上班族平时去不了",
                           "建议把分摊比例和一楼补偿放在一起谈，一次谈清楚"],
        },
        extra={"*": ["我们楼有一半都是七八十岁的老人。", "邻居之间为这事已经吵过好几次了。", "楼组开会开了三次都没结果。", "", ""],
               "support": ["我{rel}腿脚不好，上下楼全靠人扶。", "上个月买菜回来在四楼歇了两次才到家。",
                           "我们楼有一半都是七八十岁的老人。", "", ""],
               "oppose": ["我家本来采光就不好。", "楼里从来没人来征求过我的意见。", "我们家也有老人，可是一楼用不上电梯。",
                          "邻居之间为这事已经吵过好几次了。", "", ""]},
        ask={"*": ["希望街道尽快给个时间表。", "请相关部门重视一下。", "麻烦给个答复。", "谢谢！", "", ""],
             "oppose": ["请街道来听听低层住户的意见。", "别让好事变成邻里矛盾。", "麻烦给个答复。", "", ""]},
    ),
    "hi-dance": dict(
        size=48, general=0.35, days=(0, 38), general_days=(0, 70),
        hand=[
            ("oppose", "梅园广场的广场舞每天晚上七点跳到九点半，音箱开得震天响，我家孩子初三要中考，作业根本做不下去。"),
            ("suggestion", "跳舞可以，能不能戴蓝牙耳机跳？现在有那种无线耳机，一个音源大家都能听到，别人也不受影响。"),
            ("support", "新办法规定九点以后不准放音乐，我支持，这是兼顾双方的好办法。"),
            ("oppose", "我们跳广场舞是锻炼身体，也不是天天都吵，凭什么把我们赶到西边？西边没有路灯，晚上黑灯瞎火的摔了谁负责？"),
            ("question", "55分贝是怎么测的？谁来测？我们楼下天天超标，打电话给城管说来看看，来了看一眼就走了。"),
            ("oppose", "都晚上十点了滨江公园还有人在放音乐唱歌，打了三次电话都没用，我快神经衰弱了！"),
            ("suggestion", "建议在广场装一个噪音显示屏，分贝数实时显示，超了大家自己就会调小。"),
            ("oppose", "老年人要锻炼我们理解，可是周末早上六点就开始放音乐，上了一周班想睡个懒觉都不行。"),
            ("question", "活动团队要登记负责人，去哪里登记？我们是自发的，没有组织。"),
            ("support", "上礼拜开始城管每天晚上都来巡查了，声音确实小了不少，谢谢。"),
            ("oppose", "滨江公园那边还有人拿大音箱唱K，比广场舞还吵，办法里只说广场舞，唱歌的管不管？"),
            ("suggestion", "可以给不同的队伍排个时间表轮流用，别几个音箱同时放，一个比一个响。"),
            ("oppose", "梅園廣場舞噪音太大了，每天晚上吵到快十點，老人小孩都睡不好，請城管管一管！"),
        ],
        who={
            "*": ["我住梅园广场旁边的{estate}，", "家住梅园路{n}号，", "我们楼正对着广场，", "家里有个{baby}，",
                  "滨江公园边上的住户，", "", ""],
            "support": ["我也是跳广场舞的，", "我住梅园广场旁边的{estate}，", "", ""],
        },
        core={
            "oppose": ["每天晚上广场舞的音乐吵得人头疼", "晚上九点多了楼下还在放《最炫民族风》",
                       "音箱的低音震得窗户都在响", "广场舞噪音已经严重影响休息了", "晚上跳舞的音响开得太大了",
                       "梅园广场东边那几支舞队的音箱一个比一个响"],
            "support": ["支持限定跳舞时间和音量", "广场舞管起来是好事，跳舞的人也要讲公德",
                        "九点以后不放音乐这个规定合情合理"],
            "question": ["广场舞噪音超标到底归谁管", "晚上十点以后还在放音乐，打哪个电话投诉有用",
                         "活动点移到西侧以后东侧还能不能跳"],
            "suggestion": ["建议给广场舞队统一配限音的音箱", "建议城管晚上九点准时来巡一次",
                           "建议在广场东侧种一排树，挡一挡声音"],
        },
        extra={"*": ["孩子刚睡着就被吵醒。", "我爱人上夜班，白天晚上都休息不好。", "和跳舞的阿姨说过几次，她们说广场又不是你家的。",
                     "打过12345，说转给城管了，之后就没下文了。", "在窗口用手机测过，有七十多分贝。", "", ""],
               "support": ["以前晚上吵得睡不着。", "跳舞的和睡觉的都要兼顾。", "", ""]},
        ask={"*": ["请城管部门管一管。", "希望执法能常态化。", "不要一阵风，过两周又恢复原样。", "请尽快处理！！", "", ""],
             "support": ["希望坚持下去。", "谢谢城管。", "", ""]},
    ),
    "hi-parking": dict(
        size=40, general=0.25, days=(0, 24), general_days=(0, 80),
        hand=[
            ("oppose", "北侧那块绿地是小区唯一能让小孩玩的地方，改成停车位我坚决不同意。停车难是事实，但不能拿孩子的空间换。"),
            ("support", "每天晚上八点以后回来根本找不到车位，只能停到消防通道上，被贴条好几次了。方案我支持，越快越好。"),
            ("question", "错峰停车月租250，早上七点半必须开走，那周末呢？周末也要七点半开走吗？"),
            ("suggestion", "充电桩40个不够，小区新能源车已经一百多辆了，建议预留电力容量，以后还能扩。"),
            ("question", "用维修资金120万要不要业主表决？维修资金是修房子用的，拿来建停车位合适吗？"),
            ("oppose", "充电桩离3号楼太近了，万一着火怎么办？建议放到远离住宅的地方。"),
            ("support", "终于有充电桩了，现在每天拖根线从五楼吊下来充电，物业天天来说。"),
            ("suggestion", "建议车位优先租给本小区只有一辆车的业主，一户三辆车的先别给。"),
            ("question", "生态停车位是什么样的？停了车下面的草还能长吗？"),
            ("oppose", "停車位太少，問題根本不是畫幾個車位能解決的，外面的車都開進來停，物業根本不管。"),
            ("suggestion", "消防通道上停车的问题请物业晚上十点以后巡一下，不然真着火了消防车开不进来。"),
            ("support", "绿地换车位我同意，南面屋顶平台补回来也算公平。"),
        ],
        who={
            "*": ["我是锦绣华庭{n}号楼业主，", "住锦绣华庭{years}年了，", "锦绣华庭老业主，", "", ""],
            "support": ["开电车的业主一枚，", "我是锦绣华庭{n}号楼业主，", ""],
        },
        core={
            "support": ["停车位挖潜的方案我支持", "小区停车难太久了，支持早点动工", "装充电桩是好事，早该装了"],
            "oppose": ["不同意把绿地改成停车位", "外来车辆不清出去，画再多车位也不够", "充电桩装在楼下不安全",
                       "小区停车位太少，车根本没地方停"],
            "question": ["车位怎么分配，抽签还是先到先得", "充电桩收费标准是多少，服务费怎么算",
                         "错峰车位离小区有多远，晚上走回来安全吗"],
            "suggestion": ["建议先把僵尸车清理掉，至少能腾出十几个位置", "建议车位分配结果公开",
                           "建议小区门口装道闸，外来车辆按小时收费"],
        },
        extra={"*": ["晚上回来绕小区三圈都找不到位置。", "消防通道天天被占。", "上次救护车进来都被堵在门口。",
                     "下班只能停在外面马路上，早上还怕被贴罚单。", "", ""],
               "oppose": ["小区就这么一块绿地。", "孩子们放学都在那里玩。", "外面的车随便进出，保安也不拦。", "", ""]},
        ask={"*": ["请物业和街道重视。", "希望尽快解决。", "盼回复。", "谢谢！", "", ""]},
    ),
    "hi-canteen": dict(
        size=36, general=0.05, days=(0, 33),
        hand=[
            ("support", "梅园路213号那个位置好，离梅园三村走路五分钟，我妈可以自己去吃了。"),
            ("question", "15块钱一荤两素，80岁以上补贴4块，那75岁的呢？只能自己付15？"),
            ("suggestion", "希望菜能做得软一点，老人牙口不好，上次去别的街道的长者食堂吃，青菜都嚼不动。"),
            ("oppose", "临江长者食堂放在原菜场二楼，没有电梯，老人怎么上去？这个选址不合理。"),
            ("question", "子女能不能陪着一起吃？陪同的人价格是多少？"),
            ("suggestion", "建议搞送餐，很多独居老人根本出不了门，食堂建在门口他也去不了。"),
            ("support", "石桥老街终于有长者食堂了，镇上老人多，年轻人都在外面上班，中午饭是大问题。"),
            ("question", "是只供应午饭还是早中晚都有？晚饭有没有？"),
            ("suggestion", "菜单能不能每周提前贴出来？我爸有糖尿病，要挑着吃。"),
            ("oppose", "桂香长者食堂选在文化路88弄里面，弄堂窄，又贴着住宅楼，油烟和排风会影响楼上的住户。"),
            ("support", "我是望江助餐点的常客了，价格实惠，饭菜干净，希望多开几家。"),
        ],
        who={
            "*": ["我今年{age}岁，", "家里老父亲{age}了，一个人住，", "我是{street}的居民，", "作为独居老人的子女，", "", ""],
        },
        core={
            "support": ["建长者食堂是大好事", "老人吃饭的问题终于有人管了", "支持在{street}建长者食堂"],
            "question": ["外区户籍的老人能不能去吃", "吃饭要不要提前预约", "就餐要不要办卡，去哪里办"],
            "suggestion": ["建议增加送餐上门服务", "建议设一个清淡少盐的窗口", "建议开放时间延长到晚上六点"],
            "oppose": ["选址离我们小区太远了，走过去要二十分钟", "15块对低收入老人来说还是不便宜"],
        },
        extra={"*": ["我一个人烧饭，一顿吃三天。", "子女都在外地，中午就随便下碗面条。", "老伴走了以后就没好好吃过一顿饭。", "", ""]},
        ask={"*": ["请民政局考虑。", "盼回复。", "", ""], "support": ["希望早点开张。", "谢谢政府。", "", ""]},
    ),
    "hi-school": dict(
        size=64, general=0.03, days=(0, 15),
        hand=[
            ("oppose", "我们2019年在临江新村买的房子就是为了实验小学，贷款还了七年，现在一纸通知说划走就划走，这对我们公平吗？！"),
            ("oppose", "临江第二小学和实验小学的差距大家都知道，所谓集团化办学能保证什么？有没有具体的师资交流数字？"),
            ("question", "已经在实验小学读书的孩子，弟妹不受影响。那我家老大明年才上一年级，老二2029年上学，算不算？"),
            ("support", "实验小学一个班45个人，挤得不行，分流是应该的。临江二小这两年进步很大，我家孩子就在那里读，老师很负责。"),
            ("suggestion", "建议给一个过渡期，2027年和2028年入学的按购房时间区分，调整前购房的按原学区。"),
            ("question", "江畔名邸是2024年才交房的，当时开发商宣传对口实验小学，这个责任谁来负？"),
            ("oppose", "为什么梅园三村划进来，临江新村划出去？梅园三村离实验小学比我们还远，这个划分依据是什么？请公开。"),
            ("suggestion", "希望公开各小区的适龄儿童人数和学校学位数，让大家看到调整的依据。"),
            ("question", "临江第二小学现在有几个班？接收这么多学生以后教室够不够？"),
            ("support", "我们梅园三村的孩子以前要走很远去梅园路小学，现在调到实验小学，非常感谢教育局。"),
            ("oppose", "征求意见期只有一个月，还放在学期中间，家委会都来不及开会讨论。"),
            ("question", "临江新村1—40号调整了，41号以后的呢？同一个小区还分两半？"),
            ("oppose", "房价已经因为这个消息跌了，学区调整前能不能先和我们业主面对面沟通一次？"),
            ("suggestion", "建议区实验小学在临江二小设分部，挂同一块牌子，老师轮岗，这样家长才能放心。"),
            ("oppose", "學區調整太突然了，我們買房的時候根本沒想到，強烈要求給過渡期。"),
        ],
        who={
            "oppose": ["临江新村{n}号的业主，", "江畔名邸业主，孩子明年上小学，", "家有两个娃，", "一个焦虑的家长，", "", ""],
            "support": ["作为梅园三村的居民，", "我是临江二小的学生家长，", "", ""],
            "question": ["我是一名{grade}学生家长，", "江畔名邸业主，", "临江新村{n}号的业主，", ""],
            "suggestion": ["家有两个娃，", "我是一名{grade}学生家长，", "", ""],
        },
        core={
            "oppose": ["坚决反对把临江新村划出实验小学学区", "学区调整太突然了，完全没有过渡",
                       "这样调整对已经买房的家庭很不公平", "凭什么我们小区被划到二小", "调整方案没有说明依据，难以接受",
                       "不同意江畔名邸调整到临江第二小学"],
            "support": ["理解教育局均衡学位的初衷", "调整学区能缓解实验小学的大班额", "支持梅园三村划入实验小学学区"],
            "question": ["集团化办学具体怎么落实", "调整依据的人口数据能不能公开", "弟妹政策具体怎么认定",
                         "临江二小的师资会不会加强"],
            "suggestion": ["建议设置两到三年过渡期", "建议开一次家长座谈会，当面听听意见", "建议实验小学派骨干教师到临江二小",
                           "建议按房产证日期划分新老政策"],
        },
        extra={"*": ["当初买房就是冲着学区来的。", "孩子已经在实验小学旁边上了两年幼儿园。", "家里老人每天接送，远了真的不方便。",
                     "去临江二小要过两个大路口，孩子上学不安全。", "周围家长都在群里讨论这件事，大家都很焦虑。", "", ""],
               "support": ["实验小学现在一个班四十多个人，孩子挤得很。", "梅园三村去梅园路小学要过两条大马路。", "", ""]},
        ask={"*": ["请教育局认真考虑家长的意见。", "希望召开听证会。", "请给个说法！", "期待回复。", "", ""],
             "support": ["希望调整以后两所学校都能办好。", "谢谢教育局。", "", ""]},
    ),
    "hi-bus": dict(
        size=34, general=0.05, days=(0, 10),
        hand=[
            ("oppose", "17路取消梅园三村站，我们去区中心医院就没有直达车了，老人看病要转两次车，这是方便谁？"),
            ("support", "青溪3路延伸到临江新村太好了，以前要走二十分钟去坐车。"),
            ("question", "17路改到地铁站以后，梅园路这边还有没有别的车去中心医院？"),
            ("suggestion", "如果一定要改17路，建议开一条社区巴士，梅园三村到中心医院，哪怕半小时一班也好。"),
            ("oppose", "文化路站一取消，我们桂香苑的人就要走到青溪大道去坐车，十几分钟，下雨天怎么办？"),
            ("question", "青溪3路延伸以后末班车几点？现在九点半就没车了。"),
            ("support", "接地铁是对的，以后去市区方便多了。"),
            ("suggestion", "建议保留17路原线路的早晚高峰班次，平峰再走新线路。"),
        ],
        who={
            "*": ["每天坐17路上班的，", "我住梅园三村，", "家里老人常坐17路去中心医院配药，", "临江新村居民，", "桂香苑住户，", "", ""],
        },
        core={
            "oppose": ["不同意17路取消梅园路站", "17路改线以后去医院太不方便了", "取消站点前应该先问问沿线居民"],
            "support": ["支持青溪3路延伸", "公交接驳地铁是好事"],
            "question": ["改线以后梅园路还有哪些公交", "新线路的首末班时间是多少"],
            "suggestion": ["建议17路保留区中心医院站", "建议增设一条医院专线", "建议青溪3路末班车延长到22点"],
        },
        extra={"*": ["老人不会用手机打车。", "冬天在路边等车等半个小时，太冷了。", "中心医院配药一个月要去两三趟。", "", ""],
               "support": ["以前要走二十分钟去坐车。", "去地铁站终于不用打车了。", "", ""]},
        ask={"*": ["请交通委考虑。", "希望慎重。", "谢谢。", "", ""], "support": ["希望早点实施。", "", ""]},
    ),
}

_FILL = {
    "n": lambda r: str(r.randint(1, 56)),
    "hf": lambda r: r.choice(["四", "五", "六", "5", "6"]),
    "lf": lambda r: r.choice(["一", "二", "1", "2"]),
    "age": lambda r: str(r.randint(72, 93)),
    "rel": lambda r: r.choice(["妈", "爸", "爱人", "婆婆", "老伴"]),
    "estate": lambda r: r.choice(["梅园三村", "梅园新苑", "滨江花园", "梅园二村"]),
    "baby": lambda r: r.choice(["刚满月的孩子", "一岁多的宝宝", "初三的孩子", "卧床的老人"]),
    "years": lambda r: str(r.randint(3, 15)),
    "street": lambda r: r.choice(["临江街道", "梅园街道", "桂香街道", "石桥镇"]),
    "grade": lambda r: r.choice(["幼儿园大班", "中班", "一年级", "二年级"]),
}


def _fill(text: str, rng: random.Random) -> str:
    for name, make in _FILL.items():
        while "{" + name + "}" in text:
            text = text.replace("{" + name + "}", make(rng), 1)
    return text


def _compose(spec: dict, rng: random.Random) -> tuple[str, str]:
    stance = rng.choices(list(spec["core"]), weights=[4 if s == "oppose" else 3 for s in spec["core"]])[0]
    who_pool = spec["who"].get(stance) or spec["who"]["*"]
    who = rng.choice(who_pool)
    core = rng.choice(spec["core"][stance])
    end = rng.choice(["。", "。", "！", "，"]) if stance != "question" else rng.choice(["？", "？", "?"])
    extra = rng.choice(spec["extra"].get(stance) or spec["extra"]["*"])
    ask = rng.choice(spec["ask"].get(stance) or spec["ask"]["*"])
    if end == "，" and not extra:
        end = "。"
    if rng.random() < 0.5:  # detail before the point, for a different rhythm
        text = f"{who}{extra}{core}{end if end != '，' else '。'}{ask}"
    else:
        text = f"{who}{core}{end}{extra}{ask}"
    return stance, _fill(text, rng)


# --------------------------------------------------------------------------- the campaign

_CAMPAIGN_LETTER = (
    "{opening}我是{who}，{firmly}反对在望江路建设垃圾中转站{bang}"
    "该选址距离我们小区{dist}，距离临江幼儿园不足{kdist}米，一旦建成，臭气、蚊蝇和垃圾车的噪音将严重影响周边"
    "{many}居民和孩子的身体健康{stop}"
    "{consult}"
    "我们强烈要求立即停止该项目，重新选址{bang}{closing}"
)
_CAMPAIGN_PARTS = {
    "opening": ["", "", "", "尊敬的领导：", "尊敬的区领导，", "各位领导："],
    "who": ["江畔名邸业主", "江畔名邸业主", "江畔名邸{n}号楼业主", "滨江花园业主", "临江新村居民", "江畔名邸的一名业主"],
    "firmly": ["坚决", "坚决", "强烈", "坚决"],
    "bang": ["！", "！", "!", "！！", "。"],
    "dist": ["不足100米", "不足100米", "不足一百米", "不到100米"],
    "kdist": ["300", "300", "三百"],
    "many": ["数千名", "数千名", "几千名", "三千多名"],
    "stop": ["。", "。", "！", "."],
    "consult": ["项目公示前没有征求周边居民任何意见，环评报告至今没有公开。",
                "项目公示前没有征求周边居民任何意见，环评报告至今没有公开。",
                "项目公示前没有征求过周边居民的意见，环评报告至今也没有公开。",
                "公示前没有征求周边居民任何意见，环评至今没有公开。", ""],
    "closing": ["", "", "", "请领导重视！", "盼复。", "——{name}", "业主：{name}", "{name}（{n}号楼）"],
}
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹熊白孟秦邱侯江尹薛闫段雷黎史龙陶贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
_GIVEN = ["建国", "秀英", "志强", "丽华", "海燕", "卫东", "晓明", "敏", "静", "伟", "磊", "红梅", "玉兰", "国庆", "文斌",
          "佳怡", "子涵", "浩然", "欣怡", "俊杰", "桂芳", "春生", "淑珍", "立军", "小红", "雪芬", "建华", "亚萍", "宏伟", "琳"]
_INFORMAL = ["阿姨", "先生", "女士", "师傅", "老师", "阿婆", "老伯"]


def _name(rng: random.Random, informal: bool = False) -> str:
    surname = rng.choice(_SURNAMES)
    if informal:
        return surname + rng.choice(_INFORMAL)
    return surname + rng.choice(_GIVEN)


def _campaign_text(rng: random.Random) -> str:
    text = _CAMPAIGN_LETTER.format(**{k: rng.choice(v) for k, v in _CAMPAIGN_PARTS.items()})
    text = text.replace("{name}", _name(rng))
    return _fill(text, rng)


# --------------------------------------------------------------------------- general opinions

# Opinions about no particular item ("其他事项"), each clearly in one department's
# domain. A third element, where present, is the department's answer to it.
_GENERAL: dict[str, list[tuple]] = {
    "party-office": [
        ("suggestion", "平台上公开的很多都是文件原文，老百姓看不懂，能不能配个一句话解读？"),
        ("suggestion", "区委常委会研究了什么，能不能每次会后就公开，不要一个季度才公开一次。"),
        ("question", "梅园街道社区事务受理中心一楼的党务信息查阅触摸屏坏了一个多月了，有没有人管？",
         "您好！经核实，梅园街道查阅点触摸屏因主板故障停用，已于本周更换设备并恢复使用。今后查阅点设备故障将在3个工作日内修复，您也可以拨打区委办公室信息科电话021-5555 0100报修。"),
        ("oppose", "我上个月提的意见到现在没人答复，超时了谁来督促？这个平台是不是摆设？"),
        ("suggestion", "建议党务公开平台出一个适老版，字大一点，按钮少一点。"),
        ("suggestion", "建议公开区领导接待群众的日子和地点，让老百姓有机会当面反映问题。"),
        ("question", "为什么有些事项只对党员公开？我们群众也想知道，公开范围是谁定的？"),
        ("oppose", "有的答复写得很官腔，“高度重视”“积极研究”，到底做没做？答复里应该写清楚什么时候办完。"),
        ("question", "去年的实事项目最后完成了几件？平台上找不到年度总结。"),
        ("support", "以前有意见不知道找谁，现在网上留言还能查到办理进度，这个平台做得好。"),
        ("suggestion", "建议在石桥镇也设一个党务信息查阅点，镇上老人不会上网。"),
    ],
    "organisation": [
        ("question", "我是流动党员，在外地打工三年了，组织关系还在临江街道，怎么参加组织生活？",
         "您好！流动党员可以在务工地的流动党员党支部参加组织生活，也可以通过我区“青溪党员e家”线上参加学习。请联系临江街道党建办，办理《流动党员活动证》后，即可在务工地就近参加组织生活。"),
        ("question", "入党申请书交了两年了，一直没人找我谈话，是不是交错地方了？"),
        ("suggestion", "我们支部的党费收缴情况一年才公示一次，能不能按季度公示？"),
        ("question", "退休了想把党组织关系转到居住地的居民区，需要办什么手续？"),
        ("suggestion", "社区里的在职党员报到以后基本不来，建议和单位的党员评议挂钩。"),
        ("suggestion", "公开选拔干部的信息能不能同时推送到微信群，很多人错过了报名时间。"),
        ("suggestion", "居民区党组织换届，候选人的情况能不能早点公示，让居民也了解一下。"),
        ("suggestion", "建议干部任前公示附上工作经历和主要业绩，只有一行职务看不出什么。"),
        ("suggestion", "我爸党龄五十多年了，现在生病住院，希望支部能来看看他，老人心里惦记着组织。"),
        ("oppose", "任前公示时间太短了，我想反映的情况还没整理好，公示就结束了。"),
    ],
    "urban-management": [
        ("oppose", "沿江路菜场门口每天早上乱设摊，把人行道全堵死了，推着婴儿车根本过不去。"),
        ("oppose", "梅园路88号楼下的烧烤店晚上油烟直接往楼上窜，窗户都不敢开，投诉多次没有结果。",
         "您好！区城管执法局临江中队已于11月12日晚到现场检查，该店油烟净化设施未正常使用，已责令限期3日内整改并复查合格。我局将加强夜间巡查，如再次发现油烟扰民，请拨打12345热线或在本平台反映。"),
        ("question", "桂香苑12号一楼在花园里私自搭了个彩钢房，已经半年了，举报了也没人管，违建到底谁来拆？"),
        ("oppose", "石桥老街的渣土车晚上超速，还一路撒土，早上路上全是泥。"),
        ("question", "望江路工地半夜两点还在打桩，这属于违规夜间施工吧？有没有夜间施工许可？"),
        ("oppose", "临江新村门口的垃圾房满出来了，周末两天没人清运，臭得不行。"),
        ("suggestion", "文化路上的共享单车乱停，盲道全被占了，建议划定停放区。"),
        ("oppose", "小区门口的水果店把摊子摆到马路上，每天下午城管来了就收，走了又摆。"),
        ("oppose", "青溪大道天桥下面有人卖活禽，卫生太差了，也没人管。"),
        ("oppose", "梅园三村有人在绿化带里种菜，还浇粪水，整栋楼都是臭味。"),
        ("suggestion", "建议夜间施工噪音也纳入城管夜间巡查，现在晚上打电话都说不归自己管。"),
    ],
    "housing": [
        ("oppose", "梅园三村6号楼顶楼漏水三年了，物业说要用维修基金，业委会说没钱，到底谁来修？",
         "您好！区住建委已会同梅园街道房管办到现场查看，6号楼屋面防水层老化严重。该楼已列入第二批老旧小区综合改造计划，屋面防水安排在12月开工的首批施工内容中；开工前物业将先对漏水最严重的602室做临时修补。"),
        ("oppose", "桂香苑物业服务太差，楼道灯坏了一个月没人换，物业费倒是年年收。"),
        ("suggestion", "老小区楼道里堆满杂物，消防隐患很大，物业管不动，建议街道组织一次集中清理。"),
        ("question", "我们小区业委会换届拖了两年了，街道能不能督促一下？"),
        ("question", "维修资金的账目从来没公开过，作为业主想知道钱花在哪里，去哪里查？"),
        ("oppose", "石桥花园外墙瓷砖掉下来砸坏了一辆车，太危险了，请尽快组织检查！"),
        ("oppose", "老旧小区改造把我家门口的下水道改坏了，一下雨就倒灌。"),
        ("question", "物业把小区的公共绿地租给别人当停车场，收的钱去哪了？"),
        ("suggestion", "我们楼的水管还是九十年代的铸铁管，水是黄的，老旧小区改造能不能把水管也换了？"),
        ("oppose", "小区电梯三天两头坏，物业说维保公司不来，维保公司说物业欠钱，业主夹在中间。"),
    ],
    "transport": [
        ("suggestion", "梅园路和文化路路口的红绿灯太短了，老人走到一半就变红灯了，建议延长行人绿灯。",
         "您好！区交通委会同交警支队已对该路口进行实地观测，自12月1日起将行人绿灯时间由25秒延长至35秒，并在路口中央增设行人二次过街安全岛。"),
        ("oppose", "青溪5路早高峰半个多小时才来一辆，来了还挤不上去。"),
        ("suggestion", "石桥镇到地铁站没有公交，只能打车或者骑电瓶车，建议开一条接驳线。"),
        ("suggestion", "沿江路学校门口上下学时段太堵了，建议设置临时停车接送区。"),
        ("oppose", "望江路新修的非机动车道被汽车占了停车，电瓶车只能走机动车道。"),
        ("suggestion", "地铁青溪大道站出口没有非机动车停放点，电瓶车停得满地都是。"),
        ("oppose", "临江新村门口那个斑马线没有红绿灯，车开得很快，孩子过马路太危险了。"),
        ("question", "晚上十点以后就没有公交回石桥了，上晚班的人怎么办？"),
        ("suggestion", "青溪大道的公交站台没有顶棚，下雨天等车全身湿透。"),
        ("oppose", "公交电子站牌好多都不准，显示三分钟到，等了十五分钟。"),
    ],
    "education": [
        ("oppose", "梅园路幼儿园托班名额太少，报名第一天就满了，双职工家庭怎么办？"),
        ("oppose", "学校门口的校外培训机构又开始偷偷上课了，周末补课补到晚上八点。"),
        ("question", "实验小学的食堂饭菜孩子说吃不饱，能不能公开一下伙食费的使用情况？",
         "您好！区教育局已要求区实验小学在每月家长开放日公示伙食费收支和每周菜谱，并邀请家委会代表参与食堂陪餐。学校已将主食改为按需添加，如孩子仍反映吃不饱，可直接向班主任反映。"),
        ("oppose", "青溪中学的体育课经常被主课占用，孩子一周上不了一节体育课。"),
        ("suggestion", "孩子书包太重了，一年级就要背七八斤，建议学校在教室设个储物柜。"),
        ("question", "随迁子女入学要父母一方社保满一年，我们换工作断了两个月，孩子明年还能在这边上小学吗？"),
        ("question", "幼儿园的收费标准什么时候公开？民办幼儿园一个月要四千多。"),
        ("oppose", "学校作业太多了，三年级的孩子每天写到十点，说好的减负呢？"),
        ("suggestion", "建议学校周末开放操场，让附近居民锻炼。"),
        ("suggestion", "临江第二小学门口没有家长等候区，放学的时候家长全站在马路上，很危险。"),
    ],
    "health": [
        ("oppose", "区中心医院挂号太难了，专家号一放出来就没了，网上根本挂不到。"),
        ("oppose", "梅园社区卫生服务中心的药太少，很多慢性病的药要去大医院配。",
         "您好！梅园社区卫生服务中心已与区中心医院建立延伸处方机制，常用慢性病药品目录由原来的286种增加到412种。如仍有配不到的药品，可由家庭医生开具延伸处方，药品2个工作日内配送到中心。"),
        ("suggestion", "带孩子打疫苗要排两个小时，能不能分时段预约？"),
        ("oppose", "家庭医生签约了一次也没见过，电话也打不通。"),
        ("question", "石桥镇晚上没有地方看急诊，最近的中心医院开车要半小时，二中心什么时候能开？"),
        ("oppose", "中心医院停车太难了，在门口排队等车位等一个小时，病人急得不行。"),
        ("suggestion", "免费体检的项目能不能加个胃镜或者肠镜？现在只有抽血和心电图。"),
        ("oppose", "社区卫生服务中心周末不开门，上班族只能请假看病。"),
        ("suggestion", "医院的自助机老人不会用，导医又少，能不能多安排几个志愿者？"),
        ("question", "中心医院住院部的陪护床一晚上50块，有没有收费依据？为什么没有发票？"),
    ],
    "civil-affairs": [
        ("question", "我父亲86岁独居，子女都在外地，能不能申请上门助浴服务？",
         "您好！80周岁以上独居老人可申请居家养老上门助浴服务，每月最多4次，符合照护等级评估的可享受补贴。请您或老人到所在街道社区事务受理服务中心申请，也可拨打区养老服务热线021-5555 0166预约上门评估。"),
        ("oppose", "低保申请材料太多了，跑了三趟还没交齐，能不能一次告知？"),
        ("suggestion", "石桥镇的养老院排队要两年，建议多建几家公办养老院。"),
        ("suggestion", "社区日间照料中心下午四点就关门，子女上班还没回来，老人没人照顾，建议延长到六点。"),
        ("question", "残疾人护理补贴申请半年了还没发下来，卡在哪个环节了？"),
        ("suggestion", "我们楼里一个独居老人好几天没见到人了，建议居委会对独居老人建立定期探访。"),
        ("question", "高龄津贴是自动发放还是要去申请？我奶奶满90了还没收到。"),
        ("oppose", "养老服务补贴评估的人来了十分钟就走了，评出来的等级明显偏低。"),
        ("suggestion", "希望在梅园街道开一个老年人助浴点，老人在家洗澡太危险了。"),
        ("oppose", "独居老人的紧急呼叫器装了以后没人维护，按了也没反应。"),
    ],
}

# Short remarks that fit any published item, for the background of item pages.
_GENERIC_COMMENTS = [
    ("support", "公开及时，内容也写得清楚，点赞。"),
    ("support", "这样公开好，群众看得明白，办事心里有底。"),
    ("question", "这个事项后续有没有结果公开？以后到哪里看？"),
    ("suggestion", "手机上表格显示不全，要左右拖，能不能优化一下？"),
    ("suggestion", "建议配个图解，文字太多老年人看不进去。"),
    ("question", "文中说的附件在哪里下载？找了半天没找到。"),
    ("support", "第一次在网上看到这些内容，希望坚持下去，不要搞一阵就停了。"),
    ("suggestion", "建议同时在小区公开栏贴出来，很多老人不上网。"),
    ("question", "对这件事有不同意见，除了在这里留言还能找哪个部门反映？"),
    ("support", "支持这样公开，透明了大家才信服。"),
    ("suggestion", "触摸屏上的字能不能大一点，看着费劲。"),
    ("support", "看了以后明白多了，以前只听别人传来传去。"),
    ("question", "这个公开是只在网上，还是居委会也会通知？"),
    ("suggestion", "希望公开之前多听听基层的意见，不要公开了就算定了。"),
    ("support", "很实在，没有空话套话，这样的公开多来点。"),
    ("question", "公开的数字是截至什么时候的？有没有更新的？"),
    ("suggestion", "建议把去年的情况也放在一起对比，才看得出变化。"),
    ("support", "在社区查阅点的屏幕上看到的，老年人也能看，挺方便。"),
    ("question", "这些内容以前在哪里公开过吗？为什么现在才看到？"),
    ("suggestion", "能不能出个语音播报版？我眼睛不好，字看不清。"),
    ("support", "居委会开会的时候也讲了，和网上的一致，好。"),
    ("question", "请问负责这件事的具体科室是哪个？电话多少？"),
    ("suggestion", "建议在微信群里也推送一下，年轻人都看手机。"),
    ("support", "以前哪看得到这些东西，时代真是进步了。"),
    ("oppose", "写得太笼统了，关键的数字都没有，看了等于没看。"),
    ("oppose", "公开得太晚了，事情都定下来了才拿出来，征求意见还有什么用？"),
    ("question", "这个跟我们普通居民有什么关系？能不能写得通俗一点？"),
    ("suggestion", "专业词太多，比如“三重一大”，建议加个注释。"),
    ("support", "看完心里有数了，谢谢你们的公开。"),
    ("oppose", "网页打开太慢了，在查阅点点了半天才出来。"),
    ("question", "为什么这条不能在下面看到别人的留言？"),
    ("suggestion", "建议每条公开都写上责任部门的联系电话，有问题直接打过去。"),
    ("support", "给做这项工作的同志点个赞，很细致。"),
    ("question", "文件里提到的时间是截止时间还是开始时间？看不太明白。"),
]

# --------------------------------------------------------------------------- answers to hot issues

_ISSUE_ANSWERS = {
    "hi-elevator": (12, "各位居民：您好！感谢大家对临江新村加装电梯工作的关心。截至目前，方案征求意见期共收到意见40余条，我们逐条作了梳理。"
                        "一、第一批11个单元名单已在临江新村居委会公开栏和本平台公布，12月中旬启动设计；"
                        "二、针对低层住户关心的采光和噪音问题，街道已委托设计单位对每个单元出具采光分析报告，电梯井位置可在报告基础上调整，"
                        "电梯运行噪音将按住宅夜间不超过45分贝的标准验收；"
                        "三、一楼补偿由各单元协商，街道调解员全程参与，区住建委将于12月底前出台参考标准；"
                        "四、电梯维保费用由使用电梯的业主分摊，首年维保由电梯企业免费提供。"
                        "加装电梯工作室每周二、四下午开放，自12月起增加周六上午接待。如有疑问请致电021-5555 0266。"),
    "hi-dance": (10, "居民朋友们：您好！关于梅园广场、滨江公园夜间噪音问题，区城管执法局会同梅园、临江街道和属地派出所自11月起开展了联合整治："
                     "一是每晚20:30至21:30联合巡查，已劝导超时、超音量活动团队63次；"
                     "二是在梅园广场东侧设置噪音实时显示屏，并为登记的14支活动团队统一配发限音音箱；"
                     "三是活动点西迁后新装路灯8盏，方便老年人夜间活动；"
                     "四是对滨江公园夜间使用大功率音箱唱歌的行为一并纳入管理。"
                     "21:00以后仍有扩音设备扰民的，请拨打12345热线或通过本平台反映，我们将在30分钟内到场处置。"),
    "hi-parking": (8, "锦绣华庭的业主们：您好！针对停车难和充电桩问题，区住建委会同临江街道答复如下："
                      "一、北侧绿地改建生态停车位须经业主大会表决，表决结果将在小区公开栏和本平台公示，未经表决不会施工；"
                      "二、维修资金使用须经专有部分面积和人数双过半业主同意，并在街道房管办监督下使用；"
                      "三、充电桩选址将与住宅楼保持不少于6米的防火间距，并配置烟感和自动断电装置，电力容量按远期120个预留；"
                      "四、物业自12月起每晚22:00后对消防通道进行巡查，并清理僵尸车。"
                      "如有意见，可在每周三晚上到居委会参加业主议事会。"),
    "hi-canteen": (15, "各位居民：您好！感谢大家对长者食堂建设的关注。综合大家的意见："
                       "一、临江长者食堂将在原菜场二楼加装一部无障碍电梯，电梯完工前在一楼设临时就餐区；"
                       "二、桂香长者食堂的厨房排风将改为屋顶高空排放，并加装油烟净化设备，开业前请第三方检测；"
                       "三、各食堂、助餐点供应午餐和晚餐，每周菜单提前在门口公布，并设少盐少油窗口；"
                       "四、送餐上门服务对象将由80周岁以上扩大到75周岁以上独居或行动不便老人。"
                       "60周岁以上老人凭身份证或社保卡即可就餐，无需办卡；子女陪同就餐按成本价18元计收。咨询电话：021-5555 0166。"),
    "hi-transfer-campaign": (5, "江畔名邸、滨江花园、临江新村的居民朋友们：您好！我们收到了大家关于望江路生活垃圾中转站选址的意见，非常理解大家的担心。现答复如下："
                                "一、项目距最近住宅楼外墙85米，距临江幼儿园围墙约320米，选址平面图已在本平台公布；"
                                "二、环境影响评价报告编制完成后，将在报批前全文公示，并召开周边居民座谈会；"
                                "三、中转站将采用全封闭负压除臭工艺，臭气浓度、噪音实行在线监测，数据在平台实时公开；"
                                "四、垃圾车进出口拟调整至东侧规划路，避开望江路早高峰。"
                                "12月6日（周六）上午9点将在临江街道党群服务中心召开项目说明会，欢迎居民代表参加。"),
}


# What the committee decided after reading what was heard: the transfer station's siting
# is held back until the residents' questions are answered in the open (the issue's answer
# above promised the plan, the environmental report and a meeting).
_DECISIONS = [
    DemoDecision("it-transfer-station", "postponed", 1,
                 "区委常委会审议了望江路生活垃圾压缩中转站选址公示期间收到的居民意见，其中包括一封多位居民联署的联名信。"
                 "意见主要集中在三个方面：与住宅楼和临江幼儿园的距离、除臭和噪音、垃圾车进出口。\n\n"
                 "会议决定：项目选址暂缓报批。环境影响评价报告全文公示、并召开周边居民座谈会后，再提请常委会审议；"
                 "垃圾车进出口改设在东侧规划路，纳入设计条件；除臭和噪音在线监测数据在项目建成后于本平台实时公开。"
                 "区城管执法局负责落实，进展在本事项下公开。"),
]


# What the intake rules hold for the moderator: an insult, an advert, a flood, and a
# resident's useful pointer to the official site that the link rule holds all the same
# (the moderator publishes that one). Kept out of `opinions`: they are no one's concern.
_HELD = [
    DemoHeldOpinion("it-night-activities", "oppose", "跳广场舞的都是一群废物东西，吵死了，管不了就别管！", 2),
    DemoHeldOpinion(None, "suggestion", "专业疏通下水道、开锁换锁，价格实惠，上门快，加微信 qx8888 详谈。", 1),
    DemoHeldOpinion("it-bus", "oppose", "顶顶顶顶顶顶顶顶顶顶顶顶顶顶顶顶顶顶顶顶顶顶顶顶", 3),
    DemoHeldOpinion("it-transfer-station", "suggestion",
                    "环评公示在区政府网站 www.qingxi.gov.cn 上能查到，建议大家看完再提意见。", 4),
]


# --------------------------------------------------------------------------- variation

_S2T_PAIRS = (
    "车車 广廣 场場 声聲 电電 楼樓 区區 学學 门門 们們 这這 个個 为為 说說 话話 么麼 没沒 还還 请請 问問 题題 时時 "
    "间間 对對 会會 来來 长長 东東 给給 让讓 应應 该該 现現 开開 关關 见見 实實 边邊 过過 进進 觉覺 业業 条條 线線 "
    "点點 经經 费費 专專 买買 卖賣 务務 动動 园園 临臨 乐樂 听聽 从從 办辦 环環 扰擾 运運 难難 几幾 号號 户戶 头頭 "
    "饭飯 养養 龄齡 儿兒 级級 选選 远遠 离離 邻鄰 气氣 钱錢 机機 报報 导導 师師 书書 设設 计計 划劃 调調 节節 药藥 "
    "医醫 护護 险險 层層 灯燈 坏壞 坚堅 决決 样樣 响響 闹鬧 热熱 将將 处處 员員 转轉 软軟 达達 违違 适適 镇鎮 铁鐵 "
    "错錯 锻鍛 炼煉 闭閉 阳陽 际際 须須 顾顧 领領 预預 风風 马馬 验驗 鱼魚 岁歲 价價 优優 传傳 体體 兴興 况況 减減 "
    "则則 刚剛 单單 卫衛 压壓 参參 双雙 变變 吗嗎 团團 围圍 图圖 块塊 墙牆 备備 妈媽 孙孫 审審 宽寬 带帶 帮幫 库庫 "
    "张張 强強 当當 态態 总總 惯慣 愿願 扩擴 扫掃 抢搶 担擔 拥擁 挂掛 挡擋 挤擠 换換 据據 摆擺 摊攤 数數 断斷 无無 "
    "旧舊 显顯 杂雜 权權 标標 栏欄 树樹 桥橋 检檢 欢歡 残殘 汇匯 测測 涨漲 满滿 烦煩 烧燒 爷爺 独獨 盖蓋 码碼 确確 "
    "积積 称稱 稳穩 签簽 简簡 类類 红紅 约約 纪紀 纳納 练練 组組 细細 终終 结結 统統 续續 维維 综綜 绿綠 网網 罚罰 "
    "职職 联聯 补補 装裝 规規 视視 认認 议議 记記 讲講 许許 论論 访訪 证證 评評 识識 诉訴 询詢 详詳 语語 误誤 读讀 "
    "课課 谁誰 谈談 谢謝 负負 责責 质質 购購 贵貴 贴貼 资資 赶趕 轻輕 较較 辆輛 连連 迟遲 递遞 钟鐘 销銷 锁鎖 闲閒 "
    "队隊 阶階 陈陳 随隨 页頁 项項 顺順 频頻 额額 馆館 驾駕 骑騎 黄黃 后後 于於 与與 严嚴 两兩 举舉 乱亂 争爭 产產 "
    "亲親 亿億 仅僅 众眾 窝窩 尔爾 恼惱 悬懸 惊驚 愤憤 忆憶 扑撲 执執 扬揚 抚撫 拨撥 择擇 挥揮 捡撿 缓緩 编編 缴繳 "
    "肤膚 胁脅 脑腦 舰艦 艰艱 苏蘇 荐薦 获獲 营營 萝蘿 虑慮 虽雖 蚁蟻 衔銜 袭襲 览覽 触觸 订訂 讨討 让讓 训訓 记記 "
    "诊診 诚誠 误誤 谅諒 贫貧 货貨 贯貫 赔賠 赵趙 跃躍 践踐 较較 辑輯 输輸 辩辯 迁遷 选選 逊遜 遗遺 邮郵 酝醞 酱醬 "
    "释釋 钥鑰 铺鋪 链鏈 锅鍋 镜鏡 闪閃 闯闖 阅閱 阵陣 陆陸 隐隱 雾霧 韩韓 颗顆 饱飽 饿餓 驻駐 骗騙 鸡雞 龙龍 "
    "梦夢 灵靈 炉爐 烟煙 焕煥 爱愛 猎獵 疗療 疮瘡 痒癢 瘫癱 监監 盘盤 矫矯 砖磚 础礎 礼禮 祸禍 离離 种種 稣穌"
)
_S2T = {pair[0]: pair[1] for pair in _S2T_PAIRS.split()}
_S2T.pop("种", None)  # 种 is also 種/种 (surname): leave it
_FULLWIDTH = {c: chr(ord(c) + 0xFEE0) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"}
_TYPOS = [("已经", "以经"), ("的时候", "得时候"), ("反映", "反应"), ("再也", "在也"), ("根本", "跟本"),
          ("做不下去", "作不下去"), ("按时", "安时"), ("厉害", "利害"), ("怎么办", "怎么半"), ("希望", "希忘"),
          ("公示", "公式"), ("以后", "已后"), ("现在", "现再")]
_EMOTION = ["！！", "！！！", "？？", "。。。", "……", "!!", "???"]


def to_traditional(text: str) -> str:
    """A hand-made simplified → traditional conversion of the characters this data uses."""
    return "".join(_S2T.get(c, c) for c in text)


def to_fullwidth(text: str) -> str:
    return "".join(_FULLWIDTH.get(c, c) for c in text)


def _phone(rng: random.Random) -> str:
    return rng.choice(["138", "139", "135", "137", "186", "188", "158", "150", "177"]) + "".join(
        str(rng.randint(0, 9)) for _ in range(8))


def _email(rng: random.Random) -> str:
    local = rng.choice(["wang", "li", "zhang", "liu", "chen", "yang", "zhou", "xu", "sun", "hu"]) + rng.choice(
        ["ming", "hua", "jun", "li", "yan", "wei", "qing", "hong"]) + str(rng.randint(60, 99))
    return f"{local}@{rng.choice(['example.com', 'example.cn', 'mail.example.net'])}"


def _phone_in_text(text: str, rng: random.Random) -> str:
    phone = _phone(rng)
    style = rng.randrange(5)
    if style == 0:
        return f"{text}我电话{phone}"
    if style == 1:
        return f"{text}联系方式：{to_fullwidth(phone)}"
    if style == 2:
        return f"{text}有事可以打我手机 {phone[:3]} {phone[3:7]} {phone[7:]}"
    if style == 3:
        return f"{text}（本人电话{phone}，欢迎回电）"
    return f"{text}回复请打{to_fullwidth(phone[:3])}-{to_fullwidth(phone[3:7])}-{to_fullwidth(phone[7:])}，谢谢"


# Phrase pools for more general opinions: where, what is wrong, what is asked.
_GENERAL_PARTS: dict[str, tuple[list[str], list[tuple[str, str]], list[str]]] = {
    "urban-management": (
        ["沿江路{n}号附近", "石桥老街", "文化路菜场门口", "望江路公交站旁边", "梅园路地铁口", "桂香苑南门外"],
        [("oppose", "每天傍晚都有流动摊贩占道经营"), ("oppose", "有人半夜乱倒建筑垃圾"),
         ("oppose", "小饭店的油烟直冲居民楼"), ("oppose", "夜里工地还在施工，切割机的声音停不下来"),
         ("suggestion", "垃圾桶经常满出来，建议增加清运次数"), ("oppose", "有商户把广告牌和货架摆到了人行道上")],
        ["请城管来看一下。", "希望加强巡查。", "已经持续一个多月了。", "打过电话，没人来。", ""],
    ),
    "housing": (
        ["梅园三村{n}号", "桂香苑{n}号楼", "石桥花园", "临江新村{n}号", "江畔名邸{n}号楼"],
        [("oppose", "楼顶渗水，墙皮一块块往下掉"), ("oppose", "物业报修一个星期都没人来"),
         ("suggestion", "楼道杂物堆到三楼，建议物业组织清理"), ("oppose", "化粪池满溢，整个单元都是味道"),
         ("question", "维修资金账目从来不公开，业主去哪里查"), ("oppose", "小区大门的门禁坏了半年，谁都能进")],
        ["请住建委督促物业。", "希望尽快修。", "业主们意见很大。", "麻烦给个答复。", ""],
    ),
    "transport": (
        ["梅园路文化路口", "地铁青溪大道站门口", "沿江路学校门口", "石桥镇汽车站", "望江路沿江路口"],
        [("oppose", "早晚高峰堵得水泄不通"), ("suggestion", "红绿灯时长不合理，建议重新配时"),
         ("oppose", "公交车到站时间很不准"), ("oppose", "电瓶车逆行的很多，很危险"),
         ("suggestion", "没有过街天桥，老人过马路太难，建议装个行人信号灯"), ("question", "公交站台什么时候能装上电子站牌")],
        ["请交通部门看一看。", "建议实地调研一下。", "每天都是这样。", ""],
    ),
    "health": (
        ["梅园社区卫生服务中心", "区中心医院", "临江社区卫生服务中心", "石桥镇社区卫生服务中心"],
        [("oppose", "排队配药要一个多小时"), ("oppose", "专家号根本挂不到"), ("suggestion", "建议周日也开门诊"),
         ("oppose", "自助机太多，人工窗口太少，老人不会用"), ("question", "疫苗经常缺货，什么时候能到"),
         ("oppose", "抽血窗口早上七点就排长队")],
        ["希望卫健委重视。", "看个病太累了。", "请改进。", ""],
    ),
    "civil-affairs": (
        ["梅园街道", "临江街道", "石桥镇", "桂香街道"],
        [("suggestion", "独居老人越来越多，建议多搞几个睦邻点"), ("question", "老年人助浴服务怎么申请"),
         ("oppose", "日间照料中心名额太少，排不上"), ("suggestion", "建议给高龄老人家里装扶手和防滑垫"),
         ("question", "低保复核要多久，每年都要重新交材料吗"), ("suggestion", "建议养老顾问每周固定时间坐班")],
        ["请民政局考虑。", "谢谢。", "老人等不起。", ""],
    ),
    "education": (
        ["实验小学", "青溪中学", "梅园路小学", "临江第二小学", "梅园路幼儿园"],
        [("oppose", "放学时间太早，家长根本来不及接"), ("suggestion", "建议食堂菜谱每周公开"),
         ("oppose", "班级群里老师天天布置家长作业"), ("question", "校服为什么每年都要重新买"),
         ("suggestion", "建议上学高峰在门口安排护学岗"), ("oppose", "门口的小卖部卖三无零食")],
        ["请教育局管一管。", "家长们都有意见。", "希望改进。", ""],
    ),
}


# --------------------------------------------------------------------------- assembly


def _days_in_window(item: DemoItem, rng: random.Random) -> int:
    first = item.published_days_ago
    last = max(0, item.published_days_ago - item.comment_days)
    return rng.randint(last, first)


def build_demo_data(seed: int = DEFAULT_SEED) -> DemoData:
    """The whole demo district; the same seed always gives the same data."""
    rng = random.Random(seed)
    items = [spec["item"] for spec in _ITEM_SPECS]
    item_by_key = {item.key: item for item in items}
    issue_by_key = {issue.key: issue for issue in _HOT_ISSUES}
    raw: list[dict] = []
    seen: set[str] = set()

    def add(text: str, stance: str, department: str, *, item_key=None, hot_issue=None, days=0,
            answer: Optional[str] = None, campaign: bool = False) -> None:
        seen.add(text)
        raw.append(dict(text=text, stance=stance, department=department, item_key=item_key,
                        hot_issue=hot_issue, days=days, answer=answer, campaign=campaign))

    # 1. hot issues: hand-written voices first, then composed ones until the size is reached
    for issue_key, spec in _CLUSTERS.items():
        issue = issue_by_key[issue_key]
        entries = [(stance, text) for stance, text in spec["hand"]]
        attempts = 0
        while len(entries) < spec["size"] and attempts < 5000:
            attempts += 1
            stance, text = _compose(spec, rng)
            if text not in seen and text not in {t for _, t in entries} and 15 <= len(text) <= 200:
                entries.append((stance, text))
        for stance, text in entries:
            general = rng.random() < spec["general"]
            span = spec.get("general_days", spec["days"]) if general else spec["days"]
            add(text, stance, issue.department_key, item_key=None if general else issue.item_key,
                hot_issue=issue_key, days=rng.randint(*span))

    # 2. the campaign: one letter, copied with small edits, in a burst of a few days
    campaign = next(i for i in _HOT_ISSUES if i.kind == "campaign")
    count = 0
    while count < 62:
        text = _campaign_text(rng)
        if text in seen:
            continue
        if count % 20 == 7:
            text = to_fullwidth(text)
        add(text, "oppose", campaign.department_key, item_key=campaign.item_key, hot_issue=campaign.key,
            days=rng.choice([19, 20, 20, 21, 21, 21, 22, 22, 23]), campaign=True)
        count += 1

    # 3. comments on the items themselves, and some general remarks on public items
    generic = list(_GENERIC_COMMENTS)
    for spec in _ITEM_SPECS:
        item = spec["item"]
        if item.status != "published" or item.scope == "internal":
            continue
        for comment in spec["comments"]:
            stance, text = comment[0], comment[1]
            add(text, stance, item.department_key, item_key=item.key, days=_days_in_window(item, rng),
                answer=comment[2] if len(comment) > 2 else None)
        if item.scope == "public" and not any(i.item_key == item.key for i in _HOT_ISSUES):
            wanted, tries = rng.choice([2, 2, 3, 3, 4]), 0
            while wanted > 0 and tries < 30:
                tries += 1
                stance, text = rng.choice(generic)
                lead = {"support": ["", "", "看了，", "顶一下，"], "question": ["", "", "请问，"],
                        "suggestion": ["", "", "提个建议，"], "oppose": ["", "", "说实话，"]}[stance]
                text = rng.choice(lead) + text
                if text in seen:
                    continue
                add(text, stance, item.department_key, item_key=item.key, days=_days_in_window(item, rng))
                wanted -= 1

    # 4. general opinions ("其他事项"), each clearly about one department
    for department, pool in _GENERAL.items():
        for entry in pool:
            add(entry[1], entry[0], department, days=rng.randint(1, 90),
                answer=entry[2] if len(entry) > 2 else None)
    departments = sorted(_GENERAL_PARTS)
    made = 0
    while made < 24:
        department = departments[made % len(departments)]
        places, problems, asks = _GENERAL_PARTS[department]
        stance, problem = rng.choice(problems)
        end = "？" if stance == "question" else rng.choice(["，", "。", "！"])
        ask = rng.choice(asks)
        text = _fill(f"{rng.choice(places)}{problem}{end if ask or end != '，' else '。'}{ask}", rng)
        if text.endswith("，"):
            text = text[:-1] + "。"
        if text in seen or len(text) < 15:
            continue
        add(text, stance, department, days=rng.randint(0, 90))
        made += 1

    # 5. variation: traditional characters, full-width digits, typos, emotion, phone numbers
    order = list(range(len(raw)))
    rng.shuffle(order)
    plain = [i for i in order if not raw[i]["campaign"]]
    cursor = 0

    def take(n: int, where=lambda r: True) -> list[int]:
        nonlocal cursor
        chosen = []
        while len(chosen) < n and cursor < len(plain):
            index = plain[cursor]
            cursor += 1
            if where(raw[index]):
                chosen.append(index)
        return chosen

    for i in take(26):
        raw[i]["text"] = to_traditional(raw[i]["text"])
    for i in take(14, lambda r: any(c.isdigit() for c in r["text"])):
        raw[i]["text"] = to_fullwidth(raw[i]["text"])
    for i in take(26):
        for right, wrong in _TYPOS:
            if right in raw[i]["text"]:
                raw[i]["text"] = raw[i]["text"].replace(right, wrong, 1)
                break
    for i in take(22, lambda r: r["stance"] in ("oppose", "question")):
        text = raw[i]["text"].rstrip("。！？!?，")
        raw[i]["text"] = text + rng.choice(_EMOTION)
    for i in take(20, lambda r: len(r["text"]) < 170):
        raw[i]["text"] = _phone_in_text(raw[i]["text"], rng)

    # 6. the opinions, oldest first
    answer_days = {key: days for key, (days, _) in _ISSUE_ANSWERS.items()}
    raw.sort(key=lambda r: -r["days"])
    opinions: list[DemoOpinion] = []
    answers: list[DemoAnswer] = []
    for number, r in enumerate(raw, start=1):
        key = f"op-{number:04d}"
        text = r["text"]
        roll = rng.random()
        channel = "sms" if (len(text) <= 70 and roll < 0.18) else ("kiosk" if roll > 0.8 else "web")
        if r["campaign"]:
            channel = "web" if roll < 0.85 else "kiosk"
        contact = None
        roll = rng.random()
        if roll < 0.05:
            contact = _phone(rng)
        elif roll < 0.08:
            contact = _email(rng)
        name = None
        if rng.random() < 0.3:
            name = _name(rng, informal=rng.random() < 0.5)
        if channel == "sms" and contact is None and rng.random() < 0.3:
            contact = _phone(rng)  # an SMS comes from a number
        days = r["days"]
        answered = False
        if r["hot_issue"] in answer_days:
            answered = days > answer_days[r["hot_issue"]]
        elif r["answer"]:
            days = max(days, 2)
            answered = True
            answers.append(DemoAnswer(f"ans-{key}", None, key, r["department"], r["answer"],
                                      rng.randint(0, days - 1)))
        opinions.append(DemoOpinion(key, r["item_key"], text, r["stance"], channel, contact, name, days,
                                    r["department"], r["hot_issue"], answered))
    for issue_key, (days, text) in _ISSUE_ANSWERS.items():
        answers.append(DemoAnswer(f"ans-{issue_key}", issue_key, None, issue_by_key[issue_key].department_key,
                                  text, days))
    answers.sort(key=lambda a: a.key)

    return DemoData(
        organisations=list(_ORGANISATIONS),
        departments=list(_DEPARTMENTS),
        headings=_headings(),
        items=items,
        hot_issues=list(_HOT_ISSUES),
        opinions=opinions,
        answers=answers,
        decisions=list(_DECISIONS),
        held=list(_HELD),
        users=list(_USERS),
    )


if __name__ == "__main__":  # pragma: no cover - a quick look at the data
    import json

    print(json.dumps(build_demo_data().summary(), ensure_ascii=False, indent=2))
